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

use std::collections::{BTreeMap, HashMap};
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use arrow::array::{Array, ArrayRef, AsArray};
use arrow::row::{RowConverter, SortField};
use serde::{Deserialize, Serialize};

use crate::tables::Table;

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

    /// The same diff listing at most `n` rows per table and kind (counts stay complete).
    pub fn capped(mut self, n: usize) -> DataDiff {
        for t in &mut self.tables {
            t.added.truncate(n);
            t.removed.truncate(n);
            t.changed.truncate(n);
        }
        self
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

/// Per row of a table: its label and a hash per compared column.
struct Rows {
    columns: Vec<String>,
    rows: HashMap<String, (String, Vec<u64>)>,
    order: Vec<String>,
    /// Rows in the table (more than `order` holds when loaded with a limit).
    count: usize,
}

/// Reads a table's rows: key, label and — when `compare` — one hash per compared column
/// (of the column's row-format bytes: no formatting to text).
/// `limit`: keep the first rows only (but count them all), for a diff that lists no more.
fn load(path: &Path, table: Table, compare: bool, limit: Option<usize>) -> Result<Option<Rows>> {
    if !path.exists() {
        return Ok(None);
    }
    let (schema, batches) = crate::tables::partition::read_stored(path)?;
    let key_cols = table.spec().primary_key;
    let compared: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .filter(|n| !PROVENANCE.contains(&n.as_str()))
        .collect();
    let label_col = LABELS.iter().find(|l| schema.index_of(l).is_ok());
    let mut out = Rows {
        columns: compared.clone(),
        rows: HashMap::new(),
        order: Vec::new(),
        count: 0,
    };
    for batch in &batches {
        out.count += batch.num_rows();
        if limit.is_some_and(|l| out.order.len() >= l) {
            continue;
        }
        let column = |name: &str| -> Result<ArrayRef> {
            Ok(batch.column(batch.schema().index_of(name)?).clone())
        };
        let keys: Vec<ArrayRef> = key_cols.iter().map(|k| column(k)).collect::<Result<_>>()?;
        let label = label_col.map(|l| column(l)).transpose()?;
        // Per compared column, the rows in arrow's row format: equal bytes, equal values.
        let encoded: Vec<arrow::row::Rows> = if compare {
            compared
                .iter()
                .map(|c| -> Result<_> {
                    let col = column(c)?;
                    let conv = RowConverter::new(vec![SortField::new(col.data_type().clone())])?;
                    Ok(conv.convert_columns(&[col])?)
                })
                .collect::<Result<_>>()?
        } else {
            Vec::new()
        };
        for row in 0..batch.num_rows() {
            if limit.is_some_and(|l| out.order.len() >= l) {
                break;
            }
            let key = keys
                .iter()
                .map(|k| text_of(k, row))
                .collect::<Vec<_>>()
                .join(",");
            let hashes = encoded
                .iter()
                .map(|rows| {
                    let mut h = crate::text::FnvHasher::default();
                    h.write(rows.row(row).as_ref());
                    h.finish()
                })
                .collect();
            let label = label.as_ref().map(|l| text_of(l, row)).unwrap_or_default();
            out.order.push(key.clone());
            out.rows.insert(key, (label, hashes));
        }
    }
    Ok(Some(out))
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
    old: impl Fn(Table) -> PathBuf,
    new: impl Fn(Table) -> PathBuf,
    list: Option<usize>,
) -> Result<DataDiff> {
    let mut out = DataDiff::default();
    for table in diffed_tables() {
        // With nothing published before, every row is added: no need to compare columns,
        // nor to hold more rows than are listed (a first build of a million articles).
        let old_path = old(table);
        let compare = old_path.exists();
        let limit = if compare { None } else { list };
        let Some(n) = load(&new(table), table, compare, limit)? else {
            continue;
        };
        let o = load(&old_path, table, compare, None)?.unwrap_or(Rows {
            columns: n.columns.clone(),
            rows: HashMap::new(),
            order: Vec::new(),
            count: 0,
        });
        let mut d = TableDiff {
            table: table.name().to_string(),
            ..TableDiff::default()
        };
        for key in &n.order {
            let (label, hashes) = &n.rows[key];
            match o.rows.get(key) {
                None => d.added.push(RowRef {
                    id: key.clone(),
                    label: label.clone(),
                }),
                Some((_, old_hashes)) => {
                    let old_index: BTreeMap<&str, u64> = o
                        .columns
                        .iter()
                        .map(String::as_str)
                        .zip(old_hashes.iter().copied())
                        .collect();
                    let columns: Vec<String> = n
                        .columns
                        .iter()
                        .zip(hashes)
                        .filter(|(c, h)| old_index.get(c.as_str()) != Some(h))
                        .map(|(c, _)| c.clone())
                        .collect();
                    if !columns.is_empty() {
                        d.changed.push(ChangedRow {
                            id: key.clone(),
                            label: label.clone(),
                            columns,
                        });
                    }
                }
            }
        }
        for key in &o.order {
            if !n.rows.contains_key(key) {
                d.removed.push(RowRef {
                    id: key.clone(),
                    label: o.rows[key].0.clone(),
                });
            }
        }
        (d.n_added, d.n_removed, d.n_changed) = (d.added.len(), d.removed.len(), d.changed.len());
        if !compare {
            d.n_added = n.count;
        }
        out.tables.push(d);
    }
    Ok(match list {
        Some(n) => out.capped(n),
        None => out,
    })
}
