//! The build as a readable list of steps: discover → normalize → write tables → derive →
//! render → commit. Each step logs what it did (`-v` shows durations). The render step
//! reads the tables this build staged, so nothing is committed until every step succeeded.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::corpus::{self, CorpusFile};
use crate::diagnostics::Severity;
use crate::fsutil::StagedDir;
use crate::fsutil::{self, Staged};
use crate::normalize::{self, NormalizedFile, TableCounts};
use crate::render::{self, RenderOptions, RenderSummary, TableFiles};
use crate::ui::Ui;

/// Everything a build needs to know, validated by the CLI before anything runs.
#[derive(Debug, Clone)]
pub struct BuildContext {
    /// Directory of collection files.
    pub corpus_dir: PathBuf,
    /// Root under which `data/tables/`, `data/derived/` and `reports/` are written.
    pub out_dir: PathBuf,
    /// Fail on the first bad article instead of reporting and skipping it.
    pub strict: bool,
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
}

impl BuildSummary {
    fn from_files(files: &[NormalizedFile]) -> Self {
        BuildSummary {
            files: files.len(),
            articles: files.iter().map(|f| f.articles.len() as u64).sum(),
            claims: files
                .iter()
                .flat_map(|f| &f.articles)
                .map(|a| a.claims.len() as u64)
                .sum(),
            skipped: files.iter().map(|f| f.skipped).sum(),
            warnings: files
                .iter()
                .flat_map(|f| &f.diagnostics)
                .filter(|d| d.severity == Severity::Warning)
                .count(),
        }
    }

    pub fn line(&self) -> String {
        let mut s = format!(
            "{} article{}, {} claims, {} skipped",
            self.articles,
            if self.articles == 1 { "" } else { "s" },
            self.claims,
            self.skipped
        );
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

    /// `gazette build`: every stage, writing every output.
    pub fn build(&self) -> Result<BuildSummary> {
        let files = self.discover()?;
        let normalized = self.normalize(&files)?;
        let (staged, counts) = self.write_tables(&normalized)?;
        // The render step reads this build's tables from their staged files: a table
        // written by a later stage (derive) joins `staged` before this line.
        let (reports, _) =
            self.render(TableFiles::published(&self.ctx.out_dir).with_staged(&staged))?;
        self.commit(staged)?;
        self.commit_reports(reports)?;
        let summary = BuildSummary {
            articles: counts.articles,
            claims: counts.claims,
            ..BuildSummary::from_files(&normalized)
        };
        self.ctx.ui.summary(format!(
            "{} → {}",
            summary.line(),
            self.ctx
                .out_dir
                .join(crate::tables::Stage::Normalize.dir())
                .display()
        ));
        Ok(summary)
    }

    /// `gazette render`: the reports and the site from the tables already under `--out`.
    pub fn render_only(&self) -> Result<RenderSummary> {
        let (reports, summary) = self.render(TableFiles::published(&self.ctx.out_dir))?;
        let target = reports.target().display().to_string();
        self.commit_reports(reports)?;
        self.ctx
            .ui
            .summary(format!("{} → {target}", summary.line()));
        Ok(summary)
    }

    /// `gazette check`: parse and validate, write nothing. Fails when any article is bad.
    pub fn check(&self) -> Result<BuildSummary> {
        let files = self.discover()?;
        let normalized = self.normalize(&files)?;
        let summary = BuildSummary::from_files(&normalized);
        self.ctx
            .ui
            .summary(format!("{} (checked, nothing written)", summary.line()));
        if summary.skipped > 0 {
            bail!("{} bad article(s) in the corpus", summary.skipped);
        }
        Ok(summary)
    }

    fn discover(&self) -> Result<Vec<CorpusFile>> {
        let t = Instant::now();
        let files = corpus::discover(&self.ctx.corpus_dir)?;
        if files.is_empty() {
            bail!(
                "No corpus files in '{}': put exported collections (.txt) there or pass --corpus DIR",
                self.ctx.corpus_dir.display()
            );
        }
        self.ctx
            .ui
            .step(format!("Found {} corpus file(s)", files.len()), t);
        Ok(files)
    }

    /// Parses every file and reports its diagnostics; with `--strict`, the first error
    /// stops the build before anything is written.
    fn normalize(&self, files: &[CorpusFile]) -> Result<Vec<NormalizedFile>> {
        let t = Instant::now();
        let mut normalized = normalize::normalize_corpus(files, &self.ctx.corpus_dir)?;
        normalize::drop_duplicates(&mut normalized);
        for d in normalized.iter().flat_map(|f| &f.diagnostics) {
            if self.ctx.strict && d.severity == Severity::Error {
                bail!("{d}\n(--strict: the build stops at the first bad article)");
            }
            self.ctx.ui.diagnostic(d);
        }
        let articles: usize = normalized.iter().map(|f| f.articles.len()).sum();
        self.ctx
            .ui
            .step(format!("Normalized {articles} articles"), t);
        Ok(normalized)
    }

    fn write_tables(&self, normalized: &[NormalizedFile]) -> Result<(Vec<Staged>, TableCounts)> {
        let t = Instant::now();
        let out = normalize::write_tables(normalized, &self.ctx.out_dir)?;
        self.ctx.ui.step("Wrote the normalized tables", t);
        Ok(out)
    }

    /// Renders the reports and the site from `tables` into a staging directory.
    fn render(&self, tables: TableFiles) -> Result<(StagedDir, RenderSummary)> {
        let t = Instant::now();
        let opts = RenderOptions {
            templates: self.ctx.templates.clone(),
        };
        let (staged, summary) = render::render(&tables, &self.ctx.out_dir, &opts, &self.ctx.ui)?;
        self.ctx
            .ui
            .step(format!("Rendered the reports: {}", summary.line()), t);
        Ok((staged, summary))
    }

    /// Swaps the rendered reports into place (after the tables they were made from).
    fn commit_reports(&self, reports: StagedDir) -> Result<()> {
        let t = Instant::now();
        reports.commit()?;
        self.ctx.ui.step("Committed the reports", t);
        Ok(())
    }

    /// Moves every staged output into place: until here, a failure leaves all previous
    /// outputs untouched.
    fn commit(&self, staged: Vec<Staged>) -> Result<()> {
        let t = Instant::now();
        let n = staged.len();
        fsutil::commit_all(staged)?;
        self.ctx.ui.step(format!("Committed {n} output file(s)"), t);
        Ok(())
    }
}
