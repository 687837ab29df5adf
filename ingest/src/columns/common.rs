//! The columns every event table shares: the head (`event_id`, `event_type`, `occurred_at`,
//! `event_date`, `event_month`) and the tail (`redactions`, where the row came from,
//! `ingested_at`).

use std::sync::Arc;

use arrow::array::{
    ArrayBuilder, ArrayRef, Date32Builder, Int32Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use chrono::{DateTime, Utc};

use super::source::SourceColumns;
use super::{days, micros, month_start, utc};
use crate::position::Origin;

#[derive(Default)]
pub(super) struct EventHead {
    event_id: StringBuilder,
    event_type: StringBuilder,
    occurred_at: TimestampMicrosecondBuilder,
    event_date: Date32Builder,
    event_month: Date32Builder,
}

impl EventHead {
    /// Rows appended since the last `finish`.
    pub(super) fn len(&self) -> usize {
        self.event_id.len()
    }

    pub(super) fn append(&mut self, event_id: &str, event_type: &str, at: DateTime<Utc>) {
        self.event_id.append_value(event_id);
        self.event_type.append_value(event_type);
        self.occurred_at.append_value(micros(at));
        self.event_date.append_value(days(at));
        self.event_month.append_value(month_start(at));
    }

    pub(super) fn finish(&mut self) -> [ArrayRef; 5] {
        [
            Arc::new(self.event_id.finish()),
            Arc::new(self.event_type.finish()),
            utc(&mut self.occurred_at),
            Arc::new(self.event_date.finish()),
            Arc::new(self.event_month.finish()),
        ]
    }
}

#[derive(Default)]
pub(super) struct EventTail {
    redactions: Int32Builder,
    source: SourceColumns,
    ingested_at: TimestampMicrosecondBuilder,
}

impl EventTail {
    pub(super) fn append(&mut self, redactions: u32, origin: &Origin, now: DateTime<Utc>) {
        self.redactions
            .append_value(i32::try_from(redactions).unwrap_or(i32::MAX));
        self.source.append(origin);
        self.ingested_at.append_value(micros(now));
    }

    /// `redactions`, the five source columns, `ingested_at`.
    pub(super) fn finish(&mut self) -> Vec<ArrayRef> {
        let mut columns: Vec<ArrayRef> = vec![Arc::new(self.redactions.finish())];
        columns.extend(self.source.finish());
        columns.push(utc(&mut self.ingested_at));
        columns
    }
}
