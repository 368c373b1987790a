-- What a curator looks at after a refresh (issue 23): the run in which each factory first
-- appeared (a new round's factories are the ones of the last run), and the files that
-- reconciliation read (knowledge, policy, overrides) with the run in which each last changed.
-- Both are kept across rebuilds of the marts.
CREATE TABLE factory_first_seen (
    factory_id VARCHAR PRIMARY KEY,
    origin     VARCHAR NOT NULL,          -- knowledge_base | discovered | country_round
    first_run  INTEGER
);
CREATE TABLE reconcile_inputs (
    file        VARCHAR PRIMARY KEY,      -- relative to the config directory
    sha256      VARCHAR NOT NULL,
    changed_run INTEGER                   -- NULL: read since the first reconcile, never changed
);
