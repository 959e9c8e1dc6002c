//! What a figure is about: its subject (the country, company, region or place whose
//! figure it is), its commodity, and its measure (from the vocabulary of
//! `data/reference/measures.tsv`, see [`crate::reference::measures`]), decided from the
//! words of the claim (or title) around the figure and from the entity mentions of the
//! same text.
//!
//! The classifier works on one text at a time, on byte spans, with no parser: the text is
//! cut into **sentences** (`.` before a capital, `!`, `?`, `。`…) and **clauses** (`,`,
//! `;`, `:`, brackets, ` - `, `，`…; never inside an entity mention or a figure, so
//! `U.S.` and `Japan Oil, Gas and Metals National Corporation` stay whole). A clause that
//! opens with a preposition, a conjunction or an `-ing` word (`In April`, `with …`,
//! `controlling 69% of …`) depends on the sentence's **main clause**, the first one that
//! does not; a clause that opens with `which`/`who`/`where` is **relative** and depends on
//! the clause before it. A figure is read at widening **levels**:
//!
//! 1. its **phrase**: the clause's words between the figure and the nearest other
//!    figure or `and`/`or`/`but`/`while` on either side (`… over 80% of global processing
//!    capacity` | `and 90% of magnet production`);
//! 2. its **clause**;
//! 3. the **host** clause its clause depends on (the main clause, or for a relative
//!    clause the clause before it);
//! 4. its **sentence**.
//!
//! **Measure** (the `measure_rule` column says which step decided it):
//! `cue-phrase`, `cue-clause`: the cue nearest to the figure (fewest bytes between them;
//! on a tie the longer cue, then the earlier one) among the cues of the measures that
//! apply to the figure's kind — `of global rare earth refining capacity` → refining share
//! for a percentage, `an annual capacity of 100 tons` → capacity for a mass;
//! `shape`: the figure alone decides — a money rate per unit of a good (`$3,000 per
//! kilogram`) is a price, the delta of a change (`rising 895% from … to …`) a growth;
//! `cue-host`, `cue-sentence`: the nearest cue at levels 3 and 4; `generic`: only a
//! generic share cue (`accounts for … of global capacity`) was found, at any level —
//! generic cues count only when no specific one is found anywhere in the sentence, so
//! `rare earth processing, which accounts for over 90% of global capacity` is a refining
//! share. A change word names a level, not a change, when `to` follows it (`rose to
//! 90%`) or the figure is a change's `from`/`to` (`rose from 60% to 79%`). No cue: no
//! measure.
//!
//! **Commodity**: the commodity mention nearest to the figure at the first level that has
//! one (the figure's own surface included: `100 tons of gallium annually`), within its
//! sentence; a specific element beats the group when it is closer (`tungsten production
//! and 90% of rare earth refining`).
//!
//! **Subject** (countries, regions, organizations and places; demonyms count only before
//! an actor or holding noun — `Japanese companies`, `Chinese exports`, not `Western
//! concerns`), the first rule that finds one:
//!
//! - `location` — for measures of things that lie somewhere (reserves, capacity, market
//!   value): the entity after `in`/`near`/`at` nearest to the figure in the sentence
//!   (`a mine in Kazakhstan with over 20 million tons of reserves`);
//! - `holder` — after the figure in its clause, an entity after `is in`, `are still in`,
//!   `controlled by`…: `90% of global rare earth refining capacity is still in China`;
//! - `clause` — the grammatical subject of the figure's clause, before the figure: the
//!   first entity not governed by a preposition (`of`, `on`, `with`, `from`, `between`,
//!   `than`, `over`…; a clause-opening `with X doing` makes X the subject), possessives
//!   included (`LS Eco Energy's investment of $19.4 million`), an apposition giving its
//!   head (`South Korean company LS Eco Energy`, `Japan's JOGMEC`) and a coordination
//!   (`the US and Australia plan to jointly invest`) giving no subject;
//! - `antecedent` — in a relative clause, the last entity of the clause before it
//!   (`relies heavily on China for rare earth processing, which accounts for …`); none
//!   when the clause follows a commodity (`gallium and germanium, whose prices jumped
//!   30%`: the figure is the commodity's, with no holder);
//! - `host` — the subject of the sentence's main clause (`China's dominance …,
//!   controlling over 80% of …`).
//!
//! A figure whose claim names no such entity (`The agreement includes a commitment of at
//! least $10 billion from each country`) has no subject.
//!
//! Nothing here allocates per figure beyond the result: one pass over a text finds its
//! words (each looked up once in a hashed lexicon, a [`FastMap`], of the rules' word
//! lists and the cues' first words), clauses and cues, and every figure is then decided
//! on byte spans and word indices. No input panics.

use crate::extract::figures::{Figure, Role};
use crate::reference::measures::{self, Measure, Shape, SubjectMode, Target, Vocabulary};
use crate::text::FastMap;

/// What an entity mention is, as far as the classifier cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityKind {
    Country,
    Region,
    Organization,
    Place,
    Commodity,
    /// People, laws, vessels…: never a subject or a commodity.
    Other,
}

impl EntityKind {
    /// From the entity kinds of the `entities` table (`country`, `organization`…).
    pub fn from_name(name: &str) -> EntityKind {
        match name {
            "country" => EntityKind::Country,
            "region" => EntityKind::Region,
            "organization" | "org" => EntityKind::Organization,
            "place" => EntityKind::Place,
            "commodity" => EntityKind::Commodity,
            _ => EntityKind::Other,
        }
    }

