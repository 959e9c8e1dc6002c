//! Rows → Arrow record batches → Parquet files, and back.
//!
//! Tables are written as arrow-rs's `ArrowWriter` writes them (its column writers, driven
//! a column per thread by [`TableWriter`]), which produces plain `string` and `list<…>`
//! columns (readable by pandas and pyarrow 14) and carries each field's
//! description. To keep the bytes identical however the rows were produced (one thread,
//! many threads, one chunk or many), the column writers always receive the rows in
//! pieces of [`UNIT_ROWS`] cut at fixed offsets of the row group: page and row-group
//! boundaries then depend only on the rows.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail, ensure};
use arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, Float64Builder, Int32Builder, Int64Builder,
    ListBuilder, RecordBatch, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow::datatypes::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::arrow_writer::{
    ArrowColumnWriter, ArrowLeafColumn, ArrowRowGroupWriterFactory, compute_leaves,
};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::ColumnPath;

use super::{ColumnType, Table};
use crate::fsutil::{AtomicFile, Staged};

/// Rows per record batch handed to the Parquet writer: the rows a [`TableWriter`]
/// gathers before it encodes them (its columns in parallel).
pub const BATCH_ROWS: usize = 64 * 1024;

/// Rows per call to a column writer: arrow-rs' write batch size, the step in which it
/// checks a page's size anyway. Rows arrive in batches of any size (a chunk's, a
/// derived dataset's); cut at these offsets, only the few rows of a piece that spans
/// two batches are copied. Gathering every [`BATCH_ROWS`] into one batch first copied
/// every row, into memory the kernel had to zero: 6 % of a 100k datasets build's CPU.
const UNIT_ROWS: usize = 1024;
const _: () = assert!(BATCH_ROWS.is_multiple_of(UNIT_ROWS));

/// Accumulates rows of one table column by column: each `push_*` call fills the next
/// column, [`RowBuilder::end_row`] checks that every column got a value.
pub struct RowBuilder {
    table: Table,
    schema: SchemaRef,
    builders: Vec<ColumnBuilder>,
    col: usize,
    len: usize,
}

/// One column's builder, by type: an enum rather than `Box<dyn ArrayBuilder>`, because
/// normalizing appends tens of millions of cells and a downcast per cell (a virtual call
/// and a type-id comparison) was a twentieth of the parse.
enum ColumnBuilder {
    Utf8(StringBuilder),
    Int32(Int32Builder),
    Int64(Int64Builder),
    Float64(Float64Builder),
    Boolean(BooleanBuilder),
    Timestamp(TimestampMicrosecondBuilder),
    ListInt32(ListBuilder<Int32Builder>),
    ListUtf8(ListBuilder<StringBuilder>),
}

impl ColumnBuilder {
    fn new(ty: ColumnType) -> Self {
        match ty {
            ColumnType::Utf8 => Self::Utf8(StringBuilder::new()),
            ColumnType::Int32 => Self::Int32(Int32Builder::new()),
            ColumnType::Int64 => Self::Int64(Int64Builder::new()),
            ColumnType::Float64 => Self::Float64(Float64Builder::new()),
            ColumnType::Boolean => Self::Boolean(BooleanBuilder::new()),
            ColumnType::Timestamp => Self::Timestamp(
                TimestampMicrosecondBuilder::new()
                    .with_timezone(crate::corpus::PUBLISHER_TIME_ZONE),
            ),
            ColumnType::ListInt32 => Self::ListInt32(ListBuilder::new(Int32Builder::new())),
            ColumnType::ListUtf8 => Self::ListUtf8(ListBuilder::new(StringBuilder::new())),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Self::Utf8(b) => ArrayBuilder::finish(b),
            Self::Int32(b) => ArrayBuilder::finish(b),
            Self::Int64(b) => ArrayBuilder::finish(b),
            Self::Float64(b) => ArrayBuilder::finish(b),
            Self::Boolean(b) => ArrayBuilder::finish(b),
            Self::Timestamp(b) => ArrayBuilder::finish(b),
            Self::ListInt32(b) => ArrayBuilder::finish(b),
            Self::ListUtf8(b) => ArrayBuilder::finish(b),
        }
    }
}

