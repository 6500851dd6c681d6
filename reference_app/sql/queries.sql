-- Every statement the service runs. Blocks are named by a "-- name:" header.

-- name: health
SELECT 1 AS ok

-- name: applied_migrations
SELECT version, name FROM schema_migrations

-- name: lock_slot_buckets
-- Slot capacity is serialised per tenant and hour bucket: two overlapping intervals always
-- share a bucket. generate_series yields buckets ascending, so locks are taken in one order.
SELECT pg_advisory_xact_lock(hashtext(%(tenant_id)s::text), bucket::integer)
FROM generate_series(%(first_bucket)s::bigint, %(last_bucket)s::bigint) AS bucket

-- name: lock_idempotency_key
SELECT pg_advisory_xact_lock(hashtextextended(%(tenant_id)s::text || ':' || %(key)s, 0))

-- name: overlapping_active_jobs
SELECT id, title, start_time, end_time, status
FROM jobs
WHERE tenant_id = %(tenant_id)s
  AND status IN ('scheduled', 'in-progress', 'pending-confirmation')
  AND start_time < %(end_time)s
  AND start_time > %(start_time)s - interval '7 days'  -- no job is longer (jobs_length_check)
  AND end_time > %(start_time)s
  AND id IS DISTINCT FROM %(exclude_job_id)s::uuid
ORDER BY start_time, id

-- name: tenant_by_id
SELECT id, name, time_zone, notification_email FROM tenants WHERE id = %(tenant_id)s

-- name: insert_tenant
INSERT INTO tenants (name, time_zone, notification_email)
VALUES (%(name)s, %(time_zone)s, %(notification_email)s)
RETURNING id, name, time_zone, notification_email

-- name: insert_admin_user
INSERT INTO admin_users (tenant_id, email, name, password_hash)
VALUES (%(tenant_id)s, %(email)s, %(name)s, %(password_hash)s)
RETURNING id, tenant_id, email, name

-- name: admin_user_by_email
SELECT id, tenant_id, email, name, password_hash FROM admin_users WHERE lower(email) = lower(%(email)s)

-- name: update_password_hash
UPDATE admin_users SET password_hash = %(password_hash)s WHERE id = %(user_id)s

-- name: insert_auth_token
INSERT INTO auth_tokens (token_hash, user_id, tenant_id, expires_at)
VALUES (%(token_hash)s, %(user_id)s, %(tenant_id)s, %(expires_at)s)

-- name: principal_by_token
SELECT u.id AS user_id, u.email, u.name, t.id AS tenant_id, t.time_zone
FROM auth_tokens a
JOIN admin_users u ON u.id = a.user_id
JOIN tenants t ON t.id = a.tenant_id
WHERE a.token_hash = %(token_hash)s AND a.expires_at > %(now)s

-- name: delete_auth_token
DELETE FROM auth_tokens WHERE token_hash = %(token_hash)s

-- name: service_with_tenant
SELECT s.id, s.tenant_id, s.name, s.description, s.duration_minutes, s.active,
       s.booking_settings, t.name AS tenant_name, t.time_zone, t.notification_email
FROM services s JOIN tenants t ON t.id = s.tenant_id
WHERE s.id = %(service_id)s

-- name: service_with_busy_times
-- An availability look-up in one statement: the service, its tenant, and the tenant's active
-- jobs overlapping the window as two sorted arrays of epoch microseconds (starts, ends).
SELECT s.id, s.tenant_id, s.name, s.description, s.duration_minutes, s.active,
       s.booking_settings, t.name AS tenant_name, t.time_zone, t.notification_email,
       busy.starts AS busy_starts, busy.ends AS busy_ends
FROM services s JOIN tenants t ON t.id = s.tenant_id
CROSS JOIN LATERAL (
    SELECT coalesce(array_agg(b.s ORDER BY b.s), '{}') AS starts,
           coalesce(array_agg(b.e ORDER BY b.e), '{}') AS ends
    FROM (
        SELECT (extract(epoch FROM j.start_time) * 1000000)::bigint AS s,
               (extract(epoch FROM j.end_time) * 1000000)::bigint AS e
        FROM jobs j
        WHERE j.tenant_id = s.tenant_id
          AND j.status IN ('scheduled', 'in-progress', 'pending-confirmation')
          AND j.start_time < %(range_end)s
          AND j.start_time > %(range_start)s - interval '7 days'  -- no job is longer (jobs_length_check)
          AND j.end_time > %(range_start)s
    ) b
) busy
WHERE s.id = %(service_id)s

