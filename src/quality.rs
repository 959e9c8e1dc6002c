//! Data tests: the checks declared next to every table's schema, run on the built tables.
//!
//! From each [`TableSpec`]: the primary key is unique and not null, non-nullable columns
//! hold no nulls, foreign keys resolve, and every declared [`Check`] holds (ranges,
//! finite numbers, ordered pairs, known values, spans inside their text). Tables are read
//! batch by batch, and keys that are gazette's 16-hex-digit ids are held as 64-bit
//! integers, so checking a million-article corpus stays within memory.
//!
//! The report reads like Frictionless' validation report: one line per failure with
//! check, table, row, column and value; `gazette build` refuses to publish tables that
//! fail, and the results are published as `data/quality.json` for the site.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result};
use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Float64Type, Int32Type, Int64Type, TimestampMicrosecondType};
use serde::{Deserialize, Serialize};

use crate::tables::{Check, ForeignKey, Table, TableSpec};
use crate::text::FastSet;

/// Where the report of the last build is published.
pub const REPORT_PATH: &str = "data/quality.json";

/// At most this many failures are listed per check (all are counted).
const MAX_LISTED: usize = 20;

/// One row that fails a check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub check: String,
    pub table: String,
    /// 1-based row number in the table.
    pub row: u64,
    pub column: String,
    pub value: String,
    pub message: String,
}

/// The outcome of one check on one table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub check: String,
    pub table: String,
    pub column: String,
    pub description: String,
    pub rows: u64,
    pub failures: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// What the build read of the corpus, and what it skipped: written by `gazette build`
    /// (absent from reports of earlier versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corpus: Option<CorpusReport>,
    pub results: Vec<CheckResult>,
    /// The first failures of each check.
    pub failures: Vec<Failure>,
}

/// The corpus side of a build: how many articles it published, and every problem it
/// reported on the way, so that an article left out is on record with the data, not
/// only in the log of the build that left it out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CorpusReport {
    pub files: u64,
    /// Articles in the tables.
    pub articles: u64,
    /// Articles left out: bad, or a copy of one exported before.
    pub skipped: u64,
    pub errors: u64,
    pub warnings: u64,
    /// Every diagnostic, by file (corpus-relative, as the tables' `source_file`) and line.
    pub problems: Vec<Problem>,
}

/// One diagnostic of the corpus, as published.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Problem {
    pub source_file: String,
    pub line: u32,
    pub severity: crate::diagnostics::Severity,
    pub expected: String,
    pub found: String,
}

impl Problem {
    /// `d` with its file named relative to the corpus (`corpus_prefix`: the corpus
    /// directory as diagnostics show it, ending with a separator), there and where its
    /// text names a file (a duplicate names the first copy's, after a space): the
    /// published report is the same whichever spelling of `--corpus` built it.
    pub fn of(d: &crate::diagnostics::Diagnostic, corpus_prefix: &str) -> Self {
        let found = if corpus_prefix.is_empty() {
            d.found.clone()
        } else {
            d.found.replace(&format!(" {corpus_prefix}"), " ")
        };
        Problem {
            source_file: d
                .file
                .strip_prefix(corpus_prefix)
                .unwrap_or(&d.file)
                .to_string(),
            line: d.line,
            severity: d.severity,
            expected: d.expected.clone(),
            found,
        }
    }
}

impl Report {
    pub fn n_failures(&self) -> u64 {
        self.results.iter().map(|r| r.failures).sum()
    }

    pub fn is_ok(&self) -> bool {
        self.n_failures() == 0
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("report serializes");
        v.push(b'\n');
        v
    }

