//! Pages about the publication itself: the data tests of the build (`quality.html`,
//! `quality.md`, from `data/quality.json`) and what the build changed (`changelog.html`,
//! from `data/changelog.json`), linking every row that still exists to its page.

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use serde::Serialize;

use super::id_col::Id;
use super::load::SiteData;
use super::model::*;
use super::pages::{Page, PageSet};
use super::paging;
use crate::diff::{DataDiff, TableDiff};
use crate::quality::{CorpusReport, Report};
use crate::tables::Table;

/// The quality page, relative to the site root.
pub const QUALITY: &str = "quality.html";
/// The changelog page.
pub const CHANGELOG: &str = "changelog.html";

pub fn page_sets<'d>(data: &'d SiteData<'d>) -> Vec<PageSet<'d>> {
    let mut sets = Vec::new();
    if let Some(report) = data.quality {
        sets.push(PageSet::one("quality", move || {
            quality(report, "site/quality.html", "quality.html")
        }));
        sets.push(PageSet::report("quality report", move || {
            quality(report, "quality.md", "quality.md")
        }));
    }
    if let Some(diff) = data.changelog {
        sets.push(PageSet::one("changelog", move || changelog(data, diff)));
    }
    sets
}

#[derive(Serialize)]
struct QualityTable {
    name: String,
    anchor: String,
    /// The table's entry on the data page, when the registry knows it.
    data_url: Option<String>,
    n_checks: usize,
    n_failures: u64,
    rows: u64,
    checks: TableView,
}

#[derive(Serialize)]
struct QualityPage {
    n_checks: usize,
    n_tables: usize,
    n_failures: u64,
    passed: bool,
    tables: Vec<QualityTable>,
    failures: Option<TableView>,
    corpus: Option<CorpusView>,
}

/// The pages list this many of the corpus' problems; `data/quality.json` has them all.
const PROBLEMS_LISTED: usize = 200;

/// What the build read of the corpus and left out.
#[derive(Serialize)]
struct CorpusView {
    files: u64,
    articles: u64,
    skipped: u64,
    errors: u64,
    warnings: u64,
    n_problems: usize,
    problems: TableView,
}

fn corpus_view(corpus: &CorpusReport) -> CorpusView {
    let mut problems = TableView::new(
        "Problems in the corpus, by file and line",
        &[
            ("file", false),
            ("line", true),
            ("severity", false),
            ("expected", false),
            ("found", false),
        ],
    );
    problems.rows = corpus
        .problems
        .iter()
        .take(PROBLEMS_LISTED)
        .map(|p| {
            vec![
                Cell::code(p.source_file.clone()),
                Cell::num(p.line),
                Cell::text(p.severity.as_str()),
                Cell::text(p.expected.clone()),
                Cell::text(p.found.clone()),
            ]
        })
        .collect();
    CorpusView {
        files: corpus.files,
        articles: corpus.articles,
        skipped: corpus.skipped,
        errors: corpus.errors,
        warnings: corpus.warnings,
        n_problems: corpus.problems.len(),
        problems,
    }
}

fn quality<'p>(report: &'p Report, path: &str, template: &'static str) -> Result<Page<'p>> {
    let mut tables: Vec<QualityTable> = Vec::new();
    for r in &report.results {
        if tables.last().is_none_or(|t| t.name != r.table) {
            let checks = TableView::new(
                format!("Checks of {}", r.table),
                &[
                    ("check", false),
                    ("column", false),
                    ("what holds", false),
                    ("rows", true),
                    ("failures", true),
                ],
            );
            tables.push(QualityTable {
                name: r.table.clone(),
                anchor: format!("checks-{}", slug(&r.table)),
                data_url: Table::by_name(&r.table).map(|t| format!("data.html#table-{}", t.name())),
                n_checks: 0,
                n_failures: 0,
                rows: r.rows,
                checks,
            });
        }
        let Some(t) = tables.last_mut() else { continue };
        t.n_checks += 1;
        t.n_failures += r.failures;
        t.rows = t.rows.max(r.rows);
        t.checks.rows.push(vec![
            Cell::code(r.check.clone()),
            Cell::code(r.column.clone()),
            Cell::text(r.description.clone()),
            Cell::count(r.rows),
            Cell::count(r.failures),
        ]);
    }
    let failures = (!report.failures.is_empty()).then(|| {
        let mut t = TableView::new(
            "The first failing rows of each check",
            &[
                ("check", false),
                ("table", false),
                ("row", true),
                ("column", false),
                ("value", false),
                ("message", false),
            ],
        );
        t.rows = report
            .failures
            .iter()
            .map(|f| {
                vec![
                    Cell::code(f.check.clone()),
                    Cell::code(f.table.clone()),
                    Cell::num(f.row),
                    Cell::code(f.column.clone()),
                    Cell::code(f.value.clone()),
                    Cell::text(f.message.clone()),
                ]
            })
            .collect();
        t
    });
    let view = QualityPage {
        n_checks: report.results.len(),
        n_tables: tables.len(),
        n_failures: report.n_failures(),
        passed: report.is_ok(),
        tables,
        failures,
        corpus: report.corpus.as_ref().map(corpus_view),
    };
    Ok(Page::new(
        path.to_string(),
        template,
        "Quality".into(),
        "quality",
        view,
    ))
}

