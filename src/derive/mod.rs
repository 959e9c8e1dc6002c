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
mod mentions;
mod pairs;
mod timeline;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use arrow::array::{Array, AsArray};

use polars::prelude::{
    AnonymousScan, AnonymousScanArgs, Column, DataFrame, DataType, IntoLazy, LazyFrame,
    ParquetReader, PlSmallStr, PolarsError, PolarsResult, ScanArgsAnonymous, Schema, SchemaExt,
    SchemaRef, SerReader,
};
use polars::sql::SQLContext;

use crate::tables::{Stage, Table, TableWriter, Written, partition, write_batches};
use crate::text::FastMap;
use crate::ui::Ui;

/// The query that defines a derived dataset.
pub fn query(table: Table) -> Option<&'static str> {
    match table {
        Table::SourceSummary => Some(include_str!("sql/source_summary.sql")),
        Table::EntityCooccurrence => Some(include_str!("sql/entity_cooccurrence.sql")),
        Table::EntityTimeline => Some(include_str!("sql/entity_timeline.sql")),
        Table::CommodityProfile => Some(include_str!("sql/commodity_profile.sql")),
        Table::FigureLedger => Some(include_str!("sql/figure_ledger.sql")),
        Table::StatisticVariants => Some(include_str!("sql/statistic_variants.sql")),
        _ => None,
    }
}

/// Datasets that can be computed over separate batches of articles, with the query that
/// merges the batches' results (run over a table named `partial`). Pairs of entities
/// grow with the square of the entities an article mentions, so on a large corpus their
/// query runs batch by batch, each batch reading only its articles' rows: memory stays
/// bounded, and the result is the same (a test compares both).
pub fn combine_query(table: Table) -> Option<&'static str> {
    match table {
        Table::EntityCooccurrence => Some(include_str!("sql/entity_cooccurrence.combine.sql")),
        Table::EntityTimeline => Some(include_str!("sql/entity_timeline.combine.sql")),
        _ => None,
    }
}

/// Datasets with a row per row of a normalized table, ordered like the articles: on a
/// large corpus they are computed batch by batch of articles and each batch's rows are
/// written as they come (the batches' results, in order, are the whole result), so the
/// dataset is never whole in memory — the figure ledger of a million articles is tens of
/// gigabytes as a frame. No other query reads them.
pub fn streamed(table: Table) -> bool {
    matches!(table, Table::FigureLedger)
}

