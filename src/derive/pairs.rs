//! `entity_cooccurrence` counted straight from the mentions, without polars' self-joins.
//!
//! The dataset is defined by its SQL (`sql/entity_cooccurrence.sql`): DuckDB and Spark run
//! it unchanged over the published tables and compare their rows with these
//! (`tests/python/sql_engines.py`), polars runs it wherever the mentions are not grouped
//! by article, and a test holds polars' result and this one to the same bytes. In polars
//! the query joins each article's entities with themselves: k² rows for an article that
//! mentions k entities, 68 million rows at 100k articles and most of the derive's time
//! (3.7 s of 6.6 s). Here each article's pairs are counted as its mentions are read, into
//! one map keyed by the pair, so nothing grows with k² but the count of distinct pairs.

use std::path::PathBuf;

use anyhow::{Context, Result};
use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType as ArrowType, TimeUnit as ArrowUnit};
use polars::prelude::{Column, DataFrame, DataType, TimeUnit, TimeZone};

use super::mentions::{all_but, for_each_mention, path_of, strings};
use crate::tables::{Table, partition};
use crate::text::FastMap;

/// What the mentions say about one pair of entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pair {
    n_claims: u32,
    n_articles: u32,
    /// Earliest and latest publication (microseconds), `i64::MAX` / `i64::MIN` while no
    /// article with a known time has been counted (SQL's MIN and MAX skip nulls).
    first: i64,
    last: i64,
}

impl Default for Pair {
    fn default() -> Self {
        Pair {
            n_claims: 0,
            n_articles: 0,
            first: i64::MAX,
            last: i64::MIN,
        }
    }
}

impl Pair {
    /// Adds the counts of the same pair in other articles.
    fn add(&mut self, other: &Pair) {
        self.n_claims += other.n_claims;
        self.n_articles += other.n_articles;
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
    }
}

