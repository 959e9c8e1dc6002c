//! The derived datasets: computed by polars from the normalized tables, consistent with them.

use arrow::array::{Array, AsArray};
use arrow::datatypes::Int64Type;
use gazette::tables::Table;

use crate::support::*;

fn column_i64(batch: &arrow::array::RecordBatch, name: &str) -> Vec<i64> {
    batch
        .column_by_name(name)
        .unwrap()
        .as_primitive::<Int64Type>()
        .values()
        .to_vec()
}

#[test]
fn source_summary_counts_match_the_base_tables() {
    let out = shipped_build();
    let summary = read_table(&Table::SourceSummary.path(out));
    let articles = read_table(&Table::Articles.path(out));
    let claims = read_table(&Table::Claims.path(out));
    assert_eq!(
        column_i64(&summary, "n_articles").iter().sum::<i64>(),
        articles.num_rows() as i64
    );
    assert_eq!(
        column_i64(&summary, "n_claims").iter().sum::<i64>(),
        claims.num_rows() as i64
    );
    let sources = summary.column_by_name("source").unwrap().as_string::<i32>();
    let names: Vec<&str> = (0..sources.len()).map(|i| sources.value(i)).collect();
    assert_eq!(
        names,
        ["Sou Hu Cai Jing", "Guan Cha Zhe Wang", "日经中文网"]
    );
    assert_eq!(column_i64(&summary, "n_articles"), [5, 2, 1]);
}

#[test]
fn derive_alone_reproduces_the_build() {
    let out = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), out.path());
    let before = files_under(&out.path().join("data/derived"));
    std::fs::remove_dir_all(out.path().join("data/derived")).unwrap();
    let o = gazette()
        .args(["derive", "-q", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files_under(&out.path().join("data/derived")), before);
}