/// Articles per batch for the datasets of [`combine_query`] and [`streamed`]; `GAZETTE_DERIVE_BATCH_ARTICLES`
/// overrides it (the tests use tiny batches). Measured at 100k articles: batches of 10,000
/// derive in 9.3 s within 1.3 GB, of 50,000 in 13.4 s within 2.8 GB (smaller joins), of
/// 5,000 in 10.9 s (more passes over the files).
fn batch_articles() -> usize {
    std::env::var("GAZETTE_DERIVE_BATCH_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(10_000)
}

/// Whether every dataset is computed by polars from its SQL, including those gazette
/// otherwise counts itself ([`pairs`], [`timeline`]): `GAZETTE_DERIVE_SQL=1`, for holding the two to
/// the same bytes (the tests) or ruling gazette's own counting out.
fn sql_only() -> bool {
    std::env::var_os("GAZETTE_DERIVE_SQL").is_some_and(|v| v == "1")
}

/// Reads a table into polars, from its Parquet file or its partitioned dataset folder
/// (where the partition key comes from the folder names). `columns` limits what is read.
pub fn read_frame(table: Table, path: &Path, columns: Option<&[PlSmallStr]>) -> Result<DataFrame> {
    read_rows(table, path, columns, None)
}

/// [`read_frame`] of the rows `rows` only (of a single-file table).
fn read_rows(
    table: Table,
    path: &Path,
    columns: Option<&[PlSmallStr]>,
    rows: Option<Range<usize>>,
) -> Result<DataFrame> {
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
            .with_slice(rows.clone().map(|r| (r.start, r.len())))
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
    /// Only these rows (a batch of articles), or all.
    rows: Option<Range<usize>>,
}

impl AnonymousScan for TableScan {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn scan(&self, args: AnonymousScanArgs) -> PolarsResult<DataFrame> {
        let err = |e: anyhow::Error| PolarsError::ComputeError(format!("{e:#}").into());
        let columns = args.with_columns.as_deref();
        let Some(predicate) = args.predicate else {
            return read_rows(self.table, &self.path, columns, self.rows.clone()).map_err(err);
        };
        if self.path.is_dir() {
            // A partitioned table is read whole, then filtered: polars leaves the
            // predicate it pushed down to the scan.
            return read_rows(self.table, &self.path, columns, self.rows.clone())
                .map_err(err)?
                .lazy()
                .filter(predicate)
                .collect();
        }
        // Filtered a row group at a time, so that only the matching rows are ever whole
        // in memory: `statistic_variants` keeps a third of the figures, and at a million
        // articles reading all of them first took gigabytes.
        let rows = match &self.rows {
            Some(r) => r.clone(),
            None => 0..crate::tables::parquet_rows(&self.path).map_err(err)?,
        };
        let mut out: Option<DataFrame> = None;
        let mut start = rows.start;
        loop {
            let end = (start + SCAN_CHUNK_ROWS).min(rows.end);
            let chunk = read_rows(self.table, &self.path, columns, Some(start..end))
                .map_err(err)?
                .lazy()
                .filter(predicate.clone())
                .collect()?;
            match &mut out {
                Some(acc) => {
                    acc.vstack_mut(&chunk)?;
                }
                None => out = Some(chunk),
            }
            if end >= rows.end {
                break;
            }
            start = end;
        }
        let mut df = out.unwrap_or_default();
        df.rechunk_mut();
        Ok(df)
    }

    fn allows_projection_pushdown(&self) -> bool {
        true
    }

    fn allows_predicate_pushdown(&self) -> bool {
        true
    }
}

/// Rows read at a time by a filtered scan: the writer's row group size (arrow-rs'
/// default), so that a chunk decodes one row group.
const SCAN_CHUNK_ROWS: usize = 1024 * 1024;

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
    let paths: Vec<(Table, PathBuf)> = Table::of_stage(Stage::Normalize)
        .map(|t| (t, input(t)))
        .collect();
    let mut ctx = SQLContext::new();
    register_tables(&mut ctx, &paths, None)?;
    let mut derived: Vec<(Table, DataFrame)> = Vec::new();
    // Converting a result to Arrow and writing it (zstd) is mostly one thread's work:
    // a writer thread does it while polars computes the next dataset, or the next batch
    // of a streamed one, on the others.
    let (send, receive) = std::sync::mpsc::sync_channel::<ToWrite>(1);
    std::thread::scope(|scope| -> Result<Written> {
        let writer = scope.spawn(move || write_all(receive, out_root));
        let computed = (|| -> Result<()> {
            // The datasets gazette counts itself come first and need no batches; counting
            // them left part of a core idle, and cutting the batches (one thread reading every
            // table's article ids) took 1.9 s at a million articles before anything else ran.
            // So the batches are cut meanwhile, and the two counts run side by side.
            let cutting = scope.spawn(|| article_batches(&paths));
            let counting = Instant::now();
            let (pairs, timeline) = if sql_only() {
                (Ok(None), Ok(None))
            } else {
                // Counting frees and asks for the same sizes batch after batch.
                let _held = crate::memory::HeldFreedMemory::new();
                rayon::join(
                    || pairs::entity_cooccurrence(&paths),
                    || timeline::entity_timeline(&paths),
                )
            };
            let batches = cutting
                .join()
                .map_err(|_| anyhow::anyhow!("Cutting the corpus into batches panicked"))?;
            let (mut pairs, mut timeline, batches) = (pairs?, timeline?, batches?);
            for table in Table::of_stage(Stage::Derive) {
                let counted = match table {
                    Table::EntityCooccurrence => pairs.take(),
                    Table::EntityTimeline => timeline.take(),
                    _ => None,
                };
                // Counted datasets report the time of the counting, which they shared.
                let t = if counted.is_some() {
                    counting
                } else {
                    Instant::now()
                };
                // A dataset computed batch by batch frees and asks for the same sizes
                // batch after batch. Not the others: holding memory through the whole
                // statistic_variants query took the stage's peak at a million articles
                // from 3.5 to 3.8 GB.
                let batched = streamed(table) || combine_query(table).is_some();
                let _held = (batched && counted.is_none() && batches.is_some())
                    .then(crate::memory::HeldFreedMemory::new);
                if let (true, Some(batches)) = (streamed(table), batches.as_ref()) {
                    let rows = stream(table, &paths, batches, &send)?;
                    crate::memory::release_free_memory();
                    ui.step(
                        format!(
                            "Derived {} ({rows} rows, {} batches of articles)",
                            table.name(),
                            batches.len()
                        ),
                        t,
                    );
                    continue;
                }
                let how = match (&counted, combine_query(table).and(batches.as_ref())) {
                    (Some(_), _) => ", counted from the mentions".to_string(),
                    (None, Some(b)) => format!(", {} batches of articles", b.len()),
                    (None, None) => String::new(),
                };
                let df = match counted {
                    Some(df) => df,
                    None => compute(table, &ctx, &paths, batches.as_ref(), &derived)?,
                };
                crate::memory::release_free_memory();
                ui.step(
                    format!("Derived {} ({} rows{how})", table.name(), df.height()),
                    t,
                );
                // Later queries may build on this dataset.
                ctx.register(table.name(), df.clone().lazy());
                derived.push((table, df.clone()));
                if send.send(ToWrite::Whole(table, df)).is_err() {
                    // The writer stopped on an error: it is reported below.
                    break;
                }
            }
            Ok(())
        })();
        drop(send);
        let written = writer
            .join()
            .map_err(|_| anyhow::anyhow!("The derived datasets' writer panicked"))?;
        computed?;
        written
    })
}

