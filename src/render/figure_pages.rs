//! Figure pages: the figure ledger (every figure with its claim and source, in three
//! orderings, each a paged list, so sorting needs no JavaScript), "sources disagree"
//! (the statistics that sources quote differently, with their values side by side), the
//! most-quoted values on the overview, and the `figures.md` and `disagree.md` reports.

use std::borrow::Cow;
use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;

use super::id_col::Id;
use super::load::{SiteData, when};
use super::load_figures::{
    FigureCols, Ledger, SORTED_PER_UNIT, Statistic, Variants, qualifier_words, range, with_unit,
};
use super::model::*;
use super::pages::{Page, PageSet};
use super::paging::{self, Pager};
use super::svg::{self, RangeRow};
use crate::text::{FastMap, FastSet};

/// The ledger's first page, relative to the site root.
pub const LEDGER_INDEX: &str = "figures/index.html";
/// The first page of "sources disagree".
pub const DISAGREE_INDEX: &str = "disagree/index.html";
/// Figures per ledger page.
const FIGURES_PER_PAGE: usize = 100;
/// Statistics per page of "sources disagree". A statistic with its chart, values and
/// quotes is up to about 50 kB: at 100k articles twenty made pages of up to 959 kB.
const STATISTICS_PER_PAGE: usize = 10;
/// Quotes shown per most-quoted value.
const QUOTES_SHOWN: usize = 5;
/// Quotes shown per value of a statistic on "sources disagree": on a large corpus a value
/// is quoted thousands of times, and a page listing them all is unreadable (and huge).
const QUOTES_PER_VALUE: usize = 3;
/// Values shown per statistic: the smallest, the largest and the most quoted between.
const VALUES_SHOWN: usize = 25;
/// Pages of the newest-first ledger at most: on a corpus of a million articles it would
/// otherwise be over a hundred thousand pages. Every figure is still highlighted on its
/// article's page, and the `figure_ledger` download holds them all.
const LEDGER_PAGES_MAX: usize = 1000;
/// Figures listed in `figures.md` (the newest; the site lists them all).
const REPORT_FIGURES: usize = 100;
/// Statistics listed in `disagree.md`.
const REPORT_STATISTICS: usize = 100;
/// Sources drawn as their own row of a statistic's chart (the rest share one).
const CHART_SOURCES: usize = 12;

/// The ledger's orderings: each is a paged list under its own folder.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ordering {
    Newest,
    Largest,
    Smallest,
}

impl Ordering {
    const ALL: [Ordering; 3] = [Ordering::Newest, Ordering::Largest, Ordering::Smallest];

    fn dir(self) -> &'static str {
        match self {
            Ordering::Newest => "figures",
            Ordering::Largest => "figures/by-value",
            Ordering::Smallest => "figures/by-value-asc",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Ordering::Newest => "newest first",
            Ordering::Largest => "by kind, largest first",
            Ordering::Smallest => "by kind, smallest first",
        }
    }

    fn rows<'l>(self, l: &'l Ledger) -> &'l [u32] {
        match self {
            // The newest figures, as many as LEDGER_PAGES_MAX pages hold.
            Ordering::Newest => {
                &l.newest[..l.newest.len().min(LEDGER_PAGES_MAX * FIGURES_PER_PAGE)]
            }
            Ordering::Largest => &l.by_value,
            Ordering::Smallest => &l.by_value_asc,
        }
    }
}

pub fn page_sets<'d>(data: &'d SiteData<'d>) -> Vec<PageSet<'d>> {
    let mut sets = Vec::new();
    if let Some(ledger) = &data.ledger {
        for o in Ordering::ALL {
            let pages = paging::page_count(o.rows(ledger).len(), FIGURES_PER_PAGE);
            sets.push(PageSet::new("figure ledger", pages, move |i| {
                ledger_page(data, ledger, o, i + 1, pages)
            }));
        }
        sets.push(PageSet::report("figures report", move || {
            figures_report(data, ledger)
        }));
    }
    if let Some(variants) = &data.variants {
        let pages = paging::page_count(variants.statistics.len(), STATISTICS_PER_PAGE);
        sets.push(PageSet::new("sources disagree", pages, move |i| {
            disagree_page(data, variants, i + 1, pages)
        }));
        sets.push(PageSet::report("sources disagree report", move || {
            disagree_report(data, variants)
        }));
    }
    sets
}

/// A figure with its context: the claim (or title) it is stated in, with the figure
/// highlighted, and the article.
#[derive(Debug, Clone, Serialize)]
pub struct FigureRow<'a> {
    pub id: Id<'a>,
    pub kind: &'a str,
    pub figure: FigureView,
    /// The surface with its qualifier (`over 90%`, `about $20 million`).
    pub quoted: String,
    /// In its own unit, with its qualifier (`over 90%`).
    pub stated: String,
    /// In the common unit, when it converts and differs.
    pub normalized: Option<String>,
    pub subject: Option<EntityChip>,
    pub commodity: Option<EntityChip>,
    pub measure: Option<&'a str>,
    pub context: Segments,
    pub context_lang: Option<&'static str>,
    /// The claim's anchor on its article page, or the article page for a title.
    pub context_url: String,
    pub in_title: bool,
    pub article: ArticleRef<'a>,
    /// `kind-<kind>` on the ledger's first row of a kind (orderings by kind). A field of
    /// every row rather than a wrapper with the row flattened into it: serde serializes a
    /// flattened struct as a map, entry by entry into a sorted map, which cost more than
    /// the rest of the row.
    pub anchor: Option<String>,
}

