"""Locust wiring: options, the run context sent to workers, the base user, the load shapes and
the table-driven LoadTestShape, the one verdict given when Locust quits, and the Locust process
that `python -m load run` starts."""
