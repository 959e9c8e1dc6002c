//! Every page and report, as loader functions: each builds one page's view from the
//! loaded tables and names its template. [`page_sets`] lists them with their counts; the
//! renderer ([`super::site`]) calls them in parallel.
//!
//! A page for a new table is a template plus a function here, registered in
//! [`page_sets`] (and in [`nav`] when it should appear in the navigation).

use anyhow::{Context, Result};
use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;

use super::export::Download;
use super::load::SiteData;
use super::model::*;
use super::page_index::{KeyHasher, PageKey};
use super::paging::{self, ARTICLES_PER_PAGE, Pager};
use super::svg::{self, Bar};
use super::{entity_pages, figure_pages, publish_pages};
use crate::tables::{Stage, Table};

/// One output file: where it goes (relative to `reports/`), its template and its view.
pub struct Page<'d> {
    pub path: String,
    pub template: &'static str,
    /// The page title (without the site's name).
    pub title: String,
    /// The navigation entry this page belongs to.
    pub nav: &'static str,
    /// The view, turned into a template value ([`Page::ctx`]) only when the page is
    /// rendered: a rebuild links most pages without rendering them, and converting their
    /// views anyway was about a sixth of such a render's user time at 100k articles.
    view: Box<dyn Fn() -> Value + 'd>,
    /// What the page is made from, besides what every page sees; `None` when its view
    /// could not be hashed whole (it is then rendered every time).
    pub input: Option<PageKey>,
}

impl<'d> Page<'d> {
    pub(super) fn new(
        path: String,
        template: &'static str,
        title: String,
        nav: &'static str,
        view: impl Serialize + 'd,
    ) -> Page<'d> {
        let input = KeyHasher::new()
            .str(&path)
            .str(template)
            .str(&title)
            .str(nav)
            .value(&view)
            .map(|h| h.finish());
        Page {
            path,
            template,
            title,
            nav,
            view: Box::new(move || Value::from(Serde(&view))),
            input,
        }
    }

    /// The view as the template sees it.
    pub fn ctx(&self) -> Value {
        (self.view)()
    }

    /// The prefix from this page back to the root of its tree (the site for
    /// `site/…` pages, `reports/` for the markdown reports).
    pub fn root(&self) -> String {
        paging::root_of(self.path.strip_prefix("site/").unwrap_or(&self.path))
    }
}

/// A family of pages: how many there are and the function that builds page `i`.
pub struct PageSet<'d> {
    pub name: &'static str,
    pub len: usize,
    /// A markdown report (under `reports/`) rather than a page of the site.
    pub markdown: bool,
    #[allow(clippy::type_complexity)]
    pub page: Box<dyn Fn(usize) -> Result<Page<'d>> + Send + Sync + 'd>,
}

impl<'d> PageSet<'d> {
    pub(super) fn new(
        name: &'static str,
        len: usize,
        page: impl Fn(usize) -> Result<Page<'d>> + Send + Sync + 'd,
    ) -> Self {
        PageSet {
            name,
            len,
            markdown: false,
            page: Box::new(page),
        }
    }

    pub(super) fn one(
        name: &'static str,
        page: impl Fn() -> Result<Page<'d>> + Send + Sync + 'd,
    ) -> Self {
        Self::new(name, 1, move |_| page())
    }

    /// A markdown report.
    pub(super) fn report(
        name: &'static str,
        page: impl Fn() -> Result<Page<'d>> + Send + Sync + 'd,
    ) -> Self {
        PageSet {
            markdown: true,
            ..Self::one(name, page)
        }
    }
}

