-- A refused attempt to read personal data is audited with why it was
-- refused.
ALTER TABLE proj.audit_log ADD COLUMN refusal text;
