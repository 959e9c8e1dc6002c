//! Command-line interface. Arguments are declared (and documented) here and validated
//! in one place, [`Cli::context`], before any work starts.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
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
    /// is one collection [default: data/raw].
    // An `Option`, not a default value: a command that reads no corpus can then tell
    // that `--corpus` was given to it (see `GlobalArgs::given`).
    #[arg(long, global = true, value_name = "DIR")]
    pub corpus: Option<PathBuf>,

    /// Root of the publication: tables go to OUT/data/tables, derived datasets to
    /// OUT/data/derived, reports to OUT/reports [default: .]. For `synth`, the directory
    /// the synthetic corpus is written to.
    #[arg(long, global = true, value_name = "DIR")]
    pub out: Option<PathBuf>,

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

    /// build: write the datasets only, not the reports and the site (OUT/reports is left
    /// as it was; `gazette render` brings it up to date). For corpora whose site is not
    /// needed, or does not fit the memory or disk at hand (a million articles' site needs
    /// about 3.5 GB of memory and 20 GB of disk).
    #[arg(long, global = true)]
    pub no_reports: bool,

    /// Write each stage's wall time and peak memory as JSON to FILE (for benchmarks).
    #[arg(long, global = true, value_name = "FILE", hide_short_help = true)]
    pub timings: Option<PathBuf>,

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
        after_help = "Example:\n  gazette synth --articles 100000 --seed 1 --out /tmp/synth-100k\n  \
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

    /// Extract figures from text, one item per line, as JSON lines.
    ///
    /// Reads FILE (or standard input) and writes, for every input line, one JSON object
    /// `{"text": …, "figures": […]}` whose figures have the fields of the figures table
    /// (surface, char_start, char_end, kind, value, value_max, unit, per_unit, qualifier,
    /// normalized_value, …). Needs no corpus.
    #[command(
        after_help = "Example:\n  echo 'investment rose 895% from AUD 8.67 billion in 2014' | gazette extract --year 2025"
    )]
    Extract(ExtractArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ExtractArgs {
    /// Text file to read, one item per line; standard input when absent.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Year whose exchange rates convert money to US dollars (default: the latest year
    /// of the shipped rate table).
    #[arg(long, value_name = "YYYY")]
    pub year: Option<i32>,
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
    /// Directory to write the corpus files into (created if missing); the same as
    /// `--out DIR`, which `synth` reads as the corpus directory.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

impl GlobalArgs {
    /// The corpus directory: `--corpus`, or the shipped corpus's place.
    pub fn corpus(&self) -> PathBuf {
        self.corpus
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CORPUS))
    }

    /// The global flags given on the command line (`-q` and `-v` apart: every command
    /// reads them).
    fn given(&self) -> Vec<&'static str> {
        [
            ("--corpus", self.corpus.is_some()),
            ("--out", self.out.is_some()),
            ("--strict", self.strict),
            ("--force", self.force),
            ("--partition-by", self.partition_by.is_some()),
            ("--no-reports", self.no_reports),
            ("--timings", self.timings.is_some()),
            ("--templates", self.templates.is_some()),
        ]
        .into_iter()
        .filter_map(|(flag, given)| given.then_some(flag))
        .collect()
    }
}

/// The global flags each command reads (`-q` and `-v` apart: every command reads them).
/// Clap accepts every global flag with every command; one that a command would ignore is
/// refused instead (`gazette render --force` would otherwise look as if it forced
/// something).
const FLAGS_READ: &[(&str, &[&str])] = &[
    (
        "build",
        &[
            "--corpus",
            "--out",
            "--strict",
            "--force",
            "--partition-by",
            "--no-reports",
            "--timings",
            "--templates",
        ],
    ),
    ("check", &["--corpus", "--out", "--strict"]),
    ("derive", &["--out"]),
    ("render", &["--out", "--templates"]),
    ("synth", &["--out"]),
    ("diff", &[]),
    ("extract", &[]),
];

impl Command {
    fn name(&self) -> &'static str {
        match self {
            Command::Build => "build",
            Command::Render => "render",
            Command::Check => "check",
            Command::Derive => "derive",
            Command::Synth(_) => "synth",
            Command::Diff(_) => "diff",
            Command::Extract(_) => "extract",
        }
    }

    fn reads(&self, flag: &str) -> bool {
        FLAGS_READ
            .iter()
            .any(|(command, flags)| *command == self.name() && flags.contains(&flag))
    }
}

