//! Rendering and writing: every page (in parallel, with the templates
//! compiled once), the search index and the assets.
//!
//! Every output file depends only on the tables, never on thread count or timing, so two
//! renders give the same bytes.

use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};
use minijinja::context;
use minijinja::value::{Serde, Value};
use rayon::prelude::*;

use super::export::Download;
use super::load::SiteData;
use super::load_entities::EntityData;
use super::page_index::{Entry, IndexWriter, KeyHasher, PageIndex, PageKey, Stamp};
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
    /// The published folder this one will replace, if any: a file it already holds with
    /// the same bytes is hard-linked instead of written ([`OutputDir::write`]).
    previous: Option<PathBuf>,
    /// Files hard-linked from `previous`.
    reused: AtomicUsize,
    /// Of those, pages linked without being rendered ([`OutputDir::keep_rendered`]).
    kept: AtomicUsize,
    /// Per folder of the release (`site/articles`, `site/search`…): files compared with
    /// the previous release, and how many were the same ([`OutputDir::worth_comparing`]).
    compared: Mutex<BTreeMap<String, (u32, u32)>>,
    /// Cleared when the file system refuses a hard link: every file is written from then on.
    links_work: AtomicBool,
    /// What the previous render's pages were made from ([`OutputDir::keep_rendered`]).
    index: Option<PageIndex>,
    /// What this render's pages are made from, for the next.
    recorded: IndexWriter,
}

impl OutputDir {
    pub fn new(root: &Path) -> Self {
        OutputDir {
            root: root.to_path_buf(),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            dirs: Mutex::new(HashSet::new()),
            previous: None,
            reused: AtomicUsize::new(0),
            kept: AtomicUsize::new(0),
            compared: Mutex::new(BTreeMap::new()),
            links_work: AtomicBool::new(true),
            index: None,
            recorded: IndexWriter::default(),
        }
    }

    /// The previous render's page index, for [`OutputDir::keep_rendered`] (it describes
    /// files of `previous`), and room to record this render's `pages`.
    pub fn with_index(self, index: Option<PageIndex>, pages: usize) -> Self {
        OutputDir {
            index,
            recorded: IndexWriter::with_capacity(pages),
            ..self
        }
    }

    /// Links the previous release's page at `rel` if the previous render made it from
    /// inputs of the same `key` and it is still the file that render wrote. Then the page
    /// needs neither its template nor its bytes written: `true`. Any failure only means
    /// the page is rendered.
    pub fn keep_rendered(&self, rel: &str, key: PageKey) -> Result<bool> {
        let (Some(previous), Some(index)) = (&self.previous, &self.index) else {
            return Ok(false);
        };
        let Some(entry) = index.get(rel).filter(|e| e.key == key) else {
            return Ok(false);
        };
        if !self.links_work.load(Ordering::Relaxed) {
            return Ok(false);
        }
        let old = previous.join(rel);
        let same_file = fs::symlink_metadata(&old)
            .ok()
            .and_then(|m| Stamp::of(&m))
            .is_some_and(|s| s == entry.stamp);
        if !same_file {
            return Ok(false);
        }
        let path = self.path(rel);
        self.parent_dir(&path)?;
        if !self.link_previous(&old, &path) {
            return Ok(false);
        }
        self.recorded.record(rel, *entry);
        self.kept.fetch_add(1, Ordering::Relaxed);
        self.count(entry.stamp.len);
        Ok(true)
    }

    /// [`OutputDir::write`] of a page made from inputs of `key`, recorded for the next
    /// render.
    pub fn write_page(&self, rel: &str, bytes: &[u8], key: Option<PageKey>) -> Result<()> {
        let stamp = self.put(rel, bytes, key.is_some())?;
        if let (Some(key), Some(stamp)) = (key, stamp) {
            self.recorded.record(rel, Entry { key, stamp });
        }
        Ok(())
    }

    /// Pages linked by [`OutputDir::keep_rendered`], without rendering them.
    pub fn kept(&self) -> usize {
        self.kept.load(Ordering::Relaxed)
    }

    /// Saves what this render's pages were made from at `path`, for the next render
    /// under `render`.
    pub fn save_index(&self, path: &Path, render: PageKey) -> Result<()> {
        self.recorded
            .save(path, render)
            .with_context(|| format!("Failed to save the page index '{}'", path.display()))
    }

