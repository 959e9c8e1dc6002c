-- Per commodity: how often it comes up, the figures about it by measure (most figures
-- first), and the countries mentioned in the same articles (most articles first).
--
-- Counts of mentions, articles and claims come from entity_timeline, and the countries
-- mentioned in the same articles from entity_cooccurrence (both derived before this,
-- from the same mentions, batch by batch): reading the mentions again took gigabytes at
-- a million articles.
WITH commodities AS (
    SELECT entity_id
    FROM entities
    WHERE kind = 'commodity'
),
country_entities AS (
    SELECT entity_id
    FROM entities
    WHERE kind = 'country'
),
usage AS (
    SELECT
        t.entity_id AS commodity_id,
        SUM(t.n_articles) AS n_articles,
        SUM(t.n_claims) AS n_claims,
        SUM(t.n_mentions) AS n_mentions
    FROM entity_timeline AS t
    JOIN commodities AS c ON c.entity_id = t.entity_id
    GROUP BY t.entity_id
),
countries AS (
    -- A pair is listed once, the smaller id first: either way round.
    SELECT p.entity_a AS commodity_id, p.entity_b AS country_id, p.n_articles
    FROM entity_cooccurrence AS p
    JOIN commodities AS c ON c.entity_id = p.entity_a
    JOIN country_entities AS k ON k.entity_id = p.entity_b
    UNION ALL
    SELECT p.entity_b AS commodity_id, p.entity_a AS country_id, p.n_articles
    FROM entity_cooccurrence AS p
    JOIN commodities AS c ON c.entity_id = p.entity_b
    JOIN country_entities AS k ON k.entity_id = p.entity_a
),
commodity_figures AS (
    SELECT commodity_id, COUNT(*) AS n_figures
    FROM figures
    WHERE commodity_id IS NOT NULL
    GROUP BY commodity_id
),
measure_counts AS (
    SELECT commodity_id, measure, COUNT(*) AS n
    FROM figures
    WHERE commodity_id IS NOT NULL AND measure IS NOT NULL
    GROUP BY commodity_id, measure
),
measure_lists AS (
    SELECT
        commodity_id,
        ARRAY_AGG(measure ORDER BY n DESC, measure) AS measures,
        ARRAY_AGG(n ORDER BY n DESC, measure) AS measure_figures
    FROM measure_counts
    GROUP BY commodity_id
),
country_lists AS (
    SELECT
        commodity_id,
        ARRAY_AGG(country_id ORDER BY n_articles DESC, country_id) AS countries,
        ARRAY_AGG(n_articles ORDER BY n_articles DESC, country_id) AS country_articles
    FROM countries
    GROUP BY commodity_id
)
SELECT
    u.commodity_id,
    e.name_en,
    e.name_zh,
    u.n_articles,
    u.n_claims,
    u.n_mentions,
    COALESCE(cf.n_figures, 0) AS n_figures,
    ml.measures,
    ml.measure_figures,
    cl.countries,
    cl.country_articles
FROM usage AS u
JOIN entities AS e ON e.entity_id = u.commodity_id
LEFT JOIN commodity_figures AS cf ON cf.commodity_id = u.commodity_id
LEFT JOIN measure_lists AS ml ON ml.commodity_id = u.commodity_id
LEFT JOIN country_lists AS cl ON cl.commodity_id = u.commodity_id
ORDER BY u.n_articles DESC, u.n_mentions DESC, u.commodity_id
