//! Figures: every number in a text with what it counts — money, percentages, masses,
//! durations, multipliers… — as typed values with their byte spans.
//!
//! [`extract`] scans one text (a claim or a title; English or Chinese) and returns its
//! figures in text order. It is a hand-written byte scanner: text without digits,
//! currency symbols, number words or Chinese numerals is skipped word by word, and work
//! (and allocation) happens only around a hit. What counts as a figure, and what does
//! not, is decided by the rules below; `tests/fixtures/figures/` holds the cases.
//!
//! - **Numbers**: digits with `,` separators (Indian `12,34,567` too) and decimals, in
//!   ASCII or full-width; scales `thousand`/`million`/`billion`/`trillion`, `k`, `bn`,
//!   `mn`, `lakh`, `crore`, Chinese `万`/`亿`/`万亿`/`兆`; number words (`one` to
//!   `ninety-nine`, `a hundred`, `a dozen`, `two hundred fifty thousand`, `half a
//!   million`); Chinese numerals (`三`, `十五`, `一百二十点五`, `两`, financial `叁`/`拾`).
//! - **Units** follow the number (`16 million tons`, `3834吨`, `三个月`) or, for money,
//!   precede it (`$`, `US$`, `c $`, `AUD`, `€`, `£`, `¥`…). A number with no unit is a
//!   `count` (`12 smelters`), except the words `one`/`zero` (pronouns far more often
//!   than counts) and Chinese numerals, which need a unit or classifier (`三家`).
//! - **Ranges** (`1-2 months`, `8 to 10 years`, `$50-$80`, `between $2 billion and $3
//!   billion`) set `value_max`. **Changes** (`from X to Y`, with a `delta` such as
//!   `rising 895% from …`) link their figures by [`Figure::change`]. A year right after
//!   a figure (`AUD 8.67 billion in 2014`) is its [`Figure::as_of_year`].
//! - **Qualifiers** before a figure (`about`, `over`, `at least`, `up to`, `超过`…) are
//!   not part of its surface; they set [`Figure::qualifier`].
//! - **Not figures**: citation markers (`[4]`), section and model numbers (`Group 3`,
//!   `A100`, `F-35`, `Type 052D`, `G7`), calendar years and dates (`in 2024`,
//!   `October 20`, `2025-10-28`, `2025年`, `10月`), times, ordinals (`third`, `1st`,
//!   `fourth-largest`, `第二`), numbers inside URLs, and vague quantities (`hundreds of`,
//!   `dozens`).

mod cjk;
mod lexicon;
pub mod normalize;
mod number;
mod post;
mod scan;
mod text;

pub use lexicon::{KINDS, PER_UNITS, QUALIFIERS, ROLES, UNIT_CODES};
pub use normalize::{Normalized, normalize};

/// What a figure measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Money,
    Percent,
    Mass,
    Area,
    Length,
    Volume,
    Energy,
    Power,
    Duration,
    /// A number of things (`12 smelters`); unit `item`.
    Count,
    /// Money or an amount per unit (`$3,000 per kilogram`, `100 tons … annually`).
    Rate,
    /// A factor: `ten times`, `double`, `halved`, `五倍`, `翻番`, `增长1倍` (2); unit `x`.
    Multiplier,
    /// `two-thirds`, `a third of`, `half of`, `三分之二`; value in (0, 1], unit `fraction`.
    Fraction,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Money => "money",
            Kind::Percent => "percent",
            Kind::Mass => "mass",
            Kind::Area => "area",
            Kind::Length => "length",
            Kind::Volume => "volume",
            Kind::Energy => "energy",
            Kind::Power => "power",
            Kind::Duration => "duration",
            Kind::Count => "count",
            Kind::Rate => "rate",
            Kind::Multiplier => "multiplier",
            Kind::Fraction => "fraction",
        }
    }
}

/// How the text bounds the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// No qualifier.
    Exact,
    /// about, around, roughly, nearly, near, approximately, almost, some, an estimated, 约, 近, 左右.
    Approx,
    /// over, more than, above, exceeding, in excess of, 超过, 逾, 多.
    Over,
    /// under, less than, fewer than, below, 不到, 不足.
    Under,
    /// at least, no less than, a minimum of, starting at, 至少, 以上.
    AtLeast,
    /// at most, no more than, a maximum of, within, 最多, 不超过.
    AtMost,
    /// up to, as much as, as many as, 高达.
    UpTo,
}

impl Qualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::Approx => "approx",
            Qualifier::Over => "over",
            Qualifier::Under => "under",
            Qualifier::AtLeast => "at_least",
            Qualifier::AtMost => "at_most",
            Qualifier::UpTo => "up_to",
        }
    }
}

/// A figure's part in a change (`rising 895% from AUD 8.67 billion to AUD 86.21 billion`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    From,
    To,
    Delta,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::From => "from",
            Role::To => "to",
            Role::Delta => "delta",
        }
    }
}

/// One figure found in a text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Figure {
    /// Byte span of the figure's surface in the text (qualifiers excluded).
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// The value in `unit` (`$19.4 million` → 19400000, `50 cents` → 0.5 USD); for a
    /// range, its lower bound.
    pub value: f64,
    /// Upper bound of a range (`1-2 months` → 2).
    pub value_max: Option<f64>,
    /// Unit code: ISO 4217 for money, `%`, `pp`, `t`, `kg`, `ha`, `km`, `day`, `month`,
    /// `year`, `x`, `item`… (see [`UNIT_CODES`]).
    pub unit: &'static str,
    /// For rates, the unit of the denominator (`per kilogram` → `kg`, `annually` → `year`).
    pub per_unit: Option<&'static str>,
    pub qualifier: Qualifier,
    /// The change this figure belongs to (numbered 0, 1, … in text order) and its role.
    pub change: Option<(u32, Role)>,
    /// A year stated with the figure (`in 2014`).
    pub as_of_year: Option<i32>,
}

/// Every figure in `text`, in text order, with byte spans. Never panics on any input.
pub fn extract(text: &str) -> Vec<Figure> {
    scan::Scanner::new(text).run()
}

#[cfg(test)]
mod tests;
