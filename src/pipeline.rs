//! The build as a readable list of steps: discover → normalize → assemble → derive →
//! data tests → changelog → render → manifest → commit. Each step logs what it did (`-v` shows
//! durations). Later steps read the outputs of earlier ones from their staged files, so
//! nothing is committed until every step succeeded.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use crate::corpus::{self, CorpusFile};
use crate::derive;
use crate::diagnostics::{Diagnostic, Severity};
use crate::fsutil::{self, Staged, StagedDir};
use crate::manifest::{self, Cache, FileRecord, Manifest, Stat, State};
use crate::memory::HeldFreedMemory;
use crate::normalize::{self, Part, PartMeta};
use crate::render::{self, RenderOptions, RenderSummary, TableFiles};
use crate::tables::partition::{self, PartitionBy};
use crate::tables::{Stage, Table, Written};
use crate::ui::Ui;
use crate::{diff, package, quality};

/// Rows listed per table and kind in the published changelog (counts are complete).
const CHANGELOG_ROWS: usize = 500;

/// The render's page index in the build cache ([`render::page_index`]).
const PAGE_INDEX: &str = "render-pages.bin";

/// Everything a build needs to know, validated by the CLI before anything runs.
#[derive(Debug, Clone)]
pub struct BuildContext {
    /// Directory of collection files.
    pub corpus_dir: PathBuf,
    /// Root under which `data/tables/`, `data/derived/` and `reports/` are written.
    pub out_dir: PathBuf,
    /// Fail on the first bad article instead of reporting and skipping it.
    pub strict: bool,
    /// Rebuild everything even when nothing changed.
    pub force: bool,
    /// Write the normalized tables as hive-partitioned datasets.
    pub partition: Option<PartitionBy>,
    /// Render the reports and the site (`--no-reports` writes the datasets only).
    pub reports: bool,
    /// Where to write the stages' wall times and memory (JSON), if anywhere.
    pub timings: Option<PathBuf>,
    /// Templates that replace the embedded ones of the same name (`--templates`).
    pub templates: Option<PathBuf>,
    pub ui: Ui,
}

/// What a build or check did, for the closing summary line.
#[derive(Debug, Clone, Default)]
pub struct BuildSummary {
    pub files: usize,
    pub articles: u64,
    pub claims: u64,
    pub skipped: usize,
    pub warnings: usize,
    /// Diagnostics of errors: a bad article each, or a whole file that holds none.
    pub errors: usize,
    /// Files normalized by this build (the others came from the cache).
    pub normalized_files: usize,
    /// Nothing changed: no work was done.
    pub up_to_date: bool,
}

impl BuildSummary {
    pub fn line(&self) -> String {
        let mut s = format!(
            "{} article{}, {} claims, {} skipped",
            self.articles,
            if self.articles == 1 { "" } else { "s" },
            self.claims,
            self.skipped
        );
        // Errors are mostly the skipped articles', but a file that holds none (empty, not
        // an export) skips nothing and must still show.
        if self.errors > 0 {
            s.push_str(&format!(", {} error(s)", self.errors));
        }
        if self.warnings > 0 {
            s.push_str(&format!(", {} warning(s)", self.warnings));
        }
        s
    }
}

pub struct Pipeline {
    ctx: BuildContext,
}

impl Pipeline {
    pub fn new(ctx: BuildContext) -> Self {
        Pipeline { ctx }
    }

    /// `gazette build`: every stage, writing every output; nothing at all when the tool,
    /// the inputs and the outputs are as the last build left them.
    pub fn build(&self) -> Result<BuildSummary> {
        let summary = self.build_stages();
        if let Some(path) = &self.ctx.timings {
            let timings = serde_json::json!({ "stages": self.ctx.ui.timings() });
            fsutil::write_atomic(path, serde_json::to_string_pretty(&timings)?.as_bytes())?;
        }
        summary
    }

