//! `--partition-by month`: the normalized tables as hive-partitioned Parquet datasets
//! (`data/tables/claims/published_month=2025-10/part-0.parquet`) that DuckDB, Spark and
//! polars scan as one table.
//!
//! Every row of `articles`, `claims`, `figures` and `mentions` belongs to one article, and
//! so to the month the article was published in (publisher's local time). Following hive
//! conventions, the partition key is not stored in the files: readers take it from the
//! folder names. Tables whose rows span months (`entities`) and derived datasets stay
//! single files.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, StringArray, UInt32Array};
use arrow::datatypes::{DataType, FieldRef, Schema, SchemaRef};
use arrow::ipc::reader::FileReader;
use arrow::ipc::writer::FileWriter;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};

use super::{BATCH_ROWS, Table, TableWriter, Written};
use crate::fsutil::Staged;

/// The partition column (a column of `articles`).
pub const KEY: &str = "published_month";

/// The hive folder name of a null key: where a release without articles keeps its
/// empty partitioned tables.
pub const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PartitionBy {
    /// One folder per month of publication: `published_month=YYYY-MM`.
    Month,
}

/// Whether a table is partitioned (its rows belong to one article each).
pub fn is_partitioned(table: Table) -> bool {
    let spec = table.spec();
    spec.stage == super::Stage::Normalize && spec.column("article_id").is_some()
}

/// The folder of a partitioned table.
pub fn dataset_dir(table: Table, out_root: &Path) -> PathBuf {
    out_root.join(table.spec().stage.dir()).join(table.name())
}

/// The dataset folders of every partitioned table under `out_root` (whether or not they
/// exist).
pub fn dataset_dirs(out_root: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    Table::ALL
        .iter()
        .filter(|&&t| is_partitioned(t))
        .map(move |&t| dataset_dir(t, out_root))
}

/// The file a build writes for `month` of a partitioned table.
fn part_path(table: Table, out_root: &Path, month: &str) -> PathBuf {
    dataset_dir(table, out_root)
        .join(format!("{KEY}={month}"))
        .join("part-0.parquet")
}

/// Where a published table is: its single file, or its dataset folder when partitioned.
pub fn published_path(table: Table, out_root: &Path) -> PathBuf {
    let file = table.path(out_root);
    let dir = dataset_dir(table, out_root);
    if !file.exists() && dir.is_dir() {
        dir
    } else {
        file
    }
}

/// The schema of the files of a partitioned table: the registry's without the key.
pub fn file_schema(table: Table) -> SchemaRef {
    let schema = table.schema();
    let fields: Vec<_> = schema
        .fields()
        .iter()
        .filter(|f| f.name() != KEY)
        .cloned()
        .collect();
    Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
}

/// The partition files of a dataset folder, in key order.
pub fn partition_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let prefix = format!("{KEY}=");
    for entry in
        std::fs::read_dir(dir).with_context(|| format!("Failed to list '{}'", dir.display()))?
    {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(value) = name.strip_prefix(&prefix) else {
            continue;
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(entry.path())?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|f| (value.to_string(), f)));
    }
    out.sort();
    Ok(out)
}

/// Reads one batch stream of a table from a file or a dataset folder, with the
/// registry's columns in the registry's order (the key restored from folder names).
pub fn read_batches(table: Table, path: &Path) -> Result<Vec<RecordBatch>> {
    let mut out = Vec::new();
    for_each_batch(table, path, |b| {
        out.push(b);
        Ok(())
    })?;
    Ok(out)
}

/// The schema of a table as [`for_each_stored_batch`] gives it, without reading its rows.
pub fn stored_schema(path: &Path) -> Result<SchemaRef> {
    let files = stored_files(path)?;
    let (key, file) = files
        .first()
        .with_context(|| format!("'{}' holds no partitions", path.display()))?;
    let schema = super::read_schema(file)?;
    if key.is_none() || schema.index_of(KEY).is_ok() {
        return Ok(schema);
    }
    let mut fields: Vec<_> = schema.fields().iter().cloned().collect();
    fields.push(key_field());
    Ok(Arc::new(Schema::new(fields)))
}