/// Row `r` of `cols` (the ledger's or the figures' columns), stated in article row `row`.
pub fn figure_row<'a>(
    data: &SiteData<'a>,
    cols: &FigureCols<'a>,
    r: usize,
    row: usize,
) -> Result<FigureRow<'a>> {
    let article = data.article_ref(row)?;
    let id = cols.id.get(r);
    let claim = cols.claim_of(r);
    let (text, context_url) = match claim {
        Some(c) => (
            data.claims.text.get(c),
            format!("{}#claim-{}", article.url, data.claims.id.get(c)),
        ),
        None => (Cow::Borrowed(article.title), article.url.clone()),
    };
    let spans: Vec<Span> = data
        .figures
        .as_ref()
        .and_then(|f| f.find(row, id).map(|fr| f.span(fr)))
        .into_iter()
        .collect();
    let chip = |col: &Option<super::tables::StrCol<'a>>| {
        let id = col.as_ref()?.opt(r)?;
        let ents = data.entities.as_ref()?;
        ents.row(id).map(|e| ents.chip(e))
    };
    let stated = cols.stated(r);
    let normalized = cols.normalized(r).filter(|n| !stated.ends_with(n.as_str()));
    Ok(FigureRow {
        id,
        kind: cols.kind.get(r),
        figure: cols.view(r),
        quoted: format!(
            "{}{}",
            qualifier_words(cols.qualifier.get(r)),
            cols.surface.get(r)
        ),
        stated,
        normalized,
        subject: chip(&cols.subject),
        commodity: chip(&cols.commodity),
        measure: cols.measure.as_ref().and_then(|m| m.opt(r)),
        context: Segments::of(&text, &spans),
        context_lang: lang_of(&text),
        context_url,
        in_title: claim.is_none(),
        article,
        anchor: None,
    })
}

#[derive(Serialize)]
struct OrderingLink {
    label: &'static str,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct KindLink<'a> {
    kind: &'a str,
    n: usize,
    url: String,
}

#[derive(Serialize)]
struct LedgerPage<'a> {
    ordering: &'static str,
    orderings: Vec<OrderingLink>,
    by_kind: bool,
    page: usize,
    pages: usize,
    first: usize,
    last: usize,
    /// Rows of this ordering.
    total: usize,
    /// Figures in the ledger (more than `total` when an ordering by value is capped).
    n_figures: usize,
    per_unit: usize,
    pager: Pager,
    kinds: Vec<KindLink<'a>>,
    has_about: bool,
    table: String,
    rows: Vec<FigureRow<'a>>,
}

fn kind_anchor(kind: &str) -> String {
    format!("kind-{kind}")
}

fn ledger_page<'p, 'a>(
    data: &'p SiteData<'a>,
    ledger: &'p Ledger<'a>,
    ordering: Ordering,
    page: usize,
    pages: usize,
) -> Result<Page<'p>> {
    let all = ordering.rows(ledger);
    let start = (page - 1) * FIGURES_PER_PAGE;
    let end = (start + FIGURES_PER_PAGE).min(all.len());
    let by_kind = ordering != Ordering::Newest;
    // Kinds link to where they start in this ordering (in the newest-first list: in
    // the ordering by value, largest first).
    let target = if by_kind { ordering } else { Ordering::Largest };
    let kinds = ledger
        .kinds
        .iter()
        .map(|k| KindLink {
            kind: k.kind,
            n: k.n,
            url: format!(
                "{}#{}",
                paging::list_page_path(target.dir(), k.start / FIGURES_PER_PAGE + 1),
                kind_anchor(k.kind)
            ),
        })
        .collect();
    let rows = all[start..end]
        .iter()
        .enumerate()
        .map(|(i, &r)| {
            let r = r as usize;
            let kind = ledger.cols.kind.get(r);
            let starts_kind = by_kind
                && ledger
                    .kinds
                    .iter()
                    .any(|k| k.kind == kind && k.start == start + i);
            let mut row = figure_row(data, &ledger.cols, r, ledger.article(r))?;
            row.anchor = starts_kind.then(|| kind_anchor(kind));
            Ok(row)
        })
        .collect::<Result<Vec<_>>>()?;
    let view = LedgerPage {
        ordering: ordering.label(),
        orderings: Ordering::ALL
            .iter()
            .map(|o| OrderingLink {
                label: o.label(),
                url: paging::list_page_path(o.dir(), 1),
                current: *o == ordering,
            })
            .collect(),
        by_kind,
        page,
        pages,
        first: start + 1,
        last: end,
        total: all.len(),
        n_figures: ledger.len(),
        per_unit: SORTED_PER_UNIT,
        pager: Pager::new(ordering.dir(), page, pages),
        kinds,
        has_about: ledger.cols.has_about(),
        table: ledger.table.clone(),
        rows,
    };
    let title = if pages > 1 {
        format!("Figures, {}, page {page} of {pages}", ordering.label())
    } else {
        format!("Figures, {}", ordering.label())
    };
    Ok(Page::new(
        format!("site/{}", paging::list_page_path(ordering.dir(), page)),
        "figures.html",
        title,
        "figures",
        view,
    ))
}

