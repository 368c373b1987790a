-- The warehouse documents itself: every table, view and column of the contract carries a
-- comment (duckdb_tables(), duckdb_views(), duckdb_columns(); `aifacts tables` prints them).
-- Dates: `factories` and `events` keep the dates as stated (text: '2024-12', '2026-Q2', '2026')
-- and gain them as DATE (the first day of the stated period) with the precision beside it.
-- They are generated columns, so the marts' models fill the tables as before.

CREATE TABLE factories_new (
    factory_id             VARCHAR,
    name                   VARCHAR,
    aliases                VARCHAR[],
    country_code           VARCHAR,
    city                   VARCHAR,
    host_org               VARCHAR,
    supercomputer          VARCHAR,
    deployment             VARCHAR,
    budget_total_eur       DOUBLE,
    budget_total_qualifier VARCHAR,
    budget_eu_eur          DOUBLE,
    budget_national_eur    DOUBLE,
    selected_on            VARCHAR,
    operational_by         VARCHAR,
    n_sources              INTEGER,
    updated_run            INTEGER,
    wave                   INTEGER,
    partner_countries      VARCHAR[],
    budget_total_currency  VARCHAR,
    selected_date          DATE GENERATED ALWAYS AS (
        CASE WHEN regexp_full_match(selected_on, '\d{4}-\d{2}-\d{2}') THEN TRY_CAST(selected_on AS DATE)
         WHEN regexp_full_match(selected_on, '\d{4}-\d{2}') THEN TRY_CAST(selected_on || '-01' AS DATE)
         WHEN regexp_full_match(selected_on, '\d{4}-Q[1-4]')
              THEN make_date(TRY_CAST(selected_on[1:4] AS INTEGER), (TRY_CAST(selected_on[7] AS INTEGER) - 1) * 3 + 1, 1)
         WHEN regexp_full_match(selected_on, '\d{4}-H[12]')
              THEN make_date(TRY_CAST(selected_on[1:4] AS INTEGER), (TRY_CAST(selected_on[7] AS INTEGER) - 1) * 6 + 1, 1)
         WHEN regexp_full_match(selected_on, '\d{4}') THEN make_date(TRY_CAST(selected_on AS INTEGER), 1, 1) END) VIRTUAL,
    selected_precision     VARCHAR GENERATED ALWAYS AS (
        CASE WHEN regexp_full_match(selected_on, '\d{4}-\d{2}-\d{2}') THEN 'day'
         WHEN regexp_full_match(selected_on, '\d{4}-\d{2}') THEN 'month'
         WHEN regexp_full_match(selected_on, '\d{4}-Q[1-4]') THEN 'quarter'
         WHEN regexp_full_match(selected_on, '\d{4}-H[12]') THEN 'half'
         WHEN regexp_full_match(selected_on, '\d{4}') THEN 'year' END) VIRTUAL,
    operational_date       DATE GENERATED ALWAYS AS (
        CASE WHEN regexp_full_match(operational_by, '\d{4}-\d{2}-\d{2}') THEN TRY_CAST(operational_by AS DATE)
         WHEN regexp_full_match(operational_by, '\d{4}-\d{2}') THEN TRY_CAST(operational_by || '-01' AS DATE)
         WHEN regexp_full_match(operational_by, '\d{4}-Q[1-4]')
              THEN make_date(TRY_CAST(operational_by[1:4] AS INTEGER), (TRY_CAST(operational_by[7] AS INTEGER) - 1) * 3 + 1, 1)
         WHEN regexp_full_match(operational_by, '\d{4}-H[12]')
              THEN make_date(TRY_CAST(operational_by[1:4] AS INTEGER), (TRY_CAST(operational_by[7] AS INTEGER) - 1) * 6 + 1, 1)
         WHEN regexp_full_match(operational_by, '\d{4}') THEN make_date(TRY_CAST(operational_by AS INTEGER), 1, 1) END) VIRTUAL,
    operational_precision  VARCHAR GENERATED ALWAYS AS (
        CASE WHEN regexp_full_match(operational_by, '\d{4}-\d{2}-\d{2}') THEN 'day'
         WHEN regexp_full_match(operational_by, '\d{4}-\d{2}') THEN 'month'
         WHEN regexp_full_match(operational_by, '\d{4}-Q[1-4]') THEN 'quarter'
         WHEN regexp_full_match(operational_by, '\d{4}-H[12]') THEN 'half'
         WHEN regexp_full_match(operational_by, '\d{4}') THEN 'year' END) VIRTUAL
);
INSERT INTO factories_new
SELECT factory_id, name, aliases, country_code, city, host_org, supercomputer, deployment, budget_total_eur,
       budget_total_qualifier, budget_eu_eur, budget_national_eur, selected_on, operational_by, n_sources,
       updated_run, wave, partner_countries, budget_total_currency