/// The partition key's column, as a stored partition's batches gain it.
fn key_field() -> arrow::datatypes::FieldRef {
    Arc::new(arrow::datatypes::Field::new(
        KEY,
        arrow::datatypes::DataType::Utf8,
        false,
    ))
}

/// Reads a table as it is stored — a file, or a dataset folder with the key added from
/// the folder names — with whatever columns it has (an older release may lack columns
/// the registry has since gained), a batch at a time: only one batch is in memory.
pub fn for_each_stored_batch(
    path: &Path,
    mut f: impl FnMut(RecordBatch) -> Result<()>,
) -> Result<()> {
    stored_batches_while(path, |b| f(b).map(|()| true))
}

/// [`for_each_stored_batch`] until `f` returns `false`: the batches after it are never
/// decoded.
pub fn stored_batches_while(path: &Path, f: impl FnMut(RecordBatch) -> Result<bool>) -> Result<()> {
    stored_groups_while(path, Reading::default(), f)
}

/// [`stored_batches_while`] with only the columns `columns` (those the table has; a
/// partitioned table's key is added as ever), in batches of `batch_rows`: for the first
/// rows of a table. A first build's changelog lists 500 rows of each table; decoding a
/// whole first batch of every column (64k rows, the articles' summaries among them)
/// for them was nearly all of its 0.17 s at 100k articles.
pub fn stored_head_while(
    path: &Path,
    columns: &[&str],
    batch_rows: usize,
    f: impl FnMut(RecordBatch) -> Result<bool>,
) -> Result<()> {
    let reading = Reading {
        columns: Some(columns),
        batch_rows: batch_rows.max(1),
        ..Reading::default()
    };
    stored_groups_while(path, reading, f)
}

/// [`for_each_stored_batch`] over the row groups `keep` marks (one flag per group, in
/// the order of [`stored_group_digests`]), the others never read; only `columns` of
/// them when given.
pub fn for_each_stored_batch_in(
    path: &Path,
    keep: &[bool],
    columns: Option<&[&str]>,
    mut f: impl FnMut(RecordBatch) -> Result<()>,
) -> Result<()> {
    let reading = Reading {
        keep: Some(keep),
        columns,
        ..Reading::default()
    };
    stored_groups_while(path, reading, |b| f(b).map(|()| true))
}

/// What [`stored_groups_while`] reads of a stored table.
#[derive(Clone, Copy)]
struct Reading<'a> {
    /// One flag per row group, in the order of [`stored_group_digests`]: only the
    /// groups marked are read (all when `None`).
    keep: Option<&'a [bool]>,
    /// The columns read, of those the files have (all when `None`).
    columns: Option<&'a [&'a str]>,
    batch_rows: usize,
}

impl Default for Reading<'_> {
    fn default() -> Self {
        Reading {
            keep: None,
            columns: None,
            batch_rows: super::BATCH_ROWS,
        }
    }
}

