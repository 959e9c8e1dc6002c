//! Attribution: who a claim says says so, how surely, and whether it states a fact, a
//! forecast, an opinion or a plan.
//!
//! Cues, in the order they are looked for (the first found decides `attribution_cue`):
//!
//! 1. `according to X` → cue `according to`, attributed to `X`;
//! 2. a source and a reporting verb at the start of a clause: `Analysts suggest`,
//!    `Despite the agreement, experts highlight`, `The U.S. Department of Defense said` →
//!    cue the verb (`suggest`, `highlight`, `say`), attributed to the subject as written.
//!    Evidence nouns as subjects (`Predictions indicate`, `Reports show`) give the cue of
//!    the noun (`predict`, `report`) and no holder;
//! 3. reported speech without a holder: `reports of`, `reportedly`, `warnings that`,
//!    `is estimated to`, `is expected to`, `is projected to`.
//!
//! `hedged` is true when the claim holds a hedge (`may`, `could`, `likely`, `expected`,
//! `potential`, `reportedly` …). The modality is decided by the first rule that applies:
//!
//! | rule | modality | when |
//! | --- | --- | --- |
//! | `prediction-cue` | forecast | the cue is `predict`, `forecast`, `project`, `expect` |
//! | `attributed-opinion` | opinion | the cue is a verb of opinion (`suggest`, `highlight`, `argue`, `believe`…) and the holder is not the article itself |
//! | `evaluative` | opinion | `is seen as`, `is considered`, `appears to be`, `is regarded as` |
//! | `modal-hedge` | forecast | `may`, `might`, `could`, `would`, `likely`, `potentially`, `expected to` |
//! | `intent` | plan | `plans to`, `aims to`, `intends to`, `will`, `committed to`, `prepared to`, `seeks to`, `planned` |
//! | `default` | fact | none of the above |

use crate::text::FastMap;
use std::sync::OnceLock;

/// What kind of statement a claim makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    Fact,
    Forecast,
    Opinion,
    Plan,
}

