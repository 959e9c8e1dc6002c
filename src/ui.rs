//! What gazette tells the person running it, on stderr.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::memory;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Only diagnostics and errors.
    Quiet,
    /// Diagnostics and a one-line summary.
    Normal,
    /// Every step with its duration.
    Verbose,
}

/// Corpora at least this large get a progress bar (when stderr is a terminal).
const PROGRESS_MIN_BYTES: u64 = 64 << 20;

/// Wall time and memory of one pipeline stage, for `--timings` (benchmarks).
#[derive(Debug, Clone, serde::Serialize)]
pub struct StageTiming {
    pub stage: String,
    pub seconds: f64,
    /// Peak resident memory of the process during the stage (Linux), in bytes: since the
    /// previous stage ended, or since the process started where the peak cannot be reset.
    pub peak_rss_bytes: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Ui {
    pub verbosity: Verbosity,
    started: Instant,
    timings: Arc<Mutex<Vec<StageTiming>>>,
}

impl Ui {
    pub fn new(verbosity: Verbosity) -> Self {
        Ui {
            verbosity,
            started: Instant::now(),
            timings: Arc::default(),
        }
    }

    /// Records that a stage finished (and logs it with `-v`).
    pub fn stage(&self, stage: &str, since: Instant) {
        self.stage_seconds(stage, since.elapsed().as_secs_f64());
    }

    /// Records a stage whose time was added up from several steps.
    pub fn stage_seconds(&self, stage: &str, seconds: f64) {
        let timing = StageTiming {
            stage: stage.to_string(),
            seconds,
            peak_rss_bytes: memory::peak_rss_bytes(),
        };
        memory::release_free_memory();
        memory::reset_peak_rss();
        if self.verbosity >= Verbosity::Verbose {
            eprintln!(
                "{:>8.3}s  stage {stage}: {:.3}s, peak RSS {} MB",
                self.started.elapsed().as_secs_f64(),
                timing.seconds,
                timing
                    .peak_rss_bytes
                    .map_or("?".into(), |b| (b >> 20).to_string())
            );
        }
        self.timings.lock().expect("not poisoned").push(timing);
    }

    pub fn timings(&self) -> Vec<StageTiming> {
        self.timings.lock().expect("not poisoned").clone()
    }

    /// A finished pipeline step, shown with `-v`.
    pub fn step(&self, what: impl AsRef<str>, since: Instant) {
        if self.verbosity >= Verbosity::Verbose {
            eprintln!(
                "{:>8.3}s  {} ({:.3}s)",
                self.started.elapsed().as_secs_f64(),
                what.as_ref(),
                since.elapsed().as_secs_f64()
            );
        }
    }

    /// The closing summary line, hidden by `-q`.
    pub fn summary(&self, line: impl AsRef<str>) {
        if self.verbosity >= Verbosity::Normal {
            eprintln!("{}", line.as_ref());
        }
    }

    /// Diagnostics are always shown.
    pub fn diagnostic(&self, d: &crate::diagnostics::Diagnostic) {
        eprintln!("{d}");
    }

    /// A progress bar over `total_bytes`, or a hidden one when the corpus is small, the
    /// output is not a terminal, or `-q` was given.
    pub fn progress(&self, total_bytes: u64, what: &str) -> ProgressBar {
        if total_bytes < PROGRESS_MIN_BYTES
            || self.verbosity == Verbosity::Quiet
            || !std::io::stderr().is_terminal()
        {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(total_bytes);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message(what.to_string());
        bar
    }
}
