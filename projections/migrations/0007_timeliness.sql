-- Every round of every clock that ended: what department timeliness is
-- counted from.
CREATE TABLE proj.clock_rounds (
    case_id       text        NOT NULL,
    clock_id      text        NOT NULL,
    round         integer     NOT NULL,
    kind          text        NOT NULL,
    department_id text,
    started_at    timestamptz NOT NULL,
    due_at        timestamptz,
    ended_at      timestamptz NOT NULL,
    outcome       text        NOT NULL, -- met, cancelled
    on_time       boolean,              -- ended by the deadline (null without one)
    late_window   boolean,              -- met in the last 20% of its working time (临期办结)
    PRIMARY KEY (case_id, clock_id, round)
);
CREATE INDEX clock_rounds_department ON proj.clock_rounds (department_id, kind, due_at);

-- What departments did that assessment counts: returns (退单), extension
-- requests and grants.
CREATE TABLE proj.department_actions (
    seq           bigint      PRIMARY KEY,
    department_id text        NOT NULL,
    action        text        NOT NULL,
    case_id       text        NOT NULL,
    at            timestamptz NOT NULL
);
CREATE INDEX department_actions_department ON proj.department_actions (department_id, action, at);
