//! `just bench` / `cargo bench --bench pipeline`: full builds of synthetic corpora, per
//! stage, with a `wc -l` over the same files as the floor, and a no-op rebuild.
//!
//! ```text
//! cargo bench --profile release-lto --bench pipeline    # 10k and 100k (`just bench`)
//! cargo bench --profile release-lto --bench pipeline -- --articles 1000000    # any sizes
//! cargo bench --profile release-lto --bench pipeline -- --repeat 5    # runs per size
//! GAZETTE_BENCH_BIN=target/pgo/gazette cargo bench …    # another binary (`just bench-pgo`)
//! ```
//!
//! A size with its site is built `--repeat` times (3 unless told), each time into a
//! folder that never held files, and its table shows the run of median time: on this
//! shared virtual machine one run of the same binary varies by seconds. A size built
//! without its site (see [`SITE_MAX_ARTICLES`]) takes minutes and is built once. Within
//! six minutes of removing files (a bench that just ended removes its outputs) it first
//! waits, see [`DISK_FORGETS_REMOVALS`].
//!
//! Each build runs the `gazette` binary of the bench's profile in its own process (so
//! peak memory is the build's own) with `--timings`, which records every stage's wall
//! time and the process's peak resident memory during the stage. Results go to
//! `BENCHMARKS.md`, which names the profile. `just bench` times `release-lto`, the binary
//! the README recommends for large corpora; without `--profile`, cargo's bench profile
//! (`release`'s settings) is timed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

struct Run {
    articles: usize,
    /// The run's corpus and output folders (the rebuild reuses them).
    corpus: PathBuf,
    out: PathBuf,
    bytes: u64,
    wc_seconds: f64,
    /// The median full build's seconds (the one its stages are of).
    build_seconds: f64,
    /// Every full build's seconds and the memory the machine had free before it, in
    /// the order they ran.
    build_runs: Vec<(f64, Option<u64>)>,
    noop_seconds: f64,
    /// The median full build's stages.
    stages: Vec<Stage>,
    /// Files and bytes of the reports (markdown and site) the build wrote.
    report_files: usize,
    report_bytes: u64,
    /// Built with `--no-reports` (see [`SITE_MAX_ARTICLES`]).
    datasets_only: bool,
    /// Seconds to write as many files, as large, as the reports (see [`write_floor`]).
    write_floor_seconds: Option<f64>,
    /// Seconds of `build --force` over the run's own output (see [`rebuild`]).
    rebuild_seconds: Option<f64>,
    /// Seconds of a build after a new export of [`NEW_ARTICLES`] articles, newer than
    /// all others (see [`new_export`]).
    new_export_seconds: Option<f64>,
}

/// Articles in the new export of [`new_export`]: two months of one topic's digests.
const NEW_ARTICLES: usize = 60;

/// The file in the bench's folder that holds when the bench last removed files (seconds
/// since the epoch), so that a bench started soon after another waits before it times.
const REMOVED_AT: &str = ".removed-at";

/// How long this disk's ext4 (no journal) keeps skipping freed inodes one by one when
/// it allocates: a minute, five more while the inode table's block is not written back
/// (`recently_deleted` in Linux's `fs/ext4/ialloc.c`). A bench started two minutes after
/// another, which had removed half a million files as it ended, built 100k in 45.5 s
/// where the one before had taken 32.9 s; a 10k build right after it spent 14 % of its
/// samples in `recently_deleted` and its buffer lookups.
const DISK_FORGETS_REMOVALS: Duration = Duration::from_secs(6 * 60);

fn now() -> Duration {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
}

/// Removes `dir` if it exists, and notes when in [`REMOVED_AT`].
fn remove_tree(work: &Path, dir: &Path) {
    if std::fs::remove_dir_all(dir).is_ok() {
        let _ = std::fs::write(work.join(REMOVED_AT), now().as_secs().to_string());
    }
}

/// Sleeps until [`DISK_FORGETS_REMOVALS`] has passed since the bench last removed files,
/// so that what a build costs is not what the removal left behind.
fn wait_out_removals(work: &Path) {
    let Some(removed) = std::fs::read_to_string(work.join(REMOVED_AT))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .map(Duration::from_secs)
    else {
        return;
    };
    let ago = now().saturating_sub(removed);
    let left = DISK_FORGETS_REMOVALS.saturating_sub(ago);
    if !left.is_zero() {
        eprintln!(
            "bench: waiting {} s: files were removed {} s ago, and this disk slows the \
             creation of files for minutes after a removal",
            left.as_secs(),
            ago.as_secs()
        );
        std::thread::sleep(left);
    }
}

