//! Figures for the pages: their spans in titles and claims (highlighted on every page
//! that shows a claim), the figure ledger's rows in its three orderings, the most-quoted
//! values, and the statistics that sources quote differently.
//!
//! The ledger is built from `figures` (the pages link to `figure_ledger` when the build has
//! it, see `Loaded::ledger_table`); the article, claim and source of a row are joined here
//! through the article index. `subject_entity_id`, `commodity_id` and
//! `measure` are read where the table has them.

use std::cmp::Reverse;
use std::hash::BuildHasher;

use anyhow::{Result, bail};
use arrow::array::{Float64Array, Int32Array};
use hashbrown::HashTable;
use rayon::prelude::*;

use super::groups::{ByParent, Grouped, NO_GROUP, starts_of_counts};
use super::id_col::Id;
use super::load::{SiteData, claim_row};
use super::model::{FigureView, Span, push_human_number};
use super::tables::{Col, IdCol, StrCol, TableData, check_by_article, check_resolved};
use crate::extract::figures::KINDS;
use crate::text::{FastBuildHasher, FastMap, FastSet};

/// A figure's columns, as `figures` (and `figure_ledger`) name them.
pub struct FigureCols<'a> {
    pub id: IdCol<'a>,
    /// The claim row of each figure ([`NO_CLAIM`](super::load::NO_CLAIM) in a title).
    pub claim: &'a [u32],
    pub surface: StrCol<'a>,
    pub kind: StrCol<'a>,
    pub value: Col<'a, Float64Array>,
    pub value_max: Col<'a, Float64Array>,
    pub unit: StrCol<'a>,
    pub per_unit: StrCol<'a>,
    pub qualifier: StrCol<'a>,
    pub normalized_value: Col<'a, Float64Array>,
    pub normalized_value_max: Col<'a, Float64Array>,
    pub normalized_unit: StrCol<'a>,
    /// What the figure is about, once the table has these columns.
    pub subject: Option<StrCol<'a>>,
    pub commodity: Option<StrCol<'a>>,
    pub measure: Option<StrCol<'a>>,
    /// A figure's part in a change ('from', 'to', 'delta').
    pub role: Option<StrCol<'a>>,
    /// The year a figure is for (`in 2024`).
    pub as_of_year: Option<Col<'a, Int32Array>>,
    pub len: usize,
}

impl<'a> FigureCols<'a> {
    /// `claim`: the claim row of each figure.
    pub fn new(t: &'a TableData, claim: &'a [u32]) -> Result<Self> {
        check_resolved(claim, t)?;
        Ok(FigureCols {
            id: t.id("figure_id")?,
            claim,
            surface: t.str("surface")?,
            kind: t.str("kind")?,
            value: t.f64("value")?,
            value_max: t.f64("value_max")?,
            unit: t.str("unit")?,
            per_unit: t.str("per_unit")?,
            qualifier: t.str("qualifier")?,
            normalized_value: t.f64("normalized_value")?,
            normalized_value_max: t.f64("normalized_value_max")?,
            normalized_unit: t.str("normalized_unit")?,
            subject: t.str_if_present("subject_entity_id")?,
            commodity: t.str_if_present("commodity_id")?,
            measure: t.str_if_present("measure")?,
            role: t.str_if_present("role")?,
            as_of_year: t.i32_if_present("as_of_year")?,
            len: t.len(),
        })
    }

    /// The claim row figure `r` stands in (`None`: a title's).
    pub fn claim_of(&self, r: usize) -> Option<usize> {
        claim_row(self.claim, r)
    }

    /// Whether figures say what they are about (subject, commodity, measure).
    pub fn has_about(&self) -> bool {
        self.subject.is_some() || self.commodity.is_some()
    }

    /// The value as written, in its unit, with its qualifier: `over 90%`, `1–2 month`.
    pub fn stated(&self, r: usize) -> String {
        let mut s = String::new();
        self.push_stated(&mut s, r);
        s
    }

