CREATE SCHEMA proj;

-- Checkpoints of the asynchronous projections: the last archived sequence
-- each has applied.
CREATE TABLE proj.checkpoints (
    name text   PRIMARY KEY,
    seq  bigint NOT NULL DEFAULT 0
);
