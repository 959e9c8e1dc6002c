//! Fingerprints the sources that determine gazette's output (code, templates, reference
//! data, dependency versions), so that an incremental build can tell whether the tool
//! that built the cached results is the one running now — without hashing the binary.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

const SOURCES: &[&str] = &[
    "src",
    "templates",
    "data/reference",
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
];
const REFERENCE: &str = "data/reference";

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}

fn fingerprint(roots: &[&str]) -> String {
    let mut all = Vec::new();
    for root in roots {
        files(Path::new(root), &mut all);
    }
    let mut h = Sha256::new();
    for f in &all {
        h.update(f.to_string_lossy().replace('\\', "/").as_bytes());
        h.update([0]);
        h.update(std::fs::read(f).unwrap_or_default());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn main() {
    for s in SOURCES {
        println!("cargo:rerun-if-changed={s}");
    }
    println!(
        "cargo:rustc-env=GAZETTE_SOURCE_HASH={}",
        fingerprint(SOURCES)
    );
    println!(
        "cargo:rustc-env=GAZETTE_REFERENCE_HASH={}",
        fingerprint(&[REFERENCE])
    );
}
