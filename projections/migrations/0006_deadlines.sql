-- Each case's clocks, folded from its events.
CREATE TABLE proj.case_clocks (
    case_id  text   PRIMARY KEY,
    tracker  jsonb  NOT NULL,
    last_seq bigint NOT NULL
);

-- One row per clock of a case (open or ended): its current due instant and
-- the deadline version, which counts every change of that instant.
CREATE TABLE proj.deadlines (
    case_id          text        NOT NULL,
    clock_id         text        NOT NULL,
    kind             text        NOT NULL,
    round            integer     NOT NULL,
    department_id    text,
    started_at       timestamptz NOT NULL,
    due_at           timestamptz,          -- null while suspended, or when it cannot be computed
    open             boolean     NOT NULL,
    suspended        boolean     NOT NULL,
    outcome          text,                 -- met, cancelled; null while open
    ended_at         timestamptz,
    problem          text,                 -- why due_at cannot be computed (a year with no schedule)
    version          integer     NOT NULL,
    calendar_version text,
    PRIMARY KEY (case_id, clock_id)
);
CREATE INDEX deadlines_open_due ON proj.deadlines (due_at) WHERE open;
CREATE INDEX deadlines_department ON proj.deadlines (department_id, kind);

-- Every due instant a clock has had, with the calendar it was computed with.
CREATE TABLE proj.deadline_history (
    case_id          text        NOT NULL,
    clock_id         text        NOT NULL,
    version          integer     NOT NULL,
    round            integer     NOT NULL,
    due_at           timestamptz,
    calendar_version text,
    seq              bigint      NOT NULL, -- the event that caused the computation
    PRIMARY KEY (case_id, clock_id, version)
);

-- The escalation ladder's steps: each falls due at "at"; raised_seq is the
-- event that raised it.
CREATE TABLE proj.alarms (
    case_id       text        NOT NULL,
    clock_id      text        NOT NULL,
    round         integer     NOT NULL,
    level         text        NOT NULL,
    version       integer     NOT NULL,
    at            timestamptz NOT NULL,
    deadline      timestamptz NOT NULL,
    department_id text,
    raised_seq    bigint,
    raised_at     timestamptz,
    PRIMARY KEY (case_id, clock_id, round, level, version)
);
CREATE INDEX alarms_pending ON proj.alarms (at) WHERE raised_seq IS NULL;