/// A pair as one integer: the smaller entity's rank in the high half, the other's in the
/// low half. Hashing one integer is what makes a map of pairs cheaper than the join.
fn pair_key(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// Counts the pairs of entities of one article at a time.
#[derive(Default)]
struct PairCounter {
    pairs: FastMap<u64, Pair>,
    /// The current article's entity ranks, and (claim ordinal, rank) of its claims'.
    entities: Vec<u32>,
    claims: Vec<(i32, u32)>,
}

impl PairCounter {
    /// Counts the article whose mentions were given since the last call.
    fn end_article(&mut self, published: Option<i64>) {
        let entities = &mut self.entities;
        entities.sort_unstable();
        entities.dedup();
        for (i, &a) in entities.iter().enumerate() {
            for &b in &entities[i + 1..] {
                let p = self.pairs.entry(pair_key(a, b)).or_default();
                p.n_articles += 1;
                if let Some(t) = published {
                    p.first = p.first.min(t);
                    p.last = p.last.max(t);
                }
            }
        }
        let claims = &mut self.claims;
        claims.sort_unstable();
        claims.dedup();
        for claim in claims.chunk_by(|x, y| x.0 == y.0) {
            for (i, &(_, a)) in claim.iter().enumerate() {
                for &(_, b) in &claim[i + 1..] {
                    // Every claim's pair is one of its article's, counted just above.
                    self.pairs.entry(pair_key(a, b)).or_default().n_claims += 1;
                }
            }
        }
        entities.clear();
        claims.clear();
    }

    /// The pairs in the dataset's order: most articles first, then most claims, then by
    /// the two entities' ids (ranks follow the ids' order).
    fn into_sorted(self) -> Vec<(u64, Pair)> {
        let mut rows: Vec<(u64, Pair)> = self.pairs.into_iter().collect();
        rows.sort_unstable_by(|(ka, a), (kb, b)| {
            b.n_articles
                .cmp(&a.n_articles)
                .then(b.n_claims.cmp(&a.n_claims))
                .then(ka.cmp(kb))
        });
        rows
    }
}

/// An article as the mentions meet it: its index in the articles table and its
/// publication (microseconds).
type Known = (usize, Option<i64>);

/// Mentions read but not yet counted: each article's, one article after another.
#[derive(Default)]
struct Pending {
    entities: Vec<u32>,
    claims: Vec<(i32, u32)>,
    /// Per article: where its mentions end in `entities` and in `claims`, and when it was
    /// published.
    ends: Vec<(usize, usize, Option<i64>)>,
}

impl Pending {
    /// Counts the articles `articles` into `counter`.
    fn count(&self, articles: std::ops::Range<usize>, counter: &mut PairCounter) {
        for i in articles {
            let (e0, c0) = match i {
                0 => (0, 0),
                _ => (self.ends[i - 1].0, self.ends[i - 1].1),
            };
            let (e1, c1, published) = self.ends[i];
            counter.entities.extend_from_slice(&self.entities[e0..e1]);
            counter.claims.extend_from_slice(&self.claims[c0..c1]);
            counter.end_article(published);
        }
    }
}

/// Mentions gathered before their articles are counted, half of them on each of two
/// threads (a million articles: 5.3 s on one).
const COUNT_EVERY_MENTIONS: usize = 1 << 16;

/// Follows the mentions article by article and counts them a few thousand articles at a
/// time. The counting relies on an article's mentions lying next to each other;
/// [`ArticleRuns::article`] tells when they do not.
struct ArticleRuns {
    pending: Pending,
    /// Two counters, one per thread; their pairs are added up at the end (sums, minima
    /// and maxima: the order the articles were counted in does not matter).
    counters: [PairCounter; 2],
    count_every: usize,
    /// The article whose mentions are being read (its index), and its publication.
    current: Option<Known>,
    seen: Vec<bool>,
}

impl ArticleRuns {
    fn new(articles: usize, count_every: usize) -> Self {
        ArticleRuns {
            pending: Pending::default(),
            counters: Default::default(),
            count_every,
            current: None,
            seen: vec![false; articles],
        }
    }

    /// Starts the mentions of article `index` unless they are already being read; `false`
    /// when the article's mentions were met before, apart from these.
    fn article(&mut self, index: usize, published: Option<i64>) -> bool {
        if self.current.is_some_and(|(i, _)| i == index) {
            return true;
        }
        self.end_article();
        if std::mem::replace(&mut self.seen[index], true) {
            return false;
        }
        self.current = Some((index, published));
        true
    }

    fn mention(&mut self, claim: Option<i32>, entity: u32) {
        self.pending.entities.push(entity);
        if let Some(c) = claim {
            self.pending.claims.push((c, entity));
        }
    }

    fn end_article(&mut self) {
        if let Some((_, published)) = self.current.take() {
            let p = &mut self.pending;
            p.ends.push((p.entities.len(), p.claims.len(), published));
            if p.entities.len() >= self.count_every {
                self.count_pending();
            }
        }
    }

    fn count_pending(&mut self) {
        let p = &self.pending;
        let half = p.ends.len() / 2;
        let [first, second] = &mut self.counters;
        rayon::join(
            || p.count(0..half, first),
            || p.count(half..p.ends.len(), second),
        );
        self.pending.entities.clear();
        self.pending.claims.clear();
        self.pending.ends.clear();
    }

    /// Every pair, in the dataset's order.
    fn finish(mut self) -> Vec<(u64, Pair)> {
        self.end_article();
        self.count_pending();
        let [mut all, other] = self.counters;
        for (key, p) in other.pairs {
            all.pairs.entry(key).or_default().add(&p);
        }
        all.into_sorted()
    }
}

/// Microseconds since the epoch, from a timestamp column of any unit.
fn micros(column: &dyn Array) -> Result<Vec<Option<i64>>> {
    let per_unit = match column.data_type() {
        ArrowType::Timestamp(unit, _) => *unit,
        other => anyhow::bail!("published_at is {other:?}, not a timestamp"),
    };
    let raw = arrow::compute::cast(column, &ArrowType::Int64)?;
    let raw = raw
        .as_primitive_opt::<arrow::datatypes::Int64Type>()
        .context("a timestamp cast to integers is not integers")?;
    let scale = |v: i64| match per_unit {
        ArrowUnit::Second => v * 1_000_000,
        ArrowUnit::Millisecond => v * 1_000,
        ArrowUnit::Microsecond => v,
        ArrowUnit::Nanosecond => v.div_euclid(1_000),
    };
    Ok(raw.iter().map(|v| v.map(scale)).collect())
}

/// Computes `entity_cooccurrence` from the normalized tables at `paths`, or `None` when
/// the mentions are not grouped by article (polars then runs the query).
pub fn entity_cooccurrence(paths: &[(Table, PathBuf)]) -> Result<Option<DataFrame>> {
    let path_of = |t: Table| path_of(paths, t);

    // Entities ranked by id, as the query's entity_keys.
    let mut ids: Vec<String> = Vec::new();
    partition::for_each_batch_without(
        Table::Entities,
        path_of(Table::Entities)?,
        &all_but(Table::Entities, &["entity_id"]),
        |b| {
            let col = b
                .column(0)
                .as_string_opt::<i32>()
                .context("entities.entity_id is not a string column")?;
            ids.extend(col.iter().flatten().map(str::to_owned));
            Ok(())
        },
    )?;
    ids.sort_unstable();
    let rank: FastMap<&str, u32> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i as u32))
        .collect();

    // Articles: their index (for telling whether one was met before) and publication.
    let mut articles: FastMap<String, Known> = FastMap::default();
    let mut published_dtype = None;
    partition::for_each_batch_without(
        Table::Articles,
        path_of(Table::Articles)?,
        &all_but(Table::Articles, &["article_id", "published_at"]),
        |b| {
            let id = strings(&b, "articles", "article_id")?;
            let published = b
                .column_by_name("published_at")
                .context("articles has no published_at")?;
            if let ArrowType::Timestamp(_, tz) = published.data_type() {
                published_dtype = Some(DataType::Datetime(
                    TimeUnit::Microseconds,
                    TimeZone::opt_try_new(tz.as_deref())?,
                ));
            }
            for (id, t) in id.iter().zip(micros(published.as_ref())?) {
                let n = articles.len();
                if let Some(id) = id {
                    articles.entry(id.to_owned()).or_insert((n, t));
                }
            }
            Ok(())
        },
    )?;

    let mut runs = ArticleRuns::new(articles.len(), COUNT_EVERY_MENTIONS);
    let grouped = for_each_mention(
        path_of(Table::Mentions)?,
        &articles,
        |id| rank.get(id).copied(),
        |(index, published), ordinal, rank| {
            // The query joins the entities: a mention of another entity is not counted.
            let Some(rank) = rank else { return true };
            if !runs.article(index, published) {
                return false;
            }
            runs.mention(ordinal, rank);
            true
        },
    )?;
    if !grouped {
        return Ok(None);
    }
    let rows = runs.finish();

    let name = |key: u64, high: bool| {
        let rank = if high { key >> 32 } else { key & 0xffff_ffff };
        ids[rank as usize].as_str()
    };
    let when = |t: i64, known: bool| known.then_some(t);
    let n = rows.len();
    let columns = vec![
        Column::new(
            "entity_a".into(),
            rows.iter().map(|(k, _)| name(*k, true)).collect::<Vec<_>>(),
        ),
        Column::new(
            "entity_b".into(),
            rows.iter()
                .map(|(k, _)| name(*k, false))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "n_claims".into(),
            rows.iter()
                .map(|(_, p)| i64::from(p.n_claims))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "n_articles".into(),
            rows.iter()
                .map(|(_, p)| i64::from(p.n_articles))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "first_published".into(),
            rows.iter()
                .map(|(_, p)| when(p.first, p.first <= p.last))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "last_published".into(),
            rows.iter()
                .map(|(_, p)| when(p.last, p.first <= p.last))
                .collect::<Vec<_>>(),
        ),
    ];
    let dtype = published_dtype.unwrap_or(DataType::Datetime(TimeUnit::Microseconds, None));
    let columns = columns
        .into_iter()
        .map(|c| {
            if c.name().ends_with("_published") {
                c.cast(&dtype)
            } else {
                Ok(c)
            }
        })
        .collect::<polars::prelude::PolarsResult<Vec<_>>>()?;
    Ok(Some(DataFrame::new(n, columns)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An article's publication and its mentions' (claim ordinal, entity rank).
    type Article<'a> = (Option<i64>, &'a [(Option<i32>, u32)]);

    /// The pairs of `articles`, counted as the mentions are read, `count_every`
    /// mentions at a time.
    fn counted_every(articles: &[Article], count_every: usize) -> Vec<(u32, u32, Pair)> {
        let mut runs = ArticleRuns::new(articles.len(), count_every);
        for (index, (published, mentions)) in articles.iter().enumerate() {
            assert!(runs.article(index, *published));
            for &(claim, entity) in *mentions {
                runs.mention(claim, entity);
            }
        }
        runs.finish()
            .into_iter()
            .map(|(k, p)| ((k >> 32) as u32, k as u32, p))
            .collect()
    }

    fn counted(articles: &[Article]) -> Vec<(u32, u32, Pair)> {
        counted_every(articles, COUNT_EVERY_MENTIONS)
    }

    fn pair(n_claims: u32, n_articles: u32, first: i64, last: i64) -> Pair {
        Pair {
            n_claims,
            n_articles,
            first,
            last,
        }
    }

    #[test]
    fn pairs_count_articles_and_claims_once_each() {
        // Article 1: entities 0, 1, 2; claim 0 names 0 and 1 (1 twice), claim 1 names 1
        // and 2, the title (no claim) names 2. Article 2: claim 0 names 0 and 1.
        let rows = counted(&[
            (
                Some(100),
                &[
                    (Some(0), 1),
                    (Some(0), 0),
                    (Some(0), 1),
                    (Some(1), 2),
                    (Some(1), 1),
                    (None, 2),
                ],
            ),
            (Some(50), &[(Some(0), 0), (Some(0), 1), (None, 0)]),
        ]);
        assert_eq!(
            rows,
            vec![
                (0, 1, pair(2, 2, 50, 100)),
                (1, 2, pair(1, 1, 100, 100)),
                (0, 2, pair(0, 1, 100, 100)),
            ]
        );
    }

    #[test]
    fn an_entity_alone_makes_no_pair_and_unknown_times_stay_unknown() {
        let rows = counted(&[
            (None, &[(Some(0), 3), (None, 3)]),
            (None, &[(None, 1), (None, 4)]),
        ]);
        assert_eq!(rows, vec![(1, 4, pair(0, 1, i64::MAX, i64::MIN))]);
    }

    #[test]
    fn counting_on_two_threads_now_and_then_changes_nothing() {
        // Thirty articles naming overlapping sets of eight entities, at varied times.
        let mentions: Vec<Vec<(Option<i32>, u32)>> = (0..30u32)
            .map(|a| {
                (0..(a % 7 + 2))
                    .map(|m| {
                        (
                            ((m + a) % 3 != 0).then_some((m % 2) as i32),
                            (a * 3 + m * 5) % 8,
                        )
                    })
                    .collect()
            })
            .collect();
        let articles: Vec<Article> = mentions
            .iter()
            .enumerate()
            .map(|(i, m)| {
                (
                    ((i * 7) % 11 != 0).then_some((i as i64 * 37) % 100),
                    m.as_slice(),
                )
            })
            .collect();
        let once = counted_every(&articles, usize::MAX);
        assert!(once.len() > 10, "{once:?}");
        for every in [1, 2, 3, 5, 17] {
            assert_eq!(counted_every(&articles, every), once, "every {every}");
        }
    }

    #[test]
    fn an_article_met_again_after_another_is_refused() {
        let mut runs = ArticleRuns::new(2, COUNT_EVERY_MENTIONS);
        assert!(runs.article(0, None));
        assert!(runs.article(0, None));
        assert!(runs.article(1, None));
        assert!(!runs.article(0, None));
    }
}
