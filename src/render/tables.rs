//! Reading the published tables for the pages: Parquet → Arrow batches → typed columns.
//!
//! A table stays in its Arrow batches (compact: one buffer per column and batch); pages
//! read single values through [`Col`], so nothing is copied into per-row structs up
//! front. Every column is checked against the registry's type when it is opened, so a
//! stale or foreign file is an error message, never a panic.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use arrow::array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int8Array, Int16Array,
    Int32Array, Int64Array, ListArray, PrimitiveArray, RecordBatch, StringArray,
    TimestampMicrosecondArray,
};
use arrow::datatypes::{ArrowDictionaryKeyType, DataType, Int8Type, Int16Type, Int32Type, Schema};

use super::groups::ByParent;
use super::id_col::{Id, IdChunk, ids_as_numbers};
use super::load::ClaimRows;
use super::packed::{PackedBuilder, PackedStrs};
use crate::tables::{Table, Written, partition};
use crate::text::FastMap;

/// Where each table's Parquet file is read from: the published location under the
/// output root, or, during a build, the staged file that will replace it; and where the
/// build's reports are (`data/quality.json`, `data/changelog.json`).
#[derive(Debug, Clone)]
pub struct TableFiles {
    paths: BTreeMap<Table, PathBuf>,
    /// A partitioning build's staged partition files, per table, with their key values.
    staged_parts: BTreeMap<Table, Vec<(String, PathBuf)>>,
    quality: PathBuf,
    changelog: PathBuf,
    /// The normalized tables are published as month partitions (the data page then
    /// tells readers to scan folders, not to open files).
    partitioned: bool,
    /// Long texts past this many bytes are held packed ([`PACK_TEXT_ABOVE`]).
    pack_text_above: usize,
}

/// A table's long texts (the claims') are held packed ([`PackedStrs`]) once they pass
/// this many bytes: at a million articles the claims' text is 1.5 GB, packed about 0.6
/// GB; at 100k articles (140 MB) unpacking each page's text would cost a tenth more of
/// the render's CPU for memory nobody misses.
pub const PACK_TEXT_ABOVE: usize = 256 << 20;

impl TableFiles {
    /// The tables as published under `out_root` (what `gazette render` reads): single
    /// files, or partitioned dataset folders.
    pub fn published(out_root: &Path) -> Self {
        TableFiles {
            paths: Table::ALL
                .iter()
                .map(|&t| (t, partition::published_path(t, out_root)))
                .collect(),
            staged_parts: BTreeMap::new(),
            quality: out_root.join(crate::quality::REPORT_PATH),
            changelog: out_root.join(crate::diff::CHANGELOG_PATH),
            partitioned: partition::published_path(Table::Articles, out_root).is_dir(),
            pack_text_above: PACK_TEXT_ABOVE,
        }
    }

    /// The same tables, to be published partitioned or not (a build reads its tables
    /// before it partitions them).
    pub fn with_partitioned(mut self, partitioned: bool) -> Self {
        self.partitioned = partitioned;
        self
    }

    /// Where `table` is published, relative to the output root: its file, or its
    /// dataset folder (ending in `/`) when partitioned.
    pub fn published_rel(&self, table: Table) -> (String, bool) {
        let rel = |p: &Path| p.to_string_lossy().replace('\\', "/");
        if self.partitioned && partition::is_partitioned(table) {
            let dir = partition::dataset_dir(table, Path::new(""));
            (format!("{}/", rel(&dir)), true)
        } else {
            (rel(&table.spec().rel_path()), false)
        }
    }

    /// The same tables, their long texts packed past `bytes` (tests pack small ones).
    pub fn with_text_packed_above(mut self, bytes: usize) -> Self {
        self.pack_text_above = bytes;
        self
    }

    /// The tables of this build, read from their staged files before they are committed
    /// (tables the build did not write are read where they are published).
    pub fn staged(written: &Written, out_root: &Path) -> Self {
        TableFiles {
            paths: Table::ALL
                .iter()
                .map(|&t| (t, written.read_path(t, out_root)))
                .collect(),
            staged_parts: Table::ALL
                .iter()
                .map(|&t| (t, partition::staged_parts(written, t, out_root)))
                .filter(|(_, parts)| !parts.is_empty())
                .collect(),
            ..Self::published(out_root)
        }
    }

    /// The same tables, with the data test report and the changelog read from `quality`
    /// and `changelog` (a build's staged files).
    pub fn with_reports(mut self, quality: &Path, changelog: Option<&Path>) -> Self {
        self.quality = quality.to_path_buf();
        if let Some(c) = changelog {
            self.changelog = c.to_path_buf();
        }
        self
    }

    /// A table by its registry name, or `None` when the registry has no such table yet
    /// or it is not built (pages for tables that are on their way use this).
    pub fn load_by_name(&self, name: &str) -> Result<Option<TableData>> {
        match Table::by_name(name) {
            Some(t) => self.load(t),
            None => Ok(None),
        }
    }

    /// The data test report of the build (`data/quality.json`), if there is one.
    pub fn quality(&self) -> Result<Option<crate::quality::Report>> {
        read_json(&self.quality)
    }

    /// What the build changed (`data/changelog.json`), if there is a changelog.
    pub fn changelog(&self) -> Result<Option<crate::diff::DataDiff>> {
        read_json(&self.changelog)
    }

    /// The partition files of a partitioned table with their key values, in key order:
    /// the build's staged partitions, or the published dataset folder's; `None` when the
    /// table is one file. (A partitioning build reads its single files for the pages but
    /// offers the partitions' rows as downloads, as `gazette render` of the release does.)
    pub fn parts(&self, table: Table) -> Result<Option<Vec<(String, PathBuf)>>> {
        if let Some(parts) = self.staged_parts.get(&table) {
            return Ok(Some(parts.clone()));
        }
        let path = self.path(table);
        Ok(if path.is_dir() {
            Some(partition::partition_files(path)?)
        } else {
            None
        })
    }

