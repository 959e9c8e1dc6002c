//! Pattern rules: entities the gazetteer does not know, found by the shape of English text.
//!
//! | rule | finds | kind |
//! | --- | --- | --- |
//! | `name-head` | two or more capitalised words ending in a head word: `Harbin Graphite Holdings`, `Critical Minerals Act`, `Kestrel Rare Earths` | from the head word |
//! | `acronym` | a word of three or more capitals: `KOMIR`, `NMDC` | organization (the name's when it abbreviates a name just before it) |
//! | `title-person` | capitalised words after a title: `Prime Minister Albanese`, `CEO Jane Doe` | person |
//! | `subject-verb` | capitalised words right before a reporting or action verb: `Vulcan said`, `Norsk Carbon operates` | person after a reporting verb for two or three words, else organization |
//!
//! Never entities: function words (`The`, `Despite`, `Other`) trimmed from the front of a
//! name, months and weekdays, section labels, units, currency codes and common acronyms
//! (`never_entities.tsv`, `currency_codes.txt`), and single capitalised words that are
//! ordinary English words (`Analysts said`, `Predictions indicate`).
//!
//! Gazetteer mentions take precedence: a pattern may not overlap one, except a `name-head`
//! name that strictly contains it (`Kazakhstan Rare Metals Company` over `Kazakhstan`),
//! unless the rest is only a legal form (`Deutsche Bank AG` is `Deutsche Bank`). `and`
//! next to a known organisation or person ends a name (`Vulcan Elements and USA Rare
//! Earth` is two names).

use super::gazetteer::Gazetteer;
use super::{EntityRef, Kind, Mention, PatternEntity, Rule, is_word_char, slug};
use crate::text::FastMap;

/// Head words of organisation names.
const ORG_HEADS: &[&str] = &[
    "Group",
    "Holding",
    "Holdings",
    "Resources",
    "Corporation",
    "Corp",
    "Company",
    "Co",
    "Inc",
    "Ltd",
    "Limited",
    "LLC",
    "PLC",
    "Plc",
    "AG",
    "GmbH",
    "Bank",
    "Commission",
    "Department",
    "Ministry",
    "Agency",
    "Authority",
    "Council",
    "Office",
    "Bureau",
    "Institute",
    "Association",
    "Federation",
    "Fund",
    "Mining",
    "Minerals",
    "Metals",
    "Materials",
    "Industries",
    "Technologies",
    "Technology",
    "Electronics",
    "Motors",
    "Chemical",
    "Chemicals",
    "Energy",
    "Partners",
    "Capital",
    "Ventures",
    "Assembly",
    "Parliament",
    "Congress",
    "Committee",
    "Board",
    "Exchange",
    "University",
    "Administration",
    "Services",
    "Society",
    "Foundation",
    "Organization",
    "Organisation",
    "Laboratories",
    "Labs",
    "Semiconductor",
    "Semiconductors",
    "Steel",
    "Magnetics",
    "Lithium",
    "Alliance",
    "Consortium",
    "Enterprises",
    "Systems",
    "Airlines",
    "Shipping",
    "Refinery",
    "Smelter",
];
/// What may follow a known organisation's name as its legal form or branch (dots
/// trimmed): `Deutsche Bank AG`, `Goldman Sachs & Co. LLC`, `Nomura Securities
/// International`.
const LEGAL_FORMS: &[&str] = &[
    "&",
    "and",
    "Co",
    "Inc",
    "Corp",
    "Corporation",
    "Ltd",
    "Limited",
    "LLC",
    "LP",
    "PLC",
    "Plc",
    "plc",
    "AG",
    "SA",
    "S.A",
    "NV",
    "N.V",
    "SE",
    "GmbH",
    "KK",
    "Group",
    "Holdings",
    "International",
    "Securities",
    "Research",
];

