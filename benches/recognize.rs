//! Entity recognition throughput: `cargo bench --bench recognize`.
//!
//! Recognises every title and claim of the shipped corpus, repeated to about 64 MB of text,
//! and prints MB/s for the gazetteer alone, the whole recogniser (gazetteer and pattern
//! rules) and attribution — by wall time and by the thread's CPU time (on a shared machine
//! the second is the one to read). Prints; asserts nothing (timings belong here, not in
//! tests).

use std::time::Instant;

use gazette::extract::attribution;
use gazette::extract::entities::Recognizer;

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

    let t = Instant::now();
    let r = Recognizer::global().expect("the embedded gazetteer");
    println!(
        "gazetteer: {} entities, recogniser built in {:.0} ms; {} texts per pass",
        r.gazetteer.entries.len(),
        t.elapsed().as_secs_f64() * 1e3,
        texts.len() * repeat
    );
    let each = |f: &dyn Fn(&str) -> usize| {
        let mut n = 0;
        for _ in 0..repeat {
            for text in &texts {
                n += f(text);
            }
        }
        n
    };
    measure("gazetteer only", mb, || {
        each(&|t| r.recognize_gazetteer(t).len())
    });
    measure("recognize (gazetteer + patterns)", mb, || {
        each(&|t| r.recognize(t).len())
    });
    measure("attribute", mb, || {
        each(&|t| attribution::attribute(t, &[]).hedged as usize)
    });
}