/// Every page of the site and every report, given the loaded data and the downloads
/// already written. Pages of tables that are not built are left out.
pub fn page_sets<'d>(data: &'d SiteData<'d>, downloads: &'d [Download]) -> Vec<PageSet<'d>> {
    let n_list_pages = paging::page_count(data.n_articles(), ARTICLES_PER_PAGE);
    let mut sets = vec![
        PageSet::one("overview", move || {
            overview(data, "site/index.html", "index.html")
        }),
        PageSet::report("overview report", move || {
            overview(data, "overview.md", "overview.md")
        }),
        PageSet::new("article", data.n_articles(), move |i| article(data, i)),
        PageSet::new("articles list", n_list_pages, move |i| {
            article_list(data, i + 1, n_list_pages)
        }),
        PageSet::one("articles by month", move || article_months(data)),
        PageSet::one("data", move || {
            data_page(data, downloads, "site/data.html", "data.html")
        }),
        PageSet::report("data report", move || {
            data_page(data, downloads, "data.md", "data.md")
        }),
        PageSet::one("search", move || search_page(data)),
    ];
    sets.extend(entity_pages::page_sets(data));
    sets.extend(figure_pages::page_sets(data));
    sets.extend(publish_pages::page_sets(data));
    sets
}

/// The site's navigation, in order. Entries for pages of tables that are not built
/// are left out.
pub fn nav(data: &SiteData) -> Vec<NavItem> {
    let item = |key, label, url: &str| NavItem {
        key,
        label,
        url: url.to_string(),
    };
    let mut nav = vec![
        item("overview", "Overview", "index.html"),
        item("articles", "Articles", "articles/index.html"),
    ];
    if data.entities.is_some() {
        nav.push(item("entities", "Entities", entity_pages::INDEX));
    }
    if data.ledger.is_some() {
        nav.push(item("figures", "Figures", figure_pages::LEDGER_INDEX));
    }
    if data.variants.is_some() {
        nav.push(item(
            "disagree",
            "Sources disagree",
            figure_pages::DISAGREE_INDEX,
        ));
    }
    nav.push(item("data", "Data", "data.html"));
    if data.quality.is_some() {
        nav.push(item("quality", "Quality", publish_pages::QUALITY));
    }
    if data.changelog.is_some() {
        nav.push(item("changes", "Changes", publish_pages::CHANGELOG));
    }
    nav.push(item("search", "Search", "search.html"));
    nav
}

/// Values every template sees as `site`. Nothing here counts the corpus: every page
/// sees these, so a count would make every page change, and be rendered again, whenever
/// an article comes or goes ([`super::page_index`]).
#[derive(Debug, Clone, Serialize)]
pub struct SiteGlobals {
    pub name: String,
    pub name_lang: Option<&'static str>,
    pub nav: Vec<NavItem>,
}

pub fn site_globals(data: &SiteData) -> SiteGlobals {
    let c = &data.stats.collections;
    let name = match c.as_slice() {
        [(only, _)] => only.clone(),
        [] => "gazette".to_string(),
        _ => format!("{} collections", c.len()),
    };
    SiteGlobals {
        name_lang: lang_of(&name),
        name,
        nav: nav(data),
    }
}

// ---------------------------------------------------------------------------------------
// Overview

#[derive(Serialize)]
struct Overview<'a> {
    n_articles: usize,
    n_claims: usize,
    n_cited: usize,
    n_sources: usize,
    collections: Vec<Named>,
    first: Option<When>,
    last: Option<When>,
    months: Vec<MonthRow>,
    timeline: Chart,
    /// The page of every month's articles.
    months_url: &'static str,
    sources: Chart,
    latest: Vec<Latest<'a>>,
    n_entities: Option<usize>,
    n_figures: Option<usize>,
    /// The most-mentioned entities (when entities are built).
    entities: Option<Chart>,
    entities_url: &'static str,
    /// Values quoted by several articles (when figures are built).
    quoted: Option<figure_pages::QuotedList<'a>>,
    ledger_url: &'static str,
    /// The first statistics that sources quote differently.
    disagree: Option<figure_pages::DisagreeTop>,
    has_quality: bool,
    /// Articles the build left out (bad, or copies), listed on the quality page.
    n_skipped: u64,
}