/// Head words of law names (acts, agreements, frameworks, initiatives).
const LAW_HEADS: &[&str] = &[
    "Act",
    "Law",
    "Framework",
    "Initiative",
    "Agreement",
    "Treaty",
    "Accord",
    "Pact",
    "Regulation",
    "Regulations",
    "Directive",
    "Strategy",
    "Program",
    "Programme",
    "Convention",
    "Protocol",
    "Declaration",
    "Memorandum",
    "Partnership",
    "Arrangement",
    "Dialogue",
    "Bill",
    "Code",
    "Mechanism",
    "Plan",
];
/// Titles before a person's name (compared in lower case; `Prime`, `Foreign` … are
/// skipped as part of the title).
const TITLES: &[&str] = &[
    "president",
    "minister",
    "premier",
    "chancellor",
    "secretary",
    "senator",
    "sen.",
    "governor",
    "gov.",
    "representative",
    "rep.",
    "mayor",
    "ambassador",
    "commissioner",
    "chairman",
    "chairwoman",
    "chairperson",
    "chair",
    "ceo",
    "cfo",
    "executive",
    "officer",
    "director",
    "director-general",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "mr",
    "ms",
    "mrs",
    "dr",
    "professor",
    "prof",
    "king",
    "queen",
    "emperor",
    "general",
    "admiral",
    "treasurer",
    "speaker",
    "founder",
    "analyst",
    "economist",
    "envoy",
    "prime",
    "foreign",
    "trade",
    "defense",
    "defence",
    "finance",
    "vice",
    "deputy",
    "chief",
    "commerce",
    "energy",
    "industry",
    "state",
    "former",
    "acting",
    "managing",
];
/// Title words that name a function by themselves (the others only qualify one).
const TITLE_HEADS: &[&str] = &[
    "president",
    "minister",
    "premier",
    "chancellor",
    "secretary",
    "senator",
    "sen.",
    "governor",
    "gov.",
    "representative",
    "rep.",
    "mayor",
    "ambassador",
    "commissioner",
    "chairman",
    "chairwoman",
    "chairperson",
    "chair",
    "ceo",
    "cfo",
    "executive",
    "officer",
    "director",
    "director-general",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "mr",
    "ms",
    "mrs",
    "dr",
    "professor",
    "prof",
    "king",
    "queen",
    "emperor",
    "admiral",
    "treasurer",
    "speaker",
    "founder",
    "analyst",
    "economist",
    "envoy",
];
/// Verbs after a subject name (`X said`, `X plans`); optionally after an auxiliary.
const REPORTING_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "stated",
    "states",
    "added",
    "noted",
    "notes",
    "warned",
    "warns",
    "argued",
    "argues",
    "believes",
    "claimed",
    "claims",
    "predicted",
    "predicts",
    "announced",
    "announces",
    "reported",
    "reports",
    "confirmed",
    "confirms",
    "denied",
    "denies",
    "estimated",
    "estimates",
    "expects",
    "commented",
    "explained",
    "insisted",
];
const ACTION_VERBS: &[&str] = &[
    "plans",
    "planned",
    "plan",
    "operates",
    "operated",
    "operate",
    "agreed",
    "signed",
    "signs",
    "sign",
    "acquired",
    "acquires",
    "acquire",
    "invested",
    "invests",
    "invest",
    "produces",
    "produced",
    "produce",
    "launched",
    "launches",
    "launch",
    "opened",
    "opens",
    "owns",
    "owned",
    "supplies",
    "supplied",
    "supply",
    "intends",
    "aims",
    "unveiled",
    "unveils",
    "built",
    "builds",
    "build",
    "mines",
    "mined",
    "refines",
    "refined",
    "exports",
    "exported",
    "imports",
    "imported",
    "sells",
    "sold",
    "bought",
    "buys",
    "secured",
    "secures",
    "won",
    "completed",
    "began",
    "started",
    "halted",
    "suspended",
    "raised",
    "received",
    "develops",
    "developed",
    "controls",
    "controlled",
];
const AUXILIARIES: &[&str] = &[
    "has", "have", "had", "will", "would", "is", "was", "are", "were", "also", "recently",
];
/// Lower-case words allowed inside a name between capitalised ones.
const CONNECTORS: &[&str] = &[
    "of", "for", "the", "and", "&", "de", "du", "des", "la", "van", "von",
];

/// Head words that open an organisation's name: `Ministry of Mines`, `Bank of Korea`.
const ORG_HEADS_FIRST: &[&str] = &[
    "Ministry",
    "Department",
    "Bank",
    "Commission",
    "Office",
    "Bureau",
    "Institute",
    "Agency",
    "Authority",
    "Council",
    "Association",
    "University",
    "Federation",
    "Academy",
    "Board",
    "Committee",
];