    pub fn path(&self, table: Table) -> &Path {
        // Every table of the registry has an entry (see `published`).
        self.paths
            .get(&table)
            .map(PathBuf::as_path)
            .unwrap_or(Path::new(""))
    }

    /// The bytes of every built table's files (partitioned ones: every partition's),
    /// what loading them all reads; a file that cannot be listed counts nothing.
    pub fn stored_bytes(&self) -> u64 {
        let len = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
        self.paths
            .values()
            .map(|p| {
                if p.is_dir() {
                    partition::partition_files(p)
                        .map_or(0, |files| files.iter().map(|(_, f)| len(f)).sum())
                } else {
                    len(p)
                }
            })
            .sum()
    }

    pub fn is_built(&self, table: Table) -> bool {
        self.path(table).exists()
    }

    /// The table, or `None` when it has not been built (a stage that is not part of this
    /// build, or a table added to the registry after the last build).
    pub fn load(&self, table: Table) -> Result<Option<TableData>> {
        self.load_resolving(table, &mut [], None)
    }

    /// [`TableFiles::load`], resolving the parent ids of each batch into row numbers
    /// (`parents`) as it is read, and its claim ids into claim rows (`claims`, after the
    /// article among `parents`); the id columns themselves are not kept.
    pub fn load_resolving(
        &self,
        table: Table,
        parents: &mut [ParentRows<'_>],
        claims: Option<&mut ClaimRows<'_>>,
    ) -> Result<Option<TableData>> {
        if !self.is_built(table) {
            return Ok(None);
        }
        let skip: Vec<&str> = match shown(table) {
            Some(shown) => table
                .spec()
                .columns
                .iter()
                .map(|c| c.name)
                .filter(|n| !shown.contains(n) && !parents.iter().any(|p| p.column == *n))
                .collect(),
            None => Vec::new(),
        };
        let path = self.path(table);
        TableData::read_resolving(
            table,
            path,
            &skip,
            parents,
            claims,
            Some(self.pack_text_above),
        )
        .map(Some)
    }

    /// The table, which must have been built.
    pub fn require(&self, table: Table) -> Result<TableData> {
        self.load(table)?.ok_or_else(|| self.missing(table))
    }

    /// The error for a table that must have been built and is not.
    pub fn missing(&self, table: Table) -> anyhow::Error {
        anyhow!(
            "The table '{}' is missing ('{}'): run `gazette build` first",
            table.name(),
            self.path(table).display()
        )
    }
}

/// The columns the site shows of a table (`None`: all of them); loading a table for it
/// leaves the others undecoded: at a million articles the summaries alone are gigabytes
/// of memory. (The downloads copy the published files whole.) A child table's reference
/// to its article or entity is not listed: it is read as row numbers ([`ParentRows`]).
fn shown(table: Table) -> Option<&'static [&'static str]> {
    Some(match table {
        Table::Articles => &[
            "article_id",
            "collection",
            "title",
            "source",
            "published_at",
            "core_label",
            "n_claims",
            "source_file",
            "source_line",
            "summary_line",
        ],
        Table::Claims => &[
            "claim_id",
            "ordinal",
            "section_ordinal",
            "section_label",
            "section_heading",
            "is_core",
            "text",
            "citations",
            "attribution_cue",
            "attributed_to",
            "hedged",
            "modality",
        ],
        Table::Figures => &[
            "figure_id",
            "claim_id",
            "field",
            "surface",
            "char_start",
            "char_end",
            "kind",
            "value",
            "value_max",
            "unit",
            "per_unit",
            "qualifier",
            "normalized_value",
            "normalized_value_max",
            "normalized_unit",
            "role",
            "subject_entity_id",
            "commodity_id",
            "measure",
            "as_of_year",
        ],
        Table::Mentions => &["claim_id", "char_start", "char_end"],
        Table::StatisticVariants => &[
            "subject_entity_id",
            "commodity_id",
            "measure",
            "unit",
            "as_of_year",
            "claim_ids",
        ],
        _ => return None,
    })
}

/// The string columns of a table with few distinct values, held as dictionaries (a key
/// of four bytes per row into a batch's distinct values): units, kinds, labels, and the
/// entities figures are about. At 100k articles they were 200 MB of the figures' and
/// claims' text in memory.
fn dictionary(table: Table) -> &'static [&'static str] {
    match table {
        Table::Articles => &["collection", "source", "core_label"],
        Table::Claims => &[
            "section_label",
            "section_heading",
            "attribution_cue",
            "attributed_to",
            "modality",
        ],
        Table::Figures => &[
            "field",
            "kind",
            "unit",
            "per_unit",
            "qualifier",
            "normalized_unit",
            "role",
            "subject_entity_id",
            "commodity_id",
            "measure",
        ],
        _ => &[],
    }
}

/// The long-text columns held packed in memory ([`PackedStrs`]) instead of in the
/// batches once they are large ([`PACK_TEXT_ABOVE`]): the claims' text is the largest
/// thing the site holds.
fn packed(table: Table) -> &'static [&'static str] {
    match table {
        Table::Claims => &["text"],
        _ => &[],
    }
}

/// The id columns held as numbers where they are gazette's 16 hex digits
/// ([`ids_as_numbers`]): the two tables with millions of ids the pages show.
fn numbered_ids(table: Table) -> &'static [&'static str] {
    match table {
        Table::Claims => &["claim_id"],
        Table::Figures => &["figure_id"],
        _ => &[],
    }
}

/// Checks that parent rows (see [`ParentRows`]) were resolved for every row of `t`.
pub fn check_resolved(rows: &[u32], t: &TableData) -> Result<()> {
    if rows.len() != t.len() {
        bail!(
            "'{}': {} rows, but {} resolved to their parent rows",
            t.name,
            t.len(),
            rows.len()
        );
    }
    Ok(())
}

