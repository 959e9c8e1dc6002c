//! `gazette diff`: what changed between two releases of the data, by stable id.
//!
//! Rows are matched on their table's primary key. A row is *changed* when any column
//! other than its line numbers differs (line numbers move whenever an earlier article in
//! the same file changes, which is not a change of the row itself). The build also diffs
//! its new tables against the ones it replaces and publishes the result as
//! `data/changelog.json` for the site — only when something changed, so that rebuilding
//! the same data leaves the changelog (and the published bytes) as they were. When the
//! output folder is in a git work tree, "the previous build" is the one committed at
//! `HEAD`; elsewhere it is whatever the folder held before the build.
//!
//! Row groups stored byte for byte alike in both releases are left unread
//! ([`groups_to_compare`]): a rebuild copies the row groups of the corpus files that did
//! not change, so a daily build compares only the new export's rows.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::datatypes::{
    DataType, Float64Type, Int32Type, Int64Type, TimeUnit, TimestampMicrosecondType,
};
use arrow::row::{RowConverter, SortField};
use serde::{Deserialize, Serialize};

use crate::tables::{Table, partition};
use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

pub const CHANGELOG_PATH: &str = "data/changelog.json";

/// The tables a diff covers: the ones whose rows are things people follow.
pub fn diffed_tables() -> Vec<Table> {
    ["articles", "claims", "figures", "entities"]
        .iter()
        .filter_map(|n| Table::by_name(n))
        .collect()
}

/// Columns that say where a row was read, not what it says.
const PROVENANCE: &[&str] = &["source_line", "summary_line"];

/// Columns that name a row for people, in order of preference.
const LABELS: &[&str] = &["title", "name_en", "surface", "text"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowRef {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedRow {
    pub id: String,
    pub label: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableDiff {
    pub table: String,
    pub n_added: usize,
    pub n_removed: usize,
    pub n_changed: usize,
    /// The rows (all of them, or the first ones in a published changelog).
    pub added: Vec<RowRef>,
    pub removed: Vec<RowRef>,
    pub changed: Vec<ChangedRow>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataDiff {
    pub tables: Vec<TableDiff>,
}

impl DataDiff {
    pub fn is_empty(&self) -> bool {
        self.tables
            .iter()
            .all(|t| t.added.is_empty() && t.removed.is_empty() && t.changed.is_empty())
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("diff serializes");
        v.push(b'\n');
        v
    }

    /// A readable listing: counts per table, then one line per row.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for t in &self.tables {
            out.push_str(&format!(
                "{}: {} added, {} removed, {} changed\n",
                t.table, t.n_added, t.n_removed, t.n_changed
            ));
            for r in &t.added {
                out.push_str(&format!("  + {} {}\n", r.id, short(&r.label)));
            }
            for r in &t.removed {
                out.push_str(&format!("  - {} {}\n", r.id, short(&r.label)));
            }
            for r in &t.changed {
                out.push_str(&format!(
                    "  ~ {} {} ({})\n",
                    r.id,
                    short(&r.label),
                    r.columns.join(", ")
                ));
            }
        }
        out
    }
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(70).collect();
    if s.chars().count() > 70 {
        out.push('…');
    }
    out
}

/// One side of a diff: where each table can be read.
pub struct Side {
    root: PathBuf,
    /// Keeps a checked-out git revision alive while the diff reads it.
    _tmp: Option<tempfile::TempDir>,
}

impl Side {
    pub fn path(&self, table: Table) -> PathBuf {
        partition::published_path(table, &self.root)
    }

    /// An output root (with `data/tables/`), a `data` folder, or a git revision of the
    /// repository in the current directory.
    pub fn open(spec: &str) -> Result<Side> {
        let p = Path::new(spec);
        if p.join("data/tables").is_dir() {
            return Ok(Side {
                root: p.to_path_buf(),
                _tmp: None,
            });
        }
        if p.join("tables").is_dir() && p.file_name().is_some_and(|n| n == "data") {
            return Ok(Side {
                root: p.parent().map(Path::to_path_buf).unwrap_or_default(),
                _tmp: None,
            });
        }
        if p.exists() {
            bail!("'{spec}' holds no data/tables/ (nor is it a data/ folder)");
        }
        Side::from_git(spec)
    }

    /// The build committed at `rev`: under the current folder, else (`gazette diff
    /// HEAD~1 .` run in a subfolder, as git commands run anywhere in their work tree)
    /// under the repository's top folder.
    fn from_git(rev: &str) -> Result<Side> {
        if let Some(side) = Side::git(Path::new("."), rev)? {
            return Ok(side);
        }
        let git = |args: &[&str]| {
            git_output(Path::new("."), args).map(|o| String::from_utf8_lossy(&o).trim().to_string())
        };
        let top = git(&["rev-parse", "--show-toplevel"]);
        if let Some(top) = &top
            && let Some(side) = Side::git(Path::new(top), rev)?
        {
            return Ok(side);
        }
        let revision = git(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ]);
        match (top, revision) {
            (Some(top), Some(_)) => bail!(
                "'{rev}' is a git revision, but it holds no built tables (data/tables/) \
                 here or at the repository's top '{top}'"
            ),
            (Some(_), None) => {
                bail!("'{rev}' is neither a directory nor a git revision of this repository")
            }
            (None, _) => bail!(
                "'{rev}' is not a directory, and the current folder is in no git repository \
                 to read it as a revision of"
            ),
        }
    }

    /// The tables committed at `rev` under output root `out`, if `out` is inside a git
    /// work tree where `rev` exists. Tables absent at `rev` are absent on this side.
    pub fn git(out: &Path, rev: &str) -> Result<Option<Side>> {
        let git = |args: &[&str]| git_output(out, args);
        let Some(prefix) = git(&["rev-parse", "--show-prefix"]) else {
            return Ok(None);
        };
        if git(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ])
        .is_none()
        {
            return Ok(None);
        }
        let prefix = String::from_utf8_lossy(&prefix).trim().to_string();
        let tmp = tempfile::tempdir()?;
        let mut tracked = 0;
        for dir in ["data/tables", "data/derived"] {
            let listing =
                git(&["ls-tree", "-r", "--name-only", "--full-name", rev, dir]).unwrap_or_default();
            for path in String::from_utf8_lossy(&listing).lines() {
                let rel = path.strip_prefix(&prefix).unwrap_or(path);
                if !rel.ends_with(".parquet") {
                    continue;
                }
                let bytes = git(&["show", &format!("{rev}:./{rel}")])
                    .with_context(|| format!("Failed to read {rev}:{rel} with git"))?;
                let dest = tmp.path().join(rel);
                std::fs::create_dir_all(dest.parent().expect("tables have a folder"))
                    .and_then(|()| std::fs::write(&dest, bytes))
                    .with_context(|| format!("Failed to write '{}'", dest.display()))?;
                tracked += 1;
            }
        }
        // A folder inside a work tree whose tables git does not track (a scratch build
        // under target/, say) has no committed build: its previous build is what it holds.
        if tracked == 0 {
            return Ok(None);
        }
        Ok(Some(Side {
            root: tmp.path().to_path_buf(),
            _tmp: Some(tmp),
        }))
    }
}

