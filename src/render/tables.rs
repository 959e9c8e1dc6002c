//! Reading the published tables for the pages: Parquet → Arrow batches → typed columns.
//!
//! A table stays in its Arrow batches (compact: one buffer per column and batch); pages
//! read single values through [`Col`], so nothing is copied into per-row structs up
//! front. Every column is checked against the registry's type when it is opened, so a
//! stale or foreign file is an error message, never a panic.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use arrow::array::{
    Array, BooleanArray, Float64Array, Int32Array, Int64Array, ListArray, RecordBatch, StringArray,
    TimestampMicrosecondArray,
};

use crate::tables::{Table, Written, partition};
use crate::text::FastBuildHasher;

/// Where each table's Parquet file is read from: the published location under the
/// output root, or, during a build, the staged file that will replace it; and where the
/// build's reports are (`data/quality.json`, `data/changelog.json`).
#[derive(Debug, Clone)]
pub struct TableFiles {
    paths: BTreeMap<Table, PathBuf>,
    quality: PathBuf,
    changelog: PathBuf,
}

impl TableFiles {
    /// The tables as published under `out_root` (what `gazette render` reads): single
    /// files, or partitioned dataset folders.
    pub fn published(out_root: &Path) -> Self {
        TableFiles {
            paths: Table::ALL
                .iter()
                .map(|&t| (t, partition::published_path(t, out_root)))
                .collect(),
            quality: out_root.join(crate::quality::REPORT_PATH),
            changelog: out_root.join(crate::diff::CHANGELOG_PATH),
        }
    }

    /// The tables of this build, read from their staged files before they are committed
    /// (tables the build did not write are read where they are published).
    pub fn staged(written: &Written, out_root: &Path) -> Self {
        TableFiles {
            paths: Table::ALL
                .iter()
                .map(|&t| (t, written.read_path(t, out_root)))
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

    pub fn path(&self, table: Table) -> &Path {
        // Every table of the registry has an entry (see `published`).
        self.paths
            .get(&table)
            .map(PathBuf::as_path)
            .unwrap_or(Path::new(""))
    }

    pub fn is_built(&self, table: Table) -> bool {
        self.path(table).exists()
    }

    /// The table, or `None` when it has not been built (a stage that is not part of this
    /// build, or a table added to the registry after the last build).
    pub fn load(&self, table: Table) -> Result<Option<TableData>> {
        self.load_resolving(table, &mut [])
    }

    /// [`TableFiles::load`], resolving the parent ids of each batch into row numbers
    /// (`parents`) as it is read; the id columns themselves are not kept.
    pub fn load_resolving(
        &self,
        table: Table,
        parents: &mut [ParentRows<'_>],
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
        TableData::read_resolving(table, self.path(table), &skip, parents).map(Some)
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
        ],
        Table::Mentions => &["claim_id", "char_start", "char_end"],
        Table::StatisticVariants => &[
            "subject_entity_id",
            "commodity_id",
            "measure",
            "unit",
            "claim_ids",
        ],
        _ => return None,
    })
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

/// The parent row of each row of a child table, from its id column `column`: a claim's,
/// figure's or mention's article, a mention's entity. Resolved batch by batch as the
/// table is read, so the ids (a third of the mentions' memory) are never held.
pub struct ParentRows<'m> {
    pub column: &'static str,
    row_of: &'m HashMap<&'m str, u32, FastBuildHasher>,
    rows: Vec<u32>,
}

impl<'m> ParentRows<'m> {
    pub fn new(column: &'static str, row_of: &'m HashMap<&'m str, u32, FastBuildHasher>) -> Self {
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
    /// Index of each batch's first row (one entry per batch).
    starts: Vec<usize>,
    len: usize,
}

impl TableData {
    /// Reads a table and checks that every registry column is there with its type.
    pub fn read(table: Table, path: &Path) -> Result<Self> {
        Self::read_resolving(table, path, &[], &mut [])
    }

    /// [`TableData::read`] without the columns `skip`, resolving each batch's parent
    /// ids into `parents` and dropping their columns.
    pub fn read_resolving(
        table: Table,
        path: &Path,
        skip: &[&str],
        parents: &mut [ParentRows<'_>],
    ) -> Result<Self> {
        let schema = table.schema();
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
            if field.data_type() != &want {
                bail!(
                    "Column '{}' of '{}' is {}, but the registry says {want}: rebuild the tables",
                    column.name,
                    path.display(),
                    field.data_type()
                );
            }
        }
        let mut batches = Vec::new();
        partition::for_each_batch_without(table, path, skip, |mut batch| {
            for p in parents.iter_mut() {
                let i = p.push_batch(&batch, table.name(), path)?;
                batch.remove_column(i);
            }
            batches.push(batch);
            Ok(())
        })?;
        let mut data = TableData::from_batches(table.name(), batches);
        data.path = path.to_path_buf();
        Ok(data)
    }

