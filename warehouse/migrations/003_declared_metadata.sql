-- What the sources file declared about each source (publisher, trust, language, date,
-- URLs) when its current document was loaded, as a fingerprint: a refresh re-reads a
-- source whose declaration changed even when its bytes did not.
ALTER TABLE source_state ADD COLUMN declared VARCHAR;