/// The command line as clap reads it, where each command's help lists only the global
/// flags that command reads ([`FLAGS_READ`]): `gazette check --help` offering `--force`
/// ("Rebuild everything") would promise what the command then refuses.
pub fn command() -> clap::Command {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let globals: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    for (name, reads) in FLAGS_READ {
        cmd = cmd.mut_subcommand(*name, |mut sub| {
            // A command's own hidden copy of a flag it does not read: clap gives global
            // flags only to the commands that lack them, and still parses this one, so
            // that `Cli::context` can say which commands read it.
            for arg in &globals {
                let long = arg.get_long().map(|l| format!("--{l}"));
                if long.is_some_and(|l| !reads.contains(&l.as_str()))
                    && !matches!(arg.get_id().as_str(), "quiet" | "verbose")
                {
                    sub = sub.arg(arg.clone().hide(true));
                }
            }
            sub
        });
    }
    cmd
}

/// `flag` given to a command that does not read it: the error names those that do.
fn not_read(flag: &str, command: &Command) -> anyhow::Error {
    let readers: Vec<String> = FLAGS_READ
        .iter()
        .filter(|(_, flags)| flags.contains(&flag))
        .map(|(c, _)| format!("`gazette {c}`"))
        .collect();
    let readers = match readers.as_slice() {
        [rest @ .., last] if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => readers.concat(),
    };
    usage(format!(
        "{flag} applies to {readers} only, not to `gazette {}`",
        command.name()
    ))
}

/// Where the corpus is read from without `--corpus`.
const DEFAULT_CORPUS: &str = "data/raw";

/// The longest line `extract` reads, in characters.
const MAX_EXTRACT_CHARS: usize = 100_000;

/// The most articles `synth` writes: a hundred million is about 170 GB of corpus.
const MAX_SYNTH_ARTICLES: usize = 100_000_000;

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
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `gazette diff A B | head`: the reader has what it wanted. Said nothing and exits
        // 0, as ripgrep does, rather than an error after output that was read in full.
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            crate::ui::say!("gazette: {}", error_chain(&e));
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// Standard output's reader has gone (`gazette diff A B | head`).
#[derive(Debug)]
pub struct ClosedStdout;

impl std::fmt::Display for ClosedStdout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("standard output was closed")
    }
}

impl std::error::Error for ClosedStdout {}

/// An error writing `what` to standard output: [`ClosedStdout`] when its reader has gone,
/// which `main` ends quietly; any other (a full disk) is reported.
pub fn stdout_error(e: std::io::Error, what: &str) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        ClosedStdout.into()
    } else {
        anyhow::Error::new(e).context(format!("Failed to write {what} to standard output"))
    }
}

fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| cause.is::<ClosedStdout>())
}