fn stored_groups_while(
    path: &Path,
    reading: Reading,
    mut f: impl FnMut(RecordBatch) -> Result<bool>,
) -> Result<()> {
    let files = stored_files(path)?;
    if files.is_empty() {
        bail!("'{}' holds no partitions", path.display());
    }
    let mut schema: Option<SchemaRef> = None;
    let mut first_group = 0;
    for (key, file) in files {
        let mut builder = super::open_parquet(&file)?.with_batch_size(reading.batch_rows);
        let n_groups = builder.metadata().num_row_groups();
        if let Some(keep) = reading.keep {
            let kept: Vec<usize> = (0..n_groups)
                .filter(|&g| keep.get(first_group + g).copied().unwrap_or(true))
                .collect();
            first_group += n_groups;
            if kept.is_empty() {
                continue;
            }
            builder = builder.with_row_groups(kept);
        }
        if let Some(columns) = reading.columns {
            let mask = super::arrow_io::columns_where(&builder, |name| columns.contains(&name));
            builder = builder.with_projection(mask);
        }
        let reader = builder.build()?;
        for b in reader {
            let b = b.with_context(|| format!("Failed to read '{}'", file.display()))?;
            let (Some(key), None) = (&key, b.column_by_name(KEY)) else {
                if !f(b)? {
                    return Ok(());
                }
                continue;
            };
            let mut fields: Vec<_> = b.schema().fields().iter().cloned().collect();
            let mut columns = b.columns().to_vec();
            fields.push(key_field());
            columns.push(Arc::new(StringArray::from(vec![
                key.as_str();
                b.num_rows()
            ])));
            let s = schema
                .get_or_insert_with(|| Arc::new(Schema::new(fields)))
                .clone();
            if !f(RecordBatch::try_new(s, columns)?)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// The number of rows of a stored table (a file or a partitioned folder), from the
/// files' footers.
pub fn stored_rows(path: &Path) -> Result<usize> {
    stored_files(path)?
        .iter()
        .map(|(_, file)| crate::tables::parquet_rows(file))
        .sum()
}

/// Each row group of a stored table (file after file, each file's groups in order) as a
/// digest of what it holds, with its number of rows. The digest covers the group's
/// stored bytes, its file's schema and its partition key: two groups with the same
/// digest decode to the same rows. Reading and hashing the bytes costs a small part of
/// decoding them, so a diff can leave out the groups both releases share (a rebuild
/// copies the row groups of unchanged files as they were).
pub fn stored_group_digests(path: &Path) -> Result<Vec<(u128, usize)>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 1 << 20];
    for (key, file) in stored_files(path)? {
        let builder = super::open_parquet(&file)?;
        let schema = format!("{:?}", builder.schema());
        let failed = || format!("Failed to read '{}'", file.display());
        let mut input = File::open(&file).with_context(failed)?;
        for group in builder.metadata().row_groups() {
            let (start, end) = group
                .columns()
                .iter()
                .map(|c| c.byte_range())
                .fold((u64::MAX, 0), |(s, e), (from, len)| {
                    (s.min(from), e.max(from.saturating_add(len)))
                });
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            for part in [schema.as_bytes(), key.as_deref().unwrap_or("").as_bytes()] {
                h.update(&(part.len() as u64).to_le_bytes());
                h.update(part);
            }
            h.update(&group.num_rows().to_le_bytes());
            // A chunk at a time: a million articles' row groups are tens of megabytes.
            let mut left = end.saturating_sub(start);
            if left > 0 {
                input.seek(SeekFrom::Start(start)).with_context(failed)?;
            }
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                input.read_exact(&mut chunk[..n]).with_context(failed)?;
                h.update(&chunk[..n]);
                left -= n as u64;
            }
            out.push((h.digest128(), group.num_rows() as usize));
        }
    }
    Ok(out)
}

/// The files a table is stored in: itself, or a dataset folder's partition files with
/// their key values.
fn stored_files(path: &Path) -> Result<Vec<(Option<String>, PathBuf)>> {
    Ok(if path.is_dir() {
        partition_files(path)?
            .into_iter()
            .map(|(k, p)| (Some(k), p))
            .collect()
    } else {
        vec![(None, path.to_path_buf())]
    })
}

/// The top-level, non-list columns of a table's files that hold no null: required by
/// the files' schema (gazette writes its non-null columns so), or with statistics that
/// record a null count of zero in every row group. A column optional in some file and
/// without those statistics there (written by another tool) is not in the set.
pub fn columns_without_nulls(path: &Path) -> Result<std::collections::HashSet<String>> {
    let mut out: Option<std::collections::HashSet<String>> = None;
    for (_, file) in stored_files(path)? {
        let builder = super::open_parquet(&file)?;
        let meta = builder.metadata();
        let descr = meta.file_metadata().schema_descr();
        let proven: std::collections::HashSet<String> = (0..descr.num_columns())
            .filter(|&j| descr.column(j).path().parts().len() == 1)
            .filter(|&j| {
                descr.column(j).max_def_level() == 0
                    || meta.row_groups().iter().all(|rg| {
                        rg.column(j).statistics().and_then(|s| s.null_count_opt()) == Some(0)
                    })
            })
            .map(|j| descr.column(j).path().parts()[0].clone())
            .collect();
        out = Some(match out {
            None => proven,
            Some(prev) => prev.intersection(&proven).cloned().collect(),
        });
    }
    Ok(out.unwrap_or_default())
}