const ORG_HEAD: u16 = 1;
const LAW_HEAD: u16 = 2;
const TITLE: u16 = 4;
const TITLE_HEAD: u16 = 8;
const REPORTING: u16 = 16;
const ACTION: u16 = 32;
const AUXILIARY: u16 = 64;
const CONNECTOR: u16 = 128;
const ORG_HEAD_FIRST: u16 = 256;

type Lexicon = FastMap<&'static str, u16>;

/// Every word list above in one table: word → flags (titles in lower case).
fn lexicon() -> &'static Lexicon {
    static LEXICON: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut m = Lexicon::default();
        let lists: [(&[&'static str], u16); 9] = [
            (ORG_HEADS, ORG_HEAD),
            (LAW_HEADS, LAW_HEAD),
            (TITLES, TITLE),
            (TITLE_HEADS, TITLE_HEAD),
            (REPORTING_VERBS, REPORTING),
            (ACTION_VERBS, ACTION),
            (AUXILIARIES, AUXILIARY),
            (CONNECTORS, CONNECTOR),
            (ORG_HEADS_FIRST, ORG_HEAD_FIRST),
        ];
        for (list, flag) in lists {
            for w in list {
                *m.entry(*w).or_insert(0) |= flag;
            }
        }
        m
    })
}

/// The flags of `word` as written.
fn flags(word: &str) -> u16 {
    lexicon().get(word).copied().unwrap_or(0)
}

/// The flags of `word` in lower case (for titles: `Minister`, `minister`).
fn flags_ci(word: &str) -> u16 {
    let mut buf = [0u8; 24];
    if word.len() > buf.len() || !word.is_ascii() {
        return 0;
    }
    let b = &mut buf[..word.len()];
    b.copy_from_slice(word.as_bytes());
    b.make_ascii_lowercase();
    std::str::from_utf8(b).map_or(0, flags)
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    s: usize,
    e: usize,
    /// Starts with an upper-case letter.
    cap: bool,
    /// Only capitals (and digits, `&`), at least two letters.
    caps: bool,
    /// Followed by a possessive `'s`.
    poss: bool,
    /// Separated from the previous token by exactly one space.
    spaced: bool,
    /// Inside a gazetteer mention.
    covered: bool,
    /// Inside a gazetteer mention of an organisation or a person: a name of its own, which
    /// `and` next to it separates from another (`Vulcan Elements and USA Rare Earth`).
    named: bool,
}

struct Ctx<'a> {
    gaz: &'a Gazetteer,
    text: &'a str,
    toks: Vec<Tok>,
}

impl<'a> Ctx<'a> {
    fn word(&self, i: usize) -> &'a str {
        &self.text[self.toks[i].s..self.toks[i].e]
    }
    fn is_function(&self, i: usize) -> bool {
        let w = self.word(i);
        let mut buf = [0u8; 24];
        if w.len() > buf.len() || !w.is_ascii() {
            return false;
        }
        let b = &mut buf[..w.len()];
        b.copy_from_slice(w.as_bytes());
        b.make_ascii_lowercase();
        std::str::from_utf8(b).is_ok_and(|l| self.gaz.never.function.contains(l))
    }
    fn is_calendar(&self, i: usize) -> bool {
        self.gaz.never.calendar.contains(self.word(i))
    }
    fn is_connector(&self, i: usize) -> bool {
        flags(self.word(i)) & CONNECTOR != 0
    }
}

/// The character at byte `i` and its length, with a fast path for ASCII.
#[inline]
fn char_at(text: &str, i: usize) -> Option<char> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        Some(b as char)
    } else {
        text[i..].chars().next()
    }
}

#[inline]
fn word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        is_word_char(c)
    }
}

