//! What gazette tells the person running it, on stderr.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::memory;

/// `eprintln!` that cannot panic: see [`write_stderr`].
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::ui::write_stderr(format_args!($($arg)*))
    };
}
pub(crate) use say;

/// Writes one line to standard error. A full or closed standard error fails nothing (and
/// panics nowhere, as `eprintln!` does): what is said there is for a person, while the
/// outputs, `data/quality.json` and the exit code carry the result.
pub fn write_stderr(line: std::fmt::Arguments) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

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

/// Wall time, CPU time and memory of one pipeline stage, for `--timings` (benchmarks).
#[derive(Debug, Clone, serde::Serialize)]
pub struct StageTiming {
    pub stage: String,
    pub seconds: f64,
    /// CPU time of the process's threads (user and system) during the stage, where the OS
    /// tells: with `seconds`, how many cores the stage kept busy.
    pub cpu_seconds: Option<f64>,
    /// The part of `cpu_seconds` spent in the kernel (page faults, creating and writing
    /// files): on the virtual machines gazette is benchmarked on it varies more from run
    /// to run than any other part, with the state of the host's memory.
    pub system_seconds: Option<f64>,
    /// Peak resident memory of the process during the stage (Linux), in bytes: since the
    /// previous stage ended, or since the process started where the peak cannot be reset.
    pub peak_rss_bytes: Option<u64>,
}

/// CPU time in user space and in the kernel, in the OS's ticks of 1/100 s: a stage's
/// time is a difference of two readings, exact in ticks (in seconds, five ticks could
/// come out as 0.049999999999999156 in the timings).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CpuTime {
    user: u64,
    system: u64,
}

impl CpuTime {
    const TICKS_PER_SECOND: f64 = 100.0;

    pub fn from_ticks(user: u64, system: u64) -> Self {
        CpuTime { user, system }
    }

    /// User and system seconds.
    pub fn total(self) -> f64 {
        (self.user + self.system) as f64 / Self::TICKS_PER_SECOND
    }

    /// Seconds in the kernel.
    pub fn system(self) -> f64 {
        self.system as f64 / Self::TICKS_PER_SECOND
    }
}

impl std::ops::Add for CpuTime {
    type Output = CpuTime;
    fn add(self, o: CpuTime) -> CpuTime {
        CpuTime {
            user: self.user + o.user,
            system: self.system + o.system,
        }
    }
}

impl std::ops::Sub for CpuTime {
    type Output = CpuTime;
    fn sub(self, o: CpuTime) -> CpuTime {
        CpuTime {
            user: self.user.saturating_sub(o.user),
            system: self.system.saturating_sub(o.system),
        }
    }
}

/// User and system CPU time of every thread of this process so far, where the OS tells
/// (Linux: `/proc/self/stat`, whose times are in ticks of 1/100 s on every architecture).
pub fn process_cpu_time() -> Option<CpuTime> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields from the state (the third) on; the command name before it is in
    // parentheses and may hold spaces.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let mut fields = rest.split(' ').skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(CpuTime::from_ticks(user, system))
}

/// Wall and CPU time from a start: for a stage added up from steps with other work
/// between them.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    wall: Instant,
    cpu: Option<CpuTime>,
}

impl Clock {
    pub fn start() -> Self {
        Clock {
            wall: Instant::now(),
            cpu: process_cpu_time(),
        }
    }

    pub fn elapsed(&self) -> Spent {
        Spent {
            wall: self.wall.elapsed().as_secs_f64(),
            cpu: self.cpu.zip(process_cpu_time()).map(|(a, b)| b - a),
        }
    }
}

/// Wall and CPU seconds spent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Spent {
    pub wall: f64,
    pub cpu: Option<CpuTime>,
}

impl std::ops::AddAssign for Spent {
    fn add_assign(&mut self, other: Spent) {
        self.wall += other.wall;
        self.cpu = match (self.cpu, other.cpu) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
    }
}

#[derive(Debug, Clone)]
pub struct Ui {
    pub verbosity: Verbosity,
    started: Instant,
    timings: Arc<Mutex<Timings>>,
}

#[derive(Debug, Default)]
struct Timings {
    stages: Vec<StageTiming>,
    /// The process's CPU time when the last stage ended (or the Ui was made).
    cpu_mark: Option<CpuTime>,
}

impl Ui {
    pub fn new(verbosity: Verbosity) -> Self {
        Ui {
            verbosity,
            started: Instant::now(),
            timings: Arc::new(Mutex::new(Timings {
                stages: Vec::new(),
                cpu_mark: process_cpu_time(),
            })),
        }
    }

