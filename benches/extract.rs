//! Throughput of figure extraction alone, on one core.
//!
//! Builds a large deterministic corpus in memory from the shipped corpus's titles and
//! claims — every copy with its digits replaced by pseudo-random ones, so that numbers
//! vary — and times `gazette::extract::figures::extract` over all of it. Prints MB/s by
//! the wall clock and, on Linux, by the thread's CPU time: on a machine shared with
//! other jobs the wall clock also counts the time spent waiting for a core, the CPU
//! time only the extraction's own work.
//!
//! ```sh
//! cargo bench --bench extract            # or: just bench-extract
//! GAZETTE_BENCH_MB=500 cargo bench --bench extract
//! ```

use std::hint::black_box;
use std::time::Instant;

use gazette::extract::figures;

const SHIPPED: &str = include_str!("../data/raw/de-china-supply-chain.txt");

/// A small deterministic generator (64-bit LCG, high bits).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
}

/// The shipped titles and claims.
fn seeds() -> Vec<String> {
    let parsed = gazette::corpus::parse_file("de-china-supply-chain.txt", SHIPPED.as_bytes());
    let mut out = Vec::new();
    for a in parsed.articles {
        out.push(a.title.clone());
        for s in &a.structure.sections {
            for b in &s.bullets {
                out.push(b.text.clone());
            }
        }
    }
    out
}

/// At least `mb` megabytes of texts: the seeds over and over, digits varied.
fn corpus(mb: usize) -> Vec<String> {
    let seeds = seeds();
    let mut rng = Lcg(0x5eed);
    let mut out = Vec::new();
    let mut bytes = 0;
    while bytes < mb * 1_000_000 {
        for s in &seeds {
            let varied: String = s
                .chars()
                .map(|c| {
                    if c.is_ascii_digit() {
                        char::from(b'0' + (rng.next() % 10) as u8)
                    } else {
                        c
                    }
                })
                .collect();
            bytes += varied.len();
            out.push(varied);
        }
    }
    out
}

/// CPU time of this thread so far, in seconds (user + system; Linux only, 10 ms ticks).
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() {
    let mb: usize = std::env::var("GAZETTE_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let texts = corpus(mb);
    let total: usize = texts.iter().map(String::len).sum();
    eprintln!(
        "corpus: {} texts, {:.1} MB (from {} shipped titles and claims)",
        texts.len(),
        total as f64 / 1e6,
        seeds().len()
    );
    // warm-up
    for t in texts.iter().take(1000) {
        black_box(figures::extract(black_box(t)));
    }
    let mut runs = Vec::new();
    let mut n_figures = 0;
    for _ in 0..3 {
        let cpu0 = thread_cpu_seconds();
        let start = Instant::now();
        let mut n = 0;
        for t in &texts {
            n += black_box(figures::extract(black_box(t))).len();
        }
        let wall = start.elapsed().as_secs_f64();
        let cpu = cpu0.and_then(|c0| thread_cpu_seconds().map(|c1| c1 - c0));
        runs.push((wall, cpu));
        n_figures = n;
    }
    let mb = total as f64 / 1e6;
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (wall, _) = runs[1];
    let mut cpus: Vec<f64> = runs.iter().filter_map(|r| r.1).collect();
    cpus.sort_by(f64::total_cmp);
    println!(
        "extract: {mb:.1} MB, {n_figures} figures, one core; wall clock (median of 3): {wall:.3} s = {:.0} MB/s",
        mb / wall
    );
    if cpus.len() == 3 && cpus[1] > 0.0 {
        println!(
            "extract: CPU time (median of 3): {:.2} s = {:.0} MB/s",
            cpus[1],
            mb / cpus[1]
        );
    }
}
