//! Reading a dataset's raw rows: its SQL run through a snapshot's trusted session, and the
//! Arrow columns turned into [`Raw`] cells by the kind each column is declared with.

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int64Type};
use datafusion::error::DataFusionError;
use datafusion::prelude::SessionContext;

use super::datasets::Dataset;
use super::table::{Column, Kind, Raw, RawTable};
use crate::{Error, Result};

/// The column filled from the council list rather than by SQL.
const COUNCIL_NAME: &str = "local_authority_name";

const STEP: &str = "computing published aggregates";

/// Runs `sql` on `ctx` (trusted: our own SQL) and collects every batch.
pub(crate) async fn collect(ctx: &SessionContext, sql: &str) -> Result<Vec<RecordBatch>> {
    ctx.sql(sql)
        .await
        .map_err(Error::engine(STEP))?
        .collect()
        .await
        .map_err(Error::engine(STEP))
}

/// The raw rows of `dataset` from the batches of its SQL.
pub(crate) fn raw_table(dataset: Dataset, batches: &[RecordBatch]) -> Result<RawTable> {
    let columns = dataset.columns();
    let mut rows = Vec::new();
    for batch in batches {
        let cells = columns
            .iter()
            .map(|c| column_cells(c, batch))
            .collect::<Result<Vec<_>>>()?;
        for r in 0..batch.num_rows() {
            rows.push(cells.iter().map(|column| column[r].clone()).collect());
        }
    }
    let mut table = RawTable {
        columns,
        rows,
        totals: dataset.totals(),
    };
    fill_council_names(&mut table);
    Ok(table)
}

/// `raw` reduced to the columns of `dataset` (which must all be in `raw`).
pub(crate) fn project(raw: &RawTable, dataset: Dataset) -> RawTable {
    let picks: Vec<usize> = dataset
        .columns()
        .iter()
        .map(|c| {
            raw.columns
                .iter()
                .position(|r| r.name == c.name)
                .unwrap_or_else(|| {
                    panic!("dataset definition: {} lacks {}", dataset.name(), c.name)
                })
        })
        .collect();
    RawTable {
        columns: dataset.columns(),
        rows: raw
            .rows
            .iter()
            .map(|row| picks.iter().map(|&i| row[i].clone()).collect())
            .collect(),
        totals: dataset.totals(),
    }
}

fn fill_council_names(table: &mut RawTable) {
    let find = |name: &str| table.columns.iter().position(|c| c.name == name);
    let (Some(code), Some(name)) = (find("local_authority"), find(COUNCIL_NAME)) else {
        return;
    };
    for row in &mut table.rows {
        if let Raw::Text(gss) = &row[code] {
            row[name] = stf_schemas::councils::by_code(gss)
                .map_or(Raw::Null, |c| Raw::Text(c.name.clone()));
        }
    }
}

/// The cells of one declared column from a batch; shares and council names are filled later.
fn column_cells(column: &Column, batch: &RecordBatch) -> Result<Vec<Raw>> {
    let n = batch.num_rows();
    if matches!(column.kind, Kind::Share { .. }) || column.name == COUNCIL_NAME {
        return Ok(vec![Raw::Null; n]);
    }
    let array = batch.column_by_name(column.name).ok_or_else(|| {
        Error::engine(STEP)(DataFusionError::Internal(format!(
            "published query lacks column {}",
            column.name
        )))
    })?;
    let to =
        |t: &DataType| cast(array, t).map_err(|e| Error::engine(STEP)(DataFusionError::from(e)));
    let cells = match column.kind {
        Kind::Text | Kind::Date => {
            let a = to(&DataType::Utf8)?;
            let a = a.as_string::<i32>();
            (0..n)
                .map(|i| nullable(a, i, || Raw::Text(a.value(i).to_owned())))
                .collect()
        }
        Kind::Flag => {
            let a = to(&DataType::Boolean)?;
            let a = a.as_boolean();
            (0..n)
                .map(|i| nullable(a, i, || Raw::Flag(a.value(i))))
                .collect()
        }
        Kind::People | Kind::Count => {
            let a = to(&DataType::Int64)?;
            let a = a.as_primitive::<Int64Type>();
            (0..n)
                .map(|i| nullable(a, i, || Raw::Count(u64::try_from(a.value(i)).unwrap_or(0))))
                .collect()
        }
        Kind::Money { .. } => {
            let a = to(&DataType::Decimal128(38, 2))?;
            let a = a.as_primitive::<Decimal128Type>();
            (0..n)
                .map(|i| nullable(a, i, || Raw::Pence(a.value(i))))
                .collect()
        }
        Kind::Quantity => {
            let a = to(&DataType::Float64)?;
            let a = a.as_primitive::<Float64Type>();
            (0..n)
                .map(|i| nullable(a, i, || Raw::Quantity(a.value(i))))
                .collect()
        }
        Kind::Share { .. } => vec![Raw::Null; n],
    };
    Ok(cells)
}

fn nullable(array: &dyn Array, i: usize, value: impl FnOnce() -> Raw) -> Raw {
    if array.is_null(i) {
        Raw::Null
    } else {
        value()
    }
}
