//! Small Arrow helpers: columns by name as the types we expect, and batches conformed to a
//! table's exact schema (column order, types, nullability, the `publication_id` column).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, StringArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use stf_schemas::tables::Table;

use crate::{Error, Result};

/// The name of the column every derived table carries.
pub const PUBLICATION_ID: &str = "publication_id";

/// A column of `batch` by name.
pub fn column<'a>(
    batch: &'a RecordBatch,
    table: &'static str,
    name: &'static str,
) -> Result<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| Error::Column {
        table,
        column: name.to_owned(),
        detail: "not present".into(),
    })
}

/// A string column as plain UTF-8 (query engines may hand back view or large strings).
pub fn strings(array: &ArrayRef, table: &'static str, name: &'static str) -> Result<StringArray> {
    if let Some(s) = array.as_string_opt::<i32>() {
        return Ok(s.clone());
    }
    let cast = cast(array, &DataType::Utf8).map_err(|e| Error::Column {
        table,
        column: name.to_owned(),
        detail: e.to_string(),
    })?;
    Ok(cast.as_string::<i32>().clone())
}

/// A column cast to `to` (a no-op when it already is).
pub fn cast_to(
    array: &ArrayRef,
    to: &DataType,
    table: &'static str,
    name: &str,
) -> Result<ArrayRef> {
    if array.data_type() == to {
        return Ok(array.clone());
    }
    cast(array, to).map_err(|e| Error::Column {
        table,
        column: name.to_owned(),
        detail: format!("cannot cast {} to {to}: {e}", array.data_type()),
    })
}

/// Builds a batch of `table`'s exact schema from `batch`, taking columns by name, casting
/// where the engine chose another representation, and filling `publication_id`.
pub fn conform(batch: &RecordBatch, table: Table, publication_id: &str) -> Result<RecordBatch> {
    let schema = table.schema();
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        if field.name() == PUBLICATION_ID {
            columns.push(constant(publication_id, batch.num_rows()));
            continue;
        }
        let array = batch
            .column_by_name(field.name())
            .ok_or_else(|| Error::Column {
                table: table.name(),
                column: field.name().clone(),
                detail: "not produced".into(),
            })?;
        columns.push(cast_to(
            array,
            field.data_type(),
            table.name(),
            field.name(),
        )?);
    }
    RecordBatch::try_new(schema, columns).map_err(Error::arrow(table.name()))
}

/// A string column holding one value `rows` times.
pub fn constant(value: &str, rows: usize) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(std::iter::repeat_n(
        value, rows,
    )))
}

/// A list column (`List<_>` with 32-bit offsets).
pub fn list<'a>(
    array: &'a ArrayRef,
    table: &'static str,
    name: &'static str,
) -> Result<&'a arrow::array::ListArray> {
    array.as_list_opt::<i32>().ok_or_else(|| Error::Column {
        table,
        column: name.to_owned(),
        detail: format!("expected a list, found {}", array.data_type()),
    })
}

/// A field of the structs inside a list column.
pub fn list_field(
    list: &arrow::array::ListArray,
    table: &'static str,
    name: &'static str,
) -> Result<ArrayRef> {
    let values = list.values();
    let structs = values.as_struct_opt().ok_or_else(|| Error::Column {
        table,
        column: name.to_owned(),
        detail: format!("expected a list of structs, found {}", values.data_type()),
    })?;
    structs
        .column_by_name(name)
        .cloned()
        .ok_or_else(|| Error::Column {
            table,
            column: name.to_owned(),
            detail: "not present in the nested struct".into(),
        })
}