    fn build_stages(&self) -> Result<BuildSummary> {
        let t = Instant::now();
        let files = self.discover()?;
        let cache = Cache::open(&self.ctx.out_dir)?;
        let _lock = manifest::lock_out(&self.ctx.out_dir)?;
        self.remove_stale_staging()?;
        let state = cache.load_state();
        let inputs = self.hash_inputs(&files, &state)?;
        self.ctx.ui.stage("fingerprint", t);
        if !self.ctx.force && self.up_to_date(&cache, &state, &inputs) {
            self.ctx.ui.summary(
                "Nothing to do: the corpus, the tool and the outputs are unchanged (--force rebuilds)",
            );
            return Ok(BuildSummary {
                files: files.len(),
                up_to_date: true,
                ..BuildSummary::default()
            });
        }
        let t = Instant::now();
        // Parsing chunk after chunk and encoding row group after row group allocate and
        // free the same sizes again and again, without growing.
        let held = HeldFreedMemory::new();
        let (parts, normalized_files) = self.normalize(&files, &inputs, &cache)?;
        let mut summary = self.report(&parts)?;
        summary.normalized_files = normalized_files;
        let (mut written, duplicates) = self.assemble(&parts, &mut summary)?;
        let corpus = self.corpus_report(&parts, &duplicates, &summary);
        drop(held);
        self.ctx.ui.stage("normalize", t);
        let t = Instant::now();
        let derived = self.derive(&written)?;
        written.extend(derived);
        self.ctx.ui.stage("derive", t);
        let t = Instant::now();
        let quality = self.data_tests(&written, corpus)?;
        self.ctx.ui.stage("data tests", t);
        let t = Instant::now();
        let changelog = self.changelog(&written)?;
        self.ctx.ui.stage("changelog", t);
        // Partitioned before the render, whose downloads offer the partitions' rows as
        // `gazette render` of this release will; its pages read the single files, kept
        // staged (superseded) until the commit.
        if let Some(by) = self.ctx.partition {
            let t = Instant::now();
            self.partition(&mut written, by, &cache)?;
            self.ctx.ui.stage("partition", t);
        }
        // The reports are rendered from this build's staged tables, data test report
        // and changelog.
        let tables = TableFiles::staged(&written, &self.ctx.out_dir)
            .with_partitioned(self.ctx.partition.is_some())
            .with_reports(quality.path(), changelog.as_ref().map(|c| c.path()));
        let reports = if self.ctx.reports {
            Some(self.render(tables)?.0)
        } else {
            let dir = self.ctx.out_dir.join(render::REPORTS_DIR);
            self.ctx.ui.summary(if dir.exists() {
                format!(
                    "Reports not rendered (--no-reports): {} still shows the previous build; \
                     `gazette render` brings it up to date",
                    dir.display()
                )
            } else {
                "Reports not rendered (--no-reports): `gazette render` renders them from \
                 the tables"
                    .to_string()
            });
            None
        };
        let t = Instant::now();
        // Every staged file's size and hash, in parallel, once: the data package and the
        // manifest both list them.
        written
            .files
            .par_iter()
            .try_for_each(|s| s.digest().map(drop))?;
        let package = self.data_package(&written, &parts)?;
        written.files.extend([quality, package]);
        written.files.extend(changelog);
        let manifest = self.manifest(&inputs, &written)?;
        let mut outputs = self.commit(written, manifest)?;
        outputs.extend(table_folders(&self.ctx.out_dir));
        if let Some(reports) = reports {
            outputs.extend(self.commit_reports(reports)?);
        }
        self.save_state(&cache, &inputs, &outputs, summary.errors)?;
        cache.collect_garbage(&parts.iter().map(|p| p.dir.clone()).collect::<Vec<_>>());
        self.ctx.ui.stage("publish", t);
        self.ctx.ui.summary(format!(
            "{} → {}",
            summary.line(),
            self.ctx.out_dir.join(Stage::Normalize.dir()).display()
        ));
        Ok(summary)
    }

