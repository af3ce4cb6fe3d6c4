-- API bearer tokens. Only a SHA-256 of each token is kept.
CREATE TABLE api_tokens (
    id            uuid        PRIMARY KEY,
    hash          bytea       NOT NULL UNIQUE,
    role          text        NOT NULL,
    department_id text,
    point_id      text,
    name          text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    created_by    text        NOT NULL,
    expires_at    timestamptz,
    revoked_at    timestamptz
);