/// The builder of the next column, which must be of the variant given. A mismatch is a
/// bug in a row's `append` (caught by the schema tests), not an input error.
macro_rules! next_column {
    ($row:ident, $variant:ident) => {{
        let col = $row.col;
        $row.col += 1;
        match &mut $row.builders[col] {
            ColumnBuilder::$variant(b) => b,
            _ => wrong_type($row.table, &$row.schema, col),
        }
    }};
}

#[cold]
fn wrong_type(table: Table, schema: &SchemaRef, col: usize) -> ! {
    panic!(
        "{}.{}: value of the wrong type",
        table.name(),
        schema.field(col).name()
    )
}

impl RowBuilder {
    pub fn new(table: Table) -> Self {
        let spec = table.spec();
        RowBuilder {
            table,
            schema: spec.schema(),
            builders: spec
                .columns
                .iter()
                .map(|c| ColumnBuilder::new(c.ty))
                .collect(),
            col: 0,
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn str(&mut self, v: &str) -> &mut Self {
        next_column!(self, Utf8).append_value(v);
        self
    }
    pub fn opt_str(&mut self, v: Option<&str>) -> &mut Self {
        next_column!(self, Utf8).append_option(v);
        self
    }
    pub fn i32(&mut self, v: i32) -> &mut Self {
        next_column!(self, Int32).append_value(v);
        self
    }
    pub fn opt_i32(&mut self, v: Option<i32>) -> &mut Self {
        next_column!(self, Int32).append_option(v);
        self
    }
    pub fn i64(&mut self, v: i64) -> &mut Self {
        next_column!(self, Int64).append_value(v);
        self
    }
    pub fn f64(&mut self, v: f64) -> &mut Self {
        next_column!(self, Float64).append_value(v);
        self
    }
    pub fn opt_f64(&mut self, v: Option<f64>) -> &mut Self {
        next_column!(self, Float64).append_option(v);
        self
    }
    pub fn bool(&mut self, v: bool) -> &mut Self {
        next_column!(self, Boolean).append_value(v);
        self
    }
    pub fn opt_bool(&mut self, v: Option<bool>) -> &mut Self {
        next_column!(self, Boolean).append_option(v);
        self
    }
    /// An instant in microseconds since the epoch (UTC).
    pub fn timestamp(&mut self, micros: i64) -> &mut Self {
        next_column!(self, Timestamp).append_value(micros);
        self
    }
    /// An optional instant in microseconds since the epoch (UTC).
    pub fn opt_timestamp(&mut self, micros: Option<i64>) -> &mut Self {
        next_column!(self, Timestamp).append_option(micros);
        self
    }
    pub fn list_i32(&mut self, v: impl IntoIterator<Item = i32>) -> &mut Self {
        let b = next_column!(self, ListInt32);
        b.values().extend(v.into_iter().map(Some));
        b.append(true);
        self
    }
    pub fn list_str<'s>(&mut self, v: impl IntoIterator<Item = &'s str>) -> &mut Self {
        let b = next_column!(self, ListUtf8);
        for s in v {
            b.values().append_value(s);
        }
        b.append(true);
        self
    }

    pub fn end_row(&mut self) {
        assert_eq!(
            self.col,
            self.builders.len(),
            "{}: row has {} values for {} columns",
            self.table.name(),
            self.col,
            self.builders.len()
        );
        self.col = 0;
        self.len += 1;
    }

    /// Takes the rows accumulated so far as a record batch.
    pub fn finish(&mut self) -> Result<RecordBatch> {
        let columns: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(ColumnBuilder::finish)
            .collect();
        self.len = 0;
        RecordBatch::try_new(self.schema.clone(), columns)
            .with_context(|| format!("Rows do not fit the schema of '{}'", self.table.name()))
    }
}

/// zstd level 1, not 3: at 100k articles it compressed the tables and datasets faster
/// (assembly 2.9 → 2.4 s) and, on these pages of ids and short strings, smaller
/// (244 → 237 MB).
fn writer_properties(table: Table) -> WriterProperties {
    let mut props = WriterProperties::builder().set_compression(Compression::ZSTD(
        ZstdLevel::try_new(1).expect("valid level"),
    ));
    for column in unique_columns(table) {
        props = props.set_column_dictionary_enabled(ColumnPath::from(column), false);
    }
    for column in unordered_columns(table) {
        props =
            props.set_column_statistics_enabled(ColumnPath::from(column), EnabledStatistics::None);
    }
    props.build()
}

/// Columns whose minimum and maximum tell a reader nothing: hashes (every row group
/// spans nearly all of their range, so no filter on them skips one) and free text
/// (truncated to 64 bytes in the statistics anyway). The writer compared every value
/// with the page's and the column's bounds, 2–3 % of the instructions of a build of the
/// datasets. Without statistics a column records no null count either; the data tests
/// know these columns hold no null from the schema (they are required).
fn unordered_columns(table: Table) -> Vec<&'static str> {
    let spec = table.spec();
    // A primary key that is a hash too (`mention_id`), and the claim's text the ledger
    // repeats per figure (where a dictionary pays, statistics do not).
    let more = ["mention_id", "figure_id", "claim_text"];
    ID_HASHES
        .into_iter()
        .chain(TEXTS)
        .chain(more)
        .filter(|c| spec.column(c).is_some())
        .collect()
}

