-- Addresses SES reported as hard-bounced or complained about, per tenant: mail to them is
-- never sent again (an outbox row to one ends 'suppressed') until an admin lifts it.
CREATE TABLE email_suppressions (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email text NOT NULL CHECK (email = lower(email)),
    reason text NOT NULL CHECK (reason IN ('bounce', 'complaint')),
    detail text,
    feedback_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, email)
);

ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_state_check;
ALTER TABLE email_outbox
    ADD CONSTRAINT email_outbox_state_check CHECK (state IN ('pending', 'sent', 'dead', 'suppressed'));

-- Abuse limits: hits per key (e.g. failed sign-ins of one email) in fixed windows. In the
-- database, not in process memory, because several server processes share one limit.
CREATE TABLE abuse_counters (
    key text NOT NULL,
    window_start timestamptz NOT NULL,
    hits integer NOT NULL,
    PRIMARY KEY (key, window_start)
);
