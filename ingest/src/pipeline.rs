//! The path every message takes, whatever its source: judge, skip what the tables already
//! hold, and add the rest to the batch.

use std::sync::atomic::Ordering::Relaxed;

use chrono::{DateTime, Utc};
use stf_schemas::event::Event;
use stf_schemas::tables::Table;
use stf_schemas::validate::Rejection;

use crate::batch::Batch;
use crate::decode::{judge, Verdict};
use crate::metrics::Metrics;
use crate::position::{Origin, StreamId, Watermarks};

/// What became of one message.
#[derive(Debug)]
pub enum Handled {
    Accepted,
    /// Set aside: the source sends the original bytes to its dead letters.
    Rejected(Rejection),
    /// Already committed before a restart or a rebalance; nothing to do.
    Replayed,
}

/// One message's context.
pub struct Message<'a> {
    pub stream: &'a StreamId,
    /// The tables `stream` writes to.
    pub tables: &'a [Table],
    pub origin: Origin,
    pub bytes: &'a [u8],
}

/// Judges one message and adds it to `batch` unless the tables already hold it.
pub fn handle(
    batch: &mut Batch,
    watermarks: &Watermarks,
    metrics: &Metrics,
    msg: Message<'_>,
    now: DateTime<Utc>,
) -> Handled {
    let verdict = judge(msg.bytes);
    apply(batch, watermarks, metrics, msg, verdict, now)
}

/// Adds one judged message to `batch` unless the tables already hold it (`handle` with the
/// judging done beforehand, e.g. on another thread).
pub fn apply(
    batch: &mut Batch,
    watermarks: &Watermarks,
    metrics: &Metrics,
    msg: Message<'_>,
    verdict: Verdict,
    now: DateTime<Utc>,
) -> Handled {
    metrics.events_in.fetch_add(1, Relaxed);
    metrics
        .input_bytes
        .fetch_add(msg.bytes.len() as u64, Relaxed);
    let target = match &verdict {
        Verdict::Accepted { event, .. } => match event.as_ref() {
            Event::SupportPlan(_) => Table::PlanEvents,
            Event::ProviderService(_) => Table::ServiceEvents,
        },
        Verdict::Rejected(_) => Table::RejectedEvents,
    };
    let position = msg.origin.position();
    batch.advance(msg.stream, msg.tables, &msg.origin, msg.bytes.len());
    if watermarks.holds(target, msg.stream, position) {
        metrics.skipped_replayed.fetch_add(1, Relaxed);
        return Handled::Replayed;
    }
    match verdict {
        Verdict::Accepted { event, redactions } => {
            metrics.accepted.fetch_add(1, Relaxed);
            metrics.redacted(&redactions);
            batch.push_accepted(*event, redactions, &msg.origin, now);
            Handled::Accepted
        }
        Verdict::Rejected(rejection) => {
            metrics.rejected(rejection.reason);
            batch.push_rejected(&rejection, &msg.origin, now);
            Handled::Rejected(rejection)
        }
    }
}
