-- Mentions of each entity per month of publication and source. Summing over sources
-- gives the entity's monthly counts (an article has one source), and summing over
-- months and sources its totals (commodity_profile does).
WITH article_months AS (
    SELECT article_id, published_month, source AS publisher
    FROM articles
),
entity_mentions AS (
    SELECT entity_id, article_id, claim_id
    FROM mentions
)
SELECT
    m.entity_id,
    a.published_month AS month,
    a.publisher AS source,
    COUNT(*) AS n_mentions,
    COUNT(DISTINCT m.article_id) AS n_articles,
    COUNT(DISTINCT m.claim_id) AS n_claims
FROM entity_mentions AS m
JOIN article_months AS a ON a.article_id = m.article_id
GROUP BY m.entity_id, a.published_month, a.publisher
ORDER BY entity_id, month, source