/// The floor of the render's writing: as many files as the reports, of their average
/// size, written by one thread per core into 256 folders (as the article pages are
/// sharded); `main` removes them after the last run. No template or page is involved:
/// this is what creating the files costs the kernel on this disk.
fn write_floor(files: usize, bytes: u64, dir: &Path) -> f64 {
    let _ = std::fs::remove_dir_all(dir);
    for shard in 0..256 {
        std::fs::create_dir_all(dir.join(format!("{shard:02x}"))).unwrap();
    }
    let body = vec![b'x'; (bytes / files.max(1) as u64) as usize];
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let t = Instant::now();
    std::thread::scope(|scope| {
        for k in 0..threads {
            let body = &body;
            scope.spawn(move || {
                for i in (k..files).step_by(threads) {
                    let path = dir.join(format!("{:02x}/{i}.html", i % 256));
                    std::fs::write(path, body).unwrap();
                }
            });
        }
    });
    t.elapsed().as_secs_f64()
}

/// Past this many articles the bench builds the datasets only (`--no-reports`): a million
/// articles' site (19.9 GB) and its write floor would take about 40 GB more of disk, and
/// its render two to three minutes more (measured by hand, in BENCHMARKS.md's notes).
const SITE_MAX_ARTICLES: usize = 100_000;

fn size_of_tree(dir: &Path) -> (usize, u64) {
    let mut files = 0;
    let mut bytes = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            } else {
                files += 1;
                bytes += m.len();
            }
        }
    }
    (files, bytes)
}

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn gazette(args: &[&str], corpus: &Path, out: &Path) -> f64 {
    let t = Instant::now();
    let o = Command::new(gazette_bin())
        .args(args)
        .arg("--corpus")
        .arg(corpus)
        .arg("--out")
        .arg(out)
        .output()
        .expect("gazette runs");
    let secs = t.elapsed().as_secs_f64();
    assert!(
        o.status.success(),
        "gazette {args:?} failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    secs
}

/// One stage of a full build, as its `--timings` tell.
struct Stage {
    name: String,
    seconds: f64,
    cpu_seconds: Option<f64>,
    /// The kernel's part of `cpu_seconds`.
    system_seconds: Option<f64>,
    peak_rss_bytes: Option<u64>,
}

/// A full build's time and its stages (see [`Run::stages`]).
type Build = (f64, Vec<Stage>);

/// A full build of `corpus` into `out`, timed, with the stages of its `--timings`.
fn full_build(corpus: &Path, out: &Path, timings: &Path, datasets_only: bool) -> Build {
    let timings_arg = timings.to_string_lossy().into_owned();
    let only = only_args(datasets_only);
    let seconds = gazette(
        &[&["build", "-q", "--force", "--timings", &timings_arg], only].concat(),
        corpus,
        out,
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(timings).unwrap()).unwrap();
    let stages = json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| Stage {
            name: s["stage"].as_str().unwrap().to_string(),
            seconds: s["seconds"].as_f64().unwrap(),
            cpu_seconds: s["cpu_seconds"].as_f64(),
            system_seconds: s["system_seconds"].as_f64(),
            peak_rss_bytes: s["peak_rss_bytes"].as_u64(),
        })
        .collect();
    (seconds, stages)
}

/// The arguments that leave the site out of a datasets-only size's builds.
fn only_args(datasets_only: bool) -> &'static [&'static str] {
    if datasets_only {
        &["--no-reports"]
    } else {
        &[]
    }
}

/// The folder of a size's `k`-th extra run (`main` removes them after the last run).
fn extra_out(work: &Path, articles: usize, k: usize) -> PathBuf {
    work.join(format!("out-{articles}.run{k}"))
}

