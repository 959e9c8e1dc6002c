-- gazette counts this dataset itself from the mentions, article by article
-- (src/derive/pairs.rs), and runs this query where it cannot (mentions not grouped by
-- article) or is told to (GAZETTE_DERIVE_SQL=1); a test holds both to the same bytes.
-- This query is the dataset's definition, and what DuckDB and Spark run.
--
-- Pairs of entities mentioned together: in the same claim, or anywhere in the same
-- article (its title included). Each pair appears once, the smaller id first.
--
-- Pairs come from self-joins, which produce k² rows for an article that mentions k
-- entities: tens of millions of rows for a large corpus. The joins therefore run on
-- integer keys (an article's rank, a claim's position in it, an entity's rank) rather
-- than on the id strings, and the second side of each self-join gets its own column
-- names (polars cannot group on two columns that were both called `ek` before a join).
-- An article's date rides along with its entities into the pairs: joining the articles
-- back to the pairs instead joined k² rows per article, not k.
-- A claim is keyed by one integer (its article's rank * 2^32 + its ordinal) and so is a
-- pair (its first entity's rank * 2^32 + the second's; ranks and ordinals stay below
-- 2^31), not by two columns: polars joins and groups on two columns by encoding every
-- row, on one it hashes the integer (at 100k articles 4.1 s became 3.4 s, the means of
-- seven and eight runs). A pair's two ranks are read back from its key for its names
-- (carried through the grouping as two more aggregates they cost a tenth of it).
WITH entity_keys AS (
    SELECT entity_id, ROW_NUMBER() OVER (ORDER BY entity_id) AS ek
    FROM entities
),
article_keys AS (
    SELECT article_id, published_at, ROW_NUMBER() OVER (ORDER BY article_id) AS ak
    FROM articles
),
keyed_mentions AS (
    SELECT a.ak, a.published_at, m.claim_ordinal, e.ek
    FROM mentions AS m
    JOIN article_keys AS a ON a.article_id = m.article_id
    JOIN entity_keys AS e ON e.entity_id = m.entity_id
),
article_entities AS (
    SELECT DISTINCT ak, published_at, ek
    FROM keyed_mentions
),
article_entities_b AS (
    SELECT ak AS ak_b, ek AS ek_b
    FROM article_entities
),
claim_entities AS (
    SELECT DISTINCT ak * 4294967296 + claim_ordinal AS ck, ek
    FROM keyed_mentions
    WHERE claim_ordinal IS NOT NULL
),
claim_entities_b AS (
    SELECT ck AS ck_b, ek AS ek_b
    FROM claim_entities
),
claim_pairs AS (
    SELECT c.ek * 4294967296 + b.ek_b AS pk_c, COUNT(*) AS n_claims
    FROM claim_entities AS c
    JOIN claim_entities_b AS b ON c.ck = b.ck_b
    WHERE c.ek < b.ek_b
    GROUP BY c.ek * 4294967296 + b.ek_b
),
article_pairs AS (
    SELECT
        p.ek * 4294967296 + b.ek_b AS pk,
        COUNT(*) AS n_articles,
        MIN(p.published_at) AS first_published,
        MAX(p.published_at) AS last_published
    FROM article_entities AS p
    JOIN article_entities_b AS b ON p.ak = b.ak_b
    WHERE p.ek < b.ek_b
    GROUP BY p.ek * 4294967296 + b.ek_b
),
article_pairs_keyed AS (
    SELECT
        *,
        CAST((pk - pk % 4294967296) / 4294967296 AS BIGINT) AS ek_a,
        pk % 4294967296 AS ek_b
    FROM article_pairs
),
entity_a AS (
    SELECT entity_id AS entity_a, ek AS ek_a_key
    FROM entity_keys
),
entity_b AS (
    SELECT entity_id AS entity_b, ek AS ek_b_key
    FROM entity_keys
)
SELECT
    ea.entity_a,
    eb.entity_b,
    COALESCE(c.n_claims, 0) AS n_claims,
    p.n_articles,
    p.first_published,
    p.last_published
FROM article_pairs_keyed AS p
JOIN entity_a AS ea ON ea.ek_a_key = p.ek_a
JOIN entity_b AS eb ON eb.ek_b_key = p.ek_b
LEFT JOIN claim_pairs AS c ON c.pk_c = p.pk
ORDER BY n_articles DESC, n_claims DESC, entity_a, entity_b