    fn push_stated(&self, out: &mut String, r: usize) {
        out.push_str(qualifier_words(self.qualifier.get(r)));
        push_range(out, self.value.get(r), self.value_max.opt(r));
        let unit = self.unit.get(r);
        match self.per_unit.opt(r) {
            // `%/year` is a unit of its own: it does not close up to its number as `%` does.
            Some(per) => {
                out.push(' ');
                out.push_str(unit);
                out.push('/');
                out.push_str(per);
            }
            None => push_unit(out, unit),
        }
    }

    /// The value in the common unit (`30.44–60.87 day`), when it converts.
    pub fn normalized(&self, r: usize) -> Option<String> {
        let mut s = String::new();
        self.push_normalized(&mut s, r).then_some(s)
    }

    fn push_normalized(&self, out: &mut String, r: usize) -> bool {
        let (Some(v), Some(unit)) = (self.normalized_value.opt(r), self.normalized_unit.opt(r))
        else {
            return false;
        };
        push_range(out, v, self.normalized_value_max.opt(r));
        push_unit(out, unit);
        true
    }

    /// What the figure means, in words (the tooltip of a highlighted figure):
    /// `rate: over 3,000 USD/kg (= 3,000,000 USD/t)`. Built in one buffer: every
    /// highlighted figure of every page has one.
    pub fn meaning(&self, r: usize) -> String {
        let mut s = String::with_capacity(64);
        s.push_str(self.kind.get(r));
        s.push_str(": ");
        self.push_stated(&mut s, r);
        let stated = s.len();
        s.push_str(" (= ");
        let from = s.len();
        if self.push_normalized(&mut s, r) {
            let (head, n) = s.split_at(from);
            if !head[..stated].ends_with(n) {
                s.push(')');
                return s;
            }
        }
        s.truncate(stated);
        s
    }

    pub fn view(&self, r: usize) -> FigureView {
        FigureView {
            surface: self.surface.get(r).to_string(),
            kind: self.kind.get(r).to_string(),
            title: self.meaning(r),
        }
    }

    /// The unit and value figures are compared in: the normalized ones where the
    /// figure converts, else its own.
    pub fn comparable(&self, r: usize) -> (&'a str, f64) {
        let (unit, v, _) = self.comparable_range(r);
        (unit, v)
    }

    /// [`Self::comparable`] with the range's upper bound.
    pub fn comparable_range(&self, r: usize) -> (&'a str, f64, Option<f64>) {
        match (self.normalized_unit.opt(r), self.normalized_value.opt(r)) {
            (Some(u), Some(v)) => (u, v, self.normalized_value_max.opt(r)),
            _ => (self.unit.get(r), self.value.get(r), self.value_max.opt(r)),
        }
    }
}

/// How a qualifier reads before a value (`over `, `about `; nothing for `exact`).
pub fn qualifier_words(q: &str) -> &'static str {
    match q {
        "approx" => "about ",
        "over" => "over ",
        "under" => "under ",
        "at_least" => "at least ",
        "at_most" => "at most ",
        "up_to" => "up to ",
        _ => "",
    }
}

/// A number with its unit: `90%`, `3,000 USD/kg`.
pub fn with_unit(number: &str, unit: &str) -> String {
    let mut s = number.to_string();
    push_unit(&mut s, unit);
    s
}

/// Appends a unit after a number: `%` close up, any other after a space.
fn push_unit(out: &mut String, unit: &str) {
    if unit != "%" {
        out.push(' ');
    }
    out.push_str(unit);
}

/// A value or a range, for people: `90`, `1–2`.
pub fn range(v: f64, max: Option<f64>) -> String {
    let mut s = String::new();
    push_range(&mut s, v, max);
    s
}

fn push_range(out: &mut String, v: f64, max: Option<f64>) {
    push_human_number(out, v);
    if let Some(m) = max {
        out.push('–');
        push_human_number(out, m);
    }
}

