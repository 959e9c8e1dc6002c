//! Stage 3: the published tables → markdown reports (`reports/*.md`) and the static site
//! (`reports/site/`).
//!
//! The stage reads the tables from Parquet (never from the normalizer's memory), so
//! `gazette render` can re-render a publication from its tables alone. Everything is
//! written into a staging directory that replaces `reports/` only when the whole render
//! succeeded ([`crate::fsutil::StagedDir`]).
//!
//! # How it fits together
//!
//! - [`tables`]: where each table is read from ([`TableFiles`]) and typed column access
//!   to the Arrow batches ([`tables::TableData`], [`tables::Col`]).
//! - [`load`]: the tables the pages need, as columns plus indexes ([`load::SiteData`]).
//!   View structs are built from it per page, on the worker thread that renders the page.
//! - [`model`]: the view structs the templates see (serde-serialized into minijinja).
//! - [`templates`]: the embedded templates (`templates/` at the repository root), the
//!   `--templates DIR` overrides, HTML and markdown auto-escaping and the filters.
//! - [`pages`]: one loader function per page kind, registered in [`pages::page_sets`].
//! - [`site`]: renders every page in parallel and writes it; the search index
//!   ([`search`]), the downloads ([`export`]) and the assets.
//! - [`svg`]: charts as inline SVG; [`paging`]: URLs, sharded paths and list paging.
//!
//! # Adding a page for a new table (entities, figures, the derived datasets)
//!
//! 1. Load it: add a column struct in [`load`] (see `ArticleCols`) and a field
//!    `Option<…>` to [`load::SiteData`], filled by `TableFiles::load`, which gives `None`
//!    while the table is not built. Where the table has a list of the columns the site
//!    shows (`shown` in [`tables`]), add the columns the pages read to it; a string
//!    column of few distinct values goes in `dictionary` too (read through
//!    [`tables::StrCol`] either way). A reference to an article or an entity is read as
//!    row numbers ([`tables::ParentRows`]), and one to a claim as its claim row
//!    ([`load::ClaimRows`]).
//! 2. Write the template (`templates/entity.html`, extending `base.html` and using the
//!    partials: `claim.html`, `figure.html`, `entity.html`, `table.html`) and add its name
//!    to [`templates::EMBEDDED`].
//! 3. Write the loader function (`fn entity_page(data, i) -> Result<Page>`) in [`pages`]
//!    and register it in [`pages::page_sets`] with its count, and a navigation entry in
//!    [`pages::nav`]. Use [`paging::shard_path`] for one page per row and
//!    [`paging::Pager`] for lists. Searchable rows go into [`search::SearchIndex`] in
//!    [`site::search_index`].
//!
//! Nothing else changes: rendering, parallelism, staging, link checks and the HTML
//! checks in the test suite pick the new pages up.

pub mod entity_pages;
pub mod export;
pub mod figure_pages;
pub mod groups;
pub mod id_col;
pub mod load;
pub mod load_entities;
pub mod load_figures;
pub mod model;
pub mod packed;
pub mod page_index;
pub mod pages;
pub mod paging;
pub mod publish_pages;
pub mod search;
pub mod site;
pub mod svg;
pub mod tables;
pub mod templates;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;

use crate::fsutil::StagedDir;
use crate::ui::Ui;

pub use tables::TableFiles;

/// Where the reports go, relative to the output root.
pub const REPORTS_DIR: &str = "reports";
/// Where the site goes, relative to the reports directory.
pub const SITE_DIR: &str = "site";

/// Options of the render stage.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// A directory whose files replace the embedded templates of the same name.
    pub templates: Option<PathBuf>,
    /// Where the render keeps what each page was made from, so that the next render
    /// links the pages whose inputs did not change instead of rendering them
    /// ([`page_index`]); `None`: every page is rendered.
    pub page_index: Option<PathBuf>,
}

/// What a render produced, for the closing summary.
#[derive(Debug, Clone, Default)]
pub struct RenderSummary {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// Files that were the same bytes in the previous release, linked instead of written.
    pub unchanged: usize,
    /// Of those, pages made from the same inputs, linked without being rendered.
    pub kept: usize,
}

impl RenderSummary {
    pub fn line(&self) -> String {
        let unchanged = match (self.unchanged, self.kept) {
            (0, _) => String::new(),
            (n, 0) => format!(" ({n} unchanged)"),
            (n, k) => format!(" ({n} unchanged, {k} of them not rendered again)"),
        };
        format!(
            "{} pages, {} files{unchanged}, {:.1} MB",
            self.pages,
            self.files,
            self.bytes as f64 / 1e6
        )
    }
}

