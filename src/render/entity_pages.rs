//! Entity pages: one per entity (sharded like articles, its articles paged), the
//! entities index, a paged list per kind, and the `entities.md` report.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde::Serialize;

use super::figure_pages::{FigureRow, figure_row};
use super::load::{SiteData, fill_months, when};
use super::load_entities::{ENTITY_ARTICLES_PER_PAGE, ENTITY_FIGURES, EntityData};
use super::model::*;
use super::pages::{Page, PageSet, claim_view, spans};
use super::paging::{self, Pager};
use super::svg::{self, Bar};

/// The entities index, relative to the site root.
pub const INDEX: &str = "entities/index.html";
/// Entities per page of a kind's list.
const PER_KIND_PAGE: usize = 100;
/// Entities in the index's chart.
const TOP_INDEX: usize = 20;
/// Children listed on an entity's page.
const CHILDREN_SHOWN: usize = 100;
/// Entities per kind in the markdown report.
const REPORT_PER_KIND: usize = 25;

pub fn page_sets<'d>(data: &'d SiteData<'d>) -> Vec<PageSet<'d>> {
    let Some(ents) = &data.entities else {
        return Vec::new();
    };
    // Kind list pages, one kind after another.
    let mut kind_starts = vec![0];
    for k in &ents.kinds {
        let last = kind_starts.last().copied().unwrap_or(0);
        kind_starts.push(last + paging::page_count(k.rows.len(), PER_KIND_PAGE));
    }
    let n_kind_pages = kind_starts.last().copied().unwrap_or(0);
    vec![
        PageSet::new("entity", ents.n_pages(), move |i| {
            let (e, page) = ents.page_at(i);
            entity_page(data, ents, e, page)
                .with_context(|| format!("entity '{}'", ents.cols.id.get(e)))
        }),
        PageSet::one("entities index", move || index(data, ents)),
        PageSet::new("entity list", n_kind_pages, move |i| {
            let k = kind_starts.partition_point(|&s| s <= i) - 1;
            kind_list(ents, k, i - kind_starts[k] + 1)
        }),
        PageSet::report("entities report", move || report(ents)),
    ]
}

/// `entities/<kind>/index.html`, `…/page-N.html`.
fn kind_dir(kind: &str) -> String {
    format!("entities/{kind}")
}

/// How a kind is called in headings.
pub fn kind_label(kind: &str) -> String {
    match kind {
        "country" => "Countries".into(),
        "region" => "Regions".into(),
        "organization" => "Organizations".into(),
        "person" => "People".into(),
        "commodity" => "Commodities".into(),
        "place" => "Places".into(),
        "law" => "Laws and agreements".into(),
        "vessel" => "Vessels".into(),
        k => format!("{k}s"),
    }
}

/// A bar chart of the most-mentioned entities, with their numbers as a linked table.
pub fn top_entities_chart(data: &SiteData, n: usize) -> Option<Chart> {
    let ents = data.entities.as_ref()?;
    let top: Vec<usize> = ents
        .ranked
        .iter()
        .map(|&e| e as usize)
        .filter(|&e| ents.cols.n_mentions.get(e) > 0)
        .take(n)
        .collect();
    if top.is_empty() {
        return None;
    }
    let c = &ents.cols;
    let bars: Vec<Bar> = top
        .iter()
        .map(|&e| Bar::new(c.name_en.get(e), c.n_mentions.get(e) as f64, "mentions"))
        .collect();
    let mut table = TableView::new(
        format!("The {} most-mentioned entities", top.len()),
        &[
            ("entity", false),
            ("Chinese", false),
            ("kind", false),
            ("mentions", true),
            ("articles", true),
        ],
    );
    table.rows = top
        .iter()
        .map(|&e| {
            vec![
                Cell::text(c.name_en.get(e))
                    .link(ents.url(e, 1))
                    .lang(lang_of(c.name_en.get(e))),
                Cell::text(c.name_zh.opt(e).unwrap_or("")).lang(Some("zh")),
                Cell::text(c.kind.get(e)),
                Cell::count(c.n_mentions.get(e)),
                Cell::count(c.n_articles.get(e)),
            ]
        })
        .collect();
    Some(Chart {
        svg: svg::bar_chart(
            "top-entities",
            "Most-mentioned entities",
            "A bar per entity, longest for the entity mentioned most often in titles and claims; the table below lists the numbers.",
            &bars,
        ),
        table,
    })
}

#[derive(Serialize)]
struct Alias {
    text: String,
    lang: Option<&'static str>,
}

#[derive(Serialize)]
struct EntityFigures<'a> {
    heading: &'static str,
    /// The table's caption (naming the entity: the section's heading does not).
    caption: String,
    /// Whether the figures say what they are about (the table shows it).
    about: bool,
    note: String,
    total: usize,
    rows: Vec<FigureRow<'a>>,
}

