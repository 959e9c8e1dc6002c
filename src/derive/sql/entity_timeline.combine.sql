-- Merges entity_timeline computed over separate batches of articles (`partial`): an
-- article is in one batch, so mentions and articles add up.
SELECT
    entity_id,
    month,
    source,
    SUM(n_mentions) AS n_mentions,
    SUM(n_articles) AS n_articles
FROM partial
GROUP BY entity_id, month, source
ORDER BY entity_id, month, source
