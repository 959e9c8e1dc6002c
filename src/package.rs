//! `data/datapackage.json`: the published datasets as a Frictionless Data Package (v2),
//! generated from the same registry as the Parquet field metadata.

use std::path::Path;

use anyhow::Result;
use serde_json::{Value, json};

use crate::tables::{Stage, Table, Written, partition};

pub const PATH: &str = "data/datapackage.json";

/// One file of a resource, measured as it is about to be published.
pub struct FileFacts {
    /// Path relative to the descriptor.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
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

fn resource(table: Table, files: &[FileFacts], rows: u64, partitioned: bool) -> Value {
    let spec = table.spec();
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
    // A partitioned table's files leave out the partition key (it is in the folder names).
    let columns = spec
        .columns
        .iter()
        .filter(|c| !(partitioned && c.name == partition::KEY));
    let mut schema = json!({
        "fields": columns.map(field).collect::<Vec<_>>(),
        "primaryKey": spec.primary_key,
    });
    if !foreign_keys.is_empty() {
        schema["foreignKeys"] = Value::Array(foreign_keys);
    }
    let mut r = json!({
        "name": spec.name,
        "type": "table",
        "format": "parquet",
        "mediatype": "application/vnd.apache.parquet",
        "encoding": "binary",
        "description": spec.description,
        "bytes": files.iter().map(|f| f.bytes).sum::<u64>(),
        "rows": rows,
        "gazette:stage": match spec.stage { Stage::Normalize => "normalize", Stage::Derive => "derive" },
        "gazette:order": spec.order,
        "schema": schema,
    });
    if let [single] = files {
        r["path"] = json!(single.path);
        r["hash"] = json!(format!("sha256:{}", single.sha256));
    } else {
        // A multipart resource: hive partitions, each with its own size and hash.
        r["path"] = json!(files.iter().map(|f| &f.path).collect::<Vec<_>>());
        r["gazette:partitioning"] = json!({ "style": "hive", "keys": [partition::KEY] });
        r["gazette:files"] = json!(
            files
                .iter()
                .map(|f| json!({ "path": f.path, "bytes": f.bytes, "hash": format!("sha256:{}", f.sha256) }))
                .collect::<Vec<_>>()
        );
    }
    r
}

/// The descriptor for the tables of `written` (facts read from the staged files).
pub fn descriptor(written: &Written, out_root: &Path, topics: &[String]) -> Result<Vec<u8>> {
    let mut resources = Vec::new();
    let data_dir = out_root.join("data");
    for &table in Table::ALL {
        let single = table.path(out_root);
        let dataset = partition::dataset_dir(table, out_root);
        let mut files = Vec::new();
        for staged in &written.files {
            let target = staged.target();
            if target == single || target.starts_with(&dataset) {
                let (bytes, sha256) = staged.digest()?;
                files.push(FileFacts {
                    path: crate::manifest::rel(&data_dir, target),
                    bytes: *bytes,
                    sha256: sha256.clone(),
                });
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let partitioned = files
            .first()
            .is_some_and(|f| f.path != crate::manifest::rel(&data_dir, &single));
        resources.push(resource(table, &files, written.rows_of(table), partitioned));
    }
    // The corpus is not named by a path: it may lie anywhere (`--corpus`), and a path
    // outside the package would point nowhere on another machine, where the same inputs
    // must give the same bytes.
    let source = json!({
        "title": "Exported digest collections of a document-search tool",
        "description": format!("Collections: {}", topics.join(", ")),
    });
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
        "sources": [source],
        "contributors": [{ "title": "gazette", "roles": ["creator"] }],
        "resources": resources,
    });
    let mut out = serde_json::to_vec_pretty(&d)?;
    out.push(b'\n');
    Ok(out)
}