    /// Countries, regions, organizations and places can hold a figure.
    pub fn can_be_subject(self) -> bool {
        matches!(
            self,
            EntityKind::Country | EntityKind::Region | EntityKind::Organization | EntityKind::Place
        )
    }
}

/// One entity mention of the text: byte span, entity id and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntitySpan<'a> {
    pub start: usize,
    pub end: usize,
    pub entity_id: &'a str,
    pub kind: EntityKind,
    /// The surface is a demonym (`Chinese` for China).
    pub demonym: bool,
}

/// Which step decided a figure's measure (the `measure_rule` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MeasureRule {
    CuePhrase,
    CueClause,
    Shape,
    CueHost,
    CueSentence,
    Generic,
}

impl MeasureRule {
    pub const NAMES: &'static [&'static str] = &[
        "cue-phrase",
        "cue-clause",
        "shape",
        "cue-host",
        "cue-sentence",
        "generic",
    ];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// Which rule found a figure's subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SubjectRule {
    Location,
    Holder,
    Clause,
    Antecedent,
    Host,
}

impl SubjectRule {
    pub const NAMES: &'static [&'static str] =
        &["location", "holder", "clause", "antecedent", "host"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// What one figure is about.
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    pub subject: Option<&'a str>,
    pub subject_rule: Option<SubjectRule>,
    pub commodity: Option<&'a str>,
    pub measure: Option<&'static Measure>,
    pub measure_rule: Option<MeasureRule>,
    /// Byte span of the cue that decided the measure, if a cue did.
    pub cue: Option<(usize, usize)>,
}

impl About<'_> {
    pub fn measure_id(&self) -> Option<&'static str> {
        self.measure.map(|m| m.id)
    }

    const NONE: About<'static> = About {
        subject: None,
        subject_rule: None,
        commodity: None,
        measure: None,
        measure_rule: None,
        cue: None,
    };
}

/// Decides subject, commodity and measure for each of `figures` (the figures of `text`,
/// as [`crate::extract::figures::extract`] returns them), given the entity mentions of
/// the same text. One result per figure, in the same order.
pub fn classify<'a>(text: &str, figures: &[Figure], mentions: &[EntitySpan<'a>]) -> Vec<About<'a>> {
    if figures.is_empty() {
        return Vec::new();
    }
    let ctx = Context::new(text, figures, mentions);
    figures
        .iter()
        .enumerate()
        .map(|(k, f)| ctx.about(k, f))
        .collect()
}

// ------------------------------------------------------------------ word lists

/// Prepositions whose object is not the clause's subject (`cooperation with the US`,
/// `independent of China`, `between the US and Australia`).
const GOVERNING_WORDS: &[&str] = &[
    "about",
    "across",
    "against",
    "among",
    "amongst",
    "behind",
    "beside",
    "besides",
    "between",
    "beyond",
    "by",
    "despite",
    "except",
    "for",
    "from",
    "including",
    "into",
    "like",
    "of",
    "on",
    "onto",
    "outside",
    "over",
    "per",
    "than",
    "through",
    "to",
    "toward",
    "towards",
    "unlike",
    "upon",
    "versus",
    "via",
    "vs",
    "with",
    "without",
];

/// Words skipped between a preposition and its object.
const DETERMINERS_WORDS: &[&str] = &[
    "a", "an", "the", "its", "their", "this", "that", "these", "those", "his", "her", "our",
    "each", "both",
];

/// Nouns that make a demonym an actor or a holder (`Japanese companies`, `the Chinese
/// authorities`, `Chinese exports`), unlike `Western concerns`.
const ACTORS_WORDS: &[&str] = &[
    "capacity",
    "demand",
    "dominance",
    "economy",
    "exports",
    "imports",
    "investment",
    "investments",
    "market",
    "markets",
    "mining",
    "output",
    "processing",
    "production",
    "purchases",
    "refining",
    "reserves",
    "sales",
    "share",
    "shipments",
    "supply",
    "trade",
    "authorities",
    "automakers",
    "banks",
    "buyers",
    "carmakers",
    "companies",
    "company",
    "corporations",
    "enterprises",
    "exporters",
    "firm",
    "firms",
    "government",
    "governments",
    "group",
    "groups",
    "importers",
    "industry",
    "investors",
    "makers",
    "manufacturers",
    "military",
    "miner",
    "miners",
    "officials",
    "producer",
    "producers",
    "refiners",
    "regulators",
    "side",
    "smelters",
    "state",
    "suppliers",
];

/// Head nouns of an apposition before a name (`South Korean company LS Eco Energy`).
const APPOSITIVES_WORDS: &[&str] = &[
    "bank",
    "carmaker",
    "chipmaker",
    "company",
    "conglomerate",
    "firm",
    "giant",
    "group",
    "maker",
    "manufacturer",
    "miner",
    "producer",
    "refiner",
    "startup",
    "subsidiary",
    "supplier",
];

/// Words before a place that make it the figure's location.
const LOCATIVES_WORDS: &[&str] = &["at", "in", "inside", "near", "off"];

