-- Merges entity_cooccurrence computed over separate batches of articles (`partial`):
-- a pair's claims and articles add up (a claim or article is in one batch), and its
-- period spans the batches'.
SELECT
    entity_a,
    entity_b,
    SUM(n_claims) AS n_claims,
    SUM(n_articles) AS n_articles,
    MIN(first_published) AS first_published,
    MAX(last_published) AS last_published
FROM partial
GROUP BY entity_a, entity_b
ORDER BY n_articles DESC, n_claims DESC, entity_a, entity_b