fn tokenize(gaz: &Gazetteer, text: &str, gaz_mentions: &[Mention]) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut prev_end: Option<usize> = None;
    let mut gi = 0;
    while i < text.len() {
        // Fast path: ASCII spaces and punctuation between words.
        while i < b.len() && b[i] < 0x80 && !b[i].is_ascii_alphanumeric() && b[i] != b'&' {
            i += 1;
        }
        let Some(c) = char_at(text, i) else {
            break;
        };
        if !word_char(c) && c != '&' {
            i += c.len_utf8();
            continue;
        }
        let s = i;
        let mut e = i + c.len_utf8();
        let mut poss = false;
        let mut after_poss = 0;
        while e < text.len() {
            // Fast path: ASCII letters and digits.
            while e < b.len() && b[e].is_ascii_alphanumeric() {
                e += 1;
            }
            if e >= text.len() {
                break;
            }
            let Some(c2) = char_at(text, e) else {
                break;
            };
            if word_char(c2) || (c2 == '&' && c == '&') {
                e += c2.len_utf8();
                continue;
            }
            if matches!(c2, '-' | '.' | '\'' | '’' | '&') {
                let after = e + c2.len_utf8();
                let next = char_at(text, after);
                if matches!(c2, '\'' | '’')
                    && text[after..].starts_with('s')
                    && !char_at(text, after + 1).is_some_and(word_char)
                {
                    poss = true;
                    after_poss = after + 1;
                    break;
                }
                if next.is_some_and(word_char) {
                    e = after;
                    continue;
                }
            }
            break;
        }
        let word = &text[s..e];
        let cap = c.is_uppercase();
        let spaced = match prev_end {
            Some(p) => s == p + 1 && b[p] == b' ',
            None => false,
        };
        while gi < gaz_mentions.len() && gaz_mentions[gi].end <= s {
            gi += 1;
        }
        let covered = gi < gaz_mentions.len() && gaz_mentions[gi].start < e;
        let named = covered
            && matches!(gaz_mentions[gi].entity, EntityRef::Gazetteer(i)
                if matches!(gaz.entries[i as usize].kind, Kind::Organization | Kind::Person));
        toks.push(Tok {
            s,
            e,
            cap,
            caps: cap
                && word.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && word.chars().all(|c| !c.is_lowercase()),
            poss,
            spaced,
            covered,
            named,
        });
        let end = if poss { after_poss } else { e };
        prev_end = Some(end);
        i = end;
    }
    toks
}

struct Cand {
    s: usize,
    e: usize,
    kind: Kind,
    rule: Rule,
    name: String,
    /// Capitalised-word initials of a `name-head` name, to link an acronym after it.
    initials: String,
}

/// Adds the pattern mentions to the gazetteer's and returns them all, sorted.
pub fn apply(gaz: &Gazetteer, text: &str, gaz_mentions: Vec<Mention>) -> Vec<Mention> {
    if !may_hold_a_name(gaz, text, &gaz_mentions) {
        return gaz_mentions;
    }
    let toks = tokenize(gaz, text, &gaz_mentions);
    let ctx = Ctx { gaz, text, toks };
    let mut cands = Vec::new();
    let runs = name_runs(&ctx);
    for &(a, b) in &runs {
        name_head(&ctx, a, b, &mut cands);
        subject_verb(&ctx, a, b, &mut cands);
    }
    titled_people(&ctx, &mut cands);
    acronyms(&ctx, &mut cands);
    merge(gaz, gaz_mentions, cands)
}

/// Whether any rule can fire: every rule needs a capitalised word outside the gazetteer's
/// mentions, other than an ordinary first word followed by a lower-case one (`The
/// agreement…`, `Analysts suggest…`). Most claims have none, and skip tokenizing.
fn may_hold_a_name(gaz: &Gazetteer, text: &str, mentions: &[Mention]) -> bool {
    let b = text.as_bytes();
    let mut gi = 0;
    let mut first_word = true;
    for i in 0..b.len() {
        let c = b[i];
        // ASCII capitals, and Latin capitals with diacritics (É, Ø…: two-byte characters).
        let capital = c.is_ascii_uppercase()
            || ((0xC3..0xE0).contains(&c)
                && text[i..].chars().next().is_some_and(char::is_uppercase));
        if !capital {
            if c.is_ascii_alphanumeric() {
                first_word = false;
            }
            continue;
        }
        if i > 0 && text[..i].chars().next_back().is_some_and(is_word_char) {
            continue;
        }
        let was_first = std::mem::replace(&mut first_word, false);
        while gi < mentions.len() && mentions[gi].end <= i {
            gi += 1;
        }
        if gi < mentions.len() && mentions[gi].start <= i {
            continue;
        }
        if was_first {
            let end = b[i..]
                .iter()
                .position(|x| !x.is_ascii_alphabetic())
                .map_or(b.len(), |n| i + n);
            let word = &text[i..end];
            let ordinary = word.bytes().any(|x| x.is_ascii_lowercase())
                && (gaz.is_common_word(word)
                    || gaz.never.function.contains(&word.to_ascii_lowercase()));
            if ordinary
                && b.get(end) == Some(&b' ')
                && b.get(end + 1).is_some_and(u8::is_ascii_lowercase)
            {
                continue;
            }
        }
        return true;
    }
    false
}

