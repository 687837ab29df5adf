//! The columns of `rejected_events`: coordinates, readable event id and the reason; never
//! the message.

use std::sync::Arc;

use arrow::array::{
    ArrayBuilder, ArrayRef, Date32Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow::record_batch::RecordBatch;
use chrono::{DateTime, Utc};
use stf_schemas::tables::Table;
use stf_schemas::validate::Rejection;

use super::source::SourceColumns;
use super::{append_opt_str, assemble, days, micros, utc};
use crate::position::Origin;
use crate::Error;

const TABLE: Table = Table::RejectedEvents;

/// `rejected_events` rows being built, one per rejected message.
#[derive(Default)]
pub struct RejectedColumns {
    source: SourceColumns,
    event_id: StringBuilder,
    reason: StringBuilder,
    detail: StringBuilder,
    rejected_at: TimestampMicrosecondBuilder,
    rejected_date: Date32Builder,
}

impl RejectedColumns {
    pub fn len(&self) -> usize {
        self.reason.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, r: &Rejection, origin: &Origin, now: DateTime<Utc>) {
        self.source.append(origin);
        append_opt_str(&mut self.event_id, r.event_id.as_deref());
        self.reason.append_value(r.reason.code());
        self.detail.append_value(&r.detail);
        self.rejected_at.append_value(micros(now));
        self.rejected_date.append_value(days(now));
    }

    /// The rows so far as one batch of `rejected_events`; the builders start empty again.
    pub fn finish(&mut self) -> Result<RecordBatch, Error> {
        let mut columns: Vec<ArrayRef> = self.source.finish().into();
        columns.extend([
            Arc::new(self.event_id.finish()) as ArrayRef,
            Arc::new(self.reason.finish()),
            Arc::new(self.detail.finish()),
            utc(&mut self.rejected_at),
            Arc::new(self.rejected_date.finish()),
        ]);
        assemble(TABLE, columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, Int64Array, StringArray};
    use stf_schemas::reason::Reason;

    #[test]
    fn rows_come_out_in_order_with_their_coordinates() {
        let mut cols = RejectedColumns::default();
        let now = Utc::now();
        for line in 0..5 {
            let r = Rejection {
                reason: Reason::MalformedJson,
                detail: format!("line {line}"),
                event_id: (line % 2 == 0).then(|| format!("e{line}")),
                problems: Vec::new(),
            };
            let origin = Origin::File {
                path: "f.ndjson".into(),
                line,
            };
            cols.push(&r, &origin, now);
        }
        assert_eq!(cols.len(), 5);
        let batch = cols.finish().expect("a batch");
        assert!(cols.is_empty(), "finishing empties the builders");
        assert_eq!(batch.schema(), TABLE.schema());
        let lines = batch.column_by_name("source_line").expect("column");
        let lines = lines.as_any().downcast_ref::<Int64Array>().expect("int64");
        assert_eq!(lines.values().to_vec(), vec![0, 1, 2, 3, 4]);
        let ids = batch.column_by_name("event_id").expect("column");
        let ids = ids.as_any().downcast_ref::<StringArray>().expect("utf8");
        assert_eq!(ids.null_count(), 2);
        assert_eq!(ids.value(4), "e4");
        let topics = batch.column_by_name("source_topic").expect("column");
        assert_eq!(topics.null_count(), 5);
        let again = cols.finish().expect("an empty batch");
        assert_eq!(again.num_rows(), 0);
    }
}
