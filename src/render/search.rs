//! The site's search index: static files that `assets/search.js` loads on demand, as
//! `<script>` elements (JSONP-style), so search works offline and from `file://`, where
//! browsers refuse `fetch()` of local files.
//!
//! Documents come in groups: an article followed by its claims (later: an entity). A
//! document's number is `group × stride + k` (`k` = 0 for the group's head), so a hit's
//! group is known without loading anything, and results are grouped and ordered by
//! group (the site's order: newest article first).
//!
//! - `search/manifest.js`: the stride, groups per docs file, the stop words and the list
//!   of term shards.
//! - `search/terms/<key>.js`: the terms starting with `key` and their postings (document
//!   numbers, delta-encoded). Shards are split by term prefix, one character at first and
//!   longer where a shard would be large, so a query loads only the shards of its words.
//! - `search/terms/<key>.<i>.js`: a shard still too large (a common word: its postings
//!   grow with the corpus) comes in `n` parts by equal ranges of groups: part `i` holds
//!   groups `i × w` to `(i + 1) × w` where `w = ⌈groups / n⌉`, and the manifest's `parts`
//!   gives each such key its `n` (a count, not a list of bounds: at a million articles
//!   the bounds were 78 kB of a manifest every query loads). Results are shown in group
//!   order, so a query reads the parts in order and stops once it has a page of results:
//!   the first page of a common word costs a part, not the word's whole list.
//! - `search/docs/<n / 1000>/<n>.js`: the documents of [`GROUPS_PER_CHUNK`] groups, each
//!   group a list of `[kind, url, text, meta]` (a member's `url` may be `#anchor`,
//!   relative to its head's). A result page loads only the files of the groups it shows.
//!
//! Terms: lowercase runs of letters and digits of two or more characters, minus stop
//! words; CJK text is indexed by character pairs, and each run's last character by itself
//! (so that every character starts a term: a one-character query finds it anywhere). A
//! query word matches every term it is a prefix of, and a document must match every word.
//! `assets/search.js` tokenizes queries the same way, without the last characters (a
//! query's pairs already require them).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::{Result, bail};
use rayon::prelude::*;
use serde::Serialize;

use super::model::is_cjk;
use super::site::OutputDir;
use crate::text::FastMap;

/// Groups per docs file.
pub const GROUPS_PER_CHUNK: usize = 16;
/// A term shard larger than this is split: by a longer prefix, and where that cannot go
/// on (a single term, or a key of [`MAX_KEY_CHARS`]), into parts by ranges of groups.
const SHARD_BYTES: usize = 48 * 1024;
/// Term shard keys are at most this many characters.
const MAX_KEY_CHARS: usize = 4;

/// Words too common to be worth indexing (queries drop them too).
pub const STOP_WORDS: &[&str] = &[
    "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it",
    "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were", "which", "will",
    "with",
];

/// What a document is; the search page shows each kind its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Article,
    Claim,
    Entity,
}

impl DocKind {
    fn code(self) -> &'static str {
        match self {
            DocKind::Article => "a",
            DocKind::Claim => "c",
            DocKind::Entity => "e",
        }
    }
}

/// One searchable document; its texts borrowed from the tables where they can be.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    pub kind: DocKind,
    /// Relative to the site root; for a group's member, `#anchor` is relative to the
    /// head's URL.
    pub url: Cow<'a, str>,
    /// What the result shows (a title, a claim's text).
    pub text: Cow<'a, str>,
    /// A second line (source and date).
    pub meta: Cow<'a, str>,
    /// Searched too, but not shown (an article's source).
    pub extra: Cow<'a, str>,
}

/// Whether `word` is a stop word. Every word of the corpus is looked up (at 100k
/// articles, comparing strings here was a third of tokenizing): a word no longer than
/// any stop word is packed into an integer, and the stop words' integers are scanned.
fn is_stop_word(word: &str) -> bool {
    static PACKED: std::sync::LazyLock<Vec<u64>> =
        std::sync::LazyLock::new(|| STOP_WORDS.iter().filter_map(|w| pack(w)).collect());
    pack(word).is_some_and(|p| PACKED.contains(&p))
}

