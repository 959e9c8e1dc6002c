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
use std::sync::Arc;

use polars::prelude::{
    AnonymousScan, AnonymousScanArgs, Column, DataFrame, DataType, IntoLazy, LazyFrame,
    ParquetReader, PlSmallStr, PolarsError, PolarsResult, ScanArgsAnonymous, Schema, SchemaExt,
    SchemaRef, SerReader,
};
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
/// (where the partition key comes from the folder names). `columns` limits what is read.
pub fn read_frame(table: Table, path: &Path, columns: Option<&[PlSmallStr]>) -> Result<DataFrame> {
    let all: Vec<PlSmallStr> = table
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().as_str().into())
        .collect();
    let wanted: Vec<PlSmallStr> = columns.map(<[_]>::to_vec).unwrap_or(all);
    let read = |file: &Path, stored: &[PlSmallStr]| -> Result<DataFrame> {
        let f = std::fs::File::open(file)
            .with_context(|| format!("Failed to open '{}'", file.display()))?;
        ParquetReader::new(f)
            .with_columns(Some(stored.iter().map(|c| c.to_string()).collect()))
            .finish()
            .with_context(|| format!("Failed to read '{}' with polars", file.display()))
    };
    if !path.is_dir() {
        return read(path, &wanted);
    }
    // In a partitioned table the key is in the folder names, not the files.
    let stored: Vec<PlSmallStr> = wanted
        .iter()
        .filter(|c| c.as_str() != partition::KEY)
        .cloned()
        .collect();
    let mut out: Option<DataFrame> = None;
    for (key, file) in partition::partition_files(path)? {
        let mut df = read(&file, &stored)?;
        if wanted.iter().any(|c| c.as_str() == partition::KEY) {
            let n = df.height();
            df.with_column(Column::new(partition::KEY.into(), vec![key.as_str(); n]))?;
        }
        let df = df.select(wanted.clone())?;
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

/// A normalized table as a lazy polars source that reads only the columns a query uses
/// (polars pushes the projection down to it): a derived dataset over `mentions` needs
/// three of its thirteen columns, and at a million articles that is the difference
/// between fitting in memory or not.
struct TableScan {
    table: Table,
    path: PathBuf,
}

impl AnonymousScan for TableScan {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn scan(&self, args: AnonymousScanArgs) -> PolarsResult<DataFrame> {
        read_frame(self.table, &self.path, args.with_columns.as_deref())
            .map_err(|e| PolarsError::ComputeError(format!("{e:#}").into()))
    }

    fn allows_projection_pushdown(&self) -> bool {
        true
    }
}

/// The polars schema of a registry table (read from an empty slice of the data).
fn polars_schema(table: Table, path: &Path) -> Result<SchemaRef> {
    let first = if path.is_dir() {
        partition::partition_files(path)?
            .into_iter()
            .next()
            .map(|(_, f)| f)
            .with_context(|| format!("'{}' holds no partitions", path.display()))?
    } else {
        path.to_path_buf()
    };
    let f = std::fs::File::open(&first)
        .with_context(|| format!("Failed to open '{}'", first.display()))?;
    let mut schema = ParquetReader::new(f)
        .with_slice(Some((0, 0)))
        .finish()
        .with_context(|| format!("Failed to read '{}' with polars", first.display()))?
        .schema()
        .as_ref()
        .clone();
    if path.is_dir() && table.spec().column(partition::KEY).is_some() {
        schema.with_column(partition::KEY.into(), DataType::String);
    }
    // The registry's column order, which the files follow.
    let ordered: Schema = table
        .schema()
        .fields()
        .iter()
        .filter_map(|f| schema.get_field(f.name().as_str()))
        .collect();
    Ok(Arc::new(ordered))
}

/// Computes every derived dataset. `input` says where each normalized table is to be
/// read (the staged file during a build, the published one for `gazette derive`).
pub fn run(input: impl Fn(Table) -> PathBuf, out_root: &Path, ui: &Ui) -> Result<Written> {
    let mut ctx = SQLContext::new();
    for table in Table::of_stage(Stage::Normalize) {
        let path = input(table);
        let schema = polars_schema(table, &path)?;
        let scan = Arc::new(TableScan { table, path });
        let lf = LazyFrame::anonymous_scan(
            scan,
            ScanArgsAnonymous {
                schema: Some(schema),
                name: "gazette table",
                ..ScanArgsAnonymous::default()
            },
        )?;
        ctx.register(table.name(), lf);
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
