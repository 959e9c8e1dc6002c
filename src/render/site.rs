//! Rendering and writing: every page (in parallel, with the templates
//! compiled once), the search index and the assets.
//!
//! Every output file depends only on the tables, never on thread count or timing, so two
//! renders give the same bytes.

use std::collections::HashSet;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};
use minijinja::context;
use minijinja::value::{Serde, Value};
use rayon::prelude::*;

use super::export::Download;
use super::load::SiteData;
use super::load_entities::EntityData;
use super::pages::{self, Page};
use super::search::{Doc, DocKind, SearchIndex};
use super::templates::Templates;
use super::{RenderOptions, RenderSummary};
use crate::ui::{Clock, Spent, Ui};

/// A directory being filled by many threads; counts what it gets.
pub struct OutputDir {
    root: PathBuf,
    files: AtomicUsize,
    bytes: AtomicU64,
    /// Directories already created (saves a system call per file).
    dirs: Mutex<HashSet<PathBuf>>,
}

impl OutputDir {
    pub fn new(root: &Path) -> Self {
        OutputDir {
            root: root.to_path_buf(),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            dirs: Mutex::new(HashSet::new()),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn parent_dir(&self, path: &Path) -> Result<()> {
        let Some(dir) = path.parent() else {
            return Ok(());
        };
        let known = |d: &Path| self.dirs.lock().is_ok_and(|set| set.contains(d));
        if !known(dir) {
            fs::create_dir_all(dir)
                .with_context(|| format!("Failed to create directory '{}'", dir.display()))?;
            if let Ok(mut set) = self.dirs.lock() {
                set.insert(dir.to_path_buf());
            }
        }
        Ok(())
    }

    /// Writes a file (relative path with `/` separators), creating its directory.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(rel);
        self.parent_dir(&path)?;
        fs::write(&path, bytes).with_context(|| format!("Failed to write '{}'", path.display()))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Creates a file to stream into; count it with [`OutputDir::size_of`] when done.
    pub fn create(&self, rel: &str) -> Result<File> {
        let path = self.path(rel);
        self.parent_dir(&path)?;
        File::create(&path).with_context(|| format!("Failed to create '{}'", path.display()))
    }

    /// Puts a hard link to `source` (a published file, never changed in place: builds
    /// replace files by renaming) at `rel`, or a copy where links are not possible.
    /// Returns its size.
    pub fn link_or_copy(&self, rel: &str, source: &Path) -> Result<u64> {
        let path = self.path(rel);
        self.parent_dir(&path)?;
        let _ = fs::remove_file(&path);
        if fs::hard_link(source, &path).is_err() {
            fs::copy(source, &path).with_context(|| {
                format!(
                    "Failed to copy '{}' to '{}'",
                    source.display(),
                    path.display()
                )
            })?;
        }
        self.size_of(rel)
    }

    /// The size of a file written with [`OutputDir::create`], counted in the totals.
    pub fn size_of(&self, rel: &str) -> Result<u64> {
        let path = self.path(rel);
        let n = fs::metadata(&path)
            .with_context(|| format!("Failed to read '{}'", path.display()))?
            .len();
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(n, Ordering::Relaxed);
        Ok(n)
    }

    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

/// Renders the reports into `reports_dir` and the site into `site` (its `site/` folder,
/// which already holds the `downloads`).
pub fn render_site(
    data: &SiteData,
    site: OutputDir,
    downloads: &[Download],
    reports_dir: &Path,
    opts: &RenderOptions,
    ui: &Ui,
) -> Result<RenderSummary> {
    let reports = OutputDir::new(reports_dir);

    let t = Instant::now();
    let mut templates = Templates::load(opts.templates.as_deref())?;
    templates.add_global("site", Value::from(Serde(pages::site_globals(data))));
    ui.step("Compiled the templates", t);

    let mut html = Spent::default();
    let sets = pages::page_sets(data, downloads);
    let mut n_pages = 0;
    // Markdown reports, then the site's pages: timed apart (`--timings`).
    for markdown in [true, false] {
        let t = Instant::now();
        let clock = Clock::start();
        let jobs: Vec<(usize, usize)> = sets
            .iter()
            .enumerate()
            .filter(|(_, set)| set.markdown == markdown)
            .flat_map(|(s, set)| (0..set.len).map(move |i| (s, i)))
            .collect();
        // Pages differ a hundredfold in cost (an article page against a page of the
        // "sources disagree" list). Rayon hands each thread long runs of consecutive jobs
        // that no other thread can take over once started: at 100k articles the last
        // ledger and disagree pages ran on one thread for 6 s while the other sat idle.
        // Short runs keep both busy to the end.
        jobs.par_iter().with_max_len(8).try_for_each(|&(s, i)| {
            let set = &sets[s];
            let page = (set.page)(i)
                .with_context(|| format!("Failed to build {} page {}", set.name, i + 1))?;
            render_page(&templates, &page, &reports)
        })?;
        n_pages += jobs.len();
        if markdown {
            ui.step(format!("Rendered {} markdown reports", jobs.len()), t);
            ui.stage_spent("render markdown", clock.elapsed());
        } else {
            ui.step(format!("Rendered {} pages", jobs.len()), t);
            html += clock.elapsed();
        }
    }

    let t = Instant::now();
    let clock = Clock::start();
    let index = search_index(data);
    let n = index.write(&site)?;
    ui.step(
        format!(
            "Wrote the search index ({} documents, {n} files)",
            index.len()
        ),
        t,
    );
    html += clock.elapsed();
    ui.stage_spent("render html", html);

    for (name, text) in templates.assets() {
        site.write(name, text.as_bytes())?;
    }

    Ok(RenderSummary {
        pages: n_pages,
        files: reports.files() + site.files(),
        bytes: reports.bytes() + site.bytes(),
    })
}

fn render_page(templates: &Templates, page: &Page, out: &OutputDir) -> Result<()> {
    thread_local! {
        /// Each rendering thread's page buffer, kept at the size of its largest page.
        static PAGE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    PAGE.with_borrow_mut(|text| {
        text.clear();
        page_into(templates, page, text)?;
        out.write(&page.path, text)
    })
}

/// A page rendered with its template: its view plus the page's root, navigation entry
/// and title.
pub fn page_text(templates: &Templates, page: &Page) -> Result<String> {
    let mut text = Vec::new();
    page_into(templates, page, &mut text)?;
    String::from_utf8(text).context("A template wrote text that is not UTF-8")
}

fn page_into(templates: &Templates, page: &Page, text: &mut Vec<u8>) -> Result<()> {
    let ctx = context! {
        root => page.root(),
        nav => page.nav,
        title => &page.title,
        ..page.ctx.clone()
    };
    templates
        .render_into(page.template, ctx, text)
        .with_context(|| format!("Failed to render page '{}'", page.path))
}

/// The search documents: each entity (its names and aliases), most mentioned first,
/// then each article (title and source) with its claims, in the site's order. Each
/// group is built when the index needs it, from the loaded tables.
pub fn search_index<'d>(data: &'d SiteData<'d>) -> SearchIndex<'d> {
    let n_entities = data.entities.as_ref().map_or(0, |e| e.ranked.len());
    let size = move |g: usize| match g.checked_sub(n_entities) {
        None => 1,
        Some(a) => 1 + data.claims_of(data.order[a] as usize).len(),
    };
    let docs = move |g: usize| -> Result<Vec<Doc<'d>>> {
        let Some(a) = g.checked_sub(n_entities) else {
            let ents = data.entities.as_ref().context("entities")?;
            return Ok(vec![entity_doc(ents, ents.ranked[g] as usize)]);
        };
        let row = data.order[a] as usize;
        let a = data.article_ref(row)?;
        let claims = data.claims_of(row);
        let mut docs = Vec::with_capacity(claims.len() + 1);
        docs.push(Doc {
            kind: DocKind::Article,
            url: a.url.into(),
            text: a.title.into(),
            meta: format!("{} · {}", a.source, a.when.date).into(),
            extra: a.source.into(),
        });
        for c in claims {
            let c = c as usize;
            docs.push(Doc {
                kind: DocKind::Claim,
                // Relative to the group's head (the article page): `#claim-…`.
                url: format!("#claim-{}", data.claims.id.get(c)).into(),
                text: data.claims.text.get(c),
                meta: "".into(),
                extra: "".into(),
            });
        }
        Ok(docs)
    };
    SearchIndex::new(n_entities + data.n_articles(), size, docs)
}

/// An entity's search document: its English name, shown with its kind, Chinese name and
/// mention count, and found by its aliases too.
fn entity_doc<'d>(ents: &EntityData<'d>, e: usize) -> Doc<'d> {
    let c = &ents.cols;
    let n = c.n_mentions.get(e);
    let mut meta = c.kind.get(e).to_string();
    if let Some(zh) = c.name_zh.opt(e) {
        meta.push_str(" · ");
        meta.push_str(zh);
    }
    meta.push_str(&format!(" · {n} mention{}", if n == 1 { "" } else { "s" }));
    let mut extra = c.aliases.strs(e).join(" ");
    if let Some(zh) = c.name_zh.opt(e) {
        extra.push(' ');
        extra.push_str(zh);
    }
    Doc {
        kind: DocKind::Entity,
        url: ents.url(e, 1).into(),
        text: c.name_en.get(e).into(),
        meta: meta.into(),
        extra: extra.into(),
    }
}
