-- Transactional outbox: an email row is written in the transaction of the event that causes it,
-- and a sender delivers it later, retrying until it is sent or declared dead.

CREATE TABLE email_outbox (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    job_id uuid REFERENCES jobs (id) ON DELETE SET NULL,
    kind text NOT NULL,
    recipient text NOT NULL,
    payload jsonb NOT NULL,
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    ses_message_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz
);
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX email_outbox_job_idx ON email_outbox (job_id);
CREATE INDEX email_outbox_tenant_state_idx ON email_outbox (tenant_id, state, id);