/// A word of at most 7 bytes as an integer (its bytes, then zeros, then its length), so
/// that two such words are equal exactly when their integers are.
fn pack(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    (bytes.len() < 8).then(|| {
        let mut b = [0u8; 8];
        b[..bytes.len()].copy_from_slice(bytes);
        // The length tells "a" from "a\0".
        b[7] = bytes.len() as u8;
        u64::from_le_bytes(b)
    })
}

/// Splits text into index terms (see the module docs).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |t| out.push(t.to_string()));
    out
}

/// Calls `f` with each index term of `text`, in order, without allocating per term.
pub fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    let mut word_chars = 0;
    let mut cjk: Vec<char> = Vec::new();
    let mut pair = String::new();
    let flush_word = |word: &mut String, word_chars: &mut usize, f: &mut dyn FnMut(&str)| {
        if *word_chars >= 2 && !is_stop_word(word) {
            f(word);
        }
        word.clear();
        *word_chars = 0;
    };
    let flush_cjk = |cjk: &mut Vec<char>, pair: &mut String, f: &mut dyn FnMut(&str)| {
        for w in cjk.windows(2) {
            pair.clear();
            pair.push(w[0]);
            pair.push(w[1]);
            f(pair);
        }
        // The run's last character alone (a lone character is one): a one-character
        // query matches the terms it starts, and the last character starts no pair.
        if let Some(&last) = cjk.last() {
            pair.clear();
            pair.push(last);
            f(pair);
        }
        cjk.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if !cjk.is_empty() {
                flush_cjk(&mut cjk, &mut pair, &mut f);
            }
            word.push(c.to_ascii_lowercase());
            word_chars += 1;
        } else if is_cjk(c) {
            flush_word(&mut word, &mut word_chars, &mut f);
            cjk.push(c);
        } else if c.is_alphanumeric() {
            if !cjk.is_empty() {
                flush_cjk(&mut cjk, &mut pair, &mut f);
            }
            word.extend(c.to_lowercase());
            word_chars += 1;
        } else {
            flush_word(&mut word, &mut word_chars, &mut f);
            flush_cjk(&mut cjk, &mut pair, &mut f);
        }
    }
    flush_word(&mut word, &mut word_chars, &mut f);
    flush_cjk(&mut cjk, &mut pair, &mut f);
}

/// The file-name form of a shard key: ASCII letters and digits as they are, any other
/// character as `-<hex code point>-`, and `_` for the empty key of an index small enough
/// for one shard (the same function is in `assets/search.js`).
pub fn key_file_name(key: &str) -> String {
    if key.is_empty() {
        return "_".to_string();
    }
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else {
            let _ = write!(out, "-{:x}-", c as u32);
        }
    }
    out
}

/// The index of a sequence of document groups, which it builds when it needs them (once
/// for the postings, once for the docs files) instead of holding them: at a million
/// articles the documents alone would be gigabytes.
pub struct SearchIndex<'s> {
    groups: usize,
    /// The number of documents of group `g` (without building them).
    size: Box<dyn Fn(usize) -> usize + Sync + 's>,
    /// The documents of group `g`: its head, then its members.
    docs: Box<dyn Fn(usize) -> Result<Vec<Doc<'s>>> + Sync + 's>,
    /// The largest a term file should be ([`SHARD_BYTES`] unless a test says otherwise).
    shard_bytes: usize,
}

#[derive(Serialize)]
struct Manifest<'a> {
    groups: usize,
    stride: u64,
    chunk: usize,
    stop: &'a [&'a str],
    shards: Vec<&'a str>,
    /// For each key whose shard comes in parts, how many (of equal ranges of groups).
    parts: BTreeMap<&'a str, usize>,
}

