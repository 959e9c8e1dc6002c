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
                  gazette build --out /tmp/pub       publish into an empty folder"
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

    /// Rebuild everything, even when the corpus, the tool and the outputs are unchanged
    /// (by default such a build does nothing, and a changed file re-normalizes only itself).
    #[arg(long, global = true)]
    pub force: bool,

    /// Write the normalized tables as hive-partitioned Parquet datasets, one folder per
    /// month of publication (data/tables/claims/published_month=2025-10/part-0.parquet),
    /// which DuckDB, Spark and polars scan as one table.
    #[arg(long, global = true, value_name = "KEY", value_enum)]
    pub partition_by: Option<crate::tables::partition::PartitionBy>,

    /// Write each stage's wall time and peak memory as JSON to FILE (for benchmarks).
    #[arg(long, global = true, value_name = "FILE", hide_short_help = true)]
    pub timings: Option<PathBuf>,

    /// Print only diagnostics and errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print every step with its duration.
    #[arg(short, long, global = true)]
    pub verbose: bool,
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

    /// Parse and validate the corpus without writing anything.
    ///
    /// Lists every problem in the corpus; exits with 1 when an article is bad.
    #[command(after_help = "Example:\n  gazette check --corpus ~/exports/new-topic")]
    Check,

    /// Recompute the derived datasets from the tables already built.
    ///
    /// Reads OUT/data/tables/*.parquet, runs each dataset's SQL (src/derive/sql/) with
    /// polars and writes OUT/data/derived/*.parquet.
    #[command(after_help = "Example:\n  gazette derive --out .")]
    Derive,

    /// Write a deterministic synthetic corpus in the export format (for benchmarks).
    ///
    /// The articles resemble the shipped corpus in structure and density (sections of
    /// every form, figures, entities, attributed claims) and a few per thousand are
    /// malformed. One file per topic; the same arguments always give the same bytes.
    #[command(
        after_help = "Example:\n  gazette synth --articles 100000 --seed 1 --dir /tmp/synth-100k\n  \
                            gazette build --corpus /tmp/synth-100k --out /tmp/pub-100k"
    )]
    Synth(SynthArgs),

    /// List articles, claims, figures and entities added, removed and changed between two
    /// releases of the data, by stable id.
    ///
    /// OLD and NEW are each an output root (holding data/tables/), a data/ folder, or a
    /// git revision of the repository in the current directory.
    #[command(
        after_help = "Examples:\n  gazette diff HEAD~1 .          what the working tree changes since the last commit\n  \
                            gazette diff /tmp/pub-old /tmp/pub-new --json"
    )]
    Diff(DiffArgs),
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier release: a directory or a git revision.
    pub old: String,
    /// The later release: a directory or a git revision.
    pub new: String,
    /// Print the diff as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Number of articles to write.
    #[arg(long, value_name = "N")]
    pub articles: usize,
    /// Seed of the generator.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Directory to write the corpus files into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
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
    match &cli.command {
        Command::Build => Pipeline::new(ctx).build().map(drop),
        Command::Check => Pipeline::new(ctx).check().map(drop),
        Command::Derive => Pipeline::new(ctx).derive_only(),
        Command::Diff(args) => Pipeline::diff(&args.old, &args.new, args.json).map(drop),
        Command::Synth(args) => {
            let bytes = crate::synth::write_corpus(args.articles, args.seed, &args.dir)?;
            ctx.ui.summary(format!(
                "{} synthetic articles ({:.1} MB) → {}",
                args.articles,
                bytes as f64 / 1e6,
                args.dir.display()
            ));
            Ok(())
        }
    }
}

impl Cli {
    /// Validates the arguments and turns them into a build context.
    pub fn context(&self) -> Result<BuildContext> {
        let g = &self.global;
        if matches!(self.command, Command::Build | Command::Check) {
            require_dir(&g.corpus, "--corpus")?;
        }
        if let Command::Synth(args) = &self.command
            && args.articles == 0
        {
            return Err(usage("--articles must be at least 1".into()));
        }
        if g.out.exists() && !g.out.is_dir() {
            return Err(usage(format!(
                "--out '{}' exists and is not a directory",
                g.out.display()
            )));
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
            force: g.force,
            partition: g.partition_by,
            timings: g.timings.clone(),
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
