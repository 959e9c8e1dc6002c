-- Every figure with what a notebook needs beside it: the claim's text, the article's date
-- and source, what the figure is about (with the entities' names) and its normalized value.
WITH article_info AS (
    SELECT article_id, title, source AS publisher, published_at, published_month,
        source_file AS article_file, source_line AS article_line
    FROM articles
),
claim_info AS (
    SELECT claim_id, ordinal, section_label, text AS claim_text
    FROM claims
),
names AS (
    SELECT entity_id, name_en
    FROM entities
)
SELECT
    f.figure_id,
    f.article_id,
    f.claim_id,
    a.published_at,
    a.published_month,
    a.publisher AS source,
    a.title,
    f.field,
    c.ordinal AS claim_ordinal,
    c.section_label,
    c.claim_text,
    f.surface,
    f.char_start,
    f.char_end,
    f.kind,
    f.value,
    f.value_max,
    f.unit,
    f.per_unit,
    f.qualifier,
    f.normalized_value,
    f.normalized_value_max,
    f.normalized_unit,
    f.as_of_year,
    f.change_id,
    f.role,
    f.subject_entity_id,
    s.name_en AS subject_name,
    f.commodity_id,
    k.name_en AS commodity_name,
    f.measure,
    f.source_file,
    f.source_line
FROM figures AS f
JOIN article_info AS a ON a.article_id = f.article_id
LEFT JOIN claim_info AS c ON c.claim_id = f.claim_id
LEFT JOIN names AS s ON s.entity_id = f.subject_entity_id
LEFT JOIN names AS k ON k.entity_id = f.commodity_id
-- The articles' order (as the figures table: a title's figures first, then the claims'),
-- so that on a large corpus the ledger is computed and written batch by batch of
-- articles (src/derive/mod.rs, `streamed`). Sort by published_at for a timeline.
ORDER BY a.article_file, a.article_line, COALESCE(c.ordinal, 0), f.char_start, f.figure_id