/// A value quoted by several articles.
#[derive(Serialize)]
pub struct QuotedItem<'a> {
    kind: &'a str,
    value: String,
    /// What the value is about (subject · commodity · measure), as the quotes counted
    /// share it: the same number about other things is another item.
    about: String,
    n_articles: usize,
    n_quotes: usize,
    quotes: Vec<FigureRow<'a>>,
}

#[derive(Serialize)]
pub struct QuotedList<'a> {
    items: Vec<QuotedItem<'a>>,
}

/// The most-quoted values (for the overview and `figures.md`), `None` without figures.
pub fn quoted_list<'a>(data: &SiteData<'a>) -> Result<Option<QuotedList<'a>>> {
    let Some(ledger) = &data.ledger else {
        return Ok(None);
    };
    let c = &ledger.cols;
    let items = ledger
        .quoted
        .iter()
        .map(|q| {
            let first = q.rows[0] as usize;
            let (unit, v, max) = c.comparable_range(first);
            let value = with_unit(&range(v, max), unit);
            let opt = |col: &Option<super::tables::StrCol<'a>>| {
                col.as_ref().and_then(|col| col.opt(first))
            };
            let mut about: Vec<String> = [opt(&c.subject), opt(&c.commodity)]
                .into_iter()
                .flatten()
                .map(|id| entity_name(data, id))
                .collect();
            about.extend(opt(&c.measure).map(measure_label));
            Ok(QuotedItem {
                kind: c.kind.get(first),
                value,
                about: about.join(" · "),
                n_articles: q.n_articles,
                n_quotes: q.rows.len(),
                quotes: q
                    .rows
                    .iter()
                    .take(QUOTES_SHOWN)
                    .map(|&r| figure_row(data, c, r as usize, ledger.article(r as usize)))
                    .collect::<Result<Vec<_>>>()?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(QuotedList { items }))
}

#[derive(Serialize)]
struct KindCount<'a> {
    kind: &'a str,
    n: usize,
}

#[derive(Serialize)]
struct FiguresReport<'a> {
    total: usize,
    kinds: Vec<KindCount<'a>>,
    quoted: Option<QuotedList<'a>>,
    shown: usize,
    rows: Vec<FigureRow<'a>>,
}

fn figures_report<'p, 'a>(data: &'p SiteData<'a>, ledger: &'p Ledger<'a>) -> Result<Page<'p>> {
    let rows = ledger
        .newest
        .iter()
        .take(REPORT_FIGURES)
        .map(|&r| figure_row(data, &ledger.cols, r as usize, ledger.article(r as usize)))
        .collect::<Result<Vec<_>>>()?;
    let view = FiguresReport {
        total: ledger.len(),
        kinds: ledger
            .kinds
            .iter()
            .map(|k| KindCount {
                kind: k.kind,
                n: k.n,
            })
            .collect(),
        quoted: quoted_list(data)?,
        shown: rows.len(),
        rows,
    };
    Ok(Page::new(
        "figures.md".into(),
        "figures.md",
        "Figures".into(),
        "figures",
        view,
    ))
}

// ---------------------------------------------------------------------------------------
// Sources disagree

/// A value of a statistic and the figures that quote it.
#[derive(Serialize)]
struct ValueView<'a> {
    value: String,
    sources: Vec<&'a str>,
    /// The newest quotes, at most [`QUOTES_PER_VALUE`].
    quotes: Vec<FigureRow<'a>>,
    /// Quotes of this value not shown (they are in the figure ledger).
    more_quotes: usize,
}

#[derive(Serialize)]
struct StatisticView<'a> {
    anchor: String,
    label: String,
    subject: Option<EntityChip>,
    commodity: Option<EntityChip>,
    measure: String,
    unit: &'a str,
    /// The year the values are for, when the figures say.
    year: Option<i32>,
    n_values: usize,
    /// Values not shown (past [`VALUES_SHOWN`]) and the quotes of them.
    hidden_values: usize,
    hidden_quotes: usize,
    n_quotes: usize,
    n_articles: usize,
    n_sources: usize,
    low: String,
    high: String,
    first: Option<When>,
    last: Option<When>,
    chart: Chart,
    values: Vec<ValueView<'a>>,
}

/// `refining_share` → `refining share`.
fn measure_label(m: &str) -> String {
    m.replace('_', " ")
}

