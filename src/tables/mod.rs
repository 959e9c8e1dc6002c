//! The registry of every dataset gazette publishes: name, path, schema, column
//! descriptions, keys and data tests, declared once.
//!
//! Everything that describes a table — the Arrow schema written into Parquet, the field
//! metadata that carries column descriptions, the README's schema section, the data
//! package descriptor, the data dictionary page and the data tests — is generated from
//! the [`TableSpec`]s in [`registry`]. Adding a column means adding one line there.

mod arrow_io;
pub mod docs;
pub mod partition;
pub mod registry;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

pub use arrow_io::{
    BATCH_ROWS, RowBuilder, TableWriter, open_parquet, parquet_rows, read_columns, read_schema,
    read_table, write_batches,
};
pub use registry::Table;

/// What a stage wrote: staged files (committed together at the end of the build) and the
/// number of rows of each table.
#[derive(Debug, Default)]
pub struct Written {
    pub files: Vec<crate::fsutil::Staged>,
    pub rows: Vec<(Table, u64)>,
    /// Staged files that a later step replaced before the commit (the single-file tables
    /// a partitioned build split into months): still read by the render, never
    /// committed, removed with this.
    pub superseded: Vec<crate::fsutil::Staged>,
}

impl Written {
    pub fn add(&mut self, table: Table, (file, rows): (crate::fsutil::Staged, u64)) {
        self.files.push(file);
        self.rows.push((table, rows));
    }

    pub fn rows_of(&self, table: Table) -> u64 {
        self.rows
            .iter()
            .find(|(t, _)| *t == table)
            .map_or(0, |(_, n)| *n)
    }

    /// Where `table` can be read now: its staged file if this build wrote it, else the
    /// published one under `out_root`.
    pub fn read_path(&self, table: Table, out_root: &Path) -> PathBuf {
        let target = table.path(out_root);
        self.files
            .iter()
            .chain(&self.superseded)
            .find(|s| s.target() == target)
            .map(|s| s.path().to_path_buf())
            .unwrap_or(target)
    }

    pub fn extend(&mut self, other: Written) {
        self.files.extend(other.files);
        self.rows.extend(other.rows);
        self.superseded.extend(other.superseded);
    }
}

/// Which pipeline stage produces a table, and so where it lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// `data/tables/`: parsed and extracted from the corpus.
    Normalize,
    /// `data/derived/`: computed from the normalized tables by polars.
    Derive,
}

impl Stage {
    pub fn dir(self) -> &'static str {
        match self {
            Stage::Normalize => "data/tables",
            Stage::Derive => "data/derived",
        }
    }
}

/// A column's logical type; each maps to exactly one Arrow type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ColumnType {
    Utf8,
    Int32,
    Int64,
    Float64,
    Boolean,
    /// An instant, microseconds, in the publishers' zone (`Asia/Shanghai`).
    Timestamp,
    ListInt32,
    ListUtf8,
}

impl ColumnType {
    pub fn arrow(self) -> DataType {
        match self {
            ColumnType::Utf8 => DataType::Utf8,
            ColumnType::Int32 => DataType::Int32,
            ColumnType::Int64 => DataType::Int64,
            ColumnType::Float64 => DataType::Float64,
            ColumnType::Boolean => DataType::Boolean,
            ColumnType::Timestamp => DataType::Timestamp(
                TimeUnit::Microsecond,
                Some(crate::corpus::PUBLISHER_TIME_ZONE.into()),
            ),
            ColumnType::ListInt32 => {
                DataType::List(Arc::new(Field::new("item", DataType::Int32, true)))
            }
            ColumnType::ListUtf8 => {
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
            }
        }
    }