/// Columns that hold a content hash wherever they appear.
const ID_HASHES: [&str; 3] = ["article_id", "claim_id", "content_hash"];

/// Columns of free text: a title, a summary, a claim.
const TEXTS: [&str; 3] = ["summary", "title", "text"];

/// Columns with a value of their own in (nearly) every row, which a dictionary cannot
/// shorten: a one-column primary key, the hashes and texts that are as unique, and the
/// ids of the claim or article a row belongs to (plain, zstd shortens their runs as well).
/// Interning each of their values into a dictionary the writer then gives up on was
/// 2.7 % of the instructions of a build of the datasets (5,000 synthetic articles), and
/// without it the tables are 3–9 % smaller.
fn unique_columns(table: Table) -> Vec<&'static str> {
    let spec = table.spec();
    let mut out: Vec<&'static str> = match spec.primary_key {
        [key] => vec![*key],
        _ => vec![],
    };
    for column in ID_HASHES.into_iter().chain(TEXTS) {
        if spec.column(column).is_some() && !out.contains(&column) {
            out.push(column);
        }
    }
    out
}

/// Rows per row group: arrow-rs' default, which `ArrowWriter` would cut at.
const ROW_GROUP_ROWS: usize = parquet::file::properties::DEFAULT_MAX_ROW_GROUP_ROW_COUNT;

/// Row groups of a part this large are copied whole into a table by
/// [`TableWriter::append_file`]; smaller ones are written again with their neighbours.
pub const COPY_MIN_ROWS: usize = ROW_GROUP_ROWS / 16;

/// Row groups of a part with this many bytes of values (uncompressed) are copied whole
/// too, however few their rows: a file's articles (ten thousand rows of whole summaries,
/// about 20 MB) make a row group as large as readers want, and decoding and compressing
/// them again was most of the time spent assembling the tables.
pub const COPY_MIN_BYTES: i64 = 8 << 20;

/// Streams rows of one table into a Parquet file, which appears at its path only when
/// [`TableWriter::finish`] succeeds.
///
/// A row group's columns are encoded and compressed in parallel (rayon), each by the
/// column writer `ArrowWriter` would use, fed the same batches in the same order: the
/// bytes are `ArrowWriter`'s, and writing a large table no longer keeps one core busy
/// while the other waits (zstd is most of the time).
pub struct TableWriter {
    table: Table,
    schema: SchemaRef,
    rows: RowBuilder,
    /// Rows received and not yet encoded, in the batches they came in.
    pending: std::collections::VecDeque<RecordBatch>,
    pending_rows: usize,
    file: SerializedFileWriter<AtomicFile>,
    columns: ArrowRowGroupWriterFactory,
    /// The column writers of the row group being filled, and its rows so far.
    group: Option<Vec<ArrowColumnWriter>>,
    group_rows: usize,
    written: u64,
}

impl TableWriter {
    pub fn create(table: Table, path: &Path) -> Result<Self> {
        Self::create_with_schema(table, table.schema(), path)
    }

    /// A writer for files of `table` with another schema (a partitioned table's files
    /// leave out the partition key).
    pub fn create_with_schema(table: Table, schema: SchemaRef, path: &Path) -> Result<Self> {
        let file = AtomicFile::create(path)?;
        // Through `ArrowWriter`, so that the file carries the same Arrow schema metadata.
        let (file, columns) =
            ArrowWriter::try_new(file, schema.clone(), Some(writer_properties(table)))
                .and_then(ArrowWriter::into_serialized_writer)
                .with_context(|| format!("Failed to start writing '{}'", path.display()))?;
        Ok(TableWriter {
            table,
            schema,
            rows: RowBuilder::new(table),
            pending: Default::default(),
            pending_rows: 0,
            file,
            columns,
            group: None,
            group_rows: 0,
            written: 0,
        })
    }