    /// A directory that will replace `previous` (a published folder, whose files builds
    /// never change in place: they replace them by renaming). Most of a rebuilt site is
    /// the same bytes as before, and linking a file costs a fraction of creating and
    /// writing one: at 100k articles the kernel's share of writing the pages was a third
    /// of the render's CPU. Removing the previous release then frees only the files that
    /// changed.
    pub fn replacing(root: &Path, previous: Option<&Path>) -> Self {
        OutputDir {
            previous: previous.filter(|p| p.is_dir()).map(Path::to_path_buf),
            ..OutputDir::new(root)
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The path of `rel`, its folder created: for a file written by other means than
    /// [`OutputDir::create`] (a Parquet download's writer).
    pub fn path_in_dir(&self, rel: &str) -> Result<PathBuf> {
        let path = self.path(rel);
        self.parent_dir(&path)?;
        Ok(path)
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

    /// Writes a file (relative path with `/` separators), creating its directory; or
    /// links the previous release's file when it holds these bytes already.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.put(rel, bytes, false).map(drop)
    }

    /// [`OutputDir::write`], returning the file's [`Stamp`] if `stamp` asks for it: from
    /// the metadata already at hand (the linked file's, or the written file's handle),
    /// not from another lookup of its path.
    fn put(&self, rel: &str, bytes: &[u8], stamp: bool) -> Result<Option<Stamp>> {
        let path = self.path(rel);
        self.parent_dir(&path)?;
        let meta = match self.link_unchanged(rel, bytes, &path) {
            Some(linked) => Some(linked),
            None => {
                let written = File::create(&path)
                    .and_then(|mut f| {
                        std::io::Write::write_all(&mut f, bytes)?;
                        Ok(f)
                    })
                    .with_context(|| format!("Failed to write '{}'", path.display()))?;
                if stamp { written.metadata().ok() } else { None }
            }
        };
        self.count(bytes.len() as u64);
        Ok(meta.filter(|_| stamp).and_then(|m| Stamp::of(&m)))
    }

    /// Counts a file of `len` bytes put into the release, written or linked.
    fn count(&self, len: u64) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len, Ordering::Relaxed);
    }