/// The order of figure kinds in lists: the registry's (money, percent, mass, …), then
/// any other alphabetically.
pub fn kind_rank(kind: &str) -> (usize, &str) {
    (
        KINDS.iter().position(|k| *k == kind).unwrap_or(KINDS.len()),
        kind,
    )
}

/// The `figures` table's spans, by article: what the pages highlight.
pub struct FigureIndex<'a> {
    pub cols: FigureCols<'a>,
    pub field: StrCol<'a>,
    pub char_start: Col<'a, Int32Array>,
    pub char_end: Col<'a, Int32Array>,
    /// Each article row's figure rows, in table order (title, then claims by ordinal).
    pub by_article: &'a ByParent,
}

impl<'a> FigureIndex<'a> {
    /// `by_article`: each article row's figure rows; `claim`: the claim row of each figure.
    pub fn new(
        t: &'a TableData,
        by_article: &'a ByParent,
        claim: &'a [u32],
        data: &SiteData<'a>,
    ) -> Result<Self> {
        let cols = FigureCols::new(t, claim)?;
        check_by_article(by_article, t, data.n_articles())?;
        Ok(FigureIndex {
            field: t.str("field")?,
            char_start: t.i32("char_start")?,
            char_end: t.i32("char_end")?,
            by_article,
            cols,
        })
    }

    /// The figure rows of claim row `claim` of article row `row` (`None`: the title's).
    pub fn rows_in(&self, row: usize, claim: Option<usize>) -> impl Iterator<Item = usize> + '_ {
        self.by_article
            .of(row)
            .map(|f| f as usize)
            .filter(move |&f| self.cols.claim_of(f) == claim)
    }

    pub fn span(&self, f: usize) -> Span {
        Span {
            start: self.char_start.get(f).max(0) as usize,
            end: self.char_end.get(f).max(0) as usize,
            figure: Some(self.cols.view(f)),
            entity: None,
        }
    }

    /// The spans of the figures of a claim (or the title, for `None`).
    pub fn spans(&self, row: usize, claim: Option<usize>) -> Vec<Span> {
        self.rows_in(row, claim).map(|f| self.span(f)).collect()
    }

    /// The figure row with id `figure_id` in article row `row`.
    pub fn find(&self, row: usize, figure_id: Id) -> Option<usize> {
        self.by_article
            .of(row)
            .map(|f| f as usize)
            .find(|&f| self.cols.id.get(f) == figure_id)
    }
}

/// One kind in the ledger's ordering by kind and value.
#[derive(Debug, Clone)]
pub struct LedgerKind<'a> {
    pub kind: &'a str,
    /// Figures of this kind.
    pub n: usize,
    /// Of them, listed in the orderings by value (at most [`SORTED_PER_UNIT`] per unit).
    pub listed: usize,
    /// Index of the kind's first row in [`Ledger::by_value`] (and in `by_value_asc`).
    pub start: usize,
}

/// A value quoted by several articles: the same kind, unit and value (and, once figures
/// say so, the same subject, commodity and measure).
#[derive(Debug, Clone)]
pub struct QuotedValue {
    /// The ledger rows that quote it, newest article first.
    pub rows: Vec<u32>,
    pub n_articles: usize,
}

/// Figures of these kinds are rarely statistics (`two companies`, `six months`): the
/// most-quoted list leaves them out.
const NOT_QUOTED_KINDS: &[&str] = &["count", "duration"];

/// Ledger rows matched to their statistics per task ([`Variants::new`]): large enough that
/// a task's overhead is nothing, small enough that a window of them holds a few MB.
const MATCH_SPAN: usize = 1 << 16;
/// Values in the most-quoted list.
pub const TOP_QUOTED: usize = 10;

/// Figures of one kind and unit listed in each ordering by value.
pub const SORTED_PER_UNIT: usize = 1000;

