-- Curated marts: rebuilt from the current statements inside the refresh transaction.
-- No key constraints here on purpose: data contracts (warehouse/contracts.py) check them
-- after every rebuild and roll the transaction back when one breaks.
CREATE TABLE factory_registry (
    factory_id VARCHAR,
    origin     VARCHAR,                       -- knowledge_base | discovered
    kb_name    VARCHAR,
    wave       INTEGER,
    aliases    VARCHAR[],
    n_sources  INTEGER
);

CREATE TABLE mention_links (
    doc_id       VARCHAR,
    subject_text VARCHAR,
    subject_key  VARCHAR,
    factory_id   VARCHAR,
    method       VARCHAR,                     -- kb_key | exact_alias | folded_alias | kb_org | kb_system | fuzzy | new | excluded | unlinked
    score        DOUBLE,
    reason       VARCHAR
);

CREATE TABLE factory_values (
    factory_id    VARCHAR,
    attribute     VARCHAR,
    value_json    VARCHAR,
    chosen        BOOLEAN,
    reason        VARCHAR,
    statement_ids VARCHAR[]
);

CREATE TABLE conflicts (
    conflict_id     VARCHAR,
    factory_id      VARCHAR,                  -- NULL for programme facts
    attribute       VARCHAR,
    candidates_json VARCHAR,
    chosen_json     VARCHAR,
    reason          VARCHAR,
    status          VARCHAR,                  -- open | resolved
    wave            INTEGER
);

CREATE TABLE factories (
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
    budget_total_currency  VARCHAR
);

CREATE TABLE events (
    event_id      VARCHAR,
    factory_id    VARCHAR,
    kind          VARCHAR,                    -- selection | operation
    on_date       VARCHAR,
    precision     VARCHAR,                    -- day | month | quarter | half | year
    statement_ids VARCHAR[]
);

CREATE TABLE programme_facts (
    attribute     VARCHAR,
    wave          INTEGER,
    value_json    VARCHAR,
    statement_ids VARCHAR[],
    chosen        BOOLEAN,
    reason        VARCHAR
);

-- Versions of chosen values across runs: never rebuilt, only closed and opened.
CREATE TABLE factory_history (
    factory_id     VARCHAR,
    attribute      VARCHAR,
    value_json     VARCHAR,
    valid_from_run INTEGER,
    valid_to_run   INTEGER
);

CREATE VIEW v_statements AS
SELECT s.source_name, s.doc_id, s.factory_id, f.name AS factory_name, f.country_code,
       s.attribute, s.value_json, s.value_text
FROM v_current_statements s
LEFT JOIN factories f ON f.factory_id = s.factory_id;