/// The articles of an entity's page: each with its title (when the title mentions the
/// entity) and the claims that mention it.
#[derive(Serialize)]
struct MentionGroup<'a> {
    article: ArticleRef<'a>,
    title: Option<Segments>,
    claims: Vec<ClaimView<'a>>,
}

#[derive(Serialize)]
struct EntityPage<'a> {
    entity: EntityChip,
    name_lang: Option<&'static str>,
    kind: &'a str,
    kind_label: String,
    kind_url: String,
    aliases: Vec<Alias>,
    wikidata: Option<&'a str>,
    source: &'a str,
    /// The parent, its parent… nearest first.
    ancestors: Vec<EntityChip>,
    children: Vec<EntityChip>,
    n_children: usize,
    n_mentions: i64,
    n_articles: usize,
    /// Articles listed on its pages (fewer than n_articles past `MAX_ENTITY_PAGES`).
    n_listed: usize,
    first_seen: Option<When>,
    last_seen: Option<When>,
    page: usize,
    pages: usize,
    pager: Pager,
    /// 1-based positions of the first and last article shown.
    first: usize,
    last: usize,
    timeline: Option<Chart>,
    comentioned: Option<TableView>,
    figures: Option<EntityFigures<'a>>,
    articles: Vec<MentionGroup<'a>>,
}

fn entity_page<'p, 'a>(
    data: &'p SiteData<'a>,
    ents: &'p EntityData<'a>,
    e: usize,
    page: usize,
) -> Result<Page<'p>> {
    let c = &ents.cols;
    let pages = ents.pages_of(e);
    let first_page = page == 1;
    let name = c.name_en.get(e);

    let mut ancestors = Vec::new();
    let mut p = ents.parent_of(e);
    while let Some(a) = p {
        if a == e || ancestors.len() > 16 {
            break;
        }
        ancestors.push(ents.chip(a));
        p = ents.parent_of(a);
    }
    let children: Vec<EntityChip> = ents
        .children_of(e)
        .iter()
        .take(CHILDREN_SHOWN)
        .map(|&ch| ents.chip(ch as usize))
        .collect();

    let mut articles: Vec<MentionGroup> = Vec::new();
    let mut last_claim: Option<usize> = None;
    for &m in ents.mentions_on_page(e, page) {
        let m = m as usize;
        let row = ents.mention_article(m);
        if articles
            .last()
            .is_none_or(|g| g.article.id != data.articles.id.get(row))
        {
            articles.push(MentionGroup {
                article: data.article_ref(row)?,
                title: None,
                claims: Vec::new(),
            });
            last_claim = None;
        }
        let Some(group) = articles.last_mut() else {
            continue;
        };
        match ents.mentions.claim_of(m) {
            None => {
                if group.title.is_none() {
                    group.title = Some(Segments::of(group.article.title, &spans(data, row, None)));
                }
            }
            Some(cr) if last_claim != Some(cr) => {
                last_claim = Some(cr);
                let view = claim_view(data, cr, row, &group.article.url);
                group.claims.push(view);
            }
            Some(_) => {}
        }
    }
    let first = (page - 1) * ENTITY_ARTICLES_PER_PAGE + 1;
    let view = EntityPage {
        entity: ents.chip(e),
        name_lang: lang_of(name),
        kind: c.kind.get(e),
        kind_label: kind_label(c.kind.get(e)),
        kind_url: paging::list_page_path(&kind_dir(c.kind.get(e)), 1),
        aliases: c
            .aliases
            .strs(e)
            .into_iter()
            .filter(|a| a != name && Some(a.as_str()) != c.name_zh.opt(e))
            .map(|a| Alias {
                lang: lang_of(&a),
                text: a,
            })
            .collect(),
        wikidata: c.wikidata.opt(e),
        source: c.source.get(e),
        ancestors,
        n_children: ents.children_of(e).len(),
        children,
        n_mentions: c.n_mentions.get(e),
        n_articles: ents.n_articles_of(e),
        n_listed: ents.n_listed_of(e),
        first_seen: c.first_seen.opt(e).map(when).transpose()?,
        last_seen: c.last_seen.opt(e).map(when).transpose()?,
        page,
        pages,
        pager: Pager::with_urls(page, pages, |n| ents.url(e, n)),
        first,
        last: first + articles.len().saturating_sub(1),
        timeline: if first_page { timeline(ents, e) } else { None },
        comentioned: if first_page {
            comentioned(ents, e)
        } else {
            None
        },
        figures: if first_page {
            entity_figures(data, ents, e)?
        } else {
            None
        },
        articles,
    };
    let title = if pages > 1 {
        format!("{name} (page {page} of {pages})")
    } else {
        name.to_string()
    };
    Ok(Page::new(
        format!("site/{}", ents.url(e, page)),
        "entity.html",
        title,
        "entities",
        view,
    ))
}

