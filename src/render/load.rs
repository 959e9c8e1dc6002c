//! The tables the pages are rendered from, as typed columns plus the indexes the pages
//! need (the site's article order, each article's claims). A table that is not built
//! yet is `None` here and its pages are left out.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, Result, anyhow, bail};
use arrow::array::{BooleanArray, Int32Array, ListArray, StringArray, TimestampMicrosecondArray};
use chrono::DateTime;

use super::model::{ArticleRef, When, lang_of};
use super::paging;
use super::tables::{Col, TableData, TableFiles};
use crate::tables::Table;

/// The publishers' offset from UTC: the tables store instants in zone `Asia/Shanghai`
/// (see [`crate::corpus::PUBLISHER_TIME_ZONE`]), which has been UTC+8 all year since 1991.
const PUBLISHER_OFFSET_SECONDS: i64 = 8 * 3600;
const PUBLISHER_OFFSET_LABEL: &str = "+08:00";

/// The tables as read from Parquet; [`SiteData`] borrows its columns from here.
pub struct Loaded {
    pub articles: TableData,
    pub claims: TableData,
}

impl Loaded {
    pub fn read(files: &TableFiles) -> Result<Self> {
        Ok(Loaded {
            articles: files.require(Table::Articles)?,
            claims: files.require(Table::Claims)?,
        })
    }
}

/// The `articles` columns the pages use.
pub struct ArticleCols<'a> {
    pub id: Col<'a, StringArray>,
    pub collection: Col<'a, StringArray>,
    pub title: Col<'a, StringArray>,
    pub source: Col<'a, StringArray>,
    pub published_at: Col<'a, TimestampMicrosecondArray>,
    pub core_label: Col<'a, StringArray>,
    pub n_claims: Col<'a, Int32Array>,
    pub source_file: Col<'a, StringArray>,
    pub source_line: Col<'a, Int32Array>,
    pub summary_line: Col<'a, Int32Array>,
}

impl<'a> ArticleCols<'a> {
    fn new(t: &'a TableData) -> Result<Self> {
        Ok(ArticleCols {
            id: t.str("article_id")?,
            collection: t.str("collection")?,
            title: t.str("title")?,
            source: t.str("source")?,
            published_at: t.timestamp("published_at")?,
            core_label: t.str("core_label")?,
            n_claims: t.i32("n_claims")?,
            source_file: t.str("source_file")?,
            source_line: t.i32("source_line")?,
            summary_line: t.i32("summary_line")?,
        })
    }
}

/// The `claims` columns the pages use.
pub struct ClaimCols<'a> {
    pub id: Col<'a, StringArray>,
    pub article_id: Col<'a, StringArray>,
    pub ordinal: Col<'a, Int32Array>,
    pub section_ordinal: Col<'a, Int32Array>,
    pub section_label: Col<'a, StringArray>,
    pub section_heading: Col<'a, StringArray>,
    pub is_core: Col<'a, BooleanArray>,
    pub text: Col<'a, StringArray>,
    pub citations: Col<'a, ListArray>,
}

impl<'a> ClaimCols<'a> {
    fn new(t: &'a TableData) -> Result<Self> {
        Ok(ClaimCols {
            id: t.str("claim_id")?,
            article_id: t.str("article_id")?,
            ordinal: t.i32("ordinal")?,
            section_ordinal: t.i32("section_ordinal")?,
            section_label: t.str("section_label")?,
            section_heading: t.str("section_heading")?,
            is_core: t.bool("is_core")?,
            text: t.str("text")?,
            citations: t.list("citations")?,
        })
    }
}

/// Counts and distributions shown on the overview.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub n_articles: usize,
    pub n_claims: usize,
    /// Claims citing at least one paragraph.
    pub n_cited: usize,
    /// Collections by name, with their article counts.
    pub collections: Vec<(String, usize)>,
    /// Sources by article count (most first), then name.
    pub sources: Vec<(String, usize)>,
    /// Every month from the first article's to the last's (`2025-10`), with its count.
    pub months: Vec<(String, usize)>,
    pub first: Option<When>,
    pub last: Option<When>,
}

