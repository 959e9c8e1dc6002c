//! Helpers shared by the test modules.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow::array::RecordBatch;

/// The repository root (where `data/raw` lives).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// The shipped corpus.
pub fn shipped_corpus() -> PathBuf {
    root().join("data/raw")
}

/// The gazette binary, run from the repository root.
pub fn gazette() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gazette"));
    cmd.current_dir(root());
    cmd
}

/// Runs `gazette <args>` and returns its output.
pub fn run(args: &[&str]) -> Output {
    gazette().args(args).output().expect("gazette runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Builds `corpus` into `out` and asserts success.
pub fn build(corpus: &Path, out: &Path) -> Output {
    let o = gazette()
        .args(["build", "-q", "--corpus"])
        .arg(corpus)
        .arg("--out")
        .arg(out)
        .output()
        .expect("gazette runs");
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    o
}

/// The shipped corpus built once per test process into a temporary directory.
pub fn shipped_build() -> &'static Path {
    use std::sync::OnceLock;
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        build(&shipped_corpus(), dir.path());
        dir
    })
    .path()
}

pub fn read_table(path: &Path) -> RecordBatch {
    let (schema, batches) = gazette::tables::read_table(path).unwrap();
    arrow::compute::concat_batches(&schema, &batches).unwrap()
}

/// Every file under `dir`, relative path → bytes; dotfiles and dot-directories (the
/// build cache) are left out.
pub fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Renders a record batch as aligned text, one row per line: readable in snapshots.
pub fn render_rows(batch: &RecordBatch) -> String {
    let opts = arrow::util::display::FormatOptions::default().with_null("∅");
    let formatters: Vec<_> = batch
        .columns()
        .iter()
        .map(|c| arrow::util::display::ArrayFormatter::try_new(c.as_ref(), &opts).unwrap())
        .collect();
    let names: Vec<String> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let mut out = names.join(" | ");
    out.push('\n');
    for row in 0..batch.num_rows() {
        let cells: Vec<String> = formatters
            .iter()
            .map(|f| f.value(row).to_string())
            .collect();
        out.push_str(&cells.join(" | "));
        out.push('\n');
    }
    out
}

/// Reports a missing external tool: with `GAZETTE_REQUIRE_EXTERNAL=1` (as in CI) the
/// test fails; otherwise it prints why it is skipped and the caller returns.
pub fn require_external(what: &str) {
    if std::env::var("GAZETTE_REQUIRE_EXTERNAL").is_ok_and(|v| v == "1") {
        panic!("missing external tool: {what}");
    }
    eprintln!("skipped: missing {what}");
}

/// Asserts that two file sets are equal, naming the files that differ.
pub fn assert_same_files(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let names_a: Vec<&String> = a.keys().collect();
    let names_b: Vec<&String> = b.keys().collect();
    assert_eq!(names_a, names_b, "different sets of files");
    let differing: Vec<&String> = a
        .iter()
        .filter(|(k, v)| b[*k] != **v)
        .map(|(k, _)| k)
        .collect();
    assert!(differing.is_empty(), "files differ: {differing:?}");
}

/// A Python interpreter that can import `modules`: `$var` if set, else `default` (relative
/// to the repository), else `python3`. `None` (with a note) when there is none.
pub fn python_with(var: &str, default: &str, modules: &[&str]) -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var_os(var) {
        Some(p) => vec![PathBuf::from(p)],
        None => vec![root().join(default), PathBuf::from("python3")],
    };
    let import = format!("import {}", modules.join(", "));
    for py in candidates {
        let ok = Command::new(&py)
            .args(["-c", &import])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py);
        }
    }
    require_external(&format!(
        "a Python with {} (set {var}, or see .ci/run for the pip installs)",
        modules.join(", ")
    ));
    None
}
