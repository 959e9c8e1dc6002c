//! The data page's downloads: every built table as Parquet (a copy of the published
//! file) and as CSV (written with arrow-rs; list columns become JSON arrays, timestamps
//! RFC 3339 with their offset).

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
    pub rows: usize,
    /// Relative to the site root.
    pub parquet: String,
    pub parquet_bytes: u64,
    pub csv: String,
    pub csv_bytes: u64,
}

/// Writes `downloads/<table>.parquet` and `.csv` for every built table, in registry order.
pub fn write_downloads(files: &TableFiles, site: &OutputDir) -> Result<Vec<Download>> {
    let built: Vec<Table> = Table::ALL
        .iter()
        .copied()
        .filter(|&t| files.is_built(t))
        .collect();
    built
        .par_iter()
        .map(|&table| {
            download(files, table, site)
                .with_context(|| format!("Failed to write the downloads of '{}'", table.name()))
        })
        .collect()
}

fn download(files: &TableFiles, table: Table, site: &OutputDir) -> Result<Download> {
    let name = table.name();
    let parquet = format!("downloads/{name}.parquet");
    let bytes = std::fs::read(files.path(table))
        .with_context(|| format!("Failed to read '{}'", files.path(table).display()))?;
    site.write(&parquet, &bytes)?;

    let data = TableData::read(table, files.path(table))?;
    let csv = format!("downloads/{name}.csv");
    let file = site.create(&csv)?;
    let mut writer = arrow::csv::WriterBuilder::new()
        .with_header(true)
        .with_timestamp_tz_format("%Y-%m-%dT%H:%M:%S%:z".to_string())
        .build(BufWriter::with_capacity(1 << 20, file));
    for batch in data.batches() {
        writer
            .write(&csv_batch(batch)?)
            .with_context(|| format!("Failed to write '{csv}'"))?;
    }
    let out = writer.into_inner();
    out.into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("Failed to write '{csv}'"))?;
    Ok(Download {
        table: name,
        rows: data.len(),
        parquet_bytes: bytes.len() as u64,
        csv_bytes: site.size_of(&csv)?,
        parquet,
        csv,
    })
}

/// The batch with its list columns as JSON text (CSV has no lists).
fn csv_batch(batch: &RecordBatch) -> Result<RecordBatch> {
    let schema = batch.schema();
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        match column.as_any().downcast_ref::<ListArray>() {
            Some(list) => {
                fields.push(Field::new(
                    field.name(),
                    DataType::Utf8,
                    field.is_nullable(),
                ));
                columns.push(Arc::new(list_as_json(list)));
            }
            None => {
                fields.push(field.as_ref().clone());
                columns.push(column.clone());
            }
        }
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
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