/// Checks that `by_article` groups every row of the child table `t` by `n_articles`
/// article rows.
pub fn check_by_article(by_article: &ByParent, t: &TableData, n_articles: usize) -> Result<()> {
    if by_article.n_rows() != t.len() || by_article.n_groups() != n_articles {
        bail!(
            "'{}': {} rows in {n_articles} articles, but {} resolved to {} article rows",
            t.name,
            t.len(),
            by_article.n_rows(),
            by_article.n_groups()
        );
    }
    Ok(())
}

/// The parent row of each row of a child table, from its id column `column`: a claim's,
/// figure's or mention's article, a mention's entity. Resolved batch by batch as the
/// table is read, so the ids (a third of the mentions' memory) are never held.
pub struct ParentRows<'m> {
    pub column: &'static str,
    row_of: &'m FastMap<&'m str, u32>,
    rows: Vec<u32>,
}

impl<'m> ParentRows<'m> {
    pub fn new(column: &'static str, row_of: &'m FastMap<&'m str, u32>) -> Self {
        ParentRows {
            column,
            row_of,
            rows: Vec::new(),
        }
    }

    /// Resolves the ids of a batch of the table `what` (read from `path`); returns the
    /// index of their column.
    fn push_batch(&mut self, batch: &RecordBatch, what: &str, path: &Path) -> Result<usize> {
        let i = batch.schema().index_of(self.column).ok();
        let ids = i.and_then(|i| batch.column(i).as_any().downcast_ref::<StringArray>());
        let (Some(i), Some(ids)) = (i, ids) else {
            bail!("'{}' has no column '{}'", path.display(), self.column);
        };
        self.push(ids, what)?;
        Ok(i)
    }

    /// Resolves the next rows' ids; `what` names the table in errors.
    fn push(&mut self, ids: &StringArray, what: &str) -> Result<()> {
        self.rows.reserve(ids.len());
        // A child table is in its parent's order: ids come in runs.
        let mut last: Option<(&str, u32)> = None;
        for i in 0..ids.len() {
            let id = ids.value(i);
            let row = match last {
                Some((l, r)) if l == id => r,
                _ => {
                    let r = *self.row_of.get(id).ok_or_else(|| {
                        anyhow!(
                            "{what} row {}: '{id}' is not in the table it refers to",
                            self.rows.len() + 1
                        )
                    })?;
                    last = Some((id, r));
                    r
                }
            };
            self.rows.push(row);
        }
        Ok(())
    }

    /// Resolves every row of a table in memory (tests build their fixtures this way).
    pub fn of_table(mut self, t: &TableData) -> Result<Vec<u32>> {
        for b in t.batches() {
            self.push_batch(b, &t.name, &t.path)?;
        }
        Ok(self.rows)
    }

    pub fn into_rows(self) -> Vec<u32> {
        self.rows
    }

    /// The parent rows of the last `n` rows resolved.
    fn last(&self, n: usize) -> &[u32] {
        &self.rows[self.rows.len().saturating_sub(n)..]
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("Failed to read '{}'", path.display())),
    };
    serde_json::from_slice(&bytes).map(Some).with_context(|| {
        format!(
            "'{}' is not what this gazette writes: rebuild",
            path.display()
        )
    })
}

/// One table's rows as Arrow batches.
pub struct TableData {
    /// The table's name, for messages.
    pub name: String,
    pub path: PathBuf,
    batches: Vec<RecordBatch>,
    /// The columns held packed instead of in the batches (see [`packed`]).
    packed: Vec<(&'static str, PackedStrs)>,
    /// Where each batch starts.
    starts: Starts,
    len: usize,
}

impl TableData {
    /// Reads a table and checks that every registry column is there with its type; its
    /// values as the file stores them (the downloads' CSV writes them out).
    pub fn read(table: Table, path: &Path) -> Result<Self> {
        Self::read_resolving(table, path, &[], &mut [], None, None)
    }