    /// `gazette check`: parse and validate the corpus, write nothing. Fails when any
    /// article is bad.
    pub fn check(&self) -> Result<BuildSummary> {
        let files = self.discover()?;
        let t = Instant::now();
        // As in the build's normalize stage: chunk after chunk of the same sizes.
        let held = HeldFreedMemory::new();
        let checked = files
            .par_iter()
            .map(|f| {
                let mut articles = Vec::new();
                let meta = normalize::process_file(f, &self.display(f), |mut tables| {
                    articles.push(tables.swap_remove(0));
                    Ok(())
                })?;
                Ok((meta, articles))
            })
            .collect::<Result<Vec<_>>>()?;
        drop(held);
        self.ctx
            .ui
            .step(format!("Checked {} file(s)", checked.len()), t);
        let mut duplicates = normalize::Duplicates::default();
        for (meta, articles) in &checked {
            duplicates.observe_file(&meta.display, articles);
        }
        let parts: Vec<Part> = checked
            .into_iter()
            .map(|(meta, _)| Part {
                meta,
                dir: PathBuf::new(),
            })
            .collect();
        let mut summary = self.report(&parts)?;
        self.report_diagnostics(&duplicates.diagnostics)?;
        summary.skipped += duplicates.diagnostics.len();
        summary.errors += duplicates.diagnostics.len();
        summary.articles -= duplicates.diagnostics.len() as u64;
        summary.claims -= duplicates.dropped_claims;
        self.ctx
            .ui
            .summary(format!("{} (checked, nothing written)", summary.line()));
        // A file that holds no article at all (empty, not text, not an export) skips no
        // article but is as bad.
        if summary.skipped > 0 || summary.errors > 0 {
            bail!(
                "{} error(s) in the corpus, {} bad article(s) skipped",
                summary.errors,
                summary.skipped
            );
        }
        self.check_tables()?;
        Ok(summary)
    }

    /// Removes what killed commands left staged in the output root (before anything is
    /// staged, and whether or not anything will be).
    fn remove_stale_staging(&self) -> Result<()> {
        fsutil::remove_stale_staging_under(
            &self.ctx.out_dir,
            &[
                crate::tables::Stage::Normalize.dir(),
                crate::tables::Stage::Derive.dir(),
                manifest::CACHE_DIR,
            ],
        )
    }

    /// `gazette render`: the reports and the site from the tables already under `--out`.
    pub fn render_only(&self) -> Result<RenderSummary> {
        let _lock = manifest::lock_out(&self.ctx.out_dir)?;
        self.remove_stale_staging()?;
        let (reports, summary) = self.render(TableFiles::published(&self.ctx.out_dir))?;
        let target = reports.target().display().to_string();
        self.commit_reports(reports)?;
        self.ctx
            .ui
            .summary(format!("{} → {target}", summary.line()));
        Ok(summary)
    }

    /// `gazette derive`: recompute the derived datasets from the published tables.
    pub fn derive_only(&self) -> Result<()> {
        let _lock = manifest::lock_out(&self.ctx.out_dir)?;
        self.remove_stale_staging()?;
        let t = Instant::now();
        let out = &self.ctx.out_dir;
        let derived = derive::run(
            |table| partition::published_path(table, out),
            out,
            &self.ctx.ui,
        )?;
        let (n, rows) = (
            derived.rows.len(),
            derived.rows.iter().map(|(_, n)| n).sum::<u64>(),
        );
        fsutil::commit_all(derived.files)?;
        self.ctx.ui.step("Derived datasets", t);
        self.ctx.ui.summary(format!(
            "{n} derived dataset(s), {rows} rows → {}",
            out.join(Stage::Derive.dir()).display()
        ));
        Ok(())
    }

    fn display(&self, f: &CorpusFile) -> String {
        self.ctx
            .corpus_dir
            .join(&f.name)
            .to_string_lossy()
            .into_owned()
    }

    fn discover(&self) -> Result<Vec<CorpusFile>> {
        let t = Instant::now();
        let files = corpus::discover(&self.ctx.corpus_dir)?;
        if files.is_empty() {
            bail!(
                "No corpus files in '{}': put exported collections there or pass --corpus DIR",
                self.ctx.corpus_dir.display()
            );
        }
        self.ctx
            .ui
            .step(format!("Found {} corpus file(s)", files.len()), t);
        Ok(files)
    }

    fn hash_inputs(&self, files: &[CorpusFile], state: &State) -> Result<Vec<(FileRecord, Stat)>> {
        let t = Instant::now();
        let inputs = manifest::hash_inputs(files, state)?;
        self.ctx.ui.step("Fingerprinted the corpus", t);
        Ok(inputs)
    }

