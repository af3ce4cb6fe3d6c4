-- The trend counts (asynchronous, on its own checkpoint): daily counts of
-- cases per cell, with the distinct monitoring points, districts and
-- departments behind each cell and day, for the trend detectors.

-- What the counts know of the register and the network: a department's
-- district; a monitoring point's kind and district (or its workstation's);
-- a workstation's district.
CREATE TABLE proj.trend_places (
    kind       text NOT NULL, -- 'department', 'point' or 'workstation'
    id         text NOT NULL,
    district   text NOT NULL,
    point_type text NOT NULL,
    PRIMARY KEY (kind, id)
);

-- One row per case: the facts its cells are made of. The department is
-- the one named at filing, else the one the case was last referred to; the
-- district is the monitoring point's, else the department's.
CREATE TABLE proj.trend_cases (
    case_id       text   PRIMARY KEY,
    day           date   NOT NULL, -- received, in the service's time zone
    respondent_id text   NOT NULL,
    referred_id   text   NOT NULL,
    point_id      text   NOT NULL,
    department_id text   NOT NULL,
    district      text   NOT NULL,
    point_type    text   NOT NULL,
    categories    text[] NOT NULL,
    issue_types   text[] NOT NULL
);

-- Each case in each of its cells (dimension and two parts, see
-- domain/finding.CellOf).
CREATE TABLE proj.trend_case_cells (
    dimension  text NOT NULL,
    a          text NOT NULL,
    b          text NOT NULL,
    day        date NOT NULL,
    case_id    text NOT NULL,
    point      text NOT NULL,
    district   text NOT NULL,
    department text NOT NULL,
    PRIMARY KEY (dimension, a, b, day, case_id)
);
CREATE INDEX trend_case_cells_case ON proj.trend_case_cells (case_id);

-- The daily counts per cell: only days with cases have a row.
CREATE TABLE proj.trend_counts (
    dimension   text    NOT NULL,
    a           text    NOT NULL,
    b           text    NOT NULL,
    day         date    NOT NULL,
    cases       integer NOT NULL,
    points      text[]  NOT NULL,
    districts   text[]  NOT NULL,
    departments text[]  NOT NULL,
    PRIMARY KEY (dimension, a, b, day)
);
CREATE INDEX trend_counts_day ON proj.trend_counts (day);