/// The figure ledger: every figure with its article, in three orderings (the two by
/// value list the [`SORTED_PER_UNIT`] largest and smallest of each kind and unit).
pub struct Ledger<'a> {
    pub cols: FigureCols<'a>,
    /// The table the pages point to (`figure_ledger` when built, else `figures`).
    pub table: String,
    /// Each article row's ledger rows.
    pub by_article: &'a ByParent,
    /// Newest article first, then table order.
    pub newest: Vec<u32>,
    /// By kind, then unit, then value, largest first.
    pub by_value: Vec<u32>,
    /// By kind, then unit, then value, smallest first.
    pub by_value_asc: Vec<u32>,
    pub kinds: Vec<LedgerKind<'a>>,
    /// The most-quoted values, most articles first.
    pub quoted: Vec<QuotedValue>,
}

impl<'a> Ledger<'a> {
    /// `by_article`: each article row's figure rows; `claim`: the claim row of each figure.
    pub fn new(
        t: &'a TableData,
        by_article: &'a ByParent,
        claim: &'a [u32],
        data: &SiteData<'a>,
    ) -> Result<Self> {
        let cols = FigureCols::new(t, claim)?;
        let n = t.len();
        if n > u32::MAX as usize / 2 {
            bail!("Too many figures to render ({n})");
        }
        check_by_article(by_article, t, data.n_articles())?;
        // By their article's position in the site, then row.
        let newest: Vec<u32> = by_article.rows_in_order(&data.order).collect();
        // Rank in `newest` breaks ties in the other orderings.
        let mut rank = vec![0u32; n];
        for (i, &r) in newest.iter().enumerate() {
            rank[r as usize] = i as u32;
        }

        // Sort keys computed once, strings ranked as integers (comparing strings in every
        // comparison of a million-row sort is most of its time).
        let distinct = |f: &dyn Fn(usize) -> &'a str| -> Vec<&'a str> {
            let set: FastSet<&str> = (0..n).map(f).collect();
            set.into_iter().collect()
        };
        let mut units = distinct(&|r| cols.comparable(r).0);
        units.sort_unstable();
        let unit_rank: FastMap<&str, u32> = units
            .iter()
            .enumerate()
            .map(|(i, &u)| (u, i as u32))
            .collect();
        let mut kinds = distinct(&|r| cols.kind.get(r));
        kinds.sort_unstable_by_key(|k| kind_rank(k));
        let kind_order: FastMap<&str, u32> = kinds
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i as u32))
            .collect();
        // Each row's group (kind, then unit: the orderings' leading keys) and value.
        let (group, value): (Vec<u32>, Vec<f64>) = (0..n)
            .map(|r| {
                let (unit, v) = cols.comparable(r);
                let g = kind_order[cols.kind.get(r)] * units.len() as u32 + unit_rank[unit];
                (g, v)
            })
            .unzip();
        let groups = Grouped::new(kinds.len() * units.len(), &group);
        // Gone before the orderings and the most quoted values add theirs: at a million
        // articles the figures' memory peaks here.
        drop(group);
        // The largest (smallest) of each kind and unit, at most `SORTED_PER_UNIT`: past a
        // few thousand figures nobody pages through a sorted list, and on a large corpus
        // every ordering would add gigabytes of pages. The newest-first ledger lists all.
        // Selecting them before sorting keeps this linear in the figures.
        let by = |asc: bool| {
            let cmp = |a: &u32, b: &u32| {
                let (va, vb) = (value[*a as usize], value[*b as usize]);
                let v = if asc {
                    va.total_cmp(&vb)
                } else {
                    vb.total_cmp(&va)
                };
                v.then(rank[*a as usize].cmp(&rank[*b as usize]))
            };
            let mut kept = Vec::new();
            for g in 0..groups.n_groups() {
                let mut rows = groups.of(g).to_vec();
                if rows.len() > SORTED_PER_UNIT {
                    rows.select_nth_unstable_by(SORTED_PER_UNIT - 1, cmp);
                    rows.truncate(SORTED_PER_UNIT);
                }
                rows.sort_unstable_by(cmp);
                kept.extend(rows);
            }
            kept
        };
        let ((by_value, by_value_asc), quoted) = rayon::join(
            || rayon::join(|| by(false), || by(true)),
            || most_quoted(&cols, &newest, &rank, by_article),
        );

        let mut kinds: Vec<LedgerKind> = Vec::new();
        for (i, &r) in by_value.iter().enumerate() {
            let kind = cols.kind.get(r as usize);
            match kinds.last_mut() {
                Some(k) if k.kind == kind => k.listed += 1,
                _ => kinds.push(LedgerKind {
                    kind,
                    n: 0,
                    listed: 1,
                    start: i,
                }),
            }
        }
        for r in 0..n {
            let kind = cols.kind.get(r);
            if let Some(k) = kinds.iter_mut().find(|k| k.kind == kind) {
                k.n += 1;
            }
        }

        Ok(Ledger {
            table: t.name.clone(),
            by_article,
            newest,
            by_value,
            by_value_asc,
            kinds,
            quoted,
            cols,
        })
    }

    pub fn len(&self) -> usize {
        self.newest.len()
    }

    /// The article row of ledger row `r`.
    pub fn article(&self, r: usize) -> usize {
        self.by_article.parent(r) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.newest.is_empty()
    }
}

