//! The path every judged message takes, whatever its source: skip what the tables already
//! hold, and add the rest to the batch.

use std::sync::atomic::Ordering::Relaxed;

use chrono::{DateTime, Utc};
use stf_schemas::event::Event;
use stf_schemas::tables::Table;
use stf_schemas::validate::Rejection;

use crate::batch::Batch;
use crate::decode::Verdict;
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

/// Adds one judged message to `batch` unless the tables already hold it (judged beforehand,
/// many at once: `decode::judge_many`).
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
    if batch.holds(msg.stream, position) {
        // Handed over a second time since the batch began (Tansu 0.6, after a seek, serves a
        // partition's last record batch again when fetched at the end of the log, and
        // librdkafka passes it on): the batch already holds it (and, if rejected, its letter).
        metrics.skipped_replayed.fetch_add(1, Relaxed);
        tracing::debug!(
            stream = msg.stream.as_str(),
            position,
            "Delivered again within one batch: skipped."
        );
        return Handled::Replayed;
    }
    batch.advance(msg.stream, msg.tables, &msg.origin, msg.bytes.len());
    if watermarks.holds(target, msg.stream, position) {
        metrics.skipped_replayed.fetch_add(1, Relaxed);
        return Handled::Replayed;
    }
    match verdict {
        Verdict::Accepted { event, redactions } => {
            match batch.push_accepted(*event, redactions, &msg.origin, now) {
                Ok(()) => {
                    metrics.accepted.fetch_add(1, Relaxed);
                    metrics.redacted(&redactions);
                    Handled::Accepted
                }
                // Set aside instead: unless `rejected_events` already holds it (the accepted
                // table's watermark, checked above, is not the one that counts for it).
                Err(_) if watermarks.holds(Table::RejectedEvents, msg.stream, position) => {
                    metrics.skipped_replayed.fetch_add(1, Relaxed);
                    Handled::Replayed
                }
                Err(rejection) => reject(batch, metrics, rejection, &msg.origin, now),
            }
        }
        Verdict::Rejected(rejection) => reject(batch, metrics, rejection, &msg.origin, now),
    }
}

fn reject(
    batch: &mut Batch,
    metrics: &Metrics,
    rejection: Rejection,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Handled {
    metrics.rejected(rejection.reason);
    batch.push_rejected(&rejection, origin, now);
    Handled::Rejected(rejection)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::judge;

    #[test]
    fn a_message_delivered_twice_within_one_batch_is_held_once() {
        let (mut batch, watermarks, metrics) =
            (Batch::default(), Watermarks::default(), Metrics::default());
        let stream = StreamId::kafka("g", "support-plans", 3);
        let tables = [Table::PlanEvents, Table::RejectedEvents];
        let bytes = b"not json".as_slice();
        let mut take = |offset: i64| {
            let origin = Origin::Kafka {
                topic: "support-plans".into(),
                partition: 3,
                offset,
            };
            let msg = Message {
                stream: &stream,
                tables: &tables,
                origin,
                bytes,
            };
            apply(
                &mut batch,
                &watermarks,
                &metrics,
                msg,
                judge(bytes),
                Utc::now(),
            )
        };
        let handled: Vec<bool> = [10, 11, 12, 11, 12, 13]
            .into_iter()
            .map(|o| matches!(take(o), Handled::Rejected(_)))
            .collect();
        assert_eq!(handled, [true, true, true, false, false, true]);
        assert_eq!(batch.rejected.len(), 4);
        assert_eq!(batch.streams[&stream].1, 13);
        assert_eq!(metrics.skipped_replayed.load(Relaxed), 2);
    }

    #[test]
    fn an_event_the_tables_cannot_hold_is_set_aside_not_lost() {
        // Validation bounds amounts well within the money columns; an event built past it
        // (1e13 pounds) is rejected at the batch, once, with a reason, and nothing of it is
        // added to plan_events.
        let event = crate::columns::plan_tests::event_costing(1e13);
        let (mut batch, mut watermarks, metrics) =
            (Batch::default(), Watermarks::default(), Metrics::default());
        let stream = StreamId::file("/in.ndjson");
        let tables = [Table::PlanEvents, Table::RejectedEvents];
        let take = |watermarks: &Watermarks, batch: &mut Batch, line: i64| {
            let verdict = Verdict::Accepted {
                event: Box::new(Event::SupportPlan(event.clone())),
                redactions: Default::default(),
            };
            let msg = Message {
                stream: &stream,
                tables: &tables,
                origin: Origin::File {
                    path: "/in.ndjson".into(),
                    line,
                },
                bytes: b"{}",
            };
            apply(batch, watermarks, &metrics, msg, verdict, Utc::now())
        };
        let handled = take(&watermarks, &mut batch, 1);
        let Handled::Rejected(rejection) = handled else {
            panic!("not set aside: {handled:?}");
        };
        assert_eq!(rejection.reason.code(), "number_out_of_range");
        assert_eq!(rejection.event_id.as_deref(), Some("e1"));
        assert_eq!((batch.plans.len(), batch.rejected.len()), (0, 1));

        // Once rejected_events holds it, it is a replay.
        watermarks.set(Table::RejectedEvents, stream.clone(), 1);
        let mut batch = Batch::default();
        assert!(matches!(
            take(&watermarks, &mut batch, 1),
            Handled::Replayed
        ));
        assert_eq!(batch.rejected.len(), 0);

        // The judge rejects it before any batch sees it: validation's bound on amounts does
        // (judge's own `fits` check stands behind it and agrees).
        let event = Event::SupportPlan(event);
        let fits = crate::columns::fits(&event);
        assert_eq!(
            fits.map_err(|r| r.reason.code()),
            Err("number_out_of_range")
        );
        assert!(matches!(
            judge(event.to_json().as_bytes()),
            Verdict::Rejected(_)
        ));
    }
}
