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
//! - `search/docs/<n / 1000>/<n>.js`: the documents of [`GROUPS_PER_CHUNK`] groups, each
//!   group a list of `[kind, url, text, meta]` (a member's `url` may be `#anchor`,
//!   relative to its head's). A result page loads only the files of the groups it shows.
//!
//! Terms: lowercase runs of letters and digits of two or more characters, minus stop
//! words; CJK text is indexed by character pairs (a lone character by itself). A query
//! word matches every term it is a prefix of, and a document must match every word.
//! `assets/search.js` tokenizes queries the same way.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use anyhow::{Result, bail};
use rayon::prelude::*;
use serde::Serialize;

use super::model::is_cjk;
use super::site::OutputDir;
use crate::text::FastBuildHasher;

/// Groups per docs file.
pub const GROUPS_PER_CHUNK: usize = 16;
/// A term shard larger than this is split by a longer prefix.
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

/// One searchable document.
#[derive(Debug, Clone)]
pub struct Doc {
    pub kind: DocKind,
    /// Relative to the site root; for a group's member, `#anchor` is relative to the
    /// head's URL.
    pub url: String,
    /// What the result shows (a title, a claim's text).
    pub text: String,
    /// A second line (source and date).
    pub meta: String,
    /// Searched too, but not shown (an article's source).
    pub extra: String,
}