    /// [`TableData::read`] without the columns `skip`, resolving each batch's parent
    /// ids into `parents` (and claim ids into `claims`) and dropping their columns.
    /// With `compact`, held as the site holds them: ids as numbers ([`numbered_ids`])
    /// and the long texts packed once they pass `compact` bytes.
    pub fn read_resolving(
        table: Table,
        path: &Path,
        skip: &[&str],
        parents: &mut [ParentRows<'_>],
        mut claims: Option<&mut ClaimRows<'_>>,
        compact: Option<usize>,
    ) -> Result<Self> {
        // The file's own schema: a table written before the registry gained a column is
        // named here with what to do, before any batch is read.
        let schema = partition::stored_schema(path)?;
        for column in table
            .spec()
            .columns
            .iter()
            .filter(|c| !skip.contains(&c.name))
        {
            let field = schema.field_with_name(column.name).map_err(|_| {
                anyhow!(
                    "'{}' has no column '{}' (table '{}'): rebuild the tables",
                    path.display(),
                    column.name,
                    table.name()
                )
            })?;
            let want = column.ty.arrow();
            if !partition::same_values(field.data_type(), &want) {
                bail!(
                    "Column '{}' of '{}' is {}, but the registry says {want}: rebuild the tables",
                    column.name,
                    path.display(),
                    field.data_type()
                );
            }
        }
        let mut batches = Vec::new();
        let dictionary = dictionary(table);
        let texts: Vec<&'static str> = packed(table)
            .iter()
            .copied()
            .filter(|c| !skip.contains(c))
            .collect();
        let mut text_bytes = 0;
        // `None` until the texts pass `pack_text_above`.
        let mut packing: Option<Vec<(&'static str, PackedBuilder)>> = None;
        let pack = |batch: &mut RecordBatch, builders: &mut [(&str, PackedBuilder)]| {
            for (name, builder) in builders {
                let i = batch.schema().index_of(name)?;
                let column = batch.remove_column(i);
                let strings = column
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .ok_or_else(|| {
                        anyhow!(
                            "Column '{name}' of '{}' is not a string column",
                            path.display()
                        )
                    })?;
                builder.push_array(strings)?;
            }
            anyhow::Ok(())
        };
        let decode = |batch: &mut dyn FnMut(RecordBatch) -> Result<()>| {
            partition::for_each_batch_decoding(table, path, skip, dictionary, batch)
        };
        partition::produced_ahead(decode, |mut batch| {
            for p in parents.iter_mut() {
                let i = p.push_batch(&batch, table.name(), path)?;
                batch.remove_column(i);
            }
            if let Some(claims) = claims.as_deref_mut() {
                let article = parents
                    .iter()
                    .find(|p| p.column == "article_id")
                    .ok_or_else(|| anyhow!("{}: claims are resolved after articles", table.name()))?
                    .last(batch.num_rows());
                let i = claims.push_batch(&batch, article, table.name(), path)?;
                batch.remove_column(i);
            }
            let mut batch = narrow_keys(batch)?;
            let Some(pack_text_above) = compact else {
                batches.push(batch);
                return Ok(());
            };
            batch = ids_as_numbers(batch, numbered_ids(table))?;
            if packing.is_none() && !texts.is_empty() {
                text_bytes += texts
                    .iter()
                    .filter_map(|c| batch.column_by_name(c))
                    .map(|c| c.get_buffer_memory_size())
                    .sum::<usize>();
                if text_bytes > pack_text_above {
                    let mut builders: Vec<_> = texts
                        .iter()
                        .map(|&c| (c, PackedBuilder::default()))
                        .collect();
                    for earlier in &mut batches {
                        pack(earlier, &mut builders)?;
                    }
                    packing = Some(builders);
                }
            }
            // Packed batch by batch from then on, so that the texts are never whole
            // in memory.
            if let Some(builders) = &mut packing {
                pack(&mut batch, builders)?;
            }
            batches.push(batch);
            Ok(())
        })?;
        let mut data = TableData::from_batches(table.name(), batches);
        data.path = path.to_path_buf();
        for (name, builder) in packing.into_iter().flatten() {
            data.packed.push((name, builder.finish()?));
        }
        Ok(data)
    }

    /// A table from batches in memory (unchecked: columns are checked as they are
    /// opened). Tests build fixtures of tables this way.
    pub fn from_batches(name: &str, batches: Vec<RecordBatch>) -> Self {
        let starts = Starts::new(batches.iter().map(RecordBatch::num_rows));
        let len = batches.iter().map(RecordBatch::num_rows).sum();
        TableData {
            name: name.to_string(),
            path: PathBuf::from(name),
            batches,
            packed: Vec::new(),
            starts,
            len,
        }
    }

    /// A long-text column (one [`packed`] lists), held packed or in the batches.
    pub fn text(&self, name: &str) -> Result<TextCol<'_>> {
        match self.packed.iter().find(|(n, _)| *n == name) {
            Some((_, p)) => Ok(TextCol::Packed(p)),
            None => self.str(name).map(TextCol::Plain),
        }
    }

    /// Whether the table has a column `name` (columns added to a table after the pages
    /// that use them were written are read only where they exist).
    pub fn has_column(&self, name: &str) -> bool {
        self.batches
            .first()
            .is_some_and(|b| b.schema().column_with_name(name).is_some())
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn batches(&self) -> &[RecordBatch] {
        &self.batches
    }

    /// Drops a column (once it has been read into something smaller), freeing it.
    pub fn drop_column(&mut self, name: &str) {
        for b in &mut self.batches {
            if let Ok(i) = b.schema().index_of(name) {
                b.remove_column(i);
            }
        }
    }

    /// A column as arrays of type `A` (checked against the file when it was read).
    pub fn col<A: Array + 'static>(&self, name: &str) -> Result<Col<'_, A>> {
        Ok(Col {
            chunks: self.chunks(name, |a| a.as_any().downcast_ref::<A>())?,
            starts: &self.starts,
        })
    }

    /// A string column, plain or read as a dictionary (the low-cardinality columns the loader lists).
    pub fn str(&self, name: &str) -> Result<StrCol<'_>> {
        Ok(StrCol {
            chunks: self.chunks(name, StrChunk::of)?,
            starts: &self.starts,
        })
    }

    /// An id column, held as numbers or strings ([`numbered_ids`]).
    pub fn id(&self, name: &str) -> Result<IdCol<'_>> {
        Ok(IdCol {
            chunks: self.chunks(name, IdChunk::of)?,
            starts: &self.starts,
        })
    }

    /// Each batch's column `name` as `view` reads it (`None`: not of the type it reads).
    fn chunks<'s, T>(
        &'s self,
        name: &str,
        view: impl Fn(&'s dyn Array) -> Option<T>,
    ) -> Result<Vec<T>> {
        self.batches
            .iter()
            .map(|b| {
                let array = b
                    .column_by_name(name)
                    .ok_or_else(|| anyhow!("'{}' has no column '{name}'", self.path.display()))?;
                view(array.as_ref()).ok_or_else(|| {
                    anyhow!(
                        "Column '{name}' of '{}' has an unexpected type {}",
                        self.path.display(),
                        array.data_type()
                    )
                })
            })
            .collect::<Result<Vec<_>>>()
            .with_context(|| format!("Failed to read table '{}'", self.name))
    }
    pub fn i32(&self, name: &str) -> Result<Col<'_, Int32Array>> {
        self.col(name)
    }
    pub fn i64(&self, name: &str) -> Result<Col<'_, Int64Array>> {
        self.col(name)
    }
    pub fn f64(&self, name: &str) -> Result<Col<'_, Float64Array>> {
        self.col(name)
    }
    pub fn bool(&self, name: &str) -> Result<Col<'_, BooleanArray>> {
        self.col(name)
    }
    pub fn timestamp(&self, name: &str) -> Result<Col<'_, TimestampMicrosecondArray>> {
        self.col(name)
    }
    pub fn list(&self, name: &str) -> Result<Col<'_, ListArray>> {
        self.col(name)
    }

    /// A column that may not exist yet: `None` when the table has no such column.
    pub fn str_if_present(&self, name: &str) -> Result<Option<StrCol<'_>>> {
        if self.has_column(name) {
            self.str(name).map(Some)
        } else {
            Ok(None)
        }
    }

    /// An `int32` column that may not exist yet (see [`TableData::str_if_present`]).
    pub fn i32_if_present(&self, name: &str) -> Result<Option<Col<'_, Int32Array>>> {
        self.has_column(name).then(|| self.i32(name)).transpose()
    }
}

