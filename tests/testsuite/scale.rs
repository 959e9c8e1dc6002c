//! Past one machine: hive-partitioned output that other engines scan as one table, and
//! the derived datasets' SQL run unchanged on DuckDB (and Spark, where installed) with
//! the same results as polars.

use std::path::Path;

use crate::support::*;

/// `gazette derive` over partitioned tables (read whole, then filtered where a query
/// filters its table) derives what the build derived from the single files.
#[test]
fn derive_over_partitions_reproduces_the_build() {
    let out = tempfile::tempdir().unwrap();
    build_partitioned(out.path());
    let (before, after) = rederive(out.path());
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &before {
        assert!(
            after[name] == *bytes,
            "{name} differs when derived from partitions"
        );
    }
}

#[test]
fn partitioned_tables_hold_the_same_rows_as_single_files() {
    let out = tempfile::tempdir().unwrap();
    build_partitioned(out.path());
    let single = shipped_build();
    for table in gazette::tables::Table::ALL.iter().copied() {
        let path = gazette::tables::partition::published_path(table, out.path());
        let partitioned = gazette::tables::partition::is_partitioned(table);
        assert_eq!(path.is_dir(), partitioned, "{}", table.name());
        if partitioned {
            assert!(
                !table.path(out.path()).exists(),
                "{}: no single file beside the partitions",
                table.name()
            );
            let months: Vec<String> = gazette::tables::partition::partition_files(&path)
                .unwrap()
                .into_iter()
                .map(|(m, _)| m)
                .collect();
            assert_eq!(
                months,
                ["2025-08", "2025-10", "2025-12", "2026-01"],
                "{}",
                table.name()
            );
        }
        // Read back (the key restored from folder names) and compared as sets of rows.
        let rows = |p: &Path| {
            let batches = gazette::tables::partition::read_batches(table, p).unwrap();
            let batch = arrow::compute::concat_batches(&table.schema(), &batches).unwrap();
            let mut lines: Vec<String> = render_rows(&batch).lines().map(str::to_string).collect();
            lines.sort();
            lines
        };
        assert_eq!(rows(&path), rows(&table.path(single)), "{}", table.name());
    }
    // Switching back to single files removes the partitions.
    build(&shipped_corpus(), out.path());
    assert!(!out.path().join("data/tables/claims").exists());
    assert!(out.path().join("data/tables/claims.parquet").exists());
}

/// The large-corpus workflow over partitions: `build --partition-by month --no-reports`,
/// then `gazette render`. Each partitioned table's download is one file holding the
/// dataset's rows partition by partition, with the registry's columns.
#[test]
fn render_of_a_partitioned_release_offers_each_table_as_one_file() {
    let out = tempfile::tempdir().unwrap();
    let o = gazette()
        .args([
            "build",
            "-q",
            "--partition-by",
            "month",
            "--no-reports",
            "--out",
        ])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    render(out.path());
    let downloads = out.path().join("reports/site/downloads");
    for table in gazette::tables::Table::ALL.iter().copied() {
        let download = read_table(&downloads.join(format!("{}.parquet", table.name())));
        let published = gazette::tables::partition::published_path(table, out.path());
        let batches = gazette::tables::partition::read_batches(table, &published).unwrap();
        let expected = arrow::compute::concat_batches(&table.schema(), &batches).unwrap();
        assert_eq!(
            download.schema().fields(),
            table.schema().fields(),
            "{}",
            table.name()
        );
        assert_eq!(
            render_rows(&download),
            render_rows(&expected),
            "{}",
            table.name()
        );
    }
    let data_page = std::fs::read_to_string(out.path().join("reports/site/data.html")).unwrap();
    assert!(
        data_page.contains("downloads/claims.parquet"),
        "{data_page}"
    );
}

/// A partitioned build's reports are the reports `gazette render` writes of the same
/// release: the downloads hold each partitioned table's rows partition by partition
/// (as the render reads them back), not in the single file's order, and the data page
/// gives their sizes.
#[test]
fn render_of_a_partitioned_build_reproduces_its_reports() {
    let out = tempfile::tempdir().unwrap();
    build_partitioned(out.path());
    let reports = out.path().join("reports");
    let built = files_under(&reports);
    render(out.path());
    assert_same_files(&built, &files_under(&reports));
}

