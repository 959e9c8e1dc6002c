-- "Sources disagree": every statistic (the same measure of the same subject and commodity,
-- in the same unit, for the same year when the figures say which) that two or more claims
-- quote, one row per value quoted: by which
-- claims, articles and sources, when, and how far the statistic's values spread.
-- A range (value_max) is not one value, and the starting point of a change ('from') or the
-- change itself ('delta') is not the statistic's value: both are left out.
-- A statistic is keyed by one column (its parts joined with '|', none of which holds a '|')
-- from the start, and its parts are split out of the key once per row of the result. A
-- figure's year (`in 2024`) ends the key when there is one: a share quoted for 2023 and
-- another for 2024 are two statistics, not a disagreement. A
-- value's three lists come from one grouping of the quotes (ARRAY_AGG(DISTINCT …), which
-- the Spark shim spells SORT_ARRAY(COLLECT_SET(…))). With each quote carrying the four
-- parts too, and a de-duplicated copy of the quotes per list joined back, the derive
-- stage peaked at 4.3 GB at a million articles instead of 3.5 GB.
WITH quoted AS (
    SELECT
        CONCAT(
            CONCAT_WS('|', f.subject_entity_id, COALESCE(f.commodity_id, ''), f.measure,
                f.normalized_unit),
            CASE WHEN f.as_of_year IS NULL THEN ''
                ELSE CONCAT('|', CAST(f.as_of_year AS STRING)) END
        ) AS statistic_key,
        f.as_of_year,
        f.normalized_value AS value,
        f.qualifier,
        f.claim_id,
        f.article_id,
        a.source AS publisher,
        a.published_at
    FROM figures AS f
    JOIN articles AS a ON a.article_id = f.article_id
    WHERE f.claim_id IS NOT NULL
        AND f.subject_entity_id IS NOT NULL
        AND f.measure IS NOT NULL
        AND f.normalized_value IS NOT NULL
        AND f.normalized_unit IS NOT NULL
        AND f.value_max IS NULL
        AND COALESCE(f.role, 'to') = 'to'
),
statistics AS (
    SELECT
        statistic_key,
        MAX(as_of_year) AS as_of_year,
        COUNT(DISTINCT claim_id) AS n_claims,
        COUNT(DISTINCT value) AS n_values,
        MIN(value) AS min_value,
        MAX(value) AS max_value,
        MIN(published_at) AS first_published,
        MAX(published_at) AS last_published
    FROM quoted
    GROUP BY statistic_key
    HAVING COUNT(DISTINCT claim_id) >= 2
),
variants AS (
    -- A claim stands in one article, and an article has one source and date.
    SELECT statistic_key AS v_key, value AS v_value, qualifier AS v_qualifier,
        COUNT(DISTINCT claim_id) AS n_claims_quoting,
        ARRAY_AGG(DISTINCT claim_id ORDER BY claim_id) AS claim_ids,
        ARRAY_AGG(DISTINCT article_id ORDER BY article_id) AS article_ids,
        ARRAY_AGG(DISTINCT publisher ORDER BY publisher) AS sources,
        MIN(published_at) AS first_quoted,
        MAX(published_at) AS last_quoted
    FROM quoted
    GROUP BY statistic_key, value, qualifier
)
SELECT
    s.statistic_key,
    SPLIT_PART(s.statistic_key, '|', 1) AS subject_entity_id,
    NULLIF(SPLIT_PART(s.statistic_key, '|', 2), '') AS commodity_id,
    SPLIT_PART(s.statistic_key, '|', 3) AS measure,
    SPLIT_PART(s.statistic_key, '|', 4) AS unit,
    s.as_of_year,
    v.v_value AS value,
    v.v_qualifier AS qualifier,
    v.n_claims_quoting,
    v.claim_ids,
    v.article_ids,
    v.sources,
    v.first_quoted,
    v.last_quoted,
    s.n_claims,
    s.n_values,
    s.min_value,
    s.max_value,
    s.max_value - s.min_value AS spread,
    s.first_published,
    s.last_published
FROM statistics AS s
JOIN variants AS v ON v.v_key = s.statistic_key
ORDER BY n_claims DESC, statistic_key, value DESC, qualifier
