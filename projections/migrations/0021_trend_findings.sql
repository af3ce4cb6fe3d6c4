-- The trend findings: one row per finding, its folded state and the
-- columns the lists and the detector runs select on.
CREATE TABLE proj.trend_findings (
    id          text        PRIMARY KEY,
    kind        text        NOT NULL,
    dimension   text        NOT NULL,
    a           text        NOT NULL,
    b           text        NOT NULL,
    status      text        NOT NULL,
    severity    text        NOT NULL,
    from_day    date        NOT NULL,
    to_day      date        NOT NULL,
    last_raised date        NOT NULL,
    case_count  integer     NOT NULL,
    detected_at timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     integer     NOT NULL,
    last_seq    bigint      NOT NULL,
    state       jsonb       NOT NULL
);
CREATE INDEX trend_findings_status ON proj.trend_findings (status, updated_at DESC, id);
CREATE INDEX trend_findings_cell ON proj.trend_findings (dimension, a, b, kind);