    /// Records that a stage, which ran since the previous one ended, finished (and logs
    /// it with `-v`).
    pub fn stage(&self, stage: &str, since: Instant) {
        let cpu_now = process_cpu_time();
        let mark = self.timings.lock().expect("not poisoned").cpu_mark;
        let spent = Spent {
            wall: since.elapsed().as_secs_f64(),
            cpu: mark.zip(cpu_now).map(|(a, b)| b - a),
        };
        self.stage_spent(stage, spent);
    }

    /// Records a stage whose time was added up from several steps.
    pub fn stage_spent(&self, stage: &str, spent: Spent) {
        let timing = StageTiming {
            stage: stage.to_string(),
            seconds: spent.wall,
            cpu_seconds: spent.cpu.map(CpuTime::total),
            system_seconds: spent.cpu.map(CpuTime::system),
            peak_rss_bytes: memory::peak_rss_bytes(),
        };
        memory::release_free_memory();
        memory::reset_peak_rss();
        if self.verbosity >= Verbosity::Verbose {
            say!(
                "{:>8.3}s  stage {stage}: {:.3}s, CPU {}, peak RSS {} MB",
                self.started.elapsed().as_secs_f64(),
                timing.seconds,
                spent.cpu.map_or("?".into(), |c| format!(
                    "{:.2}s ({:.2}s of it system)",
                    c.total(),
                    c.system()
                )),
                timing
                    .peak_rss_bytes
                    .map_or("?".into(), |b| (b >> 20).to_string())
            );
        }
        let mut timings = self.timings.lock().expect("not poisoned");
        timings.stages.push(timing);
        timings.cpu_mark = process_cpu_time();
    }

    pub fn timings(&self) -> Vec<StageTiming> {
        self.timings.lock().expect("not poisoned").stages.clone()
    }

    /// A finished pipeline step, shown with `-v`.
    pub fn step(&self, what: impl AsRef<str>, since: Instant) {
        if self.verbosity >= Verbosity::Verbose {
            say!(
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
            say!("{}", line.as_ref());
        }
    }

    /// Diagnostics are always shown.
    pub fn diagnostic(&self, d: &crate::diagnostics::Diagnostic) {
        say!("{d}");
    }

    /// A problem the build worked around (not in the corpus), always shown.
    pub fn warning(&self, what: impl AsRef<str>) {
        say!("gazette: warning: {}", what.as_ref());
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Spins until this process has used `seconds` more CPU time than `from`.
    fn burn(from: f64, seconds: f64) {
        let mut x = 1u64;
        while process_cpu_time().expect("Linux reports CPU time").total() < from + seconds {
            for _ in 0..100_000 {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
            }
        }
    }

    #[test]
    fn a_stage_records_the_cpu_time_spent_in_it() {
        let ui = Ui::new(Verbosity::Quiet);
        let t = Instant::now();
        burn(process_cpu_time().unwrap().total(), 0.05);
        ui.stage("busy", t);
        let t = Instant::now();
        ui.stage("idle", t);
        let timings = ui.timings();
        let cpu = |i: usize| timings[i].cpu_seconds.expect("Linux reports CPU time");
        // Ticks are 10 ms: the busy stage shows at least its 50 ms, the idle one less
        // than a tick or two (another test's thread may run meanwhile).
        assert!(cpu(0) >= 0.05, "{timings:?}");
        assert!(cpu(1) < cpu(0), "{timings:?}");
        // Spinning is user time; the kernel's share is part of the total.
        let system = timings[0].system_seconds.expect("Linux reports CPU time");
        assert!((0.0..=cpu(0)).contains(&system), "{timings:?}");
    }

    #[test]
    fn spent_time_adds_up_and_keeps_what_is_known() {
        let cpu = |user, system| Some(CpuTime::from_ticks(user, system));
        let mut total = Spent::default();
        total += Spent {
            wall: 1.0,
            cpu: cpu(100, 50),
        };
        total += Spent {
            wall: 2.0,
            cpu: cpu(25, 25),
        };
        assert_eq!((total.wall, total.cpu), (3.0, cpu(125, 75)));
        total += Spent {
            wall: 1.0,
            cpu: None,
        };
        assert_eq!((total.wall, total.cpu), (4.0, cpu(125, 75)));
        assert_eq!(total.cpu.map(CpuTime::total), Some(2.0));
    }
}