    /// The row builder; call [`TableWriter::row_done`] after each row.
    pub fn row(&mut self) -> &mut RowBuilder {
        &mut self.rows
    }

    pub fn row_done(&mut self) -> Result<()> {
        self.rows.end_row();
        if self.rows.len() >= BATCH_ROWS {
            let batch = self.rows.finish()?;
            self.write(batch)?;
        }
        Ok(())
    }

    /// Appends a batch whose fields are the table's (schema-level metadata is replaced
    /// by the registry's).
    pub fn write(&mut self, batch: RecordBatch) -> Result<()> {
        let schema = self.schema.clone();
        ensure!(
            batch.schema().fields() == schema.fields(),
            "Batch for '{}' does not have the registry's columns:\n{:#?}",
            self.table.name(),
            batch.schema().fields()
        );
        let batch = batch.with_schema(schema)?;
        if batch.num_rows() == 0 {
            return Ok(());
        }
        self.pending_rows += batch.num_rows();
        self.pending.push_back(batch);
        while self.pending_rows >= BATCH_ROWS {
            let units = self.take_units(BATCH_ROWS)?;
            self.add_to_group(units)?;
        }
        Ok(())
    }

    /// The first `n` pending rows, in pieces of [`UNIT_ROWS`] (the last one shorter if
    /// `n` is not a multiple): slices of the batches they came in, copied only where a
    /// piece spans two batches.
    fn take_units(&mut self, n: usize) -> Result<Vec<RecordBatch>> {
        debug_assert!(n <= self.pending_rows);
        let mut units = Vec::with_capacity(n.div_ceil(UNIT_ROWS));
        let mut left = n;
        while left > 0 {
            let want = left.min(UNIT_ROWS);
            let mut pieces = Vec::new();
            let mut got = 0;
            while got < want {
                let front = self
                    .pending
                    .front_mut()
                    .context("fewer rows than counted")?;
                let take = (want - got).min(front.num_rows());
                pieces.push(front.slice(0, take));
                got += take;
                if take == front.num_rows() {
                    self.pending.pop_front();
                } else {
                    *front = front.slice(take, front.num_rows() - take);
                }
            }
            units.push(match pieces.len() {
                1 => pieces.pop().expect("one piece"),
                _ => arrow::compute::concat_batches(&self.schema, &pieces)?,
            });
            left -= want;
        }
        self.pending_rows -= n;
        Ok(units)
    }

    /// Writes the remaining rows and the footer; the file replaces the previous table
    /// when the returned [`Staged`] is committed. Returns it with the number of rows.
    pub fn finish(mut self) -> Result<(Staged, u64)> {
        self.end_group()?;
        let target = self.file.inner().target().to_path_buf();
        let file = self
            .file
            .into_inner()
            .with_context(|| format!("Failed to finish '{}'", target.display()))?;
        Ok((file.finish()?, self.written))
    }

    /// Writes the rows received so far as a row group, however few they are.
    fn end_group(&mut self) -> Result<()> {
        if !self.rows.is_empty() {
            let batch = self.rows.finish()?;
            self.write(batch)?;
        }
        if self.pending_rows > 0 {
            let units = self.take_units(self.pending_rows)?;
            self.add_to_group(units)?;
        }
        self.write_group()
    }

    /// Appends the rows of a Parquet file of the same table written by a `TableWriter`
    /// (a part of the build cache). Its row groups of [`COPY_MIN_ROWS`] or more (or of
    /// [`COPY_MIN_BYTES`]) are copied as they are, pages, statistics and page index,
    /// without decoding a value:
    /// assembling the tables from their parts was a third of the normalize at a million
    /// articles when every part was decoded and encoded again. Smaller row groups are
    /// decoded and join the rows around them, so that a corpus of many small files does
    /// not make tables of many small row groups.
    pub fn append_file(&mut self, path: &Path) -> Result<()> {
        self.append_file_filtered(path, |_| false, Ok)
    }