/// One column of a table, across its batches; row `i` counts from the table's start.
pub struct Col<'a, A> {
    chunks: Vec<&'a A>,
    starts: &'a Starts,
}

impl<'a, A> Col<'a, A> {
    fn at(&self, i: usize) -> (&'a A, usize) {
        let (b, r) = self.starts.locate(i);
        (self.chunks[b], r)
    }
}

/// Where each batch of a table starts, to find the batch of a row.
///
/// Every read of a value goes through [`Starts::locate`], tens of millions of times per
/// page set. The Parquet reader cuts batches of one power-of-two size (the last one may
/// be shorter), so the batch is the row number shifted; a binary search among thousands
/// of starts was a third of reading a string at a million articles. Batches of other
/// sizes (tables built in memory) are searched.
#[derive(Debug, Clone, Default)]
pub(crate) struct Starts {
    /// Index of each batch's first row (one entry per batch).
    starts: Vec<usize>,
    /// `log2` of the batches' size, when all but the last have that size.
    shift: Option<u32>,
}

impl Starts {
    fn new(lens: impl Iterator<Item = usize>) -> Self {
        let lens: Vec<usize> = lens.collect();
        let mut starts = Vec::with_capacity(lens.len());
        let mut at = 0;
        for &n in &lens {
            starts.push(at);
            at += n;
        }
        let shift = match lens.split_last() {
            Some((&last, rest)) if !rest.is_empty() => {
                let size = rest[0];
                (size.is_power_of_two() && last <= size && rest.iter().all(|&n| n == size))
                    .then(|| size.trailing_zeros())
            }
            _ => None,
        };
        Starts { starts, shift }
    }

    /// The batch holding row `i`, and the row's index in it.
    #[inline]
    fn locate(&self, i: usize) -> (usize, usize) {
        match self.shift {
            Some(s) => (i >> s, i & ((1 << s) - 1)),
            None => {
                let b = self.starts.partition_point(|&s| s <= i).saturating_sub(1);
                (b, i - self.starts[b])
            }
        }
    }
}

macro_rules! primitive_col {
    ($array:ty, $value:ty) => {
        impl<'a> Col<'a, $array> {
            pub fn get(&self, i: usize) -> $value {
                let (a, r) = self.at(i);
                a.value(r)
            }
            pub fn opt(&self, i: usize) -> Option<$value> {
                let (a, r) = self.at(i);
                a.is_valid(r).then(|| a.value(r))
            }
        }
    };
}

primitive_col!(Int32Array, i32);
primitive_col!(Int64Array, i64);
primitive_col!(Float64Array, f64);
primitive_col!(BooleanArray, bool);
primitive_col!(TimestampMicrosecondArray, i64);

/// One batch of a string column: its strings, or keys into a dictionary of them (of
/// the narrowest width its values fit, see [`narrow_keys`]).
#[derive(Clone, Copy)]
enum StrChunk<'a> {
    Plain(&'a StringArray),
    Keys8(&'a Int8Array, &'a StringArray),
    Keys16(&'a Int16Array, &'a StringArray),
    Keys32(&'a Int32Array, &'a StringArray),
}

impl<'a> StrChunk<'a> {
    fn of(array: &'a dyn Array) -> Option<Self> {
        let any = array.as_any();
        if let Some(a) = any.downcast_ref::<StringArray>() {
            return Some(StrChunk::Plain(a));
        }
        let values = |v: &'a ArrayRef| v.as_any().downcast_ref::<StringArray>();
        if let Some(d) = any.downcast_ref::<DictionaryArray<Int8Type>>() {
            return Some(StrChunk::Keys8(d.keys(), values(d.values())?));
        }
        if let Some(d) = any.downcast_ref::<DictionaryArray<Int16Type>>() {
            return Some(StrChunk::Keys16(d.keys(), values(d.values())?));
        }
        let d = any.downcast_ref::<DictionaryArray<Int32Type>>()?;
        Some(StrChunk::Keys32(d.keys(), values(d.values())?))
    }

    fn opt(self, r: usize) -> Option<&'a str> {
        match self {
            StrChunk::Plain(a) => a.is_valid(r).then(|| a.value(r)),
            StrChunk::Keys8(k, v) => k.is_valid(r).then(|| v.value(k.value(r) as usize)),
            StrChunk::Keys16(k, v) => k.is_valid(r).then(|| v.value(k.value(r) as usize)),
            StrChunk::Keys32(k, v) => k.is_valid(r).then(|| v.value(k.value(r) as usize)),
        }
    }
}

