-- Terms administrators added to the classification (the defaults are in the
-- program).
CREATE TABLE proj.taxonomy_terms (
    kind  text   NOT NULL,
    code  text   NOT NULL,
    label text   NOT NULL,
    seq   bigint NOT NULL,
    PRIMARY KEY (kind, code)
);
