//! The data page's downloads: every built table as Parquet (the published file, linked or
//! copied) and, while it is small enough for a spreadsheet user to want it, as CSV
//! (written with arrow-rs; list columns become JSON arrays, timestamps RFC 3339 with their
//! offset).

use std::io::BufWriter;
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow::array::{
    Array, ArrayRef, Int32Array, ListArray, RecordBatch, StringArray, StringBuilder,
};
use arrow::datatypes::{DataType, Field, Schema};
use rayon::prelude::*;

use super::site::OutputDir;
use super::tables::{TableData, TableFiles};
use crate::tables::Table;

/// One table's downloads.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Download {
    pub table: &'static str,
    /// Where the table is published, relative to the output root (a folder ending in
    /// `/` when partitioned).
    pub published: String,
    /// Published as a hive-partitioned dataset folder.
    pub partitioned: bool,
    pub rows: usize,
    /// Relative to the site root.
    pub parquet: String,
    pub parquet_bytes: u64,
    /// `None` when the table has more than [`CSV_MAX_ROWS`] rows.
    pub csv: Option<String>,
    pub csv_bytes: u64,
}

/// Tables with more rows than this get no CSV download. A CSV of a large table is a
/// poor download (at 100k articles the CSVs were 2.1 GB of the site's 4 GB and 7 s of
/// its build) and no spreadsheet opens it whole; the Parquet has every row and is what
/// notebooks, DuckDB and Spark read.
pub const CSV_MAX_ROWS: usize = 100_000;

/// Writes `downloads/<table>.parquet` and `.csv` for every built table, in registry order.
pub fn write_downloads(files: &TableFiles, site: &OutputDir) -> Result<Vec<Download>> {
    write_downloads_capped(files, site, CSV_MAX_ROWS)
}

fn write_downloads_capped(
    files: &TableFiles,
    site: &OutputDir,
    csv_max_rows: usize,
) -> Result<Vec<Download>> {
    let built: Vec<Table> = Table::ALL
        .iter()
        .copied()
        .filter(|&t| files.is_built(t))
        .collect();
    built
        .par_iter()
        .map(|&table| {
            download(files, table, site, csv_max_rows)
                .with_context(|| format!("Failed to write the downloads of '{}'", table.name()))
        })
        .collect()
}

fn download(
    files: &TableFiles,
    table: Table,
    site: &OutputDir,
    csv_max_rows: usize,
) -> Result<Download> {
    let name = table.name();
    let (published, partitioned) = files.published_rel(table);
    let source = files.path(table);
    let parquet = format!("downloads/{name}.parquet");
    let (parquet_bytes, rows) = match files.parts(table)? {
        Some(parts) => dataset_as_file(table, &parts, site, &parquet)?,
        None => (
            site.link_or_copy(&parquet, source)?,
            crate::tables::parquet_rows(source)?,
        ),
    };
    if rows > csv_max_rows {
        return Ok(Download {
            table: name,
            published,
            partitioned,
            rows,
            parquet,
            parquet_bytes,
            csv: None,
            csv_bytes: 0,
        });
    }

    // Read from the download just written: a partitioned table's rows in its order.
    let data = TableData::read(table, &site.path(&parquet))?;
    let csv = format!("downloads/{name}.csv");
    let file = site.create(&csv)?;
    let mut writer = arrow::csv::WriterBuilder::new()
        .with_header(true)
        .with_timestamp_tz_format("%Y-%m-%dT%H:%M:%S%:z".to_string())
        .build(BufWriter::with_capacity(1 << 20, file));
    // The header is written with the first batch: a table without rows still gets one.
    let empty;
    let batches = match data.batches() {
        [] => {
            empty = [RecordBatch::new_empty(table.schema())];
            &empty[..]
        }
        batches => batches,
    };
    let failed = || format!("Failed to write '{}'", site.path(&csv).display());
    for batch in batches {
        writer.write(&csv_batch(batch)?).with_context(failed)?;
    }
    let out = writer.into_inner();
    out.into_inner()
        .map_err(|e| e.into_error())
        .with_context(failed)?;
    Ok(Download {
        table: name,
        published,
        partitioned,
        rows,
        parquet,
        parquet_bytes,
        csv_bytes: site.size_of(&csv)?,
        csv: Some(csv),
    })
}

