-- Per source (publisher): what it contributed and over which period.
WITH claim_counts AS (
    SELECT article_id, COUNT(*) AS n
    FROM claims
    GROUP BY article_id
),
figure_counts AS (
    SELECT article_id, COUNT(*) AS n
    FROM figures
    GROUP BY article_id
),
mention_counts AS (
    SELECT article_id, COUNT(*) AS n
    FROM mentions
    GROUP BY article_id
),
article_sources AS (
    SELECT article_id, source AS publisher
    FROM articles
),
source_entities AS (
    -- mentions has a `source` column of its own (gazetteer or pattern).
    SELECT a.publisher, COUNT(DISTINCT m.entity_id) AS n_entities
    FROM mentions AS m
    JOIN article_sources AS a ON a.article_id = m.article_id
    GROUP BY a.publisher
)
SELECT
    a.source,
    COUNT(*) AS n_articles,
    SUM(COALESCE(c.n, 0)) AS n_claims,
    SUM(COALESCE(f.n, 0)) AS n_figures,
    SUM(COALESCE(m.n, 0)) AS n_mentions,
    MAX(COALESCE(e.n_entities, 0)) AS n_entities,
    MIN(a.published_at) AS first_published,
    MAX(a.published_at) AS last_published
FROM articles AS a
LEFT JOIN claim_counts AS c ON c.article_id = a.article_id
LEFT JOIN figure_counts AS f ON f.article_id = a.article_id
LEFT JOIN mention_counts AS m ON m.article_id = a.article_id
LEFT JOIN source_entities AS e ON e.publisher = a.source
GROUP BY a.source
ORDER BY n_articles DESC, source
