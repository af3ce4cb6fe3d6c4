-- The addresses of the departments' deadline feeds: each is a read-only
-- token in a URL, kept here only as a SHA-256 digest. Revoking one
-- (revoked_at) makes its feed answer 404 at once.
CREATE TABLE feed_tokens (
    id            uuid        PRIMARY KEY,
    hash          bytea       NOT NULL UNIQUE,
    department_id text        NOT NULL,
    name          text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    created_by    text        NOT NULL,
    revoked_at    timestamptz
);
CREATE INDEX feed_tokens_department ON feed_tokens (department_id, created_at);