/// An entity's English name, or its id where the entities are not loaded.
fn entity_name(data: &SiteData, id: &str) -> String {
    data.entities
        .as_ref()
        .and_then(|e| e.row(id).map(|r| e.cols.name_en.get(r).to_string()))
        .unwrap_or_else(|| id.to_string())
}

fn statistic_label(data: &SiteData, s: &Statistic) -> String {
    let name = |id: &str| entity_name(data, id);
    let mut parts: Vec<String> = Vec::new();
    if let Some(s) = s.key.subject {
        parts.push(name(s));
    }
    if let Some(c) = s.key.commodity {
        parts.push(name(c));
    }
    let mut measure = measure_label(s.key.measure);
    if let Some(y) = s.key.year {
        measure.push_str(&format!(" in {y}"));
    }
    parts.push(measure);
    format!("{} ({})", parts.join(" · "), s.key.unit)
}

/// A value of a statistic (value, upper bound, qualifier) as a map key.
fn value_key<'s>(&(v, max, q): &(f64, Option<f64>, &'s str)) -> (u64, Option<u64>, &'s str) {
    (v.to_bits(), max.map(f64::to_bits), q)
}

/// One statistic with its values side by side (smallest first), who quotes each, and a
/// range chart with a row per source.
fn statistic_view<'a>(
    data: &SiteData<'a>,
    ledger: &Ledger<'a>,
    s: &Statistic<'a>,
    index: usize,
) -> Result<StatisticView<'a>> {
    let c = &ledger.cols;
    let unit = s.key.unit;
    // Distinct values (the value, its upper bound and its qualifier), each with its rows,
    // in order of first quote, then sorted (stably) by value. A statistic of a large
    // corpus has hundreds of values, and they are ranked by their quotes below: the rows
    // go with each value rather than being looked up by key at every comparison.
    type Quoted<'q> = (f64, Option<f64>, &'q str);
    let mut values_of: Vec<(Quoted, Vec<usize>)> = Vec::new();
    let mut index_of: FastMap<(u64, Option<u64>, &str), usize> = Default::default();
    for &r in &s.rows {
        let r = r as usize;
        let (v, max) = Variants::value_in(c, r, unit);
        let q = c.qualifier.get(r);
        let i = *index_of.entry(value_key(&(v, max, q))).or_insert_with(|| {
            values_of.push(((v, max, q), Vec::new()));
            values_of.len() - 1
        });
        values_of[i].1.push(r);
    }
    values_of.sort_by(|(a, _), (b, _)| {
        a.0.total_cmp(&b.0)
            .then(a.1.unwrap_or(a.0).total_cmp(&b.1.unwrap_or(b.0)))
            .then(a.2.cmp(b.2))
    });
    let fmt = |v: f64, max: Option<f64>, q: &str| {
        format!("{}{}", qualifier_words(q), with_unit(&range(v, max), unit))
    };
    // Who quotes the statistic at all: every source and article, whatever the value.
    let mut sources_all: Vec<&'a str> = Vec::new();
    let mut articles_all: Vec<usize> = Vec::new();
    let mut sources_seen: FastSet<&'a str> = Default::default();
    let mut articles_seen: FastSet<usize> = Default::default();
    for &r in &s.rows {
        let row = ledger.article(r as usize);
        let source = data.articles.source.get(row);
        if sources_seen.insert(source) {
            sources_all.push(source);
        }
        if articles_seen.insert(row) {
            articles_all.push(row);
        }
    }
    // The values shown (indexes into `values_of`): all of them, or on a large corpus
    // (where one statistic is quoted with hundreds of values) the most-quoted ones with
    // the smallest and the largest.
    let n = values_of.len();
    let mut shown: Vec<usize> = (0..n).collect();
    if n > VALUES_SHOWN {
        let mut ranked: Vec<usize> = (1..n - 1).collect();
        ranked.sort_by(|&a, &b| {
            values_of[b]
                .1
                .len()
                .cmp(&values_of[a].1.len())
                .then(a.cmp(&b))
        });
        let mut keep: Vec<usize> = ranked.into_iter().take(VALUES_SHOWN - 2).collect();
        keep.sort_unstable();
        shown = std::iter::once(0)
            .chain(keep)
            .chain(std::iter::once(n - 1))
            .collect();
    }
    // Values as `statistic_variants` counts them (`n_values`): a value quoted with two
    // qualifiers (`over 80%`, `80%`) is one value in two rows of the table.
    let n_distinct = values_of
        .iter()
        .map(|((v, max, _), _)| (v.to_bits(), max.map(f64::to_bits)))
        .collect::<FastSet<_>>()
        .len();
    let hidden_values = n - shown.len();
    let hidden_quotes = s.rows.len() - shown.iter().map(|&i| values_of[i].1.len()).sum::<usize>();
    let mut values = Vec::new();
    // A dot per source and value quoted (with its qualifier) is enough for the chart.
    let mut points_seen: FastSet<(&'a str, u64, &str)> = Default::default();
    // Per source: the chart's points and the values' labels.
    type Points = (Vec<(f64, String)>, Vec<String>);
    let mut per_source: BTreeMap<&'a str, Points> = BTreeMap::new();
    for &i in &shown {
        let ((v, max, q), rows) = &values_of[i];
        let (v, max, q) = (*v, *max, *q);
        let label = fmt(v, max, q);
        let mut sources: Vec<&'a str> = Vec::new();
        let mut quotes = Vec::new();
        for &r in rows {
            let row = ledger.article(r);
            let source = data.articles.source.get(row);
            let new_source = !sources.contains(&source);
            if new_source {
                sources.push(source);
            }
            let (points, labels) = per_source.entry(source).or_default();
            for x in [Some(v), max].into_iter().flatten() {
                if points_seen.insert((source, x.to_bits(), q)) {
                    let date = when(data.articles.published_at.get(row))?.date;
                    points.push((x, format!("{source}: {label} ({date})")));
                }
            }
            if new_source && !labels.contains(&label) {
                labels.push(label.clone());
            }
            if quotes.len() < QUOTES_PER_VALUE {
                quotes.push(figure_row(data, c, r, row)?);
            }
        }
        values.push(ValueView {
            value: label,
            sources,
            more_quotes: rows.len() - quotes.len(),
            quotes,
        });
    }
    // A row per source (most quotes first), the rest together.
    let mut sources: Vec<(&str, Points)> = per_source.into_iter().collect();
    sources.sort_by(|a, b| b.1.0.len().cmp(&a.1.0.len()).then(a.0.cmp(b.0)));
    let label = statistic_label(data, s);
    let anchor = format!("statistic-{}", index + 1);
    let mut table = TableView::new(
        format!("Values of {label}, by source"),
        &[("source", false), ("values", false)],
    );
    let mut rows: Vec<RangeRow> = Vec::new();
    let mut other: Vec<(f64, String)> = Vec::new();
    for (i, (source, (points, labels))) in sources.into_iter().enumerate() {
        table.rows.push(vec![
            Cell::text(source).lang(lang_of(source)),
            Cell::text(labels.join("; ")),
        ]);
        if i < CHART_SOURCES {
            rows.push(RangeRow {
                label: source.to_string(),
                points,
            });
        } else {
            other.extend(points);
        }
    }
    if !other.is_empty() {
        rows.push(RangeRow {
            label: "other sources".into(),
            points: other,
        });
    }
    let chart = Chart {
        svg: svg::range_chart(
            &anchor,
            &format!("Values quoted for {label}"),
            "A row per source, a dot per value it quotes, a line from its lowest to its highest; the table below lists them.",
            &rows,
            &if unit == "%" {
                "%".to_string()
            } else {
                format!(" {unit}")
            },
        ),
        table,
    };
    let (low, high) = (
        values_of
            .first()
            .map(|&((v, m, q), _)| fmt(v, m, q))
            .unwrap_or_default(),
        values_of
            .last()
            .map(|&((v, m, q), _)| fmt(v, m, q))
            .unwrap_or_default(),
    );
    let dates: Vec<i64> = articles_all
        .iter()
        .map(|&a| data.articles.published_at.get(a))
        .collect();
    let chip = |id: Option<&str>| {
        let ents = data.entities.as_ref()?;
        ents.row(id?).map(|e| ents.chip(e))
    };
    Ok(StatisticView {
        anchor,
        label,
        subject: chip(s.key.subject),
        commodity: chip(s.key.commodity),
        measure: measure_label(s.key.measure),
        unit,
        year: s.key.year,
        n_values: n_distinct,
        hidden_values,
        hidden_quotes,
        n_quotes: s.rows.len(),
        n_articles: articles_all.len(),
        n_sources: sources_all.len(),
        low,
        high,
        first: dates.iter().min().map(|&t| when(t)).transpose()?,
        last: dates.iter().max().map(|&t| when(t)).transpose()?,
        chart,
        values,
    })
}