/// What the derive stage's writer thread is handed.
enum ToWrite {
    /// A whole dataset.
    Whole(Table, DataFrame),
    /// The next batch of rows of a [`streamed`] dataset.
    Part(Table, DataFrame),
    /// A streamed dataset is complete.
    End(Table),
}

/// The writer thread: writes what it is handed, in order; streamed datasets are listed
/// after the others.
fn write_all(receive: std::sync::mpsc::Receiver<ToWrite>, out_root: &Path) -> Result<Written> {
    let mut written = Written::default();
    let mut streamed = Written::default();
    let mut open: Option<(Table, TableWriter)> = None;
    for item in receive {
        match item {
            ToWrite::Whole(table, df) => {
                let batch = bridge::to_record_batch(&df, table)?;
                written.add(
                    table,
                    write_batches(table, &table.path(out_root), &[batch])?,
                );
            }
            ToWrite::Part(table, df) => {
                if open.as_ref().is_none_or(|(t, _)| *t != table) {
                    open = Some((table, TableWriter::create(table, &table.path(out_root))?));
                }
                if let Some((_, w)) = open.as_mut() {
                    w.write(bridge::to_record_batch(&df, table)?)?;
                }
            }
            ToWrite::End(table) => {
                let w = match open.take() {
                    Some((t, w)) if t == table => w,
                    // No batches: an empty table.
                    _ => TableWriter::create(table, &table.path(out_root))?,
                };
                streamed.add(table, w.finish()?);
            }
        }
    }
    written.extend(streamed);
    Ok(written)
}

/// Computes a [`streamed`] dataset batch by batch and hands each batch's rows to the
/// writer; returns the number of rows.
fn stream(
    table: Table,
    paths: &[(Table, PathBuf)],
    batches: &[Batch],
    send: &std::sync::mpsc::SyncSender<ToWrite>,
) -> Result<u64> {
    let sql = query(table).with_context(|| format!("No query defines '{}'", table.name()))?;
    let mut rows = 0;
    for batch in batches {
        let mut bctx = SQLContext::new();
        register_tables(&mut bctx, paths, Some(batch))?;
        let df = bctx
            .execute(sql)
            .and_then(|lf| lf.collect())
            .with_context(|| {
                format!(
                    "Failed to compute '{}' (src/derive/sql/{}.sql)",
                    table.name(),
                    table.name()
                )
            })?;
        rows += df.height() as u64;
        if send.send(ToWrite::Part(table, df)).is_err() {
            return Ok(rows); // the writer's error is reported by `run`
        }
    }
    let _ = send.send(ToWrite::End(table));
    Ok(rows)
}

/// Computes one derived dataset: its query over the normalized tables (and the datasets
/// derived before it), batch by batch of articles where it combines.
fn compute(
    table: Table,
    ctx: &SQLContext,
    paths: &[(Table, PathBuf)],
    batches: Option<&Vec<Batch>>,
    derived: &[(Table, DataFrame)],
) -> Result<DataFrame> {
    let sql = query(table).with_context(|| format!("No query defines '{}'", table.name()))?;
    let failed = || {
        format!(
            "Failed to compute '{}' (src/derive/sql/{}.sql)",
            table.name(),
            table.name()
        )
    };
    let Some(batches) = combine_query(table).and(batches) else {
        return ctx
            .clone()
            .execute(sql)
            .and_then(|lf| lf.collect())
            .with_context(failed);
    };
    let mut parts = Vec::with_capacity(batches.len());
    for batch in batches {
        let mut bctx = SQLContext::new();
        register_tables(&mut bctx, paths, Some(batch))?;
        for (t, df) in derived {
            bctx.register(t.name(), df.clone().lazy());
        }
        parts.push(
            bctx.execute(sql)
                .and_then(|lf| lf.collect())
                .with_context(failed)?,
        );
    }
    let mut partial = parts.remove(0);
    for p in &parts {
        partial.vstack_mut(p)?;
    }
    let mut cctx = SQLContext::new();
    cctx.register("partial", partial.lazy());
    let combine = combine_query(table).expect("batched datasets combine");
    cctx.execute(combine)
        .and_then(|lf| lf.collect())
        .with_context(failed)
}

