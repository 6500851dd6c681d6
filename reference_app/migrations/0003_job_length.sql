-- A job lasts at most 7 days (the API's limit, now the table's). With that bound, "jobs
-- overlapping [a, b)" is an index range scan on (tenant_id, start_time) between a - 7 days and
-- b, not a scan of every earlier job of the tenant.

ALTER TABLE jobs ADD CONSTRAINT jobs_length_check CHECK (end_time - start_time <= interval '7 days');