    /// [`TableWriter::append_file`], except that the row groups for which `touched`
    /// holds are decoded and their batches written through `filter` (which removes rows).
    pub fn append_file_filtered(
        &mut self,
        path: &Path,
        touched: impl Fn(&parquet::file::metadata::RowGroupMetaData) -> bool,
        mut filter: impl FnMut(RecordBatch) -> Result<RecordBatch>,
    ) -> Result<()> {
        use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
        use parquet::column::writer::ColumnCloseResult;
        use parquet::file::metadata::{PageIndexPolicy, ParquetMetaDataReader};
        let context = || format!("Failed to read '{}'", path.display());
        let failed = {
            let target = self.file.inner().target().to_path_buf();
            move || format!("Failed to write '{}'", target.display())
        };
        let file = File::open(path).with_context(context)?;
        let meta = ParquetMetaDataReader::new()
            .with_page_index_policy(PageIndexPolicy::Optional)
            .parse_and_finish(&file)
            .with_context(context)?;
        let meta = Arc::new(meta);
        let index = meta.page_index();
        let reader_meta = ArrowReaderMetadata::try_new(meta.clone(), ArrowReaderOptions::new())
            .with_context(context)?;
        for (g, group) in meta.row_groups().iter().enumerate() {
            let touched = touched(group);
            let small = (group.num_rows() as usize) < COPY_MIN_ROWS
                && group.total_byte_size() < COPY_MIN_BYTES;
            if touched || small {
                let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(
                    file.try_clone().with_context(context)?,
                    reader_meta.clone(),
                )
                .with_row_groups(vec![g])
                .with_batch_size(BATCH_ROWS)
                .build()
                .with_context(context)?;
                for batch in reader {
                    let batch = batch.with_context(context)?;
                    self.write(if touched { filter(batch)? } else { batch })?;
                }
                continue;
            }
            self.end_group()?;
            let mut out = self.file.next_row_group().with_context(&failed)?;
            for (c, column) in group.columns().iter().enumerate() {
                let chunk = ColumnCloseResult {
                    bytes_written: column.compressed_size() as u64,
                    rows_written: group.num_rows() as u64,
                    metadata: column.clone(),
                    bloom_filter: None,
                    column_index: index.and_then(|i| i.column_index(g, c)).cloned(),
                    offset_index: index.and_then(|i| i.offset_index(g, c)).cloned(),
                };
                out.append_column(&file, chunk).with_context(|| {
                    format!(
                        "Failed to copy column {c} of row group {g} of '{}' into '{}'",
                        path.display(),
                        self.table.name()
                    )
                })?;
            }
            out.close().with_context(&failed)?;
            self.written += group.num_rows() as u64;
        }
        Ok(())
    }

    /// Encodes pieces of rows (from [`TableWriter::take_units`]) into the row group, its
    /// columns in parallel, and writes the group when full. Pieces come [`BATCH_ROWS`]
    /// at a time, which divides [`ROW_GROUP_ROWS`], so none straddles two groups.
    fn add_to_group(&mut self, units: Vec<RecordBatch>) -> Result<()> {
        use rayon::prelude::*;
        let writers = match &mut self.group {
            Some(w) => w,
            None => self.group.insert(
                self.columns
                    .create_column_writers(self.file.flushed_row_groups().len())?,
            ),
        };
        // Each column writer's leaves, a piece at a time.
        let mut leaves: Vec<Vec<ArrowLeafColumn>> = (0..writers.len())
            .map(|_| Vec::with_capacity(units.len()))
            .collect();
        let mut rows = 0;
        for unit in &units {
            let mut column_leaves = Vec::with_capacity(writers.len());
            for (field, column) in self.schema.fields().iter().zip(unit.columns()) {
                column_leaves.extend(compute_leaves(
                    field.as_ref(),
                    &without_empty_nulls(column),
                )?);
            }
            ensure!(
                column_leaves.len() == writers.len(),
                "'{}': {} leaf columns for {} column writers",
                self.table.name(),
                column_leaves.len(),
                writers.len()
            );
            for (to, leaf) in leaves.iter_mut().zip(column_leaves) {
                to.push(leaf);
            }
            rows += unit.num_rows();
        }
        writers
            .par_iter_mut()
            .zip(leaves)
            .try_for_each(|(w, leaves)| leaves.iter().try_for_each(|leaf| w.write(leaf)))?;
        self.group_rows += rows;
        self.written += rows as u64;
        if self.group_rows >= ROW_GROUP_ROWS {
            self.write_group()?;
        }
        Ok(())
    }

