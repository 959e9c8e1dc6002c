//! Data tests: declared next to each table's schema, run by `gazette check` and by every
//! build; a failure names check, table, row, column and value.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Int32Array, RecordBatch, StringArray};
use gazette::quality::Report;
use gazette::tables::Table;

use crate::support::*;

/// Replaces one column of a batch.
fn with_column(batch: &RecordBatch, name: &str, values: ArrayRef) -> RecordBatch {
    let idx = batch.schema().index_of(name).unwrap();
    let mut cols = batch.columns().to_vec();
    cols[idx] = values;
    RecordBatch::try_new(batch.schema(), cols).unwrap()
}

/// Replaces a built table's file with `batch`.
fn replace_table(table: Table, path: &std::path::Path, batch: RecordBatch) {
    let (staged, _) = gazette::tables::write_batches(table, path, &[batch]).unwrap();
    staged.commit().unwrap();
}

/// A build of the shipped corpus and one of its tables, to break.
fn built_table(table: Table) -> (tempfile::TempDir, RecordBatch) {
    let out = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), out.path());
    let batch = read_table(&table.path(out.path()));
    (out, batch)
}

/// The data tests' report once `table` of the build in `out` holds `batch`.
fn report_with(out: &std::path::Path, table: Table, batch: RecordBatch) -> Report {
    replace_table(table, &table.path(out), batch);
    gazette::quality::run(|t| t.path(out), |_, _| {}).unwrap()
}

#[test]
fn built_tables_pass_every_data_test() {
    let out = shipped_build();
    let report = gazette::quality::run(|t| t.path(out), |_, _| {}).unwrap();
    assert!(report.is_ok(), "{}", report.failure_table());
    // Every table is checked, with its key, foreign keys and declared checks.
    for &table in Table::ALL {
        assert!(
            report
                .results
                .iter()
                .any(|r| r.table == table.name() && r.check == "unique_key"),
            "{}",
            table.name()
        );
    }
    let fk = report
        .results
        .iter()
        .find(|r| r.table == "claims" && r.check == "foreign_key")
        .unwrap();
    assert_eq!(fk.rows, 86);
    let published: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/quality.json")).unwrap()).unwrap();
    assert_eq!(
        published["results"].as_array().unwrap().len(),
        report.results.len()
    );
}