/// A partitioned table (`--partition-by month`, published as a dataset folder) offered
/// as one file, as the data page offers every table: its rows partition by partition (in
/// key order, as DuckDB or Spark read the folder), with the registry's columns, the
/// partition key among them. A partitioning build writes it from its staged partitions,
/// not from the single file it read (whose rows are in corpus order), so that `gazette
/// render` of the release writes the same bytes. Returns the file's size and rows.
fn dataset_as_file(
    table: Table,
    parts: &[(String, std::path::PathBuf)],
    site: &OutputDir,
    rel: &str,
) -> Result<(u64, usize)> {
    let path = site.path_in_dir(rel)?;
    let mut writer = crate::tables::TableWriter::create(table, &path)?;
    crate::tables::partition::for_each_part_batch(table, parts, |batch| writer.write(batch))?;
    let (file, rows) = writer.finish()?;
    file.commit()?;
    let rows =
        usize::try_from(rows).with_context(|| format!("'{}' has {rows} rows", table.name()))?;
    Ok((site.size_of(rel)?, rows))
}

/// The batch with its list columns as JSON text (CSV has no lists) and its texts safe to
/// open in a spreadsheet.
fn csv_batch(batch: &RecordBatch) -> Result<RecordBatch> {
    let schema = batch.schema();
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        let as_text = |array: ArrayRef| {
            let field = Field::new(field.name(), DataType::Utf8, field.is_nullable());
            (field, array)
        };
        let (field, column) = if let Some(list) = column.as_any().downcast_ref::<ListArray>() {
            as_text(Arc::new(list_as_json(list)))
        } else if is_text(column.data_type()) {
            let text = arrow::compute::cast(column, &DataType::Utf8)?;
            as_text(defuse_formulas(&text))
        } else {
            (field.as_ref().clone(), column.clone())
        };
        fields.push(field);
        columns.push(column);
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

fn is_text(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, values) => is_text(values),
        _ => false,
    }
}

/// Characters that make a spreadsheet read a cell as a formula when they open it
/// (`=HYPERLINK(…)`, `@SUM(…)`, `+…`, `-…`; tab and carriage return for the same in some
/// programs).
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A text column (Utf8) whose values a spreadsheet would run as formulas get a leading
/// apostrophe, which spreadsheets show as text and hide. Corpus text is data: a claim
/// or a source name beginning with `=` must not run when an analyst opens the CSV. The
/// Parquet downloads hold the text exactly.
fn defuse_formulas(text: &ArrayRef) -> ArrayRef {
    let Some(strings) = text.as_any().downcast_ref::<StringArray>() else {
        return text.clone();
    };
    let risky = |v: &str| v.starts_with(FORMULA_STARTS);
    if !strings.iter().flatten().any(risky) {
        return text.clone();
    }
    let defused: StringArray = strings
        .iter()
        .map(|v| {
            v.map(|v| {
                if risky(v) {
                    format!("'{v}")
                } else {
                    v.to_string()
                }
            })
        })
        .collect();
    Arc::new(defused)
}

fn list_as_json(list: &ListArray) -> StringArray {
    let mut out = StringBuilder::new();
    for i in 0..list.len() {
        if list.is_null(i) {
            out.append_null();
            continue;
        }
        let values = list.value(i);
        let json = if let Some(ints) = values.as_any().downcast_ref::<Int32Array>() {
            serde_json::to_string(&ints.iter().collect::<Vec<_>>())
        } else if let Some(strs) = values.as_any().downcast_ref::<StringArray>() {
            serde_json::to_string(&strs.iter().collect::<Vec<_>>())
        } else {
            Ok(String::new())
        };
        out.append_value(json.unwrap_or_default());
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On the shipped tables with a cap of 10 rows: the 8 articles get a CSV, the 86
    /// claims do not, and every table's Parquet download is the published file.
    #[test]
    fn large_tables_get_parquet_only() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = TableFiles::published(root);
        let dir = tempfile::tempdir().unwrap();
        let site = OutputDir::new(dir.path());
        let downloads = write_downloads_capped(&files, &site, 10).unwrap();
        let get = |t: Table| downloads.iter().find(|d| d.table == t.name()).unwrap();

        let articles = get(Table::Articles);
        assert_eq!(articles.rows, 8);
        let csv = std::fs::read_to_string(dir.path().join("downloads/articles.csv")).unwrap();
        assert_eq!(csv.lines().count(), 9, "a header and 8 rows");
        assert_eq!(articles.csv.as_deref(), Some("downloads/articles.csv"));

        let claims = get(Table::Claims);
        assert_eq!(claims.rows, 86);
        assert_eq!(claims.csv, None);
        assert!(!dir.path().join("downloads/claims.csv").exists());

        for d in &downloads {
            let table = Table::by_name(d.table).unwrap();
            let published = std::fs::read(files.path(table)).unwrap();
            let download = std::fs::read(dir.path().join(&d.parquet)).unwrap();
            assert!(published == download, "{}", d.table);
            assert_eq!(d.parquet_bytes, published.len() as u64);
        }
    }
}
