-- v_statements shows a factory attribute only with the factory it was linked to: a value said of
-- the programme (a round's selection date, a count) is named as a programme fact
-- ('programme.selected_on'), and a factory statement no factory took (an unlinked mention, listed by
-- `aifacts factories --new`) stays in `statements` only.
CREATE OR REPLACE VIEW v_statements AS
SELECT s.source_name, s.doc_id, s.factory_id, f.name AS factory_name, f.country_code,
       CASE WHEN s.scope = 'programme' THEN 'programme.' || s.attribute ELSE s.attribute END AS attribute,
       s.value_json, s.value_text
FROM v_current_statements s
LEFT JOIN factories f ON f.factory_id = s.factory_id
WHERE s.scope = 'programme' OR s.factory_id IS NOT NULL;

COMMENT ON VIEW v_statements IS 'The current statements with their source and the linked factory''s name and country: the easiest table to ask who said what. Programme facts carry a programme. prefix and no factory; a factory statement no factory took is only in statements.';
COMMENT ON COLUMN v_statements.source_name IS 'The source that states it.';
COMMENT ON COLUMN v_statements.doc_id IS 'The document.';
COMMENT ON COLUMN v_statements.factory_id IS 'The factory the statement was linked to (empty for a programme fact).';
COMMENT ON COLUMN v_statements.factory_name IS 'That factory''s chosen name.';
COMMENT ON COLUMN v_statements.country_code IS 'That factory''s country.';
COMMENT ON COLUMN v_statements.attribute IS 'What is stated (programme.<attribute> for a fact about the programme or a round).';
COMMENT ON COLUMN v_statements.value_json IS 'The normalised value as JSON.';
COMMENT ON COLUMN v_statements.value_text IS 'The words of the text that stated it.';
