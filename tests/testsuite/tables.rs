//! The published tables: schemas match the registry, rows are what the corpus says, and
//! builds are byte-for-byte reproducible.

use gazette::tables::Table;

use crate::support::*;

/// Each built table's Arrow schema (types, nullability, descriptions) is the registry's.
#[test]
fn built_schemas_match_the_registry() {
    let out = shipped_build();
    for &table in Table::ALL {
        let path = table.path(out);
        let schema = gazette::tables::read_schema(&path).unwrap();
        assert_eq!(schema, table.schema(), "{}", table.name());
        for field in schema.fields() {
            let d = field.metadata().get("description");
            assert!(
                d.is_some_and(|d| !d.is_empty()),
                "{}.{} has no description",
                table.name(),
                field.name()
            );
        }
    }
}

/// The registry itself, as text: a schema change shows up here and must be deliberate.
#[test]
fn registry_schemas_are_stable() {
    let mut out = String::new();
    for table in Table::ALL {
        let spec = table.spec();
        out.push_str(&format!(
            "{} ({:?}) key={:?}\n",
            spec.name, spec.stage, spec.primary_key
        ));
        for c in spec.columns {
            out.push_str(&format!(
                "  {} {}{}\n",
                c.name,
                c.ty.display(),
                if c.nullable { "?" } else { "" }
            ));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn claims_table_snapshot() {
    let claims = read_table(&Table::Claims.path(shipped_build()));
    insta::assert_snapshot!(render_rows(&claims));
}

#[test]
fn articles_table_snapshot() {
    let articles = read_table(&Table::Articles.path(shipped_build()));
    let cols: Vec<usize> = [
        "article_id",
        "source",
        "published_at",
        "core_label",
        "n_sections",
        "n_claims",
        "source_file",
        "source_line",
        "summary_line",
        "content_hash",
    ]
    .iter()
    .map(|c| articles.schema().index_of(c).unwrap())
    .collect();
    insta::assert_snapshot!(render_rows(&articles.project(&cols).unwrap()));
}

/// Two builds into different directories give identical bytes.
#[test]
fn builds_are_byte_identical() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    build(&shipped_corpus(), a.path());
    build(&shipped_corpus(), b.path());
    let (fa, fb) = (files_under(a.path()), files_under(b.path()));
    assert!(!fa.is_empty());
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between two builds");
    }
}

/// The committed outputs are what a build of the shipped corpus produces.
#[test]
fn committed_tables_reproduce() {
    let mut built = files_under(&shipped_build().join("data"));
    // The changelog records what the last build changed in this folder's history; a fresh
    // build in an empty folder lists everything as added. CI checks it by rebuilding a
    // clean clone in place.
    built.remove("changelog.json");
    let committed = files_under(&root().join("data"));
    for (name, bytes) in &built {
        let Some(c) = committed.get(name) else {
            panic!("data/{name} is built but not committed: run the build and commit it");
        };
        assert!(
            c == bytes,
            "data/{name} differs from a fresh build: rebuild and commit it"
        );
    }
}

/// A table's bytes depend on its rows only, not on how they reached the writer: the same
/// rows written as one batch (whose nullable column carries a validity buffer throughout)
/// or as two (the second built without one, having no nulls) give the same file.
#[test]
fn table_bytes_do_not_depend_on_how_rows_are_batched() {
    use arrow::array::{Array, ArrayRef, RecordBatch, StringArray, UInt32Array};
    use gazette::tables::BATCH_ROWS;
    use std::sync::Arc;

    let claims = read_table(&root().join("data/tables/claims.parquet"));
    let rows = 2 * BATCH_ROWS;
    // The committed claims repeated to two full batches.
    let indices = UInt32Array::from_iter_values((0..rows).map(|i| (i % claims.num_rows()) as u32));
    let columns: Vec<ArrayRef> = claims
        .columns()
        .iter()
        .map(|c| arrow::compute::take(c, &indices, None).unwrap())
        .collect();
    let schema = claims.schema();
    let (k, _) = schema
        .fields()
        .iter()
        .enumerate()
        .find(|(_, f)| f.is_nullable() && f.data_type() == &arrow::datatypes::DataType::Utf8)
        .expect("claims has a nullable text column");
    // Nulls in the first batch only, and many rows past a page's row limit in the second.
    let text = |i: usize| (i != 7).then(|| format!("value {}", i % 5));
    let mut whole = columns.clone();
    whole[k] = Arc::new(StringArray::from_iter((0..rows).map(text)));
    let whole = RecordBatch::try_new(schema.clone(), whole).unwrap();
    let first = whole.slice(0, BATCH_ROWS);
    let mut second: Vec<ArrayRef> = whole.slice(BATCH_ROWS, BATCH_ROWS).columns().to_vec();
    second[k] = Arc::new(StringArray::from_iter_values(
        (BATCH_ROWS..rows).map(|i| text(i).unwrap()),
    ));
    assert!(
        whole
            .column(k)
            .slice(BATCH_ROWS, BATCH_ROWS)
            .nulls()
            .is_some()
    );
    assert!(second[k].nulls().is_none());
    let second = RecordBatch::try_new(schema, second).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, batches: &[RecordBatch]| {
        let path = dir.path().join(name);
        let (staged, n) = gazette::tables::write_batches(Table::Claims, &path, batches).unwrap();
        assert_eq!(n, rows as u64);
        staged.commit().unwrap();
        std::fs::read(&path).unwrap()
    };
    let one = write("one.parquet", &[whole]);
    let two = write("two.parquet", &[first, second]);
    assert!(one == two, "the same rows gave different bytes");
}
