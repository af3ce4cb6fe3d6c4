-- The board shows every open supervision, whoever ordered it: those the
-- clocks raised (origin deadline) and those a supervisor ordered by hand
-- (origin supervisor, clock "supervision"), open until the case is
-- resolved or closed.
ALTER TABLE proj.escalation_board ADD COLUMN origin text NOT NULL DEFAULT 'deadline';
