//! Every published table, its columns and their meaning. This file is the data
//! dictionary: the README, the data package and the site's data page are generated from it.

use super::ColumnType::*;
use super::{Check, Column, ForeignKey, Stage, TableSpec, opt, req};

/// Every dataset gazette publishes, in dependency order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    Articles,
    Claims,
    Entities,
    Mentions,
}

impl Table {
    pub const ALL: &'static [Table] = &[
        Table::Articles,
        Table::Claims,
        Table::Entities,
        Table::Mentions,
    ];

    pub fn spec(self) -> &'static TableSpec {
        match self {
            Table::Articles => &ARTICLES,
            Table::Claims => &CLAIMS,
            Table::Entities => &ENTITIES,
            Table::Mentions => &MENTIONS,
        }
    }
}

const SOURCE_FILE: Column = req(
    "source_file",
    Utf8,
    "Corpus file the row comes from, relative to the corpus directory.",
);

static ARTICLES: TableSpec = TableSpec {
    name: "articles",
    stage: Stage::Normalize,
    description: "One row per exported article: its title, source, publication time and \
                  summary, with where it was read from.",
    order: "source_file, then source_line (the export's own order, newest first)",
    columns: &[
        req(
            "article_id",
            Utf8,
            "Stable id: 16 hex digits of the SHA-256 of collection, source, local \
             publication time and title. The same article gets the same id in every build.",
        ),
        req(
            "collection",
            Utf8,
            "Topic of the collection the article was exported from (the header's second line).",
        ),
        req("title", Utf8, "Title as exported (usually Chinese)."),
        req(
            "source",
            Utf8,
            "Publisher, as written before the '·' of the source line.",
        ),
        req(
            "published_at",
            Timestamp,
            "Publication instant; the export gives the publisher's local time (UTC+8), \
             stored with zone Asia/Shanghai.",
        ),
        req(
            "summary",
            Utf8,
            "The English summary line, whitespace-trimmed.",
        ),
        opt(
            "core_label",
            Utf8,
            "Label of the summary's opening core section ('Core Viewpoint', 'Core Points', \
             'Core Insights'…); null when the summary has none.",
        ),
        req(
            "n_sections",
            Int32,
            "Number of sections in the summary, the core section included.",
        ),
        req(
            "n_claims",
            Int32,
            "Number of claims (bullets) in the summary.",
        ),
        SOURCE_FILE,
        req(
            "source_line",
            Int32,
            "1-based line of the article's title in source_file.",
        ),
        req(
            "summary_line",
            Int32,
            "1-based line of the article's summary in source_file.",
        ),
        req(
            "content_hash",
            Utf8,
            "SHA-256 (hex) of title, source line and summary: changes whenever the \
             article's text does.",
        ),
    ],
    primary_key: &["article_id"],
    foreign_keys: &[],
    checks: &[
        Check::AtLeast {
            column: "n_sections",
            min: 1.0,
        },
        Check::AtLeast {
            column: "n_claims",
            min: 1.0,
        },
        Check::AtLeast {
            column: "source_line",
            min: 1.0,
        },
    ],
};

