-- The sessions of the web pages: a person logs in with an API token and
-- gets a session. Only a SHA-256 of the session id (the cookie's value) is
-- kept; the token itself is never stored, only which token it was, so that
-- revoking the token ends its sessions.
CREATE TABLE web_sessions (
    id_hash      bytea       PRIMARY KEY,
    token_id     text        NOT NULL,
    csrf         text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);
CREATE INDEX web_sessions_token ON web_sessions (token_id);
CREATE INDEX web_sessions_seen ON web_sessions (last_seen_at);