/// A partitioned table without rows is a dataset folder all the same: one file without
/// rows, in the release's first month (in the null partition when the release has no
/// articles), which engines scan as an empty table; `derive` and `render` of the
/// release run as they do over single files.
#[test]
fn a_partitioned_table_without_rows_is_an_empty_dataset() {
    use gazette::tables::{Table, partition};
    for (case, month) in [
        ("corpus/no-figures", "2025-10"),
        ("derive/empty", partition::NULL_PARTITION),
    ] {
        let out = tempfile::tempdir().unwrap();
        let o = gazette()
            .args(["build", "-q", "--partition-by", "month", "--corpus"])
            .arg(fixture(case))
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{case}: {}", stderr(&o));
        let figures = partition::published_path(Table::Figures, out.path());
        let files = partition::partition_files(&figures).unwrap();
        let months: Vec<&str> = files.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(months, [month], "{case}");
        let rows: usize = partition::read_batches(Table::Figures, &figures)
            .unwrap()
            .iter()
            .map(|b| b.num_rows())
            .sum();
        assert_eq!(rows, 0, "{case}");
        let o = gazette()
            .args(["derive", "-q", "--out"])
            .arg(out.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{case}: {}", stderr(&o));
        render(out.path());
    }
}

/// The dataset folders hold what the build wrote and nothing else: a file copied into a
/// month's folder, or a dataset folder beside the single files (which a build killed
/// while switching layouts can leave), would be scanned with the table. The next build
/// sees it and removes it.
#[test]
fn the_next_build_removes_what_else_the_dataset_folders_hold() {
    let out = tempfile::tempdir().unwrap();
    build_partitioned(out.path());
    let claims = out.path().join("data/tables/claims");
    let month = claims.join("published_month=2025-10");
    let stray = claims.join("published_month=1999-01");
    std::fs::create_dir(&stray).unwrap();
    std::fs::copy(month.join("part-0.parquet"), stray.join("part-0.parquet")).unwrap();
    std::fs::copy(month.join("part-0.parquet"), month.join("copy.parquet")).unwrap();
    build_partitioned(out.path());
    assert!(!stray.exists());
    assert!(!month.join("copy.parquet").exists());
    assert!(month.join("part-0.parquet").exists());

    let flat = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), flat.path());
    let left = flat
        .path()
        .join("data/tables/claims/published_month=2025-10");
    std::fs::create_dir_all(&left).unwrap();
    std::fs::copy(month.join("part-0.parquet"), left.join("part-0.parquet")).unwrap();
    build(&shipped_corpus(), flat.path());
    assert!(!flat.path().join("data/tables/claims").exists());
    assert!(flat.path().join("data/tables/claims.parquet").exists());
    // An empty one too (a build killed before removing the folder of the files it
    // removed), after which the next build has nothing to do.
    std::fs::create_dir_all(&left).unwrap();
    build(&shipped_corpus(), flat.path());
    assert!(!flat.path().join("data/tables/claims").exists());
    let o = gazette()
        .args(["build", "--corpus"])
        .arg(shipped_corpus())
        .arg("--out")
        .arg(flat.path())
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    assert!(said.contains("Nothing to do"), "{said}");
}

