//! Entity recognition: who and what a title or claim is about.
//!
//! Two sources of mentions, applied to one text at a time:
//!
//! - the **gazetteer** ([`gazetteer`], shipped under `data/reference/` and embedded in the
//!   binary): every name, alias and demonym of ~5,900 entities, matched leftmost-longest
//!   by one Aho-Corasick automaton ([`matcher`]) — with word boundaries and case rules in
//!   English, and without word boundaries but guarded by context in Chinese;
//! - **pattern rules** ([`patterns`]) for names the gazetteer lacks: capitalised names
//!   ending in an organisation or law head word, acronyms, people after a title, and
//!   capitalised subjects of reporting or action verbs.
//!
//! Mentions carry byte spans into the text; the normalize stage converts them to
//! character spans when it writes the `mentions` table.

pub mod gazetteer;
pub mod matcher;
pub mod patterns;

use std::sync::OnceLock;

use anyhow::{Result, anyhow};

pub use gazetteer::{GazEntry, Gazetteer};
use matcher::GazMatcher;

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Country,
    Region,
    Organization,
    Person,
    Commodity,
    Place,
    Law,
    Vessel,
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::Country,
        Kind::Region,
        Kind::Organization,
        Kind::Person,
        Kind::Commodity,
        Kind::Place,
        Kind::Law,
        Kind::Vessel,
    ];
    /// The kinds as written in the tables (the `OneOf` check of `entities.kind`).
    pub const NAMES: &'static [&'static str] = &[
        "country",
        "region",
        "organization",
        "person",
        "commodity",
        "place",
        "law",
        "vessel",
    ];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Self::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Self::ALL[i])
    }

    /// The first part of the entity ids of this kind (`org/jogmec`, `person/…`).
    pub fn id_prefix(self) -> &'static str {
        match self {
            Kind::Organization => "org",
            other => other.as_str(),
        }
    }
}

/// How a mention was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// A name, alias or demonym of the gazetteer.
    Gazetteer,
    /// A one-character Chinese abbreviation (`输美`, `对华`, `美澳`) accepted by its context.
    ZhAbbreviation,
    /// A capitalised name ending in an organisation or law head word (`… Holdings`, `… Act`).
    NameHead,
    /// An acronym of three or more capitals.
    Acronym,
    /// A person's name after a title (`Prime Minister Albanese`).
    TitledPerson,
    /// A capitalised subject of a reporting or action verb (`X said`, `X operates`).
    SubjectVerb,
}

impl Rule {
    pub const NAMES: &'static [&'static str] = &[
        "gazetteer",
        "zh-abbreviation",
        "name-head",
        "acronym",
        "title-person",
        "subject-verb",
    ];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// Whether the rule reads the gazetteer (`source = gazetteer`) or a pattern.
    pub fn is_pattern(self) -> bool {
        !matches!(self, Rule::Gazetteer | Rule::ZhAbbreviation)
    }
}

/// An entity found by a pattern rule rather than in the gazetteer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternEntity {
    /// `{kind prefix}/{slug of the name}`: the id the entity would get in the gazetteer.
    pub entity_id: String,
    pub kind: Kind,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityRef {
    /// Index into [`Gazetteer::entries`].
    Gazetteer(u32),
    Pattern(PatternEntity),
}

/// One mention of an entity in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte span of the mention in the text.
    pub start: usize,
    pub end: usize,
    pub entity: EntityRef,
    /// The surface is a demonym (`Chinese` for China).
    pub is_demonym: bool,
    pub rule: Rule,
}

/// The gazetteer with its automaton; built once per process.
pub struct Recognizer {
    pub gazetteer: Gazetteer,
    matcher: GazMatcher,
}

impl Recognizer {
    pub fn new(gazetteer: Gazetteer) -> Result<Self> {
        let matcher = GazMatcher::build(&gazetteer)?;
        Ok(Recognizer { gazetteer, matcher })
    }

    /// The recogniser over the embedded gazetteer, built on first use.
    pub fn global() -> Result<&'static Recognizer> {
        static GLOBAL: OnceLock<Result<Recognizer, String>> = OnceLock::new();
        GLOBAL
            .get_or_init(|| {
                Gazetteer::embedded()
                    .and_then(Recognizer::new)
                    .map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(|e| anyhow!("The embedded gazetteer is unusable: {e}"))
    }

    /// Every mention in `text`, in order, non-overlapping.
    pub fn recognize(&self, text: &str) -> Vec<Mention> {
        let gaz = self.matcher.find(text);
        patterns::apply(&self.gazetteer, text, gaz)
    }

    /// The gazetteer's mentions alone, without the pattern rules.
    pub fn recognize_gazetteer(&self, text: &str) -> Vec<Mention> {
        self.matcher.find(text)
    }

    /// The id, kind and display name of a mention's entity.
    pub fn describe<'a>(&'a self, entity: &'a EntityRef) -> (&'a str, Kind, &'a str) {
        match entity {
            EntityRef::Gazetteer(i) => {
                let e = &self.gazetteer.entries[*i as usize];
                (&e.entity_id, e.kind, &e.name_en)
            }
            EntityRef::Pattern(p) => (&p.entity_id, p.kind, &p.name),
        }
    }
}

/// Whether `c` is a letter or digit of an alphabetic script (not CJK): the characters
/// that make up English words, across which an English name may not start or end.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// Han, kana and hangul characters (scripts written without spaces between words).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xAC00..=0xD7AF | 0x20000..=0x3134F)
}

/// A stable slug: lower case, letters and digits kept, everything else one `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}