    /// Options that change what a build writes.
    fn options_key(&self) -> String {
        format!(
            "corpus={} partition={:?} reports={} templates={}",
            self.ctx.corpus_dir.display(),
            self.ctx.partition,
            self.ctx.reports,
            self.templates_fingerprint()
        )
    }

    /// The user's template overrides, by content (editing one must rebuild the site).
    fn templates_fingerprint(&self) -> String {
        let Some(dir) = &self.ctx.templates else {
            return "embedded".into();
        };
        let mut files: Vec<PathBuf> = Vec::new();
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    files.push(p);
                }
            }
        }
        files.sort();
        let mut parts: Vec<String> = Vec::new();
        for f in files {
            parts.push(manifest::rel(dir, &f));
            parts.push(crate::ids::sha256_hex(
                &std::fs::read(&f).unwrap_or_default(),
            ));
        }
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        crate::ids::stable_id(&refs)
    }

    /// Whether the last build on this machine used the same tool, options and inputs,
    /// and its outputs are still as it left them.
    fn up_to_date(&self, cache: &Cache, state: &State, inputs: &[(FileRecord, Stat)]) -> bool {
        let same_inputs = state.inputs.len() == inputs.len()
            && inputs.iter().all(|(r, _)| {
                state
                    .inputs
                    .get(&r.path)
                    .is_some_and(|(_, sha)| *sha == r.sha256)
            });
        let outputs_intact = !state.outputs.is_empty()
            && state
                .outputs
                .iter()
                .all(|(path, stat)| Stat::of(&self.ctx.out_dir.join(path)) == Some(*stat));
        // A flat build has no dataset folders to record; one found (left by hand, or by
        // a build killed while switching layouts) is for the build to remove.
        let no_stray_datasets = self.ctx.partition.is_some()
            || partition::dataset_dirs(&self.ctx.out_dir).all(|d| !d.exists());
        state.tool_id == cache.tool_id
            && state.options == self.options_key()
            && same_inputs
            && outputs_intact
            && no_stray_datasets
            && !(self.ctx.strict && state.errors > 0)
    }

    /// Normalizes every file whose part is not in the cache, in parallel. Returns the
    /// parts in file order and how many files were normalized.
    fn normalize(
        &self,
        files: &[CorpusFile],
        inputs: &[(FileRecord, Stat)],
        cache: &Cache,
    ) -> Result<(Vec<Part>, usize)> {
        let t = Instant::now();
        let total: u64 = inputs.iter().map(|(r, _)| r.bytes).sum();
        let bar = self.ctx.ui.progress(total, "normalizing");
        let results: Vec<(Part, bool)> = files
            .par_iter()
            .zip(inputs)
            .map(|(f, (record, _))| -> Result<(Part, bool)> {
                let display = self.display(f);
                let key =
                    crate::ids::stable_id(&[&cache.tool_id, &f.name, &display, &record.sha256]);
                let dir = cache.part_dir(&key);
                let cached = (!self.ctx.force)
                    .then(|| normalize::load_part(&dir))
                    .flatten();
                let (meta, fresh) = match cached {
                    Some(meta) => (meta, false),
                    None => (normalize::normalize_file(f, &display, &dir)?, true),
                };
                bar.inc(record.bytes);
                Ok((Part { meta, dir }, fresh))
            })
            .collect::<Result<_>>()?;
        bar.finish_and_clear();
        let fresh = results.iter().filter(|(_, fresh)| *fresh).count();
        let parts: Vec<Part> = results.into_iter().map(|(p, _)| p).collect();
        let articles: u64 = parts.iter().map(|p| p.meta.articles).sum();
        self.ctx.ui.step(
            format!(
                "Normalized {articles} articles ({fresh} of {} file(s) re-read, the rest cached)",
                parts.len()
            ),
            t,
        );
        Ok((parts, fresh))
    }

    /// Prints every diagnostic of the parts, in file and line order; with `--strict`,
    /// the first error stops the build before anything is written.
    fn report(&self, parts: &[Part]) -> Result<BuildSummary> {
        let metas: Vec<&PartMeta> = parts.iter().map(|p| &p.meta).collect();
        self.report_diagnostics(metas.iter().flat_map(|m| &m.diagnostics))?;
        Ok(BuildSummary {
            files: parts.len(),
            articles: metas.iter().map(|m| m.articles).sum(),
            claims: metas.iter().map(|m| m.claims).sum(),
            skipped: metas.iter().map(|m| m.skipped).sum(),
            warnings: metas
                .iter()
                .flat_map(|m| &m.diagnostics)
                .filter(|d| d.severity == Severity::Warning)
                .count(),
            errors: metas
                .iter()
                .flat_map(|m| &m.diagnostics)
                .filter(|d| d.severity == Severity::Error)
                .count(),
            ..BuildSummary::default()
        })
    }

    fn report_diagnostics<'a>(&self, ds: impl IntoIterator<Item = &'a Diagnostic>) -> Result<()> {
        for d in ds {
            if self.ctx.strict && d.severity == Severity::Error {
                bail!("{d}\n(--strict: the build stops at the first bad article)");
            }
            self.ctx.ui.diagnostic(d);
        }
        Ok(())
    }

    /// The normalized tables, and the diagnostics of the copies of articles dropped.
    fn assemble(
        &self,
        parts: &[Part],
        summary: &mut BuildSummary,
    ) -> Result<(Written, Vec<Diagnostic>)> {
        let t = Instant::now();
        let assembled = normalize::assemble(parts, &self.ctx.out_dir)?;
        self.report_diagnostics(&assembled.duplicates)?;
        summary.skipped += assembled.duplicates.len();
        summary.errors += assembled.duplicates.len();
        summary.articles = assembled.written.rows_of(Table::Articles);
        summary.claims = assembled.written.rows_of(Table::Claims);
        self.ctx.ui.step("Assembled the normalized tables", t);
        Ok((assembled.written, assembled.duplicates))
    }

    /// What the build read and left out, for `data/quality.json` and the quality pages.
    fn corpus_report(
        &self,
        parts: &[Part],
        duplicates: &[Diagnostic],
        summary: &BuildSummary,
    ) -> quality::CorpusReport {
        let prefix = self.ctx.corpus_dir.join("").to_string_lossy().into_owned();
        let mut problems: Vec<quality::Problem> = parts
            .iter()
            .flat_map(|p| &p.meta.diagnostics)
            .chain(duplicates)
            .map(|d| quality::Problem::of(d, &prefix))
            .collect();
        problems.sort();
        quality::CorpusReport {
            files: summary.files as u64,
            articles: summary.articles,
            skipped: summary.skipped as u64,
            errors: summary.errors as u64,
            warnings: summary.warnings as u64,
            problems,
        }
    }

    /// Computes the derived datasets from the staged normalized tables.
    fn derive(&self, normalized: &Written) -> Result<Written> {
        let t = Instant::now();
        let out = &self.ctx.out_dir;
        let derived = derive::run(|table| normalized.read_path(table, out), out, &self.ctx.ui)?;
        self.ctx
            .ui
            .step(format!("Derived {} dataset(s)", derived.rows.len()), t);
        Ok(derived)
    }

    /// Runs the data tests on the staged tables: a failure stops the build before anything
    /// is published. The report is staged as `data/quality.json`.
    /// `-v`: a table's data tests are done (they finish in any order).
    fn table_checked(&self, table: Table, since: Instant) {
        self.ctx.ui.step(format!("Checked {}", table.name()), since);
    }

    fn data_tests(&self, written: &Written, corpus: quality::CorpusReport) -> Result<Staged> {
        let t = Instant::now();
        let out = &self.ctx.out_dir;
        let mut report = quality::run(
            |table| written.read_path(table, out),
            |table, t| self.table_checked(table, t),
        )?;
        self.ctx
            .ui
            .step(format!("Ran {} data tests", report.results.len()), t);
        if !report.is_ok() {
            bail!(
                "{} data test failure(s); nothing was published:\n{}",
                report.n_failures(),
                report.failure_table()
            );
        }
        report.corpus = Some(corpus);
        let mut f = fsutil::AtomicFile::create(&out.join(quality::REPORT_PATH))?;
        std::io::Write::write_all(&mut f, &report.to_json())?;
        f.finish()
    }

    /// Replaces the staged single-file normalized tables by month partitions.
    fn partition(&self, written: &mut Written, by: PartitionBy, cache: &Cache) -> Result<()> {
        let t = Instant::now();
        let out = &self.ctx.out_dir;
        let PartitionBy::Month = by;
        let mut months = std::collections::HashMap::new();
        for batch in
            partition::read_batches(Table::Articles, &written.read_path(Table::Articles, out))?
        {
            use arrow::array::AsArray;
            let ids = batch
                .column_by_name("article_id")
                .expect("article_id")
                .as_string::<i32>();
            let ms = batch
                .column_by_name(partition::KEY)
                .expect("published_month")
                .as_string::<i32>();
            for i in 0..batch.num_rows() {
                months.insert(ids.value(i).to_string(), ms.value(i).to_string());
            }
        }
        let spill = cache.dir.join("partition");
        for &table in Table::ALL.iter().filter(|&&t| partition::is_partitioned(t)) {
            let single = table.path(out);
            let Some(i) = written.files.iter().position(|s| s.target() == single) else {
                continue;
            };
            let source = written.files.remove(i);
            let parts = partition::write_partitioned(table, source.path(), &months, out, &spill)?;
            written.files.extend(parts);
            written.superseded.push(source);
        }
        self.ctx
            .ui
            .step("Partitioned the normalized tables by month", t);
        Ok(())
    }

    /// `data/changelog.json`: what this build changes in the published tables. When it
    /// changes nothing, the previous changelog stays as it is (so rebuilding the same data
    /// reproduces the same bytes).
    fn changelog(&self, written: &Written) -> Result<Option<Staged>> {
        let t = Instant::now();
        let out = &self.ctx.out_dir;
        let path = out.join(diff::CHANGELOG_PATH);
        // The previous build: the one committed at HEAD when the outputs are tracked by
        // git (so a clean clone reproduces the committed changelog), else what this
        // folder held.
        let committed = diff::Side::git(out, "HEAD")?;
        let new = |table| written.read_path(table, out);
        let d = match diff::diff(
            |table| {
                Some(match &committed {
                    Some(side) => side.path(table),
                    None => partition::published_path(table, out),
                })
            },
            new,
            Some(CHANGELOG_ROWS),
        ) {
            Ok(d) => d,
            // A damaged published table (truncated, overwritten by hand) must not stop the
            // build that replaces it: compared with nothing, every row is listed as added.
            // Were the new tables the unreadable ones, the second comparison fails too.
            Err(e) if committed.is_none() => {
                self.ctx.ui.warning(format!(
                    "the previous build could not be read, so the changelog lists every \
                     row as added: {}",
                    crate::cli::error_chain(&e)
                ));
                diff::diff(|_| None, new, Some(CHANGELOG_ROWS))?
            }
            Err(e) => return Err(e),
        };
        let bytes = if d.is_empty() {
            match std::fs::read(&path) {
                Ok(previous) => previous,
                Err(_) => return Ok(None),
            }
        } else {
            d.to_json()
        };
        let mut f = fsutil::AtomicFile::create(&path)?;
        std::io::Write::write_all(&mut f, &bytes)?;
        self.ctx.ui.step("Compared with the previous build", t);
        Ok(Some(f.finish()?))
    }

    /// `gazette diff OLD NEW`.
    pub fn diff(old: &str, new: &str, json: bool) -> Result<diff::DataDiff> {
        let (o, n) = (diff::Side::open(old)?, diff::Side::open(new)?);
        let d = diff::diff(|t| Some(o.path(t)), |t| n.path(t), None)?;
        let text = if json {
            d.to_json()
        } else {
            d.to_text().into_bytes()
        };
        // Written, not `print!`ed: a full disk is an error to report, a closed pipe
        // (`gazette diff A B | head`) the end of the reader's interest; neither a panic.
        let mut stdout = std::io::stdout().lock();
        std::io::Write::write_all(&mut stdout, &text)
            .and_then(|()| std::io::Write::flush(&mut stdout))
            .map_err(|e| crate::cli::stdout_error(e, "the differences"))?;
        Ok(d)
    }

    /// `data/datapackage.json`, describing the staged tables.
    fn data_package(&self, written: &Written, parts: &[Part]) -> Result<Staged> {
        let mut topics: Vec<String> = parts.iter().map(|p| p.meta.topic.clone()).collect();
        topics.sort();
        topics.dedup();
        let out = &self.ctx.out_dir;
        let bytes = package::descriptor(written, out, &topics)?;
        let mut f = fsutil::AtomicFile::create(&out.join(package::PATH))?;
        std::io::Write::write_all(&mut f, &bytes)?;
        f.finish()
    }

    /// `gazette check` on the built tables: the data tests alone.
    fn check_tables(&self) -> Result<()> {
        let out = &self.ctx.out_dir;
        if !partition::published_path(Table::Articles, out).exists() {
            self.ctx.ui.summary(format!(
                "No built tables under '{}': data tests skipped (run gazette build)",
                out.display()
            ));
            return Ok(());
        }
        let report = quality::run(
            |table| partition::published_path(table, out),
            |table, t| self.table_checked(table, t),
        )?;
        let checks = report.results.len();
        if !report.is_ok() {
            bail!(
                "{} of the data tests' rows fail:\n{}",
                report.n_failures(),
                report.failure_table()
            );
        }
        self.ctx
            .ui
            .summary(format!("{checks} data tests passed on the built tables"));
        Ok(())
    }

    /// The published manifest of this build, staged like the other outputs.
    fn manifest(&self, inputs: &[(FileRecord, Stat)], written: &Written) -> Result<Staged> {
        let out = &self.ctx.out_dir;
        // The changelog depends on the build's history (what the previous build in this
        // folder published), so it is left out: the manifest reproduces from the inputs.
        let changelog = out.join(diff::CHANGELOG_PATH);
        let mut outputs = written
            .files
            .iter()
            .filter(|s| s.target() != changelog)
            .map(|s| {
                let (bytes, sha256) = s.digest()?;
                Ok(FileRecord {
                    path: manifest::rel(out, s.target()),
                    bytes: *bytes,
                    sha256: sha256.clone(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        outputs.sort_by(|a, b| a.path.cmp(&b.path));
        let m = Manifest {
            tool: format!("gazette {}", env!("CARGO_PKG_VERSION")),
            reference_data: manifest::REFERENCE_HASH.to_string(),
            inputs: inputs.iter().map(|(r, _)| r.clone()).collect(),
            outputs,
        };
        let mut f = fsutil::AtomicFile::create(&out.join(manifest::MANIFEST_PATH))?;
        std::io::Write::write_all(&mut f, &m.to_json())?;
        f.finish()
    }

    /// Renders the reports and the site from `tables` into a staging directory.
    fn render(&self, tables: TableFiles) -> Result<(StagedDir, RenderSummary)> {
        let t = Instant::now();
        let opts = RenderOptions {
            templates: self.ctx.templates.clone(),
            page_index: Some(self.ctx.out_dir.join(manifest::CACHE_DIR).join(PAGE_INDEX)),
        };
        let (staged, summary) = render::render(&tables, &self.ctx.out_dir, &opts, &self.ctx.ui)?;
        self.ctx
            .ui
            .step(format!("Rendered the reports: {}", summary.line()), t);
        Ok((staged, summary))
    }

    /// Swaps the rendered reports into place (after the tables they were made from).
    /// Returns the files that stand for the reports in the no-op check: those at the top
    /// of `reports/` and `reports/site/` (checking a million pages would not be quick).
    fn commit_reports(&self, reports: StagedDir) -> Result<Vec<PathBuf>> {
        let t = Instant::now();
        let target = reports.target().to_path_buf();
        reports.commit()?;
        self.ctx.ui.step("Committed the reports", t);
        let mut files = Vec::new();
        for dir in [target.clone(), target.join("site")] {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                if e.path().is_file() {
                    files.push(e.path());
                }
            }
        }
        // And every folder of the reports: a page removed, or one added, changes its
        // folder's modification time, so the next build sees the site damaged (as make
        // rebuilds a deleted target) for the price of a stat per folder, where recording
        // each of a million pages would not be cheap. A page edited in place is not seen.
        files.extend(fsutil::folders_under(&target));
        files.sort();
        Ok(files)
    }

    /// Moves every staged output into place: until here, a failure leaves all previous
    /// outputs untouched. Returns the committed paths.
    fn commit(&self, written: Written, manifest: Staged) -> Result<Vec<PathBuf>> {
        let t = Instant::now();
        let out = &self.ctx.out_dir;
        let previous: Option<Manifest> = std::fs::read(out.join(manifest::MANIFEST_PATH))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let files = written.files;
        let mut paths: Vec<PathBuf> = files.iter().map(|s| s.target().to_path_buf()).collect();
        paths.push(manifest.target().to_path_buf());
        fsutil::commit_all(files)?;
        // Outputs of the previous build that this one did not write (a table that moved to
        // partitions, a dataset that no longer exists) would mislead readers: remove them,
        // before the new manifest replaces the one that lists them, so that a build
        // killed meanwhile leaves them listed for the next build to remove.
        if let Some(previous) = previous {
            // Only paths a build writes: the manifest is a committed file, and one edited
            // to name `../x` or `/x` must not remove files outside the outputs.
            let ours = |rel: &str| {
                let path = Path::new(rel);
                path.starts_with("data")
                    && path
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_)))
            };
            for old in previous.outputs.into_iter().filter(|o| ours(&o.path)) {
                let p = out.join(&old.path);
                if !paths.contains(&p) && p.is_file() {
                    std::fs::remove_file(&p)?;
                    fsutil::remove_empty_parents(&p, out);
                }
            }
        }
        sweep_datasets(out, &paths)?;
        manifest.commit()?;
        self.ctx
            .ui
            .step(format!("Committed {} output file(s)", paths.len()), t);
        Ok(paths)
    }

    fn save_state(
        &self,
        cache: &Cache,
        inputs: &[(FileRecord, Stat)],
        outputs: &[PathBuf],
        errors: usize,
    ) -> Result<()> {
        let out = &self.ctx.out_dir;
        let state = State {
            tool_id: cache.tool_id.clone(),
            options: self.options_key(),
            inputs: inputs
                .iter()
                .map(|(r, s)| (r.path.clone(), (*s, r.sha256.clone())))
                .collect(),
            outputs: outputs
                .iter()
                .filter_map(|p| Some((manifest::rel(out, p), Stat::of(p)?)))
                .collect(),
            errors,
        };
        cache.save_state(&state)
    }
}