#[derive(Serialize)]
struct DisagreePage<'a> {
    page: usize,
    pages: usize,
    first: usize,
    last: usize,
    total: usize,
    pager: Pager,
    statistics: Vec<StatisticView<'a>>,
}

fn disagree_dir() -> &'static str {
    "disagree"
}

fn disagree_page<'p, 'a>(
    data: &'p SiteData<'a>,
    variants: &'p Variants<'a>,
    page: usize,
    pages: usize,
) -> Result<Page<'p>> {
    let Some(ledger) = &data.ledger else {
        anyhow::bail!("sources disagree needs the figure ledger");
    };
    let total = variants.statistics.len();
    let start = (page - 1) * STATISTICS_PER_PAGE;
    let end = (start + STATISTICS_PER_PAGE).min(total);
    let statistics = variants.statistics[start..end]
        .iter()
        .enumerate()
        .map(|(i, s)| statistic_view(data, ledger, s, start + i))
        .collect::<Result<Vec<_>>>()?;
    let view = DisagreePage {
        page,
        pages,
        first: start + 1,
        last: end,
        total,
        pager: Pager::new(disagree_dir(), page, pages),
        statistics,
    };
    let title = if pages > 1 {
        format!("Sources disagree, page {page} of {pages}")
    } else {
        "Sources disagree".to_string()
    };
    Ok(Page::new(
        format!("site/{}", paging::list_page_path(disagree_dir(), page)),
        "disagree.html",
        title,
        "disagree",
        view,
    ))
}