-- name: services_of_tenant
SELECT id, tenant_id, name, description, duration_minutes, active, booking_settings,
       created_at, updated_at
FROM services WHERE tenant_id = %(tenant_id)s ORDER BY created_at, id

-- name: service_of_tenant
SELECT id, tenant_id, name, description, duration_minutes, active, booking_settings,
       created_at, updated_at
FROM services WHERE tenant_id = %(tenant_id)s AND id = %(service_id)s

-- name: insert_service
INSERT INTO services (tenant_id, name, description, duration_minutes, active, booking_settings)
VALUES (%(tenant_id)s, %(name)s, %(description)s, %(duration_minutes)s, %(active)s,
        %(booking_settings)s)
RETURNING id, tenant_id, name, description, duration_minutes, active, booking_settings,
          created_at, updated_at

-- name: update_service
UPDATE services
SET name = %(name)s, description = %(description)s, duration_minutes = %(duration_minutes)s,
    active = %(active)s, booking_settings = %(booking_settings)s, updated_at = now()
WHERE tenant_id = %(tenant_id)s AND id = %(service_id)s
RETURNING id, tenant_id, name, description, duration_minutes, active, booking_settings,
          created_at, updated_at

-- name: delete_service
DELETE FROM services WHERE tenant_id = %(tenant_id)s AND id = %(service_id)s RETURNING id

-- name: insert_booking
-- Contact upsert (one per tenant and case-insensitive address), job and first history row
-- in one statement: one round trip inside the guarded transaction.
WITH contact AS (
    INSERT INTO contacts (tenant_id, name, email, phone)
    VALUES (%(tenant_id)s, %(contact_name)s, %(contact_email)s, %(contact_phone)s)
    ON CONFLICT (tenant_id, lower(email)) DO UPDATE
        SET name = EXCLUDED.name,
            phone = COALESCE(EXCLUDED.phone, contacts.phone),
            updated_at = now()
    RETURNING id, name, email, phone
), job AS (
    INSERT INTO jobs (tenant_id, service_id, contact_id, title, start_time, end_time, status,
                      source, notes)
    SELECT %(tenant_id)s, %(service_id)s, contact.id, %(title)s, %(start_time)s, %(end_time)s,
           %(status)s, 'booking', %(notes)s
    FROM contact
    RETURNING *
), history AS (
    INSERT INTO job_status_history (job_id, from_status, to_status, actor)
    SELECT id, NULL, status, 'client' FROM job
)
SELECT job.id, job.tenant_id, job.service_id, job.title, job.start_time, job.end_time,
       job.status, job.source, job.notes, job.decline_reason, job.cancel_reason,
       job.created_at, job.updated_at,
       contact.id AS contact_id, contact.name AS contact_name, contact.email AS contact_email,
       contact.phone AS contact_phone
FROM job, contact

-- name: upsert_contact
INSERT INTO contacts (tenant_id, name, email, phone)
VALUES (%(tenant_id)s, %(name)s, %(email)s, %(phone)s)
ON CONFLICT (tenant_id, lower(email)) DO UPDATE
    SET name = EXCLUDED.name, phone = COALESCE(EXCLUDED.phone, contacts.phone), updated_at = now()
RETURNING id

-- name: insert_admin_job
WITH job AS (
    INSERT INTO jobs (tenant_id, service_id, contact_id, title, start_time, end_time, status,
                      source, notes)
    VALUES (%(tenant_id)s, %(service_id)s, %(contact_id)s, %(title)s, %(start_time)s,
            %(end_time)s, 'scheduled', 'admin', %(notes)s)
    RETURNING id, status
), history AS (
    INSERT INTO job_status_history (job_id, from_status, to_status, actor)
    SELECT id, NULL, status, %(actor)s FROM job
)
SELECT id FROM job