fn bench(articles: usize, work: &Path, repeat: usize) -> Run {
    let corpus = work.join(format!("corpus-{articles}"));
    let out = work.join(format!("out-{articles}"));
    let timings = work.join(format!("timings-{articles}.json"));
    if !corpus.exists() {
        gazette::synth::write_corpus(articles, 1, &corpus).expect("synth");
    }
    // The previous run's output is moved aside and removed after the last run (by
    // `main`, with the write floors' files). Removed right before a build, just-freed
    // inodes slow the creation of its pages: this disk's ext4 has no journal, and without
    // one ext4 skips inodes freed in the last minutes one by one when it allocates (the
    // article pages of 100k took 12 s into a fresh folder, 15-17 s right after such a
    // removal; removing the 10k run's files before the 100k build cost it seconds too).
    // Building into a folder that never held files is what a first build does.
    let old = work.join(format!("out-{articles}.old"));
    remove_tree(work, &old);
    let _ = std::fs::rename(&out, &old);
    let files = corpus_files(&corpus);
    let bytes: u64 = files.iter().map(|f| f.metadata().unwrap().len()).sum();

    // Warm the page cache, then time the floor.
    let _ = Command::new("wc").arg("-l").args(&files).output();
    let t = Instant::now();
    let wc = Command::new("wc")
        .arg("-l")
        .args(&files)
        .output()
        .expect("wc runs");
    let wc_seconds = t.elapsed().as_secs_f64();
    assert!(wc.status.success());

    let datasets_only = articles > SITE_MAX_ARTICLES;
    let runs = if datasets_only { 1 } else { repeat.max(1) };
    // Left by a bench that was stopped: each run must be a first build.
    for k in 1..runs {
        remove_tree(work, &extra_out(work, articles, k));
    }
    wait_out_removals(work);
    let mut build_runs = Vec::new();
    let mut builds: Vec<Build> = (0..runs)
        .map(|k| {
            let dir = match k {
                0 => out.clone(),
                k => extra_out(work, articles, k),
            };
            // On this machine a build's kernel time depends on it (see BENCHMARKS.md).
            let free = gazette::memory::free_memory_bytes();
            let build = full_build(&corpus, &dir, &timings, datasets_only);
            build_runs.push((build.0, free));
            build
        })
        .collect();
    builds.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (build_seconds, stages) = builds.swap_remove(runs / 2);
    let noop_seconds = gazette(
        &[&["build", "-q"], only_args(datasets_only)].concat(),
        &corpus,
        &out,
    );
    let (report_files, report_bytes) = size_of_tree(&out.join("reports"));
    let write_floor_seconds = (!datasets_only).then(|| {
        write_floor(
            report_files,
            report_bytes,
            &work.join(format!("floor-{articles}")),
        )
    });
    Run {
        corpus,
        out,
        write_floor_seconds,
        rebuild_seconds: None,
        new_export_seconds: None,
        report_files,
        report_bytes,
        datasets_only,
        articles,
        bytes,
        wc_seconds,
        build_seconds,
        build_runs,
        noop_seconds,
        stages,
    }
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cores} cores ({cpu})")
}

/// The `gazette` binary timed: `$GAZETTE_BENCH_BIN` when set (`just bench-pgo` sets it
/// to the profile-guided build of `scripts/build-pgo`), else the one cargo built with the
/// bench's profile.
fn gazette_bin() -> PathBuf {
    std::env::var_os("GAZETTE_BENCH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_gazette")),
        PathBuf::from,
    )
}

/// The cargo profile the timed binary was built with: the folder it was built into
/// (`target/release`, `target/release-lto`; `target/pgo` for `scripts/build-pgo`'s).
fn profile() -> String {
    gazette_bin()
        .parent()
        .and_then(|d| d.file_name())
        .map_or_else(|| "unknown".into(), |d| d.to_string_lossy().into_owned())
}

