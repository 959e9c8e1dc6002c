//! Stage 2: the normalized tables → derived datasets, computed by polars.
//!
//! Each derived dataset is one SQL query in `src/derive/sql/<name>.sql`, run by polars'
//! SQL context over the normalized tables (registered under their table names) and the
//! datasets derived before it. SQL because analysts read it, and because the same query
//! runs on DuckDB or Spark when a corpus outgrows one machine. Results are converted to
//! arrow-rs (see [`bridge`]) and written like every other table.
//!
//! Determinism: every query ends in an `ORDER BY` over a unique key, and no query sums or
//! averages floating-point numbers (whose result would depend on how polars splits the
//! work across threads).

pub mod bridge;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use polars::prelude::{Column, DataFrame, IntoLazy, ParquetReader, PlSmallStr, SerReader};
use polars::sql::SQLContext;

use crate::tables::{Stage, Table, Written, partition, write_batches};
use crate::ui::Ui;

/// The query that defines a derived dataset.
pub fn query(table: Table) -> Option<&'static str> {
    match table {
        Table::SourceSummary => Some(include_str!("sql/source_summary.sql")),
        Table::EntityCooccurrence => Some(include_str!("sql/entity_cooccurrence.sql")),
        Table::EntityTimeline => Some(include_str!("sql/entity_timeline.sql")),
        Table::CommodityProfile => Some(include_str!("sql/commodity_profile.sql")),
        _ => None,
    }
}

/// Reads a table into polars, from its Parquet file or its partitioned dataset folder
/// (where the partition key comes from the folder names).
pub fn read_frame(table: Table, path: &Path) -> Result<DataFrame> {
    let read = |file: &Path| -> Result<DataFrame> {
        let f = std::fs::File::open(file)
            .with_context(|| format!("Failed to open '{}'", file.display()))?;
        ParquetReader::new(f)
            .finish()
            .with_context(|| format!("Failed to read '{}' with polars", file.display()))
    };
    if !path.is_dir() {
        return read(path);
    }
    let names: Vec<PlSmallStr> = table
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().as_str().into())
        .collect();
    let mut out: Option<DataFrame> = None;
    for (key, file) in partition::partition_files(path)? {
        let mut df = read(&file)?;
        if table.spec().column(partition::KEY).is_some() {
            let n = df.height();
            df.with_column(Column::new(partition::KEY.into(), vec![key.as_str(); n]))?;
        }
        let df = df.select(names.clone())?;
        match &mut out {
            Some(acc) => {
                acc.vstack_mut(&df)?;
            }
            None => out = Some(df),
        }
    }
    match out {
        Some(df) => Ok(df),
        None => anyhow::bail!("'{}' holds no partitions", path.display()),
    }
}

/// Computes every derived dataset. `input` says where each normalized table is to be
/// read (the staged file during a build, the published one for `gazette derive`).
pub fn run(input: impl Fn(Table) -> PathBuf, out_root: &Path, ui: &Ui) -> Result<Written> {
    let mut ctx = SQLContext::new();
    for table in Table::of_stage(Stage::Normalize) {
        let df = read_frame(table, &input(table))?;
        ctx.register(table.name(), df.lazy());
    }
    let mut written = Written::default();
    for table in Table::of_stage(Stage::Derive) {
        let t = Instant::now();
        let sql = query(table).with_context(|| format!("No query defines '{}'", table.name()))?;
        let df = ctx
            .execute(sql)
            .and_then(|lf| lf.collect())
            .with_context(|| {
                format!(
                    "Failed to compute '{}' (src/derive/sql/{}.sql)",
                    table.name(),
                    table.name()
                )
            })?;
        let batch = bridge::to_record_batch(&df, table)?;
        written.add(
            table,
            write_batches(table, &table.path(out_root), &[batch])?,
        );
        ui.step(
            format!("Derived {} ({} rows)", table.name(), df.height()),
            t,
        );
        // Later queries may build on this dataset.
        ctx.register(table.name(), df.lazy());
    }
    Ok(written)
}