/// The start of "sources disagree", for the overview.
#[derive(Serialize)]
pub struct DisagreeTop {
    url: &'static str,
    total: usize,
    items: Vec<DisagreeItem>,
}

#[derive(Serialize)]
struct DisagreeItem {
    label: String,
    url: String,
    values: Vec<String>,
    /// Quoted values past those listed (a statistic of a large corpus has hundreds).
    hidden_values: usize,
    n_sources: usize,
}

/// The first `n` statistics that sources quote differently, `None` when the dataset
/// is not built.
pub fn disagree_top(data: &SiteData, n: usize) -> Option<DisagreeTop> {
    let variants = data.variants.as_ref()?;
    let ledger = data.ledger.as_ref()?;
    let items = variants
        .statistics
        .iter()
        .take(n)
        .enumerate()
        .filter_map(|(i, s)| {
            let view = statistic_view(data, ledger, s, i).ok()?;
            Some(DisagreeItem {
                url: format!(
                    "{}#{}",
                    paging::list_page_path(disagree_dir(), i / STATISTICS_PER_PAGE + 1),
                    view.anchor
                ),
                values: view.values.iter().map(|v| v.value.clone()).collect(),
                hidden_values: view.hidden_values,
                n_sources: view.n_sources,
                label: view.label,
            })
        })
        .collect();
    Some(DisagreeTop {
        url: DISAGREE_INDEX,
        total: variants.statistics.len(),
        items,
    })
}

#[derive(Serialize)]
struct DisagreeReport<'a> {
    total: usize,
    shown: usize,
    statistics: Vec<StatisticView<'a>>,
}

fn disagree_report<'p, 'a>(data: &'p SiteData<'a>, variants: &'p Variants<'a>) -> Result<Page<'p>> {
    let Some(ledger) = &data.ledger else {
        anyhow::bail!("sources disagree needs the figure ledger");
    };
    let statistics = variants
        .statistics
        .iter()
        .take(REPORT_STATISTICS)
        .enumerate()
        .map(|(i, s)| statistic_view(data, ledger, s, i))
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::new(
        "disagree.md".into(),
        "disagree.md",
        "Sources disagree".into(),
        "disagree",
        DisagreeReport {
            total: variants.statistics.len(),
            shown: statistics.len(),
            statistics,
        },
    ))
}

#[cfg(test)]
mod tests {
    //! "Sources disagree" and the figures' subjects are built and checked here on the
    //! committed tables of the shipped corpus, with the columns that are on their way
    //! added by hand: `subject_entity_id`, `commodity_id` and `measure` on the figures
    //! of China's rare earth shares, and a `statistic_variants` fixture.

    use std::path::PathBuf;
    use std::sync::Arc;

    use arrow::array::{ArrayRef, RecordBatch, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use minijinja::Value;
    use minijinja::value::Serde;

    use super::*;
    use crate::render::id_col::IdChunk;
    use crate::render::load::Loaded;
    use crate::render::pages::{self, site_globals};
    use crate::render::site::page_text;
    use crate::render::tables::TableData;
    use crate::render::templates::Templates;
    use crate::tables::Table;

    /// (figure id, measure) of the percentages the shipped claims give for China's
    /// share of rare earth refining (over 80%, over 90%, 90% ×3, 92%), magnet making
    /// (90%, 98%) and mining (69%).
    const SHARES: &[(&str, &str)] = &[
        ("5c43192b2d4f55ff", "refining_share"),
        ("16ba3e50d8afd266", "refining_share"),
        ("b0317201c2f2ece6", "refining_share"),
        ("89679fff15d52044", "refining_share"),
        ("526558b85c4ea8fc", "refining_share"),
        ("8754793edd6b3dc8", "refining_share"),
        ("3fc10912376ec693", "magnet_share"),
        ("ab288825e3f008d8", "magnet_share"),
        ("31e4906ad7e20cb3", "mining_share"),
    ];

    fn committed(table: Table) -> TableData {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("data/tables")
            .join(format!("{}.parquet", table.name()));
        TableData::read(table, &path).unwrap()
    }

    fn strings(values: Vec<Option<&str>>) -> ArrayRef {
        Arc::new(StringArray::from(values))
    }

    /// The committed figures with what they are about.
    fn figures_about(name: &str) -> TableData {
        let figures = committed(Table::Figures);
        let mut found = 0;
        let batches = figures
            .batches()
            .iter()
            .map(|b| {
                let ids = IdChunk::of(b.column_by_name("figure_id").unwrap().as_ref()).unwrap();
                let measure: Vec<Option<&str>> = (0..b.num_rows())
                    .map(|i| {
                        SHARES
                            .iter()
                            .find(|(id, _)| Id::of(id) == ids.get(i))
                            .map(|(_, m)| *m)
                    })
                    .collect();
                found += measure.iter().flatten().count();
                let about = |v: &'static str| -> Vec<Option<&str>> {
                    measure.iter().map(|m| m.map(|_| v)).collect()
                };
                let mut fields: Vec<Field> = Vec::new();
                let mut columns: Vec<ArrayRef> = Vec::new();
                for (f, c) in b.schema().fields().iter().zip(b.columns()) {
                    if !["subject_entity_id", "commodity_id", "measure"]
                        .contains(&f.name().as_str())
                    {
                        fields.push(f.as_ref().clone());
                        columns.push(c.clone());
                    }
                }
                for (n, values) in [
                    ("subject_entity_id", about("country/CN")),
                    ("commodity_id", about("commodity/rare-earths")),
                    ("measure", measure.clone()),
                ] {
                    fields.push(Field::new(n, DataType::Utf8, true));
                    columns.push(strings(values));
                }
                RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap()
            })
            .collect();
        assert_eq!(found, SHARES.len(), "the fixture names figures by id");
        TableData::from_batches(name, batches)
    }

