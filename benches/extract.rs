//! Throughput of figure extraction alone, on one core.
//!
//! Builds a large deterministic corpus in memory from the shipped corpus's titles and
//! claims — every copy with its digits replaced by pseudo-random ones, so that numbers
//! vary — and times `gazette::extract::figures::extract` over all of it. Prints MB/s.
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
    let mut times = Vec::new();
    let mut n_figures = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let mut n = 0;
        for t in &texts {
            n += black_box(figures::extract(black_box(t))).len();
        }
        times.push(start.elapsed().as_secs_f64());
        n_figures = n;
    }
    times.sort_by(f64::total_cmp);
    let best = times[0];
    let median = times[1];
    println!(
        "extract: {:.1} MB, {} figures; best {:.3} s = {:.0} MB/s, median {:.3} s = {:.0} MB/s (one core)",
        total as f64 / 1e6,
        n_figures,
        best,
        total as f64 / 1e6 / best,
        median,
        total as f64 / 1e6 / median,
    );
}