/// An anchor-safe form of a name.
fn slug(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[derive(Serialize)]
struct ChangeRow {
    id: String,
    label: String,
    lang: Option<&'static str>,
    url: Option<String>,
    columns: Vec<String>,
}

#[derive(Serialize)]
struct ChangeTable {
    name: String,
    anchor: String,
    n_added: usize,
    n_removed: usize,
    n_changed: usize,
    /// Whether the lists hold fewer rows than the counts (the changelog is capped).
    capped: bool,
    added: Vec<ChangeRow>,
    removed: Vec<ChangeRow>,
    changed: Vec<ChangeRow>,
}

#[derive(Serialize)]
struct ChangelogPage {
    empty: bool,
    summary: TableView,
    tables: Vec<ChangeTable>,
}

fn changelog<'p>(data: &'p SiteData, diff: &'p DataDiff) -> Result<Page<'p>> {
    let mut summary = TableView::new(
        "Rows added, removed and changed per table",
        &[
            ("table", false),
            ("added", true),
            ("removed", true),
            ("changed", true),
        ],
    );
    let mut tables = Vec::new();
    for t in &diff.tables {
        let anchor = format!("changes-{}", slug(&t.table));
        summary.rows.push(vec![
            Cell::code(t.table.clone()).link(format!("{CHANGELOG}#{anchor}")),
            Cell::count(t.n_added),
            Cell::count(t.n_removed),
            Cell::count(t.n_changed),
        ]);
        let urls = locate(data, t);
        let rows = |list: Vec<(&String, &String, &[String])>, link: bool| -> Vec<ChangeRow> {
            list.into_iter()
                .map(|(id, label, columns)| ChangeRow {
                    id: id.clone(),
                    label: label.clone(),
                    lang: lang_of(label),
                    url: if link {
                        urls.get(id.as_str()).cloned()
                    } else {
                        None
                    },
                    columns: columns.to_vec(),
                })
                .collect()
        };
        tables.push(ChangeTable {
            name: t.table.clone(),
            anchor,
            n_added: t.n_added,
            n_removed: t.n_removed,
            n_changed: t.n_changed,
            capped: t.added.len() < t.n_added
                || t.removed.len() < t.n_removed
                || t.changed.len() < t.n_changed,
            added: rows(
                t.added.iter().map(|r| (&r.id, &r.label, &[][..])).collect(),
                true,
            ),
            // Removed rows have no page any more.
            removed: rows(
                t.removed
                    .iter()
                    .map(|r| (&r.id, &r.label, &[][..]))
                    .collect(),
                false,
            ),
            changed: rows(
                t.changed
                    .iter()
                    .map(|r| (&r.id, &r.label, r.columns.as_slice()))
                    .collect(),
                true,
            ),
        });
    }
    let view = ChangelogPage {
        empty: diff.is_empty(),
        summary,
        tables,
    };
    Ok(Page::new(
        format!("site/{CHANGELOG}"),
        "changelog.html",
        "Changes".into(),
        "changes",
        view,
    ))
}

/// The pages of the rows a table's diff lists (added and changed), where the site has
/// one: an article's page, a claim's or a figure's place on its article's page, an
/// entity's page.
fn locate(data: &SiteData, t: &TableDiff) -> HashMap<String, String> {
    let wanted: HashSet<&str> = t
        .added
        .iter()
        .map(|r| r.id.as_str())
        .chain(t.changed.iter().map(|r| r.id.as_str()))
        .collect();
    let mut out = HashMap::new();
    if wanted.is_empty() {
        return out;
    }
    // Claims' and figures' ids as the site holds them.
    let wanted_ids = || -> HashSet<Id> { wanted.iter().map(|id| Id::of(id)).collect() };
    match t.table.as_str() {
        "articles" => {
            for id in wanted {
                if data.article_row(id).is_some() {
                    out.insert(id.to_string(), paging::article_path(id));
                }
            }
        }
        "claims" => {
            let cl = &data.claims;
            let wanted = wanted_ids();
            for row in 0..data.n_articles() {
                for c in data.claims_of(row) {
                    let id = cl.id.get(c as usize);
                    if wanted.contains(&id) {
                        out.insert(
                            id.to_string(),
                            format!(
                                "{}#claim-{id}",
                                paging::article_path(data.articles.id.get(row))
                            ),
                        );
                    }
                }
            }
        }
        "figures" => {
            if let Some(f) = &data.figures {
                let wanted = wanted_ids();
                for row in 0..data.n_articles() {
                    let article = paging::article_path(data.articles.id.get(row));
                    for r in f.by_article.of(row) {
                        let id = f.cols.id.get(r as usize);
                        if wanted.contains(&id) {
                            let url = match f.cols.claim_of(r as usize) {
                                Some(c) => format!("{article}#claim-{}", data.claims.id.get(c)),
                                None => article.clone(),
                            };
                            out.insert(id.to_string(), url);
                        }
                    }
                }
            }
        }
        "entities" => {
            if let Some(e) = &data.entities {
                for id in wanted {
                    if let Some(r) = e.row(id) {
                        out.insert(id.to_string(), e.url(r, 1));
                    }
                }
            }
        }
        _ => {}
    }
    out
}
