-- Per source (publisher): what it contributed and over which period. Mentions and
-- distinct entities come from entity_timeline (derived before this, per entity, month
-- and publisher), which counts the same mentions: reading the mentions again, joined to
-- their articles, took gigabytes at a million articles. Claims are counted by the
-- articles' `n_claims`, written from the same parsed claims as the claims table (the
-- test suite checks the totals agree), not by grouping ten million claims again.
WITH figure_counts AS (
    SELECT article_id, COUNT(*) AS n
    FROM figures
    GROUP BY article_id
),
source_mentions AS (
    SELECT
        source AS publisher,
        SUM(n_mentions) AS n_mentions,
        COUNT(DISTINCT entity_id) AS n_entities
    FROM entity_timeline
    GROUP BY source
)
SELECT
    a.source,
    COUNT(*) AS n_articles,
    SUM(a.n_claims) AS n_claims,
    SUM(COALESCE(f.n, 0)) AS n_figures,
    MAX(COALESCE(m.n_mentions, 0)) AS n_mentions,
    MAX(COALESCE(m.n_entities, 0)) AS n_entities,
    MIN(a.published_at) AS first_published,
    MAX(a.published_at) AS last_published
FROM articles AS a
LEFT JOIN figure_counts AS f ON f.article_id = a.article_id
LEFT JOIN source_mentions AS m ON m.publisher = a.source
GROUP BY a.source
ORDER BY n_articles DESC, source