/// Whether `word` is a stop word. Every word of the corpus is looked up: most are longer
/// than any stop word and need no comparison.
fn is_stop_word(word: &str) -> bool {
    const LONGEST: usize = 5;
    word.len() <= LONGEST && STOP_WORDS.contains(&word)
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
        if cjk.len() == 1 {
            pair.clear();
            pair.push(cjk[0]);
            f(pair);
        }
        for w in cjk.windows(2) {
            pair.clear();
            pair.push(w[0]);
            pair.push(w[1]);
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

/// Collects documents and writes the index.
#[derive(Default)]
pub struct SearchIndex {
    groups: Vec<Vec<Doc>>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    groups: usize,
    stride: u64,
    chunk: usize,
    stop: &'a [&'a str],
    shards: Vec<&'a str>,
}

impl SearchIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a group: its head (an article) and its members (the article's claims).
    pub fn add_group(&mut self, docs: Vec<Doc>) {
        self.groups.push(docs);
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.groups.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The multiplier of document numbers: a power of two above the largest group.
    fn stride(&self) -> u64 {
        let largest = self.groups.iter().map(Vec::len).max().unwrap_or(0) as u64;
        (largest + 1).next_power_of_two().max(16)
    }

    /// The inverted index: term → ascending document numbers.
    fn postings(&self, stride: u64) -> BTreeMap<String, Vec<u64>> {
        // Each thread indexes a contiguous range of groups; merging the ranges in order
        // keeps every posting list ascending whatever the ranges. A few ranges per thread:
        // the merge is serial, and merging a hundred ranges took a second at 100k
        // articles.
        let range = self
            .groups
            .len()
            .div_ceil(4 * rayon::current_num_threads())
            .max(1024);
        // FNV: the keys are short words, hashed ten million times at 100k articles.
        type Terms = HashMap<String, Vec<u64>, FastBuildHasher>;
        let partials: Vec<Terms> = self
            .groups
            .par_chunks(range)
            .enumerate()
            .map(|(ci, groups)| {
                let mut map = Terms::default();
                for (gi, docs) in groups.iter().enumerate() {
                    let g = (ci * range + gi) as u64;
                    for (k, d) in docs.iter().enumerate() {
                        let n = g * stride + k as u64;
                        // A term repeated within a document is added once: its list
                        // already ends with this document.
                        let mut add = |t: &str| match map.get_mut(t) {
                            Some(list) => {
                                if list.last() != Some(&n) {
                                    list.push(n);
                                }
                            }
                            None => {
                                map.insert(t.to_string(), vec![n]);
                            }
                        };
                        for_each_token(&d.text, &mut add);
                        for_each_token(&d.extra, &mut add);
                    }
                }
                map
            })
            .collect();
        let mut all: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for part in partials {
            let mut part: Vec<(String, Vec<u64>)> = part.into_iter().collect();
            part.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            for (term, list) in part {
                all.entry(term).or_default().extend(list);
            }
        }
        all
    }

    /// Writes `search/…` into the site; returns the number of files.
    pub fn write(&self, site: &OutputDir) -> Result<usize> {
        let stride = self.stride();
        if (self.groups.len() as u64)
            .checked_mul(stride)
            .is_none_or(|n| n > (1u64 << 53))
        {
            bail!("The search index is too large for JavaScript numbers");
        }
        let postings = self.postings(stride);
        let postings: Vec<(&String, &Vec<u64>)> = postings.iter().collect();
        let terms: Vec<(&str, String)> = postings
            .par_iter()
            .map(|(t, docs)| (t.as_str(), delta_json(docs)))
            .collect();
        let mut shards: Vec<(String, Vec<usize>)> = Vec::new();
        split_shards(
            &terms,
            &(0..terms.len()).collect::<Vec<_>>(),
            0,
            &mut shards,
        );

        shards.par_iter().try_for_each(|(key, members)| {
            let mut body = String::with_capacity(1024);
            let _ = write!(body, "gazetteSearch.shard({},{{", json(key));
            for (j, &m) in members.iter().enumerate() {
                if j > 0 {
                    body.push(',');
                }
                let (term, list) = &terms[m];
                body.push_str(&json(term));
                body.push(':');
                body.push_str(list);
            }
            body.push_str("});\n");
            site.write(
                &format!("search/terms/{}.js", key_file_name(key)),
                body.as_bytes(),
            )
        })?;

        let chunks: Vec<&[Vec<Doc>]> = self.groups.chunks(GROUPS_PER_CHUNK).collect();
        chunks.par_iter().enumerate().try_for_each(|(n, groups)| {
            // Tuples serialize as JSON arrays: `[kind, url, text, meta]`.
            let rows: Vec<Vec<(&str, &str, &str, &str)>> = groups
                .iter()
                .map(|docs| {
                    docs.iter()
                        .map(|d| {
                            (
                                d.kind.code(),
                                d.url.as_str(),
                                d.text.as_str(),
                                d.meta.as_str(),
                            )
                        })
                        .collect()
                })
                .collect();
            let body = format!(
                "gazetteSearch.docs({n},{});\n",
                serde_json::to_string(&rows)?
            );
            site.write(&chunk_path(n), body.as_bytes())
        })?;

        let manifest = Manifest {
            groups: self.groups.len(),
            stride,
            chunk: GROUPS_PER_CHUNK,
            stop: STOP_WORDS,
            shards: shards.iter().map(|(k, _)| k.as_str()).collect(),
        };
        let body = format!(
            "gazetteSearch.manifest({});\n",
            serde_json::to_string(&manifest)?
        );
        site.write("search/manifest.js", body.as_bytes())?;
        Ok(shards.len() + chunks.len() + 1)
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
fn delta_json(docs: &[u64]) -> String {
    let mut s = String::with_capacity(docs.len() * 4 + 2);
    s.push('[');
    let mut prev = 0;
    let mut digits = itoa::Buffer::new();
    for (i, &d) in docs.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(digits.format(d - prev));
        prev = d;
    }
    s.push(']');
    s
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
fn split_shards(
    terms: &[(&str, String)],
    members: &[usize],
    len: usize,
    out: &mut Vec<(String, Vec<usize>)>,
) {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &m in members {
        groups.entry(prefix(terms[m].0, len)).or_default().push(m);
    }
    for (key, group) in groups {
        let size: usize = group
            .iter()
            .map(|&m| terms[m].0.len() + terms[m].1.len() + 4)
            .sum();
        if size <= SHARD_BYTES || len >= MAX_KEY_CHARS || group.len() == 1 {
            out.push((key.to_string(), group));
            continue;
        }
        let (own, longer): (Vec<usize>, Vec<usize>) = group
            .into_iter()
            .partition(|&m| terms[m].0.chars().count() <= len);
        if !own.is_empty() {
            out.push((key.to_string(), own));
        }
        split_shards(terms, &longer, len + 1, out);
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_words_and_cjk_pairs() {
        assert_eq!(
            tokens("China's gallium (Ga) output: 98% of the world; 稀土出口 镓"),
            [
                "china", "gallium", "ga", "output", "98", "world", "稀土", "土出", "出口", "镓"
            ]
        );
        assert_eq!(tokens("U.S. a I"), Vec::<String>::new());
        assert_eq!(tokens("ÉNERGIE"), ["énergie"]);
        assert_eq!(tokens("the rate of which the Its"), ["rate"]);
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
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
        let big = "[".to_string() + &"1,".repeat(SHARD_BYTES / 3) + "1]";
        let terms: Vec<(&str, String)> = vec![
            ("ga", "[1]".into()),
            ("gallium", big.clone()),
            ("gas", big.clone()),
            ("go", "[2]".into()),
            ("zz", "[3]".into()),
        ];
        let mut out = Vec::new();
        split_shards(&terms, &[0, 1, 2, 3, 4], 0, &mut out);
        let keys: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["ga", "gal", "gas", "go", "z"]);
        let mut small = Vec::new();
        split_shards(&terms, &[0, 3, 4], 0, &mut small);
        assert_eq!(small.len(), 1, "a small index is one shard");
        assert_eq!(small[0].0, "");
        // Every term is in exactly one shard, under the longest key that prefixes it.
        let mut all: Vec<usize> = out.iter().flat_map(|(_, m)| m.clone()).collect();
        all.sort();
        assert_eq!(all, [0, 1, 2, 3, 4]);
    }

    fn doc(text: &str) -> Doc {
        Doc {
            kind: DocKind::Claim,
            url: "a.html".into(),
            text: text.into(),
            meta: String::new(),
            extra: String::new(),
        }
    }

    #[test]
    fn postings_are_ascending_and_numbered_by_group() {
        let mut idx = SearchIndex::new();
        for g in 0..5_000 {
            let mut docs = vec![doc("article")];
            for k in 0..(g % 20) {
                docs.push(doc(if k % 3 == 0 { "gallium" } else { "germanium" }));
            }
            idx.add_group(docs);
        }
        let stride = idx.stride();
        assert_eq!(stride, 32, "20 documents per group at most");
        let p = idx.postings(stride);
        assert_eq!(p["article"].len(), 5_000);
        assert_eq!(p["article"][1], stride, "group 1's head");
        assert_eq!(p["gallium"][0], stride + 1, "group 1, first member");
        assert!(p["germanium"].windows(2).all(|w| w[0] < w[1]));
        assert_eq!(delta_json(&[3, 5, 9]), "[3,2,4]");
    }
}