    /// The failures as an aligned text table, for the terminal.
    pub fn failure_table(&self) -> String {
        let mut rows = vec![[
            "check".to_string(),
            "table".to_string(),
            "row".to_string(),
            "column".to_string(),
            "value".to_string(),
            "message".to_string(),
        ]];
        for f in &self.failures {
            rows.push([
                f.check.clone(),
                f.table.clone(),
                f.row.to_string(),
                f.column.clone(),
                crate::diagnostics::excerpt(&f.value, 40),
                f.message.clone(),
            ]);
        }
        let widths: Vec<usize> = (0..6)
            .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for r in rows {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        out
    }
}

/// A set of key values: 16-hex-digit ids as integers, anything else as strings.
///
/// Ids are kept sorted, with an index of where each range of leading bits starts: ids
/// are hashes, so the ranges hold a few ids each, and a lookup reads one small slice.
/// A hash set of tens of millions of ids missed the cache twice a lookup; its lookups
/// and inserts were half of the data tests' time at a million articles.
#[derive(Default)]
struct KeySet {
    /// Sorted, without repeats once [`KeySet::seal`]ed.
    ids: Vec<u64>,
    /// `ids[starts[b]..starts[b + 1]]` are the ids whose leading bits are `b`.
    starts: Vec<u32>,
    /// 64 minus the number of leading bits indexed.
    shift: u32,
    strings: FastSet<String>,
    /// The keys of several columns, hashed ([`composite_key_hash`]).
    composite: FastSet<u128>,
}

/// A key of several columns as one hash of its typed cells, each with its length:
/// formatting the cells of each of a million rows as text (a formatter per float) was
/// most of the data tests of the derived datasets keyed so.
fn composite_key_hash(columns: &[ArrayRef], row: usize, buf: &mut Vec<u8>) -> u128 {
    buf.clear();
    for a in columns {
        if a.is_null(row) {
            buf.push(0);
            continue;
        }
        buf.push(1);
        let mut bytes = |b: &[u8]| {
            buf.extend_from_slice(&(b.len() as u64).to_le_bytes());
            buf.extend_from_slice(b);
        };
        match Numbers::of(a) {
            Numbers::I32(v) => bytes(&v.value(row).to_le_bytes()),
            Numbers::I64(v) => bytes(&v.value(row).to_le_bytes()),
            Numbers::F64(v) => bytes(&v.value(row).to_bits().to_le_bytes()),
            Numbers::Micros(v) => bytes(&v.value(row).to_le_bytes()),
            Numbers::None => match a.as_string_opt::<i32>() {
                Some(strings) => bytes(strings.value(row).as_bytes()),
                None => bytes(cell(a, row).as_bytes()),
            },
        }
    }
    xxhash_rust::xxh3::xxh3_128(buf)
}

/// A gazette id (16 lowercase hex digits) as its integer.
///
/// Eight digits at a time in a `u64` (a lookup of every reference of every table
/// parses one: a tenth of the data tests' time digit by digit). A digit's value is
/// its low four bits, plus 9 for `a`–`f`; the digits are valid exactly when the
/// values, written back as lowercase hex, give the same bytes.
fn as_id(s: &str) -> Option<u64> {
    let digits: &[u8; 16] = s.as_bytes().try_into().ok()?;
    let (high, low) = digits.split_at(8);
    Some(
        u64::from(eight_hex_digits(high.try_into().ok()?)?) << 32
            | u64::from(eight_hex_digits(low.try_into().ok()?)?),
    )
}

/// Eight lowercase hex digits as their value (see [`as_id`]).
#[inline]
fn eight_hex_digits(digits: &[u8; 8]) -> Option<u32> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The first digit in the highest byte.
    let bytes = u64::from_be_bytes(*digits);
    let letters = (bytes >> 6) & ONES; // 1 in the bytes of 0x40..=0x7f
    let nibbles = (bytes & (0x0f * ONES)) + 9 * letters;
    // 'g' gives 16: a value of five bits is no digit.
    if nibbles & (0x10 * ONES) != 0 {
        return None;
    }
    // Back to lowercase hex: '0' + n, and 'a' - 10 = '0' + 0x27 + n where n > 9.
    let above_nine = ((nibbles + 6 * ONES) >> 4) & ONES;
    if nibbles + 0x30 * ONES + 0x27 * above_nine != bytes {
        return None;
    }
    // Pairs of nibbles into bytes, bytes into 16 bits, into 32.
    let x = (nibbles | nibbles >> 4) & 0x00ff_00ff_00ff_00ff;
    let x = (x | x >> 8) & 0x0000_ffff_0000_ffff;
    Some((x | x >> 16) as u32)
}

impl KeySet {
    /// Sorts the ids collected, removes repeats and indexes them; returns the ids that
    /// repeated.
    fn seal(&mut self) -> HashSet<u64> {
        self.ids.sort_unstable();
        let repeated: HashSet<u64> = self
            .ids
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect();
        self.ids.dedup();
        // About four ids per range: the index takes half the ids' memory.
        let bits = (u64::BITS - (self.ids.len() as u64 / 4).leading_zeros()).clamp(1, 30);
        self.shift = u64::BITS - bits;
        self.starts = Vec::with_capacity((1 << bits) + 1);
        let mut i = 0;
        for range in 0..=(1u64 << bits) {
            while i < self.ids.len() && self.ids[i] >> self.shift < range {
                i += 1;
            }
            self.starts.push(i as u32);
        }
        repeated
    }

    fn contains(&self, s: &str) -> bool {
        match as_id(s) {
            Some(id) => self.contains_id(id),
            None => self.strings.contains(s),
        }
    }