    /// The Frictionless Table Schema type of this column.
    pub fn frictionless(self) -> &'static str {
        match self {
            ColumnType::Utf8 => "string",
            ColumnType::Int32 | ColumnType::Int64 => "integer",
            ColumnType::Float64 => "number",
            ColumnType::Boolean => "boolean",
            ColumnType::Timestamp => "datetime",
            ColumnType::ListInt32 | ColumnType::ListUtf8 => "array",
        }
    }

    /// How the type reads in documentation.
    pub fn display(self) -> &'static str {
        match self {
            ColumnType::Utf8 => "string",
            ColumnType::Int32 => "int32",
            ColumnType::Int64 => "int64",
            ColumnType::Float64 => "float64",
            ColumnType::Boolean => "bool",
            ColumnType::Timestamp => "timestamp[us, Asia/Shanghai]",
            ColumnType::ListInt32 => "list<int32>",
            ColumnType::ListUtf8 => "list<string>",
        }
    }
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Column {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    pub nullable: bool,
    pub description: &'static str,
}

/// A column that is never null.
pub const fn req(name: &'static str, ty: ColumnType, description: &'static str) -> Column {
    Column {
        name,
        ty,
        nullable: false,
        description,
    }
}

/// A column that may be null.
pub const fn opt(name: &'static str, ty: ColumnType, description: &'static str) -> Column {
    Column {
        name,
        ty,
        nullable: true,
        description,
    }
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct ForeignKey {
    pub columns: &'static [&'static str],
    pub table: Table,
    pub references: &'static [&'static str],
}

/// A data test declared next to a table's schema; run by `gazette check` on the built
/// tables. Keys (unique, not null) and foreign keys come from the spec itself.
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum Check {
    /// Every value of an integer or number column is at least `min`.
    AtLeast { column: &'static str, min: f64 },
    /// Every non-null value of a number column is finite.
    Finite { column: &'static str },
    /// `low <= high` wherever both are set.
    NotGreater {
        low: &'static str,
        high: &'static str,
    },
    /// Every non-null value is one of the listed ones.
    OneOf {
        column: &'static str,
        values: &'static [&'static str],
    },
    /// Every element of a list column is at least `min`.
    ListAtLeast { column: &'static str, min: f64 },
    /// `[start, end)` lies within the text of `text_column`, counted in characters, wherever
    /// that text is set.
    SpanWithin {
        start: &'static str,
        end: &'static str,
        text_column: &'static str,
    },
}

impl Check {
    /// The columns the check reads.
    pub fn columns(&self) -> Vec<&'static str> {
        match *self {
            Check::AtLeast { column, .. }
            | Check::Finite { column }
            | Check::OneOf { column, .. }
            | Check::ListAtLeast { column, .. } => vec![column],
            Check::NotGreater { low, high } => vec![low, high],
            Check::SpanWithin {
                start,
                end,
                text_column,
            } => vec![start, end, text_column],
        }
    }
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct TableSpec {
    pub name: &'static str,
    pub stage: Stage,
    pub description: &'static str,
    /// How the rows are ordered, in words (the order is part of the published contract:
    /// two builds give the same bytes).
    pub order: &'static str,
    pub columns: &'static [Column],
    pub primary_key: &'static [&'static str],
    pub foreign_keys: &'static [ForeignKey],
    pub checks: &'static [Check],
}

impl TableSpec {
    /// The Arrow schema, with each column's description in its field metadata
    /// (`description`) so that pyarrow and friends show it.
    pub fn schema(&self) -> SchemaRef {
        let fields: Vec<Field> = self
            .columns
            .iter()
            .map(|c| {
                Field::new(c.name, c.ty.arrow(), c.nullable)
                    .with_metadata([("description", c.description)])
            })
            .collect();
        let metadata = [
            ("gazette.table", self.name),
            ("gazette.description", self.description),
        ];
        Arc::new(Schema::new_with_metadata(fields, metadata))
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Path of the table's Parquet file relative to the output root.
    pub fn rel_path(&self) -> PathBuf {
        Path::new(self.stage.dir()).join(format!("{}.parquet", self.name))
    }
}

impl Table {
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn path(self, out_root: &Path) -> PathBuf {
        out_root.join(self.spec().rel_path())
    }

    pub fn schema(self) -> SchemaRef {
        self.spec().schema()
    }

    pub fn by_name(name: &str) -> Option<Table> {
        Table::ALL.iter().copied().find(|t| t.name() == name)
    }

    pub fn of_stage(stage: Stage) -> impl Iterator<Item = Table> {
        Table::ALL
            .iter()
            .copied()
            .filter(move |t| t.spec().stage == stage)
    }
}