impl<'s> SearchIndex<'s> {
    /// An index of `groups` groups; `size(g)` must be the length of `docs(g)`.
    pub fn new(
        groups: usize,
        size: impl Fn(usize) -> usize + Sync + 's,
        docs: impl Fn(usize) -> Result<Vec<Doc<'s>>> + Sync + 's,
    ) -> Self {
        SearchIndex {
            groups,
            size: Box::new(size),
            docs: Box::new(docs),
            shard_bytes: SHARD_BYTES,
        }
    }

    /// The largest a term file should be. Only tests change it: to see a large index's
    /// parts from a corpus small enough to build in a test.
    pub fn with_shard_bytes(mut self, bytes: usize) -> Self {
        self.shard_bytes = bytes.max(1);
        self
    }

    /// Group `g`'s documents, checked against its announced size (document numbers and
    /// the stride depend on it).
    fn group(&self, g: usize) -> Result<Vec<Doc<'s>>> {
        let docs = (self.docs)(g)?;
        if docs.len() != (self.size)(g) {
            bail!(
                "Search group {g} has {} documents, not the {} announced",
                docs.len(),
                (self.size)(g)
            );
        }
        Ok(docs)
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        (0..self.groups).map(|g| (self.size)(g)).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.groups == 0
    }

    /// The multiplier of document numbers: a power of two above the largest group.
    fn stride(&self) -> u64 {
        let largest = (0..self.groups).map(|g| (self.size)(g)).max().unwrap_or(0) as u64;
        (largest + 1).next_power_of_two().max(16)
    }

    /// The inverted index: each term (ascending) with its documents (ascending).
    fn postings(&self, stride: u64) -> Result<Vec<(String, TermDocs)>> {
        // Each thread indexes a contiguous range of groups. A term's documents are its
        // lists of the ranges in order, read one after the other: merging them into one
        // list held every posting twice for a while (0.45 GB more at a million
        // articles, the render's peak). A few ranges per thread keep both threads busy
        // to the end.
        let range = self
            .groups
            .div_ceil(4 * rayon::current_num_threads())
            .max(1024);
        // A fast fixed hasher: the keys are short words, hashed ten million times at 100k
        // articles.
        type Terms = FastMap<String, Postings>;
        let partials: Vec<Terms> = (0..self.groups.div_ceil(range))
            .into_par_iter()
            .map(|ci| {
                let mut map = Terms::default();
                for g in ci * range..((ci + 1) * range).min(self.groups) {
                    for (k, d) in self.group(g)?.iter().enumerate() {
                        let n = g as u64 * stride + k as u64;
                        // A term repeated within a document is added once: its list
                        // already ends with this document.
                        let mut add = |t: &str| match map.get_mut(t) {
                            Some(list) => list.push(n),
                            None => {
                                let mut list = Postings::default();
                                list.push(n);
                                map.insert(t.to_string(), list);
                            }
                        };
                        for_each_token(&d.text, &mut add);
                        for_each_token(&d.extra, &mut add);
                    }
                }
                Ok(map)
            })
            .collect::<Result<_>>()?;
        // Sorting by (term, range) puts each term's lists together and in order; only
        // the lists' headers move, never their bytes.
        let mut lists: Vec<(String, usize, Postings)> = partials
            .into_iter()
            .enumerate()
            .flat_map(|(ci, part)| part.into_iter().map(move |(t, l)| (t, ci, l)))
            .collect();
        lists.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut terms: Vec<(String, TermDocs)> = Vec::new();
        for (term, _, list) in lists {
            match terms.last_mut() {
                Some((last, docs)) if *last == term => docs.0.push(list),
                _ => terms.push((term, TermDocs(vec![list]))),
            }
        }
        Ok(terms)
    }

    /// Writes `search/…` into the site; returns the number of files.
    pub fn write(&self, site: &OutputDir) -> Result<usize> {
        let stride = self.stride();
        if (self.groups as u64)
            .checked_mul(stride)
            .is_none_or(|n| n > (1u64 << 53))
        {
            bail!("The search index is too large for JavaScript numbers");
        }
        // The lists stay varints until their shard is written: as JSON text all at once
        // they were three times the size (0.8 GB more at a million articles).
        let terms = self.postings(stride)?;
        let sizes: Vec<(&str, usize)> = terms
            .par_iter()
            .map(|(t, docs)| (t.as_str(), docs.json_len()))
            .collect();
        let mut shards: Vec<(String, Vec<usize>)> = Vec::new();
        split_shards(
            &sizes,
            &(0..terms.len()).collect::<Vec<_>>(),
            0,
            self.shard_bytes,
            &mut shards,
        );

        // How many parts each shard comes in, for those that do.
        let parts: Vec<Option<usize>> = shards
            .par_iter()
            .map(|(key, members)| {
                let size = shard_size(&sizes, members);
                if size <= self.shard_bytes {
                    // A whole shard is one part of unbounded width, under its key's name.
                    let body = &part_bodies(|_| key.clone(), &terms, members, u64::MAX, 1)[0];
                    site.write(
                        &format!("search/terms/{}.js", key_file_name(key)),
                        body.as_bytes(),
                    )?;
                    return Ok(None);
                }
                let n = size.div_ceil(self.shard_bytes);
                let width = self.groups.div_ceil(n).max(1) as u64 * stride;
                for (i, body) in part_bodies(|i| format!("{key}.{i}"), &terms, members, width, n)
                    .iter()
                    .enumerate()
                {
                    site.write(
                        &format!("search/terms/{}.{i}.js", key_file_name(key)),
                        body.as_bytes(),
                    )?;
                }
                Ok(Some(n))
            })
            .collect::<Result<_>>()?;
        drop(sizes);
        drop(terms);

        let n_chunks = self.groups.div_ceil(GROUPS_PER_CHUNK);
        (0..n_chunks).into_par_iter().try_for_each(|n| {
            let first = n * GROUPS_PER_CHUNK;
            let groups = (first..(first + GROUPS_PER_CHUNK).min(self.groups))
                .map(|g| self.group(g))
                .collect::<Result<Vec<_>>>()?;
            // Tuples serialize as JSON arrays: `[kind, url, text, meta]`.
            let rows: Vec<Vec<(&str, &str, &str, &str)>> = groups
                .iter()
                .map(|docs| {
                    docs.iter()
                        .map(|d| (d.kind.code(), &*d.url, &*d.text, &*d.meta))
                        .collect()
                })
                .collect();
            let body = format!(
                "gazetteSearch.docs({n},{});\n",
                crate::text::js_line_separators_escaped(serde_json::to_string(&rows)?)
            );
            site.write(&chunk_path(n), body.as_bytes())
        })?;

        let manifest = Manifest {
            groups: self.groups,
            stride,
            chunk: GROUPS_PER_CHUNK,
            stop: STOP_WORDS,
            shards: shards.iter().map(|(k, _)| k.as_str()).collect(),
            parts: shards
                .iter()
                .zip(&parts)
                .filter_map(|((k, _), p)| Some((k.as_str(), (*p)?)))
                .collect(),
        };
        let body = format!(
            "gazetteSearch.manifest({});\n",
            serde_json::to_string(&manifest)?
        );
        site.write("search/manifest.js", body.as_bytes())?;
        let term_files: usize = parts.iter().map(|p| p.unwrap_or(1)).sum();
        Ok(term_files + n_chunks + 1)
    }
}

