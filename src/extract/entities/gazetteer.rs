//! The gazetteer and word lists shipped under `data/reference/`, embedded in the binary so
//! that an installed gazette recognises entities anywhere, parsed once per process.

// Words of every claim are looked up in these sets: a fixed fast hasher, not std's
// SipHash (its per-word hashing was a percent of parsing a corpus). No output follows
// their order.
use crate::text::{FastMap, FastSet};

use anyhow::{Context, Result, bail, ensure};

use super::Kind;

const GAZETTEER_TSV: &str = include_str!("../../../data/reference/gazetteer.tsv");
const COMMON_WORDS: &str = include_str!("../../../data/reference/common_words.txt");
const CURRENCY_CODES: &str = include_str!("../../../data/reference/currency_codes.txt");
const NEVER_ENTITIES_TSV: &str = include_str!("../../../data/reference/never_entities.tsv");
const ZH_GUARDS_TSV: &str = include_str!("../../../data/reference/zh_guards.tsv");

const COLUMNS: &[&str] = &[
    "entity_id",
    "kind",
    "name_en",
    "name_zh",
    "match_en",
    "match_zh",
    "abbrev_zh",
    "demonyms_en",
    "wikidata",
    "parent",
    "tags",
    "origin",
];

/// One row of the gazetteer.
#[derive(Debug, Clone)]
pub struct GazEntry {
    pub entity_id: String,
    pub kind: Kind,
    pub name_en: String,
    pub name_zh: Option<String>,
    /// English strings matched as the entity (names and aliases), in the gazetteer's order.
    pub match_en: Vec<String>,
    /// Chinese strings matched as the entity.
    pub match_zh: Vec<String>,
    /// Single-character Chinese abbreviations (`美`, `华`), matched only in context.
    pub abbrev_zh: Vec<String>,
    /// English demonyms (`Chinese`, `Australian`), matched as the entity, marked as such.
    pub demonyms_en: Vec<String>,
    pub wikidata: Option<String>,
    pub parent: Option<String>,
    pub tags: Vec<String>,
}

impl GazEntry {
    /// Every alias the entity is known by, English then Chinese, demonyms included.
    pub fn aliases(&self) -> impl Iterator<Item = &str> {
        self.match_en
            .iter()
            .chain(&self.demonyms_en)
            .chain(&self.match_zh)
            .chain(&self.abbrev_zh)
            .map(String::as_str)
    }
}

/// Characters that may not stand before or after a Chinese alias for it to count.
#[derive(Debug, Clone, Default)]
pub struct ZhGuard {
    pub not_before: Vec<char>,
    pub not_after: Vec<char>,
}

/// Words that are never entities, by class (`function`, `month`, `unit`, …).
#[derive(Debug, Default)]
pub struct NeverEntities {
    pub function: FastSet<String>,
    pub calendar: FastSet<String>,
    pub labels: FastSet<String>,
    /// Units, common acronyms and ISO 4217 codes: never acronym entities.
    pub acronyms: FastSet<String>,
}

pub struct Gazetteer {
    pub entries: Vec<GazEntry>,
    pub by_id: FastMap<String, u32>,
    /// Lower-case ordinary English words.
    pub common_words: FastSet<&'static str>,
    pub never: NeverEntities,
    pub zh_guards: FastMap<String, ZhGuard>,
}

fn list(field: &str) -> Vec<String> {
    field
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn non_empty(field: &str) -> Option<String> {
    (!field.is_empty()).then(|| field.to_string())
}

impl Gazetteer {
    /// The gazetteer embedded in the binary.
    pub fn embedded() -> Result<Self> {
        Self::parse(
            GAZETTEER_TSV,
            COMMON_WORDS,
            CURRENCY_CODES,
            NEVER_ENTITIES_TSV,
            ZH_GUARDS_TSV,
        )
    }

    pub fn parse(
        gazetteer: &str,
        common_words: &'static str,
        currencies: &str,
        never: &str,
        guards: &str,
    ) -> Result<Self> {
        let mut lines = gazetteer.lines();
        let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
        ensure!(
            header == COLUMNS,
            "gazetteer.tsv: expected columns {COLUMNS:?}, found {header:?}"
        );
        let mut entries = Vec::new();
        let mut by_id = FastMap::default();
        for (i, line) in lines.enumerate() {
            let f: Vec<&str> = line.split('\t').collect();
            let lineno = i + 2;
            ensure!(
                f.len() == COLUMNS.len(),
                "gazetteer.tsv:{lineno}: {} fields instead of {}",
                f.len(),
                COLUMNS.len()
            );
            let kind = Kind::parse(f[1])
                .with_context(|| format!("gazetteer.tsv:{lineno}: unknown kind {:?}", f[1]))?;
            let entry = GazEntry {
                entity_id: f[0].to_string(),
                kind,
                name_en: f[2].to_string(),
                name_zh: non_empty(f[3]),
                match_en: list(f[4]),
                match_zh: list(f[5]),
                abbrev_zh: list(f[6]),
                demonyms_en: list(f[7]),
                wikidata: non_empty(f[8]),
                parent: non_empty(f[9]),
                tags: list(f[10]),
            };
            if by_id
                .insert(entry.entity_id.clone(), entries.len() as u32)
                .is_some()
            {
                bail!("gazetteer.tsv:{lineno}: duplicate id {}", entry.entity_id);
            }
            entries.push(entry);
        }
        let mut never_entities = NeverEntities::default();
        for line in never.lines().skip(1) {
            let Some((term, class)) = line.split_once('\t') else {
                continue;
            };
            let set = match class {
                "function" => &mut never_entities.function,
                "month" | "weekday" => &mut never_entities.calendar,
                "label" => &mut never_entities.labels,
                "unit" | "acronym" => &mut never_entities.acronyms,
                other => bail!("never_entities.tsv: unknown class {other:?}"),
            };
            set.insert(if class == "function" {
                term.to_lowercase()
            } else {
                term.to_string()
            });
        }
        never_entities
            .acronyms
            .extend(currencies.lines().map(|c| c.trim().to_string()));
        let mut zh_guards = FastMap::default();
        for line in guards.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            ensure!(f.len() == 3, "zh_guards.tsv: bad line {line:?}");
            zh_guards.insert(
                f[0].to_string(),
                ZhGuard {
                    not_before: f[1].chars().collect(),
                    not_after: f[2].chars().collect(),
                },
            );
        }
        Ok(Gazetteer {
            entries,
            by_id,
            common_words: common_words.lines().collect(),
            never: never_entities,
            zh_guards,
        })
    }

    pub fn get(&self, entity_id: &str) -> Option<&GazEntry> {
        self.by_id
            .get(entity_id)
            .map(|&i| &self.entries[i as usize])
    }

    /// Whether `word` (any case) is an ordinary English word.
    pub fn is_common_word(&self, word: &str) -> bool {
        if word.bytes().all(|b| b.is_ascii_lowercase()) {
            return self.common_words.contains(word);
        }
        self.common_words.contains(word.to_lowercase().as_str())
    }
}