/// `batch` with each dictionary column's keys as narrow as its values allow: one byte
/// a row for up to 128 distinct values instead of the four the reader gives. At a
/// million articles the claims' and figures' labels, units and kinds were 0.5 GB of
/// keys.
fn narrow_keys(batch: RecordBatch) -> Result<RecordBatch> {
    fn narrowed<K: ArrowDictionaryKeyType>(keys: &Int32Array, values: &ArrayRef) -> Result<ArrayRef>
    where
        K::Native: TryFrom<i32>,
    {
        // Every valid key is below the number of values; a null slot's key is any number.
        let max = values.len().saturating_sub(1) as i32;
        let keys: PrimitiveArray<K> = keys.unary(|k| {
            K::Native::try_from(k.clamp(0, max)).unwrap_or_else(|_| K::Native::default())
        });
        Ok(Arc::new(DictionaryArray::<K>::try_new(
            keys,
            values.clone(),
        )?))
    }
    let schema = batch.schema();
    if !schema
        .fields()
        .iter()
        .any(|f| matches!(f.data_type(), DataType::Dictionary(k, _) if **k == DataType::Int32))
    {
        return Ok(batch);
    }
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut columns = Vec::with_capacity(schema.fields().len());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        let dict = column.as_any().downcast_ref::<DictionaryArray<Int32Type>>();
        let column = match dict {
            Some(d) if d.values().len() <= i8::MAX as usize + 1 => {
                narrowed::<Int8Type>(d.keys(), d.values())?
            }
            Some(d) if d.values().len() <= i16::MAX as usize + 1 => {
                narrowed::<Int16Type>(d.keys(), d.values())?
            }
            _ => column.clone(),
        };
        let ty = column.data_type().clone();
        fields.push(field.as_ref().clone().with_data_type(ty));
        columns.push(column);
    }
    let schema = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
    Ok(RecordBatch::try_new(schema, columns)?)
}

/// A long-text column of a table ([`TableData::text`]).
pub enum TextCol<'a> {
    Plain(StrCol<'a>),
    Packed(&'a PackedStrs),
}

impl<'a> TextCol<'a> {
    /// Row `i`'s text (borrowed from the table unless it is packed).
    pub fn get(&self, i: usize) -> Cow<'a, str> {
        match self {
            TextCol::Plain(c) => Cow::Borrowed(c.get(i)),
            TextCol::Packed(p) => Cow::Owned(p.get(i)),
        }
    }

    pub fn is_packed(&self) -> bool {
        matches!(self, TextCol::Packed(_))
    }
}

/// A string column of a table, across its batches; row `i` counts from the table's start.
pub struct StrCol<'a> {
    chunks: Vec<StrChunk<'a>>,
    starts: &'a Starts,
}

impl<'a> StrCol<'a> {
    /// Row `i`'s string; the empty string when it is null (a required column has none).
    pub fn get(&self, i: usize) -> &'a str {
        self.opt(i).unwrap_or_default()
    }
    pub fn opt(&self, i: usize) -> Option<&'a str> {
        let (b, r) = self.starts.locate(i);
        self.chunks[b].opt(r)
    }
}

/// An id column of a table ([`TableData::id`]).
pub struct IdCol<'a> {
    chunks: Vec<IdChunk<'a>>,
    starts: &'a Starts,
}

impl<'a> IdCol<'a> {
    pub fn get(&self, i: usize) -> Id<'a> {
        let (b, r) = self.starts.locate(i);
        self.chunks[b].get(r)
    }
}

impl<'a> Col<'a, ListArray> {
    /// The strings of a `list<string>` value, borrowed from the table (none when null).
    /// An iterator, so that counting them allocates nothing.
    pub fn str_items(&self, i: usize) -> impl Iterator<Item = &'a str> + use<'a> {
        let (a, r) = self.at(i);
        let values = a
            .is_valid(r)
            .then(|| a.values().as_any().downcast_ref::<StringArray>())
            .flatten();
        let span = values.map_or(0..0, |_| {
            let offsets = a.value_offsets();
            offsets[r] as usize..offsets[r + 1] as usize
        });
        span.filter_map(move |j| values.filter(|v| v.is_valid(j)).map(|v| v.value(j)))
    }

    /// Whether row `i`'s list holds a value (not null, not empty, not only nulls), read
    /// from its offsets without copying it out.
    pub fn has_values(&self, i: usize) -> bool {
        let (a, r) = self.at(i);
        let offsets = a.value_offsets();
        a.is_valid(r)
            && (offsets[r] as usize..offsets[r + 1] as usize).any(|j| a.values().is_valid(j))
    }

    /// A `list<int32>` value (empty when null).
    pub fn i32s(&self, i: usize) -> Vec<i32> {
        let (a, r) = self.at(i);
        if !a.is_valid(r) {
            return Vec::new();
        }
        let values = a.value(r);
        match values.as_any().downcast_ref::<Int32Array>() {
            Some(v) => v.iter().flatten().collect(),
            None => Vec::new(),
        }
    }