/// Verbs (and adverbs) between a figure and `in X`/`by X` that make X its holder.
const HOLDING_WORDS: &[&str] = &[
    "are",
    "based",
    "concentrated",
    "controlled",
    "dominated",
    "held",
    "is",
    "lie",
    "lies",
    "located",
    "made",
    "manufactured",
    "mined",
    "owned",
    "processed",
    "produced",
    "refined",
    "remain",
    "remains",
    "was",
    "were",
];
const HOLDING_ADVERBS_WORDS: &[&str] = &[
    "currently",
    "largely",
    "mainly",
    "mostly",
    "now",
    "primarily",
    "still",
];

/// Words that end a figure's phrase.
const COORDINATORS_WORDS: &[&str] = &["and", "but", "or", "whereas", "while"];

/// Words that open a relative clause.
const RELATIVES_WORDS: &[&str] = &["where", "which", "who", "whom", "whose"];

/// Words that open a clause that is not a main clause.
const DEPENDENT_OPENERS_WORDS: &[&str] = &[
    "according",
    "after",
    "although",
    "amid",
    "and",
    "as",
    "at",
    "because",
    "before",
    "but",
    "by",
    "despite",
    "during",
    "for",
    "from",
    "given",
    "however",
    "if",
    "in",
    "meanwhile",
    "moreover",
    "on",
    "or",
    "since",
    "so",
    "than",
    "though",
    "through",
    "to",
    "under",
    "unlike",
    "until",
    "when",
    "whereas",
    "while",
    "with",
    "without",
];

// Word classes: bits of a word's entry in the lexicon.
const GOVERNING: u16 = 1;
const DETERMINERS: u16 = 1 << 1;
const ACTORS: u16 = 1 << 2;
const APPOSITIVES: u16 = 1 << 3;
const LOCATIVES: u16 = 1 << 4;
const HOLDING: u16 = 1 << 5;
const HOLDING_ADVERBS: u16 = 1 << 6;
const COORDINATORS: u16 = 1 << 7;
const RELATIVES: u16 = 1 << 8;
const DEPENDENT_OPENERS: u16 = 1 << 9;
const AND_OR: u16 = 1 << 10;
const TO: u16 = 1 << 11;
const IN_BY: u16 = 1 << 12;
const WITH: u16 = 1 << 13;

/// What the classifier knows about a lower-case word: its classes and the cues it opens.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    class: u16,
    /// Range of [`Lexicon::cues`]: the cues whose first word this is.
    cues: (u32, u32),
}

/// Every word the rules or the cues name, looked up once per word of a text.
struct Lexicon {
    words: FastMap<Box<[u8]>, Entry>,
    cues: Vec<usize>,
    /// The Chinese cues (matched as substrings) with their searchers.
    zh_cues: Vec<(usize, memchr::memmem::Finder<'static>)>,
}

/// Longest word looked up (longer words are in no list).
const MAX_WORD: usize = 24;

fn lexicon() -> &'static Lexicon {
    static LEXICON: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut words: FastMap<Box<[u8]>, Entry> = Default::default();
        let lists: &[(&[&str], u16)] = &[
            (GOVERNING_WORDS, GOVERNING),
            (DETERMINERS_WORDS, DETERMINERS),
            (ACTORS_WORDS, ACTORS),
            (APPOSITIVES_WORDS, APPOSITIVES),
            (LOCATIVES_WORDS, LOCATIVES),
            (HOLDING_WORDS, HOLDING),
            (HOLDING_ADVERBS_WORDS, HOLDING_ADVERBS),
            (COORDINATORS_WORDS, COORDINATORS),
            (RELATIVES_WORDS, RELATIVES),
            (DEPENDENT_OPENERS_WORDS, DEPENDENT_OPENERS),
            (&["and", "or"], AND_OR),
            (&["to"], TO),
            (&["in", "by"], IN_BY),
            (&["with"], WITH),
        ];
        for (list, class) in lists {
            for w in *list {
                words.entry(w.as_bytes().into()).or_default().class |= class;
            }
        }
        // cues by first word, in vocabulary order
        let vocab = measures::shipped();
        let mut by_first: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        for (i, c) in vocab.cues.iter().enumerate() {
            if let Some(first) = c.words.first() {
                by_first.entry(first.as_str()).or_default().push(i);
            }
        }
        let mut cues = Vec::new();
        for (first, list) in by_first {
            let from = cues.len() as u32;
            cues.extend(list);
            words.entry(first.as_bytes().into()).or_default().cues = (from, cues.len() as u32);
        }
        let zh_cues = vocab
            .zh_cues
            .iter()
            .map(|&ci| {
                (
                    ci,
                    memchr::memmem::Finder::new(vocab.cues[ci].text.as_bytes()),
                )
            })
            .collect();
        Lexicon {
            words,
            cues,
            zh_cues,
        }
    })
}

/// A word of the text: ASCII letters, digits and apostrophes.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    entry: Entry,
}

// ------------------------------------------------------------------ text layout

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intro {
    Main,
    Dependent,
    Relative,
}

#[derive(Debug, Clone, Copy)]
struct Clause {
    start: usize,
    end: usize,
    sentence: usize,
    intro: Intro,
}

#[derive(Debug, Clone, Copy)]
struct Sentence {
    start: usize,
    end: usize,
    /// Index of its main clause.
    main: usize,
}

/// A cue found in the text.
#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    cue: usize,
}