#[test]
fn check_reports_broken_tables_row_by_row() {
    let (out, claims) = built_table(Table::Claims);
    // Row 2 gets row 1's id (duplicate key), row 3 points at no article, row 4 has a
    // span that ends before it starts.
    let mut new_ids = strings(&claims, "claim_id");
    new_ids[1] = new_ids[0].clone();
    let mut new_articles = strings(&claims, "article_id");
    new_articles[2] = Some("0000000000000000".to_string());
    let starts = claims
        .column_by_name("char_start")
        .unwrap()
        .as_any()
        .downcast_ref::<Int32Array>()
        .unwrap();
    let mut new_starts: Vec<i32> = starts.values().to_vec();
    new_starts[3] = 100_000;
    let broken = with_column(&claims, "claim_id", Arc::new(StringArray::from(new_ids)));
    let broken = with_column(
        &broken,
        "article_id",
        Arc::new(StringArray::from(new_articles)),
    );
    let broken = with_column(
        &broken,
        "char_start",
        Arc::new(Int32Array::from(new_starts)),
    );
    replace_table(Table::Claims, &Table::Claims.path(out.path()), broken);

    let o = gazette()
        .args(["check", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let line_of = |check: &str| {
        err.lines()
            .find(|l| l.starts_with(check))
            .unwrap_or_else(|| panic!("no {check} failure in:\n{err}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    let dup = line_of("unique_key");
    assert_eq!(&dup[1..4], ["claims", "2", "claim_id"]);
    let fk = line_of("foreign_key");
    assert_eq!(
        &fk[1..5],
        ["claims", "3", "article_id", "\"0000000000000000\""]
    );
    let span = line_of("not_greater");
    assert_eq!(&span[1..4], ["claims", "4", "char_start,char_end"]);
}

/// References are looked up once per run of equal values (a child table is in its
/// parent's order), and a run's rows all fail when its value is missing: every row is
/// reported, with its own value, in row order.
#[test]
fn every_row_of_a_run_of_missing_references_fails() {
    let (out, claims) = built_table(Table::Claims);
    let mut articles = strings(&claims, "article_id");
    let missing = ["0000000000000000", "0000000000000000", "0000000000000001"];
    for (row, id) in missing.iter().enumerate() {
        articles[row] = Some(id.to_string());
    }
    // A value that is no id at all, between rows that keep theirs.
    articles[5] = Some("not-an-article".to_string());
    let broken = with_column(&claims, "article_id", Arc::new(StringArray::from(articles)));
    let report = report_with(out.path(), Table::Claims, broken);
    let failed: Vec<(u64, &str)> = report
        .failures
        .iter()
        .filter(|f| f.check == "foreign_key" && f.table == "claims")
        .map(|f| (f.row, f.value.as_str()))
        .collect();
    assert_eq!(
        failed,
        [
            (1, "0000000000000000"),
            (2, "0000000000000000"),
            (3, "0000000000000001"),
            (6, "not-an-article"),
        ],
        "{}",
        report.failure_table()
    );
}

/// A key of several columns repeats only when every column does: row 2 given row 1's
/// pair repeats it, row 3 given row 1's pair the other way round does not.
#[test]
fn a_key_of_several_columns_repeats_only_as_a_whole() {
    let (out, pairs) = built_table(Table::EntityCooccurrence);
    let (mut a, mut b) = (strings(&pairs, "entity_a"), strings(&pairs, "entity_b"));
    (a[1], b[1]) = (a[0].clone(), b[0].clone());
    (a[2], b[2]) = (b[0].clone(), a[0].clone());
    let broken = with_column(&pairs, "entity_a", Arc::new(StringArray::from(a.clone())));
    let broken = with_column(&broken, "entity_b", Arc::new(StringArray::from(b.clone())));
    let report = report_with(out.path(), Table::EntityCooccurrence, broken);
    let repeated: Vec<(u64, &str)> = report
        .failures
        .iter()
        .filter(|f| f.check == "unique_key")
        .map(|f| (f.row, f.value.as_str()))
        .collect();
    let pair = format!("{},{}", a[0].as_deref().unwrap(), b[0].as_deref().unwrap());
    assert_eq!(repeated, [(2, pair.as_str())], "{}", report.failure_table());
}

#[test]
fn every_failing_row_is_counted() {
    let (out, summary) = built_table(Table::SourceSummary);
    let n = summary.num_rows();
    let broken = with_column(
        &summary,
        "n_articles",
        Arc::new(arrow::array::Int64Array::from(vec![0i64; n])),
    );
    let report = report_with(out.path(), Table::SourceSummary, broken);
    assert_eq!(report.n_failures(), n as u64, "{}", report.failure_table());
    assert!(
        report
            .failures
            .iter()
            .all(|f| f.check == "at_least" && f.column == "n_articles")
    );
}

/// `entities.parent` refers to the table itself: it is resolved against all of the
/// table's keys (a parent listed after its child passes; the built tables test that),
/// and a parent that is no entity fails.
#[test]
fn an_entity_whose_parent_is_no_entity_fails_its_foreign_key() {
    let (out, entities) = built_table(Table::Entities);
    let mut new_parents = strings(&entities, "parent");
    let row = new_parents.iter().position(Option::is_some).unwrap();
    new_parents[row] = Some("commodity/unobtainium".into());
    let broken = with_column(
        &entities,
        "parent",
        Arc::new(StringArray::from(new_parents)),
    );
    let report = report_with(out.path(), Table::Entities, broken);
    assert_eq!(report.n_failures(), 1, "{}", report.failure_table());
    let f = &report.failures[0];
    assert_eq!(
        (f.check.as_str(), f.table.as_str(), f.row, f.column.as_str()),
        ("foreign_key", "entities", row as u64 + 1, "parent")
    );
    assert_eq!(f.value, "commodity/unobtainium");
}

/// An article a build leaves out is on record with the data, not only in that build's
/// log: `data/quality.json` lists every problem of the corpus by corpus-relative file and
/// line, and the quality pages show them. The record does not depend on how `--corpus`
/// was spelled.
#[test]
fn the_articles_a_build_left_out_are_on_record_with_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    let dup = fixture("corpus/bad/duplicate-article/collection.txt");
    std::fs::copy(&dup, corpus.join("a.txt")).unwrap();
    std::fs::copy(&dup, corpus.join("sub/b.txt")).unwrap();
    std::fs::copy(
        fixture("corpus/bad/bad-date/collection.txt"),
        corpus.join("c.txt"),
    )
    .unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    build(&corpus, &one);
    // The same corpus through another path: relative, with a `.` in it.
    let o = gazette()
        .current_dir(dir.path())
        .args(["build", "-q", "--corpus", "./corpus/", "--out", "two"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let published = std::fs::read(one.join("data/quality.json")).unwrap();
    assert_eq!(
        published,
        std::fs::read(two.join("data/quality.json")).unwrap()
    );

    let report: Report = serde_json::from_slice(&published).unwrap();
    let corpus = report.corpus.expect("a build records its corpus");
    // c.txt holds copies of the other files' articles as well as its bad one.
    assert_eq!(
        (corpus.files, corpus.skipped, corpus.errors, corpus.warnings),
        (3, 7, 7, 0)
    );
    let listed: Vec<String> = corpus
        .problems
        .iter()
        .map(|p| format!("{}:{}: {}", p.source_file, p.line, p.found))
        .collect();
    let copy = |of: &str| {
        format!("a duplicate of the article at {of} (same collection, source, time and title)")
    };
    assert_eq!(
        listed,
        [
            format!("a.txt:11: {}", copy("a.txt:5")),
            format!("c.txt:5: {}", copy("a.txt:5")),
            "c.txt:9: \"2025-13-01 10:00\" (2025-13-01 is not a calendar date)".to_string(),
            format!("c.txt:11: {}", copy("a.txt:8")),
            format!("sub/b.txt:5: {}", copy("a.txt:5")),
            format!("sub/b.txt:8: {}", copy("a.txt:8")),
            format!("sub/b.txt:11: {}", copy("sub/b.txt:5")),
        ]
    );
    // As many articles as the tables hold.
    let articles = read_table(&Table::Articles.path(&one));
    assert_eq!(corpus.articles, articles.num_rows() as u64);

    let md = std::fs::read_to_string(one.join("reports/quality.md")).unwrap();
    assert!(
        md.contains("7 were left out")
            && md.contains(
                "| `c.txt` | 9 | error | a publication time 'YYYY-MM-DD HH:MM' after '·' |"
            ),
        "{md}"
    );
    let html = std::fs::read_to_string(one.join("reports/site/quality.html")).unwrap();
    assert!(
        html.contains("<td><code>sub/b.txt</code></td><td class=\"num\">11</td><td>error</td>"),
        "{html}"
    );
    // The overview says so, linking the list.
    let overview = std::fs::read_to_string(one.join("reports/overview.md")).unwrap();
    assert!(
        overview.contains(
            "The build left out 7 articles of the corpus, listed in [quality.md](quality.md#the-corpus).\n"
        ),
        "{overview}"
    );
    let index = std::fs::read_to_string(one.join("reports/site/index.html")).unwrap();
    assert!(
        index
            .contains("<dt>Articles left out</dt><dd><a href=\"quality.html#corpus-h\">7</a></dd>"),
        "{index}"
    );
    // A clean corpus says so.
    let shipped = std::fs::read_to_string(shipped_build().join("reports/quality.md")).unwrap();
    assert!(
        shipped.contains("8 articles from 1 file are in the tables. None was left out."),
        "{shipped}"
    );
}
