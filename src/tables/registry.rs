//! Every published table, its columns and their meaning. This file is the data
//! dictionary: the README, the data package and the site's data page are generated from it.

use super::ColumnType::*;
use super::{Check, Column, ForeignKey, Stage, TableSpec, opt, req};
use crate::extract::about::MeasureRule;
use crate::extract::figures::{KINDS, PER_UNITS, QUALIFIERS, ROLES, UNIT_CODES};
use crate::reference::measures::MEASURE_IDS;

/// Every dataset gazette publishes, in dependency order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    Articles,
    Claims,
    Figures,
    Entities,
    Mentions,
    EntityCooccurrence,
    EntityTimeline,
    SourceSummary,
    CommodityProfile,
    FigureLedger,
    StatisticVariants,
}

impl Table {
    pub const ALL: &'static [Table] = &[
        Table::Articles,
        Table::Claims,
        Table::Entities,
        Table::Mentions,
        // after entities: its subject and commodity reference them
        Table::Figures,
        Table::EntityCooccurrence,
        Table::EntityTimeline,
        Table::SourceSummary,
        Table::CommodityProfile,
        Table::FigureLedger,
        Table::StatisticVariants,
    ];

    pub fn spec(self) -> &'static TableSpec {
        match self {
            Table::Articles => &ARTICLES,
            Table::Claims => &CLAIMS,
            Table::SourceSummary => &SOURCE_SUMMARY,
            Table::EntityCooccurrence => &ENTITY_COOCCURRENCE,
            Table::EntityTimeline => &ENTITY_TIMELINE,
            Table::CommodityProfile => &COMMODITY_PROFILE,
            Table::FigureLedger => &FIGURE_LEDGER,
            Table::StatisticVariants => &STATISTIC_VARIANTS,
            Table::Figures => &FIGURES,
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
            "Publisher, as written before the '·' of the source line, less the characters \
             that cannot be seen (zero-width spaces, byte-order marks, directional marks) \
             and with each run of spaces made one.",
        ),
        req(
            "published_at",
            Timestamp,
            "Publication instant, stored with zone Asia/Shanghai; the export gives the \
             publisher's local time, read by that zone's rules (UTC+8, and UTC+9 in the \
             summers of 1919, 1940–1949 and 1986–1991).",
        ),
        req(
            "published_month",
            Utf8,
            "Month of publication in the publisher's local time, 'YYYY-MM'; the partition \
             key of `--partition-by month` (there it comes from the folder name).",
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
        opt(
            "claim_ordinal",
            Int32,
            "The claim's position in its article (claims.ordinal); null for a mention in \
             the title. With article_id, a claim key that needs no join with claims.",
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

static SOURCE_SUMMARY: TableSpec = TableSpec {
    name: "source_summary",
    stage: Stage::Derive,
    description: "Per source (publisher): how many articles and claims it contributed and \
                  over which period.",
    order: "n_articles descending, then source",
    columns: &[
        req("source", Utf8, "Publisher, as in articles.source."),
        req("n_articles", Int64, "Articles from this source."),
        req("n_claims", Int64, "Claims in those articles."),
        req(
            "n_figures",
            Int64,
            "Figures stated in those articles (titles and claims).",
        ),
        req("n_mentions", Int64, "Entity mentions in those articles."),
        req(
            "n_entities",
            Int64,
            "Distinct entities the source's articles mention.",
        ),
        req(
            "first_published",
            Timestamp,
            "Publication time of the source's earliest article.",
        ),
        req(
            "last_published",
            Timestamp,
            "Publication time of the source's latest article.",
        ),
    ],
    primary_key: &["source"],
    foreign_keys: &[],
    checks: &[
        Check::AtLeast {
            column: "n_articles",
            min: 1.0,
        },
        Check::NotGreater {
            low: "first_published",
            high: "last_published",
        },
    ],
};

static FIGURES: TableSpec = TableSpec {
    name: "figures",
    stage: Stage::Normalize,
    description: "One row per figure (a number with its unit: money, percentage, mass, duration, \
                  count…) stated in a claim or a title, with its value in a common unit.",
    order: "the article's position in articles; within an article the title, then the claims \
            by ordinal; within a text, char_start",
    columns: &[
        req(
            "figure_id",
            Utf8,
            "Stable id: 16 hex digits of the SHA-256 of the claim's (or, for a title, the \
             article's) id, the field and the surface (with a counter when the text repeats \
             the surface).",
        ),
        req("article_id", Utf8, "The article the figure is stated in."),
        opt(
            "claim_id",
            Utf8,
            "The claim the figure is stated in; null for a figure in the title.",
        ),
        req(
            "field",
            Utf8,
            "Where the figure stands: 'claim' (the claim's text) or 'title' (the article's title).",
        ),
        req(
            "surface",
            Utf8,
            "The figure as written ('$19.4 million', '3834吨', '1-2 months'); qualifiers \
             such as 'over' or 'about' are not part of it.",
        ),
        req(
            "char_start",
            Int32,
            "Start of the surface in the field's text (claims.text or articles.title), in \
             characters (Unicode code points), 0-based.",
        ),
        req(
            "char_end",
            Int32,
            "End (exclusive) of the surface in the field's text, in characters.",
        ),
        req(
            "kind",
            Utf8,
            "money, percent, mass, area, length, volume, energy, power, duration, count, rate \
             (money or an amount per unit), multiplier ('ten times') or fraction ('two-thirds').",
        ),
        req(
            "value",
            Float64,
            "The value in unit, scales applied ('$19.4 million' → 19400000, '50 cents' → 0.5 \
             USD, '七成' → 70); for a range, its lower bound; negative when written so.",
        ),
        opt(
            "value_max",
            Float64,
            "Upper bound of a range ('1-2 months', '8 to 10 years', 'between $2 billion and \
             $3 billion'); null otherwise.",
        ),
        req(
            "unit",
            Utf8,
            "Unit code: ISO 4217 for money (BTC for bitcoin), '%', 'pp' (percentage points), \
             'bp', 't', 'kt', 'kg', 'lb', 'ha', 'km2', 'km', 'm', 'bbl', 'MW', 'hour', 'day', \
             'week', 'month', 'year', 'x' (multipliers), 'fraction', 'item' (counts)…",
        ),
        opt(
            "per_unit",
            Utf8,
            "For rates, the denominator's unit ('$3,000 per kilogram' → 'kg', 'annually' → \
             'year', 'a share' → 'share'); null otherwise.",
        ),
        req(
            "qualifier",
            Utf8,
            "exact, approx (about, around, roughly, nearly…), over (over, more than…), under \
             (under, less than…), at_least, at_most (no more than…) or up_to.",
        ),
        opt(
            "normalized_value",
            Float64,
            "value in normalized_unit: money in US dollars at the annual exchange rate of \
             fx_year, mass in tonnes, area in hectares, length in metres, volume in cubic \
             metres, energy in MWh, power in MW, durations in days, percentages as the percent \
             number; null when no conversion is known (a currency without a rate).",
        ),
        opt(
            "normalized_value_max",
            Float64,
            "value_max in normalized_unit; null unless the figure is a range.",
        ),
        opt(
            "normalized_unit",
            Utf8,
            "USD, t, ha, m, m3, MWh, MW, day, %, pp, item, x, fraction, or for rates \
             numerator/denominator ('USD/t', 't/year'); null with normalized_value.",
        ),
        opt(
            "fx_rate",
            Float64,
            "US dollars per unit of the figure's currency used for normalized_value (annual \
             average of the European Central Bank's daily reference rates, \
             data/reference/fx_rates.csv); null unless the figure is money.",
        ),
        opt(
            "fx_year",
            Int32,
            "Year of fx_rate: the article's publication year, or the latest earlier year in the \
             rate table when that year has no rate (then it differs from the article's year).",
        ),
        opt(
            "change_id",
            Utf8,
            "Shared by the figures of one change ('from AUD 8.67 billion in 2014 to AUD 86.21 \
             billion in 2024', with the delta '895%'); null for a figure in no change.",
        ),
        opt(
            "role",
            Utf8,
            "The figure's part in its change: 'from', 'to' or 'delta'; null with change_id.",
        ),
        opt(
            "as_of_year",
            Int32,
            "A year stated with the figure ('AUD 8.67 billion in 2014' → 2014); null when none is.",
        ),
        opt(
            "subject_entity_id",
            Utf8,
            "The country, organization, region or place the figure is about: who controls, \
             holds, produces, invests or imports it ('China controls 90% of …' → \
             'country/CN'), or for reserves, capacity and market value where it lies ('a mine \
             in Kazakhstan with 20 million tons of reserves' → 'country/KZ'); an \
             entities.entity_id. Null when the text names none, or two jointly ('the US and \
             Australia plan to invest'). Decided by rules over the text's mentions (src/extract/about.rs).",
        ),
        opt(
            "commodity_id",
            Utf8,
            "The commodity the figure concerns: the commodity mention nearest to it in its \
             phrase, clause or sentence ('90% of rare earth refining' → \
             'commodity/rare-earths'); an entities.entity_id. Null when the sentence names none.",
        ),
        opt(
            "measure",
            Utf8,
            "What the figure measures, an id of the vocabulary data/reference/measures.tsv: \
             mining_share, refining_share, magnet_share, stake, reserves, production, capacity, \
             investment, purchase, imports, exports, price, tariff, market_value, cost, profit, \
             lead_time, timeline, penalty, growth, decline or share (a fall's value is its \
             size, positive as written: the measure tells the direction); decided by the cue \
             words nearest to the figure. Null when no cue applies.",
        ),
        opt(
            "measure_rule",
            Utf8,
            "How measure was decided: 'cue-phrase', 'cue-clause', 'cue-host', 'cue-sentence' \
             (a cue in the figure's phrase, clause, the clause it depends on, or its sentence), \
             'shape' (the figure alone: '$3,000 per kilogram' is a price, a change's delta a \
             growth) or 'generic' (only a generic share cue); null with measure.",
        ),
        SOURCE_FILE,
        req(
            "source_line",
            Int32,
            "1-based line in source_file of the field's text (the title line or the summary line).",
        ),
    ],
    primary_key: &["figure_id"],
    foreign_keys: &[
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
        ForeignKey {
            columns: &["subject_entity_id"],
            table: Table::Entities,
            references: &["entity_id"],
        },
        ForeignKey {
            columns: &["commodity_id"],
            table: Table::Entities,
            references: &["entity_id"],
        },
    ],
    checks: &[
        Check::OneOf {
            column: "field",
            values: &["claim", "title"],
        },
        Check::OneOf {
            column: "measure",
            values: MEASURE_IDS,
        },
        Check::OneOf {
            column: "measure_rule",
            values: MeasureRule::NAMES,
        },
        Check::OneOf {
            column: "kind",
            values: KINDS,
        },
        Check::OneOf {
            column: "unit",
            values: UNIT_CODES,
        },
        Check::OneOf {
            column: "per_unit",
            values: PER_UNITS,
        },
        Check::OneOf {
            column: "qualifier",
            values: QUALIFIERS,
        },
        Check::OneOf {
            column: "role",
            values: ROLES,
        },
        Check::Finite { column: "value" },
        Check::Finite {
            column: "value_max",
        },
        Check::Finite {
            column: "normalized_value",
        },
        Check::Finite {
            column: "normalized_value_max",
        },
        Check::NotGreater {
            low: "value",
            high: "value_max",
        },
        Check::NotGreater {
            low: "normalized_value",
            high: "normalized_value_max",
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

static ENTITY_COOCCURRENCE: TableSpec = TableSpec {
    name: "entity_cooccurrence",
    stage: Stage::Derive,
    description: "Pairs of entities mentioned together, in the same claim or anywhere in the \
                  same article: how often, and over which period.",
    order: "n_articles descending, n_claims descending, then entity_a, entity_b",
    columns: &[
        req("entity_a", Utf8, "One entity of the pair (the smaller id)."),
        req(
            "entity_b",
            Utf8,
            "The other entity of the pair (the larger id).",
        ),
        req(
            "n_claims",
            Int64,
            "Claims that mention both (0 when they only share articles).",
        ),
        req(
            "n_articles",
            Int64,
            "Articles that mention both, in their title or claims.",
        ),
        req(
            "first_published",
            Timestamp,
            "Publication time of the earliest article mentioning both.",
        ),
        req(
            "last_published",
            Timestamp,
            "Publication time of the latest article mentioning both.",
        ),
    ],
    primary_key: &["entity_a", "entity_b"],
    foreign_keys: &[
        ForeignKey {
            columns: &["entity_a"],
            table: Table::Entities,
            references: &["entity_id"],
        },
        ForeignKey {
            columns: &["entity_b"],
            table: Table::Entities,
            references: &["entity_id"],
        },
    ],
    checks: &[
        Check::AtLeast {
            column: "n_articles",
            min: 1.0,
        },
        Check::NotGreater {
            low: "first_published",
            high: "last_published",
        },
    ],
};

static ENTITY_TIMELINE: TableSpec = TableSpec {
    name: "entity_timeline",
    stage: Stage::Derive,
    description: "Mentions of each entity per month of publication and per source; summing \
                  over sources gives the entity's monthly counts.",
    order: "entity_id, then month, then source",
    columns: &[
        req("entity_id", Utf8, "The entity mentioned."),
        req(
            "month",
            Utf8,
            "Month of publication, 'YYYY-MM' (publisher's local time, as articles.published_month).",
        ),
        req("source", Utf8, "Publisher of the articles counted."),
        req(
            "n_mentions",
            Int64,
            "Mentions of the entity in those articles.",
        ),
        req("n_articles", Int64, "Articles that mention the entity."),
        req(
            "n_claims",
            Int64,
            "Claims that mention the entity (0 when only titles do).",
        ),
    ],
    primary_key: &["entity_id", "month", "source"],
    foreign_keys: &[ForeignKey {
        columns: &["entity_id"],
        table: Table::Entities,
        references: &["entity_id"],
    }],
    checks: &[
        Check::AtLeast {
            column: "n_articles",
            min: 1.0,
        },
        Check::NotGreater {
            low: "n_articles",
            high: "n_mentions",
        },
        Check::NotGreater {
            low: "n_claims",
            high: "n_mentions",
        },
    ],
};

static COMMODITY_PROFILE: TableSpec = TableSpec {
    name: "commodity_profile",
    stage: Stage::Derive,
    description: "Per commodity mentioned: how often it comes up, the figures about it by \
                  measure, and which countries are mentioned in the same articles.",
    order: "n_articles descending, n_mentions descending, then commodity_id",
    columns: &[
        req(
            "commodity_id",
            Utf8,
            "The commodity (an entity of kind 'commodity').",
        ),
        req("name_en", Utf8, "Its English name."),
        opt(
            "name_zh",
            Utf8,
            "Its Chinese name, where the gazetteer has one.",
        ),
        req("n_articles", Int64, "Articles that mention it."),
        req("n_claims", Int64, "Claims that mention it."),
        req("n_mentions", Int64, "Mentions in titles and claims."),
        req(
            "n_figures",
            Int64,
            "Figures whose commodity_id is this commodity.",
        ),
        opt(
            "measures",
            ListUtf8,
            "The measures of those figures (figures.measure), most figures first (then by \
             id); figures without a measure are not listed. Null when none has one.",
        ),
        opt(
            "measure_figures",
            ListInt32,
            "For each of measures, in the same order, the number of figures.",
        ),
        opt(
            "countries",
            ListUtf8,
            "Countries mentioned in the same articles, most shared articles first (then \
             by id); null when none is.",
        ),
        opt(
            "country_articles",
            ListInt32,
            "For each of countries, in the same order, the number of articles shared.",
        ),
    ],
    primary_key: &["commodity_id"],
    foreign_keys: &[ForeignKey {
        columns: &["commodity_id"],
        table: Table::Entities,
        references: &["entity_id"],
    }],
    checks: &[Check::AtLeast {
        column: "n_articles",
        min: 1.0,
    }],
};

static FIGURE_LEDGER: TableSpec = TableSpec {
    name: "figure_ledger",
    stage: Stage::Derive,
    description: "Every figure with its context: the claim's text, the article's date, source \
                  and title, what the figure is about (subject, commodity, measure, with the \
                  entities' names) and its normalized value. The table a notebook starts from.",
    order: "as figures: the articles' order (source_file, then source_line), the title's \
            figures then the claims' by ordinal, char_start, figure_id",
    columns: &[
        req("figure_id", Utf8, "The figure (figures.figure_id)."),
        req("article_id", Utf8, "The article the figure is stated in."),
        opt(
            "claim_id",
            Utf8,
            "The claim the figure is stated in; null for a figure in the title.",
        ),
        req("published_at", Timestamp, "The article's publication time."),
        req(
            "published_month",
            Utf8,
            "The article's month of publication, 'YYYY-MM'.",
        ),
        req("source", Utf8, "The article's publisher (articles.source)."),
        req("title", Utf8, "The article's title."),
        req("field", Utf8, "'claim' or 'title', as figures.field."),
        opt(
            "claim_ordinal",
            Int32,
            "The claim's position in its article (claims.ordinal); null for a title.",
        ),
        opt(
            "section_label",
            Utf8,
            "The claim's section label; null for a title.",
        ),
        opt(
            "claim_text",
            Utf8,
            "The claim's text (char_start/char_end index it); null for a title (then they \
             index title).",
        ),
        req("surface", Utf8, "The figure as written."),
        req(
            "char_start",
            Int32,
            "Start of surface in its text, in characters.",
        ),
        req(
            "char_end",
            Int32,
            "End (exclusive) of surface in its text, in characters.",
        ),
        req("kind", Utf8, "As figures.kind."),
        req("value", Float64, "As figures.value."),
        opt("value_max", Float64, "As figures.value_max (ranges)."),
        req("unit", Utf8, "As figures.unit."),
        opt("per_unit", Utf8, "As figures.per_unit (rates)."),
        req("qualifier", Utf8, "As figures.qualifier."),
        opt("normalized_value", Float64, "As figures.normalized_value."),
        opt(
            "normalized_value_max",
            Float64,
            "As figures.normalized_value_max.",
        ),
        opt("normalized_unit", Utf8, "As figures.normalized_unit."),
        opt("as_of_year", Int32, "As figures.as_of_year."),
        opt("change_id", Utf8, "As figures.change_id."),
        opt("role", Utf8, "As figures.role."),
        opt(
            "subject_entity_id",
            Utf8,
            "As figures.subject_entity_id: who or where the figure is about.",
        ),
        opt(
            "subject_name",
            Utf8,
            "The subject's English name (entities.name_en).",
        ),
        opt(
            "commodity_id",
            Utf8,
            "As figures.commodity_id: the commodity it concerns.",
        ),
        opt(
            "commodity_name",
            Utf8,
            "The commodity's English name (entities.name_en).",
        ),
        opt(
            "measure",
            Utf8,
            "As figures.measure: what the figure measures.",
        ),
        SOURCE_FILE,
        req(
            "source_line",
            Int32,
            "1-based line in source_file of the figure's text.",
        ),
    ],
    primary_key: &["figure_id"],
    foreign_keys: &[
        ForeignKey {
            columns: &["figure_id"],
            table: Table::Figures,
            references: &["figure_id"],
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
        Check::Finite { column: "value" },
        Check::Finite {
            column: "normalized_value",
        },
        Check::NotGreater {
            low: "char_start",
            high: "char_end",
        },
        Check::SpanWithin {
            start: "char_start",
            end: "char_end",
            text_column: "claim_text",
        },
    ],
};

static STATISTIC_VARIANTS: TableSpec = TableSpec {
    name: "statistic_variants",
    stage: Stage::Derive,
    description: "Sources disagree: every statistic (one measure of one subject and commodity, \
                  in one unit, for one year when the figures say which) quoted by two or more \
                  claims, one row per value quoted, with the \
                  claims, articles and sources behind it and the statistic's spread. Ranges, and \
                  the start and delta of a change, are left out.",
    order: "n_claims descending, statistic_key, value descending, then qualifier",
    columns: &[
        req(
            "statistic_key",
            Utf8,
            "subject_entity_id|commodity_id|measure|unit (commodity_id empty when none), then \
             |as_of_year when the figures say which year: one statistic.",
        ),
        req(
            "subject_entity_id",
            Utf8,
            "Who or where the statistic is about (figures.subject_entity_id).",
        ),
        opt(
            "commodity_id",
            Utf8,
            "The commodity it concerns; null when the figures name none.",
        ),
        req("measure", Utf8, "What it measures (figures.measure)."),
        req(
            "unit",
            Utf8,
            "The unit its values are compared in (figures.normalized_unit).",
        ),
        opt(
            "as_of_year",
            Int32,
            "The year its values are for, when the figures say (figures.as_of_year); null when \
             they do not. Values for different years are different statistics.",
        ),
        req("value", Float64, "One value quoted, in unit."),
        req(
            "qualifier",
            Utf8,
            "How the value is quoted: exact, approx, over, under… ('over 90%' and '90%' are \
             separate variants).",
        ),
        req(
            "n_claims_quoting",
            Int64,
            "Claims that quote this value with this qualifier.",
        ),
        req("claim_ids", ListUtf8, "Those claims, by id."),
        req("article_ids", ListUtf8, "Their articles, by id."),
        req("sources", ListUtf8, "Their publishers, by name."),
        req(
            "first_quoted",
            Timestamp,
            "Earliest article quoting this value.",
        ),
        req(
            "last_quoted",
            Timestamp,
            "Latest article quoting this value.",
        ),
        req(
            "n_claims",
            Int64,
            "Claims that quote the statistic, any value (at least 2).",
        ),
        req(
            "n_values",
            Int64,
            "Distinct values quoted for the statistic.",
        ),
        req("min_value", Float64, "The smallest value quoted."),
        req("max_value", Float64, "The largest value quoted."),
        req("spread", Float64, "max_value − min_value."),
        req(
            "first_published",
            Timestamp,
            "Earliest article quoting the statistic.",
        ),
        req(
            "last_published",
            Timestamp,
            "Latest article quoting the statistic.",
        ),
    ],
    primary_key: &["statistic_key", "value", "qualifier"],
    foreign_keys: &[
        ForeignKey {
            columns: &["subject_entity_id"],
            table: Table::Entities,
            references: &["entity_id"],
        },
        ForeignKey {
            columns: &["commodity_id"],
            table: Table::Entities,
            references: &["entity_id"],
        },
    ],
    checks: &[
        Check::AtLeast {
            column: "n_claims",
            min: 2.0,
        },
        Check::AtLeast {
            column: "n_claims_quoting",
            min: 1.0,
        },
        Check::AtLeast {
            column: "spread",
            min: 0.0,
        },
        Check::Finite { column: "value" },
        Check::NotGreater {
            low: "min_value",
            high: "max_value",
        },
        Check::NotGreater {
            low: "first_quoted",
            high: "last_quoted",
        },
        Check::NotGreater {
            low: "n_claims_quoting",
            high: "n_claims",
        },
    ],
};