/// Streams the batches of a table (see [`read_batches`]).
pub fn for_each_batch(
    table: Table,
    path: &Path,
    f: impl FnMut(RecordBatch) -> Result<()>,
) -> Result<()> {
    for_each_batch_without(table, path, &[], f)
}

/// [`for_each_batch_without`], decoding the next batch on another thread while `f`
/// handles this one. Decoding is about half of checking a table: the last table of the
/// data tests, checked alone, otherwise kept one core of two idle.
pub fn for_each_batch_prefetched(
    table: Table,
    path: &Path,
    skip: &[&str],
    f: impl FnMut(RecordBatch) -> Result<()>,
) -> Result<()> {
    produced_ahead(|send| for_each_batch_without(table, path, skip, send), f)
}

/// Runs `produce` on a thread of its own, an item ahead of `consume`, which gets its
/// items in order: where handling a batch costs about what decoding it does (the data
/// tests' checks; the site's resolving, numbering and packing, which kept one core busy
/// for 6.4 s reading a million articles' claims and the other idle), the two overlap.
/// The first error is returned, `consume`'s before `produce`'s (which then only says
/// that it was stopped); a panic on the producer's thread goes on in the caller's.
pub fn produced_ahead<T: Send>(
    produce: impl FnOnce(&mut dyn FnMut(T) -> Result<()>) -> Result<()> + Send,
    consume: impl FnMut(T) -> Result<()>,
) -> Result<()> {
    std::thread::scope(|scope| {
        let (send, items) = std::sync::mpsc::sync_channel::<T>(1);
        let producer = scope.spawn(move || {
            produce(&mut |item| {
                send.send(item)
                    .map_err(|_| anyhow!("stopped: what it read was no longer used"))
            })
        });
        let used = items.iter().try_for_each(consume);
        drop(items);
        let produced = producer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        used.and(produced)
    })
}

/// [`for_each_batch`] without the columns `skip`: Parquet does not decode them.
pub fn for_each_batch_without(
    table: Table,
    path: &Path,
    skip: &[&str],
    f: impl FnMut(RecordBatch) -> Result<()>,
) -> Result<()> {
    for_each_batch_decoding(table, path, skip, &[], f)
}

/// [`for_each_batch_without`], decoding the string columns `dictionary` as dictionaries
/// (`Dictionary(Int32, Utf8)`: a batch's distinct values once, and a key per row), which
/// is how Parquet stores such a column: a column of few distinct values (a unit, a kind,
/// a section's label) then takes four bytes a row in memory instead of its text.
pub fn for_each_batch_decoding(
    table: Table,
    path: &Path,
    skip: &[&str],
    dictionary: &[&str],
    f: impl FnMut(RecordBatch) -> Result<()>,
) -> Result<()> {
    decode_files(table, stored_files(path)?, skip, dictionary, f)
}

/// [`for_each_batch`] over a dataset's partition files given with their key values, in
/// the order given (a build's staged partitions, [`staged_parts`]).
pub fn for_each_part_batch(
    table: Table,
    parts: &[(String, PathBuf)],
    f: impl FnMut(RecordBatch) -> Result<()>,
) -> Result<()> {
    let files = parts
        .iter()
        .map(|(k, p)| (Some(k.clone()), p.clone()))
        .collect();
    decode_files(table, files, &[], &[], f)
}

