//! Test data shared by the store's integration tests.

// Each test binary uses some of these.
#![allow(dead_code)]

use std::sync::Arc;

use deltalake::arrow::array::{
    ArrayRef, Date32Array, Int32Array, Int64Array, RecordBatch, StringArray,
    TimestampMicrosecondArray,
};
use stf_store::Table;

/// Rejections of `support-plans` partition 0 at `offsets`, all on one day.
pub fn rejected_batch(offsets: std::ops::Range<i64>) -> RecordBatch {
    let n = offsets.clone().count();
    rejected_batch_on(offsets, vec![19_700; n])
}

/// Rejections at `offsets`, one a day of `dates` (days since 1970-01-01).
pub fn rejected_batch_on(offsets: std::ops::Range<i64>, dates: Vec<i32>) -> RecordBatch {
    let n = offsets.clone().count();
    assert_eq!(n, dates.len());
    let schema = Table::RejectedEvents.schema();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec![Some("support-plans"); n])),
        Arc::new(Int32Array::from(vec![Some(0); n])),
        Arc::new(Int64Array::from_iter(offsets.map(Some))),
        Arc::new(StringArray::from(vec![None::<&str>; n])),
        Arc::new(Int64Array::from(vec![None; n])),
        Arc::new(StringArray::from(vec![None::<&str>; n])),
        Arc::new(StringArray::from(vec!["malformed_json"; n])),
        Arc::new(StringArray::from(vec!["not JSON"; n])),
        Arc::new(
            TimestampMicrosecondArray::from(vec![1_700_000_000_000_000; n]).with_timezone("UTC"),
        ),
        Arc::new(Date32Array::from(dates)),
    ];
    RecordBatch::try_new(schema, columns).expect("columns match the schema")
}
