//! Entity recognition throughput: `cargo bench --bench recognize`.
//!
//! Recognises every title and claim of the shipped corpus, repeated to about 64 MB of text,
//! and prints MB/s for the whole recogniser (gazetteer and pattern rules) and for
//! attribution. Prints; asserts nothing (timings belong here, not in tests).

use std::time::Instant;

use gazette::extract::attribution;
use gazette::extract::entities::Recognizer;

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

    let t = Instant::now();
    let r = Recognizer::global().expect("the embedded gazetteer");
    println!(
        "gazetteer: {} entities, recogniser built in {:.0} ms",
        r.gazetteer.entries.len(),
        t.elapsed().as_secs_f64() * 1e3
    );

    let t = Instant::now();
    let mut mentions = 0usize;
    for _ in 0..repeat {
        for text in &texts {
            mentions += r.recognize(text).len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let mb = (once * repeat) as f64 / 1e6;
    println!(
        "recognize: {mb:.1} MB, {} texts, {mentions} mentions in {secs:.2} s = {:.0} MB/s (one core)",
        texts.len() * repeat,
        mb / secs
    );

    let t = Instant::now();
    let mut hedged = 0usize;
    for _ in 0..repeat {
        for text in &texts {
            hedged += attribution::attribute(text).hedged as usize;
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "attribute: {mb:.1} MB in {secs:.2} s = {:.0} MB/s (one core), {hedged} hedged",
        mb / secs
    );
}
