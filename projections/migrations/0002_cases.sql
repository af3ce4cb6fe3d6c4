-- One row per case: its folded state and the columns lists filter on.
CREATE TABLE proj.cases (
    id                       text        PRIMARY KEY,
    status                   text        NOT NULL,
    channel                  text        NOT NULL,
    title                    text        NOT NULL,
    department_id            text,
    respondent_department_id text,
    monitoring_point_id      text,
    categories               text[]      NOT NULL,
    issue_types              text[]      NOT NULL,
    received_at              timestamptz NOT NULL,
    filed_at                 timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    version                  integer     NOT NULL,
    last_seq                 bigint      NOT NULL,
    state                    jsonb       NOT NULL
);

CREATE INDEX cases_received ON proj.cases (received_at DESC, id DESC);
CREATE INDEX cases_updated ON proj.cases (updated_at DESC, id DESC);
CREATE INDEX cases_status ON proj.cases (status, received_at DESC);
CREATE INDEX cases_department ON proj.cases (department_id, received_at DESC);
CREATE INDEX cases_point ON proj.cases (monitoring_point_id, received_at DESC);
CREATE INDEX cases_categories ON proj.cases USING gin (categories);
CREATE INDEX cases_issue_types ON proj.cases USING gin (issue_types);