    /// Two statistics, one of them over two rows (the page reads the key columns only).
    fn variants() -> TableData {
        let cn = Some("country/CN");
        let re = Some("commodity/rare-earths");
        let schema = Schema::new(vec![
            Field::new("subject_entity_id", DataType::Utf8, true),
            Field::new("commodity_id", DataType::Utf8, true),
            Field::new("measure", DataType::Utf8, false),
            Field::new("unit", DataType::Utf8, false),
        ]);
        let batch = RecordBatch::try_new(
            Arc::new(schema),
            vec![
                strings(vec![cn, cn, cn]),
                strings(vec![re, re, re]),
                strings(vec![
                    Some("refining_share"),
                    Some("refining_share"),
                    Some("magnet_share"),
                ]),
                strings(vec![Some("%"), Some("%"), Some("%")]),
            ],
        )
        .unwrap();
        TableData::from_batches("statistic_variants", vec![batch])
    }

    fn loaded(ledger: bool) -> Loaded {
        let mut l = Loaded::base(committed(Table::Articles), committed(Table::Claims))
            .and_then(|l| l.with_figures(figures_about("figures")))
            .and_then(|l| l.with_entities(committed(Table::Entities), committed(Table::Mentions)))
            .unwrap();
        if ledger {
            l.ledger_table = Some(crate::render::load::FIGURE_LEDGER);
        }
        l.statistic_variants = Some(variants());
        l
    }

    fn render(data: &SiteData, name: &str, i: usize) -> String {
        let mut templates = Templates::load(None).unwrap();
        templates.add_global("site", Value::from(Serde(site_globals(data))));
        let sets = pages::page_sets(data, &[]);
        let set = sets
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no page set {name}"));
        page_text(&templates, &(set.page)(i).unwrap()).unwrap()
    }

    #[test]
    fn sources_disagree_shows_values_side_by_side_with_their_sources() {
        let loaded = loaded(false);
        let data = SiteData::new(&loaded).unwrap();
        let v = data.variants.as_ref().unwrap();
        assert_eq!(
            v.statistics.len(),
            2,
            "rows of one statistic are one statistic"
        );
        assert_eq!(v.statistics[0].rows.len(), 6);
        assert_eq!(v.statistics[1].rows.len(), 2);

        let html = render(&data, "sources disagree", 0);
        assert!(html.contains("<h1>Sources disagree</h1>"));
        assert!(
            html.contains("China · rare earth elements · refining share (%)"),
            "{html}"
        );
        // Values side by side, smallest first, each with its sources.
        let at = |s: &str| {
            html.find(&format!("<td class=\"num\"><strong>{s}</strong></td>"))
                .unwrap_or_else(|| panic!("{s} missing"))
        };
        assert!(at("over 80%") < at("90%"));
        assert!(at("90%") < at("over 90%"));
        assert!(at("over 90%") < at("92%"));
        assert!(at("92%") < at("98%"), "the magnet share comes second");
        for source in ["Sou Hu Cai Jing", "Guan Cha Zhe Wang"] {
            assert!(html.contains(source));
        }
        // A range chart with a dot per value and source, escaped and labelled.
        assert!(html.contains("<svg class=\"chart\""));
        assert!(html.matches("<circle class=\"dot\"").count() >= 6);
        assert!(html.contains("id=\"statistic-1\"") && html.contains("id=\"statistic-2\""));
        // Each quote links to its claim.
        assert!(html.contains("#claim-"));

        let md = render(&data, "sources disagree report", 0);
        assert!(
            md.contains("## China · rare earth elements · refining share (%)"),
            "{md}"
        );
        assert!(md.contains("| over 90% |"), "{md}");

        // The overview shows the start, and China's page the figures about it.
        let overview = render(&data, "overview", 0);
        assert!(
            overview.contains("Sources disagree")
                && overview.contains("disagree/index.html#statistic-1")
        );
        let ents = data.entities.as_ref().unwrap();
        let cn = ents.row("country/CN").unwrap();
        let page = (0..ents.n_pages())
            .find(|&i| ents.page_at(i) == (cn, 1))
            .unwrap();
        let china = render(&data, "entity", page);
        assert!(china.contains("Figures about it"), "{china}");
        assert_eq!(
            china.matches("<span class=\"measure\">").count(),
            SHARES.len()
        );
    }