/// The values quoted by the most articles (at least two); `rank` is each row's place in
/// `newest`, `by_article` the rows of each article row.
fn most_quoted<'a>(
    cols: &FigureCols<'a>,
    newest: &[u32],
    rank: &[u32],
    by_article: &ByParent,
) -> Vec<QuotedValue> {
    type Key<'k> = (&'k str, &'k str, u64, Option<u64>, [Option<&'k str>; 3]);
    let key = |r: usize| -> Key<'a> {
        let (unit, v, max) = cols.comparable_range(r);
        let about = |c: &Option<StrCol<'a>>| c.as_ref().and_then(|c| c.opt(r));
        (
            cols.kind.get(r),
            unit,
            v.to_bits(),
            max.map(f64::to_bits),
            [
                about(&cols.subject),
                about(&cols.commodity),
                about(&cols.measure),
            ],
        )
    };
    // Per value: its first row (the newest) and that row's place in `newest`, rows,
    // articles and the last article counted. The table holds each value's number, found
    // by its first row's key and hashed once: a key is a hundred bytes, and a million
    // articles quote millions of values. Each row's value number is kept, so that the
    // rows of the top values are found without hashing every row's key a second time.
    struct Quoted {
        first: u32,
        place: u32,
        rows: u32,
        articles: u32,
        last: u32,
    }
    let hasher = FastBuildHasher::default();
    let mut table: HashTable<(u64, u32)> = HashTable::new();
    let mut values: Vec<Quoted> = Vec::new();
    let mut value_of = vec![NO_GROUP; rank.len()];
    // Article by article in table order, where the columns are read in sequence (in
    // `newest` order every read was a cache miss: a fifth of loading a million articles'
    // site). Counting a value's articles needs each article's rows together.
    let rows = (0..by_article.n_groups()).flat_map(|a| by_article.of(a).map(move |r| (a, r)));
    for (a, ru) in rows.map(|(a, r)| (a as u32, r as usize)) {
        if NOT_QUOTED_KINDS.contains(&cols.kind.get(ru)) {
            continue;
        }
        let (r, place) = (ru as u32, rank[ru]);
        let k = key(ru);
        let h = hasher.hash_one(k);
        let same = |&(hv, v): &(u64, u32)| hv == h && key(values[v as usize].first as usize) == k;
        let v = match table.find(h, same) {
            Some(&(_, v)) => v,
            None => {
                let v = values.len() as u32;
                values.push(Quoted {
                    first: r,
                    place,
                    rows: 0,
                    articles: 0,
                    last: u32::MAX,
                });
                table.insert_unique(h, (h, v), |&(hv, _)| hv);
                v
            }
        };
        let q = &mut values[v as usize];
        if place < q.place {
            (q.first, q.place) = (r, place);
        }
        q.rows += 1;
        if q.last != a {
            q.articles += 1;
            q.last = a;
        }
        value_of[ru] = v;
    }
    drop(table);
    // Most articles first, then most rows, then the newest first row. A value's first row
    // is its own, so the places differ and decide every tie: the keys are never compared,
    // and the values are ranked by their numbers alone, the ten selected without sorting
    // the rest (2.3 million values at a million articles, whose keys were copied and
    // sorted to keep ten).
    let rank_of = |&v: &u32| {
        let q = &values[v as usize];
        (Reverse(q.articles), Reverse(q.rows), q.place)
    };
    let mut top: Vec<u32> = (0..values.len() as u32)
        .filter(|&v| values[v as usize].articles >= 2)
        .collect();
    if top.len() > TOP_QUOTED {
        top.select_nth_unstable_by_key(TOP_QUOTED - 1, rank_of);
        top.truncate(TOP_QUOTED);
    }
    top.sort_unstable_by_key(rank_of);
    let wanted: FastMap<u32, usize> = top.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let mut out: Vec<QuotedValue> = top
        .iter()
        .map(|&v| QuotedValue {
            rows: Vec::new(),
            n_articles: values[v as usize].articles as usize,
        })
        .collect();
    for &r in newest {
        if let Some(&i) = wanted.get(&value_of[r as usize]) {
            out[i].rows.push(r);
        }
    }
    out
}