#[derive(Serialize)]
struct Named {
    name: String,
    lang: Option<&'static str>,
    n: usize,
}

#[derive(Serialize)]
struct MonthRow {
    month: String,
    n: usize,
    /// A bar of block characters for the markdown report.
    bar: String,
}

#[derive(Serialize)]
struct Latest<'a> {
    article: ArticleRef<'a>,
    core_label: Option<&'a str>,
    core: Vec<ClaimView<'a>>,
}

/// Latest articles on the overview.
const LATEST: usize = 10;
/// Sources in the overview's chart.
const TOP_SOURCES: usize = 10;
/// Entities in the overview's chart.
const TOP_ENTITIES: usize = 10;

fn overview<'p>(data: &'p SiteData, path: &str, template: &'static str) -> Result<Page<'p>> {
    let s = &data.stats;
    let max_month = s.months.iter().map(|m| m.1.n).max().unwrap_or(0).max(1);
    let months: Vec<MonthRow> = s
        .months
        .iter()
        .map(|(m, c)| MonthRow {
            month: m.clone(),
            n: c.n,
            bar: "█".repeat((c.n * 30).div_ceil(max_month)),
        })
        .collect();

    let bars: Vec<Bar> = s
        .months
        .iter()
        .map(|(m, c)| Bar::new(m.clone(), c.n as f64, "articles"))
        .collect();
    let mut month_table = TableView::new(
        "Articles per month",
        &[("month", false), ("articles", true)],
    );
    month_table.rows = s
        .months
        .iter()
        .map(|(m, c)| {
            let month = match c.newest {
                Some(p) => Cell::text(m.clone()).link(paging::article_list_at_month(p, m)),
                None => Cell::text(m.clone()),
            };
            vec![month, Cell::count(c.n)]
        })
        .collect();
    let period = match (&s.first, &s.last) {
        (Some(f), Some(l)) => format!("from {} to {}", f.month, l.month),
        _ => "none".to_string(),
    };
    let timeline = Chart {
        svg: svg::column_chart(
            "timeline",
            "Articles per month",
            &format!("A column per month {period}; the table below lists the numbers."),
            &bars,
        ),
        table: month_table,
    };

    let top: Vec<&(String, usize)> = s.sources.iter().take(TOP_SOURCES).collect();
    let bars: Vec<Bar> = top
        .iter()
        .map(|(name, n)| Bar::new(name.clone(), *n as f64, "articles"))
        .collect();
    let mut source_table = TableView::new(
        format!("The {} sources with the most articles", top.len()),
        &[("source", false), ("articles", true)],
    );
    source_table.rows = top
        .iter()
        .map(|(name, n)| vec![Cell::text(name.clone()).lang(lang_of(name)), Cell::count(n)])
        .collect();
    let sources = Chart {
        svg: svg::bar_chart(
            "sources",
            "Articles per source",
            "A bar per source, longest for the source with the most articles; the table below lists the numbers.",
            &bars,
        ),
        table: source_table,
    };

    let latest = data
        .order
        .iter()
        .take(LATEST)
        .map(|&row| {
            let row = row as usize;
            let article = data.article_ref(row)?;
            let core: Vec<ClaimView> = data
                .claims_of(row)
                .filter(|&c| data.claims.is_core.get(c as usize))
                .map(|c| claim_view(data, c as usize, row, &article.url))
                .collect();
            Ok(Latest {
                core_label: data.articles.core_label.opt(row),
                article,
                core,
            })
        })
        .collect::<Result<Vec<_>>>()?;

    let view = Overview {
        n_articles: s.n_articles,
        n_claims: s.n_claims,
        n_cited: s.n_cited,
        n_sources: s.sources.len(),
        collections: s
            .collections
            .iter()
            .map(|(name, n)| Named {
                name: name.clone(),
                lang: lang_of(name),
                n: *n,
            })
            .collect(),
        first: s.first.clone(),
        last: s.last.clone(),
        months,
        timeline,
        months_url: paging::ARTICLE_MONTHS,
        sources,
        latest,
        n_entities: data.entities.as_ref().map(|e| {
            e.ranked
                .iter()
                .filter(|&&r| e.cols.n_mentions.get(r as usize) > 0)
                .count()
        }),
        n_figures: data.ledger.as_ref().map(|l| l.len()),
        entities: entity_pages::top_entities_chart(data, TOP_ENTITIES),
        entities_url: entity_pages::INDEX,
        quoted: figure_pages::quoted_list(data)?,
        ledger_url: figure_pages::LEDGER_INDEX,
        disagree: figure_pages::disagree_top(data, 3),
        has_quality: data.quality.is_some(),
        n_skipped: data
            .quality
            .and_then(|q| q.corpus.as_ref())
            .map_or(0, |c| c.skipped),
    };
    Ok(Page::new(
        path.to_string(),
        template,
        "Overview".into(),
        "overview",
        view,
    ))
}