    /// A table from batches in memory (unchecked: columns are checked as they are
    /// opened). Tests build fixtures of tables this way.
    pub fn from_batches(name: &str, batches: Vec<RecordBatch>) -> Self {
        let mut starts = Vec::with_capacity(batches.len());
        let mut len = 0;
        for b in &batches {
            starts.push(len);
            len += b.num_rows();
        }
        TableData {
            name: name.to_string(),
            path: PathBuf::from(name),
            batches,
            starts,
            len,
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

    /// A column as arrays of type `A` (checked against the file when it was read).
    pub fn col<A: Array + 'static>(&self, name: &str) -> Result<Col<'_, A>> {
        let chunks = self
            .batches
            .iter()
            .map(|b| {
                let array = b
                    .column_by_name(name)
                    .ok_or_else(|| anyhow!("'{}' has no column '{name}'", self.path.display()))?;
                array.as_any().downcast_ref::<A>().ok_or_else(|| {
                    anyhow!(
                        "Column '{name}' of '{}' has an unexpected type {}",
                        self.path.display(),
                        array.data_type()
                    )
                })
            })
            .collect::<Result<Vec<_>>>()
            .with_context(|| format!("Failed to read table '{}'", self.name))?;
        Ok(Col {
            chunks,
            starts: &self.starts,
        })
    }

    pub fn str(&self, name: &str) -> Result<Col<'_, StringArray>> {
        self.col(name)
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
    pub fn str_if_present(&self, name: &str) -> Result<Option<Col<'_, StringArray>>> {
        if self.has_column(name) {
            self.str(name).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// One column of a table, across its batches; row `i` counts from the table's start.
pub struct Col<'a, A> {
    chunks: Vec<&'a A>,
    starts: &'a [usize],
}

impl<'a, A> Col<'a, A> {
    fn at(&self, i: usize) -> (&'a A, usize) {
        let b = self.starts.partition_point(|&s| s <= i).saturating_sub(1);
        (self.chunks[b], i - self.starts[b])
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

impl<'a> Col<'a, StringArray> {
    pub fn get(&self, i: usize) -> &'a str {
        let (a, r) = self.at(i);
        a.value(r)
    }
    pub fn opt(&self, i: usize) -> Option<&'a str> {
        let (a, r) = self.at(i);
        a.is_valid(r).then(|| a.value(r))
    }
}

impl<'a> Col<'a, ListArray> {
    /// The strings of a `list<string>` value, borrowed from the table (none when null).
    pub fn str_items(&self, i: usize) -> Vec<&'a str> {
        let (a, r) = self.at(i);
        if !a.is_valid(r) {
            return Vec::new();
        }
        let Some(values) = a.values().as_any().downcast_ref::<StringArray>() else {
            return Vec::new();
        };
        let offsets = a.value_offsets();
        (offsets[r] as usize..offsets[r + 1] as usize)
            .filter(|&j| values.is_valid(j))
            .map(|j| values.value(j))
            .collect()
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

    #[test]
    fn parent_rows_count_rows_across_batches_and_name_an_unknown_id() {
        let row_of: HashMap<&str, u32, FastBuildHasher> =
            [("a", 0), ("b", 1)].into_iter().collect();
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
        let cases = [
            (
                &read.claim_article,
                "article_id",
                &by_article,
                Table::Claims,
            ),
            (
                &read.figure_article,
                "article_id",
                &by_article,
                Table::Figures,
            ),
            (
                &read.mention_article,
                "article_id",
                &by_article,
                Table::Mentions,
            ),
            (
                &read.mention_entity,
                "entity_id",
                &by_entity,
                Table::Mentions,
            ),
        ];
        for (got, column, row_of, table) in cases {
            assert_eq!(*got, resolve(column, row_of, table), "{table:?}.{column}");
        }
        assert!(!read.claim_article.is_empty() && !read.mention_entity.is_empty());
        let mentions = read.mentions.as_ref().unwrap();
        assert_eq!(mentions.len(), read.mention_article.len());
        for gone in ["article_id", "entity_id", "surface", "source_file"] {
            assert!(!mentions.has_column(gone), "mentions.{gone} was read");
        }
        assert!(mentions.has_column("claim_id"));
        assert!(!read.claims.has_column("article_id"));
        assert!(!read.articles.has_column("summary"));
    }
}