/// The key of a statistic: what is measured, about whom, of what, in which unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatisticKey<'a> {
    pub subject: Option<&'a str>,
    pub commodity: Option<&'a str>,
    pub measure: &'a str,
    pub unit: &'a str,
    /// The year its values are for, when the figures say.
    pub year: Option<i32>,
}

/// One statistic that sources quote differently, with the ledger rows that quote it.
#[derive(Debug, Clone)]
pub struct Statistic<'a> {
    pub key: StatisticKey<'a>,
    /// Ledger rows quoting it, newest article first.
    pub rows: Vec<u32>,
}

/// The claim ids each statistic lists, each statistic's sorted: 24 bytes an id, counted
/// first and filled in place. A hash set of (statistic, id) pairs, 3.2 million at a
/// million articles, was about 80 MB more of the loading's peak.
struct ClaimsOf<'a>(Grouped<Id<'a>>);

impl<'a> ClaimsOf<'a> {
    /// `statistic[r]`: row `r`'s statistic, below `n`; `ids_of(r)`: the ids it lists, read
    /// twice (to count, then to fill) without collecting them.
    fn new<I: Iterator<Item = &'a str>>(
        n: usize,
        statistic: &[u32],
        ids_of: impl Fn(usize) -> I,
    ) -> Self {
        let mut counts = vec![0u32; n + 1];
        for (r, &i) in statistic.iter().enumerate() {
            counts[i as usize + 1] += ids_of(r).count() as u32;
        }
        let offsets = starts_of_counts(counts);
        let mut ids = vec![Id::Hex(0); offsets[n] as usize];
        let mut next = offsets.clone();
        for (r, &i) in statistic.iter().enumerate() {
            for id in ids_of(r) {
                ids[next[i as usize] as usize] = Id::of(id);
                next[i as usize] += 1;
            }
        }
        let mut grouped = Grouped::from_parts(offsets, ids);
        grouped.sort_each();
        ClaimsOf(grouped)
    }

    /// Whether statistic `i` lists claim `id`.
    fn has(&self, i: usize, id: Id<'_>) -> bool {
        self.0.of(i).binary_search(&id).is_ok()
    }
}

/// `statistic_variants`: which statistics sources disagree on. The page reads the table's
/// key columns (`subject_entity_id`, `commodity_id`, `measure`, `unit` and, where present,
/// `as_of_year`; one row or more per statistic, in the table's order) and, where present,
/// `claim_ids`; the values, their claims, articles and sources are the ledger's rows with
/// that key, whose value is stated in that unit (`unit`) or converts to it
/// (`normalized_unit`) — and, when the table lists its claims, that stand in one of them
/// with a single value: the dataset leaves ranges and a change's start and delta out, and
/// so does the page.
pub struct Variants<'a> {
    pub statistics: Vec<Statistic<'a>>,
}

