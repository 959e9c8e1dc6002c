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
    // `--timings` is written last: a path that cannot take it is refused first, not
    // after everything was published; and only `build` writes it.
    let out = tempfile::tempdir().unwrap();
    let o = gazette()
        .args(["build", "--timings", "no/such/folder/t.json", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim(),
        "gazette: --timings 'no/such/folder/t.json' cannot be written: 'no/such/folder' is \
         not a directory"
    );
    assert!(!out.path().join("data").exists());
    let o = run(&["render", "--timings", "t.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--timings applies to `gazette build` only"));
}

/// Clap takes every global flag with every command; gazette refuses one the command would
/// ignore, naming the commands that read it, before anything runs.
#[test]
fn a_flag_the_command_does_not_read_is_refused() {
    let out = tempfile::tempdir().unwrap();
    let fresh = out.path().join("fresh");
    let fresh = fresh.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["render", "--force", "--out", fresh],
            "--force applies to `gazette build` only, not to `gazette render`",
        ),
        (
            &["derive", "--corpus", "data/raw", "--out", fresh],
            "--corpus applies to `gazette build` and `gazette check` only, not to `gazette derive`",
        ),
        (
            &["check", "--templates", "templates"],
            "--templates applies to `gazette build` and `gazette render` only, not to `gazette check`",
        ),
        (
            &["synth", "--articles", "5", "--out", fresh, "--strict"],
            "--strict applies to `gazette build` and `gazette check` only, not to `gazette synth`",
        ),
        (
            &["diff", "a", "b", "--out", fresh],
            "--out applies to `gazette build`, `gazette check`, `gazette derive`, `gazette render` and `gazette synth` only, not to `gazette diff`",
        ),
        (
            &["extract", "--partition-by", "month"],
            "--partition-by applies to `gazette build` only, not to `gazette extract`",
        ),
        (
            &["check", "--no-reports"],
            "--no-reports applies to `gazette build` only, not to `gazette check`",
        ),
    ];
    for (args, message) in cases {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o).trim(), format!("gazette: {message}"), "{args:?}");
        assert!(
            !std::path::Path::new(fresh).exists(),
            "{args:?} wrote {fresh}"
        );
    }
    // What each command reads is still taken.
    let o = run(&[
        "check", "-q", "--corpus", "data/raw", "--strict", "--out", fresh,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// What gazette says on standard error is for a person: a full or closed standard error
/// fails no build (`eprintln!` panicked with exit code 101 and left the build undone).
#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_error_fails_nothing() {
    let out = tempfile::tempdir().unwrap();
    let o = gazette()
        .args([
            "build",
            "-v",
            "--corpus",
            "tests/fixtures/corpus/bad/bad-date",
            "--out",
        ])
        .arg(out.path())
        .stderr(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    // The skipped article is still counted where a build records it.
    let quality = std::fs::read_to_string(out.path().join("data/quality.json")).unwrap();
    assert!(quality.contains("\"skipped\": 1"), "{quality}");
    assert!(out.path().join("reports/site/index.html").is_file());
    // An error still sets the exit code when it cannot be printed.
    let o = gazette()
        .args(["build", "--corpus", "does/not/exist"])
        .stderr(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// A build replaces its outputs whole. What lies among them, or behind a link in their
/// place, or what an edited manifest names, is not its to remove.
#[cfg(unix)]
#[test]
fn a_build_removes_nothing_but_its_own_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = shipped_corpus().join("de-china-supply-chain.txt");
    let build_into = |corpus: &std::path::Path, out: &std::path::Path| {
        gazette()
            .args(["build", "-q", "--force", "--corpus"])
            .arg(corpus)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    };

    // A corpus among the outputs would go with them, or be read back as collections.
    let out = dir.path().join("pub");
    for corpus in [out.join("reports/raw"), out.join("data")] {
        std::fs::create_dir_all(&corpus).unwrap();
        std::fs::copy(&shipped, corpus.join("c.txt")).unwrap();
        let o = build_into(&corpus, &out);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("which a build replaces"),
            "{}",
            stderr(&o)
        );
        assert!(corpus.join("c.txt").is_file());
    }
    assert!(
        !out.join("data/tables").exists(),
        "refused before anything is written"
    );

    // `reports/` linked to a web root: the swap would replace the link, and removing the
    // old folder emptied the web root through it.
    let (www, linked) = (dir.path().join("www"), dir.path().join("linked"));
    std::fs::create_dir_all(&www).unwrap();
    std::fs::create_dir_all(&linked).unwrap();
    std::fs::write(www.join("precious.txt"), "mine").unwrap();
    std::os::unix::fs::symlink(&www, linked.join("reports")).unwrap();
    let o = build_into(&shipped_corpus(), &linked);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is a symbolic link"), "{}", stderr(&o));
    assert!(www.join("precious.txt").is_file());

    // A manifest edited to list files outside the outputs: they stay.
    let out = dir.path().join("edited");
    assert!(build_into(&shipped_corpus(), &out).status.success());
    let (near, far) = (
        dir.path().join("victim.txt"),
        dir.path().join("far/victim.txt"),
    );
    std::fs::create_dir_all(far.parent().unwrap()).unwrap();
    for victim in [&near, &far] {
        std::fs::write(victim, "mine").unwrap();
    }
    let manifest = out.join("data/manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    for path in ["../victim.txt".to_string(), far.display().to_string()] {
        m["outputs"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "path": path, "bytes": 4, "sha256": "0"
            }));
    }
    std::fs::write(&manifest, serde_json::to_vec(&m).unwrap()).unwrap();
    let o = build_into(&shipped_corpus(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(near.is_file() && far.is_file());
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