-- name: job_view
SELECT j.id, j.tenant_id, j.service_id, j.title, j.start_time, j.end_time, j.status, j.source,
       j.notes, j.decline_reason, j.cancel_reason, j.created_at, j.updated_at,
       c.id AS contact_id, c.name AS contact_name, c.email AS contact_email,
       c.phone AS contact_phone
FROM jobs j LEFT JOIN contacts c ON c.id = j.contact_id
WHERE j.tenant_id = %(tenant_id)s AND j.id = %(job_id)s

-- name: jobs_in_range
SELECT j.id, j.tenant_id, j.service_id, j.title, j.start_time, j.end_time, j.status, j.source,
       j.notes, j.decline_reason, j.cancel_reason, j.created_at, j.updated_at,
       c.id AS contact_id, c.name AS contact_name, c.email AS contact_email,
       c.phone AS contact_phone
FROM jobs j LEFT JOIN contacts c ON c.id = j.contact_id
WHERE j.tenant_id = %(tenant_id)s
  AND j.start_time < %(range_end)s
  AND j.start_time > %(range_start)s - interval '7 days'  -- no job is longer (jobs_length_check)
  AND j.end_time > %(range_start)s
  AND (%(statuses)s::text[] IS NULL OR j.status = ANY(%(statuses)s::text[]))
ORDER BY j.start_time, j.id

-- name: job_for_update
SELECT j.id, j.service_id, j.title, j.notes, j.start_time, j.end_time, j.status,
       s.booking_settings
FROM jobs j LEFT JOIN services s ON s.id = j.service_id
WHERE j.tenant_id = %(tenant_id)s AND j.id = %(job_id)s
FOR UPDATE OF j

-- name: set_job_status
UPDATE jobs
SET status = %(to_status)s,
    decline_reason = COALESCE(%(decline_reason)s, decline_reason),
    cancel_reason = COALESCE(%(cancel_reason)s, cancel_reason),
    updated_at = now()
WHERE id = %(job_id)s AND status = %(from_status)s

-- name: insert_status_history
INSERT INTO job_status_history (job_id, from_status, to_status, reason, actor)
VALUES (%(job_id)s, %(from_status)s, %(to_status)s, %(reason)s, %(actor)s)

-- name: update_job_fields
UPDATE jobs
SET title = %(title)s, notes = %(notes)s, start_time = %(start_time)s, end_time = %(end_time)s,
    updated_at = now()
WHERE id = %(job_id)s

-- name: job_history
SELECT from_status, to_status, reason, actor, changed_at
FROM job_status_history WHERE job_id = %(job_id)s ORDER BY id

-- name: idempotent_response
SELECT request_hash, status_code, response
FROM idempotency_keys WHERE tenant_id = %(tenant_id)s AND key = %(key)s

-- name: insert_idempotent_response
INSERT INTO idempotency_keys (tenant_id, key, request_hash, job_id, status_code, response)
VALUES (%(tenant_id)s, %(key)s, %(request_hash)s, %(job_id)s, %(status_code)s, %(response)s)

-- name: enqueue_emails
-- One row per email of an event, in the event's transaction, in one round trip.
INSERT INTO email_outbox (tenant_id, job_id, kind, recipient, payload)
SELECT %(tenant_id)s, %(job_id)s, e->>'kind', e->>'recipient', e->'payload'
FROM jsonb_array_elements(%(emails)s::jsonb) AS e

-- name: email_context
SELECT j.id AS job_id, j.title, j.start_time, j.end_time, j.status, j.notes,
       t.name AS tenant_name, t.time_zone, t.notification_email,
       s.name AS service_name,
       c.name AS contact_name, c.email AS contact_email, c.phone AS contact_phone
FROM jobs j
JOIN tenants t ON t.id = j.tenant_id
LEFT JOIN services s ON s.id = j.service_id
LEFT JOIN contacts c ON c.id = j.contact_id
WHERE j.id = %(job_id)s

-- name: claim_due_email
-- SKIP LOCKED: several senders (processes) share the queue; a row is only ever held by one.
SELECT id, tenant_id, job_id, kind, recipient, payload, attempts
FROM email_outbox
WHERE state = 'pending' AND next_attempt_at <= now()
ORDER BY next_attempt_at, id
LIMIT 1
FOR UPDATE SKIP LOCKED