    /// Closes the row group's column writers (in parallel: the last pages are
    /// compressed there) and appends their chunks to the file.
    fn write_group(&mut self) -> Result<()> {
        use rayon::prelude::*;
        let Some(writers) = self.group.take() else {
            return Ok(());
        };
        let chunks = writers
            .into_par_iter()
            .map(ArrowColumnWriter::close)
            .collect::<Result<Vec<_>, _>>()?;
        // Where the bytes reach the file: a full disk is reported here, with the file.
        let written = (|| {
            let mut group = self.file.next_row_group()?;
            for chunk in chunks {
                chunk.append_to_row_group(&mut group)?;
            }
            group.close()
        })();
        written.with_context(|| {
            format!("Failed to write '{}'", self.file.inner().target().display())
        })?;
        self.group_rows = 0;
        Ok(())
    }
}

/// `column` without its validity buffer when that marks no value null. arrow-rs lays out
/// a flat column's pages differently with and without one (it writes a column with no
/// buffer in larger steps), and whether a column carries an all-valid buffer depends on
/// how its rows were produced and sliced, not on the rows: without this, the same rows
/// handed over whole or in slices gave different bytes.
fn without_empty_nulls(column: &ArrayRef) -> ArrayRef {
    match column.nulls() {
        Some(nulls) if nulls.null_count() == 0 => {
            let data = column.to_data().into_builder().nulls(None);
            // SAFETY: only a buffer marking every value valid is dropped, which is what
            // no buffer means; the values, offsets and children are unchanged.
            arrow::array::make_array(unsafe { data.build_unchecked() })
        }
        _ => column.clone(),
    }
}

/// Writes whole batches as one table file (staged, see [`TableWriter::finish`]).
pub fn write_batches(table: Table, path: &Path, batches: &[RecordBatch]) -> Result<(Staged, u64)> {
    let mut w = TableWriter::create(table, path)?;
    for b in batches {
        w.write(b.clone())?;
    }
    w.finish()
}

/// Opens a Parquet file and parses its footer: the one place that says which file is
/// missing or is not Parquet.
pub fn open_parquet(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<File>> {
    let file = File::open(path).with_context(|| format!("Failed to open '{}'", path.display()))?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .with_context(|| format!("Failed to read '{}' as Parquet", path.display()))
}

/// Reads a Parquet file into record batches.
pub fn read_table(path: &Path) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let builder = open_parquet(path)?.with_batch_size(BATCH_ROWS);
    let schema = Arc::clone(builder.schema());
    let reader = builder.build()?;
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("Failed to read '{}'", path.display()))?;
    if batches
        .iter()
        .any(|b| b.schema().fields() != schema.fields())
    {
        bail!("'{}' has batches of different schemas", path.display());
    }
    Ok((schema, batches))
}

/// The projection of a Parquet reader onto its top-level columns whose names `keep`
/// accepts (the others are never decoded).
pub fn columns_where<R>(
    builder: &parquet::arrow::arrow_reader::ArrowReaderBuilder<R>,
    keep: impl Fn(&str) -> bool,
) -> ProjectionMask {
    let roots = builder
        .schema()
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| keep(f.name()))
        .map(|(i, _)| i);
    ProjectionMask::roots(builder.parquet_schema(), roots)
}