/// The partition files of `table` among a build's staged files, in key order, each
/// read where it is staged; empty when the build did not partition the table.
pub fn staged_parts(written: &Written, table: Table, out_root: &Path) -> Vec<(String, PathBuf)> {
    let dir = dataset_dir(table, out_root);
    let prefix = format!("{KEY}=");
    let mut parts: Vec<(String, PathBuf)> = written
        .files
        .iter()
        .filter_map(|s| {
            let folder = s.target().parent()?;
            if folder.parent()? != dir {
                return None;
            }
            let key = folder.file_name()?.to_str()?.strip_prefix(&prefix)?;
            Some((key.to_string(), s.path().to_path_buf()))
        })
        .collect();
    parts.sort();
    parts
}

fn decode_files(
    table: Table,
    files: Vec<(Option<String>, PathBuf)>,
    skip: &[&str],
    dictionary: &[&str],
    mut f: impl FnMut(RecordBatch) -> Result<()>,
) -> Result<()> {
    let kept = |name: &str| !skip.contains(&name);
    let as_read = |field: &FieldRef| -> FieldRef {
        if field.data_type() == &DataType::Utf8 && dictionary.contains(&field.name().as_str()) {
            let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
            Arc::new(field.as_ref().clone().with_data_type(dict))
        } else {
            field.clone()
        }
    };
    let full = table.schema();
    let fields: Vec<FieldRef> = full
        .fields()
        .iter()
        .filter(|f| kept(f.name()))
        .map(as_read)
        .collect();
    let schema = Arc::new(Schema::new_with_metadata(fields, full.metadata().clone()));
    for (key, file) in files {
        let input =
            File::open(&file).with_context(|| format!("Failed to open '{}'", file.display()))?;
        let not_parquet = || format!("Failed to read '{}' as Parquet", file.display());
        let mut metadata = ArrowReaderMetadata::load(&input, ArrowReaderOptions::new())
            .with_context(not_parquet)?;
        if !dictionary.is_empty() {
            let stored = metadata.schema();
            let fields: Vec<FieldRef> = stored.fields().iter().map(as_read).collect();
            let wanted = Arc::new(Schema::new_with_metadata(fields, stored.metadata().clone()));
            metadata = ArrowReaderMetadata::try_new(
                metadata.metadata().clone(),
                ArrowReaderOptions::new().with_schema(wanted),
            )
            .with_context(not_parquet)?;
        }
        let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(input, metadata);
        let mask = super::arrow_io::columns_where(&builder, kept);
        let reader = builder
            .with_projection(mask)
            .with_batch_size(BATCH_ROWS)
            .build()?;
        for batch in reader {
            let batch = batch.with_context(|| format!("Failed to read '{}'", file.display()))?;
            let columns = schema
                .fields()
                .iter()
                .map(|field| -> Result<ArrayRef> {
                    match (batch.column_by_name(field.name()), &key) {
                        (Some(c), _) if c.data_type() == field.data_type() => Ok(c.clone()),
                        // Written by another tool (pyarrow names a list's items
                        // `element`, polars writes large strings): the same values in
                        // another layout, read as the registry's.
                        (Some(c), _) => stored_as(c, field)
                            .with_context(|| format!("Failed to read '{}'", file.display())),
                        (None, Some(k)) if field.name() == KEY => {
                            Ok(Arc::new(StringArray::from(vec![
                                k.as_str();
                                batch.num_rows()
                            ])))
                        }
                        _ => anyhow::bail!("'{}' has no column '{}'", file.display(), field.name()),
                    }
                })
                .collect::<Result<Vec<_>>>()?;
            let batch = RecordBatch::try_new(schema.clone(), columns)
                .with_context(|| format!("Failed to read '{}'", file.display()))?;
            f(batch)?;
        }
    }
    Ok(())
}