/// Everything the pages are rendered from.
pub struct SiteData<'a> {
    pub articles: ArticleCols<'a>,
    pub claims: ClaimCols<'a>,
    /// Article rows in the site's order: newest first, then by id.
    pub order: Vec<u32>,
    /// Position in `order` of each article row.
    pub position: Vec<u32>,
    /// Each article row's claim rows, by ordinal: `claim_rows[claim_offsets[a]..claim_offsets[a + 1]]`.
    claim_offsets: Vec<u32>,
    claim_rows: Vec<u32>,
    pub stats: Stats,
}

impl<'a> SiteData<'a> {
    pub fn new(loaded: &'a Loaded) -> Result<Self> {
        let articles = ArticleCols::new(&loaded.articles)?;
        let claims = ClaimCols::new(&loaded.claims)?;
        let n = loaded.articles.len();
        if n > u32::MAX as usize || loaded.claims.len() > u32::MAX as usize {
            bail!("Too many rows to render ({n} articles)");
        }

        let mut row_of: HashMap<&str, u32> = HashMap::with_capacity(n);
        for i in 0..n {
            let id = articles.id.get(i);
            paging::check_id(id).with_context(|| format!("articles row {}", i + 1))?;
            if row_of.insert(id, i as u32).is_some() {
                bail!("The articles table has the id '{id}' twice");
            }
        }

        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            articles
                .published_at
                .get(b)
                .cmp(&articles.published_at.get(a))
                .then_with(|| articles.id.get(a).cmp(articles.id.get(b)))
        });
        let mut position = vec![0u32; n];
        for (pos, &row) in order.iter().enumerate() {
            position[row as usize] = pos as u32;
        }

        // Group the claims by article (counting sort keeps each article's claims in
        // table order), then order each article's claims by ordinal.
        let n_claims = loaded.claims.len();
        let mut claim_article = Vec::with_capacity(n_claims);
        let mut counts = vec![0u32; n + 1];
        for c in 0..n_claims {
            let aid = claims.article_id.get(c);
            let row = *row_of.get(aid).ok_or_else(|| {
                anyhow!(
                    "claims row {}: article_id '{aid}' is not in the articles table",
                    c + 1
                )
            })?;
            claim_article.push(row);
            counts[row as usize + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let claim_offsets = counts.clone();
        let mut next = counts;
        let mut claim_rows = vec![0u32; n_claims];
        for (c, &row) in claim_article.iter().enumerate() {
            claim_rows[next[row as usize] as usize] = c as u32;
            next[row as usize] += 1;
        }
        for a in 0..n {
            let (s, e) = (claim_offsets[a] as usize, claim_offsets[a + 1] as usize);
            claim_rows[s..e].sort_by_key(|&c| claims.ordinal.get(c as usize));
        }

        let mut data = SiteData {
            articles,
            claims,
            order,
            position,
            claim_offsets,
            claim_rows,
            stats: Stats::default(),
        };
        data.stats = data.compute_stats()?;
        Ok(data)
    }

    pub fn n_articles(&self) -> usize {
        self.order.len()
    }

    /// The claim rows of article row `row`, by ordinal.
    pub fn claims_of(&self, row: usize) -> &[u32] {
        let (s, e) = (
            self.claim_offsets[row] as usize,
            self.claim_offsets[row + 1] as usize,
        );
        &self.claim_rows[s..e]
    }

    /// When article row `row` was published.
    pub fn when(&self, row: usize) -> Result<When> {
        when(self.articles.published_at.get(row))
            .with_context(|| format!("article '{}'", self.articles.id.get(row)))
    }

    /// Article row `row` as it appears in lists and links.
    pub fn article_ref(&self, row: usize) -> Result<ArticleRef<'a>> {
        let a = &self.articles;
        let id = a.id.get(row);
        let title = a.title.get(row);
        let collection = a.collection.get(row);
        Ok(ArticleRef {
            id,
            url: paging::article_path(id),
            title,
            title_lang: lang_of(title),
            source: a.source.get(row),
            when: self.when(row)?,
            collection,
            collection_lang: lang_of(collection),
            n_claims: a.n_claims.get(row),
        })
    }

    fn compute_stats(&self) -> Result<Stats> {
        let n = self.n_articles();
        let mut collections: BTreeMap<&str, usize> = BTreeMap::new();
        let mut sources: BTreeMap<&str, usize> = BTreeMap::new();
        let mut months: BTreeMap<String, usize> = BTreeMap::new();
        for row in 0..n {
            *collections
                .entry(self.articles.collection.get(row))
                .or_default() += 1;
            *sources.entry(self.articles.source.get(row)).or_default() += 1;
            *months.entry(self.when(row)?.month).or_default() += 1;
        }
        let mut sources: Vec<(String, usize)> = sources
            .into_iter()
            .map(|(s, c)| (s.to_string(), c))
            .collect();
        sources.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let n_claims = self.claim_rows.len();
        let n_cited = (0..n_claims)
            .filter(|&c| !self.claims.citations.i32s(c).is_empty())
            .count();
        let (first, last) = match (self.order.last(), self.order.first()) {
            (Some(&f), Some(&l)) => (Some(self.when(f as usize)?), Some(self.when(l as usize)?)),
            _ => (None, None),
        };
        Ok(Stats {
            n_articles: n,
            n_claims,
            n_cited,
            collections: collections
                .into_iter()
                .map(|(s, c)| (s.to_string(), c))
                .collect(),
            sources,
            months: fill_months(&months),
            first,
            last,
        })
    }
}