/// Mentions per month, summed over sources.
fn timeline(ents: &EntityData, e: usize) -> Option<Chart> {
    let (cols, rows) = ents.timeline.as_ref()?;
    let mut months: BTreeMap<String, i64> = BTreeMap::new();
    for &r in rows.of(e) {
        *months
            .entry(cols.month.get(r as usize).to_string())
            .or_default() += cols.n_mentions.get(r as usize);
    }
    if months.is_empty() {
        return None;
    }
    let months = fill_months(&months);
    let bars: Vec<Bar> = months
        .iter()
        .map(|(m, n)| Bar::new(m.clone(), *n as f64, "mentions"))
        .collect();
    let mut table = TableView::new(
        "Mentions per month",
        &[("month", false), ("mentions", true)],
    );
    table.rows = months
        .iter()
        .map(|(m, n)| vec![Cell::text(m.clone()), Cell::count(n)])
        .collect();
    let (first, last) = (&months[0].0, &months[months.len() - 1].0);
    Some(Chart {
        svg: svg::column_chart(
            "entity-timeline",
            "Mentions per month",
            &format!(
                "A column per month from {first} to {last}: how often titles and claims mention {}; the table below lists the numbers.",
                ents.cols.name_en.get(e)
            ),
            &bars,
        ),
        table,
    })
}

fn comentioned(ents: &EntityData, e: usize) -> Option<TableView> {
    let (cols, top) = ents.cooccurrence.as_ref()?;
    let rows = &top[e];
    if rows.is_empty() {
        return None;
    }
    let id = ents.cols.id.get(e);
    let mut table = TableView::new(
        format!(
            "Entities mentioned with {} (the {} sharing the most articles)",
            ents.cols.name_en.get(e),
            rows.len()
        ),
        &[
            ("entity", false),
            ("kind", false),
            ("articles together", true),
            ("claims together", true),
        ],
    );
    for &r in rows {
        let r = r as usize;
        let other = if cols.entity_a.get(r) == id {
            cols.entity_b.get(r)
        } else {
            cols.entity_a.get(r)
        };
        let Some(o) = ents.row(other) else { continue };
        table.rows.push(vec![
            Cell::text(ents.cols.name_en.get(o))
                .link(ents.url(o, 1))
                .lang(lang_of(ents.cols.name_en.get(o))),
            Cell::text(ents.cols.kind.get(o)),
            Cell::count(cols.n_articles.get(r)),
            Cell::count(cols.n_claims.get(r)),
        ]);
    }
    Some(table)
}

/// The figures about the entity (by the figures' subject and commodity), or, until
/// figures say what they are about, the figures in claims that mention it.
fn entity_figures<'a>(
    data: &SiteData<'a>,
    ents: &EntityData<'a>,
    e: usize,
) -> Result<Option<EntityFigures<'a>>> {
    let name = ents.cols.name_en.get(e);
    if let (Some(about), Some(ledger)) = (&ents.figures_about, &data.ledger) {
        let total = about.total[e] as usize;
        let shown = about
            .newest
            .of(e)
            .iter()
            .map(|&r| figure_row(data, &ledger.cols, r as usize, ledger.article(r as usize)))
            .collect::<Result<Vec<_>>>()?;
        return Ok(Some(EntityFigures {
            caption: format!("Figures about {name}"),
            heading: "Figures about it",
            about: true,
            note: format!(
                "Figures whose subject or commodity is {name}, newest first{}.",
                shown_of(shown.len(), total)
            ),
            total,
            rows: shown,
        }));
    }
    let Some(figs) = &data.figures else {
        return Ok(None);
    };
    let mut total = 0;
    let mut shown = Vec::new();
    let mut last: Option<usize> = None;
    for &m in ents.mentions_of(e) {
        let m = m as usize;
        let Some(cr) = ents.mentions.claim_of(m) else {
            continue;
        };
        let row = ents.mention_article(m);
        if last == Some(cr) {
            continue;
        }
        last = Some(cr);
        for f in figs.rows_in(row, Some(cr)) {
            total += 1;
            if shown.len() < ENTITY_FIGURES {
                shown.push(figure_row(data, &figs.cols, f, row)?);
            }
        }
    }
    Ok(Some(EntityFigures {
        caption: format!("Figures in claims that mention {name}"),
        heading: "Figures in claims that mention it",
        about: false,
        note: format!(
            "The figures stated in claims that mention {name}, newest first{}. They are not necessarily about {name}: the figures table does not yet say what a figure is about.",
            shown_of(shown.len(), total)
        ),
        total,
        rows: shown,
    }))
}

