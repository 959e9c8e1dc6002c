-- Merges entity_timeline computed over separate batches of articles (`partial`): an
-- article (and so each of its claims) is in one batch, so mentions, articles and claims
-- add up.
SELECT
    entity_id,
    month,
    source,
    SUM(n_mentions) AS n_mentions,
    SUM(n_articles) AS n_articles,
    SUM(n_claims) AS n_claims
FROM partial
GROUP BY entity_id, month, source
ORDER BY entity_id, month, source