// ---------------------------------------------------------------------------------------
// Articles

/// Claim row `c` of article row `row` as a view; `article_url` is its article page's
/// URL. Its figures are highlighted and its entity mentions linked (from the spans of
/// the `figures` and `mentions` tables), and its attribution shown.
pub fn claim_view<'a>(
    data: &SiteData<'a>,
    c: usize,
    row: usize,
    article_url: &str,
) -> ClaimView<'a> {
    let spans = spans(data, row, Some(c));
    claim_view_with(data, c, article_url, &spans)
}

/// [`claim_view`] with the claim's spans already at hand.
fn claim_view_with<'a>(
    data: &SiteData<'a>,
    c: usize,
    article_url: &str,
    spans: &[Span],
) -> ClaimView<'a> {
    let cl = &data.claims;
    let id = cl.id.get(c);
    let text = cl.text.get(c);
    let anchor = format!("claim-{id}");
    ClaimView {
        id,
        url: format!("{article_url}#{anchor}"),
        anchor,
        ordinal: cl.ordinal.get(c),
        segments: Segments::of(&text, spans),
        text,
        citations: cl.citations.i32s(c),
        attribution: AttributionView::of(
            cl.attribution_cue.opt(c),
            cl.attributed_to.opt(c),
            cl.hedged.get(c),
            cl.modality.get(c),
        ),
    }
}

/// The figures and entity mentions of a claim (`None`: of the title) of article `row`.
pub fn spans(data: &SiteData, row: usize, claim: Option<usize>) -> Vec<Span> {
    let mut spans = Vec::new();
    if let Some(f) = &data.figures {
        spans.extend(f.spans(row, claim));
    }
    if let Some(e) = &data.entities {
        spans.extend(e.spans(row, claim));
    }
    spans
}

/// The figures and entity mentions of every text of article `row`, by claim row (`None`:
/// the title). One pass over the article's rows: an article page looking up each claim's
/// spans among all of the article's rows was a tenth of the site's render.
fn spans_by_text(data: &SiteData, row: usize) -> Vec<(Option<usize>, Vec<Span>)> {
    let mut out: Vec<(Option<usize>, Vec<Span>)> = Vec::new();
    let mut add = |claim: Option<usize>, span: Span| {
        // Rows come grouped by text, so the last bucket is nearly always the one.
        match out.iter().rposition(|(c, _)| *c == claim) {
            Some(i) => out[i].1.push(span),
            None => out.push((claim, vec![span])),
        }
    };
    if let Some(f) = &data.figures {
        for r in f.by_article.of(row) {
            let r = r as usize;
            add(f.cols.claim_of(r), f.span(r));
        }
    }
    if let Some(e) = &data.entities {
        for (claim, span) in e.spans_of_article(row) {
            add(claim, span);
        }
    }
    out
}

