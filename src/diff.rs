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

use std::collections::HashMap;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::row::{RowConverter, SortField};
use serde::{Deserialize, Serialize};

use crate::tables::Table;
use crate::text::FnvBuildHasher;

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
        crate::tables::partition::published_path(table, &self.root)
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

    fn from_git(rev: &str) -> Result<Side> {
        Side::git(Path::new("."), rev)?.with_context(|| {
            format!("'{rev}' is neither a directory nor a git revision of this repository that holds built tables")
        })
    }

    /// The tables committed at `rev` under output root `out`, if `out` is inside a git
    /// work tree where `rev` exists. Tables absent at `rev` are absent on this side.
    pub fn git(out: &Path, rev: &str) -> Result<Option<Side>> {
        let git = |args: &[&str]| -> Option<Vec<u8>> {
            let o = Command::new("git")
                .arg("-C")
                .arg(out)
                .args(args)
                .output()
                .ok()?;
            o.status.success().then_some(o.stdout)
        };
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
                std::fs::create_dir_all(dest.parent().expect("tables have a folder"))?;
                std::fs::write(&dest, bytes)?;
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

/// One batch of a table, as the diff reads it: each row's key, label and compared
/// columns (in arrow's row format: equal bytes, equal values; no formatting to text).
struct BatchRows {
    keys: Vec<ArrayRef>,
    label: Option<ArrayRef>,
    /// Per compared column, in the new side's order; `None` where this side lacks it.
    encoded: Vec<Option<arrow::row::Rows>>,
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
        let encoded = compared
            .iter()
            .map(|c| -> Result<_> {
                let Ok(i) = schema.index_of(c) else {
                    return Ok(None);
                };
                let col = batch.column(i).clone();
                let conv = RowConverter::new(vec![SortField::new(col.data_type().clone())])?;
                Ok(Some(conv.convert_columns(&[col])?))
            })
            .collect::<Result<_>>()?;
        Ok(BatchRows {
            keys,
            label,
            encoded,
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

    /// A hash per compared column (`None`: this side lacks the column).
    fn column_hashes(&self, row: usize) -> Vec<Option<u64>> {
        self.encoded
            .iter()
            .map(|rows| {
                rows.as_ref().map(|rows| {
                    let mut h = crate::text::FnvHasher::default();
                    h.write(rows.row(row).as_ref());
                    h.finish()
                })
            })
            .collect()
    }

    /// One hash of all compared columns: equal when every column is (and present).
    fn fingerprint(&self, row: usize) -> u64 {
        let mut h = crate::text::FnvHasher::default();
        for rows in &self.encoded {
            match rows {
                Some(rows) => {
                    let bytes = rows.row(row);
                    h.write_u8(1);
                    h.write_u64(bytes.as_ref().len() as u64);
                    h.write(bytes.as_ref());
                }
                None => h.write_u8(0),
            }
        }
        h.finish()
    }
}

/// A key as 128 bits (two different hashes): a million articles' figures are sixteen
/// million keys, held as numbers rather than strings.
fn key_hash(key: &str) -> u128 {
    let mut fnv = crate::text::FnvHasher::default();
    fnv.write(key.as_bytes());
    // SipHash with its fixed zero keys: the same in every run.
    let mut sip = std::hash::DefaultHasher::new();
    sip.write(key.as_bytes());
    (u128::from(fnv.finish()) << 64) | u128::from(sip.finish())
}

/// Calls `f` with every row of a stored table, a batch at a time.
fn for_each_row(
    path: &Path,
    table: Table,
    compared: &[String],
    mut f: impl FnMut(&BatchRows, usize) -> Result<()>,
) -> Result<()> {
    crate::tables::partition::for_each_stored_batch(path, |batch| {
        let rows = BatchRows::new(&batch, table, compared)?;
        for row in 0..batch.num_rows() {
            f(&rows, row)?;
        }
        Ok(())
    })
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

/// Compares the tables of two sides. A table missing on the old side counts as empty (a
/// first release adds everything); one missing on the new side is left out.
///
/// `list`: list at most this many rows per table and kind (the counts stay complete).
pub fn diff(
    old: impl Fn(Table) -> PathBuf + Sync,
    new: impl Fn(Table) -> PathBuf + Sync,
    list: Option<usize>,
) -> Result<DataDiff> {
    use rayon::prelude::*;
    let cap = list.unwrap_or(usize::MAX);
    // The tables are compared in parallel, and listed in their order.
    let tables = diffed_tables()
        .par_iter()
        .map(|&table| diff_table(table, &old(table), &new(table), cap))
        .collect::<Result<Vec<_>>>()?;
    Ok(DataDiff {
        tables: tables.into_iter().flatten().collect(),
    })
}

/// One table's differences (`None` when the new side lacks the table), listing at most
/// `cap` rows per kind.
fn diff_table(
    table: Table,
    old_path: &Path,
    new_path: &Path,
    cap: usize,
) -> Result<Option<TableDiff>> {
    if !new_path.exists() {
        return Ok(None);
    }
    let mut d = TableDiff {
        table: table.name().to_string(),
        ..TableDiff::default()
    };
    // With nothing published before, every row is added: no need to compare columns
    // (a first build of a million articles).
    if !old_path.exists() {
        for_each_row(new_path, table, &[], |b, r| {
            d.n_added += 1;
            if d.added.len() < cap {
                d.added.push(RowRef {
                    id: b.key(r),
                    label: b.label(r),
                });
            }
            Ok(())
        })?;
        return Ok(Some(d));
    }
    // Tables are read a batch at a time and rows held as hashes (the old side's key
    // and fingerprint, a bit for "still there"): holding both sides' rows with their
    // keys, labels and column hashes took 20 GB at a million articles. Ids, labels
    // and changed columns are read again for the rows listed.
    let compared: Vec<String> = crate::tables::partition::stored_schema(new_path)?
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .filter(|n| !PROVENANCE.contains(&n.as_str()))
        .collect();
    let mut old_rows: HashMap<u128, (u64, bool), FnvBuildHasher> = HashMap::default();
    for_each_row(old_path, table, &compared, |b, r| {
        old_rows.insert(key_hash(&b.key(r)), (b.fingerprint(r), false));
        Ok(())
    })?;
    // Changed rows listed: key, id, label and the new side's column hashes.
    let mut changed: Vec<(u128, String, String, Vec<Option<u64>>)> = Vec::new();
    for_each_row(new_path, table, &compared, |b, r| {
        let key = b.key(r);
        let h = key_hash(&key);
        match old_rows.get_mut(&h) {
            None => {
                d.n_added += 1;
                if d.added.len() < cap {
                    d.added.push(RowRef {
                        id: key,
                        label: b.label(r),
                    });
                }
            }
            Some((fingerprint, seen)) => {
                *seen = true;
                if *fingerprint != b.fingerprint(r) {
                    d.n_changed += 1;
                    if changed.len() < cap {
                        changed.push((h, key, b.label(r), b.column_hashes(r)));
                    }
                }
            }
        }
        Ok(())
    })?;
    d.n_removed = old_rows.values().filter(|(_, seen)| !seen).count();
    let wanted: HashMap<u128, usize, FnvBuildHasher> =
        changed.iter().enumerate().map(|(i, c)| (c.0, i)).collect();
    let mut old_hashes: Vec<Vec<Option<u64>>> = vec![Vec::new(); changed.len()];
    if d.n_removed > 0 || !changed.is_empty() {
        // Columns are needed again only to say what changed.
        let columns: &[String] = if changed.is_empty() { &[] } else { &compared };
        for_each_row(old_path, table, columns, |b, r| {
            let key = b.key(r);
            let h = key_hash(&key);
            if old_rows.get(&h).is_some_and(|(_, seen)| !seen) && d.removed.len() < cap {
                d.removed.push(RowRef {
                    id: key,
                    label: b.label(r),
                });
            }
            if let Some(&i) = wanted.get(&h) {
                old_hashes[i] = b.column_hashes(r);
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
