//! Gazetteer matching: one Aho-Corasick automaton over every English and Chinese string of
//! the gazetteer, then boundary, case and context checks, then leftmost-longest selection.
//!
//! - **Case.** The automaton is case-sensitive; the case rules are in the strings it holds.
//!   A lower-case alias (`rare earths`, `gallium`) is also looked for capitalised
//!   (`Rare earths`), in title case (`Rare Earths`) and, from five letters, in capitals. An
//!   alias with capitals is looked for as written, with its first letter capitalised, and
//!   (from five letters) in capitals — so `US` never matches `us`.
//! - **Word boundaries** apply at each end of an alias that is a letter or digit of an
//!   alphabetic script: `US` is not found in `USB`, `China` is found in `de-China`.
//! - **Chinese** aliases need no boundary. Where a string is also part of ordinary words,
//!   `zh_guards.tsv` lists the characters that may not precede or follow it. One-character
//!   abbreviations (`美`, `华`, `日`) count only in context: after a cue such as `对`, `输`,
//!   `访` (`对华`, `输美`), before a cue such as `方`, `企`, `关系` (`美方`), or next to
//!   another abbreviation (`美澳`, `中美`) — and never where a longer alias covers them.
//! - Among the remaining candidates the leftmost wins, then the longest.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use anyhow::{Context, Result};

use super::gazetteer::{Gazetteer, ZhGuard};
use super::{EntityRef, Mention, Rule, is_word_char};

/// Characters before a Chinese abbreviation that make it a country (`对华`, `输美`, `访日`).
const ZH_PRE_CUES: &[char] = &[
    '对', '输', '赴', '访', '驻', '抗', '反', '亲', '援', '制', '涉', '来', '离', '返', '在',
];
/// Words after a Chinese abbreviation that make it a country (`美方`, `日企`, `韩国政府`).
const ZH_FOLLOW_CUES: &[&str] = &[
    "方",
    "军",
    "企",
    "媒",
    "股",
    "债",
    "籍",
    "资",
    "政府",
    "官员",
    "总统",
    "总理",
    "首相",
    "外长",
    "防长",
    "财长",
    "商务部",
    "国防部",
    "外交部",
    "两国",
    "双方",
    "大使",
    "使馆",
    "领导人",
    "议会",
    "盟友",
    "关系",
    "贸易",
    "协议",
    "协定",
    "合作",
    "联合",
    "同盟",
    "制裁",
    "关税",
    "经济",
    "企业",
    "公司",
    "产业",
    "市场",
    "元首",
];
/// Abbreviations that count only after a cue (`对华`), never before one or in a pair.
const ZH_PRE_ONLY: &[&str] = &["华"];

#[derive(Debug, Clone)]
struct PatInfo {
    entity: u32,
    demonym: bool,
    abbrev: bool,
    check_left: bool,
    check_right: bool,
    guard: Option<u32>,
    pre_only: bool,
}

pub struct GazMatcher {
    /// Leftmost-longest, with anchored searches (to try a shorter string at a place).
    ac: AhoCorasick,
    /// What each pattern of the automaton stands for.
    pats: Vec<PatInfo>,
    guards: Vec<ZhGuard>,
}

/// The strings under which an English alias is looked for.
fn english_variants(alias: &str) -> Vec<String> {
    let letters = alias.chars().filter(|c| c.is_alphabetic()).count();
    let mut out = vec![alias.to_string()];
    let has_upper = alias.chars().any(char::is_uppercase);
    let capitalised = capitalise_first(alias);
    out.push(capitalised);
    if !has_upper {
        let title: Vec<String> = alias.split(' ').map(capitalise_first).collect();
        out.push(title.join(" "));
    }
    if letters >= 5 && alias.chars().any(char::is_lowercase) {
        out.push(alias.to_uppercase());
    }
    out.dedup();
    out
}