struct Context<'t, 'a> {
    text: &'t str,
    bytes: &'t [u8],
    figures: &'t [Figure],
    mentions: Vec<EntitySpan<'a>>,
    clauses: Vec<Clause>,
    sentences: Vec<Sentence>,
    words: Vec<Word>,
    hits: Vec<Hit>,
    vocab: &'static Vocabulary,
}

/// Byte span of a word.
type Span = (usize, usize);

impl<'t, 'a> Context<'t, 'a> {
    fn new(text: &'t str, figures: &'t [Figure], mentions: &[EntitySpan<'a>]) -> Self {
        let len = text.len();
        let valid = |s: usize, e: usize| {
            s < e && e <= len && text.is_char_boundary(s) && text.is_char_boundary(e)
        };
        let mut ms: Vec<EntitySpan<'a>> = mentions
            .iter()
            .filter(|m| valid(m.start, m.end))
            .copied()
            .collect();
        // in text order, overlaps dropped (the recognizer's mentions never overlap)
        ms.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
        let mut last_end = 0;
        ms.retain(|m| {
            let keep = m.start >= last_end;
            if keep {
                last_end = m.end;
            }
            keep
        });
        let mut ctx = Context {
            text,
            bytes: text.as_bytes(),
            figures,
            mentions: ms,
            clauses: Vec::new(),
            sentences: Vec::new(),
            words: Vec::new(),
            hits: Vec::new(),
            vocab: measures::shipped(),
        };
        ctx.tokenize();
        ctx.layout();
        ctx.find_cues();
        ctx
    }

    /// Whether byte `i` lies inside a mention or a figure (no boundary there).
    fn protected(&self, i: usize) -> bool {
        self.mentions.iter().any(|m| m.start <= i && i < m.end)
            || self
                .figures
                .iter()
                .any(|f| f.start <= i && i < f.end.min(self.bytes.len()))
    }

    /// Cuts the text into sentences and clauses.
    fn layout(&mut self) {
        let b = self.bytes;
        let mut cuts: Vec<(usize, usize, bool)> = Vec::new(); // (start, end, ends a sentence)
        for (i, c) in self.text.char_indices() {
            let next = i + c.len_utf8();
            let kind = match c {
                '!' | '?' | '。' | '！' | '？' => Some(true),
                '.' => self.sentence_period(i).then_some(true),
                ';' | '(' | ')' | '，' | '；' | '：' | '、' | '（' | '）' => Some(false),
                ':' => (next >= b.len() || b[next].is_ascii_whitespace()).then_some(false),
                ',' => {
                    let digits = i > 0
                        && b[i - 1].is_ascii_digit()
                        && next < b.len()
                        && b[next].is_ascii_digit();
                    (!digits).then_some(false)
                }
                '-' | '–' | '—' => {
                    let spaced = i > 0 && b[i - 1] == b' ' && next < b.len() && b[next] == b' ';
                    (spaced || c != '-').then_some(false)
                }
                _ => None,
            };
            if let Some(ends_sentence) = kind
                && !self.protected(i)
            {
                cuts.push((i, next, ends_sentence));
            }
        }
        let mut start = 0;
        let mut sentence_start = 0;
        let mut first_clause = 0;
        let end = (b.len(), b.len(), true);
        for &(cs, ce, ends_sentence) in cuts.iter().chain(std::iter::once(&end)) {
            if b[start..cs].iter().any(|c| !c.is_ascii_whitespace()) {
                let intro = self.intro(start, cs);
                self.clauses.push(Clause {
                    start,
                    end: cs,
                    sentence: self.sentences.len(),
                    intro,
                });
            }
            if ends_sentence {
                if self.clauses.len() > first_clause {
                    let main = (first_clause..self.clauses.len())
                        .find(|&k| self.clauses[k].intro == Intro::Main)
                        .unwrap_or(first_clause);
                    self.sentences.push(Sentence {
                        start: sentence_start,
                        end: cs,
                        main,
                    });
                    first_clause = self.clauses.len();
                }
                sentence_start = ce;
            }
            start = ce;
        }
    }

    /// A `.` that ends a sentence: followed by a space (or the end) and not an initial
    /// (`U.S.`, `J.`), and not followed by a lower-case word.
    fn sentence_period(&self, i: usize) -> bool {
        let b = self.bytes;
        if i + 1 < b.len() && !b[i + 1].is_ascii_whitespace() {
            return false;
        }
        if i >= 1 && b[i - 1].is_ascii_uppercase() && (i < 2 || !b[i - 2].is_ascii_alphabetic()) {
            return false;
        }
        let mut j = i + 1;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        !(j < b.len() && b[j].is_ascii_lowercase())
    }

    /// How a clause opens.
    fn intro(&self, start: usize, end: usize) -> Intro {
        let Some(w) = self.next_word(start, end) else {
            return Intro::Main;
        };
        if self
            .mentions
            .iter()
            .any(|m| m.start <= w.start && w.start < m.end)
        {
            return Intro::Main;
        }
        let word = &self.bytes[w.start..w.end];
        if self.word_is(w, RELATIVES) {
            Intro::Relative
        } else if self.word_is(w, DEPENDENT_OPENERS)
            || (word.len() > 4 && word[word.len() - 3..].eq_ignore_ascii_case(b"ing"))
        {
            Intro::Dependent
        } else {
            Intro::Main
        }
    }

    // -------------------------------------------------------------- words

    /// The text's words, each looked up once in the lexicon.
    fn tokenize(&mut self) {
        let b = self.bytes;
        let lex = lexicon();
        let mut lower = [0u8; MAX_WORD];
        let mut i = 0;
        while i < b.len() {
            if !measures::is_word_byte(b[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && measures::is_word_byte(b[i]) {
                i += 1;
            }
            let mut w = Word {
                start,
                end: i,
                entry: Entry::default(),
            };
            let bare = self.word(w);
            if bare.len() <= MAX_WORD && bare.first().is_some_and(u8::is_ascii_alphabetic) {
                let lw = &mut lower[..bare.len()];
                lw.copy_from_slice(bare);
                lw.make_ascii_lowercase();
                if let Some(e) = lex.words.get(&*lw) {
                    w.entry = *e;
                }
            }
            self.words.push(w);
        }
    }

    /// The first word in `[from, to)`.
    fn next_word(&self, from: usize, to: usize) -> Option<Word> {
        let k = self.words.partition_point(|w| w.start < from);
        self.words.get(k).filter(|w| w.end <= to).copied()
    }

    /// The last word in `[from, to)`.
    fn prev_word(&self, from: usize, to: usize) -> Option<Word> {
        let k = self.words.partition_point(|w| w.end <= to);
        k.checked_sub(1)
            .map(|k| self.words[k])
            .filter(|w| w.start >= from)
    }

    /// The word's bytes without a possessive `'s` or a trailing apostrophe.
    fn word(&self, w: Word) -> &'t [u8] {
        let mut x = &self.bytes[w.start..w.end];
        if x.len() > 2 && x[x.len() - 2..].eq_ignore_ascii_case(b"'s") {
            x = &x[..x.len() - 2];
        }
        while let [rest @ .., b'\''] = x {
            x = rest;
        }
        x
    }

    fn word_is(&self, w: Word, class: u16) -> bool {
        w.entry.class & class != 0
    }

    /// The mention covering byte `i`.
    fn mention_at(&self, i: usize) -> Option<usize> {
        self.mentions.iter().position(|m| m.start <= i && i < m.end)
    }

    // -------------------------------------------------------------- cues

    /// Every cue of the vocabulary in the text, a cue inside a longer one dropped.
    fn find_cues(&mut self) {
        let b = self.bytes;
        let lex = lexicon();
        let mut hits = Vec::new();
        for (k, w) in self.words.iter().enumerate() {
            for &ci in &lex.cues[w.entry.cues.0 as usize..w.entry.cues.1 as usize] {
                let cue = &self.vocab.cues[ci];
                let mut end = w.end;
                let mut ok = true;
                for (n, next) in cue.words[1..].iter().enumerate() {
                    // only spaces and hyphens between the words of a phrase
                    let ok_next = self.words.get(k + 1 + n).is_some_and(|nw| {
                        nw.start > end
                            && b[end..nw.start].iter().all(|&c| c == b' ' || c == b'-')
                            && self.word(*nw).eq_ignore_ascii_case(next.as_bytes())
                    });
                    if !ok_next {
                        ok = false;
                        break;
                    }
                    end = self.words[k + 1 + n].end;
                }
                if ok {
                    hits.push(Hit {
                        start: w.start,
                        end,
                        cue: ci,
                    });
                }
            }
        }
        if !self.text.is_ascii() {
            for (ci, finder) in &lex.zh_cues {
                let n = finder.needle().len();
                for s in finder.find_iter(b) {
                    hits.push(Hit {
                        start: s,
                        end: s + n,
                        cue: *ci,
                    });
                }
            }
        }
        hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        let inside = |h: &Hit, all: &[Hit]| {
            all.iter().any(|o| {
                o.start <= h.start && h.end <= o.end && (o.end - o.start) > (h.end - h.start)
            })
        };
        // A cue inside a name is part of the name: `Export-Import Bank` funds projects,
        // it does not measure imports; `Iluka Resources` ships tons, not reserves. A
        // commodity's name keeps its cues (`rare earth magnets` is what a magnet share
        // counts).
        let in_name = |h: &Hit| {
            self.mentions
                .iter()
                .any(|m| m.kind != EntityKind::Commodity && m.start <= h.start && h.end <= m.end)
        };
        self.hits = hits
            .iter()
            .filter(|h| !inside(h, &hits) && !in_name(h))
            .copied()
            .collect();
    }

    // -------------------------------------------------------------- levels

    fn clause_of(&self, pos: usize) -> Option<usize> {
        self.clauses
            .iter()
            .position(|c| c.start <= pos && pos < c.end)
            .or_else(|| self.clauses.iter().rposition(|c| c.start <= pos))
    }

    /// The figure's phrase: its clause cut at the neighbouring figures and coordinators.
    fn phrase(&self, k: usize, f: &Figure, clause: &Clause) -> Span {
        let mut left = clause.start;
        let mut right = clause.end;
        if k > 0 {
            let p = &self.figures[k - 1];
            if p.end <= f.start && p.end > left {
                left = p.end;
            }
        }
        if let Some(n) = self.figures.get(k + 1)
            && n.start >= f.end
            && n.start < right
        {
            right = n.start;
        }
        let mut pos = left;
        while let Some(w) = self.next_word(pos, f.start) {
            if self.word_is(w, COORDINATORS) {
                left = w.end;
            }
            pos = w.end;
        }
        let mut pos = f.end;
        while let Some(w) = self.next_word(pos, right) {
            if self.word_is(w, COORDINATORS) {
                right = w.start;
                break;
            }
            pos = w.end;
        }
        (left, right)
    }

    /// The clause a clause depends on: the one before a relative clause, else the main
    /// clause of its sentence (none for the main clause itself).
    fn host(&self, ci: usize) -> Option<usize> {
        let c = &self.clauses[ci];
        let s = &self.sentences[c.sentence];
        if c.intro == Intro::Relative && ci > 0 && self.clauses[ci - 1].sentence == c.sentence {
            return Some(ci - 1);
        }
        (s.main != ci).then_some(s.main)
    }

    fn about(&self, k: usize, f: &Figure) -> About<'a> {
        let Some(ci) = self.clause_of(f.start) else {
            return About::NONE;
        };
        let clause = self.clauses[ci];
        let sentence = self.sentences[clause.sentence];
        let phrase = self.phrase(k, f, &clause);
        let host = self
            .host(ci)
            .map(|h| (self.clauses[h].start, self.clauses[h].end));
        let levels: [Option<Span>; 4] = [
            Some(phrase),
            Some((clause.start, clause.end)),
            host,
            Some((sentence.start, sentence.end)),
        ];
        let (measure, measure_rule, cue) = self.measure(f, &levels);
        let commodity = levels
            .iter()
            .flatten()
            .find_map(|&range| self.nearest_mention(f, range, |m| m.kind == EntityKind::Commodity))
            .map(|i| self.mentions[i].entity_id);
        let (subject, subject_rule) = match self.subject(f, ci, measure) {
            Some((i, rule)) => (Some(self.mentions[i].entity_id), Some(rule)),
            None => (None, None),
        };
        About {
            subject,
            subject_rule,
            commodity,
            measure,
            measure_rule,
            cue,
        }
    }

    fn distance(f: &Figure, s: usize, e: usize) -> usize {
        if e <= f.start {
            f.start - e
        } else {
            s.saturating_sub(f.end)
        }
    }

    // -------------------------------------------------------------- measure

    #[allow(clippy::type_complexity)]
    fn measure(
        &self,
        f: &Figure,
        levels: &[Option<Span>; 4],
    ) -> (
        Option<&'static Measure>,
        Option<MeasureRule>,
        Option<(usize, usize)>,
    ) {
        let target = Target::of(f);
        let steps = [
            (Some(0), MeasureRule::CuePhrase),
            (Some(1), MeasureRule::CueClause),
            (None, MeasureRule::Shape),
            (Some(2), MeasureRule::CueHost),
            (Some(3), MeasureRule::CueSentence),
        ];
        for (level, rule) in steps {
            match level {
                Some(l) => {
                    if let Some(range) = levels[l]
                        && let Some((m, h)) = self.nearest_cue(f, target, range, false)
                    {
                        return (Some(m), Some(rule), Some((h.start, h.end)));
                    }
                }
                None => {
                    if let Some(m) = self.by_shape(f, target) {
                        return (Some(m), Some(rule), None);
                    }
                }
            }
        }
        for range in levels.iter().flatten() {
            if let Some((m, h)) = self.nearest_cue(f, target, *range, true) {
                return (Some(m), Some(MeasureRule::Generic), Some((h.start, h.end)));
            }
        }
        (None, None, None)
    }

    fn by_shape(&self, f: &Figure, target: Target) -> Option<&'static Measure> {
        self.vocab.measures.iter().find(|m| {
            m.applies_to(target)
                && m.shapes.iter().any(|s| match s {
                    Shape::MoneyPerUnit => target.name() == "money-rate",
                    Shape::ChangeDelta => matches!(f.change, Some((_, Role::Delta))),
                })
        })
    }

