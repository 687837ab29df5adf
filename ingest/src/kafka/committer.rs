//! Commits in the background: one batch is encoded and committed while the next is judged.
//!
//! At most one commit runs at a time, and the sink (the tables and their watermarks) belongs
//! to it until it ends. While it runs, the messages taken are checked against the watermarks
//! the commit will leave ([`Committer::watermarks`]): a message it holds, delivered again, is
//! a replay. Those watermarks are a promise: if the commit fails, the caller drops what it
//! batched since and re-reads from the tables, whose watermarks are then read afresh.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use futures::future::try_join_all;
use rdkafka::producer::DeliveryFuture;
use stf_schemas::tables::Table;
use tokio::task::JoinHandle;

use crate::batch::Batch;
use crate::position::{StreamId, Watermarks};
use crate::sink::{FlushReport, Pace, Sink};
use crate::Error;

/// How long a commit waits for its batch's dead letters to be acknowledged.
const DEAD_LETTER_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether a background commit is running, for the rebalance callback: partitions are
/// handed over only once no commit of theirs can land any more. (The loop polls the client
/// while a commit runs, and the callback runs inside those polls: without the gate another
/// instance could read a partition's position from the tables before this instance's commit
/// of it lands.)
#[derive(Debug, Default)]
pub struct CommitGate {
    running: Mutex<bool>,
    ended: Condvar,
}

impl CommitGate {
    fn set(&self, running: bool) {
        *self.running.lock().unwrap_or_else(|e| e.into_inner()) = running;
        self.ended.notify_all();
    }

    /// Blocks until no commit runs, or `timeout` passes; whether none runs.
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let (running, _) = self
            .ended
            .wait_timeout_while(running, timeout, |running| *running)
            .unwrap_or_else(|e| e.into_inner());
        !*running
    }
}

/// Marks the gate idle when the commit's task ends, whichever way it ends.
struct Leave(Arc<CommitGate>);

impl Drop for Leave {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// The positions of a batch: for each stream, the tables it writes to and its last position.
pub(super) type Positions = BTreeMap<StreamId, (Vec<Table>, i64)>;

/// A commit that has ended.
pub(super) struct Ended {
    pub result: Result<FlushReport, Error>,
    /// Dead letters the batch waited for.
    pub letters: usize,
    pub positions: Positions,
    /// How long the commit took, from its start to its task's end.
    pub took: Duration,
    /// How input was arriving when the batch was cut.
    pub pace: Pace,
}

/// What a commit's task hands back: the sink, the dead letters waited for and the report,
/// and how long it took.
type Outcome = (Sink, Result<(usize, FlushReport), Error>, Duration);

struct Running {
    task: JoinHandle<Outcome>,
    positions: Positions,
    pace: Pace,
    /// The sink's watermarks once this commit succeeds.
    ahead: Watermarks,
}

/// The sink, idle or committing one batch.
pub(super) struct Committer {
    idle: Option<Sink>,
    running: Option<Running>,
    gate: Arc<CommitGate>,
}

impl Committer {
    pub fn new(sink: Sink, gate: Arc<CommitGate>) -> Self {
        Self {
            idle: Some(sink),
            running: None,
            gate,
        }
    }

    /// The watermarks messages are checked against: the tables', and while a commit runs,
    /// advanced by the positions it commits.
    pub fn watermarks(&self) -> &Watermarks {
        match (&self.running, &self.idle) {
            (Some(r), _) => &r.ahead,
            (None, Some(sink)) => sink.watermarks(),
            (None, None) => unreachable!("the sink is either idle or committing"),
        }
    }

    /// Whether a commit runs or waits to be collected.
    pub fn is_busy(&self) -> bool {
        self.running.is_some()
    }

    /// Whether a commit has ended and waits to be collected by [`Committer::wait`].
    pub fn has_ended(&self) -> bool {
        self.running.as_ref().is_some_and(|r| r.task.is_finished())
    }

    /// Starts committing `batch` once `letters` (its dead letters) are acknowledged. Call
    /// only when idle: [`Committer::wait`] first.
    pub fn start(&mut self, batch: Batch, letters: Vec<DeliveryFuture>, pace: Pace) {
        let mut sink = self
            .idle
            .take()
            .expect("a commit starts only when the previous one was waited for");
        let positions = batch.streams.clone();
        let mut ahead = sink.watermarks().clone();
        for (stream, (tables, position)) in &positions {
            for &t in tables {
                let mark = ahead.get(t, stream).map_or(*position, |w| w.max(*position));
                ahead.set(t, stream.clone(), mark);
            }
        }
        self.gate.set(true);
        let leave = Leave(self.gate.clone());
        let started = Instant::now();
        let task = tokio::spawn(async move {
            let _leave = leave;
            let result = async {
                let n = wait_for_letters(letters).await?;
                Ok((n, sink.commit(batch).await?))
            }
            .await;
            (sink, result, started.elapsed())
        });
        self.running = Some(Running {
            task,
            positions,
            pace,
            ahead,
        });
    }

    /// Waits for the running commit, if any, to end; afterwards the sink is idle.
    pub async fn wait(&mut self) -> Option<Ended> {
        let running = self.running.take()?;
        let (sink, result, took) = match running.task.await {
            Ok(done) => done,
            // The task panicked (a bug, not input): nothing of the batch is known to be
            // committed, and the sink went with the task.
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        self.idle = Some(sink);
        let (letters, result) = match result {
            Ok((letters, report)) => (letters, Ok(report)),
            Err(e) => (0, Err(e)),
        };
        Some(Ended {
            result,
            letters,
            positions: running.positions,
            took,
            pace: running.pace,
        })
    }

    /// The idle sink. Call only after [`Committer::wait`].
    pub fn sink(&mut self) -> &mut Sink {
        self.idle
            .as_mut()
            .expect("the sink is used only between commits")
    }
}

/// Waits until every dead letter is acknowledged; how many there were.
async fn wait_for_letters(letters: Vec<DeliveryFuture>) -> Result<usize, Error> {
    let n = letters.len();
    let results = tokio::time::timeout(DEAD_LETTER_TIMEOUT, try_join_all(letters))
        .await
        .map_err(|_| Error::DeadLetterDelivery {
            topic: "*.dlq".into(),
            source: rdkafka::error::KafkaError::MessageProduction(
                rdkafka::types::RDKafkaErrorCode::MessageTimedOut,
            ),
        })?
        .map_err(|_| Error::DeadLetterDelivery {
            topic: "*.dlq".into(),
            source: rdkafka::error::KafkaError::Canceled,
        })?;
    for r in results {
        if let Err((source, msg)) = r {
            use rdkafka::Message as _;
            return Err(Error::DeadLetterDelivery {
                topic: msg.topic().to_owned(),
                source,
            });
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revocation_waits_for_the_running_commit_to_end() {
        let gate = Arc::new(CommitGate::default());
        assert!(gate.wait_idle(Duration::ZERO));
        gate.set(true);
        assert!(!gate.wait_idle(Duration::from_millis(20)));
        // The commit's task ends on another thread while the revocation waits.
        let leave = Leave(gate.clone());
        let ender = std::thread::spawn(move || drop(leave));
        assert!(gate.wait_idle(Duration::from_secs(10)));
        ender.join().expect("the commit's end");
        assert!(gate.wait_idle(Duration::ZERO));
    }
}