fn shown_of(shown: usize, total: usize) -> String {
    if shown < total {
        format!(" (the latest {shown} of {total})")
    } else {
        String::new()
    }
}

#[derive(Serialize)]
struct KindSummary {
    kind: String,
    label: String,
    url: String,
    n: usize,
    n_mentioned: usize,
}

#[derive(Serialize)]
struct EntitiesIndex {
    n_entities: usize,
    kinds: Vec<KindSummary>,
    top: Option<Chart>,
}

fn kind_summaries(ents: &EntityData) -> Vec<KindSummary> {
    ents.kinds
        .iter()
        .map(|k| KindSummary {
            kind: k.kind.to_string(),
            label: kind_label(k.kind),
            url: paging::list_page_path(&kind_dir(k.kind), 1),
            n: k.rows.len(),
            n_mentioned: k
                .rows
                .iter()
                .filter(|&&e| ents.cols.n_mentions.get(e as usize) > 0)
                .count(),
        })
        .collect()
}

fn index<'p>(data: &'p SiteData, ents: &'p EntityData) -> Result<Page<'p>> {
    let view = EntitiesIndex {
        n_entities: ents.len(),
        kinds: kind_summaries(ents),
        top: top_entities_chart(data, TOP_INDEX),
    };
    Ok(Page::new(
        format!("site/{INDEX}"),
        "entities.html",
        "Entities".into(),
        "entities",
        view,
    ))
}

#[derive(Serialize)]
struct KindList {
    kind: String,
    label: String,
    page: usize,
    pages: usize,
    first: usize,
    last: usize,
    total: usize,
    pager: Pager,
    table: TableView,
}

/// The columns of a list of entities.
fn entity_table(ents: &EntityData, caption: String, rows: &[u32], site: bool) -> Result<TableView> {
    let c = &ents.cols;
    let mut table = TableView::new(
        caption,
        &[
            ("entity", false),
            ("Chinese", false),
            ("id", false),
            ("mentions", true),
            ("articles", true),
            ("last seen", false),
        ],
    );
    for &e in rows {
        let e = e as usize;
        let name = Cell::text(c.name_en.get(e)).lang(lang_of(c.name_en.get(e)));
        table.rows.push(vec![
            if site {
                name.link(ents.url(e, 1))
            } else {
                name
            },
            Cell::text(c.name_zh.opt(e).unwrap_or("")).lang(Some("zh")),
            Cell::code(c.id.get(e)),
            Cell::count(c.n_mentions.get(e)),
            Cell::count(c.n_articles.get(e)),
            Cell::text(
                c.last_seen
                    .opt(e)
                    .map(when)
                    .transpose()?
                    .map(|w| w.date)
                    .unwrap_or_default(),
            ),
        ]);
    }
    Ok(table)
}

fn kind_list<'p>(ents: &'p EntityData, k: usize, page: usize) -> Result<Page<'p>> {
    let group = &ents.kinds[k];
    let total = group.rows.len();
    let pages = paging::page_count(total, PER_KIND_PAGE);
    let start = (page - 1) * PER_KIND_PAGE;
    let end = (start + PER_KIND_PAGE).min(total);
    let label = kind_label(group.kind);
    let dir = kind_dir(group.kind);
    let view = KindList {
        kind: group.kind.to_string(),
        table: entity_table(
            ents,
            format!("{label}, most mentioned first"),
            &group.rows[start..end],
            true,
        )?,
        label: label.clone(),
        page,
        pages,
        first: start + 1,
        last: end,
        total,
        pager: Pager::new(&dir, page, pages),
    };
    let title = if pages > 1 {
        format!("{label}, page {page} of {pages}")
    } else {
        label
    };
    Ok(Page::new(
        format!("site/{}", paging::list_page_path(&dir, page)),
        "entity_list.html",
        title,
        "entities",
        view,
    ))
}

#[derive(Serialize)]
struct ReportKind {
    label: String,
    n: usize,
    n_mentioned: usize,
    more: usize,
    table: TableView,
}

#[derive(Serialize)]
struct EntitiesReport {
    n_entities: usize,
    kinds: Vec<ReportKind>,
}

fn report<'p>(ents: &'p EntityData) -> Result<Page<'p>> {
    let kinds = ents
        .kinds
        .iter()
        .zip(kind_summaries(ents))
        .map(|(k, s)| {
            let shown = &k.rows[..k.rows.len().min(REPORT_PER_KIND)];
            Ok(ReportKind {
                table: entity_table(ents, s.label.clone(), shown, false)?,
                more: k.rows.len() - shown.len(),
                label: s.label,
                n: s.n,
                n_mentioned: s.n_mentioned,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::new(
        "entities.md".into(),
        "entities.md",
        "Entities".into(),
        "entities",
        EntitiesReport {
            n_entities: ents.len(),
            kinds,
        },
    ))
}