    /// A `list<string>` value (empty when null).
    pub fn strs(&self, i: usize) -> Vec<String> {
        let (a, r) = self.at(i);
        if !a.is_valid(r) {
            return Vec::new();
        }
        let values = a.value(r);
        match values.as_any().downcast_ref::<StringArray>() {
            Some(v) => v.iter().flatten().map(str::to_string).collect(),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::load::{Loaded, article_rows, rows_by_id};
    use arrow::array::ArrayRef;
    use std::sync::Arc;

    #[test]
    fn a_list_has_values_unless_it_is_null_empty_or_only_nulls() {
        use arrow::datatypes::Int32Type;
        let lists = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1), Some(4)]),
            None,
            Some(vec![]),
            Some(vec![None]),
            Some(vec![None, Some(2)]),
        ]);
        let batch =
            RecordBatch::try_from_iter([("citations", Arc::new(lists) as ArrayRef)]).unwrap();
        let t = TableData::from_batches("claims", vec![batch.clone(), batch]);
        let col = t.list("citations").unwrap();
        let has: Vec<bool> = (0..10).map(|i| col.has_values(i)).collect();
        let expected: Vec<bool> = (0..10).map(|i| !col.i32s(i).is_empty()).collect();
        assert_eq!(has, expected);
        assert_eq!(&has[..5], &[true, false, false, false, true]);
    }

    #[test]
    fn every_row_is_located_in_its_batch_whatever_the_batch_sizes() {
        for lens in [
            vec![4, 4, 4, 2],
            vec![4, 4, 4, 4],
            vec![8],
            vec![3, 3, 1],
            vec![4, 2, 4],
            vec![4, 0, 4, 4],
            vec![0, 5, 0, 2],
            vec![4, 4, 6],
        ] {
            let starts = Starts::new(lens.iter().copied());
            let mut expected = Vec::new();
            for (b, &n) in lens.iter().enumerate() {
                expected.extend((0..n).map(|r| (b, r)));
            }
            let located: Vec<_> = (0..expected.len()).map(|i| starts.locate(i)).collect();
            assert_eq!(located, expected, "batches of {lens:?}");
        }
        // The reader's batches (all of one power-of-two size but the last) are found by a
        // shift; others by a search.
        assert_eq!(Starts::new([4, 4, 4, 2].into_iter()).shift, Some(2));
        assert_eq!(Starts::new([3, 3, 1].into_iter()).shift, None);
        assert_eq!(Starts::new([4, 4, 6].into_iter()).shift, None);
    }

    #[test]
    fn parent_rows_count_rows_across_batches_and_name_an_unknown_id() {
        let row_of: FastMap<&str, u32> = [("a", 0), ("b", 1)].into_iter().collect();
        let mut p = ParentRows::new("article_id", &row_of);
        p.push(&StringArray::from(vec!["a", "a", "b"]), "claims")
            .unwrap();
        p.push(&StringArray::from(vec!["b", "a"]), "claims")
            .unwrap();
        let err = p
            .push(&StringArray::from(vec!["b", "zz"]), "claims")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "claims row 7: 'zz' is not in the table it refers to");
        let mut p = ParentRows::new("article_id", &row_of);
        p.push(&StringArray::from(vec!["a", "a", "b"]), "claims")
            .unwrap();
        p.push(&StringArray::from(vec!["b", "a"]), "claims")
            .unwrap();
        assert_eq!(p.into_rows(), vec![0, 0, 1, 1, 0]);
    }

    /// The site reads the committed tables without the columns it never shows and with
    /// the child tables' ids as row numbers: the same rows as resolving the whole tables.
    #[test]
    fn the_site_reads_parents_as_row_numbers_and_leaves_unshown_columns() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = TableFiles::published(root);
        let read = Loaded::read(&files).unwrap();
        let whole = |t: Table| TableData::read(t, files.path(t)).unwrap();
        let articles = whole(Table::Articles);
        let entities = whole(Table::Entities);
        let by_article = article_rows(&articles).unwrap();
        let ids = entities.str("entity_id").unwrap();
        let by_entity = rows_by_id(&ids, entities.len(), "entities").unwrap();
        let resolve =
            |column, row_of, t: Table| ParentRows::new(column, row_of).of_table(&whole(t)).unwrap();
        let parents = |by: &ByParent| (0..by.n_rows()).map(|r| by.parent(r)).collect::<Vec<_>>();
        let cases = [
            (
                parents(&read.claims_by_article),
                "article_id",
                &by_article,
                Table::Claims,
            ),
            (
                parents(&read.figures_by_article),
                "article_id",
                &by_article,
                Table::Figures,
            ),
            (
                parents(&read.mentions_by_article),
                "article_id",
                &by_article,
                Table::Mentions,
            ),
            (
                read.mention_entity.clone(),
                "entity_id",
                &by_entity,
                Table::Mentions,
            ),
        ];
        for (got, column, row_of, table) in cases {
            assert_eq!(got, resolve(column, row_of, table), "{table:?}.{column}");
        }
        // The build writes every child table in its articles' order: each article's
        // rows are held as one run, not listed.
        for by in [
            &read.claims_by_article,
            &read.figures_by_article,
            &read.mentions_by_article,
        ] {
            assert!(matches!(by, ByParent::Runs { .. }));
        }
        assert!(read.claims_by_article.n_rows() > 0 && !read.mention_entity.is_empty());
        let mentions = read.mentions.as_ref().unwrap();
        assert_eq!(mentions.len(), read.mentions_by_article.n_rows());
        for gone in [
            "article_id",
            "entity_id",
            "claim_id",
            "surface",
            "source_file",
        ] {
            assert!(!mentions.has_column(gone), "mentions.{gone} was read");
        }
        assert!(!read.figures.as_ref().unwrap().has_column("claim_id"));
        assert!(!read.claims.has_column("article_id"));
        assert!(!read.articles.has_column("summary"));
        // Figures' and mentions' claim ids became the rows of those claims (whose own
        // ids are held as numbers).
        let claim_ids = read.claims.id("claim_id").unwrap();
        assert!(
            read.claims.batches()[0]
                .column_by_name("claim_id")
                .is_some_and(|c| c.data_type() == &DataType::UInt64)
        );
        let mut in_titles = 0;
        for (rows, table) in [
            (&read.figure_claim, Table::Figures),
            (&read.mention_claim, Table::Mentions),
        ] {
            let t = whole(table);
            let ids = t.str("claim_id").unwrap();
            assert_eq!(rows.len(), t.len(), "{table:?}");
            for (i, &c) in rows.iter().enumerate() {
                let got = (c != crate::render::load::NO_CLAIM).then(|| claim_ids.get(c as usize));
                assert_eq!(got, ids.opt(i).map(Id::of), "{table:?} row {i}");
                in_titles += usize::from(got.is_none());
            }
        }
        assert!(
            in_titles > 0,
            "the committed tables have figures or mentions in titles"
        );
    }

    /// A figure whose claim is not one of its article's claims is an error naming it.
    #[test]
    fn a_claim_outside_its_article_is_an_error() {
        let batch = |cols: Vec<(&str, Vec<Option<&str>>)>| {
            let arrays = cols
                .into_iter()
                .map(|(name, values)| (name, Arc::new(StringArray::from(values)) as ArrayRef));
            RecordBatch::try_from_iter(arrays).unwrap()
        };
        let claims = TableData::from_batches(
            "claims",
            vec![batch(vec![("claim_id", vec![Some("c1"), Some("c2")])])],
        );
        let by_article = ByParent::new(2, vec![0, 1]);
        let figures = |ids: Vec<Option<&str>>| {
            TableData::from_batches("figures", vec![batch(vec![("claim_id", ids)])])
        };
        let mut ok = figures(vec![None, Some("c1"), Some("c1"), Some("c2")]);
        let resolve = || crate::render::load::ClaimRows::new(&claims, &by_article).unwrap();
        let rows = resolve().of_table(&mut ok, &[0, 0, 0, 1]);
        assert_eq!(rows.unwrap(), [crate::render::load::NO_CLAIM, 0, 0, 1]);
        assert!(!ok.has_column("claim_id"));
        let mut bad = figures(vec![Some("c1"), Some("c2")]);
        let err = resolve().of_table(&mut bad, &[0, 0]);
        assert_eq!(
            err.unwrap_err().to_string(),
            "figures row 2: claim 'c2' is not a claim of its article"
        );
    }

    /// Low-cardinality string columns are held as dictionaries, and read the same values
    /// (nulls included) as the plain columns of the published files.
    #[test]
    fn dictionary_columns_read_the_same_values_as_plain_ones() {
        let files = TableFiles::published(Path::new(env!("CARGO_MANIFEST_DIR")));
        let mut nulls = 0;
        for table in [Table::Articles, Table::Claims, Table::Figures] {
            let loaded = files.require(table).unwrap();
            let plain = TableData::read(table, files.path(table)).unwrap();
            assert!(!loaded.is_empty(), "{table:?}");
            for &name in dictionary(table) {
                for b in loaded.batches() {
                    let ty = b.column_by_name(name).unwrap().data_type();
                    assert!(
                        matches!(ty, arrow::datatypes::DataType::Dictionary(..)),
                        "{table:?}.{name} is {ty}"
                    );
                }
                let (got, want) = (loaded.str(name).unwrap(), plain.str(name).unwrap());
                for i in 0..plain.len() {
                    assert_eq!(got.opt(i), want.opt(i), "{table:?}.{name} row {i}");
                    nulls += usize::from(want.opt(i).is_none());
                }
            }
        }
        assert!(
            nulls > 0,
            "the committed tables have null dictionary values"
        );
    }

    /// A file without a column the registry has (written by an older gazette) is an
    /// error saying what to do, not a failure while decoding.
    #[test]
    fn a_file_missing_a_registry_column_asks_for_a_rebuild() {
        let articles = TableFiles::published(Path::new(env!("CARGO_MANIFEST_DIR")))
            .path(Table::Articles)
            .to_path_buf();
        let err = TableData::read(Table::Claims, &articles).err().unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "'{}' has no column 'claim_id' (table 'claims'): rebuild the tables",
                articles.display()
            )
        );
    }

    #[test]
    fn a_string_column_reads_across_plain_and_dictionary_batches() {
        let plain: ArrayRef = Arc::new(StringArray::from(vec![Some("t"), None]));
        let dict: ArrayRef = Arc::new(
            vec![Some("kg"), None, Some("t"), Some("kg")]
                .into_iter()
                .collect::<DictionaryArray<Int32Type>>(),
        );
        let batch = |a: ArrayRef| RecordBatch::try_from_iter([("unit", a)]).unwrap();
        let t = TableData::from_batches("figures", vec![batch(plain), batch(dict)]);
        let unit = t.str("unit").unwrap();
        let got: Vec<_> = (0..t.len()).map(|i| unit.opt(i)).collect();
        assert_eq!(
            got,
            [Some("t"), None, Some("kg"), None, Some("t"), Some("kg")]
        );
        assert_eq!(unit.get(1), "");
        let ints: ArrayRef = Arc::new(Int32Array::from(vec![1]));
        let err = TableData::from_batches("figures", vec![batch(ints)])
            .str("unit")
            .err()
            .unwrap();
        assert!(
            format!("{err:#}").contains("unexpected type Int32"),
            "{err:#}"
        );
    }

    /// Dictionary keys are narrowed to the width their values need (one byte up to 128
    /// values, two up to 32768) and read the same values, nulls included.
    #[test]
    fn narrowed_dictionary_keys_read_the_same_values() {
        let names: Vec<String> = (0..40_000).map(|i| format!("v{i}")).collect();
        // Every value once, then nulls among repeats.
        let column = |distinct: usize| -> Vec<Option<&str>> {
            (0..distinct + 20)
                .map(|i| (i < distinct || i % 3 != 0).then(|| names[i % distinct].as_str()))
                .collect()
        };
        for (distinct, width) in [
            (3, DataType::Int8),
            (128, DataType::Int8),
            (129, DataType::Int16),
            (40_000, DataType::Int32),
        ] {
            let values = column(distinct);
            let dict: ArrayRef = Arc::new(
                values
                    .iter()
                    .copied()
                    .collect::<DictionaryArray<Int32Type>>(),
            );
            let batch = RecordBatch::try_from_iter([("unit", dict)]).unwrap();
            let narrowed = narrow_keys(batch).unwrap();
            assert_eq!(
                narrowed.column(0).data_type(),
                &DataType::Dictionary(Box::new(width), Box::new(DataType::Utf8)),
                "{distinct} values"
            );
            let t = TableData::from_batches("figures", vec![narrowed]);
            let unit = t.str("unit").unwrap();
            let got: Vec<Option<&str>> = (0..t.len()).map(|i| unit.opt(i)).collect();
            assert_eq!(got, values, "{distinct} values");
        }
    }
}