static CLAIMS: TableSpec = TableSpec {
    name: "claims",
    stage: Stage::Normalize,
    description: "One row per bullet of a summary: a claim, the section it stands in and \
                  the paragraphs of the original article it cites.",
    order: "the article's position in articles, then ordinal",
    columns: &[
        req(
            "claim_id",
            Utf8,
            "Stable id: 16 hex digits of the SHA-256 of article_id and the claim's text \
             (with a counter when an article repeats a claim word for word).",
        ),
        req("article_id", Utf8, "The article the claim belongs to."),
        req(
            "ordinal",
            Int32,
            "1-based position of the claim in its article.",
        ),
        req(
            "section_ordinal",
            Int32,
            "Position of the claim's section: 0 for the core section, then 1, 2, … in order.",
        ),
        req(
            "section_label",
            Utf8,
            "'Group 2', a bare heading such as 'Agreement Details', or the core label.",
        ),
        opt(
            "section_heading",
            Utf8,
            "The heading after 'Group N:'; null for 'Group N -', bare headings and the core.",
        ),
        req(
            "is_core",
            Boolean,
            "Whether the claim is in the core section.",
        ),
        req(
            "text",
            Utf8,
            "The claim without its citation markers (whitespace before a removed marker \
             removed too).",
        ),
        req(
            "citations",
            ListInt32,
            "Paragraph numbers of the original article cited by the claim ([1][4] → [1, 4]), \
             in the order written; empty when the claim cites none.",
        ),
        req(
            "char_start",
            Int32,
            "Start of the claim as written (markers included) in the article's summary, in \
             characters (Unicode code points), 0-based.",
        ),
        req(
            "char_end",
            Int32,
            "End (exclusive) of the claim as written in the article's summary, in characters.",
        ),
        SOURCE_FILE,
        req(
            "source_line",
            Int32,
            "1-based line of the summary in source_file.",
        ),
        opt(
            "attribution_cue",
            Utf8,
            "Lemma of the words that attribute the claim ('suggest', 'highlight', 'warn', \
             'report', 'predict', 'estimate', 'according to'…); null when the claim is \
             stated without attribution.",
        ),
        opt(
            "attributed_to",
            Utf8,
            "Who the claim is attributed to, as written ('Analysts', 'experts', 'The U.S. \
             Department of Defense'); null when unattributed or attributed to evidence \
             without a holder ('Predictions indicate', 'reports of').",
        ),
        req(
            "hedged",
            Boolean,
            "Whether the claim holds a hedge: may, might, could, would, likely, potential, \
             expected, estimated, projected, reportedly, appears…",
        ),
        req(
            "modality",
            Utf8,
            "What the claim states: 'fact', 'forecast', 'opinion' or 'plan'.",
        ),
        req(
            "modality_rule",
            Utf8,
            "The rule that decided the modality, the first that applies: 'prediction-cue', \
             'attributed-opinion', 'evaluative', 'modal-hedge', 'intent', 'default' (see \
             the README's section on attribution).",
        ),
    ],
    primary_key: &["claim_id"],
    foreign_keys: &[ForeignKey {
        columns: &["article_id"],
        table: Table::Articles,
        references: &["article_id"],
    }],
    checks: &[
        Check::AtLeast {
            column: "ordinal",
            min: 1.0,
        },
        Check::AtLeast {
            column: "section_ordinal",
            min: 0.0,
        },
        Check::ListAtLeast {
            column: "citations",
            min: 1.0,
        },
        Check::AtLeast {
            column: "char_start",
            min: 0.0,
        },
        Check::NotGreater {
            low: "char_start",
            high: "char_end",
        },
        Check::OneOf {
            column: "modality",
            values: crate::extract::attribution::Modality::NAMES,
        },
        Check::OneOf {
            column: "modality_rule",
            values: crate::extract::attribution::MODALITY_RULES,
        },
    ],
};

static ENTITIES: TableSpec = TableSpec {
    name: "entities",
    stage: Stage::Normalize,
    description: "One row per entity mentioned in a title or claim (and each ancestor of \
                  one in the gazetteer): countries, regions, organizations, people, \
                  commodities, places, laws and vessels.",
    order: "entity_id",
    columns: &[
        req(
            "entity_id",
            Utf8,
            "Stable id '<kind>/<slug>': 'country/JP' (ISO 3166-1), 'place/CN-XJ' (ISO \
             3166-2), 'commodity/gallium', 'org/jogmec'. A pattern-found entity gets the id \
             it would have in the gazetteer.",
        ),
        req(
            "kind",
            Utf8,
            "'country', 'region', 'organization', 'person', 'commodity', 'place', 'law' or \
             'vessel'.",
        ),
        req("name_en", Utf8, "English name."),
        opt(
            "name_zh",
            Utf8,
            "Chinese (simplified) name; null when the gazetteer has none.",
        ),
        req(
            "aliases",
            ListUtf8,
            "Every string the entity is recognised by: English aliases, demonyms, Chinese \
             aliases and one-character Chinese abbreviations; empty for pattern-found \
             entities.",
        ),
        opt(
            "wikidata",
            Utf8,
            "Wikidata item id (Q…) where the gazetteer records one.",
        ),
        opt(
            "parent",
            Utf8,
            "The broader entity: a commodity's group (dysprosium → heavy rare earth \
             elements → rare earth elements), a subdivision's country, an agency's \
             government, a company's parent company.",
        ),
        req(
            "source",
            Utf8,
            "'gazetteer' (data/reference/gazetteer.tsv) or 'pattern' (found by a pattern \
             rule only).",
        ),
        req(
            "n_mentions",
            Int64,
            "Mentions of the entity in titles and claims; 0 for an ancestor only listed as \
             a parent.",
        ),
        req(
            "n_articles",
            Int64,
            "Articles with at least one mention of the entity.",
        ),
        opt(
            "first_seen",
            Timestamp,
            "Publication time of the earliest article that mentions the entity; null \
             without mentions.",
        ),
        opt(
            "last_seen",
            Timestamp,
            "Publication time of the latest article that mentions the entity; null \
             without mentions.",
        ),
    ],
    primary_key: &["entity_id"],
    foreign_keys: &[ForeignKey {
        columns: &["parent"],
        table: Table::Entities,
        references: &["entity_id"],
    }],
    checks: &[
        Check::OneOf {
            column: "kind",
            values: crate::extract::entities::Kind::NAMES,
        },
        Check::OneOf {
            column: "source",
            values: &["gazetteer", "pattern"],
        },
        Check::AtLeast {
            column: "n_mentions",
            min: 0.0,
        },
        Check::NotGreater {
            low: "n_articles",
            high: "n_mentions",
        },
        Check::NotGreater {
            low: "first_seen",
            high: "last_seen",
        },
    ],
};