/// Removes what the dataset folders of the partitioned tables hold besides this build's
/// outputs (`written`): a folder left by a build killed while it switched layouts, a file
/// copied into a month's folder. Such a file is scanned with the table by every engine.
fn sweep_datasets(out: &Path, written: &[PathBuf]) -> Result<()> {
    let written: std::collections::HashSet<&Path> = written.iter().map(PathBuf::as_path).collect();
    for dataset in partition::dataset_dirs(out) {
        let folders = fsutil::folders_under(&dataset);
        for dir in &folders {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = e.path();
                if !e.file_type().is_ok_and(|t| t.is_dir()) && !written.contains(path.as_path()) {
                    std::fs::remove_file(&path)
                        .with_context(|| format!("Failed to remove '{}'", path.display()))?;
                }
            }
        }
        // Deepest first, the folders left empty (by the files removed, or by a build
        // killed between removing a folder's files and the folder): one that still holds
        // files is not removed.
        for dir in folders.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
    Ok(())
}

/// The dataset folders of a partitioned build and their month folders, which stand in
/// the no-op check for what they hold: a file added to a month's folder, or a month's
/// folder to a dataset, changes the folder's modification time, and the next build then
/// removes it. (Not `data/tables` itself, where a killed build's staged files come and
/// go without changing any output.)
fn table_folders(out: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = partition::dataset_dirs(out)
        .flat_map(|d| fsutil::folders_under(&d))
        .collect();
    folders.sort();
    folders
}
