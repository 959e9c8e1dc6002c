//! The measure vocabulary: what a figure measures (`data/reference/measures.tsv`, embedded
//! in the binary and parsed once).
//!
//! One row per measure: its id (the `measure` column of the `figures` table), a label, a
//! description, the figure kinds it applies to, whether its subject is the holder of the
//! figure or the place where it lies, whether it is generic (chosen only when no other
//! measure's cue is found), a shape that decides it without a cue, and its cue words and
//! phrases. [`crate::extract::about`] reads the cues around a figure; see there for the
//! rules.

use std::sync::OnceLock;

use anyhow::{Context, Result, bail};

use crate::extract::figures::{Figure, Kind, UNIT_CODES};

/// The shipped vocabulary, embedded at compile time.
pub const MEASURES_TSV: &str = include_str!("../../data/reference/measures.tsv");

/// Every measure id, in the order of `measures.tsv` (the `OneOf` check of
/// `figures.measure`; the parser checks that the file lists exactly these).
pub const MEASURE_IDS: &[&str] = &[
    "mining_share",
    "refining_share",
    "magnet_share",
    "stake",
    "reserves",
    "production",
    "capacity",
    "investment",
    "purchase",
    "imports",
    "exports",
    "price",
    "tariff",
    "market_value",
    "cost",
    "profit",
    "lead_time",
    "timeline",
    "penalty",
    "growth",
    "decline",
    "share",
];

/// What a measure can apply to: the figure kinds, with `rate` split into money per unit of
/// a good (`$3,000 per kilogram`, `money-rate`), money per period (`$5 billion a year`,
/// `money-flow`) and amounts per unit (`100 tons … annually`, `amount-rate`).
pub const APPLIES_TO: &[&str] = &[
    "money",
    "money-rate",
    "money-flow",
    "amount-rate",
    "percent",
    "mass",
    "area",
    "length",
    "volume",
    "energy",
    "power",
    "duration",
    "count",
    "multiplier",
    "fraction",
];

/// Whose figure it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectMode {
    /// Who controls, holds, produces or pays it (the grammatical subject).
    Holder,
    /// Where it lies (`in Kazakhstan`, `near Minami-Torishima`), before the holder.
    Location,
}

/// A figure shape that decides a measure without a cue word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Money per unit of a good (`$3,000 per kilogram`): a price.
    MoneyPerUnit,
    /// The delta of a change (`rising 895% from … to …`).
    ChangeDelta,
}

/// One measure of the vocabulary.
#[derive(Debug, Clone)]
pub struct Measure {
    /// Index in [`MEASURE_IDS`].
    pub index: usize,
    pub id: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    /// Bit `i` set: applies to [`APPLIES_TO`]`[i]`.
    applies: u32,
    pub subject: SubjectMode,
    pub generic: bool,
    pub shapes: Vec<Shape>,
    /// Cue words and phrases as written in the file.
    pub cues: Vec<&'static str>,
}

impl Measure {
    /// Whether the measure applies to a figure of this kind and unit.
    pub fn applies_to(&self, target: Target) -> bool {
        self.applies & (1 << target.0) != 0
    }

    /// The [`APPLIES_TO`] names this measure applies to.
    pub fn applies_to_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        APPLIES_TO
            .iter()
            .enumerate()
            .filter(|(i, _)| self.applies & (1 << i) != 0)
            .map(|(_, n)| *n)
    }
}

/// A figure's kind as the vocabulary sees it: an index into [`APPLIES_TO`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target(u8);

impl Target {
    pub fn of(f: &Figure) -> Target {
        let name = match f.kind {
            Kind::Rate if is_currency(f.unit) && f.per_unit.is_some_and(is_period) => "money-flow",
            Kind::Rate if is_currency(f.unit) => "money-rate",
            Kind::Rate => "amount-rate",
            k => k.as_str(),
        };
        Target(
            APPLIES_TO
                .iter()
                .position(|n| *n == name)
                .unwrap_or(APPLIES_TO.len() - 1) as u8,
        )
    }

    pub fn name(self) -> &'static str {
        APPLIES_TO[self.0 as usize]
    }
}

/// Whether a unit code is a currency (the money codes come first in [`UNIT_CODES`]).
pub fn is_currency(unit: &str) -> bool {
    let money = UNIT_CODES
        .iter()
        .position(|u| *u == "%")
        .unwrap_or(UNIT_CODES.len());
    UNIT_CODES[..money].contains(&unit)
}

/// Whether a unit code is a period (`per year` makes a flow, not a price).
pub fn is_period(unit: &str) -> bool {
    matches!(unit, "hour" | "day" | "week" | "month" | "year" | "decade")
}

