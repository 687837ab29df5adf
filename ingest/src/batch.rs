//! The rows waiting for the next commit, and when to commit them.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use stf_schemas::event::Event;
use stf_schemas::privacy::Redactions;
use stf_schemas::tables::Table;
use stf_schemas::validate::Rejection;

use crate::columns::{ByMonth, PlanColumns, RejectedColumns, ServiceColumns};
use crate::position::{Origin, StreamId};

/// When a batch is committed: whichever limit is reached first.
#[derive(Debug, Clone, Copy)]
pub struct FlushPolicy {
    /// Messages in the batch.
    pub max_messages: usize,
    /// Bytes of input messages in the batch.
    pub max_bytes: usize,
    /// Age of the oldest message in the batch.
    pub max_age: Duration,
}

impl Default for FlushPolicy {
    /// New data is queryable within about 30 s, and a commit holds up to 96 MiB of input.
    /// Two batches can be in memory at once (one filling while the other commits in the
    /// background). In a backlog, a batch's rows spread over every month of the backlog, and
    /// each month is a file of every column: larger batches make fewer, larger files, with
    /// less work per row. On 1M events from Tansu (16 MiB prefetch, by hand): 32 MiB batches
    /// 87k events/s, 15.2 µs of CPU an event, peak RSS 354 MiB; 64 MiB 92k, 13.8 µs, 413 MiB;
    /// 96 MiB 98k, 12.9 µs, 407 MiB; 128 MiB 99k, 12.8 µs, 440 MiB.
    fn default() -> Self {
        Self {
            max_messages: 100_000,
            max_bytes: 96 * 1024 * 1024,
            max_age: Duration::from_secs(30),
        }
    }
}

/// The rows of one pending commit, as the columns of each event table, and the last position
/// of each stream they cover.
#[derive(Default)]
pub struct Batch {
    /// Accepted rows by month (the tables' partition): each month is written as it is.
    pub plans: ByMonth<PlanColumns>,
    pub services: ByMonth<ServiceColumns>,
    pub rejected: RejectedColumns,
    /// For each stream in the batch: the tables it writes to and its last position.
    pub streams: BTreeMap<StreamId, (Vec<Table>, i64)>,
    pub messages: usize,
    pub bytes: usize,
    pub redactions: Redactions,
    started: Option<Instant>,
}

impl Batch {
    /// Notes that `origin` of `stream` has been read, whatever became of it.
    pub fn advance(&mut self, stream: &StreamId, tables: &[Table], origin: &Origin, bytes: usize) {
        self.started.get_or_insert_with(Instant::now);
        self.messages += 1;
        self.bytes += bytes;
        let entry = self
            .streams
            .entry(stream.clone())
            .or_insert_with(|| (tables.to_vec(), origin.position()));
        entry.1 = entry.1.max(origin.position());
    }

    /// Whether the batch has already read `position` of `stream` (positions only rise within
    /// a batch: one at or below the last is a second delivery of a message it holds).
    pub fn holds(&self, stream: &StreamId, position: i64) -> bool {
        self.streams
            .get(stream)
            .is_some_and(|(_, last)| position <= *last)
    }

    /// Adds an accepted event's row. An event whose amounts the money columns cannot hold
    /// (validation bounds them, so this is a second line of defence) is not added: the
    /// rejection returned is for the caller to set aside.
    pub fn push_accepted(
        &mut self,
        event: Event,
        redactions: Redactions,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<(), Rejection> {
        let pushed = match &event {
            Event::SupportPlan(e) => {
                let month = self.plans.month(e.occurred_at);
                month.push(e, redactions.total(), origin, now)
            }
            Event::ProviderService(e) => {
                let month = self.services.month(e.occurred_at);
                month.push(e, redactions.total(), origin, now)
            }
        };
        match pushed {
            Ok(()) => {
                self.redactions.merge(redactions);
                Ok(())
            }
            Err(e) => Err(Rejection::unstorable(
                event.event_id(),
                format!("an amount does not fit the money columns: {e}"),
            )),
        }
    }

    pub fn push_rejected(&mut self, rejection: &Rejection, origin: &Origin, now: DateTime<Utc>) {
        self.rejected.push(rejection, origin, now);
    }

    pub fn is_empty(&self) -> bool {
        self.streams.is_empty()
    }

    /// Whether the batch has reached a limit of `policy`.
    pub fn is_due(&self, policy: &FlushPolicy) -> bool {
        self.is_full(policy) || self.started.is_some_and(|t| t.elapsed() >= policy.max_age)
    }

    /// Whether the batch has reached a size limit of `policy` (input arrives faster than
    /// the age limit).
    pub fn is_full(&self, policy: &FlushPolicy) -> bool {
        self.messages >= policy.max_messages || self.bytes >= policy.max_bytes
    }

    /// Time left before the batch is due by age.
    pub fn time_left(&self, policy: &FlushPolicy) -> Duration {
        match self.started {
            Some(t) => policy.max_age.saturating_sub(t.elapsed()),
            None => policy.max_age,
        }
    }
}