/// Where docs file `n` goes (folders of a thousand files).
pub fn chunk_path(n: usize) -> String {
    format!("search/docs/{}/{n}.js", n / 1000)
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// `[first, gap, gap, …]`
/// A term's documents, ascending, kept as the gaps between them (the first from 0) in
/// LEB128 varints: a byte or two a posting instead of eight. At a million articles the
/// postings held as numbers were 2.4 GB, the largest allocation of the render. The
/// index files store the same gaps.
#[derive(Debug, Default)]
struct Postings {
    last: Option<u64>,
    gaps: Vec<u8>,
}

impl Postings {
    /// Adds document `n` (at or after the last one; a repeat is ignored).
    fn push(&mut self, n: u64) {
        let gap = match self.last {
            Some(last) if last == n => return,
            Some(last) => n - last,
            None => n,
        };
        let mut v = gap;
        while v >= 0x80 {
            self.gaps.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.gaps.push(v as u8);
        self.last = Some(n);
    }

    fn gaps_iter(&self) -> Gaps<'_> {
        Gaps {
            bytes: &self.gaps,
            at: 0,
        }
    }
}

/// A term's documents: its [`Postings`] in each range of groups that has it, the
/// ranges in order, so that the documents of each list follow the previous list's.
#[derive(Debug, Default)]
struct TermDocs(Vec<Postings>);

impl TermDocs {
    /// The gaps between the documents of all the lists, the first from 0: each list's
    /// first gap is its first document, which becomes its distance from the previous
    /// list's last.
    fn gaps(&self) -> impl Iterator<Item = u64> + '_ {
        let mut previous = 0;
        self.0.iter().flat_map(move |list| {
            let from = previous;
            previous = list.last.unwrap_or(from);
            let mut gaps = list.gaps_iter();
            let first = gaps.next().map(|n| n - from);
            first.into_iter().chain(gaps)
        })
    }

    /// The documents themselves, ascending.
    fn docs(&self) -> impl Iterator<Item = u64> + '_ {
        self.gaps().scan(0, |n, gap| {
            *n += gap;
            Some(*n)
        })
    }

    /// Appends the gaps as a JSON array (the text [`TermDocs::json_len`] measures; the
    /// files are written by `part_bodies`).
    #[cfg(test)]
    fn write_json(&self, s: &mut String) {
        s.push('[');
        let mut digits = itoa::Buffer::new();
        for (i, gap) in self.gaps().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(digits.format(gap));
        }
        s.push(']');
    }

    /// The length of [`TermDocs::write_json`]'s text.
    fn json_len(&self) -> usize {
        let (n, digits) = self.gaps().fold((0usize, 0), |(n, digits), gap| {
            (
                n + 1,
                digits + gap.checked_ilog10().unwrap_or(0) as usize + 1,
            )
        });
        digits + n.saturating_sub(1) + 2
    }
}

