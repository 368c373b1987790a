-- Raw layer: what sources said, append-only. Rows are added or their last_seen_run bumped, never deleted.
CREATE TABLE runs (
    run_id             INTEGER PRIMARY KEY,
    flow_run_id        VARCHAR,
    started_at         TIMESTAMP NOT NULL,
    finished_at        TIMESTAMP,
    status             VARCHAR NOT NULL,      -- running | ok | partial | failed
    sources_total      INTEGER,
    fetched            INTEGER,
    unchanged          INTEGER,
    failed             INTEGER,
    statements_new     INTEGER,
    statements_retired INTEGER,
    values_changed     INTEGER,
    full_refresh       BOOLEAN,
    marts_rebuilt      BOOLEAN,
    config_hash        VARCHAR,
    error              VARCHAR
);

CREATE TABLE documents (
    doc_id        VARCHAR PRIMARY KEY,
    source_name   VARCHAR NOT NULL,
    url           VARCHAR,
    publisher     VARCHAR,
    trust         VARCHAR NOT NULL,
    lang          VARCHAR,
    published_on  DATE,
    title         VARCHAR,
    sha256        VARCHAR,
    fetched_at    TIMESTAMP,
    status        VARCHAR NOT NULL,           -- ok | error
    error         VARCHAR,
    etag          VARCHAR,
    last_modified VARCHAR,
    first_run     INTEGER
);

CREATE TABLE blocks (
    doc_id VARCHAR NOT NULL,
    block  INTEGER NOT NULL,
    kind   VARCHAR,
    text   VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, block)
);

CREATE TABLE statements (
    statement_id      VARCHAR PRIMARY KEY,
    doc_id            VARCHAR NOT NULL,
    source_name       VARCHAR NOT NULL,
    scope             VARCHAR NOT NULL,       -- factory | programme
    subject_text      VARCHAR,
    subject_key       VARCHAR,
    factory_id        VARCHAR,                -- the link of the latest reconcile (see mention_links)
    attribute         VARCHAR NOT NULL,
    value_json        VARCHAR NOT NULL,
    value_text        VARCHAR,
    block             INTEGER,
    span_start        INTEGER,
    span_end          INTEGER,
    rule              VARCHAR,
    wave              INTEGER,
    extractor_version VARCHAR,
    first_seen_run    INTEGER NOT NULL,
    last_seen_run     INTEGER NOT NULL
);

-- The current document of each source. A source's statements are current while
-- statements.last_seen_run = source_state.last_run and the source is active.
CREATE TABLE source_state (
    source_name   VARCHAR PRIMARY KEY,
    doc_id        VARCHAR,
    sha256        VARCHAR,
    etag          VARCHAR,
    last_modified VARCHAR,
    active        BOOLEAN NOT NULL,
    last_run      INTEGER
);

-- What happened to each source in each run (the failures of a partial run are listed here).
CREATE TABLE run_sources (
    run_id      INTEGER NOT NULL,
    source_name VARCHAR NOT NULL,
    outcome     VARCHAR NOT NULL,             -- fetched | unchanged | failed | removed
    doc_id      VARCHAR,
    error       VARCHAR
);

CREATE VIEW v_current_statements AS
SELECT s.*, d.trust, d.published_on, d.publisher, d.url
FROM statements s
JOIN source_state ss ON ss.source_name = s.source_name AND ss.active AND s.last_seen_run = ss.last_run
JOIN documents d ON d.doc_id = s.doc_id;