impl Modality {
    pub const NAMES: &'static [&'static str] = &["fact", "forecast", "opinion", "plan"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// The rules that decide the modality, as written in `claims.modality_rule`.
pub const MODALITY_RULES: &[&str] = &[
    "prediction-cue",
    "attributed-opinion",
    "evaluative",
    "modal-hedge",
    "intent",
    "default",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// The lemma of the cue (`suggest`, `report`, `according to`).
    pub cue: Option<&'static str>,
    /// The source as written (`Analysts`, `The Japanese government`).
    pub attributed_to: Option<String>,
    pub hedged: bool,
    pub modality: Modality,
    /// Which rule decided the modality (one of [`MODALITY_RULES`]).
    pub rule: &'static str,
}

/// Reporting verbs by form → lemma.
const REPORTING: &[(&str, &str)] = &[
    ("suggest", "suggest"),
    ("suggests", "suggest"),
    ("suggested", "suggest"),
    ("highlight", "highlight"),
    ("highlights", "highlight"),
    ("highlighted", "highlight"),
    ("warn", "warn"),
    ("warns", "warn"),
    ("warned", "warn"),
    ("report", "report"),
    ("reports", "report"),
    ("reported", "report"),
    ("predict", "predict"),
    ("predicts", "predict"),
    ("predicted", "predict"),
    ("estimate", "estimate"),
    ("estimates", "estimate"),
    ("estimated", "estimate"),
    ("forecast", "forecast"),
    ("forecasts", "forecast"),
    ("expect", "expect"),
    ("expects", "expect"),
    ("expected", "expect"),
    ("say", "say"),
    ("says", "say"),
    ("said", "say"),
    ("state", "state"),
    ("states", "state"),
    ("stated", "state"),
    ("note", "note"),
    ("notes", "note"),
    ("noted", "note"),
    ("argue", "argue"),
    ("argues", "argue"),
    ("argued", "argue"),
    ("believe", "believe"),
    ("believes", "believe"),
    ("believed", "believe"),
    ("think", "think"),
    ("thinks", "think"),
    ("emphasize", "emphasize"),
    ("emphasizes", "emphasize"),
    ("emphasized", "emphasize"),
    ("emphasise", "emphasize"),
    ("emphasises", "emphasize"),
    ("stress", "stress"),
    ("stresses", "stress"),
    ("stressed", "stress"),
    ("claim", "claim"),
    ("claims", "claim"),
    ("claimed", "claim"),
    ("caution", "caution"),
    ("cautions", "caution"),
    ("cautioned", "caution"),
    ("contend", "contend"),
    ("contends", "contend"),
    ("discuss", "discuss"),
    ("discusses", "discuss"),
    ("discussed", "discuss"),
    ("tell", "tell"),
    ("tells", "tell"),
    ("told", "tell"),
    ("insist", "insist"),
    ("insists", "insist"),
    ("insisted", "insist"),
    ("deny", "deny"),
    ("denies", "deny"),
    ("denied", "deny"),
    ("doubt", "doubt"),
    ("doubts", "doubt"),
    ("doubted", "doubt"),
    ("mention", "mention"),
    ("mentions", "mention"),
    ("mentioned", "mention"),
    ("reveal", "reveal"),
    ("reveals", "reveal"),
    ("revealed", "reveal"),
    ("announce", "announce"),
    ("announces", "announce"),
    ("announced", "announce"),
    ("confirm", "confirm"),
    ("confirms", "confirm"),
    ("confirmed", "confirm"),
    ("observe", "observe"),
    ("observes", "observe"),
    ("observed", "observe"),
    ("indicate", "indicate"),
    ("indicates", "indicate"),
    ("indicated", "indicate"),
    ("show", "show"),
    ("shows", "show"),
    ("showed", "show"),
];
/// Verbs that report only after an evidence noun (`Predictions indicate`, `Data show`).
const EVIDENTIAL_ONLY: &[&str] = &["indicate", "show"];
/// Nouns that hold a view: a clause subject ending in one of them is a source.
const SOURCE_NOUNS: &[&str] = &[
    "analysts",
    "analyst",
    "experts",
    "expert",
    "observers",
    "critics",
    "officials",
    "official",
    "economists",
    "insiders",
    "sources",
    "commentators",
    "researchers",
    "scholars",
    "investors",
    "traders",
    "executives",
    "government",
    "ministry",
    "authorities",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "article",
    "report",
    "author",
    "authors",
    "viewpoint",
    "media",
    "industry",
    "study",
    "survey",
    "people",
    "participants",
    "agency",
    "department",
    "administration",
    "company",
    "companies",
];
/// Evidence nouns: sources without a holder, and the cue they give.
const EVIDENCE_NOUNS: &[(&str, &str)] = &[
    ("predictions", "predict"),
    ("prediction", "predict"),
    ("forecasts", "forecast"),
    ("projections", "project"),
    ("estimates", "estimate"),
    ("reports", "report"),
    ("data", ""),
    ("studies", ""),
    ("surveys", ""),
    ("statistics", ""),
    ("figures", ""),
];
/// Holders that are the article itself: what they "highlight" is its content, not an opinion.
const SELF_REFERENCE: &[&str] = &["article", "report", "author", "summary", "viewpoint"];
const OPINION_CUES: &[&str] = &[
    "doubt",
    "insist",
    "suggest",
    "highlight",
    "argue",
    "believe",
    "think",
    "emphasize",
    "stress",
    "contend",
    "claim",
    "caution",
];
const PREDICTION_CUES: &[&str] = &["predict", "forecast", "project", "expect"];
const HEDGES: &[&str] = &[
    "may",
    "might",
    "could",
    "would",
    "likely",
    "unlikely",
    "possibly",
    "potentially",
    "potential",
    "perhaps",
    "probably",
    "reportedly",
    "expected",
    "estimated",
    "projected",
    "appear",
    "appears",
    "seem",
    "seems",
    "uncertain",
    "unclear",
];
const MODALS: &[&str] = &[
    "may",
    "might",
    "could",
    "would",
    "likely",
    "potentially",
    "uncertain",
    "unclear",
];
/// Words that may not stand inside a subject phrase (it would be a clause, not a source).
const NOT_IN_SUBJECT: &[&str] = &[
    "is", "are", "was", "were", "has", "have", "had", "will", "that", "which", "who", "while",
];

#[derive(Debug, Clone, Copy)]
struct Word {
    s: usize,
    e: usize,
    /// Starts a clause: first word, or after `,` `;` `:` or `that`.
    clause_start: bool,
    /// The word's entry in the [`lexicon`] (flags, lemma), looked up once: the rules ask
    /// about most words several times.
    flags: u8,
    lemma: &'static str,
    /// The word's number in the lexicon (0 for a word it does not hold): the phrase
    /// rules compare these instead of the words' text, a claim's words against some
    /// twenty phrases.
    code: u16,
}

const HEDGE: u8 = 1;
const MODAL: u8 = 2;
const REPORT: u8 = 4;
const SOURCE: u8 = 8;
const NOT_SUBJECT: u8 = 32;

type Lexicon = FastMap<&'static str, (u8, &'static str, u16)>;

