-- The ratings and rankings (issue 14), kept by the asynchronous "ratings"
-- projection.

-- Every sheet a monitoring point or the center's staff filled in (即时测评,
-- 综合测评, 明察暗访), as it was given. point_id and dealt_on are the
-- center's: no department query reads them.
CREATE TABLE proj.rating_sheets (
    source_id     text        PRIMARY KEY,
    method        text        NOT NULL,
    point_id      text,
    department_id text        NOT NULL,
    unit_id       text        NOT NULL,
    target        jsonb       NOT NULL,
    dealing_ref   text,
    dealing       text,
    kind          text,
    dealt_on      date,
    period        text        NOT NULL,
    grades        jsonb       NOT NULL,
    comment       text        NOT NULL,
    findings      text,
    at            timestamptz NOT NULL,
    seq           bigint      NOT NULL,
    counted       boolean     NOT NULL
);
CREATE INDEX rating_sheets_point ON proj.rating_sheets (point_id, period, seq);
CREATE INDEX rating_sheets_period ON proj.rating_sheets (period, department_id, seq);

-- What a score counts: one row per grade given to a rated unit (a sheet
-- is credited to its department and to the office or window it names; a
-- survey gives one row per grade with its count; a closed session's
-- ballots one row each). counted is false for what came after its month
-- was closed (or while it was being closed: after the closing's asOf).
CREATE TABLE proj.rating_lines (
    source_id        text    NOT NULL,
    line             integer NOT NULL,
    unit_id          text    NOT NULL,
    unit_kind        text    NOT NULL,
    method           text    NOT NULL,
    period           text    NOT NULL,
    grade            text    NOT NULL,
    n                integer NOT NULL,
    violations       integer NOT NULL,
    violation_amount text    NOT NULL,
    lapses           integer NOT NULL,
    seq              bigint  NOT NULL,
    counted          boolean NOT NULL,
    PRIMARY KEY (source_id, line, unit_id)
);
CREATE INDEX rating_lines_period ON proj.rating_lines (period, unit_id);

-- What the rectification rule keeps of each case (domain/rating
-- CaseRecord), and the items it found: one per rectification and month,
-- at the worst of what was found in that month, with the case events that
-- found it.
CREATE TABLE proj.rating_case_records (
    case_id text  PRIMARY KEY,
    record  jsonb NOT NULL
);
CREATE TABLE proj.rating_items (
    case_id       text    NOT NULL,
    rect_id       text    NOT NULL,
    period        text    NOT NULL,
    department_id text    NOT NULL,
    kind          text    NOT NULL,
    severity      integer NOT NULL,
    events        jsonb   NOT NULL,
    seq           bigint  NOT NULL,
    PRIMARY KEY (case_id, rect_id, period)
);
CREATE INDEX rating_items_period ON proj.rating_items (period, department_id);

-- Central assessment sessions and their ballots.
CREATE TABLE proj.rating_sessions (
    session_id text    PRIMARY KEY,
    period     text    NOT NULL,
    held_on    date    NOT NULL,
    title      text    NOT NULL,
    groups     jsonb   NOT NULL,
    units      jsonb   NOT NULL,
    ballots    integer NOT NULL,
    closed     boolean NOT NULL,
    seq        bigint  NOT NULL
);
CREATE INDEX rating_sessions_period ON proj.rating_sessions (period, closed);
CREATE TABLE proj.rating_ballots (
    session_id text    NOT NULL,
    number     integer NOT NULL,
    grp        text    NOT NULL,
    grades     jsonb   NOT NULL,
    PRIMARY KEY (session_id, number)
);

-- Closed periods, and each unit's result as its closing fixed it: the
-- input, total, place and outcome from the event, the drill-down drawn
-- from the event's input and scheme.
CREATE TABLE proj.rating_periods (
    period    text        PRIMARY KEY,
    as_of     bigint      NOT NULL,
    closed_at timestamptz NOT NULL,
    seq       bigint      NOT NULL,
    schemes   jsonb       NOT NULL
);
CREATE TABLE proj.rating_results (
    period     text    NOT NULL,
    unit_id    text    NOT NULL,
    unit_kind  text    NOT NULL,
    category   text    NOT NULL,
    scored     boolean NOT NULL,
    total      text    NOT NULL,
    ranked     boolean NOT NULL,
    not_ranked text    NOT NULL,
    place      integer NOT NULL,
    tied       boolean NOT NULL,
    outcome    jsonb   NOT NULL,
    input      jsonb   NOT NULL,
    score      jsonb   NOT NULL,
    left_out   jsonb   NOT NULL,
    PRIMARY KEY (period, unit_id)
);

-- The scheme versions adopted, and the one in force per kind of unit.
CREATE TABLE proj.rating_scheme_versions (
    scheme_id  text        NOT NULL,
    version    integer     NOT NULL,
    scheme     jsonb       NOT NULL,
    adopted_at timestamptz NOT NULL,
    PRIMARY KEY (scheme_id, version)
);
CREATE TABLE proj.rating_schemes_in_force (
    kind      text        PRIMARY KEY,
    scheme_id text        NOT NULL,
    version   integer     NOT NULL,
    since     timestamptz NOT NULL
);