/// Formats an instant (microseconds since the epoch, UTC) in the publishers' zone.
pub fn when(micros: i64) -> Result<When> {
    let local = micros
        .checked_add(PUBLISHER_OFFSET_SECONDS * 1_000_000)
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(|| anyhow!("publication time {micros} µs is out of range"))?
        .naive_utc();
    Ok(When {
        date: local.format("%Y-%m-%d").to_string(),
        minute: local.format("%Y-%m-%d %H:%M").to_string(),
        iso: format!(
            "{}{PUBLISHER_OFFSET_LABEL}",
            local.format("%Y-%m-%dT%H:%M:%S")
        ),
        month: local.format("%Y-%m").to_string(),
    })
}

/// The months between the first and the last key (`YYYY-MM`), gaps filled with zeros.
fn fill_months(counts: &BTreeMap<String, usize>) -> Vec<(String, usize)> {
    let parse = |m: &str| -> Option<(i32, u32)> {
        let (y, mo) = m.split_once('-')?;
        Some((y.parse().ok()?, mo.parse().ok()?))
    };
    let (Some(first), Some(last)) = (
        counts.keys().next().and_then(|m| parse(m)),
        counts.keys().next_back().and_then(|m| parse(m)),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last {
        let key = format!("{y:04}-{m:02}");
        out.push((key.clone(), counts.get(&key).copied().unwrap_or(0)));
        if m == 12 {
            (y, m) = (y + 1, 1);
        } else {
            m += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_the_publishers_zone() {
        // 2026-01-09 15:06 in Shanghai is 07:06 UTC.
        let micros = DateTime::parse_from_rfc3339("2026-01-09T07:06:00Z")
            .unwrap()
            .timestamp_micros();
        let w = when(micros).unwrap();
        assert_eq!(w.minute, "2026-01-09 15:06");
        assert_eq!(w.iso, "2026-01-09T15:06:00+08:00");
        assert_eq!(w.month, "2026-01");
        assert!(when(i64::MAX).is_err());
    }

    #[test]
    fn months_are_contiguous() {
        let counts: BTreeMap<String, usize> = [("2025-11".to_string(), 2), ("2026-02".into(), 1)]
            .into_iter()
            .collect();
        let months = fill_months(&counts);
        let keys: Vec<&str> = months.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(keys, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(months[1].1, 0);
    }
}