/// Maximal runs `[a, b)` of capitalised tokens joined by single spaces (connectors allowed
/// between capitalised words), not crossing a possessive, months excluded.
fn name_runs(ctx: &Ctx) -> Vec<(usize, usize)> {
    let toks = &ctx.toks;
    let mut runs = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !toks[i].cap || ctx.is_calendar(i) {
            i += 1;
            continue;
        }
        let a = i;
        let mut b = i + 1;
        while b < toks.len() && toks[b].spaced && !toks[b - 1].poss {
            if toks[b].cap && !ctx.is_calendar(b) {
                b += 1;
            } else if ctx.is_connector(b)
                && b + 1 < toks.len()
                && toks[b + 1].spaced
                && toks[b + 1].cap
                && !ctx.is_calendar(b + 1)
            {
                b += 2;
            } else {
                break;
            }
        }
        // Leading function words are not part of a name (`The`, `Despite`, `Other`).
        let mut a2 = a;
        loop {
            if a2 < b && (ctx.is_function(a2) || ctx.is_connector(a2)) {
                a2 += 1;
            } else if a2 + 2 < b
                && matches!(ctx.word(a2 + 1), "of" | "for")
                && ctx.gaz.is_common_word(ctx.word(a2))
                && flags(ctx.word(a2)) & ORG_HEAD_FIRST == 0
            {
                // `Shares of Tanager Minerals`: an ordinary word and `of` open no name.
                a2 += 2;
            } else {
                break;
            }
        }
        if a2 < b {
            runs.push((a2, b));
        }
        i = b;
    }
    runs
}

fn head_kind(ctx: &Ctx, a: usize, last: usize) -> Option<Kind> {
    let w = ctx.word(last);
    if (w == "Earths" || w == "Earth") && last > a && ctx.word(last - 1) == "Rare" {
        return Some(Kind::Organization);
    }
    let f = flags(w);
    if f & ORG_HEAD != 0 {
        Some(Kind::Organization)
    } else if f & LAW_HEAD != 0 {
        Some(Kind::Law)
    } else {
        None
    }
}

fn name_head(ctx: &Ctx, a: usize, b: usize, out: &mut Vec<Cand>) {
    // `Ministry of Mines and Petroleum`: a head, `of`/`for`, capitalised words.
    if b - a >= 3
        && flags(ctx.word(a)) & ORG_HEAD_FIRST != 0
        && matches!(ctx.word(a + 1), "of" | "for")
    {
        let (s, e) = (ctx.toks[a].s, ctx.toks[b - 1].e);
        out.push(Cand {
            s,
            e,
            kind: Kind::Organization,
            rule: Rule::NameHead,
            name: ctx.text[s..e].to_string(),
            initials: initials(ctx, a, b - 1),
        });
        return;
    }
    // Split the run at `and`/`&` that follows a head word (`Acme Group and Beta
    // Holdings`) or stands next to a known organisation or person (`Vulcan Elements and
    // ReElement Technologies`, `Kestrel Holdings and USA Rare Earth`).
    let mut start = a;
    let mut i = a;
    while i <= b {
        let at_end = i == b;
        let split = !at_end
            && (ctx.word(i) == "and" || ctx.word(i) == "&")
            && i > start
            && (head_kind(ctx, start, i - 1).is_some()
                || ctx.toks[i - 1].named
                || ctx.toks.get(i + 1).is_some_and(|t| t.named));
        if at_end || split {
            let last = i - 1;
            if last > start
                && let Some(kind) = head_kind(ctx, start, last)
            {
                let words = (start..=last).filter(|&k| {
                    !ctx.is_connector(k)
                        && !ctx.is_function(k)
                        && head_kind(ctx, start, k).is_none()
                });
                if words.count() > 0 {
                    let (s, e) = (ctx.toks[start].s, ctx.toks[last].e);
                    let initials = initials(ctx, start, last);
                    out.push(Cand {
                        s,
                        e,
                        kind,
                        rule: Rule::NameHead,
                        name: ctx.text[s..e].to_string(),
                        initials,
                    });
                }
            }
            start = i + 1;
        }
        i += 1;
    }
}

fn initials(ctx: &Ctx, first: usize, last: usize) -> String {
    (first..=last)
        .filter(|&k| ctx.toks[k].cap)
        .filter_map(|k| ctx.word(k).chars().next())
        .collect()
}

