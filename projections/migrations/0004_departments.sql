-- The department register.
CREATE TABLE proj.departments (
    id         text        PRIMARY KEY,
    name       text        NOT NULL,
    category   text        NOT NULL,
    district   text,
    parent_id  text,
    active     boolean     NOT NULL,
    version    integer     NOT NULL,
    last_seq   bigint      NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX departments_parent ON proj.departments (parent_id);