/// What `git -C dir <args>` prints, `None` where git is missing or fails.
fn git_output(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    o.status.success().then_some(o.stdout)
}

/// One batch of a table, as the diff reads it: each row's key, label and compared
/// columns (their values' bytes: equal bytes, equal values; no formatting to text).
struct BatchRows {
    keys: Vec<ArrayRef>,
    label: Option<ArrayRef>,
    /// Per compared column, in the new side's order.
    compared: Vec<Cells>,
    /// Per row, one hash of all compared columns ([`BatchRows::fingerprint`]).
    fingerprints: Vec<u64>,
}

/// A compared column of one batch.
enum Cells {
    /// This side lacks the column.
    Missing,
    /// A column of the types the tables use, read in place.
    Direct(ArrayRef),
    /// Any other type, in arrow's row format. Encoding every column this way took a
    /// fifth of a diff, most of it allocating and copying.
    Encoded(arrow::row::Rows),
}

/// A compared column of one batch with its type resolved, to hash a cell without
/// asking the column for its type again (a diff hashes every cell of both releases).
enum Typed<'a> {
    Missing,
    Utf8(&'a arrow::array::StringArray),
    Int32(&'a arrow::array::Int32Array),
    Int64(&'a arrow::array::Int64Array),
    Float64(&'a arrow::array::Float64Array),
    Boolean(&'a arrow::array::BooleanArray),
    Micros(&'a arrow::array::TimestampMicrosecondArray),
    /// Lists: their cells' bytes ([`push_cell`]), hashed.
    Other(&'a dyn Array),
    Encoded(&'a arrow::row::Rows),
}

/// Hashes of a null cell and of a column one side lacks.
const NULL_HASH: u64 = 0x6e75_6c6c_6e75_6c6c;
const MISSING_HASH: u64 = 0x6d69_7373_696e_6721;

impl<'a> Typed<'a> {
    fn of(cells: &'a Cells) -> Self {
        let array = match cells {
            Cells::Missing => return Typed::Missing,
            Cells::Encoded(rows) => return Typed::Encoded(rows),
            Cells::Direct(array) => array.as_ref(),
        };
        match array.data_type() {
            DataType::Utf8 => Typed::Utf8(array.as_string::<i32>()),
            DataType::Int32 => Typed::Int32(array.as_primitive::<Int32Type>()),
            DataType::Int64 => Typed::Int64(array.as_primitive::<Int64Type>()),
            DataType::Float64 => Typed::Float64(array.as_primitive::<Float64Type>()),
            DataType::Boolean => Typed::Boolean(array.as_boolean()),
            DataType::Timestamp(TimeUnit::Microsecond, _) => {
                Typed::Micros(array.as_primitive::<TimestampMicrosecondType>())
            }
            _ => Typed::Other(array),
        }
    }

    /// Cell `row`'s hash, seeded with its type so that equal bytes of different types
    /// differ; `None` where this side lacks the column.
    #[inline]
    fn hash(&self, row: usize, scratch: &mut Vec<u8>) -> Option<u64> {
        fn word<T: arrow::datatypes::ArrowPrimitiveType>(
            a: &arrow::array::PrimitiveArray<T>,
            row: usize,
            tag: u64,
            bits: impl Fn(T::Native) -> u64,
        ) -> u64 {
            if a.is_null(row) {
                NULL_HASH
            } else {
                xxhash_rust::xxh3::xxh3_64_with_seed(&bits(a.value(row)).to_le_bytes(), tag)
            }
        }
        Some(match self {
            Typed::Missing => return None,
            Typed::Utf8(a) if a.is_null(row) => NULL_HASH,
            Typed::Utf8(a) => xxhash_rust::xxh3::xxh3_64_with_seed(a.value(row).as_bytes(), 1),
            Typed::Int32(a) => word(a, row, 2, |v| v as u32 as u64),
            Typed::Int64(a) => word(a, row, 3, |v| v as u64),
            Typed::Float64(a) => word(a, row, 4, f64::to_bits),
            Typed::Boolean(a) if a.is_null(row) => NULL_HASH,
            Typed::Boolean(a) => xxhash_rust::xxh3::xxh3_64_with_seed(&[u8::from(a.value(row))], 5),
            Typed::Micros(a) => word(a, row, 6, |v| v as u64),
            Typed::Other(a) => {
                scratch.clear();
                push_cell(*a, row, scratch);
                xxhash_rust::xxh3::xxh3_64_with_seed(scratch, 7)
            }
            Typed::Encoded(rows) => xxhash_rust::xxh3::xxh3_64_with_seed(rows.row(row).as_ref(), 8),
        })
    }
}

/// Folds the next column's hash into a row's fingerprint. For a fixed fingerprint so far
/// it is one-to-one in the column's hash, and for a fixed hash in the fingerprint: two
/// rows whose cells hash differently in one column only never get the same fingerprint.
#[inline]
fn fold(fingerprint: u64, hash: u64) -> u64 {
    (fingerprint.rotate_left(23) ^ hash).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Whether [`push_cell`] reads values of this type.
fn direct(t: &DataType) -> bool {
    match t {
        DataType::Utf8
        | DataType::Int32
        | DataType::Int64
        | DataType::Float64
        | DataType::Boolean
        | DataType::Timestamp(TimeUnit::Microsecond, _) => true,
        DataType::List(f) => direct(f.data_type()),
        _ => false,
    }
}

/// Appends a cell's value to `out`, tagged with its type and nullness and prefixed with
/// its length where that varies, so that different values give different bytes.
fn push_cell(array: &dyn Array, row: usize, out: &mut Vec<u8>) {
    if array.is_null(row) {
        out.push(0);
        return;
    }
    match array.data_type() {
        DataType::Utf8 => {
            let v = array.as_string::<i32>().value(row).as_bytes();
            out.push(1);
            out.extend_from_slice(&(v.len() as u64).to_le_bytes());
            out.extend_from_slice(v);
        }
        DataType::Int32 => {
            out.push(2);
            out.extend_from_slice(&array.as_primitive::<Int32Type>().value(row).to_le_bytes());
        }
        DataType::Int64 => {
            out.push(3);
            out.extend_from_slice(&array.as_primitive::<Int64Type>().value(row).to_le_bytes());
        }
        DataType::Float64 => {
            let v = array.as_primitive::<Float64Type>().value(row);
            out.push(4);
            out.extend_from_slice(&v.to_bits().to_le_bytes());
        }
        DataType::Boolean => {
            out.push(5);
            out.push(u8::from(array.as_boolean().value(row)));
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            let v = array.as_primitive::<TimestampMicrosecondType>().value(row);
            out.push(6);
            out.extend_from_slice(&v.to_le_bytes());
        }
        DataType::List(_) => {
            let list = array.as_list::<i32>();
            let offsets = list.value_offsets();
            let (start, end) = (offsets[row] as usize, offsets[row + 1] as usize);
            out.push(7);
            out.extend_from_slice(&((end - start) as u64).to_le_bytes());
            for i in start..end {
                push_cell(list.values().as_ref(), i, out);
            }
        }
        // Only types `direct` accepts get here.
        other => unreachable!("push_cell of {other}"),
    }
}

impl BatchRows {
    fn new(batch: &RecordBatch, table: Table, compared: &[String]) -> Result<Self> {
        let schema = batch.schema();
        let column =
            |name: &str| -> Result<ArrayRef> { Ok(batch.column(schema.index_of(name)?).clone()) };
        let keys = table
            .spec()
            .primary_key
            .iter()
            .map(|k| column(k))
            .collect::<Result<_>>()?;
        let label = LABELS
            .iter()
            .find(|l| schema.index_of(l).is_ok())
            .map(|l| column(l))
            .transpose()?;
        let compared = compared
            .iter()
            .map(|c| -> Result<_> {
                let Ok(i) = schema.index_of(c) else {
                    return Ok(Cells::Missing);
                };
                let col = batch.column(i).clone();
                if direct(col.data_type()) {
                    return Ok(Cells::Direct(col));
                }
                let conv = RowConverter::new(vec![SortField::new(col.data_type().clone())])?;
                Ok(Cells::Encoded(conv.convert_columns(&[col])?))
            })
            .collect::<Result<Vec<Cells>>>()?;
        // Column by column, each column's type resolved once: building each row's
        // cells into one buffer (a type test, a copy and a length per cell) was a third
        // of a diff.
        let mut fingerprints = vec![0x6761_7a65_7474_6521u64; batch.num_rows()];
        let mut scratch = Vec::new();
        for cells in &compared {
            let typed = Typed::of(cells);
            for (row, fingerprint) in fingerprints.iter_mut().enumerate() {
                let hash = typed.hash(row, &mut scratch).unwrap_or(MISSING_HASH);
                *fingerprint = fold(*fingerprint, hash);
            }
        }
        Ok(BatchRows {
            keys,
            label,
            compared,
            fingerprints,
        })
    }

    /// The row's primary key as it is listed (columns joined by commas).
    fn key(&self, row: usize) -> String {
        self.keys
            .iter()
            .map(|k| text_of(k, row))
            .collect::<Vec<_>>()
            .join(",")
    }

    fn label(&self, row: usize) -> String {
        self.label
            .as_ref()
            .map(|l| text_of(l, row))
            .unwrap_or_default()
    }

    /// The row's primary key as 128 bits: a million articles' figures are sixteen
    /// million keys, held as numbers rather than strings. Equal keys give equal hashes
    /// on either side; string keys (every diffed table's) are hashed without copying.
    fn key_hash(&self, row: usize, scratch: &mut Vec<u8>) -> u128 {
        scratch.clear();
        for k in &self.keys {
            match k.as_string_opt::<i32>() {
                Some(s) if s.is_valid(row) => {
                    scratch.push(1);
                    scratch.extend_from_slice(s.value(row).as_bytes());
                }
                _ => {
                    scratch.push(2);
                    scratch.extend_from_slice(text_of(k, row).as_bytes());
                }
            }
            scratch.push(0);
        }
        xxh3_128(scratch)
    }

    /// A hash per compared column (`None`: this side lacks the column).
    fn column_hashes(&self, row: usize, scratch: &mut Vec<u8>) -> Vec<Option<u64>> {
        self.compared
            .iter()
            .map(|cells| Typed::of(cells).hash(row, scratch))
            .collect()
    }

    /// One hash of all compared columns: equal when every column is (and present).
    fn fingerprint(&self, row: usize) -> u64 {
        self.fingerprints[row]
    }
}

/// Maps keyed by [`BatchRows::key_hash`], a hash already: its low bits are the map's
/// hash (hashing the 16 bytes again, a byte at a time, was a tenth of a diff).
type KeyHashed = std::hash::BuildHasherDefault<KeyHasher>;

#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write_u128(&mut self, v: u128) {
        self.0 = v as u64;
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only u128 keys use this hasher; anything else still spreads.
        self.0 = xxh3_64(bytes);
    }
}

/// Calls `f` with every row of the row groups `keep` marks in a stored table, a batch at
/// a time.
fn for_each_row(
    path: &Path,
    keep: &[bool],
    table: Table,
    compared: &[String],
    mut f: impl FnMut(&BatchRows, usize) -> Result<()>,
) -> Result<()> {
    partition::for_each_stored_batch_in(path, keep, None, |batch| {
        let batch = partition::with_registry_types(table, batch)?;
        let rows = BatchRows::new(&batch, table, compared)?;
        for row in 0..batch.num_rows() {
            f(&rows, row)?;
        }
        Ok(())
    })
}

/// The first key of the row groups `keep` leaves out (those paired as alike, and not
/// read) whose hash is in `wanted`, read from the key columns alone.
fn key_among_unread(
    path: &Path,
    keep: &[bool],
    table: Table,
    wanted: &HashSet<u128, KeyHashed>,
) -> Result<Option<String>> {
    let unread: Vec<bool> = keep.iter().map(|k| !k).collect();
    if wanted.is_empty() || !unread.contains(&true) {
        return Ok(None);
    }
    let mut found = None;
    let mut scratch = Vec::new();
    let key = table.spec().primary_key;
    partition::for_each_stored_batch_in(path, &unread, Some(key), |batch| {
        let batch = partition::with_registry_types(table, batch)?;
        let rows = BatchRows::new(&batch, table, &[])?;
        if found.is_none() {
            found = (0..batch.num_rows())
                .find(|&r| wanted.contains(&rows.key_hash(r, &mut scratch)))
                .map(|r| rows.key(r));
        }
        Ok(())
    })?;
    Ok(found)
}

/// A key or label cell as text: strings directly, anything else formatted.
fn text_of(array: &ArrayRef, row: usize) -> String {
    if array.is_null(row) {
        return "∅".to_string();
    }
    match array.data_type() {
        arrow::datatypes::DataType::Utf8 => array.as_string::<i32>().value(row).to_string(),
        _ => arrow::util::display::ArrayFormatter::try_new(array.as_ref(), &Default::default())
            .map(|f| f.value(row).to_string())
            .unwrap_or_default(),
    }
}

/// Compares the tables of two sides. A table missing on the old side (`old` gives no
/// path, or its path holds no table) counts as empty: a first release adds everything.
/// One missing on the new side is left out.
///
/// `list`: list at most this many rows per table and kind (the counts stay complete).
pub fn diff(
    old: impl Fn(Table) -> Option<PathBuf> + Sync,
    new: impl Fn(Table) -> PathBuf + Sync,
    list: Option<usize>,
) -> Result<DataDiff> {
    use rayon::prelude::*;
    let cap = list.unwrap_or(usize::MAX);
    // Batch after batch of both releases decoded and hashed: the same sizes again.
    let _held = crate::memory::HeldFreedMemory::new();
    // The tables are compared in parallel, and listed in their order.
    let tables = diffed_tables()
        .par_iter()
        .map(|&table| diff_table(table, old(table).as_deref(), &new(table), cap))
        .collect::<Result<Vec<_>>>()?;
    Ok(DataDiff {
        tables: tables.into_iter().flatten().collect(),
    })
}

/// The row groups to compare, one flag per group of each side: a group stored alike on
/// both sides ([`partition::stored_group_digests`]) holds the same rows there, so it is
/// paired with one such group of the other side and neither is read. Keys are unique on
/// each side (the data tests hold them so), so the rows left have the same differences
/// as the whole tables. A rebuild after a new export copies the row groups of the files
/// that did not change: at 100k articles, 8 of the 9 groups of each table. Also returns
/// the number of old rows to read.
fn groups_to_compare(old: &Path, new: &Path) -> Result<(Vec<bool>, Vec<bool>, usize)> {
    let (old, new) = (
        partition::stored_group_digests(old)?,
        partition::stored_group_digests(new)?,
    );
    let mut alike: HashMap<u128, Vec<usize>> = HashMap::new();
    for (i, (digest, _)) in old.iter().enumerate().rev() {
        alike.entry(*digest).or_default().push(i);
    }
    let mut old_keep = vec![true; old.len()];
    let new_keep = new
        .iter()
        .map(
            |(digest, _)| match alike.get_mut(digest).and_then(Vec::pop) {
                Some(i) => {
                    old_keep[i] = false;
                    false
                }
                None => true,
            },
        )
        .collect();
    let old_rows = old
        .iter()
        .zip(&old_keep)
        .filter(|(_, keep)| **keep)
        .map(|((_, rows), _)| rows)
        .sum();
    Ok((old_keep, new_keep, old_rows))
}

/// The error for a key that `path`, a stored `table`, holds more than once.
fn duplicate_key(table: Table, path: &Path, key: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "table '{}' at '{}' holds the key ({}) = ({key}) more than once; `gazette diff` \
         follows rows by key, so each key must appear once (gazette's builds check this \
         with the unique_key data test)",
        table.name(),
        path.display(),
        table.spec().primary_key.join(", "),
    )
}

/// One table's differences (`None` when the new side lacks the table), listing at most
/// `cap` rows per kind.
fn diff_table(
    table: Table,
    old_path: Option<&Path>,
    new_path: &Path,
    cap: usize,
) -> Result<Option<TableDiff>> {
    diff_table_reading(table, old_path, new_path, cap, true)
}

/// [`diff_table`], leaving out the row groups both sides share when `skip_alike` (the
/// tests compare with every row read).
fn diff_table_reading(
    table: Table,
    old_path: Option<&Path>,
    new_path: &Path,
    cap: usize,
    skip_alike: bool,
) -> Result<Option<TableDiff>> {
    if !new_path.exists() {
        return Ok(None);
    }
    let mut d = TableDiff {
        table: table.name().to_string(),
        ..TableDiff::default()
    };
    // With nothing published before, every row is added: the files' footers count them,
    // and only the batches that hold the rows listed are decoded (decoding every column
    // of every table took 5 s of a first build of a million articles).
    let Some(old_path) = old_path.filter(|p| p.exists()) else {
        d.n_added = partition::stored_rows(new_path)?;
        if cap > 0 {
            // Only the columns listed, and only the first rows' pages of them.
            let mut listed: Vec<&str> = table.spec().primary_key.to_vec();
            listed.extend(LABELS);
            partition::stored_head_while(new_path, &listed, cap, |batch| {
                let rows = BatchRows::new(&batch, table, &[])?;
                for r in 0..batch.num_rows().min(cap - d.added.len()) {
                    d.added.push(RowRef {
                        id: rows.key(r),
                        label: rows.label(r),
                    });
                }
                Ok(d.added.len() < cap)
            })?;
        }
        return Ok(Some(d));
    };
    // Tables are read a batch at a time and rows held as hashes (the old side's key
    // and fingerprint, a bit for "still there"; the keys only the new side has join
    // them as seen): holding both sides' rows with their keys, labels and column hashes
    // took 20 GB at a million articles. Ids, labels and changed columns are read again
    // for the rows listed.
    let compared: Vec<String> = partition::stored_schema(new_path)?
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .filter(|n| !PROVENANCE.contains(&n.as_str()))
        // A partitioned claims, figures or mentions table holds its folders' month as a
        // column, which the flat table has not: the article's month, not the row's value.
        .filter(|n| n != partition::KEY || table.spec().column(n).is_some())
        .collect();
    // No flags: every group is read.
    let (old_keep, new_keep, old_rows_read) = if skip_alike {
        groups_to_compare(old_path, new_path)?
    } else {
        (Vec::new(), Vec::new(), partition::stored_rows(old_path)?)
    };
    let mut scratch = Vec::new();
    // Sized up front: grown by doubling, the map of a million articles' figures was
    // copied and its new memory zeroed again and again.
    let mut old_rows: HashMap<u128, (u64, bool), KeyHashed> =
        HashMap::with_capacity_and_hasher(old_rows_read, KeyHashed::default());
    // A key met twice would pair rows arbitrarily and miscount every kind of change:
    // gazette's own tables never hold one (the `unique_key` data test), but a table
    // edited by hand or written by another tool may. Checked among the rows compared.
    for_each_row(old_path, &old_keep, table, &compared, |b, r| {
        let h = b.key_hash(r, &mut scratch);
        if old_rows.insert(h, (b.fingerprint(r), false)).is_some() {
            return Err(duplicate_key(table, old_path, &b.key(r)));
        }
        Ok(())
    })?;
    // Changed rows listed: key, id, label and the new side's column hashes.
    let mut changed: Vec<(u128, String, String, Vec<Option<u64>>)> = Vec::new();
    let mut added: HashSet<u128, KeyHashed> = HashSet::default();
    // A key only the new side has joins the map as already seen, so that a key met
    // twice on the new side is one found seen, whichever side it came from.
    for_each_row(new_path, &new_keep, table, &compared, |b, r| {
        let h = b.key_hash(r, &mut scratch);
        match old_rows.entry(h) {
            Entry::Occupied(o) if o.get().1 => {
                return Err(duplicate_key(table, new_path, &b.key(r)));
            }
            Entry::Vacant(v) => {
                v.insert((0, true));
                d.n_added += 1;
                if skip_alike {
                    added.insert(h);
                }
                if d.added.len() < cap {
                    d.added.push(RowRef {
                        id: b.key(r),
                        label: b.label(r),
                    });
                }
            }
            Entry::Occupied(mut o) => {
                let (fingerprint, seen) = o.get_mut();
                *seen = true;
                if *fingerprint != b.fingerprint(r) {
                    d.n_changed += 1;
                    if changed.len() < cap {
                        changed.push((h, b.key(r), b.label(r), b.column_hashes(r, &mut scratch)));
                    }
                }
            }
        }
        Ok(())
    })?;
    d.n_removed = old_rows.values().filter(|(_, seen)| !seen).count();
    if skip_alike {
        // The groups paired as alike were not read, on the word that each side holds a
        // key once. A key held twice on one side, in groups of their own (a partition
        // file copied into another month's folder), would then count as added or as
        // removed: the unread groups of the other side, alike with this side's, tell.
        if let Some(key) = key_among_unread(old_path, &old_keep, table, &added)? {
            return Err(duplicate_key(table, new_path, &key));
        }
        let removed: HashSet<u128, KeyHashed> = old_rows
            .iter()
            .filter(|(_, (_, seen))| !seen)
            .map(|(h, _)| *h)
            .collect();
        if let Some(key) = key_among_unread(new_path, &new_keep, table, &removed)? {
            return Err(duplicate_key(table, old_path, &key));
        }
    }
    let wanted: HashMap<u128, usize, KeyHashed> =
        changed.iter().enumerate().map(|(i, c)| (c.0, i)).collect();
    let mut old_hashes: Vec<Vec<Option<u64>>> = vec![Vec::new(); changed.len()];
    if d.n_removed > 0 || !changed.is_empty() {
        // Columns are needed again only to say what changed.
        let columns: &[String] = if changed.is_empty() { &[] } else { &compared };
        for_each_row(old_path, &old_keep, table, columns, |b, r| {
            let h = b.key_hash(r, &mut scratch);
            if old_rows.get(&h).is_some_and(|(_, seen)| !seen) && d.removed.len() < cap {
                d.removed.push(RowRef {
                    id: b.key(r),
                    label: b.label(r),
                });
            }
            if let Some(&i) = wanted.get(&h) {
                old_hashes[i] = b.column_hashes(r, &mut scratch);
            }
            Ok(())
        })?;
    }
    for ((_, id, label, new_hashes), old_hashes) in changed.into_iter().zip(old_hashes) {
        let columns = compared
            .iter()
            .enumerate()
            .filter(|(i, _)| new_hashes[*i] != old_hashes.get(*i).copied().flatten())
            .map(|(_, c)| c.clone())
            .collect();
        d.changed.push(ChangedRow { id, label, columns });
    }
    Ok(Some(d))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{
        BooleanArray, Float64Array, Int32Array, Int64Array, ListArray, StringArray,
        TimestampMicrosecondArray,
    };
    use arrow::datatypes::Int32Type;

    use super::*;

    /// A batch of one row per column type the tables use, keyed like `articles`.
    fn batch(
        text: Option<&str>,
        n: i32,
        big: i64,
        x: f64,
        flag: bool,
        list: &[i32],
    ) -> RecordBatch {
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("article_id", Arc::new(StringArray::from(vec!["a1"]))),
            ("title", Arc::new(StringArray::from(vec![text]))),
            ("n", Arc::new(Int32Array::from(vec![n]))),
            ("big", Arc::new(Int64Array::from(vec![big]))),
            ("x", Arc::new(Float64Array::from(vec![x]))),
            ("flag", Arc::new(BooleanArray::from(vec![flag]))),
            (
                "at",
                Arc::new(TimestampMicrosecondArray::from(vec![big]).with_timezone("Asia/Shanghai")),
            ),
            (
                "list",
                Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
                    Some(list.iter().map(|&v| Some(v)).collect::<Vec<_>>()),
                ])),
            ),
        ];
        RecordBatch::try_from_iter(columns).unwrap()
    }

    const COMPARED: &[&str] = &["title", "n", "big", "x", "flag", "at", "list"];

    fn rows(b: &RecordBatch) -> BatchRows {
        let compared: Vec<String> = COMPARED.iter().map(|s| s.to_string()).collect();
        BatchRows::new(b, Table::Articles, &compared).unwrap()
    }

    #[test]
    fn a_change_in_any_column_changes_the_fingerprint_and_names_that_column() {
        let base = batch(Some("t"), 1, 2, 0.5, true, &[1, 2]);
        let edits = [
            ("title", batch(Some("u"), 1, 2, 0.5, true, &[1, 2])),
            ("title", batch(None, 1, 2, 0.5, true, &[1, 2])),
            ("n", batch(Some("t"), 3, 2, 0.5, true, &[1, 2])),
            ("x", batch(Some("t"), 1, 2, -0.5, true, &[1, 2])),
            ("flag", batch(Some("t"), 1, 2, 0.5, false, &[1, 2])),
            ("list", batch(Some("t"), 1, 2, 0.5, true, &[1, 3])),
            ("list", batch(Some("t"), 1, 2, 0.5, true, &[1, 2, 2])),
            ("list", batch(Some("t"), 1, 2, 0.5, true, &[])),
        ];
        let mut scratch = Vec::new();
        let b = rows(&base);
        let fp = b.fingerprint(0);
        let hashes = b.column_hashes(0, &mut scratch);
        assert_eq!(fp, rows(&base.clone()).fingerprint(0));
        for (column, edited) in edits {
            let e = rows(&edited);
            assert_ne!(fp, e.fingerprint(0), "{column}");
            let differ: Vec<&str> = hashes
                .iter()
                .zip(e.column_hashes(0, &mut scratch))
                .zip(COMPARED)
                .filter(|((a, b), _)| *a != b)
                .map(|(_, c)| *c)
                .collect();
            assert_eq!(differ, [column]);
            assert_eq!(b.key_hash(0, &mut scratch), e.key_hash(0, &mut scratch));
        }
        // `big` feeds two columns (an integer and an instant).
        let e = rows(&batch(Some("t"), 1, 5, 0.5, true, &[1, 2]));
        let differ: Vec<bool> = hashes
            .iter()
            .zip(e.column_hashes(0, &mut scratch))
            .map(|(a, b)| *a != b)
            .collect();
        assert_eq!(differ, [false, false, true, false, false, true, false]);
    }

    #[test]
    fn a_null_differs_from_an_empty_or_zero_value() {
        let null_title = rows(&batch(None, 0, 0, 0.0, false, &[]));
        let empty_title = rows(&batch(Some(""), 0, 0, 0.0, false, &[]));
        assert_ne!(null_title.fingerprint(0), empty_title.fingerprint(0));
        let mut scratch = Vec::new();
        let hashes = null_title.column_hashes(0, &mut scratch);
        // Equal bytes of different types (0 as an integer, a float's bits, an instant)
        // hash differently, and none like a null.
        assert_ne!(hashes[1], hashes[2]);
        assert_ne!(hashes[2], hashes[5]);
        assert_eq!(hashes[0], Some(NULL_HASH));
        assert!(
            hashes[1..].iter().all(|h| *h != Some(NULL_HASH)),
            "{hashes:?}"
        );
    }

    #[test]
    fn a_row_hashes_the_same_wherever_it_stands_in_its_batch() {
        let one = batch(Some("t"), 1, 2, 0.5, true, &[1, 2]);
        let other = batch(Some("v"), 7, 8, 1.5, false, &[9]);
        let both = arrow::compute::concat_batches(&one.schema(), [&other, &one]).unwrap();
        let mut scratch = Vec::new();
        let (a, b) = (rows(&one), rows(&both));
        assert_eq!(a.fingerprint(0), b.fingerprint(1));
        assert_eq!(a.key_hash(0, &mut scratch), b.key_hash(1, &mut scratch));
        assert_ne!(a.fingerprint(0), b.fingerprint(0));
    }

    #[test]
    fn a_column_one_side_lacks_differs_from_any_value() {
        let full = batch(Some("t"), 1, 2, 0.5, true, &[1, 2]);
        let fewer = full.project(&[0, 2, 3, 4, 5, 6, 7]).unwrap();
        let mut scratch = Vec::new();
        let (a, b) = (rows(&full), rows(&fewer));
        assert_ne!(a.fingerprint(0), b.fingerprint(0));
        assert_eq!(b.column_hashes(0, &mut scratch)[0], None);
    }

    /// Rows of `articles`' key, its label and a number.
    type Rows = Vec<(&'static str, &'static str, i32)>;

    /// A table of [`Rows`] stored one row group per item of `groups`, in order.
    fn stored(path: &Path, groups: &[Rows]) {
        use parquet::arrow::ArrowWriter;
        use parquet::file::properties::WriterProperties;
        let schema = Arc::new(arrow::datatypes::Schema::new(vec![
            arrow::datatypes::Field::new("article_id", DataType::Utf8, false),
            arrow::datatypes::Field::new("title", DataType::Utf8, false),
            arrow::datatypes::Field::new("n", DataType::Int32, false),
        ]));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(1 << 20))
            .build();
        let mut w = ArrowWriter::try_new(
            std::fs::File::create(path).unwrap(),
            schema.clone(),
            Some(props),
        )
        .unwrap();
        for g in groups {
            let batch = RecordBatch::try_new(
                schema.clone(),
                vec![
                    Arc::new(StringArray::from_iter_values(g.iter().map(|r| r.0))),
                    Arc::new(StringArray::from_iter_values(g.iter().map(|r| r.1))),
                    Arc::new(Int32Array::from_iter_values(g.iter().map(|r| r.2))),
                ],
            )
            .unwrap();
            w.write(&batch).unwrap();
            w.flush().unwrap();
        }
        w.close().unwrap();
    }

    /// Rows `from..to` of [`IDS`], each labelled with its id, the number `n` in each.
    fn group(from: usize, to: usize, n: i32) -> Rows {
        IDS[from..to].iter().map(|id| (*id, *id, n)).collect()
    }

    const IDS: &[&str] = &["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];

    #[test]
    fn leaving_out_the_row_groups_both_sides_share_finds_the_same_differences() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.parquet");
        let (a, b, c) = (group(0, 4, 1), group(4, 8, 1), group(8, 12, 1));
        stored(&old, &[a.clone(), b.clone(), c.clone()]);
        let mut edited_b = b.clone();
        edited_b[1].2 = 2;
        let mut b_without_f = b.clone();
        b_without_f.remove(1);
        let mut c_with_f = c.clone();
        c_with_f.insert(0, b[1]);
        let (m, n) = (("m", "m", 1), ("n", "n", 1));
        // Each release, with the groups a diff leaves out of it and of the old one.
        type Case<'r> = (&'r str, Vec<Rows>, [bool; 3], (usize, usize, usize));
        let cases: Vec<Case> = vec![
            (
                "the same",
                vec![a.clone(), b.clone(), c.clone()],
                [false; 3],
                (0, 0, 0),
            ),
            (
                "one value changed",
                vec![a.clone(), edited_b.clone(), c.clone()],
                [false, true, false],
                (0, 0, 1),
            ),
            (
                "a group added",
                vec![a.clone(), b.clone(), c.clone(), vec![m, n]],
                [false; 3],
                (2, 0, 0),
            ),
            (
                "a row removed",
                vec![a.clone(), b_without_f.clone(), c.clone()],
                [false, true, false],
                (0, 1, 0),
            ),
            (
                "a row moved to another group",
                vec![a.clone(), b_without_f, c_with_f],
                [false, true, true],
                (0, 0, 0),
            ),
            (
                "the groups reordered",
                vec![c.clone(), a.clone(), b.clone()],
                [false; 3],
                (0, 0, 0),
            ),
            (
                "a group gone, a row added",
                vec![a.clone(), [c.clone(), vec![m]].concat()],
                [false, true, true],
                (1, 4, 0),
            ),
        ];
        for (case, groups, old_read, (added, removed, changed)) in cases {
            let new = dir.path().join(format!("{case}.parquet"));
            stored(&new, &groups);
            let skipping = diff_table(Table::Articles, Some(&old), &new, usize::MAX).unwrap();
            let reading_all =
                diff_table_reading(Table::Articles, Some(&old), &new, usize::MAX, false).unwrap();
            assert_eq!(skipping, reading_all, "{case}");
            let d = skipping.unwrap();
            assert_eq!(
                (d.n_added, d.n_removed, d.n_changed),
                (added, removed, changed),
                "{case}"
            );
            let (old_keep, _, _) = groups_to_compare(&old, &new).unwrap();
            assert_eq!(old_keep, old_read, "{case}: the old groups read");
        }
    }

    #[test]
    fn a_key_held_twice_on_either_side_is_an_error_naming_the_table_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let (unique, twice) = (
            dir.path().join("unique.parquet"),
            dir.path().join("twice.parquet"),
        );
        stored(&unique, &[group(0, 4, 1)]);
        // "b" again, with another number: whichever row were kept, the counts would be
        // wrong. (A row group stored alike on both sides is not read, nor its keys.)
        stored(&twice, &[[group(0, 4, 1), vec![("b", "b", 2)]].concat()]);
        let (a_to_d, a_to_c) = (
            dir.path().join("a-d.parquet"),
            dir.path().join("a-c.parquet"),
        );
        stored(&a_to_d, &[group(0, 4, 1)]);
        stored(
            &a_to_c,
            &[group(0, 3, 1), vec![("x", "x", 1), ("x", "x", 1)]],
        );
        // A group stored twice on one side, alike with the other side's (a partition
        // file copied into another month's folder), or again with other values.
        let (group_twice, group_again) = (
            dir.path().join("group-twice.parquet"),
            dir.path().join("group-again.parquet"),
        );
        stored(&group_twice, &[group(0, 4, 1), group(0, 4, 1)]);
        stored(&group_again, &[group(0, 4, 1), group(0, 4, 2)]);
        let cases = [
            ("the old side", &twice, &unique, &twice, "b"),
            (
                "the old side, a group twice",
                &group_twice,
                &unique,
                &group_twice,
                "a",
            ),
            (
                "the new side, a group twice",
                &unique,
                &group_twice,
                &group_twice,
                "a",
            ),
            (
                "the new side, its keys again",
                &unique,
                &group_again,
                &group_again,
                "a",
            ),
            (
                "the new side, a key both sides have",
                &unique,
                &twice,
                &twice,
                "b",
            ),
            (
                "the new side, a key only it has",
                &a_to_d,
                &a_to_c,
                &a_to_c,
                "x",
            ),
        ];
        for (case, old, new, named, key) in cases {
            for skip_alike in [true, false] {
                let err = diff_table_reading(Table::Articles, Some(old), new, 10, skip_alike)
                    .expect_err(case)
                    .to_string();
                assert!(err.contains("table 'articles'"), "{case}: {err}");
                assert!(err.contains(&named.display().to_string()), "{case}: {err}");
                assert!(
                    err.contains(&format!("(article_id) = ({key})")),
                    "{case}: {err}"
                );
            }
        }
        // A key moved between groups is not repeated.
        let moved = dir.path().join("moved.parquet");
        stored(&moved, &[group(1, 4, 1), group(0, 1, 1)]);
        let d = diff_table(Table::Articles, Some(&unique), &moved, 10)
            .unwrap()
            .unwrap();
        assert_eq!((d.n_added, d.n_removed, d.n_changed), (0, 0, 0));
    }

    #[test]
    fn a_group_stored_alike_under_another_partition_key_is_compared() {
        // The same bytes in another month's folder hold other rows: their month differs.
        let dir = tempfile::tempdir().unwrap();
        let rows = group(0, 4, 1);
        let (old, new) = (dir.path().join("old"), dir.path().join("new"));
        stored(
            &old.join("published_month=2025-01/part-0.parquet"),
            std::slice::from_ref(&rows),
        );
        stored(
            &new.join("published_month=2025-02/part-0.parquet"),
            std::slice::from_ref(&rows),
        );
        assert_eq!(
            std::fs::read(old.join("published_month=2025-01/part-0.parquet")).unwrap(),
            std::fs::read(new.join("published_month=2025-02/part-0.parquet")).unwrap()
        );
        let (old_keep, new_keep, old_rows) = groups_to_compare(&old, &new).unwrap();
        assert_eq!((old_keep, new_keep, old_rows), (vec![true], vec![true], 4));
        let d = diff_table(Table::Articles, Some(&old), &new, usize::MAX)
            .unwrap()
            .unwrap();
        assert_eq!((d.n_added, d.n_removed, d.n_changed), (0, 0, 4));
        assert!(
            d.changed.iter().all(|c| c.columns == ["published_month"]),
            "{:?}",
            d.changed
        );
    }

    #[test]
    fn a_first_build_lists_the_first_rows_of_every_partition_in_order() {
        // Two months, the first holding fewer rows than the list's cap: the list goes on
        // into the second, and every row is counted.
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new");
        stored(
            &new.join("published_month=2025-01/part-0.parquet"),
            &[group(0, 3, 1)],
        );
        stored(
            &new.join("published_month=2025-02/part-0.parquet"),
            &[group(3, 6, 1), group(6, 12, 1)],
        );
        for (cap, listed) in [(0, 0), (2, 2), (5, 5), (100, 12)] {
            let d = diff_table(Table::Articles, None, &new, cap)
                .unwrap()
                .unwrap();
            assert_eq!(
                (d.n_added, d.n_removed, d.n_changed),
                (12, 0, 0),
                "cap {cap}"
            );
            let expected: Vec<RowRef> = IDS[..listed]
                .iter()
                .map(|id| RowRef {
                    id: id.to_string(),
                    label: id.to_string(),
                })
                .collect();
            assert_eq!(d.added, expected, "cap {cap}");
        }
    }
}
