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

/// Builds the shipped corpus into `out` with `--partition-by month`, and asserts success.
pub fn build_partitioned(out: &Path) {
    let o = gazette()
        .args(["build", "-q", "--partition-by", "month", "--corpus"])
        .arg(shipped_corpus())
        .arg("--out")
        .arg(out)
        .output()
        .expect("gazette runs");
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    assert!(out.join("data/tables/claims").is_dir());
}

/// `gazette render -q --out OUT`, which must succeed.
pub fn render(out: &Path) {
    let o = gazette()
        .args(["render", "-q", "--out"])
        .arg(out)
        .output()
        .expect("gazette runs");
    assert!(o.status.success(), "render failed:\n{}", stderr(&o));
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

/// A string column's values (`None` where null).
pub fn strings(batch: &RecordBatch, name: &str) -> Vec<Option<String>> {
    use arrow::array::{Array, AsArray};
    let a = batch.column_by_name(name).unwrap().as_string::<i32>();
    (0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i).to_string()))
        .collect()
}

/// A primitive column's values (`None` where null): `primitives::<Int32Type>(…)`.
pub fn primitives<T: arrow::datatypes::ArrowPrimitiveType>(
    batch: &RecordBatch,
    name: &str,
) -> Vec<Option<T::Native>> {
    use arrow::array::{Array, AsArray};
    let a = batch.column_by_name(name).unwrap().as_primitive::<T>();
    (0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i)))
        .collect()
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
    let found = candidates.into_iter().find(|py| {
        Command::new(py)
            .args(["-c", &import])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    external(
        &format!("a Python with {}", modules.join(", ")),
        found,
        &format!("set {var}, or see .ci/run for the pip installs"),
    )
}
/// Runs `py` with `args` from the repository's root; its standard output, or a failure
/// showing both outputs.
pub fn run_python<S: AsRef<std::ffi::OsStr>>(py: &Path, args: &[S]) -> String {
    let o = Command::new(py)
        .current_dir(root())
        .args(args)
        .output()
        .unwrap();
    let shown: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy()).collect();
    assert!(
        o.status.success(),
        "{} {:?} failed:\n{}{}",
        py.display(),
        shown,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Prints a line that `cargo test` shows even for a passing test (libtest captures
/// `println!`, not direct writes): skipped checks, screenshot paths.
pub fn note(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{msg}");
}

/// Whether tests must fail instead of skipping when an outside tool is missing (CI).
pub fn require_external() -> bool {
    std::env::var("GAZETTE_REQUIRE_EXTERNAL").is_ok_and(|v| v == "1")
}

/// An outside tool a test needs: `found`, or — when missing — a `skipped: …` line (and
/// `None`, the test returns), or a failure under `GAZETTE_REQUIRE_EXTERNAL=1`.
pub fn external(name: &str, found: Option<PathBuf>, install: &str) -> Option<PathBuf> {
    if found.is_some() {
        return found;
    }
    unavailable(&format!("{name} not found ({install})"));
    None
}

/// What a test needs from outside is not here (`why`): a `skipped: …` line, or a failure
/// under `GAZETTE_REQUIRE_EXTERNAL=1`. The test returns after it.
pub fn unavailable(why: &str) {
    let msg = format!("skipped: {why}");
    if require_external() {
        panic!("{msg}; GAZETTE_REQUIRE_EXTERNAL=1 requires it");
    }
    note(&msg);
}

/// A command on the PATH.
pub fn which(cmd: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(cmd))
        .find(|p| p.is_file())
}

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.exists())
}

/// The npm packages the site checks use (vnu-jar, axe-core, playwright-core):
/// `GAZETTE_NODE_MODULES`, or the gitignored `tests/node/node_modules` that
/// `.ci/run` fills.
pub fn node_modules(package: &str) -> Option<PathBuf> {
    let dir = env_path("GAZETTE_NODE_MODULES")
        .or_else(|| Some(root().join("tests/node/node_modules")))?;
    dir.join(package).is_dir().then_some(dir)
}

const NPM_INSTALL: &str =
    "npm install --prefix tests/node --no-package-lock, or set GAZETTE_NODE_MODULES";

/// Java and the Nu HTML Checker's jar.
pub fn vnu() -> Option<(PathBuf, PathBuf)> {
    let java = external(
        "java",
        env_path("GAZETTE_JAVA").or_else(|| which("java")),
        "apt-get install -y openjdk-17-jre-headless, or set GAZETTE_JAVA",
    )?;
    let jar = external(
        "vnu.jar (npm vnu-jar)",
        env_path("GAZETTE_VNU_JAR").or_else(|| {
            node_modules("vnu-jar")
                .map(|m| m.join("vnu-jar/build/dist/vnu.jar"))
                .filter(|p| p.is_file())
        }),
        NPM_INSTALL,
    )?;
    Some((java, jar))
}

/// Node, the npm packages and Debian's Chromium, to run `tests/browser/*.mjs`.
pub struct Browser {
    pub node: PathBuf,
    pub modules: PathBuf,
    pub chromium: PathBuf,
}

pub fn browser() -> Option<Browser> {
    let node = external(
        "node",
        env_path("GAZETTE_NODE").or_else(|| which("node")),
        "apt-get install -y nodejs npm, or set GAZETTE_NODE",
    )?;
    let modules = external(
        "playwright-core and axe-core (npm)",
        node_modules("playwright-core").filter(|m| m.join("axe-core").is_dir()),
        NPM_INSTALL,
    )?;
    let chromium = external(
        "chromium",
        env_path("GAZETTE_CHROMIUM").or_else(|| {
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
                .iter()
                .map(PathBuf::from)
                .find(|p| p.is_file())
        }),
        "apt-get install -y chromium, or set GAZETTE_CHROMIUM",
    )?;
    Some(Browser {
        node,
        modules,
        chromium,
    })
}

impl Browser {
    /// Runs `tests/browser/<script>` with the modules and Chromium first, then `args`,
    /// and parses the JSON it prints.
    pub fn run(&self, script: &str, args: &[&Path]) -> serde_json::Value {
        let out = Command::new(&self.node)
            .arg(root().join("tests/browser").join(script))
            .arg(&self.modules)
            .arg(&self.chromium)
            .args(args)
            .output()
            .expect("node runs");
        assert!(
            out.status.success(),
            "{script} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{script} printed no JSON ({e}):\n{}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }
}

/// A folder under `target/` for files tests leave for people to look at (screenshots).
pub fn artifacts_dir() -> PathBuf {
    let dir = root().join("target/site-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir` with the extension `ext`, sorted.
pub fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    files_under(dir)
        .into_keys()
        .filter(|k| k.ends_with(&format!(".{ext}")))
        .map(|k| dir.join(k))
        .collect()
}

/// Deletes the derived datasets under `out` and recomputes them with `gazette derive`;
/// returns their files before and after.
#[allow(clippy::type_complexity)]
pub fn rederive(out: &Path) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
    let (before, after, _) = rederive_with(out, &[]);
    (before, after)
}

/// [`rederive`] with the environment variables `env` set, `-v`: also returns what the
/// derive printed.
#[allow(clippy::type_complexity)]
pub fn rederive_with(
    out: &Path,
    env: &[(&str, &str)],
) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>, String) {
    let derived = out.join("data/derived");
    let before = files_under(&derived);
    std::fs::remove_dir_all(&derived).unwrap();
    let o = gazette()
        .envs(env.iter().copied())
        .args(["derive", "-v", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    (before, files_under(&derived), stderr(&o))
}