fn article<'p>(data: &'p SiteData, pos: usize) -> Result<Page<'p>> {
    let row = data.order[pos] as usize;
    let id = data.articles.id.get(row);
    build_article(data, pos, row)
        .with_context(|| format!("Failed to render the page of article '{id}'"))
}

fn build_article<'p>(data: &'p SiteData, pos: usize, row: usize) -> Result<Page<'p>> {
    let a = &data.articles;
    let article = data.article_ref(row)?;
    let cl = &data.claims;
    let by_text = spans_by_text(data, row);
    let spans_of = |claim: Option<usize>| -> &[Span] {
        by_text
            .iter()
            .find(|(t, _)| *t == claim)
            .map_or(&[], |(_, s)| s.as_slice())
    };
    let mut sections: Vec<SectionView> = Vec::new();
    let mut n_cited = 0;
    for c in data.claims_of(row) {
        let c = c as usize;
        let ordinal = cl.section_ordinal.get(c);
        if sections.last().is_none_or(|s| s.ordinal != ordinal) {
            sections.push(SectionView {
                anchor: format!("section-{ordinal}"),
                ordinal,
                label: cl.section_label.get(c),
                heading: cl.section_heading.opt(c),
                is_core: cl.is_core.get(c),
                claims: Vec::new(),
            });
        }
        let view = claim_view_with(data, c, &article.url, spans_of(Some(c)));
        n_cited += usize::from(!view.citations.is_empty());
        if let Some(s) = sections.last_mut() {
            s.claims.push(view);
        }
    }
    let neighbour = |p: Option<usize>| -> Result<Option<ArticleRef>> {
        match p.and_then(|p| data.order.get(p)) {
            Some(&r) => data.article_ref(r as usize).map(Some),
            None => Ok(None),
        }
    };
    let view = ArticlePage {
        title_segments: Segments::of(article.title, spans_of(None)),
        entities: data.entities.as_ref().map_or_else(Vec::new, |e| {
            e.entities_in(row).into_iter().map(|r| e.chip(r)).collect()
        }),
        n_figures: data
            .figures
            .as_ref()
            .map_or(0, |f| f.by_article.of(row).len()),
        core_label: a.core_label.opt(row),
        sections,
        n_cited,
        source_file: a.source_file.get(row),
        source_line: a.source_line.get(row),
        summary_line: a.summary_line.get(row),
        newer: neighbour(pos.checked_sub(1))?,
        older: neighbour(Some(pos + 1))?,
        article,
    };
    let title = view.article.title.to_string();
    Ok(Page::new(
        format!("site/{}", view.article.url),
        "article.html",
        title,
        "articles",
        view,
    ))
}

#[derive(Serialize)]
struct ArticleList<'a> {
    page: usize,
    pages: usize,
    /// 1-based positions of the first and last article shown.
    first: usize,
    last: usize,
    total: usize,
    pager: Pager,
    articles: Vec<ArticleRef<'a>>,
    /// The articles by month: runs of `articles`, each under its month's heading.
    months: Vec<MonthRun>,
    /// Every month, with links to its heading here.
    months_url: &'static str,
}

/// The articles of one month on a list page: `articles[start..end]`.
#[derive(Serialize)]
struct MonthRun {
    /// `2025-10`
    month: String,
    /// `October 2025`
    label: String,
    /// The heading's id, on the run that holds the month's newest article (the one
    /// [`article_months`] links to); a month begun on an earlier page has none.
    anchor: Option<String>,
    start: usize,
    end: usize,
}