/// One cue: lower-case words (English, matched whole-word) or a Chinese string (matched as
/// a substring), and the measures it signals — at most one per figure kind.
#[derive(Debug, Clone)]
pub struct Cue {
    pub text: &'static str,
    /// Lower-case ASCII words; empty for a Chinese cue.
    pub words: Vec<String>,
    pub measures: Vec<usize>,
}

/// The parsed vocabulary with its cue index.
#[derive(Debug)]
pub struct Vocabulary {
    pub measures: Vec<Measure>,
    pub cues: Vec<Cue>,
    /// English cues by their first word, sorted: (first word, cue index).
    first_words: Vec<(String, usize)>,
    /// Indices of Chinese (substring) cues.
    pub zh_cues: Vec<usize>,
}

impl Vocabulary {
    /// Parses the format of `measures.tsv` (`#` lines are comments; a header row, then one
    /// row per measure with eight tab-separated columns).
    pub fn parse(tsv: &'static str) -> Result<Self> {
        let mut measures = Vec::new();
        let mut header = false;
        for (n, line) in tsv.lines().enumerate() {
            let at = || format!("measures.tsv:{}", n + 1);
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&'static str> = line.split('\t').collect();
            if !header {
                if cols
                    != [
                        "measure",
                        "label",
                        "applies_to",
                        "subject",
                        "generic",
                        "shape",
                        "cues",
                        "description",
                    ]
                {
                    bail!("{}: expected the header, found {line:?}", at());
                }
                header = true;
                continue;
            }
            let [
                id,
                label,
                applies_to,
                subject,
                generic,
                shape,
                cues,
                description,
            ] = cols[..]
            else {
                bail!("{}: expected 8 tab-separated columns", at());
            };
            let index = measures.len();
            if MEASURE_IDS.get(index) != Some(&id) {
                bail!(
                    "{}: measure {id:?} is not MEASURE_IDS[{index}] ({:?}): keep the file and \
                     the list in the same order",
                    at(),
                    MEASURE_IDS.get(index)
                );
            }
            let mut applies = 0u32;
            for name in applies_to.split(',').map(str::trim) {
                let i = APPLIES_TO
                    .iter()
                    .position(|a| *a == name)
                    .with_context(|| format!("{}: unknown figure kind {name:?}", at()))?;
                applies |= 1 << i;
            }
            let subject = match subject {
                "holder" => SubjectMode::Holder,
                "location" => SubjectMode::Location,
                other => bail!(
                    "{}: subject must be holder or location, not {other:?}",
                    at()
                ),
            };
            let generic = match generic {
                "yes" => true,
                "no" => false,
                other => bail!("{}: generic must be yes or no, not {other:?}", at()),
            };
            let shapes = shape
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| match s {
                    "money-per-unit" => Ok(Shape::MoneyPerUnit),
                    "change-delta" => Ok(Shape::ChangeDelta),
                    other => bail!("{}: unknown shape {other:?}", at()),
                })
                .collect::<Result<Vec<_>>>()?;
            let cues: Vec<&'static str> = cues
                .split(';')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            if label.is_empty() || description.is_empty() || cues.is_empty() {
                bail!("{}: label, description and cues are required", at());
            }
            if let Some(c) = cues.iter().find(|c| {
                c.is_ascii() && !c.split_ascii_whitespace().all(|w| is_word(w.as_bytes()))
            }) {
                bail!(
                    "{}: cue {c:?}: English cues are words of letters and digits",
                    at()
                );
            }
            measures.push(Measure {
                index,
                id,
                label,
                description,
                applies,
                subject,
                generic,
                shapes,
                cues,
            });
        }
        // One cue per distinct text; a cue may signal several measures only if no figure
        // kind could read it two ways.
        let mut cues: Vec<Cue> = Vec::new();
        for m in &measures {
            for &text in &m.cues {
                let words: Vec<String> = if text.is_ascii() {
                    text.split_ascii_whitespace()
                        .map(str::to_ascii_lowercase)
                        .collect()
                } else {
                    Vec::new()
                };
                match cues.iter_mut().find(|c| c.text == text) {
                    Some(c) => {
                        if let Some(&other) = c
                            .measures
                            .iter()
                            .find(|&&o| measures[o].applies & m.applies != 0)
                        {
                            bail!(
                                "measures.tsv: cue {text:?} signals both {} and {} for the same \
                                 figure kind",
                                measures[other].id,
                                m.id
                            );
                        }
                        c.measures.push(m.index);
                    }
                    None => cues.push(Cue {
                        text,
                        words,
                        measures: vec![m.index],
                    }),
                }
            }
        }
        if measures.len() != MEASURE_IDS.len() {
            bail!(
                "measures.tsv lists {} measures, MEASURE_IDS {}",
                measures.len(),
                MEASURE_IDS.len()
            );
        }
        let mut first_words: Vec<(String, usize)> = cues
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.words.is_empty())
            .map(|(i, c)| (c.words[0].clone(), i))
            .collect();
        first_words.sort();
        let zh_cues = cues
            .iter()
            .enumerate()
            .filter(|(_, c)| c.words.is_empty())
            .map(|(i, _)| i)
            .collect();
        Ok(Vocabulary {
            measures,
            cues,
            first_words,
            zh_cues,
        })
    }

    /// The measure with this id.
    pub fn measure(&self, id: &str) -> Option<&Measure> {
        self.measures.iter().find(|m| m.id == id)
    }

    /// The cues whose first word is `word` (lower-case).
    pub fn cues_starting_with(&self, word: &[u8]) -> impl Iterator<Item = usize> + '_ {
        let from = self
            .first_words
            .partition_point(|(w, _)| w.as_bytes() < word);
        let to = self
            .first_words
            .partition_point(|(w, _)| w.as_bytes() <= word);
        self.first_words[from..to].iter().map(|(_, i)| *i)
    }
}

