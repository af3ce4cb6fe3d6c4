-- The monitoring network (issue 13): one row per aggregate with its folded
-- state and the columns queries select on; the two-way registrations one
-- row per entry of a point's ledger.
CREATE TABLE proj.network_workstations (
    id            text        PRIMARY KEY,
    district      text        NOT NULL,
    active        boolean     NOT NULL,
    registered_at timestamptz NOT NULL,
    state         jsonb       NOT NULL,
    last_seq      bigint      NOT NULL
);

CREATE TABLE proj.network_points (
    id             text        PRIMARY KEY,
    workstation_id text        NOT NULL,
    district       text        NOT NULL,
    active         boolean     NOT NULL,
    state          jsonb       NOT NULL,
    last_seq       bigint      NOT NULL
);
CREATE INDEX network_points_workstation ON proj.network_points (workstation_id, id);

CREATE TABLE proj.network_rosters (
    id        text    PRIMARY KEY, -- the year
    published boolean NOT NULL,
    state     jsonb   NOT NULL,
    last_seq  bigint  NOT NULL
);

CREATE TABLE proj.network_supervisors (
    id       text   PRIMARY KEY,
    token_id text,
    state    jsonb  NOT NULL,
    last_seq bigint NOT NULL
);
CREATE INDEX network_supervisors_token ON proj.network_supervisors (token_id);

CREATE TABLE proj.network_visits (
    id             text        PRIMARY KEY,
    supervisor_id  text        NOT NULL,
    workstation_id text,
    point_id       text,
    month          text        NOT NULL,
    visited_at     timestamptz NOT NULL,
    state          jsonb       NOT NULL,
    last_seq       bigint      NOT NULL
);
CREATE INDEX network_visits_month ON proj.network_visits (month, supervisor_id);

CREATE TABLE proj.network_meetings (
    id       text   PRIMARY KEY, -- the quarter, 2026-q4
    state    jsonb  NOT NULL,
    last_seq bigint NOT NULL
);

CREATE TABLE proj.network_reports (
    id             text        PRIMARY KEY, -- workstation_month
    workstation_id text        NOT NULL,
    month          text        NOT NULL,
    status         text        NOT NULL,
    due_at         timestamptz NOT NULL,
    state          jsonb       NOT NULL,
    last_seq       bigint      NOT NULL
);
CREATE INDEX network_reports_month ON proj.network_reports (month, workstation_id);
CREATE INDEX network_reports_status ON proj.network_reports (status, due_at);

CREATE TABLE proj.network_entries (
    point_id      text        NOT NULL,
    entry_id      text        NOT NULL,
    side          text        NOT NULL,
    department_id text        NOT NULL,
    kind          text        NOT NULL,
    amount_fen    bigint      NOT NULL,
    occurred_at   timestamptz NOT NULL,
    registered_at timestamptz NOT NULL,
    paired_with   text,
    flag          text,
    case_id       text,
    state         jsonb       NOT NULL,
    last_seq      bigint      NOT NULL,
    PRIMARY KEY (point_id, entry_id)
);
CREATE INDEX network_entries_occurred ON proj.network_entries (occurred_at, point_id);
CREATE INDEX network_entries_department ON proj.network_entries (department_id, occurred_at);
CREATE INDEX network_entries_waiting ON proj.network_entries (registered_at) WHERE paired_with IS NULL AND flag IS NULL;