/// A stored batch with each column the registry's table has, and holds in another
/// layout of the same values ([`stored_as`]), cast to the registry's type; other columns
/// as they are. Comparing a table another tool rewrote (`gazette diff`) then compares
/// values, not layouts.
pub fn with_registry_types(table: Table, batch: RecordBatch) -> Result<RecordBatch> {
    let schema = batch.schema();
    let registry = table.schema();
    let cast: Vec<Option<FieldRef>> = schema
        .fields()
        .iter()
        .map(|f| {
            registry
                .field_with_name(f.name())
                .ok()
                .filter(|r| r.data_type() != f.data_type())
                .map(|r| Arc::new(r.clone()))
        })
        .collect();
    if cast.iter().all(Option::is_none) {
        return Ok(batch);
    }
    let mut fields = Vec::with_capacity(cast.len());
    let mut columns = Vec::with_capacity(cast.len());
    for ((field, column), registry_field) in schema.fields().iter().zip(batch.columns()).zip(cast) {
        match registry_field.and_then(|r| Some((stored_as(column, &r).ok()?, r))) {
            Some((column, r)) => {
                fields.push(Arc::new(
                    field.as_ref().clone().with_data_type(r.data_type().clone()),
                ));
                columns.push(column);
            }
            None => {
                fields.push(field.clone());
                columns.push(column.clone());
            }
        }
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())),
        columns,
    )?)
}

/// Whether a column stored as `from` holds values of the registry's `to` in another
/// layout, read as `to` by [`stored_as`]: large or view strings for strings, a list
/// whose items are named otherwise (pyarrow's `element`) or stored large, strings for
/// the dictionaries the site reads some columns as.
pub fn same_values(from: &DataType, to: &DataType) -> bool {
    let text =
        |t: &DataType| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
    match (from, to) {
        _ if from == to => true,
        (DataType::Dictionary(_, values), DataType::Utf8) => text(values),
        (from, DataType::Utf8) => text(from),
        (DataType::List(a) | DataType::LargeList(a) | DataType::ListView(a), DataType::List(b)) => {
            same_values(a.data_type(), b.data_type())
        }
        (from, DataType::Dictionary(_, values)) if values.as_ref() == &DataType::Utf8 => {
            text(from) || matches!(from, DataType::Dictionary(_, stored) if text(stored))
        }
        _ => false,
    }
}

/// A stored column as the registry's `field` has it: cast where the two types hold the
/// same values ([`same_values`]), an error naming the column and both types otherwise.
pub fn stored_as(column: &ArrayRef, field: &FieldRef) -> Result<ArrayRef> {
    let (from, to) = (column.data_type(), field.data_type());
    anyhow::ensure!(
        same_values(from, to),
        "column '{}' is stored as {from}, where the table has {to}: it was not written by \
         gazette (rebuild it with `gazette build`)",
        field.name()
    );
    Ok(arrow::compute::cast(column, to)?)
}