/// ASCII letters, digits and the apostrophe: the bytes of an English word.
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'\''
}

fn is_word(w: &[u8]) -> bool {
    !w.is_empty() && w.iter().all(|&b| is_word_byte(b))
}

/// The shipped vocabulary, parsed on first use.
pub fn shipped() -> &'static Vocabulary {
    static SHIPPED: OnceLock<Vocabulary> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        Vocabulary::parse(MEASURES_TSV).expect("the embedded measures.tsv parses (tested)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_vocabulary_parses_and_lists_every_measure() {
        let v = Vocabulary::parse(MEASURES_TSV).unwrap();
        let ids: Vec<&str> = v.measures.iter().map(|m| m.id).collect();
        assert_eq!(ids, MEASURE_IDS);
        for id in [
            "mining_share",
            "refining_share",
            "magnet_share",
            "reserves",
            "investment",
            "imports",
            "exports",
            "price",
            "tariff",
            "market_value",
            "capacity",
            "lead_time",
            "cost",
            "share",
            "growth",
        ] {
            assert!(v.measure(id).is_some(), "{id}");
        }
        let share = v.measure("refining_share").unwrap();
        assert!(share.cues.contains(&"processing"));
        assert_eq!(
            share.applies_to_names().collect::<Vec<_>>(),
            ["percent", "fraction"]
        );
        // "mining" reads as a share for percentages and as a volume for masses
        let mining: Vec<usize> = v.cues_starting_with(b"mining").collect();
        assert_eq!(mining.len(), 1);
        let measures: Vec<&str> = v.cues[mining[0]]
            .measures
            .iter()
            .map(|&m| v.measures[m].id)
            .collect();
        assert_eq!(measures, ["mining_share", "production"]);
        assert!(!v.zh_cues.is_empty());
        assert_eq!(v.cues_starting_with(b"zzz").count(), 0);
    }

    #[test]
    fn malformed_vocabularies_are_rejected() {
        const HEADER: &str =
            "measure\tlabel\tapplies_to\tsubject\tgeneric\tshape\tcues\tdescription\n";
        let bad = |row: &str| {
            let text: &'static str = Box::leak(format!("{HEADER}{row}\n").into_boxed_str());
            Vocabulary::parse(text).unwrap_err().to_string()
        };
        assert!(bad("mining_share\tm\tpercent\tholder\tno\t\tmining\td").contains("lists 1"));
        assert!(bad("refining_share\tm\tpercent\tholder\tno\t\tx\td").contains("MEASURE_IDS"));
        assert!(bad("mining_share\tm\tpints\tholder\tno\t\tx\td").contains("unknown figure kind"));
        assert!(bad("mining_share\tm\tpercent\tsomeone\tno\t\tx\td").contains("holder"));
        assert!(bad("mining_share\tm\tpercent\tholder\tno\t\tx-y\td").contains("letters"));
        assert!(bad("mining_share\tm\tpercent\tholder\tno\t\t\td").contains("required"));
        assert!(bad("mining_share\tm\tpercent").contains("8 tab-separated"));
        let two = format!(
            "{HEADER}mining_share\tm\tpercent\tholder\tno\t\tx\td\n\
             refining_share\tr\tpercent\tholder\tno\t\tx\td\n"
        );
        let two: &'static str = Box::leak(two.into_boxed_str());
        assert!(
            Vocabulary::parse(two)
                .unwrap_err()
                .to_string()
                .contains("signals both")
        );
        assert!(Vocabulary::parse("nonsense\n").is_err());
    }
}
