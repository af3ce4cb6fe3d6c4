-- The special reports: one row per report, its folded state and the
-- columns the lists select on (a leader's inbox: the reports issued to
-- the leader).
CREATE TABLE proj.special_reports (
    id         text        PRIMARY KEY,
    status     text        NOT NULL,
    title      text        NOT NULL,
    drafted_by text        NOT NULL,
    recipients text[]      NOT NULL,
    issued_at  timestamptz,
    updated_at timestamptz NOT NULL,
    version    integer     NOT NULL,
    last_seq   bigint      NOT NULL,
    state      jsonb       NOT NULL
);
CREATE INDEX special_reports_updated ON proj.special_reports (updated_at DESC, id);
CREATE INDEX special_reports_recipients ON proj.special_reports USING gin (recipients);

-- The instructions the report process watches: supervision still to be
-- ordered on the cases, follow-ups still to be reported by their due date.
CREATE TABLE proj.special_report_instructions (
    report_id      text        NOT NULL,
    instruction_id text        NOT NULL,
    supervision    text        NOT NULL, -- '' when the instruction orders none
    dispatched     boolean     NOT NULL,
    due_at         timestamptz,          -- the follow-up's due date; NULL without one
    reported       boolean     NOT NULL,
    overdue        boolean     NOT NULL,
    PRIMARY KEY (report_id, instruction_id)
);
CREATE INDEX special_report_instructions_pending ON proj.special_report_instructions (due_at) WHERE NOT reported AND NOT overdue;