/// Splits a single-file table into month partitions under `out_root`, staged. `months`
/// maps article ids to their month (only needed for tables without the key column).
/// Rows are spilled per month to Arrow IPC files in `spill_dir` first, so memory stays
/// bounded whatever the number of months.
pub fn write_partitioned(
    table: Table,
    source: &Path,
    months: &HashMap<String, String>,
    out_root: &Path,
    spill_dir: &Path,
) -> Result<Vec<Staged>> {
    let file_schema = file_schema(table);
    let spill = spill_dir.join(table.name());
    let _ = std::fs::remove_dir_all(&spill);
    std::fs::create_dir_all(&spill)
        .with_context(|| format!("Failed to create '{}'", spill.display()))?;
    let spilled = |month: &str| {
        format!(
            "Failed to write '{}'",
            spill.join(format!("{month}.arrow")).display()
        )
    };
    let mut writers: BTreeMap<String, FileWriter<File>> = BTreeMap::new();
    for_each_batch(table, source, |batch| {
        let month_of_row: Vec<String> = match batch.column_by_name(KEY) {
            Some(k) => {
                let k = k.as_string::<i32>();
                (0..k.len()).map(|i| k.value(i).to_string()).collect()
            }
            None => {
                let ids = batch
                    .column_by_name("article_id")
                    .context("a partitioned table has article_id")?
                    .as_string::<i32>();
                (0..ids.len())
                    .map(|i| {
                        months.get(ids.value(i)).cloned().with_context(|| {
                            format!("{}: article {} has no month", table.name(), ids.value(i))
                        })
                    })
                    .collect::<Result<_>>()?
            }
        };
        let mut rows: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for (i, m) in month_of_row.iter().enumerate() {
            rows.entry(m.as_str()).or_default().push(i as u32);
        }
        let projected = batch.project(
            &file_schema
                .fields()
                .iter()
                .map(|f| batch.schema().index_of(f.name()))
                .collect::<Result<Vec<_>, _>>()?,
        )?;
        for (month, idx) in rows {
            let idx = UInt32Array::from(idx);
            let columns = projected
                .columns()
                .iter()
                .map(|c| arrow::compute::take(c.as_ref(), &idx, None))
                .collect::<Result<Vec<_>, _>>()?;
            let part = RecordBatch::try_new(file_schema.clone(), columns)?;
            if !writers.contains_key(month) {
                let f = File::create(spill.join(format!("{month}.arrow")))
                    .with_context(|| spilled(month))?;
                let w = FileWriter::try_new(f, &file_schema).with_context(|| spilled(month))?;
                writers.insert(month.to_string(), w);
            }
            writers
                .get_mut(month)
                .expect("just inserted")
                .write(&part)
                .with_context(|| spilled(month))?;
        }
        Ok(())
    })?;
    let mut staged = Vec::new();
    if writers.is_empty() {
        // A table without rows is still a dataset folder that every engine scans as an
        // empty table: one file without rows, in the release's first month (a folder of
        // only the null partition leaves pyarrow nothing to infer the key's type from).
        let month = months.values().min().map_or(NULL_PARTITION, String::as_str);
        let target = part_path(table, out_root, month);
        let writer = TableWriter::create_with_schema(table, file_schema.clone(), &target)?;
        staged.push(writer.finish()?.0);
    }
    for (month, mut w) in writers {
        w.finish().with_context(|| spilled(&month))?;
        let target = part_path(table, out_root, &month);
        let mut writer = TableWriter::create_with_schema(table, file_schema.clone(), &target)?;
        let reader = FileReader::try_new(File::open(spill.join(format!("{month}.arrow")))?, None)?;
        for batch in reader {
            writer.write(batch?)?;
        }
        staged.push(writer.finish()?.0);
    }
    let _ = std::fs::remove_dir_all(&spill);
    Ok(staged)
}

#[cfg(test)]
mod tests {

