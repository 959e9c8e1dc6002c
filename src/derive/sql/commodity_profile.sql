-- Per commodity: how often it comes up, the figures about it by measure (most figures
-- first), and the countries mentioned in the same articles (most articles first).
WITH commodity_mentions AS (
    SELECT m.entity_id AS commodity_id, m.article_id, m.claim_id
    FROM mentions AS m
    JOIN entities AS e ON e.entity_id = m.entity_id
    WHERE e.kind = 'commodity'
),
usage AS (
    SELECT
        commodity_id,
        COUNT(DISTINCT article_id) AS n_articles,
        COUNT(DISTINCT claim_id) AS n_claims,
        COUNT(*) AS n_mentions
    FROM commodity_mentions
    GROUP BY commodity_id
),
commodity_articles AS (
    SELECT DISTINCT commodity_id, article_id
    FROM commodity_mentions
),
country_articles AS (
    SELECT DISTINCT m.article_id, m.entity_id AS country_id
    FROM mentions AS m
    JOIN entities AS e ON e.entity_id = m.entity_id
    WHERE e.kind = 'country'
),
countries AS (
    SELECT ca.commodity_id, co.country_id, COUNT(*) AS n_articles
    FROM commodity_articles AS ca
    JOIN country_articles AS co ON co.article_id = ca.article_id
    GROUP BY ca.commodity_id, co.country_id
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