fn subject_verb(ctx: &Ctx, a: usize, b: usize, out: &mut Vec<Cand>) {
    let toks = &ctx.toks;
    if b >= toks.len() || !toks[b].spaced || toks[b - 1].poss || toks[b].cap || toks[a].covered {
        return;
    }
    let mut v = b;
    if flags(ctx.word(v)) & AUXILIARY != 0 && v + 1 < toks.len() && toks[v + 1].spaced {
        v += 1;
    }
    let verb = ctx.word(v);
    let f = flags(verb);
    let reporting = f & REPORTING != 0;
    if !reporting && f & ACTION == 0 {
        return;
    }
    if (a..b).any(|k| toks[k].covered || ctx.is_calendar(k) || matches!(ctx.word(k), "and" | "&")) {
        return;
    }
    let n = b - a;
    let words: Vec<&str> = (a..b).map(|k| ctx.word(k)).collect();
    if n == 1 {
        let w = words[0];
        if toks[a].caps || ctx.gaz.is_common_word(w) || ctx.gaz.never.labels.contains(w) {
            return;
        }
    } else if words
        .iter()
        .all(|w| ctx.gaz.is_common_word(w) || flags(w) & CONNECTOR != 0)
    {
        return;
    }
    if (a..b).any(|k| flags_ci(ctx.word(k)) & TITLE != 0) {
        return;
    }
    let kind = match head_kind(ctx, a, b - 1) {
        Some(k) => k,
        None if reporting && (2..=3).contains(&n) => Kind::Person,
        None => Kind::Organization,
    };
    let (s, e) = (toks[a].s, toks[b - 1].e);
    out.push(Cand {
        s,
        e,
        kind,
        rule: Rule::SubjectVerb,
        name: ctx.text[s..e].to_string(),
        initials: String::new(),
    });
}

fn titled_people(ctx: &Ctx, out: &mut Vec<Cand>) {
    let toks = &ctx.toks;
    let mut i = 0;
    while i < toks.len() {
        // A title is followed by a capitalised word (the name, or more of the title).
        if !(i + 1 < toks.len() && toks[i + 1].cap) || flags_ci(ctx.word(i)) & TITLE_HEAD == 0 {
            i += 1;
            continue;
        }
        // Skip the rest of the title: more title words, `of [the] Commerce`.
        let mut j = i + 1;
        while j < toks.len() && toks[j].spaced && flags_ci(ctx.word(j)) & TITLE != 0 {
            j += 1;
        }
        let mut name_from = j;
        if j < toks.len() && toks[j].spaced && ctx.word(j) == "of" {
            let mut k = j + 1;
            if k < toks.len() && ctx.word(k) == "the" {
                k += 1;
            }
            let caps_from = k;
            while k < toks.len() && toks[k].spaced && toks[k].cap && !toks[k - 1].poss {
                k += 1;
            }
            let n = k - caps_from;
            if n < 2 {
                i = j;
                continue;
            }
            name_from = k - (n - 1).min(2);
        }
        let mut k = name_from;
        while k < toks.len()
            && k < name_from + 3
            && toks[k].spaced
            && toks[k].cap
            && !toks[k].caps
            && !toks[k].covered
            && !ctx.is_function(k)
            && !ctx.is_calendar(k)
            && head_kind(ctx, name_from, k).is_none()
            && (k == name_from || !toks[k - 1].poss)
        {
            k += 1;
        }
        let ends_in_head = k < toks.len() && toks[k].spaced && toks[k].cap && !toks[k - 1].poss;
        if k > name_from
            && !ends_in_head
            && !(k == name_from + 1 && ctx.gaz.is_common_word(ctx.word(name_from)))
        {
            let (s, e) = (toks[name_from].s, toks[k - 1].e);
            out.push(Cand {
                s,
                e,
                kind: Kind::Person,
                rule: Rule::TitledPerson,
                name: ctx.text[s..e].to_string(),
                initials: String::new(),
            });
        }
        i = k.max(i + 1);
    }
}

