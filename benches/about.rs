//! What-a-figure-is-about throughput: `cargo bench --bench about`.
//!
//! Every title and claim of the shipped corpus, repeated to about 64 MB of text: figures
//! and mentions are found once, up front; then extraction alone and classification alone
//! (subject, commodity and measure of every figure, the mentions converted as the build
//! does) are timed, by wall time and by the thread's CPU time (on a shared machine the
//! second is the one to read), in MB of text per second. Prints; asserts nothing.

use std::time::Instant;

use gazette::extract::about;
use gazette::extract::entities::Recognizer;
use gazette::extract::figures;
use gazette::normalize::entity_spans;

/// This thread's CPU time in seconds (Linux: /proc/thread-self/stat), if available.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Runs `work` three times and reports the fastest run (the machine may be shared).
fn measure(label: &str, mb: f64, mut work: impl FnMut() -> usize) {
    let mut best: Option<(f64, f64, usize)> = None;
    for _ in 0..3 {
        let (t, c) = (Instant::now(), cpu_seconds());
        let n = work();
        let wall = t.elapsed().as_secs_f64();
        let cpu = c.and_then(|c| Some(cpu_seconds()? - c)).unwrap_or(f64::NAN);
        if best.is_none_or(|(w, ..)| wall < w) {
            best = Some((wall, cpu, n));
        }
    }
    let (wall, cpu, n) = best.expect("three runs");
    println!(
        "{label}: {mb:.1} MB, {n} results; best of 3: wall {wall:.2} s = {:.0} MB/s, cpu {cpu:.2} s = {:.0} MB/s",
        mb / wall,
        mb / cpu
    );
}

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let path = format!("{root}/data/raw/de-china-supply-chain.txt");
    let bytes = std::fs::read(&path).expect("the shipped corpus");
    let parsed = gazette::corpus::parse_file(&path, &bytes);
    let mut texts: Vec<String> = Vec::new();
    for a in &parsed.articles {
        texts.push(a.title.clone());
        for s in &a.structure.sections {
            texts.extend(s.bullets.iter().map(|b| b.text.clone()));
        }
    }
    let once: usize = texts.iter().map(String::len).sum();
    let repeat = (64 << 20) / once + 1;
    let mb = (once * repeat) as f64 / 1e6;
    let r = Recognizer::global().expect("the embedded gazetteer");
    let prepared: Vec<_> = texts
        .iter()
        .map(|t| (t.as_str(), figures::extract(t), r.recognize(t)))
        .collect();
    println!(
        "{} texts per pass, {} with figures",
        texts.len() * repeat,
        prepared.iter().filter(|p| !p.1.is_empty()).count() * repeat
    );
    measure("extract figures", mb, || {
        let mut n = 0;
        for _ in 0..repeat {
            for (text, ..) in &prepared {
                n += figures::extract(text).len();
            }
        }
        n
    });
    measure("classify figures (subject, commodity, measure)", mb, || {
        let mut n = 0;
        for _ in 0..repeat {
            for (text, figs, mentions) in &prepared {
                if figs.is_empty() {
                    continue;
                }
                let spans = entity_spans(r, mentions);
                n += about::classify(text, figs, &spans)
                    .iter()
                    .filter(|a| a.measure.is_some())
                    .count();
            }
        }
        n
    });
}