fn article_list<'p>(data: &'p SiteData, page: usize, pages: usize) -> Result<Page<'p>> {
    let start = (page - 1) * ARTICLES_PER_PAGE;
    let end = (start + ARTICLES_PER_PAGE).min(data.n_articles());
    let articles = data.order[start..end]
        .iter()
        .map(|&r| data.article_ref(r as usize))
        .collect::<Result<Vec<_>>>()?;
    let mut months: Vec<MonthRun> = Vec::new();
    for (i, a) in articles.iter().enumerate() {
        match months.last_mut() {
            Some(run) if run.month == a.when.month => run.end = i + 1,
            _ => {
                let newest = data.month_count(&a.when.month).newest;
                months.push(MonthRun {
                    label: month_label(&a.when.month),
                    anchor: (newest == Some(start + i))
                        .then(|| paging::month_anchor(&a.when.month)),
                    month: a.when.month.clone(),
                    start: i,
                    end: i + 1,
                })
            }
        }
    }
    let view = ArticleList {
        page,
        pages,
        first: start + 1,
        last: end,
        total: data.n_articles(),
        pager: Pager::new("articles", page, pages),
        articles,
        months,
        months_url: paging::ARTICLE_MONTHS,
    };
    let title = if pages > 1 {
        format!("Articles, page {page} of {pages}")
    } else {
        "Articles".to_string()
    };
    Ok(Page::new(
        format!("site/{}", paging::list_page_path("articles", page)),
        "articles.html",
        title,
        "articles",
        view,
    ))
}

#[derive(Serialize)]
struct ArticleMonths {
    total: usize,
    first: Option<When>,
    last: Option<When>,
    /// The months' names, January first, for the columns.
    month_names: [&'static str; 12],
    /// Newest year first.
    years: Vec<YearRow>,
    list_url: &'static str,
}

#[derive(Serialize)]
struct YearRow {
    year: String,
    n: usize,
    /// January to December; `None` before the first article's month and after the last's.
    months: Vec<Option<MonthCell>>,
}

#[derive(Serialize)]
struct MonthCell {
    /// `October 2025`
    label: String,
    n: usize,
    /// The month's heading in the article list (none for a month without articles).
    url: Option<String>,
}

/// Every month with articles, a year a row: the way into a long article list.
fn article_months<'p>(data: &'p SiteData) -> Result<Page<'p>> {
    let s = &data.stats;
    let mut years: Vec<YearRow> = Vec::new();
    for (month, count) in &s.months {
        let (year, m) = month.split_once('-').unwrap_or((month, ""));
        let index = m
            .parse::<usize>()
            .ok()
            .and_then(|m| m.checked_sub(1))
            .filter(|&m| m < 12);
        let Some(index) = index else {
            continue;
        };
        if years.last().is_none_or(|y| y.year != year) {
            years.push(YearRow {
                year: year.to_string(),
                n: 0,
                months: (0..12).map(|_| None).collect(),
            });
        }
        let row = years.last_mut().expect("a year was pushed");
        row.n += count.n;
        row.months[index] = Some(MonthCell {
            label: month_label(month),
            n: count.n,
            url: count
                .newest
                .map(|p| paging::article_list_at_month(p, month)),
        });
    }
    years.reverse();
    let view = ArticleMonths {
        total: s.n_articles,
        first: s.first.clone(),
        last: s.last.clone(),
        month_names: MONTH_NAMES,
        years,
        list_url: "articles/index.html",
    };
    Ok(Page::new(
        format!("site/{}", paging::ARTICLE_MONTHS),
        "article_months.html",
        "Articles by month".to_string(),
        "articles",
        view,
    ))
}

// ---------------------------------------------------------------------------------------
// Data

#[derive(Serialize)]
struct DataPage {
    tables: Vec<TableDoc>,
    /// The normalized tables are published as month partitions.
    partitioned: bool,
    /// The built tables (the notebook examples load these).
    built: Vec<&'static str>,
    /// Larger tables have no CSV download.
    csv_max_rows: usize,
}

#[derive(Serialize)]
struct TableDoc {
    name: &'static str,
    anchor: String,
    stage: Stage,
    /// Path in the publication (`data/tables/articles.parquet`; a partitioned table's
    /// folder, `data/tables/claims/`).
    path: String,
    /// Published as a hive-partitioned dataset folder.
    partitioned: bool,
    description: &'static str,
    order: &'static str,
    key: &'static [&'static str],
    foreign_keys: Vec<ForeignKeyDoc>,
    columns: TableView,
    download: Option<Download>,
}