fn acronyms(ctx: &Ctx, out: &mut Vec<Cand>) {
    let text = ctx.text;
    // In a text in capitals every word would look like an acronym.
    let mut shouting: Option<bool> = None;
    for (i, t) in ctx.toks.iter().enumerate() {
        if !t.caps {
            continue;
        }
        let w = ctx.word(i);
        let letters = w.chars().filter(|c| c.is_ascii_uppercase()).count();
        if t.covered
            || letters < 3
            || !w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            || !w
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '&')
            || ctx.gaz.never.acronyms.contains(w)
            || ctx.gaz.never.labels.contains(w)
            || w.chars().all(|c| "IVXLCDM".contains(c))
        {
            continue;
        }
        if *shouting.get_or_insert_with(|| {
            let upper = text.chars().filter(|c| c.is_uppercase()).count();
            let lower = text.chars().filter(|c| c.is_lowercase()).count();
            upper > lower
        }) {
            return;
        }
        out.push(Cand {
            s: t.s,
            e: t.e,
            kind: Kind::Organization,
            rule: Rule::Acronym,
            name: w.to_string(),
            initials: String::new(),
        });
    }
}

fn priority(rule: Rule) -> u8 {
    match rule {
        Rule::NameHead => 0,
        Rule::TitledPerson => 1,
        Rule::Acronym => 2,
        _ => 3,
    }
}

struct Accepted {
    s: usize,
    e: usize,
    entity_id: String,
    kind: Kind,
    name: String,
    initials: String,
}

/// Combines gazetteer mentions and pattern candidates: gazetteer first, except where a
/// `name-head` name strictly contains gazetteer mentions; then patterns by priority.
fn merge(gaz: &Gazetteer, mut mentions: Vec<Mention>, mut cands: Vec<Cand>) -> Vec<Mention> {
    cands.sort_by_key(|c| (c.s, priority(c.rule), std::cmp::Reverse(c.e)));
    let mut accepted: Vec<Accepted> = Vec::new();
    for c in cands {
        if accepted.iter().any(|a| a.s < c.e && c.s < a.e) {
            continue;
        }
        let overlapping: Vec<usize> = mentions
            .iter()
            .enumerate()
            .filter(|(_, m)| m.start < c.e && c.s < m.end)
            .map(|(i, _)| i)
            .collect();
        if !overlapping.is_empty() {
            let contains_all = overlapping.iter().all(|&i| {
                let m = &mentions[i];
                c.s <= m.start && m.end <= c.e && (c.e - c.s) > (m.end - m.start)
            });
            if c.rule != Rule::NameHead || !contains_all {
                continue;
            }
            // `Deutsche Bank AG`, `Morgan Stanley & Co. International`: a known name and its
            // legal form are the known entity.
            let legal_form = overlapping.iter().any(|&i| {
                let m = &mentions[i];
                m.start == c.s
                    && c.name[m.end - c.s..]
                        .split([' ', ','])
                        .filter(|w| !w.is_empty())
                        .all(|w| LEGAL_FORMS.contains(&w.trim_end_matches('.')))
            });
            if legal_form {
                continue;
            }
            for &i in overlapping.iter().rev() {
                mentions.remove(i);
            }
        }
        let (entity_id, kind, name) = match initials_link(&accepted, &c) {
            Some(linked) => linked,
            None => (
                format!("{}/{}", c.kind.id_prefix(), slug(&c.name)),
                c.kind,
                c.name.clone(),
            ),
        };
        accepted.push(Accepted {
            s: c.s,
            e: c.e,
            entity_id: entity_id.clone(),
            kind,
            name: name.clone(),
            initials: c.initials,
        });
        let entity = match gaz.by_id.get(&entity_id) {
            Some(&i) => EntityRef::Gazetteer(i),
            None => EntityRef::Pattern(PatternEntity {
                entity_id,
                kind,
                name,
            }),
        };
        mentions.push(Mention {
            start: c.s,
            end: c.e,
            entity,
            is_demonym: false,
            rule: c.rule,
        });
    }
    mentions.sort_by_key(|m| m.start);
    mentions
}

/// `Harbin Graphite Holdings (HGH)`: an acronym within three bytes after a `name-head`
/// name whose capitalised words it abbreviates names the same entity.
fn initials_link(accepted: &[Accepted], c: &Cand) -> Option<(String, Kind, String)> {
    if c.rule != Rule::Acronym {
        return None;
    }
    let prev = accepted.iter().filter(|p| p.e <= c.s).max_by_key(|p| p.e)?;
    (!prev.initials.is_empty() && prev.initials == c.name && c.s - prev.e <= 3)
        .then(|| (prev.entity_id.clone(), prev.kind, prev.name.clone()))
}
