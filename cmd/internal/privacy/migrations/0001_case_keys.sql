-- Each case's data key, wrapped by the master key. Destroying a key (setting
-- wrapped to NULL) makes the case's sealed personal data unreadable
-- everywhere, while the event log stays as it was.
CREATE TABLE case_keys (
    case_id     text        PRIMARY KEY,
    wrapped     bytea,
    created_at  timestamptz NOT NULL DEFAULT now(),
    shredded_at timestamptz
);