    /// Whether a sealed set holds `id`.
    fn contains_id(&self, id: u64) -> bool {
        let range = (id >> self.shift) as usize;
        let (Some(&from), Some(&to)) = (self.starts.get(range), self.starts.get(range + 1)) else {
            return false;
        };
        self.ids[from as usize..to as usize].contains(&id)
    }

    /// Calls `missing(tag)` for each `(tag, id)` of `queries` (in order) that a sealed
    /// set does not hold.
    ///
    /// A lookup reads two places of a set of tens of millions of ids, each a cache miss
    /// (a third of the data tests' time at a million articles, one lookup after the
    /// other). Here each lookup's index entry is prefetched `2 * AHEAD` lookups ahead and
    /// its ids `AHEAD` ahead, so the misses of many lookups overlap.
    fn find_missing(&self, queries: &[(u32, u64)], mut missing: impl FnMut(u32)) {
        const AHEAD: usize = 8;
        let range = |id: u64| (id >> self.shift) as usize;
        for (i, &(tag, id)) in queries.iter().enumerate() {
            if let Some(&(_, later)) = queries.get(i + 2 * AHEAD) {
                prefetch(self.starts.as_ptr().wrapping_add(range(later)));
            }
            if let Some(&(_, soon)) = queries.get(i + AHEAD)
                && let Some(&from) = self.starts.get(range(soon))
            {
                prefetch(self.ids.as_ptr().wrapping_add(from as usize));
            }
            if !self.contains_id(id) {
                missing(tag);
            }
        }
    }
}

/// Asks the processor to fetch the cache line of `p` (a hint: nothing happens where the
/// processor has no such instruction).
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and never changes memory, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p.cast::<i8>(), std::arch::x86_64::_MM_HINT_T0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// The value of one cell as text (for keys and the report).
fn cell(array: &ArrayRef, row: usize) -> String {
    if array.is_null(row) {
        return String::new();
    }
    match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().value(row).to_string(),
        _ => {
            let opts = arrow::util::display::FormatOptions::default();
            arrow::util::display::ArrayFormatter::try_new(array.as_ref(), &opts)
                .map(|f| f.value(row).to_string())
                .unwrap_or_default()
        }
    }
}