FROM factories;
DROP TABLE factories;
ALTER TABLE factories_new RENAME TO factories;

CREATE TABLE events_new (
    event_id      VARCHAR,
    factory_id    VARCHAR,
    kind          VARCHAR,
    on_date       VARCHAR,
    precision     VARCHAR,
    statement_ids VARCHAR[],
    event_date    DATE GENERATED ALWAYS AS (
        CASE WHEN regexp_full_match(on_date, '\d{4}-\d{2}-\d{2}') THEN TRY_CAST(on_date AS DATE)
         WHEN regexp_full_match(on_date, '\d{4}-\d{2}') THEN TRY_CAST(on_date || '-01' AS DATE)
         WHEN regexp_full_match(on_date, '\d{4}-Q[1-4]')
              THEN make_date(TRY_CAST(on_date[1:4] AS INTEGER), (TRY_CAST(on_date[7] AS INTEGER) - 1) * 3 + 1, 1)
         WHEN regexp_full_match(on_date, '\d{4}-H[12]')
              THEN make_date(TRY_CAST(on_date[1:4] AS INTEGER), (TRY_CAST(on_date[7] AS INTEGER) - 1) * 6 + 1, 1)
         WHEN regexp_full_match(on_date, '\d{4}') THEN make_date(TRY_CAST(on_date AS INTEGER), 1, 1) END) VIRTUAL
);
INSERT INTO events_new SELECT event_id, factory_id, kind, on_date, precision, statement_ids FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;

-- Raw layer
COMMENT ON TABLE documents IS 'One row per document read from a source (one per source and content): where it came from, who published it, how far it is trusted, and whether it could be read.';
COMMENT ON COLUMN documents.doc_id IS 'Stable id: a hash of the source name and the content (sha256).';
COMMENT ON COLUMN documents.source_name IS 'The source''s name in the sources file.';
COMMENT ON COLUMN documents.url IS 'Where the text was fetched from (or original_url for a local copy).';
COMMENT ON COLUMN documents.publisher IS 'Who published the text, as declared in the sources file.';
COMMENT ON COLUMN documents.trust IS 'Trust tier declared for the source: official, press or secondary (the first rule of reconciliation after overrides).';
COMMENT ON COLUMN documents.lang IS 'ISO 639-1 language of the text (declared or detected).';
COMMENT ON COLUMN documents.published_on IS 'Publication date, declared or read from the document.';
COMMENT ON COLUMN documents.title IS 'The document''s title.';
COMMENT ON COLUMN documents.sha256 IS 'SHA-256 of the raw bytes.';
COMMENT ON COLUMN documents.fetched_at IS 'When the bytes were fetched (UTC).';
COMMENT ON COLUMN documents.status IS 'ok, or error when the source could not be fetched or parsed.';
COMMENT ON COLUMN documents.error IS 'Why the source failed (status error), naming it.';
COMMENT ON COLUMN documents.etag IS 'HTTP ETag of the response, for conditional GETs.';
COMMENT ON COLUMN documents.last_modified IS 'HTTP Last-Modified of the response, for conditional GETs.';
COMMENT ON COLUMN documents.first_run IS 'The run that first loaded this document.';

