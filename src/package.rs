//! `data/datapackage.json`: the published datasets as a Frictionless Data Package (v2),
//! generated from the same registry as the Parquet field metadata.

use std::path::Path;

use anyhow::Result;
use serde_json::{Value, json};

use crate::tables::{Stage, Table, Written};

pub const PATH: &str = "data/datapackage.json";

/// A resource's file facts, measured on the file about to be published.
pub struct FileFacts {
    pub bytes: u64,
    pub sha256: String,
    pub rows: u64,
}

fn field(c: &crate::tables::Column) -> Value {
    let mut f = json!({
        "name": c.name,
        "type": c.ty.frictionless(),
        "description": c.description,
    });
    if !c.nullable {
        f["constraints"] = json!({ "required": true });
    }
    if c.ty == crate::tables::ColumnType::Timestamp {
        f["format"] = json!("default");
    }
    f
}

fn resource(table: Table, facts: &FileFacts) -> Value {
    let spec = table.spec();
    let path = spec
        .rel_path()
        .strip_prefix("data")
        .expect("tables live under data/")
        .to_string_lossy()
        .replace('\\', "/");
    let foreign_keys: Vec<Value> = spec
        .foreign_keys
        .iter()
        .map(|fk| {
            json!({
                "fields": fk.columns,
                "reference": { "resource": fk.table.name(), "fields": fk.references },
            })
        })
        .collect();
    let mut schema = json!({
        "fields": spec.columns.iter().map(field).collect::<Vec<_>>(),
        "primaryKey": spec.primary_key,
    });
    if !foreign_keys.is_empty() {
        schema["foreignKeys"] = Value::Array(foreign_keys);
    }
    json!({
        "name": spec.name,
        "type": "table",
        "path": path,
        "format": "parquet",
        "mediatype": "application/vnd.apache.parquet",
        "encoding": "binary",
        "description": spec.description,
        "bytes": facts.bytes,
        "hash": format!("sha256:{}", facts.sha256),
        "rows": facts.rows,
        "gazette:stage": match spec.stage { Stage::Normalize => "normalize", Stage::Derive => "derive" },
        "gazette:order": spec.order,
        "schema": schema,
    })
}

/// The descriptor for the tables of `written` (facts read from the staged files).
pub fn descriptor(written: &Written, out_root: &Path, topics: &[String]) -> Result<Vec<u8>> {
    let mut resources = Vec::new();
    for &table in Table::ALL {
        let path = written.read_path(table, out_root);
        let bytes = std::fs::read(&path)?;
        let facts = FileFacts {
            bytes: bytes.len() as u64,
            sha256: crate::ids::sha256_hex(&bytes),
            rows: written.rows_of(table),
        };
        resources.push(resource(table, &facts));
    }
    let d = json!({
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "gazette",
        "title": format!("gazette datasets: {}", topics.join(", ")),
        "description": "Exported news digests parsed into typed tables (articles, claims, \
                        figures, entities, mentions) and datasets derived from them. Every \
                        row keeps its provenance: corpus file, line and character span.",
        "version": env!("CARGO_PKG_VERSION"),
        "keywords": ["news", "supply chains", "critical minerals", "rare earths"],
        "licenses": [{
            "name": "other-at",
            "title": "Digests of third-party news articles: rights in the summarised \
                      articles remain with their publishers; cite the source of each row.",
        }],
        "sources": [
            {
                "title": "Exported digest collections of a document-search tool",
                "path": "raw/",
                "description": format!("Collections: {}", topics.join(", ")),
            }
        ],
        "contributors": [{ "title": "gazette", "roles": ["creator"] }],
        "resources": resources,
    });
    let mut out = serde_json::to_vec_pretty(&d)?;
    out.push(b'\n');
    Ok(out)
}