/// `according to X` (the first cue looked for).
const ACCORDING_TO: &[&str] = &["according", "to"];

/// Phrases that make a claim evaluative (an opinion) in its main clause.
const EVALUATIVE_PHRASES: &[&[&str]] = &[
    &["is", "seen", "as"],
    &["are", "seen", "as"],
    &["is", "considered"],
    &["are", "considered"],
    &["is", "viewed", "as"],
    &["is", "regarded", "as"],
    &["appear", "to", "be"],
    &["appears", "to", "be"],
    &["seems", "to", "be"],
];

/// Phrases that hedge a claim into a forecast, besides the modal words.
const MODAL_PHRASES: &[&[&str]] = &[
    &["expected", "to"],
    &["projected", "to"],
    &["potential", "to"],
];

/// Reported speech without a holder, with its cue.
const HOLDERLESS: &[(&[&str], &str)] = &[
    (&["reports", "of"], "report"),
    (&["reports", "that"], "report"),
    (&["reportedly"], "report"),
    (&["warnings", "that"], "warn"),
    (&["warnings", "of"], "warn"),
    (&["estimated", "to"], "estimate"),
    (&["is", "estimated"], "estimate"),
    (&["expected", "to"], "expect"),
    (&["projected", "to"], "project"),
    (&["forecast", "to"], "forecast"),
];

/// Every phrase above, whose words the lexicon numbers.
fn all_phrases() -> impl Iterator<Item = &'static [&'static str]> {
    EVALUATIVE_PHRASES
        .iter()
        .chain(MODAL_PHRASES)
        .chain(HOLDERLESS.iter().map(|(seq, _)| seq))
        .chain([&ACCORDING_TO])
        .copied()
}

/// The word lists above in one table: word → (flags, lemma or cue, code).
fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut m = Lexicon::default();
        let mut add = |w: &'static str, flag: u8, lemma: &'static str| {
            let code = u16::try_from(m.len() + 1).expect("a small lexicon");
            let e = m.entry(w).or_insert((0, "", code));
            e.0 |= flag;
            if !lemma.is_empty() {
                e.1 = lemma;
            }
        };
        for &(form, lemma) in REPORTING {
            add(form, REPORT, lemma);
        }
        for &w in SOURCE_NOUNS {
            add(w, SOURCE, "");
        }
        for &w in HEDGES {
            add(w, HEDGE, "");
        }
        for &w in MODALS {
            add(w, MODAL, "");
        }
        for &w in NOT_IN_SUBJECT {
            add(w, NOT_SUBJECT, "");
        }
        for &w in all_phrases().flatten() {
            add(w, 0, "");
        }
        m
    })
}

/// The words of `lower` (the text in lower case) with their clause starts. Punctuation
/// inside a name (`names`, byte spans) starts no clause: the comma of "Ministry
/// of Economy, Trade and Industry" is part of the ministry's name.
fn words<'a>(lower: &'a str, names: &[Span]) -> (Vec<Word>, Vec<&'a str>) {
    let text = lower;
    // Sized for words of five letters and a space, so that they are not copied as the
    // lists grow.
    let mut out = Vec::with_capacity(text.len() / 6 + 1);
    let mut lower = Vec::with_capacity(text.len() / 6 + 1);
    let mut clause_start = true;
    let mut i = 0;
    let b = text.as_bytes();
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphabetic() {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphabetic() || b[i] == b'-') {
                i += 1;
            }
            let w = &text[s..i];
            let (flags, lemma, code) = lexicon().get(w).copied().unwrap_or((0, "", 0));
            out.push(Word {
                s,
                e: i,
                clause_start,
                flags,
                lemma,
                code,
            });
            clause_start = w == "that";
            lower.push(w);
            continue;
        }
        if matches!(c, b',' | b';' | b':') && !inside(names, i) {
            clause_start = true;
        }
        i += 1;
    }
    (out, lower)
}

