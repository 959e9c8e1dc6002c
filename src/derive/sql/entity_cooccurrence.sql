-- Pairs of entities mentioned together: in the same claim, or anywhere in the same
-- article (its title included). Each pair appears once, the smaller id first.
--
-- The second side of each self-join gets its own column names (entity_b…): polars' SQL
-- cannot group on two columns that were both called entity_id before the join.
WITH article_entities AS (
    SELECT DISTINCT article_id, entity_id AS entity_a
    FROM mentions
),
article_entities_b AS (
    SELECT article_id AS article_b, entity_a AS entity_b
    FROM article_entities
),
claim_entities AS (
    SELECT DISTINCT claim_id, entity_id AS entity_a
    FROM mentions
    WHERE claim_id IS NOT NULL
),
claim_entities_b AS (
    SELECT claim_id AS claim_b, entity_a AS entity_b
    FROM claim_entities
),
claim_pairs AS (
    SELECT a.entity_a, b.entity_b, COUNT(*) AS n_claims
    FROM claim_entities AS a
    JOIN claim_entities_b AS b ON a.claim_id = b.claim_b
    WHERE a.entity_a < b.entity_b
    GROUP BY a.entity_a, b.entity_b
),
article_pairs AS (
    SELECT
        a.entity_a,
        b.entity_b,
        COUNT(*) AS n_articles,
        MIN(ar.published_at) AS first_published,
        MAX(ar.published_at) AS last_published
    FROM article_entities AS a
    JOIN article_entities_b AS b ON a.article_id = b.article_b
    JOIN articles AS ar ON ar.article_id = a.article_id
    WHERE a.entity_a < b.entity_b
    GROUP BY a.entity_a, b.entity_b
)
SELECT
    p.entity_a,
    p.entity_b,
    COALESCE(c.n_claims, 0) AS n_claims,
    p.n_articles,
    p.first_published,
    p.last_published
FROM article_pairs AS p
LEFT JOIN claim_pairs AS c ON c.entity_a = p.entity_a AND c.entity_b = p.entity_b
ORDER BY p.n_articles DESC, n_claims DESC, p.entity_a, p.entity_b
