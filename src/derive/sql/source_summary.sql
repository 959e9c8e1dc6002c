-- Per source (publisher): how much it contributed and over which period.
WITH claim_counts AS (
    SELECT article_id, COUNT(*) AS n_claims
    FROM claims
    GROUP BY article_id
)
SELECT
    a.source AS source,
    COUNT(*) AS n_articles,
    SUM(COALESCE(c.n_claims, 0)) AS n_claims,
    MIN(a.published_at) AS first_published,
    MAX(a.published_at) AS last_published
FROM articles AS a
LEFT JOIN claim_counts AS c ON a.article_id = c.article_id
GROUP BY a.source
ORDER BY n_articles DESC, source
