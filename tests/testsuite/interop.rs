//! The published tables open in the tools analysts use — pyarrow (current and 14),
//! Python polars, DuckDB, pandas — with the types and descriptions they rely on; the data
//! package validates with Frictionless; the notebook (`notebooks/explore.ipynb`) runs and
//! answers.
//!
//! These tests need Python packages (CI installs them, see `.ci/run`). Where they are
//! missing locally the tests say so and pass as skipped; with
//! `GAZETTE_REQUIRE_EXTERNAL=1` they fail instead.

use crate::support::*;

fn data_dir() -> String {
    shipped_build().join("data").to_string_lossy().into_owned()
}

#[test]
fn every_table_opens_in_each_engine_with_its_types() {
    let Some(py) = python_with(
        "GAZETTE_PYTHON",
        ".venv/bin/python",
        &["pyarrow", "polars", "duckdb", "pandas"],
    ) else {
        return;
    };
    let data = data_dir();
    for engine in ["pyarrow", "polars", "duckdb", "pandas"] {
        let out = run_python(&py, &["tests/python/interop.py", &data, engine]);
        assert!(out.contains(&format!("\"engine\": \"{engine}\"")), "{out}");
    }
}

#[test]
fn every_table_opens_in_pyarrow_14() {
    let Some(py) = python_with(
        "GAZETTE_PYTHON_PYARROW14",
        ".venv-pyarrow14/bin/python",
        &["pyarrow"],
    ) else {
        return;
    };
    let version = run_python(&py, &["-c", "import pyarrow; print(pyarrow.__version__)"]);
    assert!(
        version.starts_with("14."),
        "expected pyarrow 14, found {version}"
    );
    run_python(&py, &["tests/python/interop.py", &data_dir(), "pyarrow"]);
}

/// `published_at` shows, in pandas and polars, the time its export gave, by their own
/// time zone database: in Shanghai's summer time too (1919, 1940–1949, 1986–1991), and
/// in the autumn hour its clocks showed twice (as its first time, in summer time).
#[test]
fn readers_show_the_exported_times() {
    let Some(py) = python_with(
        "GAZETTE_PYTHON",
        ".venv/bin/python",
        &["pyarrow", "polars", "pandas"],
    ) else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let o = build(&fixture("corpus/summer-time"), out.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let articles = gazette::tables::Table::Articles.path(out.path());
    let shown = run_python(
        &py,
        &["tests/python/time_zone.py", &articles.to_string_lossy()],
    );
    assert!(shown.contains("\"articles\": 9"), "{shown}");
}

#[test]
fn data_package_validates_with_frictionless() {
    let Some(py) = python_with("GAZETTE_PYTHON", ".venv/bin/python", &["frictionless"]) else {
        return;
    };
    let descriptor = shipped_build().join("data/datapackage.json");
    let out = run_python(
        &py,
        &[
            "tests/python/validate_package.py",
            &descriptor.to_string_lossy(),
        ],
    );
    assert!(out.contains("valid"), "{out}");
}

/// `notebooks/explore.ipynb` runs top to bottom in a Jupyter kernel (nbclient) against a
/// fresh build, flat and partitioned by month, and answers: the refining-share cell lists the values 92, 90, 90, 80 and
/// the chart cell draws a PNG. The executed notebook is left in `target/site-tests/`.
#[test]
fn notebook_runs_and_answers() {
    let Some(py) = python_with(
        "GAZETTE_PYTHON",
        ".venv/bin/python",
        &[
            "polars",
            "pyarrow",
            "nbclient",
            "nbformat",
            "ipykernel",
            "matplotlib",
        ],
    ) else {
        return;
    };
    let executed = artifacts_dir().join("explore.ipynb");
    let _ = std::fs::remove_file(&executed);
    let out = run_python(
        &py,
        &[
            "tests/python/run_notebook.py",
            "notebooks/explore.ipynb",
            "--data",
            &data_dir(),
            "--save",
            &executed.to_string_lossy(),
            "--check",
        ],
    );
    assert!(out.contains("\"answers\": \"ok\""), "{out}");
    assert!(executed.is_file(), "no executed notebook at {executed:?}");
    note(&format!("executed notebook: {}", executed.display()));

    // The same answers from the same corpus built partitioned by month.
    let partitioned = tempfile::tempdir().unwrap();
    build_partitioned(partitioned.path());
    let data = partitioned.path().join("data");
    let again = run_python(
        &py,
        &[
            "tests/python/run_notebook.py",
            "notebooks/explore.ipynb",
            "--data",
            &data.to_string_lossy(),
            "--check",
        ],
    );
    assert!(again.contains("\"answers\": \"ok\""), "{again}");
    let values = |out: &str| {
        out.split("refining_share_values")
            .nth(1)
            .map(str::to_string)
    };
    assert_eq!(values(&again), values(&out), "{again}\n{out}");
}
