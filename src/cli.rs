//! Command-line interface. Arguments are declared (and documented) here and validated
//! in one place, [`Cli::context`], before any work starts.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use crate::pipeline::{BuildContext, Pipeline};
use crate::ui::{Ui, Verbosity};

#[derive(Debug, Parser)]
#[command(
    name = "gazette",
    version,
    about = "Turn exported news digests into typed, documented datasets and reports.",
    after_help = "Examples:\n  gazette build                      build everything from data/raw\n  \
                  gazette check --corpus my-export/  validate a corpus without writing\n  \
                  gazette build --out /tmp/pub       publish into an empty folder\n  \
                  gazette render --templates my-tpl/ re-render the reports with your templates"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Directory of exported collections; every file in it (recursively, except dotfiles)
    /// is one collection.
    #[arg(long, global = true, value_name = "DIR", default_value = "data/raw")]
    pub corpus: PathBuf,

    /// Root of the publication: tables go to OUT/data/tables, derived datasets to
    /// OUT/data/derived, reports to OUT/reports.
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,

    /// Fail on the first bad article instead of reporting and skipping it.
    #[arg(long, global = true)]
    pub strict: bool,

    /// Print only diagnostics and errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print every step with its duration.
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Directory of templates that replace the embedded ones of the same name
    /// (`article.html`, `partials/claim.html`, `overview.md`, `assets/style.css`…).
    #[arg(long, global = true, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse the corpus and write every dataset.
    ///
    /// Reads every collection in --corpus, reports bad articles (file:line: expected …,
    /// found …) and skips them (or stops, with --strict), and writes the tables as
    /// Parquet under OUT/data/tables. Outputs are replaced atomically: a failed build
    /// leaves the previous ones intact.
    #[command(after_help = "Example:\n  gazette build --corpus data/raw --out .")]
    Build,

    /// Render the reports and the site from the tables already built under --out.
    ///
    /// Reads OUT/data/tables and rewrites OUT/reports: the markdown reports and the static
    /// site (OUT/reports/site, open index.html from disk or copy the folder to any web
    /// server). The corpus is not read. The previous reports are replaced only when the
    /// whole render succeeded.
    #[command(
        after_help = "Example:\n  gazette render --out . --templates my-templates/\n  \
                      xdg-open reports/site/index.html"
    )]
    Render,

    /// Parse and validate the corpus without writing anything.
    ///
    /// Lists every problem in the corpus; exits with 1 when an article is bad.
    #[command(after_help = "Example:\n  gazette check --corpus ~/exports/new-topic")]
    Check,
}

/// An argument that parsed but makes no sense (a missing directory…): exit code 2, like
/// clap's own usage errors.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage(msg: String) -> anyhow::Error {
    UsageError(msg).into()
}

/// Exit codes: 0 success, 1 data or I/O error, 2 usage error.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gazette: {e:#}");
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let ctx = cli.context()?;
    let pipeline = Pipeline::new(ctx);
    match cli.command {
        Command::Build => pipeline.build().map(drop),
        Command::Check => pipeline.check().map(drop),
        Command::Render => pipeline.render_only().map(drop),
    }
}

impl Cli {
    /// Validates the arguments and turns them into a build context.
    pub fn context(&self) -> Result<BuildContext> {
        let g = &self.global;
        if !matches!(self.command, Command::Render) {
            require_dir(&g.corpus, "--corpus")?;
        }
        if g.out.exists() && !g.out.is_dir() {
            return Err(usage(format!(
                "--out '{}' exists and is not a directory",
                g.out.display()
            )));
        }
        if matches!(self.command, Command::Render) {
            let articles = crate::tables::Table::Articles.path(&g.out);
            if !articles.is_file() {
                return Err(usage(format!(
                    "--out '{}' has no built tables ({} is missing): run `gazette build` first",
                    g.out.display(),
                    articles.display()
                )));
            }
        }
        if let Some(dir) = &g.templates {
            require_dir(dir, "--templates")?;
            crate::render::templates::override_names(dir)
                .map_err(|e| usage(format!("--templates: {e}")))?;
        }
        let verbosity = if g.quiet {
            Verbosity::Quiet
        } else if g.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        };
        Ok(BuildContext {
            corpus_dir: g.corpus.clone(),
            out_dir: g.out.clone(),
            strict: g.strict,
            templates: g.templates.clone(),
            ui: Ui::new(verbosity),
        })
    }
}

fn require_dir(path: &Path, flag: &str) -> Result<()> {
    if !path.is_dir() {
        return Err(usage(format!(
            "{flag} '{}' is not a directory",
            path.display()
        )));
    }
    Ok(())
}