COMMENT ON TABLE blocks IS 'The ordered blocks (heading, paragraph, list item, table row) of each document; statements point into them.';
COMMENT ON COLUMN blocks.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN blocks.block IS 'Position of the block in the document, from 0.';
COMMENT ON COLUMN blocks.kind IS 'heading, paragraph, list_item or table_row.';
COMMENT ON COLUMN blocks.text IS 'The block''s text; statements'' spans are character offsets into it.';

COMMENT ON TABLE statements IS 'One extracted fact with its provenance: who said what about which factory, in which document, block and span, by which rule. Append-only: a retired statement keeps its last_seen_run.';
COMMENT ON COLUMN statements.statement_id IS 'Stable id: a hash of the key fields.';
COMMENT ON COLUMN statements.doc_id IS 'The document that states it (documents.doc_id).';
COMMENT ON COLUMN statements.source_name IS 'The source of that document.';
COMMENT ON COLUMN statements.scope IS 'factory (about one AI Factory) or programme (about the programme as a whole).';
COMMENT ON COLUMN statements.subject_text IS 'The words that named the subject in the text.';
COMMENT ON COLUMN statements.subject_key IS 'Knowledge-base key of the subject when the extractor knew it.';
COMMENT ON COLUMN statements.factory_id IS 'The factory the latest reconcile linked the subject to (see mention_links).';
COMMENT ON COLUMN statements.attribute IS 'What is stated: name, country, city, host_org, supercomputer, deployment, budget_*_eur, selected_on, operational_by, partner_countries, ...';
COMMENT ON COLUMN statements.value_json IS 'The normalised value as JSON: a string, a money object {amount, currency, qualifier} or a date object {value, mod} (GOLD_FORMAT.md).';
COMMENT ON COLUMN statements.value_text IS 'The words of the text that stated the value.';
COMMENT ON COLUMN statements.block IS 'The block of the document (blocks.block).';
COMMENT ON COLUMN statements.span_start IS 'First character of the stated words in the block.';
COMMENT ON COLUMN statements.span_end IS 'Character after the stated words in the block.';
COMMENT ON COLUMN statements.rule IS 'The extraction rule that produced the statement.';
COMMENT ON COLUMN statements.wave IS 'Selection round the statement is about, when the text says.';
COMMENT ON COLUMN statements.extractor_version IS 'Version of the extractors that produced it.';
COMMENT ON COLUMN statements.first_seen_run IS 'The run that first extracted it.';
COMMENT ON COLUMN statements.last_seen_run IS 'The last run whose document still stated it.';

COMMENT ON TABLE source_state IS 'The current document of each source and what a conditional GET needs; a source''s statements are current while last_seen_run = last_run and the source is active.';
COMMENT ON COLUMN source_state.source_name IS 'The source''s name in the sources file.';
COMMENT ON COLUMN source_state.doc_id IS 'Its current document.';
COMMENT ON COLUMN source_state.sha256 IS 'SHA-256 of the current document''s bytes.';
COMMENT ON COLUMN source_state.etag IS 'HTTP ETag last seen.';
COMMENT ON COLUMN source_state.last_modified IS 'HTTP Last-Modified last seen.';
COMMENT ON COLUMN source_state.active IS 'false once the source left the sources file.';
COMMENT ON COLUMN source_state.last_run IS 'The last run that read or confirmed the source.';
COMMENT ON COLUMN source_state.declared IS 'Fingerprint of the sources file entry (publisher, trust, dates, URLs): a change makes the next run read the source again.';