-- name: mark_email_sent
UPDATE email_outbox
SET state = 'sent', attempts = attempts + 1, ses_message_id = %(message_id)s,
    sent_at = now(), last_error = NULL
WHERE id = %(id)s

-- name: mark_email_failed
UPDATE email_outbox
SET attempts = attempts + 1,
    last_error = %(error)s,
    state = CASE WHEN attempts + 1 >= %(max_attempts)s THEN 'dead' ELSE 'pending' END,
    next_attempt_at = now() + make_interval(secs => %(delay_seconds)s)
WHERE id = %(id)s
RETURNING state

-- name: outbox_rows
SELECT id, job_id, kind, recipient, state, attempts, next_attempt_at, last_error,
       ses_message_id, created_at, sent_at
FROM email_outbox
WHERE tenant_id = %(tenant_id)s
  AND (%(state)s::text IS NULL OR state = %(state)s)
ORDER BY id DESC
LIMIT %(limit)s

-- name: outbox_counts
SELECT state, count(*) AS count FROM email_outbox GROUP BY state

-- name: active_jobs_for_audit
-- Every active job with its capacity (its service's maxBookingsPerSlot, 1 without a service).
SELECT j.id, j.tenant_id, j.start_time, j.end_time,
       COALESCE((s.booking_settings->>'maxBookingsPerSlot')::int, 1) AS capacity
FROM jobs j
LEFT JOIN services s ON s.id = j.service_id
WHERE j.status IN ('scheduled', 'in-progress', 'pending-confirmation')
  AND (%(ending_after)s::timestamptz IS NULL OR j.end_time > %(ending_after)s)

-- name: suppression_counts
SELECT reason, count(*) AS count FROM email_suppressions GROUP BY reason

-- name: abuse_hit
-- One more hit on a key in the current fixed window; older windows of the key are dropped.
WITH dropped AS (
    DELETE FROM abuse_counters WHERE key = %(key)s AND window_start < %(window_start)s
)
INSERT INTO abuse_counters (key, window_start, hits) VALUES (%(key)s, %(window_start)s, 1)
ON CONFLICT (key, window_start) DO UPDATE SET hits = abuse_counters.hits + 1
RETURNING hits

-- name: abuse_hits
SELECT key, hits FROM abuse_counters WHERE key = ANY(%(keys)s) AND window_start = %(window_start)s

-- name: abuse_clear
DELETE FROM abuse_counters WHERE key = %(key)s

-- name: abuse_prune
DELETE FROM abuse_counters WHERE window_start < %(before)s

-- name: feedback_tenant
-- The tenant whose email SES reports on: by SES's message id, else by our outbox id header.
SELECT tenant_id FROM email_outbox
WHERE (%(message_id)s::text IS NOT NULL AND ses_message_id = %(message_id)s)
   OR (%(outbox_id)s::bigint IS NOT NULL AND id = %(outbox_id)s)
ORDER BY (ses_message_id = %(message_id)s) DESC NULLS LAST
LIMIT 1

-- name: insert_suppression
INSERT INTO email_suppressions (tenant_id, email, reason, detail, feedback_id)
VALUES (%(tenant_id)s, %(email)s, %(reason)s, %(detail)s, %(feedback_id)s)
ON CONFLICT (tenant_id, email) DO NOTHING

-- name: is_suppressed
SELECT reason FROM email_suppressions WHERE tenant_id = %(tenant_id)s AND email = lower(%(email)s)

-- name: mark_email_suppressed
UPDATE email_outbox
SET state = 'suppressed', last_error = %(reason)s
WHERE id = %(id)s

-- name: suppressions_of_tenant
SELECT email, reason, detail, feedback_id, created_at FROM email_suppressions
WHERE tenant_id = %(tenant_id)s ORDER BY created_at DESC, email

-- name: delete_suppression
DELETE FROM email_suppressions WHERE tenant_id = %(tenant_id)s AND email = lower(%(email)s)

-- name: count_page_view
-- One more view of a service's booking page in the hour of %(at)s.
INSERT INTO booking_page_views (service_id, hour, views)
VALUES (%(service_id)s, date_trunc('hour', %(at)s::timestamptz), 1)
ON CONFLICT (service_id, hour) DO UPDATE SET views = booking_page_views.views + 1