/// The data dictionary of a partitioned release (`reports/data.md`) names each table
/// where it is, the partitioned ones as folders, and its loading code runs as written
/// from the publication's root.
#[test]
fn the_data_dictionary_of_a_partitioned_release_loads_as_written() {
    let out = tempfile::tempdir().unwrap();
    build_partitioned(out.path());
    let md = std::fs::read_to_string(out.path().join("reports/data.md")).unwrap();
    assert!(
        md.contains("- In the publication: `data/tables/claims/`"),
        "{md}"
    );
    assert!(
        md.contains("- In the publication: `data/tables/entities.parquet`"),
        "{md}"
    );
    let code = md
        .split("```python\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a python block");
    let paths: Vec<&str> = code
        .lines()
        .filter_map(|l| l.split("read_parquet(\"").nth(1)?.split('"').next())
        .collect();
    assert_eq!(paths.len(), gazette::tables::Table::ALL.len(), "{code}");
    for path in &paths {
        assert!(out.path().join(path).exists(), "{path} in:\n{code}");
    }
    assert!(code.contains(r#"pl.read_parquet("data/tables/claims/", hive_partitioning=True)"#));
    let Some(py) = python_with("GAZETTE_PYTHON", ".venv/bin/python", &["polars"]) else {
        return;
    };
    let script = format!(
        "import os\nos.chdir({:?})\n{code}\nprint(claims.height, claims['published_month'].null_count())",
        out.path().display().to_string()
    );
    let printed = run_python(&py, &["-c", &script]);
    let claims = read_table(&gazette::tables::Table::Claims.path(shipped_build()));
    assert_eq!(printed.trim(), format!("{} 0", claims.num_rows()));
}

fn run_engine(engine: &str, modules: &[&str]) {
    let Some(py) = python_with("GAZETTE_PYTHON", ".venv/bin/python", modules) else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    build_partitioned(out.path());
    let stdout = run_python(
        &py,
        &[
            std::ffi::OsStr::new("tests/python/sql_engines.py"),
            out.path().as_os_str(),
            std::ffi::OsStr::new(engine),
        ],
    );
    for table in gazette::tables::Table::of_stage(gazette::tables::Stage::Derive) {
        assert!(
            stdout.contains(&format!("{engine}: {}: ", table.name())),
            "{stdout}"
        );
    }
}

#[test]
fn derived_sql_runs_unchanged_on_duckdb_over_partitions() {
    run_engine("duckdb", &["duckdb", "pyarrow"]);
}

#[test]
fn derived_sql_runs_on_spark_over_partitions() {
    run_engine("spark", &["pyspark", "pyarrow"]);
}

/// `gazette synth --articles N --seed S --out DIR`: the same arguments give the same bytes,
/// another seed other bytes, and the corpus builds with its malformed articles reported.
#[test]
fn synth_writes_a_deterministic_corpus_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let synth = |seed: &str, to: &Path| {
        let o = gazette()
            .args(["synth", "-q", "--articles", "2000", "--seed", seed, "--out"])
            .arg(to)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        files_under(to)
    };
    let a = synth("7", &dir.path().join("a"));
    let b = synth("7", &dir.path().join("b"));
    let c = synth("8", &dir.path().join("c"));
    assert!(!a.is_empty());
    assert_same_files(&a, &b);
    assert_ne!(a, c);

    let out = dir.path().join("out");
    let o = gazette()
        .args(["build", "--corpus"])
        .arg(dir.path().join("a"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    // A few malformed articles per thousand: reported with file and line, and skipped.
    let reported = err.lines().filter(|l| l.contains(": error: ")).count();
    assert!((1..=40).contains(&reported), "{reported} errors:\n{err}");
    assert!(err.contains(&format!("{reported} skipped")), "{err}");

    // The density of the shipped corpus, so that benchmarks measure the work real digests
    // make: about as many figures per claim (most claims have none) and entity mentions,
    // and, as a corpus of years of digests does, hundreds of distinct entities.
    let (synthetic, shipped) = (Density::of(&out), Density::of(shipped_build()));
    let near = |a: f64, b: f64| a >= 0.75 * b && a <= 1.33 * b;
    assert!(
        near(synthetic.figures_per_claim, shipped.figures_per_claim),
        "{synthetic:?} against {shipped:?}"
    );
    assert!(
        (synthetic.without_figures - shipped.without_figures).abs() <= 0.1,
        "{synthetic:?} against {shipped:?}"
    );
    assert!(
        near(synthetic.mentions_per_claim, shipped.mentions_per_claim),
        "{synthetic:?} against {shipped:?}"
    );
    assert!(synthetic.entities >= 300, "{synthetic:?}");

    // "Sources disagree" lists the statistics quoted with two values or more: the
    // dataset also keeps those every claim quotes alike (`n_values` 1), which a page of
    // disagreements must leave out; and it counts values as the dataset does, a value
    // quoted with two qualifiers once.
    let variants = read_table(&out.join("data/derived/statistic_variants.parquet"));
    let keys = strings(&variants, "statistic_key");
    let n_values = primitives::<arrow::datatypes::Int64Type>(&variants, "n_values");
    let mut values_of: std::collections::BTreeMap<String, i64> = Default::default();
    for (k, n) in keys.iter().zip(&n_values) {
        values_of.insert(k.clone().unwrap(), n.unwrap());
    }
    let agreeing = values_of.values().filter(|&&n| n < 2).count();
    assert!(agreeing > 0, "the corpus should quote some statistic alike");
    let disagreeing = values_of.len() - agreeing;
    let report = std::fs::read_to_string(out.join("reports/disagree.md")).unwrap();
    assert!(
        report.contains(&format!(
            "{} statistics that articles quote with different values",
            gazette::render::model::grouped(disagreeing)
        )),
        "{disagreeing} of {} statistics disagree:\n{}",
        values_of.len(),
        &report[..report.len().min(400)]
    );
    assert!(
        !report.contains("\n1 value"),
        "a statistic of one value listed"
    );

    // Without a directory to write to, synth refuses rather than write into the project.
    let o = gazette()
        .args(["synth", "--articles", "10"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--out DIR"), "{}", stderr(&o));

    // A smaller corpus written over a larger one: the larger one's other files go, or
    // they would be read with it.
    assert!(a.len() >= 2, "{:?}", a.keys());
    let o = gazette()
        .args(["synth", "-q", "--articles", "5", "--out"])
        .arg(dir.path().join("a"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let left: Vec<String> = files_under(&dir.path().join("a")).into_keys().collect();
    assert_eq!(left, ["synthetic-01.txt"]);
    // A count past what fits on a disk is refused before anything is written.
    let o = gazette()
        .args(["synth", "--articles", "18446744073709551615", "--out"])
        .arg(dir.path().join("huge"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!dir.path().join("huge").exists());
}

/// Per claim of a build's tables: figures, the share of claims without one, and entity
/// mentions; and the entities mentioned.
#[derive(Debug)]
struct Density {
    figures_per_claim: f64,
    without_figures: f64,
    mentions_per_claim: f64,
    entities: usize,
}

impl Density {
    fn of(out: &Path) -> Density {
        use gazette::tables::Table;
        use std::collections::{BTreeSet, HashMap};
        let column = |t: Table, name: &str| -> Vec<String> {
            strings(&read_table(&t.path(out)), name)
                .into_iter()
                .flatten()
                .collect()
        };
        let per_claim = |ids: Vec<String>| {
            let mut n: HashMap<String, usize> = HashMap::new();
            for id in ids {
                *n.entry(id).or_default() += 1;
            }
            n
        };
        let claims = column(Table::Claims, "claim_id");
        let figures = per_claim(column(Table::Figures, "claim_id"));
        let mentions = per_claim(column(Table::Mentions, "claim_id"));
        let entities: BTreeSet<String> = column(Table::Mentions, "entity_id").into_iter().collect();
        let n = claims.len() as f64;
        let in_claims = |of: &HashMap<String, usize>| -> f64 {
            claims.iter().filter_map(|id| of.get(id)).sum::<usize>() as f64
        };
        Density {
            figures_per_claim: in_claims(&figures) / n,
            without_figures: claims
                .iter()
                .filter(|id| !figures.contains_key(*id))
                .count() as f64
                / n,
            mentions_per_claim: in_claims(&mentions) / n,
            entities: entities.len(),
        }
    }
}

/// Normalization is parallel over files and over chunks of a file; the tables are the
/// same bytes with one thread and whole files as with several threads and many chunks.
#[test]
fn tables_do_not_depend_on_threads_or_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let o = gazette()
        .args(["synth", "-q", "--articles", "1500", "--seed", "4", "--out"])
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let run = |threads: &str, chunk: &str, name: &str| {
        let out = dir.path().join(name);
        let o = gazette()
            .env("RAYON_NUM_THREADS", threads)
            .env("GAZETTE_CHUNK_BYTES", chunk)
            .args(["build", "-q", "--corpus"])
            .arg(&corpus)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let mut files = files_under(&out.join("data/tables"));
        files.extend(files_under(&out.join("data/derived")));
        files
    };
    let single = run("1", "1000000000", "single");
    let parallel = run("4", "20000", "parallel");
    assert!(single.len() >= 5);
    assert_same_files(&single, &parallel);
}