impl<'a> Variants<'a> {
    pub fn new(t: &'a TableData, data: &SiteData<'a>) -> Result<Self> {
        let subject = t.str("subject_entity_id")?;
        let commodity = t.str("commodity_id")?;
        let measure = t.str("measure")?;
        let unit = t.str("unit")?;
        let year = t.i32_if_present("as_of_year")?;
        let claim_ids = t
            .has_column("claim_ids")
            .then(|| t.list("claim_ids"))
            .transpose()?;
        let mut keys: Vec<StatisticKey<'a>> = Vec::new();
        let mut index: FastMap<StatisticKey<'a>, usize> = FastMap::default();
        // Each row's statistic (by index).
        let mut statistic: Vec<u32> = Vec::with_capacity(t.len());
        for r in 0..t.len() {
            let key = StatisticKey {
                subject: subject.opt(r),
                commodity: commodity.opt(r),
                measure: measure.get(r),
                unit: unit.get(r),
                year: year.as_ref().and_then(|y| y.opt(r)),
            };
            let i = *index.entry(key.clone()).or_insert_with(|| {
                keys.push(key);
                keys.len() - 1
            });
            statistic.push(i as u32);
        }
        // The claims behind each statistic, when the table says which.
        let claims = claim_ids
            .as_ref()
            .map(|ids| ClaimsOf::new(keys.len(), &statistic, |r| ids.str_items(r)));
        drop(statistic);
        if keys.is_empty() {
            // No statistic is quoted differently (an empty table may not even carry its
            // columns' arrays to read below).
            return Ok(Variants {
                statistics: Vec::new(),
            });
        }
        let Some(ledger) = &data.ledger else {
            bail!("statistic_variants needs the figures (or figure_ledger) table");
        };
        let c = &ledger.cols;
        let Some(measures) = &c.measure else {
            bail!("statistic_variants needs the figures' 'measure' column");
        };
        let about = |col: &Option<StrCol<'a>>, r: usize| col.as_ref().and_then(|c| c.opt(r));
        // The statistic of each ledger row of `span` that counts for one, as (statistic,
        // row) in table order, where the columns are read in sequence.
        let matches = |span: std::ops::Range<usize>| -> Vec<(u32, u32)> {
            let mut found = Vec::new();
            for ru in span {
                let r = ru as u32;
                let Some(m) = measures.opt(ru) else { continue };
                let (s, co) = (about(&c.subject, ru), about(&c.commodity, ru));
                let units = [Some(c.unit.get(ru)), c.normalized_unit.opt(ru)];
                for (i, u) in units.into_iter().enumerate() {
                    let Some(u) = u else { continue };
                    if i == 1 && u == c.unit.get(ru) {
                        continue;
                    }
                    let k = StatisticKey {
                        subject: s,
                        commodity: co,
                        measure: m,
                        unit: u,
                        // A table without years keys statistics without them.
                        year: year
                            .as_ref()
                            .and(c.as_of_year.as_ref())
                            .and_then(|y| y.opt(ru)),
                    };
                    if let Some(&i) = index.get(&k) {
                        let counted = match &claims {
                            None => true,
                            Some(claims) => {
                                c.value_max.opt(ru).is_none()
                                    && matches!(about(&c.role, ru), None | Some("to"))
                                    && c.claim_of(ru)
                                        .is_some_and(|cr| claims.has(i, data.claims.id.get(cr)))
                            }
                        };
                        if counted {
                            found.push((i as u32, r));
                        }
                        break;
                    }
                }
            }
            found
        };
        // Spans of the ledger are matched in parallel, a window of them at a time, and
        // their matches appended in table order: at a million articles this index was the
        // loading's longest task (4.6 s, against 1.1 s for the entities' indexes beside
        // it), one core busy and the other idle.
        let mut rows: Vec<Vec<u32>> = vec![Vec::new(); keys.len()];
        let spans: Vec<std::ops::Range<usize>> = (0..ledger.len())
            .step_by(MATCH_SPAN)
            .map(|s| s..(s + MATCH_SPAN).min(ledger.len()))
            .collect();
        for window in spans.chunks(2 * rayon::current_num_threads().max(1)) {
            let found: Vec<Vec<(u32, u32)>> = window
                .par_iter()
                .map(|span| matches(span.clone()))
                .collect();
            for (i, r) in found.into_iter().flatten() {
                rows[i as usize].push(r);
            }
        }
        // Each row's key is computed once and sorted as one integer (its article's place,
        // then the row): a key looks the row's article up by a binary search among the
        // articles' first rows, which a comparison sort did for both sides of each of its
        // n log n comparisons (at a million articles, 40% of this index's 8.5 s).
        rows.par_iter_mut().for_each(|rows| {
            let mut keyed: Vec<u64> = rows
                .iter()
                .map(|&r| {
                    (u64::from(data.position[ledger.article(r as usize)]) << 32) | u64::from(r)
                })
                .collect();
            keyed.sort_unstable();
            for (row, key) in rows.iter_mut().zip(keyed) {
                *row = key as u32;
            }
        });
        // Sources disagree where a statistic has two values or more: the dataset lists
        // every statistic two claims quote, also those they quote alike (`n_values` 1),
        // which the pages, headed "quoted with different values", leave out.
        let disagree: Vec<bool> = keys
            .par_iter()
            .zip(&rows)
            .map(|(key, rows)| {
                let mut first: Option<(u64, Option<u64>)> = None;
                rows.iter().any(|&r| {
                    let (v, max) = Self::value_in(c, r as usize, key.unit);
                    let value = (v.to_bits(), max.map(f64::to_bits));
                    *first.get_or_insert(value) != value
                })
            })
            .collect();
        Ok(Variants {
            statistics: keys
                .into_iter()
                .zip(rows)
                .zip(disagree)
                .filter(|(_, disagree)| *disagree)
                .map(|((key, rows), _)| Statistic { key, rows })
                .collect(),
        })
    }