fn report(runs: &[Run]) -> String {
    let profile = profile();
    // `scripts/build-pgo` builds into target/pgo: say what that binary is and how the
    // tables were made, as for a cargo profile.
    let (binary, recipe) = if profile == "pgo" {
        (
            "`release-lto` binary compiled with profiles (`scripts/build-pgo`)".to_string(),
            "`just bench-pgo` (`scripts/build-pgo`, then `GAZETTE_BENCH_BIN=target/pgo/gazette \
             cargo bench --profile release-lto --bench pipeline`)",
        )
    } else {
        (
            format!("`{profile}` binary"),
            "`just bench` (`cargo bench --profile release-lto --bench pipeline`)",
        )
    };
    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Full builds of synthetic corpora (`gazette synth --seed 1`) by the {binary}, on {}.\n\
         Written by {recipe}; rerun it to refresh.\n\
         Each stage's CPU is the user and system time of all the process's threads during \
         the stage (two cores busy throughout would be twice the wall time), \"system\" the \
         kernel's part of it, and its peak RSS the process's peak resident memory during \
         the stage. The full build's CPU is the sum of its stages'.\n",
        machine()
    );
    for r in runs {
        let mb = r.bytes as f64 / 1e6;
        let _ = writeln!(md, "## {} articles ({mb:.1} MB)\n", r.articles);
        if r.datasets_only {
            let _ = writeln!(
                md,
                "Datasets only (`gazette build --no-reports`): the site's files and their \
                 write floor would take about 40 GB more of disk; its render is measured by \
                 hand (see the notes).\n"
            );
        }
        let _ = writeln!(
            md,
            "| stage | wall (s) | CPU (s) | system (s) | MB/s | articles/s | peak RSS (MB) |"
        );
        let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        let _ = writeln!(
            md,
            "| `wc -l` (floor) | {:.3} | | | {:.0} | {:.0} | |",
            r.wc_seconds,
            mb / r.wc_seconds,
            r.articles as f64 / r.wc_seconds
        );
        let cpu = |c: Option<f64>| c.map_or("".into(), |c| format!("{c:.1}"));
        for s in &r.stages {
            let secs = s.seconds;
            let _ = writeln!(
                md,
                "| {} | {secs:.3} | {} | {} | {:.0} | {:.0} | {} |",
                s.name,
                cpu(s.cpu_seconds),
                cpu(s.system_seconds),
                mb / secs,
                r.articles as f64 / secs,
                s.peak_rss_bytes
                    .map_or("".into(), |b| (b >> 20).to_string())
            );
        }
        let peak = r.stages.iter().filter_map(|s| s.peak_rss_bytes).max();
        let total = |f: fn(&Stage) -> Option<f64>| r.stages.iter().map(f).sum::<Option<f64>>();
        let _ = writeln!(
            md,
            "| **full build** (process) | **{:.3}** | {} | {} | {:.0} | {:.0} | {} |",
            r.build_seconds,
            cpu(total(|s| s.cpu_seconds)),
            cpu(total(|s| s.system_seconds)),
            mb / r.build_seconds,
            r.articles as f64 / r.build_seconds,
            peak.unwrap_or(0) >> 20
        );
        let _ = writeln!(
            md,
            "| no-op rebuild (process) | {:.3} | | | | | |",
            r.noop_seconds
        );
        if let Some(secs) = r.rebuild_seconds {
            let _ = writeln!(
                md,
                "| rebuild over the previous release (process) | {secs:.3} | | | {:.0} | {:.0} | |",
                mb / secs,
                r.articles as f64 / secs
            );
        }
        if let Some(secs) = r.new_export_seconds {
            let _ = writeln!(
                md,
                "| rebuild after a new export of {NEW_ARTICLES} newer articles (process) | \
                 {secs:.3} | | | {:.0} | {:.0} | |",
                mb / secs,
                r.articles as f64 / secs
            );
        }
        let _ = writeln!(md);
        if r.build_runs.len() > 1 {
            let runs: Vec<String> = r
                .build_runs
                .iter()
                .map(|(s, free)| match free {
                    Some(b) => format!("{s:.2} s ({:.1} GB free)", *b as f64 / 1e9),
                    None => format!("{s:.2} s"),
                })
                .collect();
            let _ = writeln!(
                md,
                "Full builds, each into a folder that never held files, with the memory the \
                 machine had free before each: {} (in the order they ran); the table shows \
                 the median.\n",
                runs.join(", ")
            );
        }
        if !r.datasets_only {
            let _ = writeln!(
                md,
                "Reports written: {} files, {:.0} MB.\n",
                r.report_files,
                r.report_bytes as f64 / 1e6
            );
        }
        if let Some(secs) = r.write_floor_seconds {
            let _ = writeln!(
                md,
                "Floor of the render's writing: {} files of their average size, written \
                 with one thread per core into 256 folders, take {secs:.3} s.\n",
                r.report_files
            );
        }
    }
    md
}