    /// Hard-links the previous release's `old` as `path`, counting it as reused. A
    /// refused link (another file system, no hard links) turns linking off for the rest
    /// of the render: `false`, and the caller writes the file.
    fn link_previous(&self, old: &Path, path: &Path) -> bool {
        if fs::hard_link(old, path).is_err() {
            self.links_work.store(false, Ordering::Relaxed);
            return false;
        }
        self.reused.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// Links `path` to the previous release's `rel` if that is a plain file of exactly
    /// `bytes`, and returns that file's metadata (now the new file's too). Any failure
    /// only means the file is written instead.
    fn link_unchanged(&self, rel: &str, bytes: &[u8], path: &Path) -> Option<fs::Metadata> {
        thread_local! {
            /// Each thread's copy of the previous file, for comparing.
            static OLD: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let previous = self.previous.as_ref()?;
        if !self.links_work.load(Ordering::Relaxed) {
            return None;
        }
        let folder = folder_of(rel);
        if !self.worth_comparing(folder) {
            return None;
        }
        let old = previous.join(rel);
        // Its size first, from its inode, without opening it; a symbolic link is never
        // followed into the new release.
        let meta = fs::symlink_metadata(&old)
            .ok()
            .filter(|m| m.is_file() && m.len() == bytes.len() as u64);
        let same = meta.is_some()
            && OLD.with_borrow_mut(|buf| {
                File::open(&old).is_ok_and(|f| read_if_cached(&f, bytes.len(), buf))
                    && buf.as_slice() == bytes
            });
        if let Ok(mut compared) = self.compared.lock() {
            // The folder's name is copied once, not per file.
            match compared.get_mut(folder) {
                Some((n, n_same)) => {
                    *n += 1;
                    *n_same += u32::from(same);
                }
                None => {
                    compared.insert(folder.to_string(), (1, u32::from(same)));
                }
            }
        }
        if !same || !self.link_previous(&old, path) {
            return None;
        }
        meta
    }

    /// Whether comparing a file of `folder` with the previous release still pays. Reading
    /// the previous file costs little when it is cached (only then is it read, see
    /// [`read_if_cached`]) and pays back many times when it matches; but when most files
    /// changed (newer articles move every article down the list, and so each page's link
    /// to its list page), comparing them all only adds to the writing: read from disk,
    /// it made a rebuild of 100k articles 10 s slower. So a folder's files are compared
    /// while at least half of them matched, judged after its first files.
    fn worth_comparing(&self, folder: &str) -> bool {
        const SAMPLE: u32 = 256;
        self.compared
            .lock()
            .is_ok_and(|compared| match compared.get(folder) {
                Some(&(n, n_same)) => n < SAMPLE || n_same * 2 >= n,
                None => true,
            })
    }

    /// Files hard-linked from the previous release instead of written.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
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
        self.count(n);
        Ok(n)
    }

    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

/// Reads the first `len` bytes of `file` into `buf` if they are all in the page cache.
/// Comparing is only worth it when the previous page is read from memory: the site of a
/// million articles (20 GB) outgrows the cache, and reading its pages back from disk to
/// compare them made a rebuild's pages 77 s slower, more than linking saved. A page not
/// in the cache is written instead (the bytes the build writes are the same either way).
/// A file system that cannot tell (tmpfs, whose files are all in memory) is read plainly.
#[cfg(target_os = "linux")]
fn read_if_cached(file: &File, len: usize, buf: &mut Vec<u8>) -> bool {
    use std::os::fd::AsRawFd;
    buf.clear();
    buf.reserve(len);
    let iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: len,
    };
    // SAFETY: `iov` points at `len` bytes of `buf`'s spare capacity, which the call
    // only writes; `buf`'s length covers no more than what it reports written.
    let n = unsafe { libc::preadv2(file.as_raw_fd(), &iov, 1, 0, libc::RWF_NOWAIT) };
    let Ok(n) = usize::try_from(n) else {
        let unsupported = std::io::Error::last_os_error().raw_os_error() == Some(libc::EOPNOTSUPP);
        return unsupported && read_whole(file, len, buf);
    };
    // SAFETY: the call wrote `n <= len` bytes at the start of the spare capacity.
    unsafe { buf.set_len(n.min(len)) };
    n == len
}

/// Elsewhere the previous page is read whether or not it is cached.
#[cfg(not(target_os = "linux"))]
fn read_if_cached(file: &File, len: usize, buf: &mut Vec<u8>) -> bool {
    read_whole(file, len, buf)
}

/// Reads `file` into `buf`; whether it holds exactly `len` bytes.
fn read_whole(mut file: &File, len: usize, buf: &mut Vec<u8>) -> bool {
    buf.clear();
    std::io::Read::read_to_end(&mut file, buf).is_ok() && buf.len() == len
}

/// The folder a file's comparisons are counted in: its path up to its second `/`
/// (`site/articles/0a/….html` → `site/articles`), or up to its first.
fn folder_of(rel: &str) -> &str {
    let end = rel.match_indices('/').take(2).last();
    end.map_or("", |(i, _)| &rel[..i])
}

/// Renders the reports into `reports_dir` and the site into `site` (its `site/` folder,
/// which already holds the `downloads`).
pub fn render_site(
    data: &SiteData,
    site: OutputDir,
    downloads: &[Download],
    reports_dir: &Path,
    previous: Option<&Path>,
    opts: &RenderOptions,
    ui: &Ui,
) -> Result<RenderSummary> {
    let t = Instant::now();
    let mut templates = Templates::load(opts.templates.as_deref())?;
    let globals = pages::site_globals(data);
    // What every page sees: a change to any of it renders every page again.
    let render_key = KeyHasher::new()
        .str(&crate::manifest::tool_id())
        .key(templates.key())
        .value(&globals)
        .map(|h| h.finish());
    templates.add_global("site", Value::from(Serde(globals)));
    ui.step("Compiled the templates", t);
    let index = match (&opts.page_index, render_key) {
        (Some(path), Some(key)) if previous.is_some() => PageIndex::load(path, key),
        _ => None,
    };
    let sets = pages::page_sets(data, downloads);
    let n_pages_total = sets.iter().map(|set| set.len).sum();
    let reports = OutputDir::replacing(reports_dir, previous).with_index(index, n_pages_total);

    let mut html = Spent::default();
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
            render_page(&templates, page, &reports)
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
    if let (Some(path), Some(key)) = (&opts.page_index, render_key) {
        reports.save_index(path, key)?;
    }

    Ok(RenderSummary {
        pages: n_pages,
        files: reports.files() + site.files(),
        bytes: reports.bytes() + site.bytes(),
        unchanged: reports.reused() + site.reused(),
        kept: reports.kept(),
    })
}

fn render_page(templates: &Templates, page: Page, out: &OutputDir) -> Result<()> {
    thread_local! {
        /// Each rendering thread's page buffer, kept at the size of its largest page.
        static PAGE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    if let Some(key) = page.input
        && out.keep_rendered(&page.path, key)?
    {
        return Ok(());
    }
    PAGE.with_borrow_mut(|text| {
        text.clear();
        page_into(templates, &page, text)?;
        out.write_page(&page.path, text, page.input)
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
        ..page.ctx()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn inode(p: &Path) -> u64 {
        fs::symlink_metadata(p).unwrap().ino()
    }

    /// A file the previous release holds with the same bytes is that file, linked; any
    /// other is written anew, and the previous release is never changed.
    #[test]
    fn a_file_the_previous_release_holds_unchanged_is_linked_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old"), dir.path().join("new"));
        fs::create_dir_all(old.join("a")).unwrap();
        fs::write(old.join("a/same.html"), "<p>same</p>").unwrap();
        fs::write(old.join("a/changed.html"), "<p>before</p>").unwrap();
        fs::write(old.join("a/longer.html"), "<p>same</p>").unwrap();
        fs::write(dir.path().join("target.html"), "<p>same</p>").unwrap();
        std::os::unix::fs::symlink(dir.path().join("target.html"), old.join("a/link.html"))
            .unwrap();

        let out = OutputDir::replacing(&new, Some(&old));
        for (rel, text) in [
            ("a/same.html", "<p>same</p>"),
            ("a/changed.html", "<p>after!</p>"),
            ("a/longer.html", "<p>same</p>\n"),
            ("a/link.html", "<p>same</p>"),
            ("a/new.html", "<p>new</p>"),
        ] {
            out.write(rel, text.as_bytes()).unwrap();
            assert_eq!(fs::read_to_string(new.join(rel)).unwrap(), text, "{rel}");
            assert!(
                fs::symlink_metadata(new.join(rel)).unwrap().is_file(),
                "{rel}"
            );
        }
        assert_eq!(out.reused(), 1);
        assert_eq!(out.files(), 5);
        assert_eq!(
            inode(&new.join("a/same.html")),
            inode(&old.join("a/same.html"))
        );
        for rel in ["a/changed.html", "a/longer.html", "a/link.html"] {
            assert_ne!(inode(&new.join(rel)), inode(&old.join(rel)), "{rel}");
        }
        assert_eq!(
            fs::read_to_string(old.join("a/changed.html")).unwrap(),
            "<p>before</p>"
        );
        assert!(
            fs::symlink_metadata(old.join("a/link.html"))
                .unwrap()
                .is_symlink()
        );

        // A folder whose files mostly changed is compared until its first files tell,
        // and written from then on; one whose files stay the same is linked throughout.
        let out = OutputDir::replacing(&dir.path().join("third"), Some(&old));
        for i in 0..300 {
            fs::create_dir_all(old.join("many/changed")).unwrap();
            fs::create_dir_all(old.join("many/same")).unwrap();
            fs::write(
                old.join(format!("many/changed/{i}.html")),
                format!("old {i}"),
            )
            .unwrap();
            fs::write(old.join(format!("many/same/{i}.html")), format!("same {i}")).unwrap();
        }
        for i in 0..300 {
            out.write(
                &format!("many/changed/{i}.html"),
                format!("new {i}").as_bytes(),
            )
            .unwrap();
            out.write(
                &format!("many/same/{i}.html"),
                format!("same {i}").as_bytes(),
            )
            .unwrap();
        }
        assert_eq!(out.reused(), 300);
        let compared = out.compared.lock().unwrap().clone();
        assert_eq!(compared["many/changed"], (256, 0));
        assert_eq!(compared["many/same"], (300, 300));

        // On tmpfs, which cannot say whether a page is cached (all are), too.
        if Path::new("/dev/shm").is_dir() {
            let shm = tempfile::tempdir_in("/dev/shm").unwrap();
            fs::write(shm.path().join("same.html"), "<p>same</p>").unwrap();
            let out = OutputDir::replacing(&shm.path().join("new"), Some(shm.path()));
            out.write("same.html", b"<p>same</p>").unwrap();
            assert_eq!(out.reused(), 1, "linked on tmpfs");
        } else {
            eprintln!("skipped the tmpfs case: no /dev/shm");
        }

        // Without a previous release (a first build), or one that does not exist,
        // everything is written.
        for previous in [None, Some(dir.path().join("missing"))] {
            let fresh = dir.path().join("fresh");
            let out = OutputDir::replacing(&fresh, previous.as_deref());
            out.write("a/same.html", b"<p>same</p>").unwrap();
            assert_eq!(out.reused(), 0);
            assert_ne!(
                inode(&fresh.join("a/same.html")),
                inode(&old.join("a/same.html"))
            );
            fs::remove_dir_all(&fresh).unwrap();
        }
    }
}