    /// The cue in `range` nearest to the figure that signals a measure applying to it.
    fn nearest_cue(
        &self,
        f: &Figure,
        target: Target,
        range: Span,
        generic: bool,
    ) -> Option<(&'static Measure, Hit)> {
        let vocab = self.vocab;
        type Key = (usize, std::cmp::Reverse<usize>, usize);
        let mut best: Option<(Key, &'static Measure, Hit)> = None;
        for h in &self.hits {
            if h.start < range.0 || h.end > range.1 {
                continue;
            }
            let Some(m) = vocab.cues[h.cue]
                .measures
                .iter()
                .map(|&i| &vocab.measures[i])
                .find(|m| m.applies_to(target) && m.generic == generic)
            else {
                continue;
            };
            // `rose to 90%`, `rose from 60% to 79%` name levels, not a change
            if m.shapes.contains(&Shape::ChangeDelta)
                && (matches!(f.change, Some((_, Role::From | Role::To)))
                    || (h.end <= f.start
                        && self
                            .next_word(h.end, f.start)
                            .is_some_and(|w| self.word_is(w, TO))))
            {
                continue;
            }
            let key = (
                Self::distance(f, h.start, h.end),
                std::cmp::Reverse(h.end - h.start),
                h.start,
            );
            if best.as_ref().is_none_or(|(k, ..)| key < *k) {
                best = Some((key, m, *h));
            }
        }
        // Cues side by side make one noun phrase, whose last is its head: `55% of NdFeB
        // magnets refining capacity` is a refining share (of magnets), not a magnet share.
        let (_, mut m, mut h) = best?;
        while let Some((next, next_m)) = self.hits.iter().find_map(|n| {
            let gap = self.bytes.get(h.end..n.start)?;
            let adjacent = n.start > h.end && gap.iter().all(|&c| c == b' ') && n.end <= range.1;
            let measure = vocab.cues[n.cue]
                .measures
                .iter()
                .map(|&i| &vocab.measures[i])
                .find(|m| m.applies_to(target) && m.generic == generic)?;
            // a change word after it is the verb (`production rose`), not a head
            let verb = measure.shapes.contains(&Shape::ChangeDelta);
            (adjacent && !verb).then_some((*n, measure))
        }) {
            (m, h) = (next_m, next);
        }
        Some((m, h))
    }

    /// The mention in `range` accepted by `keep` nearest to the figure (on a tie, the one
    /// after it, then the earlier).
    fn nearest_mention(
        &self,
        f: &Figure,
        range: Span,
        keep: impl Fn(&EntitySpan) -> bool,
    ) -> Option<usize> {
        self.mentions
            .iter()
            .enumerate()
            .filter(|(_, m)| m.start >= range.0 && m.end <= range.1 && keep(m))
            .min_by_key(|(_, m)| (Self::distance(f, m.start, m.end), m.end <= f.start, m.start))
            .map(|(i, _)| i)
    }

    // -------------------------------------------------------------- subject

    fn subject(
        &self,
        f: &Figure,
        ci: usize,
        measure: Option<&Measure>,
    ) -> Option<(usize, SubjectRule)> {
        let clause = self.clauses[ci];
        let sentence = self.sentences[clause.sentence];
        if measure.is_some_and(|m| m.subject == SubjectMode::Location)
            && let Some(i) = self.location(f, &clause, &sentence)
        {
            return Some((i, SubjectRule::Location));
        }
        if let Some(i) = self.holder_after(f, &clause) {
            return Some((i, SubjectRule::Holder));
        }
        match self.clause_subject(clause.start, f.start.max(clause.start), clause.start) {
            Outcome::Found(i) => return Some((i, SubjectRule::Clause)),
            Outcome::Joint => return None,
            Outcome::None => {}
        }
        if clause.intro == Intro::Relative
            && ci > 0
            && self.clauses[ci - 1].sentence == clause.sentence
        {
            let prev = self.clauses[ci - 1];
            // `gallium and germanium, whose prices jumped 30%`: the clause is about the
            // commodity it follows, which has no holder
            if self
                .mentions
                .iter()
                .rfind(|m| m.end <= prev.end && m.start >= prev.start)
                .is_some_and(|m| {
                    m.kind == EntityKind::Commodity
                        && self.bytes[m.end..prev.end]
                            .iter()
                            .all(u8::is_ascii_whitespace)
                })
            {
                return None;
            }
            if let Some(i) = self
                .mentions
                .iter()
                .enumerate()
                .filter(|(_, m)| m.start >= prev.start && m.end <= prev.end)
                .rfind(|(_, m)| self.eligible(m))
                .map(|(i, _)| i)
            {
                return Some((i, SubjectRule::Antecedent));
            }
        }
        if sentence.main != ci {
            let main = self.clauses[sentence.main];
            if let Outcome::Found(i) = self.clause_subject(main.start, main.end, main.start) {
                return Some((i, SubjectRule::Host));
            }
        }
        None
    }

    /// A subject-kind mention, a demonym only before an actor noun.
    fn eligible(&self, m: &EntitySpan) -> bool {
        m.kind.can_be_subject() && (!m.demonym || self.actor_follows(m))
    }

    fn actor_follows(&self, m: &EntitySpan) -> bool {
        let mut pos = m.end;
        for _ in 0..3 {
            match self.next_word(pos, self.bytes.len()) {
                Some(w) if self.word_is(w, ACTORS) => return true,
                Some(w) if self.bytes[pos..w.start].contains(&b',') => return false,
                Some(w) => pos = w.end,
                None => return false,
            }
        }
        false
    }

    /// Location measures: the entity after `in`/`near`/`at` nearest to the figure, before
    /// it in the sentence or after it in its clause.
    fn location(&self, f: &Figure, clause: &Clause, sentence: &Sentence) -> Option<usize> {
        self.mentions
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                m.kind.can_be_subject()
                    && ((m.end <= f.start && m.start >= sentence.start)
                        || (m.start >= f.end && m.end <= clause.end))
                    && self
                        .word_before(m.start, sentence.start)
                        .is_some_and(|w| self.word_is(w, LOCATIVES))
            })
            .min_by_key(|(_, m)| (Self::distance(f, m.start, m.end), m.start))
            .map(|(i, _)| i)
    }

    /// The word before `pos`, determiners skipped.
    fn word_before(&self, pos: usize, floor: usize) -> Option<Word> {
        let mut pos = pos;
        for _ in 0..3 {
            let w = self.prev_word(floor, pos)?;
            if !self.word_is(w, DETERMINERS) {
                return Some(w);
            }
            pos = w.start;
        }
        None
    }

    /// `… 90% of capacity is still in China`, `… controlled by X`: an entity after the
    /// figure, in its clause, after a holding verb and `in`/`by`.
    fn holder_after(&self, f: &Figure, clause: &Clause) -> Option<usize> {
        self.mentions
            .iter()
            .enumerate()
            .filter(|(_, m)| m.start >= f.end && m.end <= clause.end && self.eligible(m))
            .find(|(_, m)| {
                let Some(prep) = self.word_before(m.start, f.end) else {
                    return false;
                };
                if !self.word_is(prep, IN_BY) {
                    return false;
                }
                let mut pos = prep.start;
                for _ in 0..3 {
                    match self.prev_word(f.end, pos) {
                        Some(w) if self.word_is(w, HOLDING) => return true,
                        Some(w) if self.word_is(w, HOLDING_ADVERBS) => pos = w.start,
                        _ => return false,
                    }
                }
                false
            })
            .map(|(i, _)| i)
    }

    /// Whether a mention is the object of a preposition (and so not a subject): walking
    /// back over determiners, apposition heads and other mentions' words, the first other
    /// word is a governing preposition — except a clause-opening `with` (`with X doing`).
    /// After `and`/`or`, the mention shares the governance of the one before.
    fn governed(&self, mi: usize, clause_start: usize, depth: u8) -> bool {
        let mut pos = self.mentions[mi].start;
        for _ in 0..8 {
            let Some(w) = self.prev_word(clause_start, pos) else {
                return false;
            };
            if let Some(other) = self.mention_at(w.start) {
                pos = self.mentions[other].start.min(w.start);
                continue;
            }
            if self.word_is(w, DETERMINERS) || self.word_is(w, APPOSITIVES) {
                pos = w.start;
                continue;
            }
            if self.word_is(w, AND_OR) {
                let before = self.prev_word(clause_start, w.start);
                return match before.and_then(|b| self.mention_at(b.start)) {
                    Some(prev) if depth < 4 && self.mentions[prev].kind.can_be_subject() => {
                        self.governed(prev, clause_start, depth + 1)
                    }
                    _ => false,
                };
            }
            if self.word_is(w, GOVERNING) {
                let opens_clause = self.prev_word(clause_start, w.start).is_none();
                return !(opens_clause && self.word_is(w, WITH));
            }
            return false;
        }
        false
    }

    /// The grammatical subject among the mentions in `[from, to)` of a clause starting at
    /// `clause_start`.
    fn clause_subject(&self, from: usize, to: usize, clause_start: usize) -> Outcome {
        let in_range = |m: &EntitySpan| m.start >= from && m.end <= to;
        let Some(first) = (0..self.mentions.len()).find(|&i| {
            let m = &self.mentions[i];
            in_range(m) && self.eligible(m) && !self.governed(i, clause_start, 0)
        }) else {
            return Outcome::None;
        };
        // apposition: `South Korean company LS Eco Energy` → the name
        let mut head = first;
        while let Some(next) = (head + 1..self.mentions.len())
            .find(|&i| self.mentions[i].kind.can_be_subject() && in_range(&self.mentions[i]))
            .filter(|&next| self.apposition(head, next))
        {
            head = next;
        }
        // coordination: `the US and Australia` → no single subject
        let h = &self.mentions[head];
        // `德国与加拿大` (Chinese sets no spaces): a coordinator alone between two names.
        if let Some(next) = self.mentions.get(head + 1)
            && next.start >= h.end
            && in_range(next)
            && next.kind.can_be_subject()
            && matches!(
                self.text[h.end..next.start].trim(),
                "与" | "和" | "及" | "以及" | "同" | "跟" | "、"
            )
        {
            return Outcome::Joint;
        }
        if let Some(w) = self.next_word(h.end, to)
            && self.word_is(w, AND_OR)
        {
            let mut pos = w.end;
            if let Some(d) = self.next_word(pos, to)
                && self.word_is(d, DETERMINERS)
            {
                pos = d.end;
            }
            if let Some(n) = self.next_word(pos, to)
                && let Some(other) = self.mention_at(n.start)
                && self.mentions[other].start == n.start
                && self.mentions[other].kind.can_be_subject()
            {
                return Outcome::Joint;
            }
        }
        Outcome::Found(head)
    }

    /// Whether mention `b` is the name an apposition headed by mention `a` introduces: a
    /// possessive (`Japan's JOGMEC`), or at most four words between them, ending in an
    /// apposition head, none a preposition (`South Korean company LS Eco Energy`).
    fn apposition(&self, a: usize, b: usize) -> bool {
        let (ma, mb) = (&self.mentions[a], &self.mentions[b]);
        if mb.start < ma.end || self.bytes[ma.end..mb.start].contains(&b',') {
            return false;
        }
        let gap = self.text[ma.end..mb.start].trim_end();
        if matches!(gap, "'s" | "’s" | "'" | "’") {
            return true;
        }
        let mut pos = ma.end;
        let mut last = None;
        for _ in 0..5 {
            match self.next_word(pos, mb.start) {
                Some(w) => {
                    if self.word_is(w, GOVERNING) || self.word_is(w, COORDINATORS) {
                        return false;
                    }
                    last = Some(w);
                    pos = w.end;
                }
                None => return last.is_some_and(|w| self.word_is(w, APPOSITIVES)),
            }
        }
        false
    }
}

enum Outcome {
    Found(usize),
    /// Two coordinated subjects: the figure is theirs jointly.
    Joint,
    None,
}

#[cfg(test)]
mod tests;
