"""The benchmark and the capacity search: `python -m load bench`, `python -m load capacity`,
the database's own limits (psycopg loop and pgbench), and their reports."""