/// Which lexicon codes a claim's words have, a bit per code (codes past the set's size
/// count as present). A phrase one of whose words the claim lacks is not looked for: a
/// claim has some twenty-five words and there are twenty-odd phrases, and comparing each
/// phrase at every word was most of attributing a claim.
struct Present([u64; 8]);

impl Present {
    fn of(ws: &[Word]) -> Self {
        let mut bits = [0u64; 8];
        for w in ws.iter().filter(|w| w.code != 0) {
            if let Some(b) = bits.get_mut(usize::from(w.code) / 64) {
                *b |= 1 << (w.code % 64);
            }
        }
        Present(bits)
    }

    fn all(&self, codes: &[u16]) -> bool {
        codes.iter().all(|&c| {
            self.0
                .get(usize::from(c) / 64)
                .is_none_or(|b| b & (1 << (c % 64)) != 0)
        })
    }
}

/// Where the words of a phrase (their lexicon codes) first follow each other in the claim.
fn has_seq(ws: &[Word], present: &Present, codes: &[u16]) -> Option<usize> {
    if !present.all(codes) {
        return None;
    }
    ws.windows(codes.len())
        .position(|w| w.iter().zip(codes).all(|(a, c)| a.code == *c))
}

/// The phrases above as lexicon codes, which every word of theirs has.
struct Phrases {
    according_to: Vec<u16>,
    evaluative: Vec<Vec<u16>>,
    modal: Vec<Vec<u16>>,
    holderless: Vec<(Vec<u16>, &'static str)>,
}

fn phrases() -> &'static Phrases {
    static PHRASES: OnceLock<Phrases> = OnceLock::new();
    PHRASES.get_or_init(|| {
        let codes = |seq: &[&str]| seq.iter().map(|w| lexicon()[w].2).collect::<Vec<u16>>();
        Phrases {
            according_to: codes(ACCORDING_TO),
            evaluative: EVALUATIVE_PHRASES.iter().map(|seq| codes(seq)).collect(),
            modal: MODAL_PHRASES.iter().map(|seq| codes(seq)).collect(),
            holderless: HOLDERLESS
                .iter()
                .map(|(seq, cue)| (codes(seq), *cue))
                .collect(),
        }
    })
}

/// A byte span of a name in the claim's text.
pub type Span = std::ops::Range<usize>;

/// Whether byte `i` lies inside one of `names` (a claim names a handful: a scan is enough).
fn inside(names: &[Span], i: usize) -> bool {
    names.iter().any(|n| n.contains(&i))
}

/// The attribution of one claim text (citation markers already removed), with the byte
/// spans of the names recognized in it (see [`words`]).
pub fn attribute(text: &str, names: &[Span]) -> Attribution {
    let lowered = text.to_ascii_lowercase();
    let (ws, lower) = words(&lowered, names);
    let present = Present::of(&ws);
    let (cue, attributed_to) = find_cue(text, &ws, &present, &lower, names);
    let hedged = ws.iter().any(|w| w.flags & HEDGE != 0);
    let self_reference = attributed_to.as_deref().is_some_and(|a| {
        let last = a.rsplit(' ').next().unwrap_or(a).to_ascii_lowercase();
        SELF_REFERENCE.contains(&last.as_str())
    });
    // An estimate of what will be is a forecast (`The IEA estimates that demand will
    // triple`); one of what is (`estimates reserves at 120 Mt`) is not.
    let estimates_future =
        cue == Some("estimate") && lower.iter().any(|w| matches!(*w, "will" | "would"));
    let (modality, rule) = if cue.is_some_and(|c| PREDICTION_CUES.contains(&c))
        || estimates_future
        || lower
            .iter()
            .any(|w| matches!(*w, "predictions" | "forecasts"))
    {
        (Modality::Forecast, "prediction-cue")
    } else if cue.is_some_and(|c| OPINION_CUES.contains(&c)) && !self_reference {
        (Modality::Opinion, "attributed-opinion")
    } else if evaluative(&ws, &present, &lower) {
        (Modality::Opinion, "evaluative")
    } else if ws.iter().any(|w| w.flags & MODAL != 0)
        || phrases()
            .modal
            .iter()
            .any(|seq| has_seq(&ws, &present, seq).is_some())
    {
        (Modality::Forecast, "modal-hedge")
    } else if lower
        .iter()
        .any(|w| matches!(*w, "will" | "planned" | "pledged"))
        || lower.windows(2).any(|w| {
            w[1] == "to"
                && matches!(
                    w[0],
                    "plans"
                        | "plan"
                        | "aims"
                        | "aim"
                        | "aiming"
                        | "intends"
                        | "intend"
                        | "committed"
                        | "commit"
                        | "commits"
                        | "committing"
                        | "prepared"
                        | "seeks"
                        | "seek"
                        | "set"
                )
        })
    {
        (Modality::Plan, "intent")
    } else {
        (Modality::Fact, "default")
    };
    Attribution {
        cue,
        attributed_to,
        hedged,
        modality,
        rule,
    }
}