/// Renders the reports and the site from `files` into a staging directory for
/// `OUT/reports`; the caller commits it when the rest of the build succeeded too.
pub fn render(
    files: &TableFiles,
    out_root: &Path,
    opts: &RenderOptions,
    ui: &Ui,
) -> Result<(StagedDir, RenderSummary)> {
    let published = out_root.join(REPORTS_DIR);
    let staged = StagedDir::create(&published)?;
    let summary = render_into(files, staged.path(), Some(&published), opts, ui)?;
    Ok((staged, summary))
}

/// Renders everything into `reports_dir` (which should be empty), linking the files of
/// `previous` (the published reports it will replace) that it would write unchanged.
pub fn render_into(
    files: &TableFiles,
    reports_dir: &Path,
    previous: Option<&Path>,
    opts: &RenderOptions,
    ui: &Ui,
) -> Result<RenderSummary> {
    // Decoding the tables fills and drops batch after batch of the same sizes, and each
    // page's view and text are freed as the next page needs the same again.
    let _held = crate::memory::HeldFreedMemory::new();
    // The render keeps what it reads: memory the stages before freed is reused for it
    // only in part, so it goes back first unless both together stay small.
    crate::memory::release_free_memory_before(files.stored_bytes());
    let t = Instant::now();
    let previous_site = previous.map(|p| p.join(SITE_DIR));
    let site_dir =
        site::OutputDir::replacing(&reports_dir.join(SITE_DIR), previous_site.as_deref());
    // The downloads are copies of the table files, not of what is loaded, so they are
    // written while the tables are read. After the loading, the CSV of the articles at
    // 100k (180 MB, one table on one thread) decoded its table beside the loaded ones:
    // 100k builds peaked in the render at 1,170-1,207 MB, and at 1,023-1,126 MB this way.
    let (loaded, downloads) = rayon::join(
        || load::Loaded::read(files),
        || export::write_downloads(files, &site_dir),
    );
    let (loaded, downloads) = (loaded?, downloads?);
    ui.step(
        format!(
            "Read the tables for the reports and wrote {} of them as Parquet and CSV downloads",
            downloads.len()
        ),
        t,
    );
    // What decoding freed is held (above), and indexing the tables asks for other sizes:
    // at a million articles, where the process holds more than the threshold, it goes
    // back before the indexes are built instead of adding to their peak.
    crate::memory::release_free_memory();
    let data = load::SiteData::new(&loaded)?;
    ui.step(
        format!("Loaded {} articles for the reports", data.n_articles()),
        t,
    );
    // Reading and indexing the tables serves both formats: its own line in the timings
    // (with the downloads).
    ui.stage("render load", t);
    site::render_site(&data, site_dir, &downloads, reports_dir, previous, opts, ui)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::Verbosity;
    use std::collections::BTreeMap;

    fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(dir).unwrap().to_path_buf();
                    out.insert(rel, std::fs::read(&path).unwrap());
                }
            }
        }
        out
    }

    /// The reports and site rendered with the claims' text packed are the same bytes as
    /// with it in its batches. The committed corpus is far below the size that packs
    /// it, so it is packed here from the first byte.
    #[test]
    fn packed_texts_render_the_same_reports() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let ui = Ui::new(Verbosity::Quiet);
        let opts = RenderOptions::default();
        let plain_files = TableFiles::published(root);
        let packed_files = TableFiles::published(root).with_text_packed_above(0);
        let loaded = load::Loaded::read(&packed_files).unwrap();
        assert!(loaded.claims.text("text").unwrap().is_packed());
        let loaded = load::Loaded::read(&plain_files).unwrap();
        assert!(!loaded.claims.text("text").unwrap().is_packed());

        let (plain, packed) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        render_into(&plain_files, plain.path(), None, &opts, &ui).unwrap();
        render_into(&packed_files, packed.path(), None, &opts, &ui).unwrap();
        let (plain, packed) = (files_under(plain.path()), files_under(packed.path()));
        assert!(plain.len() > 50, "the site has its pages");
        assert_eq!(
            plain.keys().collect::<Vec<_>>(),
            packed.keys().collect::<Vec<_>>()
        );
        for (path, bytes) in &plain {
            assert!(bytes == &packed[path], "{} differs", path.display());
        }
    }
}