    /// The value of ledger row `r` in the statistic's unit.
    pub fn value_in(cols: &FigureCols, r: usize, unit: &str) -> (f64, Option<f64>) {
        if cols.unit.get(r) == unit {
            (cols.value.get(r), cols.value_max.opt(r))
        } else {
            (
                cols.normalized_value.opt(r).unwrap_or(f64::NAN),
                cols.normalized_value_max.opt(r),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_statistic_finds_exactly_the_claims_its_rows_list() {
        // Rows of three statistics, not in statistic order; ids hex and not.
        let rows: [(u32, &[&str]); 5] = [
            (2, &["00000000000000ff", "claim-b"]),
            (0, &["000000000000000a"]),
            (2, &["0000000000000001"]),
            (0, &[]),
            (0, &["claim-a", "000000000000000b"]),
        ];
        let statistic: Vec<u32> = rows.iter().map(|r| r.0).collect();
        let claims = ClaimsOf::new(3, &statistic, |r| rows[r].1.iter().copied());
        for (i, listed) in [
            (0, vec!["000000000000000a", "000000000000000b", "claim-a"]),
            (1, vec![]),
            (2, vec!["0000000000000001", "00000000000000ff", "claim-b"]),
        ] {
            for id in &listed {
                assert!(claims.has(i, Id::of(id)), "statistic {i} lists {id}");
            }
            for id in [
                "000000000000000a",
                "00000000000000ff",
                "claim-a",
                "claim-b",
                "0",
            ] {
                if !listed.contains(&id) {
                    assert!(
                        !claims.has(i, Id::of(id)),
                        "statistic {i} does not list {id}"
                    );
                }
            }
        }
    }
}