/// The batches of some columns of a Parquet file, in file order, the others not read.
pub fn read_columns(path: &Path, columns: &[&str]) -> Result<ParquetRecordBatchReader> {
    let builder = open_parquet(path)?;
    let roots = columns
        .iter()
        .map(|c| {
            builder
                .schema()
                .index_of(c)
                .with_context(|| format!("'{}' has no column '{c}'", path.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
    builder
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .with_context(|| format!("Failed to read '{}'", path.display()))
}

/// The schema of a Parquet file without reading its data.
pub fn read_schema(path: &Path) -> Result<SchemaRef> {
    Ok(Arc::clone(open_parquet(path)?.schema()))
}

/// The number of rows of a Parquet file, from its footer.
pub fn parquet_rows(path: &Path) -> Result<usize> {
    let rows = open_parquet(path)?.metadata().file_metadata().num_rows();
    usize::try_from(rows).with_context(|| format!("'{}' has {rows} rows", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int32Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("n", DataType::Int32, false),
            Field::new("text", DataType::Utf8, true),
        ]))
    }

    /// Rows `from..to`: a number and a text that repeats (so pages get dictionaries).
    fn rows(from: i32, to: i32) -> RecordBatch {
        let n: Int32Array = (from..to).collect();
        let text: StringArray = (from..to)
            .map(|i| (i % 7 != 0).then(|| format!("row {}", i % 1000)))
            .collect();
        RecordBatch::try_new(schema(), vec![Arc::new(n), Arc::new(text)]).unwrap()
    }

    /// Columns unique to each row are written plain, since a dictionary of them is as long
    /// as the column; the labels that repeat keep theirs.
    #[test]
    fn unique_columns_are_written_without_dictionaries() {
        let claims = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/tables/claims.parquet");
        let meta = open_parquet(&claims).unwrap().metadata().clone();
        let dictionary = |name: &str| {
            let column = meta
                .row_group(0)
                .columns()
                .iter()
                .find(|c| c.column_path().string() == name)
                .unwrap();
            column
                .encodings()
                .any(|e| e == parquet::basic::Encoding::RLE_DICTIONARY)
        };
        assert_eq!(
            unique_columns(Table::Claims),
            ["claim_id", "article_id", "text"]
        );
        assert!(!dictionary("claim_id") && !dictionary("text"));
        assert!(dictionary("section_label") && dictionary("modality"));
        assert_eq!(
            unique_columns(Table::Articles),
            ["article_id", "content_hash", "summary", "title"]
        );
    }

    /// Hashes and texts are written without statistics, which could not narrow a scan;
    /// the lines and labels keep theirs (assembly skips row groups by their lines').
    #[test]
    fn hashes_and_texts_are_written_without_statistics() {
        let claims = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/tables/claims.parquet");
        let meta = open_parquet(&claims).unwrap().metadata().clone();
        let statistics = |name: &str| {
            meta.row_groups().iter().all(|g| {
                let column = g
                    .columns()
                    .iter()
                    .find(|c| c.column_path().string() == name);
                column.unwrap().statistics().is_some()
            })
        };
        assert_eq!(
            unordered_columns(Table::Claims),
            ["article_id", "claim_id", "text"]
        );
        for column in unordered_columns(Table::Claims) {
            assert!(!statistics(column), "{column}");
        }
        for column in ["source_line", "char_start", "section_label", "modality"] {
            assert!(statistics(column), "{column}");
        }
        assert_eq!(
            unordered_columns(Table::Articles),
            ["article_id", "content_hash", "summary", "title"]
        );
        assert_eq!(
            unordered_columns(Table::FigureLedger),
            ["article_id", "claim_id", "title", "figure_id", "claim_text"]
        );
    }

    /// Writes a part of `rows` and returns its path.
    fn part(dir: &Path, name: &str, rows: RecordBatch) -> std::path::PathBuf {
        let path = dir.join(name);
        let mut w = TableWriter::create_with_schema(Table::Articles, schema(), &path).unwrap();
        w.write(rows).unwrap();
        w.finish().unwrap().0.commit().unwrap();
        path
    }

    fn assemble(dir: &Path, parts: &[&Path]) -> std::path::PathBuf {
        let path = dir.join("table.parquet");
        let mut w = TableWriter::create_with_schema(Table::Articles, schema(), &path).unwrap();
        for p in parts {
            w.append_file(p).unwrap();
        }
        let (staged, n) = w.finish().unwrap();
        staged.commit().unwrap();
        assert_eq!(n, parquet_rows(&path).unwrap() as u64);
        path
    }

    fn row_groups(path: &Path) -> Vec<i64> {
        let meta = open_parquet(path).unwrap().metadata().clone();
        meta.row_groups().iter().map(|g| g.num_rows()).collect()
    }

    #[test]
    fn appended_parts_keep_their_rows_in_order_and_large_row_groups_are_copied() {
        let dir = tempfile::tempdir().unwrap();
        let big_rows = COPY_MIN_ROWS as i32 + 10;
        let small = part(dir.path(), "small.parquet", rows(0, 5));
        let big = part(dir.path(), "big.parquet", rows(5, 5 + big_rows));
        let tail_a = part(dir.path(), "a.parquet", rows(5 + big_rows, 105 + big_rows));
        let tail_b = part(
            dir.path(),
            "b.parquet",
            rows(105 + big_rows, 110 + big_rows),
        );
        let table = assemble(dir.path(), &[&small, &big, &tail_a, &tail_b]);

        let (_, batches) = read_table(&table).unwrap();
        let all = arrow::compute::concat_batches(&schema(), &batches).unwrap();
        assert_eq!(all, rows(0, 110 + big_rows));
        // The small part before the large one ends a row group of its own; the large
        // one is its own row group; the small ones after it share one.
        assert_eq!(
            row_groups(&table),
            vec![5, big_rows as i64, 105],
            "row groups of the assembled table"
        );
        // Copied, not encoded again: the large row group's column chunks are the part's,
        // byte for byte (their sizes and the bytes where they start).
        let part_meta = open_parquet(&big).unwrap().metadata().clone();
        let table_meta = open_parquet(&table).unwrap().metadata().clone();
        let (from, to) = (part_meta.row_group(0), table_meta.row_group(1));
        let part_bytes = std::fs::read(&big).unwrap();
        let table_bytes = std::fs::read(&table).unwrap();
        for (a, b) in from.columns().iter().zip(to.columns()) {
            assert_eq!(a.compressed_size(), b.compressed_size());
            let (ra, rb) = (a.byte_range(), b.byte_range());
            assert_eq!(
                part_bytes[ra.0 as usize..(ra.0 + ra.1) as usize],
                table_bytes[rb.0 as usize..(rb.0 + rb.1) as usize]
            );
        }
        // The copied chunks keep their page index (readers skip pages with it).
        let indexed = ParquetRecordBatchReaderBuilder::try_new_with_options(
            File::open(&table).unwrap(),
            parquet::arrow::arrow_reader::ArrowReaderOptions::new()
                .with_page_index_policy(parquet::file::metadata::PageIndexPolicy::Required),
        )
        .unwrap();
        let index = indexed.metadata().page_index().expect("a page index");
        assert!(index.offset_index(1, 0).is_some() && index.column_index(1, 1).is_some());
    }

    #[test]
    fn row_groups_of_few_but_long_rows_are_copied() {
        // A row group large in bytes is copied however few its rows, and joins no
        // neighbour; a small one before it still ends a row group of its own.
        let dir = tempfile::tempdir().unwrap();
        let long = "x".repeat(1000);
        let n = (COPY_MIN_BYTES as usize / long.len() + 1) as i32;
        assert!((n as usize) < COPY_MIN_ROWS);
        let wide = |from: i32, to: i32| {
            let numbers: Int32Array = (from..to).collect();
            let text: StringArray = (from..to).map(|i| Some(format!("{i} {long}"))).collect();
            RecordBatch::try_new(schema(), vec![Arc::new(numbers), Arc::new(text)]).unwrap()
        };
        let small = part(dir.path(), "small.parquet", rows(0, 5));
        let big = part(dir.path(), "big.parquet", wide(5, 5 + n));
        let table = assemble(dir.path(), &[&small, &big]);
        assert_eq!(row_groups(&table), vec![5, n as i64]);
        let (from, to) = (
            open_parquet(&big).unwrap().metadata().row_group(0).clone(),
            open_parquet(&table)
                .unwrap()
                .metadata()
                .row_group(1)
                .clone(),
        );
        assert!(from.total_byte_size() >= COPY_MIN_BYTES);
        for (a, b) in from.columns().iter().zip(to.columns()) {
            assert_eq!(a.compressed_size(), b.compressed_size(), "copied as it was");
        }
        let (_, batches) = read_table(&table).unwrap();
        let all = arrow::compute::concat_batches(&schema(), &batches).unwrap();
        let expected =
            arrow::compute::concat_batches(&schema(), &[rows(0, 5), wide(5, 5 + n)]).unwrap();
        assert_eq!(all, expected);
    }

    #[test]
    fn parts_written_in_other_batches_assemble_to_the_same_bytes() {
        // What a part holds depends on its rows only, so a table does too.
        let dir = tempfile::tempdir().unwrap();
        let n = COPY_MIN_ROWS as i32 + 1000;
        let whole = part(dir.path(), "whole.parquet", rows(0, n));
        let path = dir.path().join("sliced.parquet");
        let mut w = TableWriter::create_with_schema(Table::Articles, schema(), &path).unwrap();
        for start in (0..n).step_by(999) {
            w.write(rows(start, (start + 999).min(n))).unwrap();
        }
        w.finish().unwrap().0.commit().unwrap();
        let tail = part(dir.path(), "tail.parquet", rows(n, n + 10));
        let a = std::fs::read(assemble(dir.path(), &[&whole, &tail])).unwrap();
        let b = std::fs::read(assemble(dir.path(), &[&path, &tail])).unwrap();
        assert!(a == b, "the same rows in other batches gave another table");
    }
}