fn capitalise_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl GazMatcher {
    pub fn build(gaz: &Gazetteer) -> Result<Self> {
        let mut pats: Vec<PatInfo> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut guards: Vec<ZhGuard> = Vec::new();
        let mut guard_index: HashMap<&str, u32> = HashMap::new();
        for (alias, guard) in &gaz.zh_guards {
            guard_index.insert(alias.as_str(), guards.len() as u32);
            guards.push(guard.clone());
        }
        let mut strings: Vec<String> = Vec::new();
        let mut add = |s: String, info: PatInfo| {
            if s.is_empty() || seen.contains_key(&s) {
                return;
            }
            seen.insert(s.clone(), strings.len());
            strings.push(s);
            pats.push(info);
        };
        for (i, e) in gaz.entries.iter().enumerate() {
            let entity = i as u32;
            let english = e
                .match_en
                .iter()
                .map(|a| (a, false))
                .chain(e.demonyms_en.iter().map(|a| (a, true)));
            for (alias, demonym) in english {
                for v in english_variants(alias) {
                    let info = edges(&v, entity, demonym, false, None);
                    add(v, info);
                }
            }
            for alias in &e.match_zh {
                let guard = guard_index.get(alias.as_str()).copied();
                let info = edges(alias, entity, false, false, guard);
                add(alias.clone(), info);
            }
            for alias in &e.abbrev_zh {
                let guard = guard_index.get(alias.as_str()).copied();
                let mut info = edges(alias, entity, false, true, guard);
                info.pre_only = ZH_PRE_ONLY.contains(&alias.as_str());
                add(alias.clone(), info);
            }
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Both)
            // A DFA over these strings (both start kinds) took 270 MB, held for the whole
            // build, and a tenth of a small corpus' time to build; the contiguous NFA
            // finds the same matches in about the same time.
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&strings)
            .context("Failed to build the gazetteer automaton")?;
        Ok(GazMatcher { ac, pats, guards })
    }

    /// Gazetteer mentions in `text`, sorted, non-overlapping.
    ///
    /// The automaton reports the leftmost-longest string; when the checks reject it, the
    /// next shorter string at the same start is tried (an anchored search in a shorter
    /// span), then the search goes on one character further.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        let mut out: Vec<Mention> = Vec::new();
        let mut abbrevs: Vec<(usize, usize, u32)> = Vec::new();
        let mut pos = 0;
        while pos < text.len() {
            let Some(m) = self.ac.find(Input::new(text).span(pos..text.len())) else {
                break;
            };
            let s = m.start();
            let mut found = Some(m);
            while let Some(m) = found {
                let (e, p) = (m.end(), m.pattern().as_u32());
                if self.accepts(p, text, s, e) {
                    let info = &self.pats[p as usize];
                    if info.abbrev {
                        abbrevs.push((s, e, p));
                    } else {
                        out.push(Mention {
                            start: s,
                            end: e,
                            entity: EntityRef::Gazetteer(info.entity),
                            is_demonym: info.demonym,
                            rule: Rule::Gazetteer,
                        });
                    }
                    pos = e;
                    break;
                }
                found = self
                    .ac
                    .find(Input::new(text).span(s..e - 1).anchored(Anchored::Yes));
                if found.is_none() {
                    pos = s + text[s..].chars().next().map_or(1, char::len_utf8);
                }
            }
        }
        if !abbrevs.is_empty() {
            self.add_abbreviations(text, abbrevs, &mut out);
        }
        out
    }

    /// The boundary and guard checks of pattern `p` found at `s..e`.
    fn accepts(&self, p: u32, text: &str, s: usize, e: usize) -> bool {
        let info = &self.pats[p as usize];
        if info.check_left && text[..s].chars().next_back().is_some_and(is_word_char) {
            return false;
        }
        if info.check_right && text[e..].chars().next().is_some_and(is_word_char) {
            return false;
        }
        // `US$5 million`, `HK$20 million`: a currency's sign, not a mention of the place.
        if text[e..].starts_with('$') {
            return false;
        }
        info.guard.is_none_or(|g| self.guard_allows(g, text, s, e))
    }

    fn guard_allows(&self, g: u32, text: &str, s: usize, e: usize) -> bool {
        let guard = &self.guards[g as usize];
        let before = text[..s].chars().next_back();
        let after = text[e..].chars().next();
        !before.is_some_and(|c| guard.not_before.contains(&c))
            && !after.is_some_and(|c| guard.not_after.contains(&c))
    }

    /// Accepts the one-character abbreviations that no alias covers and whose context makes
    /// them a country.
    fn add_abbreviations(
        &self,
        text: &str,
        abbrevs: Vec<(usize, usize, u32)>,
        out: &mut Vec<Mention>,
    ) {
        let free = abbrevs;
        let mut added = Vec::new();
        for &(s, e, p) in &free {
            let info = &self.pats[p as usize];
            let pre = text[..s]
                .chars()
                .next_back()
                .is_some_and(|c| ZH_PRE_CUES.contains(&c));
            let ok = pre
                || (!info.pre_only
                    && (ZH_FOLLOW_CUES.iter().any(|cue| text[e..].starts_with(cue))
                        || free.iter().any(|&(s2, e2, p2)| {
                            !self.pats[p2 as usize].pre_only && (e2 == s || s2 == e)
                        })));
            if ok {
                added.push(Mention {
                    start: s,
                    end: e,
                    entity: EntityRef::Gazetteer(info.entity),
                    is_demonym: false,
                    rule: Rule::ZhAbbreviation,
                });
            }
        }
        if !added.is_empty() {
            out.extend(added);
            out.sort_by_key(|m| m.start);
        }
    }
}

fn edges(s: &str, entity: u32, demonym: bool, abbrev: bool, guard: Option<u32>) -> PatInfo {
    PatInfo {
        entity,
        demonym,
        abbrev,
        check_left: s.chars().next().is_some_and(is_word_char),
        check_right: s.chars().next_back().is_some_and(is_word_char),
        guard,
        pre_only: false,
    }
}
