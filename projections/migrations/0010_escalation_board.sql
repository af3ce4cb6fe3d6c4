-- The supervisors' board: one row per open clock that escalated, with the
-- highest step raised, kept by the deadline projection so the board is read
-- straight from an index however many cases there are.
CREATE TABLE proj.escalation_board (
    case_id       text        NOT NULL,
    clock_id      text        NOT NULL,
    round         integer     NOT NULL,
    kind          text        NOT NULL,
    level         text        NOT NULL,
    rank          integer     NOT NULL,
    department_id text,
    due_at        timestamptz NOT NULL,
    raised_at     timestamptz NOT NULL,
    PRIMARY KEY (case_id, clock_id)
);
CREATE INDEX escalation_board_urgent ON proj.escalation_board (rank DESC, due_at, case_id);
CREATE INDEX escalation_board_department ON proj.escalation_board (department_id, rank DESC, due_at, case_id);