/// Registers the normalized tables as lazy scans, restricted to one batch of articles
/// (row ranges per table) when given.
fn register_tables(
    ctx: &mut SQLContext,
    paths: &[(Table, PathBuf)],
    batch: Option<&Batch>,
) -> Result<()> {
    for (table, path) in paths {
        let schema = polars_schema(*table, path)?;
        let rows = batch.and_then(|b| b.rows.get(table).cloned());
        let scan = Arc::new(TableScan {
            table: *table,
            path: path.clone(),
            rows,
        });
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
    Ok(())
}

/// A batch of consecutive articles: for each table whose rows belong to articles, the
/// range of its rows that belong to the batch's articles.
#[derive(Debug, Clone)]
struct Batch {
    rows: BTreeMap<Table, Range<usize>>,
}

/// Cuts the corpus into batches of [`batch_articles`] consecutive articles, or `None`
/// when one batch would hold them all or the tables are not single files in article
/// order (a partitioned dataset is then read whole).
fn article_batches(paths: &[(Table, PathBuf)]) -> Result<Option<Vec<Batch>>> {
    let size = batch_articles();
    if paths.iter().any(|(_, p)| p.is_dir()) {
        return Ok(None);
    }
    let path_of = |t: Table| {
        paths
            .iter()
            .find(|(tt, _)| *tt == t)
            .map(|(_, p)| p.as_path())
    };
    let Some(articles) = path_of(Table::Articles) else {
        return Ok(None);
    };
    // Article id → batch number, in table order.
    let mut batch_of: FastMap<String, usize> = FastMap::default();
    let mut n_articles = 0usize;
    for_each_id(articles, |id| {
        batch_of.insert(id.to_string(), n_articles / size);
        n_articles += 1;
    })?;
    let n_batches = n_articles.div_ceil(size);
    if n_batches <= 1 {
        return Ok(None);
    }
    let mut batches = vec![
        Batch {
            rows: BTreeMap::new()
        };
        n_batches
    ];
    for (table, path) in paths {
        if table.spec().column("article_id").is_none() {
            continue; // read whole by every batch (entities)
        }
        // Rows come grouped by article in the articles table's order: each batch's rows
        // are one range. Anything else means the batches cannot be cut.
        let mut starts = vec![None; n_batches];
        let mut row = 0usize;
        let mut last = 0usize;
        let mut ordered = true;
        // Rows of one article follow each other: its id is looked up once, not once per
        // row (at a million articles, thirty million mentions).
        let mut current: Option<(String, usize)> = None;
        for_each_id(path, |id| {
            let b = match &current {
                Some((last, b)) if last == id => *b,
                _ => {
                    let b = batch_of.get(id).copied().unwrap_or(usize::MAX);
                    current = Some((id.to_string(), b));
                    b
                }
            };
            if b < last || b == usize::MAX {
                ordered = false;
            } else {
                for s in starts.iter_mut().take(b + 1).skip(last) {
                    s.get_or_insert(row);
                }
                last = b;
            }
            row += 1;
        })?;
        if !ordered {
            return Ok(None);
        }
        for (b, batch) in batches.iter_mut().enumerate() {
            let start = starts[b].unwrap_or(row);
            let end = starts.get(b + 1).copied().flatten().unwrap_or(row);
            batch.rows.insert(*table, start..end.max(start));
        }
    }
    Ok(Some(batches))
}

/// Calls `f` with every `article_id` of a single-file table, in order, reading only that
/// column, batch by batch.
fn for_each_id(path: &Path, mut f: impl FnMut(&str)) -> Result<()> {
    for batch in crate::tables::read_columns(path, &["article_id"])? {
        let batch = batch?;
        let ids = batch.column(0).as_string::<i32>();
        for i in 0..ids.len() {
            f(ids.value(i));
        }
    }
    Ok(())
}