/// An error and its causes, joined by `: ` as anyhow's `{:#}` joins them, for a
/// terminal: control characters (of a file name, say) escaped as diagnostics escape
/// them, but for the line breaks of messages that are tables (the data tests'
/// failures), and a cause left out when the message before it already ends with its
/// text (libraries that wrap an I/O error, such as Parquet's `External: …`, print it and
/// also return it as their cause: a full disk read "No space left on device" twice).
pub fn error_chain(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        let lines: Vec<_> = text.split('\n').map(crate::text::visible).collect();
        let text = lines.join("\n");
        if out.ends_with(text.as_str()) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

pub fn run(cli: Cli) -> Result<()> {
    let ctx = cli.context()?;
    match &cli.command {
        Command::Build => Pipeline::new(ctx).build().map(drop),
        Command::Check => Pipeline::new(ctx).check().map(drop),
        Command::Derive => Pipeline::new(ctx).derive_only(),
        Command::Render => Pipeline::new(ctx).render_only().map(drop),
        Command::Diff(args) => Pipeline::diff(&args.old, &args.new, args.json).map(drop),
        Command::Extract(args) => extract(args.file.as_deref(), extract_year(args)?),
        Command::Synth(args) => {
            let dir = args.dir.as_deref().unwrap_or(&ctx.out_dir);
            let bytes = crate::synth::write_corpus(args.articles, args.seed, dir)?;
            ctx.ui.summary(format!(
                "{} synthetic articles ({:.1} MB) → {}",
                args.articles,
                bytes as f64 / 1e6,
                dir.display()
            ));
            Ok(())
        }
    }
}

impl Cli {
    /// Validates the arguments and turns them into a build context.
    pub fn context(&self) -> Result<BuildContext> {
        let g = &self.global;
        if let Some(flag) = g.given().into_iter().find(|f| !self.command.reads(f)) {
            return Err(not_read(flag, &self.command));
        }
        let corpus = g.corpus();
        if matches!(self.command, Command::Build | Command::Check) {
            require_dir(&corpus, "--corpus")?;
        }
        if let Command::Extract(args) = &self.command {
            extract_year(args)?;
            if let Some(f) = &args.file
                && !f.is_file()
            {
                return Err(usage(format!("FILE '{}' is not a file", f.display())));
            }
        }
        if let Command::Synth(args) = &self.command {
            if args.articles == 0 {
                return Err(usage("--articles must be at least 1".into()));
            }
            if args.articles > MAX_SYNTH_ARTICLES {
                return Err(usage(format!(
                    "--articles is at most {MAX_SYNTH_ARTICLES} (about 170 GB of corpus)"
                )));
            }
            // Writing a corpus into the project root by default would be a surprise.
            if args.dir.is_none() && g.out.is_none() {
                return Err(usage(
                    "synth needs --out DIR: the directory to write the corpus to".into(),
                ));
            }
        }
        let out = g.out.clone().unwrap_or_else(|| PathBuf::from("."));
        if out.exists() && !out.is_dir() {
            return Err(usage(format!(
                "--out '{}' exists and is not a directory",
                out.display()
            )));
        }
        // A publication inside its own corpus would be read back as collections by the
        // next build: binary Parquet and JSON reported as bad articles, forever rebuilt.
        if matches!(self.command, Command::Build)
            && let (Ok(canonical), Some(root)) = (corpus.canonicalize(), resolved(&out))
            && root.starts_with(&canonical)
        {
            return Err(usage(format!(
                "--out '{}' is inside --corpus '{}': the next build would read the outputs \
                 as collections; write them elsewhere",
                out.display(),
                corpus.display()
            )));
        }
        if matches!(self.command, Command::Build)
            && let Ok(canonical) = corpus.canonicalize()
            && let Some(output) = replaced_outputs(&out).into_iter().find(|o| {
                resolved(o).is_some_and(|o| canonical.starts_with(&o) || o.starts_with(&canonical))
            })
        {
            // Each build replaces these whole: a corpus among them would be deleted with
            // them, or read back as collections.
            return Err(usage(format!(
                "--corpus '{}' overlaps '{}', which a build replaces: keep the corpus \
                 elsewhere (such as {})",
                corpus.display(),
                output.display(),
                out.join("data/raw").display()
            )));
        }
        // The reports are rendered beside `reports/` and swapped in whole: a link there
        // (to a web root, say) would be replaced by the new folder.
        let reports = out.join(crate::render::REPORTS_DIR);
        if (matches!(self.command, Command::Render)
            || matches!(self.command, Command::Build) && !g.no_reports)
            && reports.is_symlink()
        {
            return Err(usage(format!(
                "'{}' is a symbolic link: a build replaces the reports folder whole, link \
                 and all; publish by copying it (`cp -r {}/site …`) instead",
                reports.display(),
                reports.display()
            )));
        }
        if matches!(self.command, Command::Render | Command::Derive) {
            let articles =
                crate::tables::partition::published_path(crate::tables::Table::Articles, &out);
            if !articles.exists() {
                return Err(usage(format!(
                    "--out '{}' has no built tables ({} is missing): run `gazette build` first",
                    out.display(),
                    articles.display()
                )));
            }
        }
        if let Some(timings) = &g.timings {
            // Written at the very end: a path that cannot take it would fail the build
            // after everything was published.
            let dir = match timings.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let problem = if timings.is_dir() {
                Some("it is a directory".to_string())
            } else {
                (!dir.is_dir()).then(|| format!("'{}' is not a directory", dir.display()))
            };
            if let Some(problem) = problem {
                return Err(usage(format!(
                    "--timings '{}' cannot be written: {problem}",
                    timings.display()
                )));
            }
        }
        if let Some(dir) = &g.templates {
            require_dir(dir, "--templates")?;
            crate::render::templates::override_names(dir)
                .map_err(|e| usage(format!("--templates: {e}")))?;
            // Compiled now, not after the datasets are built: at a million articles a
            // template's syntax error would otherwise take minutes to surface.
            if matches!(self.command, Command::Render)
                || matches!(self.command, Command::Build) && !g.no_reports
            {
                crate::render::templates::Templates::load(Some(dir))
                    .map_err(|e| usage(format!("--templates: {e:#}")))?;
            }
        }
        let verbosity = if g.quiet {
            Verbosity::Quiet
        } else if g.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        };
        Ok(BuildContext {
            corpus_dir: corpus,
            out_dir: out,
            strict: g.strict,
            force: g.force,
            partition: g.partition_by,
            reports: !g.no_reports,
            timings: g.timings.clone(),
            templates: g.templates.clone(),
            ui: Ui::new(verbosity),
        })
    }
}