/// `is seen as`, `appears to be` … in the main clause (not after `which`/`who`: in
/// `…, which is considered strategic` the evaluation is of something else).
fn evaluative(ws: &[Word], present: &Present, lower: &[&str]) -> bool {
    phrases().evaluative.iter().any(|seq| {
        has_seq(ws, present, seq).is_some_and(|i| {
            !lower[..i]
                .iter()
                .any(|w| matches!(*w, "which" | "who" | "whose"))
        })
    })
}

/// The holder written from word `a` up to the reporting verb, word `v`. The period of an
/// abbreviation ending it is part of it (`Officials in the U.S. argue`): a single letter
/// after a period, or `Inc.`, `Co.`….
fn holder_until(text: &str, ws: &[Word], lower: &[&str], a: usize, v: usize) -> String {
    let last = &ws[v - 1];
    let abbreviated = (last.e - last.s == 1 && text[..last.s].ends_with('.'))
        || matches!(lower[v - 1], "inc" | "co" | "corp" | "ltd" | "jr" | "sr");
    let end = if abbreviated && text[last.e..].starts_with('.') {
        last.e + 1
    } else {
        last.e
    };
    text[ws[a].s..end].to_string()
}

fn find_cue(
    text: &str,
    ws: &[Word],
    present: &Present,
    lower: &[&str],
    names: &[Span],
) -> (Option<&'static str>, Option<String>) {
    // 1. according to X
    if let Some(i) = has_seq(ws, present, &phrases().according_to)
        && i + 2 < ws.len()
    {
        let from = ws[i + 2].s;
        let rest = &text[from..];
        let end = rest
            .match_indices([',', ';'])
            .map(|(k, _)| k)
            .find(|&k| !inside(names, from + k))
            .unwrap_or(rest.len());
        let holder = rest[..end].trim().trim_end_matches('.').trim();
        return (
            Some("according to"),
            (!holder.is_empty()).then(|| holder.to_string()),
        );
    }
    // 2. a clause subject and a reporting verb
    for (v, w) in ws.iter().enumerate() {
        if w.flags & REPORT == 0 {
            continue;
        }
        let lemma = w.lemma;
        // `met Elon Musk to report`: an infinitive names a purpose, not what was said;
        // `a report by`, `the claims`: after a determiner, a noun; `Kachin State`, `the
        // United States`: a capital mid-sentence, a name.
        if v == 0
            || matches!(
                lower[v - 1],
                "to" | "a" | "an" | "the" | "this" | "its" | "their" | "his" | "her"
            )
            || text[w.s..].starts_with(|c: char| c.is_ascii_uppercase())
        {
            continue;
        }
        let mut a = v;
        while a > 0 && !ws[a].clause_start {
            a -= 1;
        }
        // A subject of more than eight words is a clause, not a source; a name counts
        // as one word however long it is.
        let subject_words = ws[a..v]
            .iter()
            .filter(|w| !names.iter().any(|n| n.start < w.s && w.s < n.end))
            .count();
        if !ws[a].clause_start || a == v || subject_words > 8 {
            continue;
        }
        if ws[a..v].iter().any(|w| w.flags & NOT_SUBJECT != 0) {
            continue;
        }
        // The head noun: the subject's last word, or its first in `<noun> of …`,
        // `from …`, `by …`, `on …` (`Reports of Albemarle receiving approval from the
        // European Commission suggest`, `Data from the customs agency showed` are
        // evidence without a holder, whatever they are of or from).
        // `A report by the USGS said`, `Estimates by Benchmark show`: the source is who
        // wrote it.
        if let Some(by) = (a + 1..v.saturating_sub(1)).find(|&p| {
            lower[p] == "by"
                && (ws[p - 1].flags & SOURCE != 0
                    || EVIDENCE_NOUNS.iter().any(|(n, _)| *n == lower[p - 1])
                    || matches!(lower[p - 1], "statement" | "analysis" | "studies"))
        }) {
            return (Some(lemma), Some(holder_until(text, ws, lower, by + 1, v)));
        }
        let head = if v - a > 2 && matches!(lower[a + 1], "of" | "from" | "on") {
            lower[a]
        } else {
            lower[v - 1]
        };
        if let Some(&(_, noun_cue)) = EVIDENCE_NOUNS.iter().find(|(n, _)| *n == head) {
            let cue = if noun_cue.is_empty() { lemma } else { noun_cue };
            return (Some(cue), None);
        }
        if EVIDENTIAL_ONLY.contains(&lemma) {
            continue;
        }
        // A source: a noun that holds views, or a name (a capitalised word that is not
        // just the capital of the clause's first word, unless it stands alone: `Trump said`).
        let is_cap = |k: usize| text[ws[k].s..].starts_with(|c: char| c.is_ascii_uppercase());
        let named = (a + 1..v).any(is_cap) || (v - a == 1 && is_cap(a));
        // `The article discusses` reports what it says; `Xi and Biden discussed` is an
        // event, not a source.
        let source_noun = ws[v - 1].flags & SOURCE != 0;
        if source_noun || (named && lemma != "discuss") {
            return (Some(lemma), Some(holder_until(text, ws, lower, a, v)));
        }
    }
    // 3. reported speech without a holder
    let first = phrases()
        .holderless
        .iter()
        .filter_map(|(seq, cue)| has_seq(ws, present, seq).map(|i| (i, *cue)))
        .min_by_key(|&(i, _)| i);
    (first.map(|(_, cue)| cue), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_and_verb() {
        let a = attribute(
            "Analysts suggest that the challenges remain significant.",
            &[],
        );
        assert_eq!(a.cue, Some("suggest"));
        assert_eq!(a.attributed_to.as_deref(), Some("Analysts"));
        assert_eq!(a.modality, Modality::Opinion);
        let a = attribute(
            "The U.S. Department of Defense said it would invest in a refinery.",
            &[],
        );
        assert_eq!(a.cue, Some("say"));
        assert_eq!(
            a.attributed_to.as_deref(),
            Some("The U.S. Department of Defense")
        );
        assert_eq!(a.modality, Modality::Forecast);
        assert!(a.hedged);
        // An abbreviation's period ends the holder with it.
        let a = attribute(
            "Officials in the U.S. argue that the controls hurt exports.",
            &[],
        );
        assert_eq!(a.cue, Some("argue"));
        assert_eq!(a.attributed_to.as_deref(), Some("Officials in the U.S."));
        let a = attribute("Lynas Rare Earths Ltd. said output would rise.", &[]);
        assert_eq!(a.attributed_to.as_deref(), Some("Lynas Rare Earths Ltd."));
        // A sentence's own period is not the holder's.
        let a = attribute("Analysts at the IEA said so.", &[]);
        assert_eq!(a.attributed_to.as_deref(), Some("Analysts at the IEA"));
        // `to discuss` is a purpose: nobody said anything.
        let a = attribute(
            "Anthony Albanese met Elon Musk to discuss gallium supply.",
            &[],
        );
        assert_eq!(a.attributed_to, None);
        assert_ne!(a.cue, Some("discuss"));
    }

    /// Phrasings of newswire: who said so, and when a capital or a determiner makes a
    /// reporting verb a name or a noun.
    #[test]
    fn newswire_attributions() {
        let who = |text: &str| {
            let a = attribute(text, &[]);
            (a.cue, a.attributed_to)
        };
        assert_eq!(
            who("A report by the USGS said output fell."),
            (Some("say"), Some("the USGS".to_string()))
        );
        assert_eq!(
            who("With ore also coming from Myanmar's Kachin State, output rose."),
            (None, None)
        );
        assert_eq!(
            who("Exports to the United States fell, as reported by Nikkei."),
            (None, None)
        );
        assert_eq!(
            who("Officials told Reuters the quota would stay."),
            (Some("tell"), Some("Officials".to_string()))
        );
        assert_eq!(
            who("China insists the controls are lawful."),
            (Some("insist"), Some("China".to_string()))
        );
        assert_eq!(
            who("Data from the General Administration of Customs showed a fall."),
            (Some("show"), None)
        );
        assert_eq!(
            who("Xi Jinping and Joe Biden discussed rare earth export controls."),
            (None, None)
        );
        let a = attribute(
            "The International Energy Agency estimates that demand will triple.",
            &[],
        );
        assert_eq!((a.modality, a.rule), (Modality::Forecast, "prediction-cue"));
        let a = attribute("It is unclear whether the licences will be approved.", &[]);
        assert_eq!((a.modality, a.rule), (Modality::Forecast, "modal-hedge"));
    }

    /// The byte spans of `names` in `text`, as the recognizer gives them.
    fn spans(text: &str, names: &[&str]) -> Vec<Span> {
        let at = |n: &str| text.find(n).map(|s| s..s + n.len()).unwrap();
        names.iter().map(|n| at(n)).collect()
    }

    /// A comma inside a recognized name neither ends the holder nor starts a clause.
    #[test]
    fn a_comma_inside_a_name_is_part_of_the_holder() {
        let text = "Officials at Japan's Ministry of Economy, Trade and Industry suggest that \
                    quotas will tighten.";
        let names = spans(text, &["Japan's Ministry of Economy, Trade and Industry"]);
        let a = attribute(text, &names);
        assert_eq!(a.cue, Some("suggest"));
        assert_eq!(
            a.attributed_to.as_deref(),
            Some("Officials at Japan's Ministry of Economy, Trade and Industry")
        );
        // Without the name the comma starts a clause, as it does between clauses.
        let a = attribute(text, &[]);
        assert_eq!(a.attributed_to.as_deref(), Some("Trade and Industry"));
        let text =
            "Exports fell, according to the Ministry of Economy, Trade and Industry, in May.";
        let a = attribute(
            text,
            &spans(text, &["Ministry of Economy, Trade and Industry"]),
        );
        assert_eq!(
            a.attributed_to.as_deref(),
            Some("the Ministry of Economy, Trade and Industry")
        );
        // Evidence of something is evidence, however short the names make its subject.
        let text = "Reports of Albemarle receiving approval from the European Commission \
                    suggest that the project could start soon.";
        let a = attribute(text, &spans(text, &["Albemarle", "European Commission"]));
        assert_eq!((a.cue, a.attributed_to), (Some("report"), None));
    }

    /// Skipping the phrases whose words a claim lacks finds every phrase where the
    /// scan of every word finds it: present, absent, its words in another order or
    /// apart, and codes past the set's size.
    #[test]
    fn phrases_are_found_where_their_words_are() {
        let texts = [
            "Demand is seen as strong, according to analysts.",
            "As seen, demand is strong.",
            "Reports of output cuts, which is considered likely, are expected to spread.",
            "Output is estimated to fall; warnings that prices rise were reported to be wrong.",
            "To be or appears not to be seen.",
            "",
        ];
        let every_phrase: Vec<&[u16]> = phrases()
            .evaluative
            .iter()
            .chain(&phrases().modal)
            .chain(phrases().holderless.iter().map(|(seq, _)| seq))
            .chain([&phrases().according_to])
            .map(Vec::as_slice)
            .collect();
        let mut found = 0;
        for text in texts {
            let lowered = text.to_ascii_lowercase();
            let (ws, _) = words(&lowered, &[]);
            let present = Present::of(&ws);
            for codes in &every_phrase {
                let scanned = ws
                    .windows(codes.len())
                    .position(|w| w.iter().zip(*codes).all(|(a, c)| a.code == *c));
                assert_eq!(has_seq(&ws, &present, codes), scanned, "{text:?}");
                found += usize::from(scanned.is_some());
            }
        }
        assert!(found >= 6, "the texts hold phrases ({found} found)");
        // A code past the set's size counts as present, so its phrase is looked for.
        assert!(Present([0; 8]).all(&[512, 9999]));
        assert!(!Present([0; 8]).all(&[1, 512]));
    }

    #[test]
    fn plain_claims_are_facts() {
        let a = attribute(
            "China controls 90% of the global rare earth refining technology.",
            &[],
        );
        assert_eq!(a.cue, None);
        assert_eq!(
            (a.modality, a.rule, a.hedged),
            (Modality::Fact, "default", false)
        );
    }
}