COMMENT ON TABLE run_sources IS 'What happened to each source in each run.';
COMMENT ON COLUMN run_sources.run_id IS 'The run (runs.run_id).';
COMMENT ON COLUMN run_sources.source_name IS 'The source.';
COMMENT ON COLUMN run_sources.outcome IS 'fetched, unchanged, failed or removed.';
COMMENT ON COLUMN run_sources.doc_id IS 'The document read, if any.';
COMMENT ON COLUMN run_sources.error IS 'Why it failed (outcome failed).';

COMMENT ON TABLE runs IS 'One row per refresh run with its counts; a run that ends partial names its failed sources in run_sources.';
COMMENT ON COLUMN runs.run_id IS 'Run number, from 1.';
COMMENT ON COLUMN runs.flow_run_id IS 'The Prefect flow run, when the run was one.';
COMMENT ON COLUMN runs.started_at IS 'Start (UTC).';
COMMENT ON COLUMN runs.finished_at IS 'End (UTC).';
COMMENT ON COLUMN runs.status IS 'running, ok, partial (some sources failed) or failed.';
COMMENT ON COLUMN runs.sources_total IS 'Sources in the sources file.';
COMMENT ON COLUMN runs.fetched IS 'Sources read and extracted.';
COMMENT ON COLUMN runs.unchanged IS 'Sources skipped as unchanged (same bytes, same entry).';
COMMENT ON COLUMN runs.failed IS 'Sources that failed.';
COMMENT ON COLUMN runs.statements_new IS 'Statements first seen in this run.';
COMMENT ON COLUMN runs.statements_retired IS 'Statements no longer stated after this run.';
COMMENT ON COLUMN runs.values_changed IS 'Chosen values that changed (see factory_history, aifacts history).';
COMMENT ON COLUMN runs.full_refresh IS 'true for a --full run.';
COMMENT ON COLUMN runs.marts_rebuilt IS 'true when the curated tables were rebuilt.';
COMMENT ON COLUMN runs.config_hash IS 'Fingerprint of configs/ (policy, knowledge, overrides) the run used.';
COMMENT ON COLUMN runs.error IS 'Why the run failed (status failed).';

COMMENT ON VIEW v_current_statements IS 'The statements of each active source''s current document, with the document''s trust, date, publisher and url.';

-- Curated marts
COMMENT ON TABLE factory_registry IS 'Every AI Factory the reconcile knows: from the knowledge base or discovered in the texts.';
COMMENT ON COLUMN factory_registry.factory_id IS 'Stable factory id.';
COMMENT ON COLUMN factory_registry.origin IS 'knowledge_base or discovered.';
COMMENT ON COLUMN factory_registry.kb_name IS 'The name in the knowledge base.';
COMMENT ON COLUMN factory_registry.wave IS 'Selection round (1 = December 2024, 2 = March 2025, ...).';
COMMENT ON COLUMN factory_registry.aliases IS 'Other names the sources use.';
COMMENT ON COLUMN factory_registry.n_sources IS 'Sources that state something about it.';

COMMENT ON TABLE mention_links IS 'How each subject mention was linked to a factory (or why not): the identity step of reconciliation.';
COMMENT ON COLUMN mention_links.doc_id IS 'The document of the mention.';
COMMENT ON COLUMN mention_links.subject_text IS 'The words that named the subject.';
COMMENT ON COLUMN mention_links.subject_key IS 'Knowledge-base key the extractor gave, if any.';
COMMENT ON COLUMN mention_links.factory_id IS 'The factory it was linked to (NULL: unlinked or excluded).';
COMMENT ON COLUMN mention_links.method IS 'kb_key, exact_alias, folded_alias, kb_org, kb_system, fuzzy, new, excluded or unlinked.';
COMMENT ON COLUMN mention_links.score IS 'Similarity score of a fuzzy match.';
COMMENT ON COLUMN mention_links.reason IS 'Why it was linked so, in words.';