/// What every build after the first does: `build --force` over the run's own output, so
/// the build replaces a whole release (its site included) and removes the previous one.
/// Timed after every size's first build: a removal of many files slows the creation of
/// files right after it on this disk (see [`bench`]), and the first builds should not
/// pay for it. Skipped for datasets-only runs, where it would repeat the full build.
fn rebuild(run: &mut Run) {
    if run.datasets_only {
        return;
    }
    run.rebuild_seconds = Some(gazette(&["build", "-q", "--force"], &run.corpus, &run.out));
}

/// What a daily build does: a new export arrives, a file of [`NEW_ARTICLES`] articles
/// newer than all others (the corpus' first articles, retitled and dated 2030), and the
/// build runs over the previous release. The file is removed afterwards, so the corpus
/// stays what `gazette synth` wrote.
fn new_export(run: &mut Run) {
    if run.datasets_only {
        return;
    }
    let first = &corpus_files(&run.corpus)[0];
    let bytes = std::fs::read(first).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    // The corpus' own parser finds the articles (and leaves out the malformed ones).
    let parsed = gazette::corpus::parse_file("first", &bytes);
    let articles = &parsed.articles[..NEW_ARTICLES.min(parsed.articles.len())];
    let header = articles.first().map_or(0, |a| a.title_line as usize - 1);
    let mut out: Vec<String> = lines[..header].iter().map(|l| l.to_string()).collect();
    for (n, a) in articles.iter().enumerate() {
        out.push(format!("{}（续）", a.title));
        out.push(format!(
            "{}· 2030-01-{:02} {:02}:{:02}",
            a.source,
            1 + n / 3,
            8 + n % 12,
            (7 * n) % 60
        ));
        out.push(lines[a.summary_line as usize - 1].to_string());
    }
    let path = run.corpus.join("zz-new-export.txt");
    std::fs::write(&path, out.join("\n") + "\n").unwrap();
    run.new_export_seconds = Some(gazette(&["build", "-q"], &run.corpus, &run.out));
    std::fs::remove_file(&path).unwrap();
}

/// The hand-written part of BENCHMARKS.md (from its `## Notes` heading on), which a
/// rerun keeps.
fn notes(previous: &str) -> &str {
    previous
        .find("\n## Notes")
        .map_or("", |i| &previous[i + 1..])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sizes: Vec<usize> = args
        .iter()
        .position(|a| a == "--articles")
        .and_then(|i| args.get(i + 1))
        .map(|s| {
            s.split(',')
                .map(|n| n.trim().parse().expect("a number"))
                .collect()
        })
        .unwrap_or_else(|| vec![10_000, 100_000]);
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1))
        .map_or(3, |n| n.trim().parse().expect("a number"));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = root.join("target/bench");
    std::fs::create_dir_all(&work).unwrap();
    let mut runs = Vec::new();
    for n in sizes {
        eprintln!("bench: {n} articles…");
        let run = bench(n, &work, repeat);
        eprintln!(
            "bench: {n} articles: full build {:.2}s, no-op {:.3}s, wc -l {:.3}s",
            run.build_seconds, run.noop_seconds, run.wc_seconds
        );
        runs.push(run);
    }
    for run in &mut runs {
        rebuild(run);
        if let Some(secs) = run.rebuild_seconds {
            eprintln!("bench: {} articles: rebuild {secs:.2}s", run.articles);
        }
        new_export(run);
        if let Some(secs) = run.new_export_seconds {
            eprintln!("bench: {} articles: new export {secs:.2}s", run.articles);
        }
    }
    let path = root.join("BENCHMARKS.md");
    let previous = std::fs::read_to_string(&path).unwrap_or_default();
    let md = format!("{}{}", report(&runs), notes(&previous));
    std::fs::write(&path, &md).unwrap();
    print!("{md}");
    for run in &runs {
        for dir in [
            format!("out-{}.old", run.articles),
            format!("floor-{}", run.articles),
        ] {
            remove_tree(&work, &work.join(dir));
        }
        for k in 1..run.build_runs.len() {
            remove_tree(&work, &extra_out(&work, run.articles, k));
        }
    }
}
