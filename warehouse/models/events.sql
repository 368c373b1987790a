-- Mart: the timeline of each factory, from its chosen selection and operation dates.
DELETE FROM events;
INSERT INTO events
SELECT md5(factory_id || ':' || attribute)[:16] AS event_id,
       factory_id,
       CASE attribute WHEN 'selected_on' THEN 'selection' ELSE 'operation' END AS kind,
       json_extract_string(value_json, '$.value') AS on_date,
       CASE WHEN regexp_matches(json_extract_string(value_json, '$.value'), '^\d{4}-\d{2}-\d{2}$') THEN 'day'
            WHEN regexp_matches(json_extract_string(value_json, '$.value'), '^\d{4}-\d{2}$') THEN 'month'
            WHEN regexp_matches(json_extract_string(value_json, '$.value'), '^\d{4}-Q[1-4]$') THEN 'quarter'
            WHEN regexp_matches(json_extract_string(value_json, '$.value'), '^\d{4}-H[12]$') THEN 'half'
            ELSE 'year' END AS precision,
       statement_ids
FROM factory_values
WHERE chosen AND attribute IN ('selected_on', 'operational_by')
ORDER BY factory_id, attribute;
