-- "Sources disagree": every statistic (the same measure of the same subject and commodity,
-- in the same unit) that two or more claims quote, one row per value quoted: by which
-- claims, articles and sources, when, and how far the statistic's values spread.
-- A range (value_max) is not one value, and the starting point of a change ('from') or the
-- change itself ('delta') is not the statistic's value: both are left out. Lists are built
-- from de-duplicated rows because DISTINCT inside ARRAY_AGG is not portable.
-- A statistic is keyed by one column (its parts joined with '|', none of which holds a '|')
-- from the start: grouping and joining on it instead of on its four parts kept about 0.4 GB
-- less in memory at a million articles.
WITH quoted AS (
    SELECT
        CONCAT_WS('|', f.subject_entity_id, COALESCE(f.commodity_id, ''), f.measure,
            f.normalized_unit) AS statistic_key,
        f.subject_entity_id,
        COALESCE(f.commodity_id, '') AS commodity_key,
        f.measure,
        f.normalized_unit AS unit,
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
        subject_entity_id,
        commodity_key,
        measure,
        unit,
        COUNT(DISTINCT claim_id) AS n_claims,
        COUNT(DISTINCT value) AS n_values,
        MIN(value) AS min_value,
        MAX(value) AS max_value,
        MIN(published_at) AS first_published,
        MAX(published_at) AS last_published
    FROM quoted
    GROUP BY statistic_key, subject_entity_id, commodity_key, measure, unit
    HAVING COUNT(DISTINCT claim_id) >= 2
),
variant_claims AS (
    -- A claim stands in one article, so its date does not add rows here.
    SELECT DISTINCT statistic_key, value, qualifier, claim_id, published_at
    FROM quoted
),
variant_articles AS (
    SELECT DISTINCT statistic_key, value, qualifier, article_id
    FROM quoted
),
variant_sources AS (
    SELECT DISTINCT statistic_key, value, qualifier, publisher
    FROM quoted
),
claim_lists AS (
    SELECT statistic_key AS c_key, value AS c_value, qualifier AS c_qualifier,
        COUNT(*) AS n_claims_quoting,
        ARRAY_AGG(claim_id ORDER BY claim_id) AS claim_ids,
        MIN(published_at) AS first_quoted,
        MAX(published_at) AS last_quoted
    FROM variant_claims
    GROUP BY statistic_key, value, qualifier
),
article_lists AS (
    SELECT statistic_key AS a_key, value AS a_value, qualifier AS a_qualifier,
        ARRAY_AGG(article_id ORDER BY article_id) AS article_ids
    FROM variant_articles
    GROUP BY statistic_key, value, qualifier
),
source_lists AS (
    SELECT statistic_key AS s_key, value AS s_value, qualifier AS s_qualifier,
        ARRAY_AGG(publisher ORDER BY publisher) AS sources
    FROM variant_sources
    GROUP BY statistic_key, value, qualifier
)
SELECT
    s.statistic_key,
    s.subject_entity_id,
    NULLIF(s.commodity_key, '') AS commodity_id,
    s.measure,
    s.unit,
    c.c_value AS value,
    c.c_qualifier AS qualifier,
    c.n_claims_quoting,
    c.claim_ids,
    a.article_ids,
    o.sources,
    c.first_quoted,
    c.last_quoted,
    s.n_claims,
    s.n_values,
    s.min_value,
    s.max_value,
    s.max_value - s.min_value AS spread,
    s.first_published,
    s.last_published
FROM statistics AS s
JOIN claim_lists AS c ON c.c_key = s.statistic_key
JOIN article_lists AS a
    ON a.a_key = c.c_key AND a.a_value = c.c_value AND a.a_qualifier = c.c_qualifier
JOIN source_lists AS o
    ON o.s_key = c.c_key AND o.s_value = c.c_value AND o.s_qualifier = c.c_qualifier
ORDER BY n_claims DESC, statistic_key, value DESC, qualifier