/// Decodes [`Postings`]' varints.
struct Gaps<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Iterator for Gaps<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
            shift += 7;
        }
    }
}

fn prefix(term: &str, chars: usize) -> &str {
    match term.char_indices().nth(chars) {
        Some((b, _)) => &term[..b],
        None => term,
    }
}

/// Groups terms (sorted) into shards by their first `len` characters (all of them in
/// one shard with the empty key, for `len` 0); a group too large
/// for one file is split by one more character (its terms no longer than the key stay
/// in the key's own shard). A term lands in the shard with the longest key that is a
/// prefix of it; a query word needs the shards whose key is a prefix of it or starts
/// with it.
/// `terms`: each term with the length of its list's text.
fn split_shards(
    terms: &[(&str, usize)],
    members: &[usize],
    len: usize,
    shard_bytes: usize,
    out: &mut Vec<(String, Vec<usize>)>,
) {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &m in members {
        groups.entry(prefix(terms[m].0, len)).or_default().push(m);
    }
    for (key, group) in groups {
        let size = shard_size(terms, &group);
        if size <= shard_bytes || len >= MAX_KEY_CHARS || group.len() == 1 {
            out.push((key.to_string(), group));
            continue;
        }
        let (own, longer): (Vec<usize>, Vec<usize>) = group
            .into_iter()
            .partition(|&m| terms[m].0.chars().count() <= len);
        if !own.is_empty() {
            out.push((key.to_string(), own));
        }
        split_shards(terms, &longer, len + 1, shard_bytes, out);
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
}

/// About the size of a shard's file: its terms (with the length of each list's text).
fn shard_size(terms: &[(&str, usize)], members: &[usize]) -> usize {
    members
        .iter()
        .map(|&m| terms[m].0.len() + terms[m].1 + 4)
        .sum()
}

/// The files of a shard's `n` parts, part `i` named `name(i)` (a whole shard is one part
/// of unbounded width): part `i` holds, of each term, the documents
/// `i × width..(i + 1) × width` (its list's first gap from 0, as in a whole shard), and
/// only the terms that have some; a part may hold none. Each term's list is read once.
fn part_bodies(
    name: impl Fn(usize) -> String,
    terms: &[(String, TermDocs)],
    members: &[usize],
    width: u64,
    n: usize,
) -> Vec<String> {
    let mut bodies: Vec<String> = (0..n)
        .map(|i| format!("gazetteSearch.shard({},{{", json(&name(i))))
        .collect();
    let mut has_terms = vec![false; n];
    let mut digits = itoa::Buffer::new();
    for &m in members {
        let (term, list) = &terms[m];
        // The part being written, and the document before, in it.
        let mut open: Option<(usize, u64)> = None;
        for doc in list.docs() {
            let part = ((doc / width) as usize).min(n - 1);
            let previous = match open {
                Some((p, previous)) if p == part => {
                    bodies[part].push(',');
                    previous
                }
                _ => {
                    if let Some((p, _)) = open {
                        bodies[p].push(']');
                    }
                    let body = &mut bodies[part];
                    if has_terms[part] {
                        body.push(',');
                    }
                    has_terms[part] = true;
                    body.push_str(&json(term));
                    body.push_str(":[");
                    0
                }
            };
            bodies[part].push_str(digits.format(doc - previous));
            open = Some((part, doc));
        }
        if let Some((p, _)) = open {
            bodies[p].push(']');
        }
    }
    for body in &mut bodies {
        body.push_str("});\n");
    }
    bodies
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_words_and_cjk_pairs() {
        assert_eq!(
            tokens("China's gallium (Ga) output: 98% of the world; 稀土出口 镓"),
            [
                "china", "gallium", "ga", "output", "98", "world", "稀土", "土出", "出口", "口",
                "镓"
            ]
        );
        // Every character of a CJK run starts one of its terms, the last one too.
        let title = "韩国想挖稀土\"抗衡中国\"，形势变得严峻!";
        let terms = tokens(title);
        for c in title.chars().filter(|&c| is_cjk(c)) {
            assert!(terms.iter().any(|t| t.starts_with(c)), "{c} in {terms:?}");
        }
        assert_eq!(tokens("U.S. a I"), Vec::<String>::new());
        assert_eq!(tokens("ÉNERGIE"), ["énergie"]);
        assert_eq!(tokens("the rate of which the Its"), ["rate"]);
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        assert!(
            ![
                "a",
                "ant",
                "tho",
                "withs",
                "zz",
                "a\0",
                "the\0",
                "thesaurus"
            ]
            .iter()
            .any(|w| is_stop_word(w))
        );
        // Every stop word packs; words of up to 7 bytes pack apart.
        assert!(STOP_WORDS.iter().all(|w| pack(w).is_some()));
        assert_ne!(pack("a"), pack("a\0"));
        assert_ne!(pack("ab"), pack("ba"));
        assert_eq!(pack("abcdefgh"), None);
    }

    #[test]
    fn key_names_are_ascii() {
        assert_eq!(key_file_name("ga"), "ga");
        assert_eq!(key_file_name("稀土"), "-7a00--571f-");
        assert_eq!(key_file_name("é"), "-e9-");
        assert_eq!(key_file_name(""), "_");
    }

    #[test]
    fn large_shards_split_by_longer_prefixes() {
        let big = 2 * (SHARD_BYTES / 3) + 3;
        let terms: Vec<(&str, usize)> = vec![
            ("ga", 3),
            ("gallium", big),
            ("gas", big),
            ("go", 3),
            ("zz", 3),
        ];
        let mut out = Vec::new();
        split_shards(&terms, &[0, 1, 2, 3, 4], 0, SHARD_BYTES, &mut out);
        let keys: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["ga", "gal", "gas", "go", "z"]);
        let mut small = Vec::new();
        split_shards(&terms, &[0, 3, 4], 0, SHARD_BYTES, &mut small);
        assert_eq!(small.len(), 1, "a small index is one shard");
        assert_eq!(small[0].0, "");
        // Every term is in exactly one shard, under the longest key that prefixes it.
        let mut all: Vec<usize> = out.iter().flat_map(|(_, m)| m.clone()).collect();
        all.sort();
        assert_eq!(all, [0, 1, 2, 3, 4]);
    }

    fn doc(text: &str) -> Doc<'_> {
        Doc {
            kind: DocKind::Claim,
            url: "a.html".into(),
            text: text.into(),
            meta: "".into(),
            extra: "".into(),
        }
    }

    #[test]
    fn postings_are_ascending_and_numbered_by_group() {
        let idx = SearchIndex::new(
            5_000,
            |g| 1 + g % 20,
            |g| {
                let mut docs = vec![doc("article")];
                for k in 0..(g % 20) {
                    docs.push(doc(if k % 3 == 0 { "gallium" } else { "germanium" }));
                }
                Ok(docs)
            },
        );
        assert_eq!(idx.len(), (0..5_000).map(|g| 1 + g % 20).sum::<usize>());
        let stride = idx.stride();
        assert_eq!(stride, 32, "20 documents per group at most");
        let terms = idx.postings(stride).unwrap();
        assert!(
            terms.windows(2).all(|w| w[0].0 < w[1].0),
            "terms ascending, once"
        );
        assert!(
            terms.iter().any(|(_, docs)| docs.0.len() > 1),
            "some term in more than one range of groups"
        );
        let p: BTreeMap<String, TermDocs> = terms.into_iter().collect();
        let docs = |t: &str| p[t].docs().collect::<Vec<_>>();
        assert_eq!(docs("article").len(), 5_000);
        assert_eq!(docs("article")[1], stride, "group 1's head");
        assert_eq!(docs("gallium")[0], stride + 1, "group 1, first member");
        assert!(docs("germanium").windows(2).all(|w| w[0] < w[1]));
        // Group by group, across the threads' ranges.
        let germanium: Vec<u64> = (0..5_000u64)
            .flat_map(|g| {
                (0..g % 20)
                    .filter(|k| k % 3 != 0)
                    .map(move |k| g * 32 + k + 1)
            })
            .collect();
        assert_eq!(docs("germanium"), germanium);
    }

    #[test]
    fn postings_keep_gaps_of_any_size() {
        let docs = [0, 3, 5, 9, 127, 128, 300, 16_384, 1 << 40, (1 << 53) - 1];
        let mut p = Postings::default();
        for d in docs {
            p.push(d);
            p.push(d);
        }
        let whole = TermDocs(vec![p]);
        assert_eq!(
            whole.docs().collect::<Vec<_>>(),
            docs,
            "each once, whatever the gap"
        );
        // The same documents in lists of consecutive ranges (one without any).
        let list = |docs: &[u64]| {
            let mut p = Postings::default();
            docs.iter().for_each(|&d| p.push(d));
            p
        };
        let split = TermDocs(vec![
            list(&docs[..4]),
            Postings::default(),
            list(&docs[4..5]),
            list(&docs[5..]),
        ]);
        assert_eq!(split.docs().collect::<Vec<_>>(), docs);
        let json = |p: &TermDocs| {
            let mut s = String::new();
            p.write_json(&mut s);
            assert_eq!(s.len(), p.json_len(), "{s}");
            s
        };
        assert_eq!(json(&TermDocs(vec![list(&[3, 5, 9])])), "[3,2,4]");
        assert_eq!(
            json(&whole),
            "[0,3,2,4,118,1,172,16084,1099511611392,9006099743113215]"
        );
        assert_eq!(json(&split), json(&whole));
        assert_eq!(json(&TermDocs::default()), "[]");
    }

    /// The JSON of a `gazetteSearch.<call>(…);` file: its arguments as an array.
    fn call_args(text: &str) -> serde_json::Value {
        let args = &text[text.find('(').unwrap() + 1..text.rfind(");").unwrap()];
        serde_json::from_str(&format!("[{args}]")).unwrap()
    }

    #[test]
    fn a_large_shard_comes_in_parts_that_hold_each_document_once() {
        // "common" in every group's head, "even" in every even group's claim, "rare" in
        // the last group only: at 256 bytes a file, the "c" and "e" shards come in parts.
        let groups = 600;
        let idx = SearchIndex::new(
            groups,
            |_| 2,
            |g| {
                let claim = match g {
                    599 => "rare",
                    g if g % 2 == 0 => "even",
                    _ => "odd",
                };
                Ok(vec![doc("common"), doc(claim)])
            },
        )
        .with_shard_bytes(256);
        let dir = tempfile::tempdir().unwrap();
        idx.write(&OutputDir::new(dir.path())).unwrap();
        let read =
            |rel: &str| std::fs::read_to_string(dir.path().join("search").join(rel)).unwrap();
        let manifest = call_args(&read("manifest.js"))[0].clone();
        let parts = manifest["parts"].as_object().unwrap();
        let count = |key: &str| parts[key].as_u64().unwrap();
        assert!(count("c") > 1 && count("e") > 1, "{manifest}");
        assert!(
            !parts.contains_key("r"),
            "a small shard stays whole: {manifest}"
        );
        let stride = manifest["stride"].as_u64().unwrap();
        // Each key's parts, read in order, give each of its terms' documents once.
        let mut found: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for key in manifest["shards"].as_array().unwrap() {
            let key = key.as_str().unwrap();
            let files: Vec<(String, Option<(u64, u64)>)> = match parts.get(key) {
                None => vec![(format!("terms/{}.js", key_file_name(key)), None)],
                Some(_) => {
                    // Equal ranges of groups, the last to the end.
                    let n = count(key);
                    let width = (groups as u64).div_ceil(n);
                    (0..n)
                        .map(|i| {
                            let end = if i + 1 == n {
                                u64::MAX / stride
                            } else {
                                (i + 1) * width
                            };
                            (
                                format!("terms/{}.{i}.js", key_file_name(key)),
                                Some((i * width, end)),
                            )
                        })
                        .collect()
                }
            };
            for (i, (file, range)) in files.iter().enumerate() {
                let text = read(file);
                assert!(
                    text.len() <= 2 * 256 + 64,
                    "{file} has {} bytes",
                    text.len()
                );
                let args = call_args(&text);
                let want = if range.is_some() {
                    format!("{key}.{i}")
                } else {
                    key.into()
                };
                assert_eq!(args[0], want.as_str(), "{file}");
                for (term, gaps) in args[1].as_object().unwrap() {
                    let mut n = 0;
                    let docs: Vec<u64> = gaps
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|g| {
                            n += g.as_u64().unwrap();
                            n
                        })
                        .collect();
                    assert!(!docs.is_empty(), "{file}: {term} listed without documents");
                    if let Some((lo, hi)) = range {
                        assert!(
                            docs.iter().all(|d| (lo * stride..hi * stride).contains(d)),
                            "{file}: {term} {docs:?} outside groups {lo}..{hi}"
                        );
                    }
                    found.entry(term.clone()).or_default().extend(docs);
                }
            }
        }
        let expect = |pred: &dyn Fn(u64) -> bool, k: u64| -> Vec<u64> {
            (0..groups as u64)
                .filter(|&g| pred(g))
                .map(|g| g * stride + k)
                .collect()
        };
        assert_eq!(found["common"], expect(&|_| true, 0));
        assert_eq!(found["even"], expect(&|g| g % 2 == 0, 1));
        assert_eq!(found["odd"], expect(&|g| g % 2 == 1 && g != 599, 1));
        assert_eq!(found["rare"], [599 * stride + 1]);
        assert_eq!(found.len(), 4);
    }

    #[test]
    fn a_group_unlike_its_announced_size_is_an_error() {
        let idx = SearchIndex::new(3, |_| 2, |g| Ok(vec![doc("a"); 1 + g]));
        let err = idx.postings(idx.stride()).unwrap_err().to_string();
        assert_eq!(err, "Search group 0 has 1 documents, not the 2 announced");
    }
}
