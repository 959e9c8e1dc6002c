//! The command line: help texts, exit codes, the closing summary.

use crate::support::*;

#[test]
fn every_subcommand_explains_itself_with_an_example() {
    for sub in ["build", "check"] {
        let o = run(&[sub, "--help"]);
        assert!(o.status.success());
        let help = String::from_utf8_lossy(&o.stdout);
        assert!(
            help.contains("Example"),
            "{sub} --help has no example:\n{help}"
        );
        assert!(
            help.contains("--corpus") && help.contains("--strict"),
            "{help}"
        );
    }
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(run(&["build", "--no-such-flag"]).status.code(), Some(2));
    let o = run(&["build", "--corpus", "does/not/exist"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim(),
        "gazette: --corpus 'does/not/exist' is not a directory"
    );
    // The next build would read the outputs as collections.
    let o = run(&["build", "--corpus", "data/raw", "--out", "data/raw/new/out"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--out 'data/raw/new/out' is inside --corpus 'data/raw'"),
        "{}",
        stderr(&o)
    );
    assert!(!std::path::Path::new("data/raw/new").exists());
}

#[test]
fn build_prints_a_one_line_summary() {
    let out = tempfile::tempdir().unwrap();
    let o = gazette()
        .args(["build", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with("8 articles, 86 claims, 0 skipped → "),
        "{err}"
    );
    assert!(out.path().join("data/tables/claims.parquet").is_file());
}

#[test]
fn quiet_build_prints_nothing() {
    let out = tempfile::tempdir().unwrap();
    let o = gazette()
        .args(["build", "-q", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
}

/// `--timings FILE` records every stage of a build with its wall time, CPU time and peak
/// memory (what `just bench` reports).
#[test]
fn timings_name_every_stage() {
    let dir = tempfile::tempdir().unwrap();
    let timings = dir.path().join("timings.json");
    let o = gazette()
        .args(["build", "-q", "--out"])
        .arg(dir.path().join("out"))
        .arg("--timings")
        .arg(&timings)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&timings).unwrap()).unwrap();
    let stages = json["stages"].as_array().unwrap();
    let names: Vec<&str> = stages
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "fingerprint",
            "normalize",
            "derive",
            "data tests",
            "changelog",
            "render load",
            "render markdown",
            "render html",
            "publish"
        ]
    );
    for s in stages {
        assert!(s["seconds"].as_f64().unwrap() >= 0.0, "{s}");
        assert!(s["cpu_seconds"].as_f64().unwrap() >= 0.0, "{s}");
        assert!(s["peak_rss_bytes"].as_u64().unwrap() > 0, "{s}");
    }
}