COMMENT ON TABLE factories IS 'One row per AI Factory with the chosen value of each attribute (reconciled from every source; see factory_values for the candidates and conflicts for the disagreements).';
COMMENT ON COLUMN factories.factory_id IS 'Stable factory id (knowledge-base key, or derived from the name of a discovered factory).';
COMMENT ON COLUMN factories.name IS 'The factory''s name.';
COMMENT ON COLUMN factories.aliases IS 'Other names the sources use for it.';
COMMENT ON COLUMN factories.country_code IS 'ISO 3166-1 alpha-2 code of the host country.';
COMMENT ON COLUMN factories.city IS 'City of the host site, checked against the GeoNames gazetteer.';
COMMENT ON COLUMN factories.host_org IS 'The hosting organisation (usually a supercomputing centre).';
COMMENT ON COLUMN factories.supercomputer IS 'The AI-optimised supercomputer it runs on or will run on.';
COMMENT ON COLUMN factories.deployment IS 'new (a new machine) or upgrade (of an existing one).';
COMMENT ON COLUMN factories.budget_total_eur IS 'Total budget (amount, or the lower bound of a range), in euros unless budget_total_currency says otherwise.';
COMMENT ON COLUMN factories.budget_total_qualifier IS 'How the total was stated: exact, about, at_least, up_to or range.';
COMMENT ON COLUMN factories.budget_eu_eur IS 'The EU''s share (EuroHPC), in euros.';
COMMENT ON COLUMN factories.budget_national_eur IS 'The national share, in euros.';
COMMENT ON COLUMN factories.selected_on IS 'When it was selected, as stated (text: 2024-12-10, 2025-03, 2026-Q2, 2026-H2 or 2026); see selected_date.';
COMMENT ON COLUMN factories.operational_by IS 'When it is (to be) operational, as stated (text, like selected_on); see operational_date.';
COMMENT ON COLUMN factories.n_sources IS 'Sources that state something about it.';
COMMENT ON COLUMN factories.updated_run IS 'The last run that changed one of its values.';
COMMENT ON COLUMN factories.wave IS 'Selection round (1 = December 2024, 2 = March 2025, ...).';
COMMENT ON COLUMN factories.partner_countries IS 'ISO codes of the partner countries of a multi-country factory.';
COMMENT ON COLUMN factories.budget_total_currency IS 'Currency of the total when not stated in euros (kept, not converted); NULL means EUR.';
COMMENT ON COLUMN factories.selected_date IS 'selected_on as a DATE: the first day of the stated period (2026-Q2 -> 2026-04-01).';
COMMENT ON COLUMN factories.selected_precision IS 'Precision of selected_on: day, month, quarter, half or year.';
COMMENT ON COLUMN factories.operational_date IS 'operational_by as a DATE: the first day of the stated period (2026 -> 2026-01-01).';
COMMENT ON COLUMN factories.operational_precision IS 'Precision of operational_by: day, month, quarter, half or year.';

COMMENT ON TABLE factory_values IS 'Every candidate value of each factory''s attributes: which one was chosen, why, and the statements that state it.';
COMMENT ON COLUMN factory_values.factory_id IS 'The factory.';
COMMENT ON COLUMN factory_values.attribute IS 'The attribute (as in statements.attribute).';
COMMENT ON COLUMN factory_values.value_json IS 'The candidate value as JSON (a string, a money or a date object).';
COMMENT ON COLUMN factory_values.chosen IS 'true for the value factories shows.';
COMMENT ON COLUMN factory_values.reason IS 'Why it was chosen or not (policy rule, override, repair).';
COMMENT ON COLUMN factory_values.statement_ids IS 'The statements that state this value.';