static MENTIONS: TableSpec = TableSpec {
    name: "mentions",
    stage: Stage::Normalize,
    description: "One row per mention of an entity in an article's title or in a claim, \
                  with its span in that text.",
    order: "the article's position in articles; the title first, then the claims by \
            ordinal; then char_start",
    columns: &[
        req(
            "mention_id",
            Utf8,
            "Stable id: 16 hex digits of the SHA-256 of article_id, field, claim_id and \
             char_start.",
        ),
        req("entity_id", Utf8, "The entity mentioned."),
        req("article_id", Utf8, "The article of the title or claim."),
        opt(
            "claim_id",
            Utf8,
            "The claim the mention is in; null for a mention in the title.",
        ),
        req(
            "field",
            Utf8,
            "'title' (articles.title, Chinese) or 'claim' (claims.text, English).",
        ),
        req(
            "surface",
            Utf8,
            "The text as written: 'U.S.', 'Chinese', '美', 'rare earths'.",
        ),
        req(
            "char_start",
            Int32,
            "Start of the mention in the field's text (articles.title or claims.text), in \
             characters (Unicode code points), 0-based.",
        ),
        req(
            "char_end",
            Int32,
            "End (exclusive) of the mention in the field's text, in characters.",
        ),
        req(
            "is_demonym",
            Boolean,
            "The surface is a demonym of the entity ('Chinese' for China, 'Australian' for \
             Australia).",
        ),
        req(
            "rule",
            Utf8,
            "How the mention was found: 'gazetteer', 'zh-abbreviation' (a one-character \
             Chinese abbreviation accepted by its context), or a pattern rule: 'name-head', \
             'acronym', 'title-person', 'subject-verb'.",
        ),
        req(
            "source",
            Utf8,
            "'gazetteer' for the first two rules, 'pattern' for the others.",
        ),
        SOURCE_FILE,
        req(
            "source_line",
            Int32,
            "1-based line of the title (field 'title') or of the summary (field 'claim') in \
             source_file.",
        ),
    ],
    primary_key: &["mention_id"],
    foreign_keys: &[
        ForeignKey {
            columns: &["entity_id"],
            table: Table::Entities,
            references: &["entity_id"],
        },
        ForeignKey {
            columns: &["article_id"],
            table: Table::Articles,
            references: &["article_id"],
        },
        ForeignKey {
            columns: &["claim_id"],
            table: Table::Claims,
            references: &["claim_id"],
        },
    ],
    checks: &[
        Check::OneOf {
            column: "field",
            values: &["title", "claim"],
        },
        Check::OneOf {
            column: "rule",
            values: crate::extract::entities::Rule::NAMES,
        },
        Check::OneOf {
            column: "source",
            values: &["gazetteer", "pattern"],
        },
        Check::AtLeast {
            column: "char_start",
            min: 0.0,
        },
        Check::NotGreater {
            low: "char_start",
            high: "char_end",
        },
    ],
};
