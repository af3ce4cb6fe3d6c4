-- The archive: every event of the log, in stream order, keyed by its stream
-- sequence. Rows are only ever inserted.
CREATE TABLE events (
    seq            bigint      PRIMARY KEY CHECK (seq > 0),
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    version        integer     NOT NULL CHECK (version > 0),
    event_type     text        NOT NULL,
    schema_version integer     NOT NULL,
    event_id       uuid        NOT NULL UNIQUE,
    command_id     text        NOT NULL,
    data           json        NOT NULL, -- json, not jsonb: the exact bytes of the log
    metadata       json        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL,
    archived_at    timestamptz NOT NULL DEFAULT now(),
    prev_hash      bytea       NOT NULL, -- hash of the event before (empty for the first)
    hash           bytea       NOT NULL, -- SHA-256 over prev_hash and this event's content
    UNIQUE (aggregate_type, aggregate_id, version)
);

CREATE INDEX events_command_id ON events (command_id);

CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the events archive is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

-- Where the archive stands: the last archived sequence and hash. Updated in
-- the same transaction as the rows it describes.
CREATE TABLE archive_state (
    id             boolean     PRIMARY KEY DEFAULT true CHECK (id),
    seq            bigint      NOT NULL DEFAULT 0,
    hash           bytea       NOT NULL DEFAULT '\x',
    recorded_at    timestamptz,
    stopped_reason text,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO archive_state DEFAULT VALUES;
