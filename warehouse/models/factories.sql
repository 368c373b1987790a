-- Mart: one row per AI Factory with the chosen value of each attribute.
DELETE FROM factories;
INSERT INTO factories
WITH chosen AS (
    SELECT factory_id, attribute, value_json FROM factory_values WHERE chosen
), chosen_values AS (
    SELECT factory_id,
        max(CASE WHEN attribute = 'name' THEN json_extract_string(value_json, '$') END) AS name,
        max(CASE WHEN attribute = 'country' THEN json_extract_string(value_json, '$') END) AS country_code,
        max(CASE WHEN attribute = 'city' THEN json_extract_string(value_json, '$') END) AS city,
        max(CASE WHEN attribute = 'host_org' THEN json_extract_string(value_json, '$') END) AS host_org,
        max(CASE WHEN attribute = 'supercomputer' THEN json_extract_string(value_json, '$') END) AS supercomputer,
        max(CASE WHEN attribute = 'deployment' THEN json_extract_string(value_json, '$') END) AS deployment,
        max(CASE WHEN attribute = 'budget_total_eur'
                 THEN coalesce(json_extract(value_json, '$.amount'), json_extract(value_json, '$.min'))::DOUBLE END)
            AS budget_total_eur,
        max(CASE WHEN attribute = 'budget_total_eur' THEN json_extract_string(value_json, '$.qualifier') END)
            AS budget_total_qualifier,
        max(CASE WHEN attribute = 'budget_total_eur' THEN json_extract_string(value_json, '$.currency') END)
            AS budget_total_currency,
        max(CASE WHEN attribute = 'budget_eu_eur'
                 THEN coalesce(json_extract(value_json, '$.amount'), json_extract(value_json, '$.min'))::DOUBLE END)
            AS budget_eu_eur,
        max(CASE WHEN attribute = 'budget_national_eur'
                 THEN coalesce(json_extract(value_json, '$.amount'), json_extract(value_json, '$.min'))::DOUBLE END)
            AS budget_national_eur,
        max(CASE WHEN attribute = 'selected_on' THEN json_extract_string(value_json, '$.value') END) AS selected_on,
        max(CASE WHEN attribute = 'operational_by' THEN json_extract_string(value_json, '$.value') END)
            AS operational_by,
        max(CASE WHEN attribute = 'partner_countries' THEN json_extract_string(value_json, '$[*]') END)
            AS partner_countries
    FROM chosen GROUP BY factory_id
), updated AS (
    SELECT factory_id, max(valid_from_run) AS updated_run
    FROM factory_history WHERE valid_to_run IS NULL GROUP BY factory_id
)
SELECT r.factory_id, p.name, r.aliases, p.country_code, p.city,
       p.host_org, p.supercomputer, p.deployment, p.budget_total_eur, p.budget_total_qualifier, p.budget_eu_eur,
       p.budget_national_eur, p.selected_on, p.operational_by, r.n_sources, u.updated_run, r.wave,
       p.partner_countries, p.budget_total_currency
FROM factory_registry r
LEFT JOIN chosen_values p USING (factory_id)
LEFT JOIN updated u USING (factory_id)
ORDER BY r.factory_id;