/// A key's value as text: a single string column is borrowed (the common case, millions
/// of rows), anything else formatted and joined with commas.
fn key_of<'a>(columns: &'a [ArrayRef], row: usize) -> std::borrow::Cow<'a, str> {
    if let [single] = columns
        && let Some(strings) = single.as_string_opt::<i32>()
    {
        return std::borrow::Cow::Borrowed(if strings.is_null(row) {
            ""
        } else {
            strings.value(row)
        });
    }
    std::borrow::Cow::Owned(
        columns
            .iter()
            .map(|a| cell(a, row))
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// A numeric column (integer, float or timestamp) as numbers, its type resolved once:
/// the checks read tens of millions of cells at a million articles.
enum Numbers<'a> {
    I32(&'a arrow::array::Int32Array),
    I64(&'a arrow::array::Int64Array),
    F64(&'a arrow::array::Float64Array),
    Micros(&'a arrow::array::TimestampMicrosecondArray),
    /// Not a numeric column: no numbers.
    None,
}

impl<'a> Numbers<'a> {
    fn of(array: &'a ArrayRef) -> Self {
        match array.data_type() {
            DataType::Int32 => Numbers::I32(array.as_primitive::<Int32Type>()),
            DataType::Int64 => Numbers::I64(array.as_primitive::<Int64Type>()),
            DataType::Float64 => Numbers::F64(array.as_primitive::<Float64Type>()),
            DataType::Timestamp(_, _) => {
                Numbers::Micros(array.as_primitive::<TimestampMicrosecondType>())
            }
            _ => Numbers::None,
        }
    }

    /// Row `row`'s number; `None` when it is null.
    #[inline]
    fn get(&self, row: usize) -> Option<f64> {
        fn at<T: arrow::datatypes::ArrowPrimitiveType>(
            a: &arrow::array::PrimitiveArray<T>,
            row: usize,
        ) -> Option<T::Native> {
            a.is_valid(row).then(|| a.value(row))
        }
        match self {
            Numbers::I32(a) => at(a, row).map(f64::from),
            Numbers::I64(a) => at(a, row).map(|v| v as f64),
            Numbers::F64(a) => at(a, row),
            Numbers::Micros(a) => at(a, row).map(|v| v as f64),
            Numbers::None => None,
        }
    }
}

/// Accumulates results and failures of the checks of one table.
struct Tally<'a> {
    table: &'a str,
    results: BTreeMap<(String, String), CheckResult>,
    order: Vec<(String, String)>,
    failures: Vec<Failure>,
}

impl<'a> Tally<'a> {
    fn new(table: &'a str) -> Self {
        Tally {
            table,
            results: BTreeMap::new(),
            order: Vec::new(),
            failures: Vec::new(),
        }
    }

    fn declare(&mut self, check: &str, column: &str, description: String) {
        let key = (check.to_string(), column.to_string());
        if !self.results.contains_key(&key) {
            self.order.push(key.clone());
            self.results.insert(
                key,
                CheckResult {
                    check: check.to_string(),
                    table: self.table.to_string(),
                    column: column.to_string(),
                    description,
                    rows: 0,
                    failures: 0,
                },
            );
        }
    }

    fn rows(&mut self, check: &str, column: &str, n: u64) {
        if let Some(r) = self
            .results
            .get_mut(&(check.to_string(), column.to_string()))
        {
            r.rows += n;
        }
    }

    fn fail(&mut self, check: &str, column: &str, row: u64, value: String, message: String) {
        let r = self
            .results
            .get_mut(&(check.to_string(), column.to_string()))
            .expect("declared check");
        r.failures += 1;
        if r.failures as usize <= MAX_LISTED {
            self.failures.push(Failure {
                check: check.to_string(),
                table: self.table.to_string(),
                row,
                column: column.to_string(),
                value,
                message,
            });
        }
    }

    /// The results in the order declared; the failures listed in row order, those of
    /// one row in the order of the checks (some checks, such as a repeated id, are only
    /// decided after the whole table is read).
    fn into_report(mut self, report: &mut Report) {
        let rank: HashMap<(&str, &str), usize> = self
            .order
            .iter()
            .enumerate()
            .map(|(i, (check, column))| ((check.as_str(), column.as_str()), i))
            .collect();
        self.failures.sort_by_cached_key(|f| {
            (
                f.row,
                rank.get(&(f.check.as_str(), f.column.as_str())).copied(),
            )
        });
        let mut results = self.results;
        for key in self.order {
            report.results.push(results.remove(&key).expect("declared"));
        }
        report.failures.extend(self.failures);
    }
}

/// Runs every check of every table; `path` says where each table is to be read, and
/// `checked` hears of each table as it is done (for `-v`).
///
/// Tables are checked in parallel, each as soon as the tables it references are: its
/// foreign keys need their key sets, which are collected while those are checked.
/// (Checking a level of tables at a time left a core idle while the last of a level
/// finished.) Results are reported in registry order.
pub fn run(
    path: impl Fn(Table) -> PathBuf + Sync,
    checked: impl Fn(Table, Instant) + Sync,
) -> Result<Report> {
    let present: Vec<Table> = Table::ALL
        .iter()
        .copied()
        .filter(|t| path(*t).exists())
        .collect();
    let referenced: HashSet<(Table, String)> = present
        .iter()
        .flat_map(|t| t.spec().foreign_keys)
        .map(|fk| (fk.table, fk.references.join(",")))
        .collect();
    let schedule = Schedule {
        state: Mutex::new(ScheduleState::default()),
        present: &present,
        path: &path,
        checked: &checked,
        referenced: &referenced,
    };
    let scheduled = &schedule;
    // Table after table decoded batch by batch: the same sizes again and again.
    let _held = crate::memory::HeldFreedMemory::new();
    rayon::scope(|scope| {
        for table in scheduled.ready(&mut scheduled.lock()) {
            scope.spawn(move |scope| scheduled.check(scope, table));
        }
    });
    let mut state = schedule.state.into_inner().expect("not poisoned");
    if let Some(e) = state.error.take() {
        return Err(e);
    }
    let mut report = Report::default();
    for table in Table::ALL {
        if let Some(r) = state.reports.remove(table) {
            report.results.extend(r.results);
            report.failures.extend(r.failures);
        }
    }
    Ok(report)
}

/// Which tables of a [`run`] are checked, started, and what they found.
#[derive(Default)]
struct ScheduleState {
    started: HashSet<Table>,
    keys: HashMap<(Table, String), Arc<KeySet>>,
    /// Each table's results, once it is checked (a table is done when it has them).
    reports: HashMap<Table, Report>,
    /// The first error; no table starts after it.
    error: Option<anyhow::Error>,
}

struct Schedule<'a, P, C> {
    state: Mutex<ScheduleState>,
    present: &'a [Table],
    path: &'a P,
    checked: &'a C,
    referenced: &'a HashSet<(Table, String)>,
}

impl<P, C> Schedule<'_, P, C>
where
    P: Fn(Table) -> PathBuf + Sync,
    C: Fn(Table, Instant) + Sync,
{
    fn lock(&self) -> std::sync::MutexGuard<'_, ScheduleState> {
        self.state.lock().expect("not poisoned")
    }

    /// Marks as started, and returns, the tables not started yet whose referenced
    /// tables are all checked (a referenced table that was not built does not hold
    /// anything up: its foreign keys are counted, not resolved; a table referencing
    /// itself resolves those references once it has read all of its keys).
    fn ready(&self, state: &mut ScheduleState) -> Vec<Table> {
        if state.error.is_some() {
            return Vec::new();
        }
        let ready: Vec<Table> = self
            .present
            .iter()
            .copied()
            .filter(|t| !state.started.contains(t))
            .filter(|t| {
                t.spec().foreign_keys.iter().all(|fk| {
                    fk.table == *t
                        || state.reports.contains_key(&fk.table)
                        || !self.present.contains(&fk.table)
                })
            })
            .collect();
        state.started.extend(ready.iter().copied());
        ready
    }

    fn check<'s>(&'s self, scope: &rayon::Scope<'s>, table: Table)
    where
        P: 's,
        C: 's,
    {
        let t = Instant::now();
        // The key sets of the tables this one references, all checked by now.
        let keys: HashMap<(Table, String), Arc<KeySet>> = {
            let state = self.lock();
            table
                .spec()
                .foreign_keys
                .iter()
                .map(|fk| (fk.table, fk.references.join(",")))
                .filter_map(|k| state.keys.get(&k).map(|set| (k, set.clone())))
                .collect()
        };
        let result = check_table(table, &(self.path)(table), &keys, self.referenced);
        if result.is_ok() {
            // Heard outside the lock: it prints.
            (self.checked)(table, t);
        }
        let mut state = self.lock();
        match result {
            Ok((report, own)) => {
                if let Some((key, set)) = own {
                    state.keys.insert((table, key), Arc::new(set));
                }
                state.reports.insert(table, report);
            }
            Err(e) => {
                state.error.get_or_insert(e);
            }
        }
        for next in self.ready(&mut state) {
            scope.spawn(move |scope| self.check(scope, next));
        }
    }
}

/// Checks one table; returns its results and, when other tables reference it, its key set.
#[allow(clippy::type_complexity)]
fn check_table(
    table: Table,
    path: &Path,
    keys: &HashMap<(Table, String), Arc<KeySet>>,
    referenced: &HashSet<(Table, String)>,
) -> Result<(Report, Option<(String, KeySet)>)> {
    let spec: &TableSpec = table.spec();
    let mut tally = Tally::new(spec.name);
    let pk = spec.primary_key.join(",");
    tally.declare("unique_key", &pk, format!("({pk}) is unique and not null"));
    for c in spec.columns.iter().filter(|c| !c.nullable) {
        tally.declare("not_null", c.name, format!("{} is never null", c.name));
    }
    for fk in spec.foreign_keys {
        tally.declare(
            "foreign_key",
            &fk.columns.join(","),
            format!(
                "every {} is a {}.{}",
                fk.columns.join(","),
                fk.table.name(),
                fk.references.join(",")
            ),
        );
    }
    for check in spec.checks {
        let (name, column) = check_name(check);
        tally.declare(name, &column, describe(check));
    }
    // Decoding the columns is most of the work. A non-null column that the files'
    // statistics show to hold no null needs no decoding; a column nothing else reads
    // is skipped then (at 1M articles the data tests took 69 s reading every column).
    let no_nulls = crate::tables::partition::columns_without_nulls(path)?;
    let mut read: HashSet<&str> = spec.primary_key.iter().copied().collect();
    read.extend(
        spec.foreign_keys
            .iter()
            .flat_map(|fk| fk.columns.iter().copied()),
    );
    read.extend(spec.checks.iter().flat_map(Check::columns));
    read.extend(
        spec.columns
            .iter()
            .filter(|c| !c.nullable && !no_nulls.contains(c.name))
            .map(|c| c.name),
    );
    let skip: Vec<&str> = spec
        .columns
        .iter()
        .map(|c| c.name)
        .filter(|n| !read.contains(n))
        .collect();
    let mut own_keys = KeySet::default();
    // Failures of the key's uniqueness, (row, value, message): a repeated id is known only
    // after the whole table is read, and failures are listed in row order.
    let mut key_failures: Vec<(u64, String, &str)> = Vec::new();
    // References of the table to its own key (`entities.parent`), resolved once every
    // key has been read: (foreign key, row, value).
    let mut self_references: Vec<(&ForeignKey, u64, String)> = Vec::new();
    let refers_to_itself = |fk: &ForeignKey| fk.table == table && fk.references == spec.primary_key;
    let mut row0: u64 = 0;
    let mut scratch = Vec::new();
    crate::tables::partition::for_each_batch_prefetched(table, path, &skip, |batch| {
        let n = batch.num_rows();
        let col = |name: &str| -> Result<ArrayRef> {
            batch
                .column_by_name(name)
                .cloned()
                .with_context(|| format!("'{}' has no column '{name}'", path.display()))
        };
        // Primary key.
        let key_cols: Vec<ArrayRef> = spec
            .primary_key
            .iter()
            .map(|c| col(c))
            .collect::<Result<_>>()?;
        tally.rows("unique_key", &pk, n as u64);
        for row in 0..n {
            let at = row0 + row as u64 + 1;
            if key_cols.iter().any(|a| a.is_null(row)) {
                key_failures.push((at, key_of(&key_cols, row).into_owned(), "key is null"));
                continue;
            }
            if key_cols.len() > 1 {
                let h = composite_key_hash(&key_cols, row, &mut scratch);
                if !own_keys.composite.insert(h) {
                    key_failures.push((at, key_of(&key_cols, row).into_owned(), "duplicate key"));
                }
                continue;
            }
            let value = key_of(&key_cols, row);
            if let Some(id) = as_id(&value) {
                // Repeats are found once all ids are read (sorted).
                own_keys.ids.push(id);
            } else if !own_keys.strings.insert(value.to_string()) {
                key_failures.push((at, value.into_owned(), "duplicate key"));
            }
        }
        // Not null.
        for c in spec.columns.iter().filter(|c| !c.nullable) {
            tally.rows("not_null", c.name, n as u64);
            if no_nulls.contains(c.name) {
                continue;
            }
            let a = col(c.name)?;
            if a.null_count() > 0 {
                for row in (0..n).filter(|&r| a.is_null(r)) {
                    tally.fail(
                        "not_null",
                        c.name,
                        row0 + row as u64 + 1,
                        String::new(),
                        "null value".into(),
                    );
                }
            }
        }
        // Foreign keys.
        for fk in spec.foreign_keys {
            let name = fk.columns.join(",");
            let cols: Vec<ArrayRef> = fk.columns.iter().map(|c| col(c)).collect::<Result<_>>()?;
            tally.rows("foreign_key", &name, n as u64);
            if refers_to_itself(fk) {
                for row in (0..n).filter(|&r| !cols.iter().any(|a| a.is_null(r))) {
                    let value = key_of(&cols, row).into_owned();
                    self_references.push((fk, row0 + row as u64 + 1, value));
                }
                continue;
            }
            let Some(target) = keys.get(&(fk.table, fk.references.join(","))) else {
                continue;
            };
            // A child table is in its parent's order (a figure's claim, a mention's
            // article): a run of rows with the same reference is looked up once, and
            // the ids of a batch's runs are looked up together (`find_missing`).
            let mut runs: Vec<(u32, u64)> = Vec::new();
            let mut failing: Vec<u32> = Vec::new();
            let mut previous: Option<std::borrow::Cow<'_, str>> = None;
            for row in 0..n {
                if cols.iter().any(|a| a.is_null(row)) {
                    continue; // a null reference (e.g. a title's claim_id) refers to nothing
                }
                let value = key_of(&cols, row);
                if previous.as_ref() == Some(&value) {
                    continue;
                }
                match as_id(&value) {
                    Some(id) => runs.push((row as u32, id)),
                    None if !target.strings.contains(value.as_ref()) => failing.push(row as u32),
                    None => {}
                }
                previous = Some(value);
            }
            target.find_missing(&runs, |row| failing.push(row));
            failing.sort_unstable();
            for first in failing {
                // Every row of the run fails, as its first does.
                let value = key_of(&cols, first as usize).into_owned();
                for row in (first as usize..n).filter(|&r| !cols.iter().any(|a| a.is_null(r))) {
                    if key_of(&cols, row) != value {
                        break;
                    }
                    tally.fail(
                        "foreign_key",
                        &name,
                        row0 + row as u64 + 1,
                        value.clone(),
                        format!("not found in {}", fk.table.name()),
                    );
                }
            }
        }
        // Declared checks.
        for check in spec.checks {
            run_check(check, &col, n, row0, &mut tally)?;
        }
        row0 += n as u64;
        Ok(())
    })?;
    let repeated = own_keys.seal();
    if !repeated.is_empty() {
        // Rare: read the key again to name the rows that repeat an id (all but the first).
        let not_key: Vec<&str> = spec
            .columns
            .iter()
            .map(|c| c.name)
            .filter(|n| !spec.primary_key.contains(n))
            .collect();
        let mut seen: HashSet<u64> = HashSet::new();
        let mut row0: u64 = 0;
        crate::tables::partition::for_each_batch_without(table, path, &not_key, |batch| {
            let key_cols: Vec<ArrayRef> = spec
                .primary_key
                .iter()
                .filter_map(|c| batch.column_by_name(c).cloned())
                .collect();
            for row in 0..batch.num_rows() {
                let value = key_of(&key_cols, row);
                if let Some(id) = as_id(&value)
                    && repeated.contains(&id)
                    && !seen.insert(id)
                {
                    key_failures.push((row0 + row as u64 + 1, value.into_owned(), "duplicate key"));
                }
            }
            row0 += batch.num_rows() as u64;
            Ok(())
        })?;
    }
    key_failures.sort_by_key(|(row, _, _)| *row);
    for (row, value, message) in key_failures {
        tally.fail("unique_key", &pk, row, value, message.into());
    }
    for (fk, row, value) in self_references {
        if !own_keys.contains(&value) {
            tally.fail(
                "foreign_key",
                &fk.columns.join(","),
                row,
                value,
                format!("not found in {}", table.name()),
            );
        }
    }
    let mut report = Report::default();
    tally.into_report(&mut report);
    let own = referenced
        .contains(&(table, pk.clone()))
        .then_some((pk, own_keys));
    Ok((report, own))
}

fn check_name(check: &Check) -> (&'static str, String) {
    match check {
        Check::AtLeast { column, .. } => ("at_least", column.to_string()),
        Check::Finite { column } => ("finite", column.to_string()),
        Check::NotGreater { low, high } => ("not_greater", format!("{low},{high}")),
        Check::OneOf { column, .. } => ("one_of", column.to_string()),
        Check::ListAtLeast { column, .. } => ("list_at_least", column.to_string()),
        Check::SpanWithin { start, end, .. } => ("span_within", format!("{start},{end}")),
    }
}

/// What a check asserts, in words (for the report and the site's quality page).
pub fn describe(check: &Check) -> String {
    match check {
        Check::AtLeast { column, min } => format!("{column} ≥ {min}"),
        Check::Finite { column } => format!("{column} is a finite number"),
        Check::NotGreater { low, high } => format!("{low} ≤ {high} where both are set"),
        Check::OneOf { column, values } => format!("{column} is one of {}", values.join(", ")),
        Check::ListAtLeast { column, min } => format!("every element of {column} ≥ {min}"),
        Check::SpanWithin {
            start,
            end,
            text_column,
        } => format!("{start} ≤ {end} ≤ length of {text_column} (characters)"),
    }
}

fn run_check(
    check: &Check,
    col: &dyn Fn(&str) -> Result<ArrayRef>,
    n: usize,
    row0: u64,
    tally: &mut Tally<'_>,
) -> Result<()> {
    let (name, column) = check_name(check);
    tally.rows(name, &column, n as u64);
    let mut fail = |row: usize, value: String, message: String| {
        tally.fail(name, &column, row0 + row as u64 + 1, value, message)
    };
    match *check {
        Check::AtLeast { column, min } => {
            let a = col(column)?;
            let numbers = Numbers::of(&a);
            for row in 0..n {
                if let Some(v) = numbers.get(row)
                    && v < min
                {
                    fail(row, cell(&a, row), format!("below {min}"));
                }
            }
        }
        Check::Finite { column } => {
            let a = col(column)?;
            let numbers = Numbers::of(&a);
            for row in 0..n {
                if let Some(v) = numbers.get(row)
                    && !v.is_finite()
                {
                    fail(row, cell(&a, row), "not finite".into());
                }
            }
        }
        Check::NotGreater { low, high } => {
            let (a, b) = (col(low)?, col(high)?);
            let (x_of, y_of) = (Numbers::of(&a), Numbers::of(&b));
            for row in 0..n {
                if let (Some(x), Some(y)) = (x_of.get(row), y_of.get(row))
                    && x > y
                {
                    fail(
                        row,
                        format!("{},{}", cell(&a, row), cell(&b, row)),
                        format!("{low} > {high}"),
                    );
                }
            }
        }
        Check::OneOf { column, values } => {
            let a = col(column)?;
            for row in 0..n {
                if a.is_null(row) {
                    continue;
                }
                let v = key_of(std::slice::from_ref(&a), row);
                if !values.contains(&v.as_ref()) {
                    fail(row, v.into_owned(), "not an allowed value".into());
                }
            }
        }
        Check::ListAtLeast { column, min } => {
            let a = col(column)?;
            let list = a.as_list::<i32>();
            for row in 0..n {
                if list.is_null(row) {
                    continue;
                }
                let values = list.value(row);
                let numbers = Numbers::of(&values);
                if let Some(bad) = (0..values.len())
                    .filter_map(|i| numbers.get(i))
                    .find(|&v| v < min)
                {
                    fail(row, cell(&a, row), format!("element {bad} below {min}"));
                }
            }
        }
        Check::SpanWithin {
            start,
            end,
            text_column,
        } => {
            let (s, e, t) = (col(start)?, col(end)?, col(text_column)?);
            let text = t.as_string::<i32>();
            let (starts, ends) = (Numbers::of(&s), Numbers::of(&e));
            for row in 0..n {
                let (Some(s), Some(e)) = (starts.get(row), ends.get(row)) else {
                    continue;
                };
                // A null text (a ledger row of a title figure) has no span to check here.
                if text.is_null(row) {
                    continue;
                }
                let len = text.value(row).chars().count();
                if s < 0.0 || s > e || e > len as f64 {
                    fail(
                        row,
                        format!("{s},{e}"),
                        format!("outside the {len} characters of {text_column}"),
                    );
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sixteen_lowercase_hex_digits() {
        assert_eq!(as_id("00000000000000ff"), Some(255));
        assert_eq!(as_id("ffffffffffffffff"), Some(u64::MAX));
        assert_eq!(as_id("b1479c5040504103"), Some(0xb147_9c50_4050_4103));
        for not_id in [
            "",
            "ff",
            "FFFFFFFFFFFFFFFF",
            "b1479c504050410g",
            "b1479c50405041030",
        ] {
            assert_eq!(as_id(not_id), None, "{not_id}");
        }
    }

    #[test]
    fn ids_parse_as_a_digit_by_digit_reading_does() {
        fn reference(s: &str) -> Option<u64> {
            (s.len() == 16
                && s.bytes()
                    .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)))
            .then(|| u64::from_str_radix(s, 16).expect("hex"))
        }
        // Every byte value at every position of a valid id.
        let base = *b"0123456789abcdef";
        for at in 0..16 {
            for byte in 0..=255u8 {
                let mut digits = base;
                digits[at] = byte;
                if let Ok(s) = std::str::from_utf8(&digits) {
                    assert_eq!(as_id(s), reference(s), "{s:?}");
                }
            }
        }
        for s in ["é0123456789abcd", "0123456789abcdé", "fedcba9876543210"] {
            assert_eq!(as_id(s), reference(s), "{s:?}");
        }
    }

    #[test]
    fn a_sealed_key_set_finds_exactly_its_ids_and_names_repeats() {
        for n in [0usize, 1, 3, 4, 5, 1000, 50_000] {
            let mut set = KeySet::default();
            // Spread over the whole range (both ends included) and repeated now and then.
            let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
            let mut ids = vec![0, u64::MAX];
            for _ in 0..n {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                ids.push(x);
            }
            let repeats: Vec<u64> = ids.iter().step_by(7).copied().collect();
            set.ids = ids.iter().chain(&repeats).copied().collect();
            let repeated = set.seal();
            let expected: HashSet<u64> = repeats.iter().copied().collect();
            assert_eq!(repeated, expected, "n = {n}");
            for &id in &ids {
                assert!(set.contains_id(id), "n = {n}: {id:x} missing");
                assert!(set.contains(&format!("{id:016x}")));
                for near in [id.wrapping_add(1), id.wrapping_sub(1)] {
                    assert_eq!(
                        set.contains_id(near),
                        ids.contains(&near),
                        "n = {n}: {near:x}"
                    );
                }
            }
            assert!(!set.contains("not an id"));
            // The batched lookup (prefetching ahead) finds what one lookup at a time
            // finds, in order, over more queries than it prefetches ahead.
            let queries: Vec<(u32, u64)> = ids
                .iter()
                .flat_map(|&id| [id, id.wrapping_add(1), id ^ 0x5555])
                .enumerate()
                .map(|(i, id)| (i as u32, id))
                .collect();
            let mut missing = Vec::new();
            set.find_missing(&queries, |tag| missing.push(tag));
            let truth: HashSet<u64> = ids.iter().copied().collect();
            let expected: Vec<u32> = queries
                .iter()
                .filter(|&&(_, id)| !truth.contains(&id))
                .map(|&(tag, _)| tag)
                .collect();
            assert_eq!(missing, expected, "n = {n}");
        }
    }
}