#[derive(Serialize)]
struct ForeignKeyDoc {
    columns: &'static [&'static str],
    table: &'static str,
    anchor: String,
    references: &'static [&'static str],
}

fn table_anchor(t: Table) -> String {
    format!("table-{}", t.name())
}

fn data_page<'p>(
    _data: &SiteData,
    downloads: &'p [Download],
    path: &str,
    template: &'static str,
) -> Result<Page<'p>> {
    let tables: Vec<TableDoc> = Table::ALL
        .iter()
        .map(|&t| {
            let spec = t.spec();
            let mut columns = TableView::new(
                format!("Columns of {}", spec.name),
                &[
                    ("column", false),
                    ("type", false),
                    ("null", false),
                    ("description", false),
                ],
            );
            columns.rows = spec
                .columns
                .iter()
                .map(|c| {
                    vec![
                        Cell::code(c.name),
                        Cell::text(c.ty.display()),
                        Cell::text(if c.nullable { "yes" } else { "no" }),
                        Cell::text(c.description),
                    ]
                })
                .collect();
            let download = downloads.iter().find(|d| d.table == spec.name).cloned();
            TableDoc {
                name: spec.name,
                anchor: table_anchor(t),
                stage: spec.stage,
                path: download.as_ref().map_or_else(
                    || spec.rel_path().to_string_lossy().replace('\\', "/"),
                    |d| d.published.clone(),
                ),
                partitioned: download.as_ref().is_some_and(|d| d.partitioned),
                description: spec.description,
                order: spec.order,
                key: spec.primary_key,
                foreign_keys: spec
                    .foreign_keys
                    .iter()
                    .map(|fk| ForeignKeyDoc {
                        columns: fk.columns,
                        table: fk.table.name(),
                        anchor: table_anchor(fk.table),
                        references: fk.references,
                    })
                    .collect(),
                columns,
                download,
            }
        })
        .collect();
    let view = DataPage {
        partitioned: tables.iter().any(|t| t.partitioned),
        tables,
        built: downloads.iter().map(|d| d.table).collect(),
        csv_max_rows: super::export::CSV_MAX_ROWS,
    };
    Ok(Page::new(
        path.to_string(),
        template,
        "Data".into(),
        "data",
        view,
    ))
}

// ---------------------------------------------------------------------------------------
// Search

#[derive(Serialize)]
struct SearchPage {
    n_articles: usize,
    n_claims: usize,
    n_entities: Option<usize>,
}

fn search_page<'p>(data: &'p SiteData) -> Result<Page<'p>> {
    let view = SearchPage {
        n_articles: data.stats.n_articles,
        n_claims: data.stats.n_claims,
        n_entities: data.entities.as_ref().map(|e| e.len()),
    };
    Ok(Page::new(
        "site/search.html".into(),
        "search.html",
        "Search".into(),
        "search",
        view,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A view that counts how often it becomes a template value.
    struct Counted<'a>(&'a AtomicUsize);

    impl Serialize for Counted<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            if minijinja::value::serializing_for_value() {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
            s.serialize_str("view")
        }
    }

    /// A page's key is known when it is made; its view becomes a template value only
    /// when asked for (a page the render keeps never is).
    #[test]
    fn a_page_converts_its_view_only_when_rendered() {
        let conversions = AtomicUsize::new(0);
        let page = Page::new(
            "site/a.html".into(),
            "article.html",
            "A".into(),
            "Articles",
            Counted(&conversions),
        );
        assert!(page.input.is_some());
        assert_eq!(conversions.load(Ordering::Relaxed), 0);
        assert_eq!(page.ctx().as_str(), Some("view"));
        assert_eq!(conversions.load(Ordering::Relaxed), 1);
    }
}