/// What a build under `out` replaces or removes whole: the tables, the derived datasets,
/// the build cache, the reports and the files beside them in `data/`.
fn replaced_outputs(out: &Path) -> Vec<PathBuf> {
    use crate::tables::Stage;
    [
        Stage::Normalize.dir(),
        Stage::Derive.dir(),
        crate::manifest::CACHE_DIR,
        crate::manifest::MANIFEST_PATH,
        crate::diff::CHANGELOG_PATH,
        crate::quality::REPORT_PATH,
        crate::package::PATH,
        crate::render::REPORTS_DIR,
    ]
    .into_iter()
    .map(|p| out.join(p))
    .collect()
}

/// `path` with its existing part resolved (links, `..`) and the rest, not created yet,
/// joined to it.
fn resolved(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name()?);
        existing = existing.parent()?;
    }
    let mut out = existing.canonicalize().ok()?;
    out.extend(rest.into_iter().rev());
    Some(out)
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

/// The year whose exchange rates `extract` uses: `--year`, or the latest shipped one.
fn extract_year(args: &ExtractArgs) -> Result<i32> {
    match args.year {
        Some(y) if !(1000..=9999).contains(&y) => {
            Err(usage(format!("--year {y} is not a four-digit year")))
        }
        Some(y) => Ok(y),
        None => Ok(crate::reference::fx::shipped()
            .latest_year()
            .unwrap_or(2025)),
    }
}

/// One figure of `gazette extract`'s output: the figures table's columns, without those
/// that name an article.
#[derive(serde::Serialize)]
struct FigureJson<'a> {
    figure_id: &'a str,
    surface: &'a str,
    char_start: u32,
    char_end: u32,
    kind: &'static str,
    value: f64,
    value_max: Option<f64>,
    unit: &'static str,
    per_unit: Option<&'static str>,
    qualifier: &'static str,
    normalized_value: Option<f64>,
    normalized_value_max: Option<f64>,
    normalized_unit: Option<&'a str>,
    fx_rate: Option<f64>,
    fx_year: Option<i32>,
    change_id: Option<&'a str>,
    role: Option<&'static str>,
    as_of_year: Option<i32>,
    subject_entity_id: Option<&'a str>,
    commodity_id: Option<&'a str>,
    measure: Option<&'static str>,
    measure_rule: Option<&'static str>,
}

#[derive(serde::Serialize)]
struct LineJson<'a> {
    text: &'a str,
    figures: Vec<FigureJson<'a>>,
}

