-- The audit trail: who read personal data, created or revoked tokens,
-- destroyed personal data; when, from where and why.
CREATE TABLE proj.audit_log (
    seq        bigint      PRIMARY KEY,
    action     text        NOT NULL,
    actor      text        NOT NULL,
    actor_role text        NOT NULL,
    subject    text,
    reason     text,
    remote     text,
    user_agent text,
    at         timestamptz NOT NULL
);
CREATE INDEX audit_log_subject ON proj.audit_log (subject, seq);
CREATE INDEX audit_log_action ON proj.audit_log (action, seq);

-- Cases are found by the digest of their tracking code.
ALTER TABLE proj.cases ADD COLUMN tracking_hash text;
CREATE UNIQUE INDEX cases_tracking ON proj.cases (tracking_hash) WHERE tracking_hash IS NOT NULL;
