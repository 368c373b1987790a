-- Comments for the tables of 005_curation.sql (issue 23), like 004 gave the others: every
-- table of the warehouse says what it holds (`aifacts tables`, duckdb_tables()).
COMMENT ON TABLE factory_first_seen IS 'The run in which each factory first appeared (a new round''s factories are those of the last run); kept across rebuilds of the marts.';
COMMENT ON COLUMN factory_first_seen.factory_id IS 'The factory.';
COMMENT ON COLUMN factory_first_seen.origin IS 'How it became known: knowledge_base, discovered or country_round.';
COMMENT ON COLUMN factory_first_seen.first_run IS 'The run that first had it.';

COMMENT ON TABLE reconcile_inputs IS 'The configuration files reconciliation read (knowledge, policy, overrides), with the run in which each last changed.';
COMMENT ON COLUMN reconcile_inputs.file IS 'The file, relative to the config directory.';
COMMENT ON COLUMN reconcile_inputs.sha256 IS 'SHA-256 of its content when last read.';
COMMENT ON COLUMN reconcile_inputs.changed_run IS 'The run in which it last changed; NULL: unchanged since the first reconcile.';