/// `gazette extract`: figures of each input line as a JSON line on stdout.
fn extract(file: Option<&Path>, year: i32) -> Result<()> {
    let name = file.map_or_else(|| "<stdin>".to_string(), |f| f.display().to_string());
    let reader: Box<dyn BufRead> = match file {
        Some(f) => Box::new(std::io::BufReader::new(
            std::fs::File::open(f).with_context(|| format!("Failed to open '{name}'"))?,
        )),
        None => Box::new(std::io::stdin().lock()),
    };
    let recognizer = crate::extract::entities::Recognizer::global()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (n, line) in reader.split(b'\n').enumerate() {
        let bytes = line.with_context(|| format!("Failed to read '{name}'"))?;
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(&bytes);
        let text = std::str::from_utf8(bytes)
            .with_context(|| format!("{name}:{}: the line is not UTF-8 text", n + 1))?;
        // What a figure is about is looked for among the whole text's mentions, figure by
        // figure: a build's texts are claims of at most 2,000 characters, but a line here
        // can be anything (a 1.3 MB paragraph took 79 s).
        if let Some(chars) = crate::text::chars_beyond(text, MAX_EXTRACT_CHARS) {
            anyhow::bail!(
                "{name}:{}: expected a line of at most {MAX_EXTRACT_CHARS} characters, found \
                 {chars} characters (split the text into sentences or paragraphs)",
                n + 1
            );
        }
        let mentions = recognizer.recognize(text);
        // The line's figures are identified under the line's own id, hashed once: hashed
        // into every figure's id, a line of 40,000 figures hashed 40,000 copies of itself.
        let line_id = crate::ids::stable_id(&[text]);
        let records = crate::normalize::figure_records(
            text,
            &line_id,
            crate::normalize::Field::Claim,
            None,
            Some(year),
            recognizer,
            &mentions,
        );
        let figures = records
            .iter()
            .map(|r| {
                let nv = r.normalized.as_ref();
                FigureJson {
                    figure_id: &r.figure_id,
                    surface: &r.surface,
                    char_start: r.char_start,
                    char_end: r.char_end,
                    kind: r.figure.kind.as_str(),
                    value: r.figure.value,
                    value_max: r.figure.value_max,
                    unit: r.figure.unit,
                    per_unit: r.figure.per_unit,
                    qualifier: r.figure.qualifier.as_str(),
                    normalized_value: nv.map(|x| x.value),
                    normalized_value_max: nv.and_then(|x| x.value_max),
                    normalized_unit: nv.map(|x| x.unit.as_str()),
                    fx_rate: nv.and_then(|x| x.fx).map(|r| r.usd_per_unit),
                    fx_year: nv.and_then(|x| x.fx).map(|r| r.year),
                    change_id: r.change_id.as_deref(),
                    role: r.figure.change.map(|(_, role)| role.as_str()),
                    as_of_year: r.figure.as_of_year,
                    subject_entity_id: r.about.subject_entity_id.as_deref(),
                    commodity_id: r.about.commodity_id.as_deref(),
                    measure: r.about.measure,
                    measure_rule: r.about.measure_rule,
                }
            })
            .collect();
        serde_json::to_writer(&mut out, &LineJson { text, figures })
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|e| stdout_error(e, "the figures"))?;
    }
    out.flush().map_err(|e| stdout_error(e, "the figures"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_chains_say_a_repeated_cause_once() {
        let io = std::io::Error::other("No space left on device (os error 28)");
        // As Parquet and CSV writers wrap an I/O error: in their message and as cause.
        #[derive(Debug)]
        struct Wrapper(std::io::Error);
        impl std::fmt::Display for Wrapper {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "External: {}", self.0)
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let e = anyhow::Error::new(Wrapper(io)).context("Failed to write 'claims.parquet'");
        assert_eq!(
            error_chain(&e),
            "Failed to write 'claims.parquet': External: No space left on device (os error 28)"
        );
        // Other causes are all printed, in order.
        let e = anyhow::anyhow!("inner").context("middle").context("outer");
        assert_eq!(error_chain(&e), "outer: middle: inner");
        // A file name cannot send the terminal an escape sequence, move the cursor back
        // or reverse the text; a table's lines stay lines.
        let e = anyhow::anyhow!("Failed to read 'a\u{1b}[2J\rgazette: done\u{202e}'");
        assert_eq!(
            error_chain(&e),
            "Failed to read 'a\\u{1b}[2J\\rgazette: done\\u{202e}'"
        );
        let e = anyhow::anyhow!("2 rows fail:\ncheck  row\nunique 2");
        assert_eq!(error_chain(&e), "2 rows fail:\ncheck  row\nunique 2");
    }
}