    /// What another tool stores for gazette's types reads as gazette's; other types
    /// are an error naming the column.
    #[test]
    fn columns_other_tools_store_read_as_the_registrys() {
        use arrow::array::{Int32Array, LargeStringArray, ListArray};
        use arrow::datatypes::{Field, Int32Type};
        let field = |t: DataType| Arc::new(Field::new("c", t, true));
        let large: ArrayRef = Arc::new(LargeStringArray::from(vec![Some("a"), None]));
        let read = stored_as(&large, &field(DataType::Utf8)).unwrap();
        assert_eq!(read.as_string::<i32>().value(0), "a");
        assert!(read.is_null(1));
        let element = Arc::new(Field::new("element", DataType::Int32, true));
        let plain =
            ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1), Some(4)])]);
        let (_, offsets, values, nulls) = plain.into_parts();
        let list: ArrayRef = Arc::new(ListArray::new(element, offsets, values, nulls));
        let item = DataType::List(Arc::new(Field::new_list_field(DataType::Int32, true)));
        let read = stored_as(&list, &field(item.clone())).unwrap();
        assert_eq!(read.data_type(), &item);
        assert_eq!(
            read.as_list::<i32>()
                .value(0)
                .as_primitive::<Int32Type>()
                .values(),
            &[1, 4]
        );
        let ints: ArrayRef = Arc::new(Int32Array::from(vec![1]));
        let err = stored_as(&ints, &field(DataType::Utf8)).unwrap_err();
        assert!(
            err.to_string().contains("column 'c' is stored as Int32"),
            "{err}"
        );
        assert!(!same_values(&DataType::Int64, &DataType::Int32));
    }

    use super::*;

    /// The committed claims table: its schema and statistics prove the columns without
    /// nulls, not the ones with some (26 claims have no section heading); a copy written
    /// without statistics proves its required columns only, and one with every column
    /// optional as well (as pandas writes) proves nothing, so the data tests decode every
    /// column of it.
    #[test]
    fn schema_and_statistics_prove_columns_without_nulls() {
        let path = Table::Claims.path(Path::new(env!("CARGO_MANIFEST_DIR")));
        let proven = columns_without_nulls(&path).unwrap();
        for column in ["claim_id", "article_id", "text", "char_start", "modality"] {
            assert!(proven.contains(column), "{column}");
        }
        for column in ["section_heading", "attribution_cue", "attributed_to"] {
            assert!(!proven.contains(column), "{column}");
        }
        // `citations` is a list: its statistics are its elements'.
        assert!(!proven.contains("citations"));

        let (schema, batches) = super::super::read_table(&path).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let write_bare = |schema: SchemaRef| {
            let bare = dir.path().join("claims.parquet");
            let props = parquet::file::properties::WriterProperties::builder()
                .set_statistics_enabled(parquet::file::properties::EnabledStatistics::None)
                .build();
            let file = File::create(&bare).unwrap();
            let mut w =
                parquet::arrow::ArrowWriter::try_new(file, schema.clone(), Some(props)).unwrap();
            for b in &batches {
                w.write(&RecordBatch::try_new(schema.clone(), b.columns().to_vec()).unwrap())
                    .unwrap();
            }
            w.close().unwrap();
            columns_without_nulls(&bare).unwrap()
        };
        let required: std::collections::HashSet<String> = schema
            .fields()
            .iter()
            .filter(|f| !f.is_nullable() && !matches!(f.data_type(), DataType::List(_)))
            .map(|f| f.name().clone())
            .collect();
        assert!(required.contains("text") && !required.contains("section_heading"));
        assert_eq!(write_bare(schema.clone()), required);
        let optional: Vec<_> = schema
            .fields()
            .iter()
            .map(|f| f.as_ref().clone().with_nullable(true))
            .collect();
        assert!(write_bare(Arc::new(arrow::datatypes::Schema::new(optional))).is_empty());
    }

    /// The first rows of a table, with only the columns asked for (those it has) and,
    /// for a partitioned table, its key: the same values as reading it whole.
    #[test]
    fn the_head_of_a_table_holds_only_the_columns_asked_for() {
        let path = Table::Claims.path(Path::new(env!("CARGO_MANIFEST_DIR")));
        let mut whole: Vec<RecordBatch> = Vec::new();
        for_each_stored_batch(&path, |b| {
            whole.push(b);
            Ok(())
        })
        .unwrap();
        let whole = arrow::compute::concat_batches(&whole[0].schema(), &whole).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let month = dir.path().join("claims/published_month=2025-10");
        std::fs::create_dir_all(&month).unwrap();
        std::fs::copy(&path, month.join("part-0.parquet")).unwrap();
        let asked = ["text", "claim_id", "no_such_column"];
        for (table, names) in [
            (path.clone(), vec!["claim_id", "text"]),
            (dir.path().join("claims"), vec!["claim_id", "text", KEY]),
        ] {
            let mut rows = 0;
            stored_head_while(&table, &asked, 3, |b| {
                let schema = b.schema();
                let got: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
                assert_eq!(got, names, "{}", table.display());
                assert_eq!(b.num_rows(), 3, "batches of the rows asked for");
                for name in ["claim_id", "text"] {
                    let expected = whole
                        .column_by_name(name)
                        .unwrap()
                        .slice(rows, b.num_rows());
                    assert_eq!(b.column_by_name(name).unwrap(), &expected, "{name}");
                }
                if let Some(key) = b.column_by_name(KEY) {
                    assert!(key.as_string::<i32>().iter().all(|k| k == Some("2025-10")));
                }
                rows += b.num_rows();
                Ok(rows < 7)
            })
            .unwrap();
            // Read until `f` says stop: the third batch holds the seventh row.
            assert_eq!(rows, 9, "{}", table.display());
        }
    }
}
