//! Reading the mentions article by article, for the datasets gazette counts itself
//! instead of running their SQL in polars ([`super::pairs`], [`super::timeline`]).
//!
//! Both count an article's mentions together, so both rely on the build writing the
//! mentions in their articles' order; each tells when an article comes back and then
//! leaves the dataset to polars.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::Int32Type;

use crate::tables::{Table, partition};
use crate::text::FastMap;

/// The path of `table` among the normalized tables the derive reads.
pub fn path_of(paths: &[(Table, PathBuf)], t: Table) -> Result<&Path> {
    paths
        .iter()
        .find(|(tt, _)| *tt == t)
        .map(|(_, p)| p.as_path())
        .with_context(|| format!("No '{}' table to derive from", t.name()))
}

/// The columns of `table` other than `keep`, for the readers that take columns to skip.
pub fn all_but(table: Table, keep: &[&str]) -> Vec<&'static str> {
    table
        .spec()
        .columns
        .iter()
        .map(|c| c.name)
        .chain([partition::KEY])
        .filter(|c| !keep.contains(c))
        .collect()
}

/// A string column of a batch (the articles' or the mentions').
pub fn strings<'b>(
    b: &'b RecordBatch,
    table: &str,
    name: &str,
) -> Result<&'b arrow::array::StringArray> {
    b.column_by_name(name)
        .with_context(|| format!("{table} has no {name}"))?
        .as_string_opt::<i32>()
        .with_context(|| format!("{table}.{name} is not a string column"))
}

/// Reads the mentions at `path` in table order and hands each to `mention`: what
/// `articles` says of its article, its claim's ordinal (`None` in a title) and its entity
/// as `entity` numbers it (`None`: a null id, or one `entity` does not know). Mentions of
/// articles not in `articles` are skipped, as an inner join with the articles drops them.
/// `entity` is asked once per distinct id of each batch (the column is read as a
/// dictionary). Stops when `mention` returns `false`, and then returns `false`.
pub fn for_each_mention<A: Copy>(
    path: &Path,
    articles: &FastMap<String, A>,
    mut entity: impl FnMut(&str) -> Option<u32>,
    mut mention: impl FnMut(A, Option<i32>, Option<u32>) -> bool,
) -> Result<bool> {
    let mut going = true;
    partition::produced_ahead(
        |send| {
            partition::for_each_batch_decoding(
                Table::Mentions,
                path,
                &all_but(
                    Table::Mentions,
                    &["article_id", "entity_id", "claim_ordinal"],
                ),
                &["entity_id"],
                send,
            )
        },
        |b| {
            if !going {
                return Ok(());
            }
            let unexpected = |name: &str| format!("mentions.{name} is not of the registry's type");
            let column = |name: &str| {
                b.column_by_name(name)
                    .with_context(|| format!("mentions has no {name}"))
            };
            let article = strings(&b, "mentions", "article_id")?;
            let claim = column("claim_ordinal")?
                .as_primitive_opt::<Int32Type>()
                .with_context(|| unexpected("claim_ordinal"))?;
            let ids = column("entity_id")?
                .as_dictionary_opt::<Int32Type>()
                .with_context(|| unexpected("entity_id"))?;
            // The batch's distinct entities are looked up once, not once per mention.
            let numbers: Vec<Option<u32>> = ids
                .values()
                .as_string_opt::<i32>()
                .with_context(|| unexpected("entity_id"))?
                .iter()
                .map(|id| id.and_then(&mut entity))
                .collect();
            let mut last: Option<(&str, Option<A>)> = None;
            for i in 0..b.num_rows() {
                if article.is_null(i) {
                    continue; // an inner join drops it
                }
                let id = article.value(i);
                let known = match last {
                    Some((l, known)) if l == id => known,
                    _ => {
                        let known = articles.get(id).copied();
                        last = Some((id, known));
                        known
                    }
                };
                let Some(known) = known else { continue };
                let number = ids
                    .is_valid(i)
                    .then(|| numbers[ids.keys().value(i) as usize])
                    .flatten();
                let ordinal = claim.is_valid(i).then(|| claim.value(i));
                if !mention(known, ordinal, number) {
                    going = false;
                    return Ok(());
                }
            }
            Ok(())
        },
    )?;
    Ok(going)
}