COMMENT ON TABLE conflicts IS 'Every disagreement between sources (and every repair or plausibility flag): the candidates, the decision and its reason. Nothing is resolved silently.';
COMMENT ON COLUMN conflicts.conflict_id IS 'Stable id of the disagreement.';
COMMENT ON COLUMN conflicts.factory_id IS 'The factory; NULL for programme facts.';
COMMENT ON COLUMN conflicts.attribute IS 'The attribute disputed.';
COMMENT ON COLUMN conflicts.candidates_json IS 'JSON list of the candidates: value, stated text, source, trust, publication date, status (chosen or rejected).';
COMMENT ON COLUMN conflicts.chosen_json IS 'The value chosen, as JSON.';
COMMENT ON COLUMN conflicts.reason IS 'Why it was decided so, in words.';
COMMENT ON COLUMN conflicts.status IS 'open (a tie or a doubt left for a curator) or resolved (the policy decided).';
COMMENT ON COLUMN conflicts.wave IS 'Selection round, for programme facts.';

COMMENT ON TABLE events IS 'The timeline: each factory''s selection and start of operation, at the precision the sources give.';
COMMENT ON COLUMN events.event_id IS 'Stable id of the event.';
COMMENT ON COLUMN events.factory_id IS 'The factory.';
COMMENT ON COLUMN events.kind IS 'selection or operation.';
COMMENT ON COLUMN events.on_date IS 'The date as stated (text: 2024-12-10, 2025-03, 2026-Q2, 2026-H2 or 2026).';
COMMENT ON COLUMN events.precision IS 'Precision of on_date: day, month, quarter, half or year.';
COMMENT ON COLUMN events.statement_ids IS 'The statements that state it.';
COMMENT ON COLUMN events.event_date IS 'on_date as a DATE: the first day of the stated period.';

COMMENT ON TABLE programme_facts IS 'Facts about the AI Factories programme as a whole, per selection round (number of factories, total investment, selection dates).';
COMMENT ON COLUMN programme_facts.attribute IS 'The fact (factory_count, investment_total_eur, selected_on, ...).';
COMMENT ON COLUMN programme_facts.wave IS 'Selection round; NULL for the whole programme.';
COMMENT ON COLUMN programme_facts.value_json IS 'The value as JSON.';
COMMENT ON COLUMN programme_facts.statement_ids IS 'The statements that state it.';
COMMENT ON COLUMN programme_facts.chosen IS 'true for the value chosen among the candidates.';
COMMENT ON COLUMN programme_facts.reason IS 'Why it was chosen or not.';

COMMENT ON TABLE factory_history IS 'Versions of each chosen value across runs: a version is valid from one run until the run that replaced it (never rebuilt, only closed and opened).';
COMMENT ON COLUMN factory_history.factory_id IS 'The factory.';
COMMENT ON COLUMN factory_history.attribute IS 'The attribute.';
COMMENT ON COLUMN factory_history.value_json IS 'The chosen value of that version, as JSON.';
COMMENT ON COLUMN factory_history.valid_from_run IS 'The run that chose it.';
COMMENT ON COLUMN factory_history.valid_to_run IS 'The run that replaced or dropped it; NULL while current.';

COMMENT ON VIEW v_statements IS 'The current statements with their source and the linked factory''s name and country: the easiest table to ask who said what.';
COMMENT ON COLUMN v_statements.source_name IS 'The source that states it.';
COMMENT ON COLUMN v_statements.doc_id IS 'The document.';
COMMENT ON COLUMN v_statements.factory_id IS 'The factory the statement was linked to.';
COMMENT ON COLUMN v_statements.factory_name IS 'That factory''s chosen name.';
COMMENT ON COLUMN v_statements.country_code IS 'That factory''s country.';
COMMENT ON COLUMN v_statements.attribute IS 'What is stated.';
COMMENT ON COLUMN v_statements.value_json IS 'The normalised value as JSON.';
COMMENT ON COLUMN v_statements.value_text IS 'The words of the text that stated it.';

COMMENT ON TABLE schema_migrations IS 'The migrations applied to this warehouse, in order (warehouse/migrations/).';
COMMENT ON COLUMN schema_migrations.version IS 'Migration number (NNN of NNN_name.sql).';
COMMENT ON COLUMN schema_migrations.name IS 'Migration name.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied (UTC).';
