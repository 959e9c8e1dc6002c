//! polars ⇄ arrow-rs, through the Arrow C Data Interface.
//!
//! polars computes the derived datasets; arrow-rs writes every published Parquet file.
//! polars' own writer would emit `string_view` / `large_list<string_view>` columns (which
//! pandas and pyarrow < 15 cannot read) and drops field metadata, so each result column
//! is exported from polars at its oldest compatibility level (`large_string`,
//! `large_list`), imported into arrow-rs without copying, and cast to the registry's type
//! (`string`, `list<…>`). The two crates define the C structs separately; they are the
//! same `#[repr(C)]` layout by specification, which the assertions below pin.

use std::mem::{ManuallyDrop, size_of};

use anyhow::{Context, Result, ensure};
use arrow::array::{ArrayRef, RecordBatch, make_array};
use arrow::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi};
use polars::prelude::{CompatLevel, DataFrame};
use polars_arrow::ffi as pl_ffi;

use crate::tables::Table;

const _: () = assert!(size_of::<pl_ffi::ArrowArray>() == size_of::<FFI_ArrowArray>());
const _: () = assert!(size_of::<pl_ffi::ArrowSchema>() == size_of::<FFI_ArrowSchema>());

/// Moves a C Data Interface struct from one crate's type to the other's.
///
/// # Safety
/// `A` and `B` must both be the same C Data Interface struct (`ArrowArray` or
/// `ArrowSchema`); ownership (the release callback) moves with the bytes.
unsafe fn reinterpret<A, B>(a: A) -> B {
    assert_eq!(size_of::<A>(), size_of::<B>());
    let a = ManuallyDrop::new(a);
    // SAFETY: same size and layout per the caller's contract; `a` is not dropped, so the
    // release callback runs exactly once, from `B`'s drop.
    unsafe { std::ptr::read((&*a as *const A).cast::<B>()) }
}

/// Converts the columns of `df` named by `table`'s schema, in the schema's order, into a
/// record batch of exactly the registry's types.
pub fn to_record_batch(df: &DataFrame, table: Table) -> Result<RecordBatch> {
    let schema = table.schema();
    let mut df = df.clone();
    df.rechunk_mut();
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        let column = df.column(field.name()).with_context(|| {
            format!(
                "The query for '{}' has no column '{}'",
                table.name(),
                field.name()
            )
        })?;
        let series = column.as_materialized_series();
        let array = if series.is_empty() {
            arrow::array::new_empty_array(field.data_type())
        } else {
            export(series, field.name())?
        };
        let array = arrow::compute::cast(&array, field.data_type()).with_context(|| {
            format!(
                "Column '{}.{}' has type {:?}, which does not convert to {:?}",
                table.name(),
                field.name(),
                array.data_type(),
                field.data_type()
            )
        })?;
        ensure!(
            field.is_nullable() || array.null_count() == 0,
            "Column '{}.{}' is declared not null but the query produced {} null(s)",
            table.name(),
            field.name(),
            array.null_count()
        );
        columns.push(array);
    }
    RecordBatch::try_new(schema, columns)
        .with_context(|| format!("The result of '{}' does not fit its schema", table.name()))
}

fn export(series: &polars::prelude::Series, name: &str) -> Result<ArrayRef> {
    let pl_array = series.to_arrow(0, CompatLevel::oldest());
    let pl_field = polars_arrow::datatypes::Field::new(name.into(), pl_array.dtype().clone(), true);
    let c_array = pl_ffi::export_array_to_c(pl_array);
    let c_schema = pl_ffi::export_field_to_c(&pl_field);
    // SAFETY: both pairs are the Arrow C Data Interface structs (see module docs).
    let (c_array, c_schema): (FFI_ArrowArray, FFI_ArrowSchema) =
        unsafe { (reinterpret(c_array), reinterpret(c_schema)) };
    // SAFETY: polars produced a valid array for this schema.
    let data = unsafe { from_ffi(c_array, &c_schema) }
        .with_context(|| format!("Failed to import column '{name}' from polars"))?;
    Ok(make_array(data))
}