    #[test]
    fn the_ledger_reads_figure_ledger_when_it_is_built() {
        let with = loaded(true);
        let data = SiteData::new(&with).unwrap();
        let ledger = data.ledger.as_ref().unwrap();
        assert_eq!(ledger.table, "figure_ledger");
        let html = render(&data, "figure ledger", 0);
        assert!(html.contains("data.html#table-figure_ledger"));
        assert!(
            html.contains("<th scope=\"col\">about</th>"),
            "subjects are shown"
        );
        let without = loaded(false);
        let data = SiteData::new(&without).unwrap();
        assert_eq!(data.ledger.as_ref().unwrap().table, "figures");
        // Most-quoted values now tell statistics apart: China's 90% refining share is
        // one value, its 90% magnet share another.
        let q = &data.ledger.as_ref().unwrap().quoted;
        assert!(!q.is_empty());
        assert!(q.iter().all(|v| v.n_articles >= 2));
        let measures = data.ledger.as_ref().unwrap().cols.measure.as_ref().unwrap();
        for v in q {
            let m: Vec<Option<&str>> = v.rows.iter().map(|&r| measures.opt(r as usize)).collect();
            assert!(m.windows(2).all(|w| w[0] == w[1]), "{m:?}");
        }
    }

    /// On a large corpus the orderings by value keep the largest (smallest) figures of
    /// each kind and unit, and the newest-first ledger its newest pages; a small corpus
    /// lists everything (the other tests).
    #[test]
    fn ledger_orderings_are_capped_on_a_large_corpus() {
        let figures = committed(Table::Figures);
        let copies = LEDGER_PAGES_MAX * FIGURES_PER_PAGE / figures.len() + 2;
        let batches: Vec<RecordBatch> = (0..copies)
            .flat_map(|_| figures.batches().iter().cloned())
            .collect();
        let many = TableData::from_batches("figures", batches);
        let mut l = Loaded::base(committed(Table::Articles), committed(Table::Claims))
            .and_then(|l| l.with_figures(many))
            .unwrap();
        l.ledger_table = Some(crate::render::load::FIGURE_LEDGER);
        let data = SiteData::new(&l).unwrap();
        let ledger = data.ledger.as_ref().unwrap();
        let n = ledger.len();
        assert!(n > LEDGER_PAGES_MAX * FIGURES_PER_PAGE);
        assert_eq!(
            Ordering::Newest.rows(ledger).len(),
            LEDGER_PAGES_MAX * FIGURES_PER_PAGE
        );
        let c = &ledger.cols;
        for o in [Ordering::Largest, Ordering::Smallest] {
            let rows = o.rows(ledger);
            assert!(rows.len() < n);
            // Per kind and unit: at most the cap, and the extreme values among all.
            let mut groups: BTreeMap<(&str, &str), Vec<f64>> = BTreeMap::new();
            for &r in rows {
                let (unit, v) = c.comparable(r as usize);
                groups
                    .entry((c.kind.get(r as usize), unit))
                    .or_default()
                    .push(v);
            }
            for ((kind, unit), listed) in &groups {
                assert!(listed.len() <= SORTED_PER_UNIT, "{kind} {unit}");
                let all: Vec<f64> = (0..n)
                    .filter(|&r| c.kind.get(r) == *kind && c.comparable(r).0 == *unit)
                    .map(|r| c.comparable(r).1)
                    .collect();
                if all.len() > SORTED_PER_UNIT {
                    assert_eq!(listed.len(), SORTED_PER_UNIT, "{kind} {unit}");
                }
                let extreme = |vs: &[f64]| match o {
                    Ordering::Largest => vs.iter().cloned().fold(f64::MIN, f64::max),
                    _ => vs.iter().cloned().fold(f64::MAX, f64::min),
                };
                assert_eq!(extreme(listed), extreme(&all), "{kind} {unit}");
            }
        }
        // The pages say that they list only part of the ledger, and where the rest is.
        let newest = render(&data, "figure ledger", 0);
        assert!(
            newest.contains("These pages list the newest 100,000."),
            "{newest}"
        );
        assert!(newest.contains("data.html#table-figure_ledger"));
        let mut templates = Templates::load(None).unwrap();
        templates.add_global("site", Value::from(Serde(site_globals(&data))));
        let sets = pages::page_sets(&data, &[]);
        let largest = sets
            .iter()
            .filter(|s| s.name == "figure ledger")
            .nth(1)
            .unwrap();
        let html = page_text(&templates, &(largest.page)(0).unwrap()).unwrap();
        assert!(html.contains("largest of each kind and unit"), "{html}");
    }
}
