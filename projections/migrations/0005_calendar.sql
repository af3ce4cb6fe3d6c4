-- The official working-day schedules loaded so far, one row per year.
CREATE TABLE proj.calendar_years (
    year      integer     PRIMARY KEY,
    schedule  jsonb       NOT NULL,
    loaded_at timestamptz NOT NULL,
    seq       bigint      NOT NULL
);
