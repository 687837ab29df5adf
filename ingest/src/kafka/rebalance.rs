//! Partition assignment from the tables' positions.
//!
//! On every assignment, before the consumer fetches anything, each partition is assigned at
//! the offset after the last one every table holds (`Offset::Beginning` when the tables hold
//! none of it). The main loop is told of every change so that it drops what it had batched
//! and re-reads its watermarks.

use std::collections::HashMap;
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::KafkaResult;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::types::RDKafkaRespErr;
use rdkafka::{ClientContext, Statistics};
use stf_schemas::event::EventKind;
use stf_store::Store;

use crate::metrics::Metrics;
use crate::position::{tables_of, StreamId, Watermarks};

use super::committer::CommitGate;

/// A change of the partitions this instance owns.
#[derive(Debug, Clone)]
pub enum Assignment {
    /// The partitions, each with the offset it was assigned at (`None`: its beginning, or
    /// Kafka's committed offset when the tables could not be read).
    Assigned(Vec<((String, i32), Option<i64>)>),
    Revoked,
}

/// The consumer's context: assigns partitions at the tables' positions.
pub struct TablePositions {
    pub store: Store,
    pub group: String,
    pub events: std::sync::Mutex<Sender<Assignment>>,
    /// Where the client's statistics put each partition's consumer lag.
    pub metrics: Arc<Metrics>,
    /// Whether a background commit runs (see `committer`).
    pub commits: Arc<CommitGate>,
}

/// The longest a revocation waits for a background commit: longer than a commit waits for
/// its dead letters. Past it the partitions go anyway, and Delta's conflict check on the
/// `txn` actions is what stops two instances committing the same offsets.
const REVOKE_WAIT: Duration = Duration::from_secs(60);

impl ClientContext for TablePositions {
    /// Records each owned partition's lag as the client measures it (`statistics.interval.ms`,
    /// see [`super::KafkaConfig::consumer`]): the end of the partition less the offset
    /// committed, which the source commits only once the tables hold the messages. So the lag
    /// counts what the tables do not hold yet, and reading it costs the loop nothing (asking
    /// the broker for each partition's end after every commit took a quarter of the
    /// throughput against Tansu). Only the partitions this instance owns count (a revoked
    /// one keeps its last figures in the client); one whose committed offset the client does
    /// not know yet reports -1 and is left out.
    fn stats(&self, statistics: Statistics) {
        for (name, topic) in &statistics.topics {
            for partition in topic.partitions.values() {
                if partition.partition >= 0 && partition.desired && partition.consumer_lag >= 0 {
                    self.metrics
                        .set_lag(name, partition.partition, partition.consumer_lag);
                }
            }
        }
    }
}

impl ConsumerContext for TablePositions {
    fn rebalance(
        &self,
        base_consumer: &BaseConsumer<Self>,
        err: RDKafkaRespErr,
        tpl: &mut TopicPartitionList,
    ) {
        match err {
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS => {
                let partitions: Vec<(String, i32)> = tpl
                    .elements()
                    .iter()
                    .map(|e| (e.topic().to_owned(), e.partition()))
                    .collect();
                let mut starts: Vec<((String, i32), Option<i64>)> =
                    partitions.iter().map(|p| (p.clone(), None)).collect();
                match positions_blocking(&self.store, &self.group, &partitions) {
                    Ok(positions) => {
                        for (partition, start) in &mut starts {
                            *start = positions.get(partition).copied().flatten();
                            let offset = start.map_or(Offset::Beginning, Offset::Offset);
                            let (topic, p) = (&partition.0, partition.1);
                            if let Err(e) = tpl.set_partition_offset(topic, p, offset) {
                                tracing::warn!(topic, partition = p, error = %e, "Cannot set start offset.");
                            }
                        }
                    }
                    Err(e) => {
                        // Kafka's committed offsets are never ahead of the tables, and replays
                        // are filtered by the tables' watermarks: nothing is lost or doubled.
                        tracing::warn!(error = %e, "Cannot read positions from the tables; starting from committed offsets.");
                    }
                }
                if let Err(e) = base_consumer.assign(tpl) {
                    tracing::error!(error = %e, "Partition assignment failed.");
                }
                commit_starts(base_consumer, &starts);
                tracing::info!(partitions = ?partitions, "Partitions assigned.");
                self.notify(Assignment::Assigned(starts));
            }
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS => {
                // A commit running in the background lands before the partitions go to
                // another instance; the main loop then drops what it batched since.
                self.wait_for_commit();
                self.notify(Assignment::Revoked);
                if let Err(e) = base_consumer.unassign() {
                    tracing::warn!(error = %e, "Unassign failed.");
                }
                tracing::info!("Partitions revoked.");
            }
            other => {
                tracing::warn!(error = ?other, "Rebalance error.");
                self.wait_for_commit();
                let _ = base_consumer.unassign();
                self.notify(Assignment::Revoked);
            }
        }
    }

    fn pre_rebalance(&self, _: &BaseConsumer<Self>, _: &Rebalance<'_>) {}
}

/// Commits to Kafka the offsets the tables resume at, so that the committed offsets, and the
/// lag measured from them, say what the tables hold from the start, even for a partition
/// that has nothing new to read.
fn commit_starts<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    starts: &[((String, i32), Option<i64>)],
) {
    let next = starts
        .iter()
        .filter_map(|((topic, p), start)| start.map(|at| (topic.as_str(), *p, at)));
    commit_next(consumer, next);
}

/// Commits `(topic, partition, next offset)` to Kafka, without waiting, for lag monitoring
/// only: the offsets given are never ahead of the tables, which remain the source of truth.
/// A failure costs only lag figures until the next commit.
pub fn commit_next<'a, C: Consumer<X>, X: ConsumerContext>(
    consumer: &C,
    next: impl IntoIterator<Item = (&'a str, i32, i64)>,
) {
    let mut tpl = TopicPartitionList::new();
    for (topic, p, at) in next {
        let _ = tpl.add_partition_offset(topic, p, Offset::Offset(at));
    }
    if tpl.count() > 0 {
        if let Err(e) = consumer.commit(&tpl, CommitMode::Async) {
            tracing::warn!(error = %e, "Offset commit to Kafka failed (lag metrics only).");
        }
    }
}

impl TablePositions {
    fn wait_for_commit(&self) {
        if !self.commits.wait_idle(REVOKE_WAIT) {
            tracing::warn!(
                waited_s = REVOKE_WAIT.as_secs(),
                "A commit still runs as partitions are revoked; handing them over anyway."
            );
        }
    }

    fn notify(&self, a: Assignment) {
        let sender = self
            .events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = sender.send(a);
    }
}

/// The event kind a topic carries.
pub fn kind_of_topic(topic: &str) -> EventKind {
    if topic == stf_schemas::topics::PROVIDER_SERVICES {
        EventKind::ProviderService
    } else {
        EventKind::SupportPlan
    }
}

/// For each partition, the offset to resume at (`None` when the tables hold none of it),
/// read from the tables on a thread of its own: rebalance callbacks are synchronous.
fn positions_blocking(
    store: &Store,
    group: &str,
    partitions: &[(String, i32)],
) -> Result<HashMap<(String, i32), Option<i64>>, String> {
    let store = store.clone();
    let group = group.to_owned();
    let partitions = partitions.to_vec();
    std::thread::spawn(move || -> Result<_, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(positions(&store, &group, &partitions))
            .map_err(|e| e.to_string())
    })
    .join()
    .map_err(|_| "position reader panicked".to_owned())?
}

async fn positions(
    store: &Store,
    group: &str,
    partitions: &[(String, i32)],
) -> Result<HashMap<(String, i32), Option<i64>>, stf_store::Error> {
    let mut watermarks = Watermarks::default();
    let mut out = HashMap::new();
    let mut tables = HashMap::new();
    for (topic, partition) in partitions {
        let stream = StreamId::kafka(group, topic, *partition);
        let which = tables_of(kind_of_topic(topic));
        for t in which {
            if let std::collections::hash_map::Entry::Vacant(slot) = tables.entry(t) {
                slot.insert(store.load(t).await?);
            }
            if let Some(Some(table)) = tables.get(&t) {
                if let Some(v) = store.txn_version(table, t, stream.as_str()).await? {
                    watermarks.set(t, stream.clone(), v);
                }
            }
        }
        out.insert(
            (topic.clone(), *partition),
            watermarks.resume_at(&which, &stream),
        );
    }
    Ok(out)
}

/// Seeks every partition in `positions` (used to re-read from the tables' positions).
pub fn seek_all<C: Consumer<X>, X: ConsumerContext>(
    consumer: &C,
    positions: &[((String, i32), Option<i64>)],
) -> KafkaResult<()> {
    for ((topic, partition), next) in positions {
        let offset = next.map_or(Offset::Beginning, Offset::Offset);
        consumer.seek(topic, *partition, offset, std::time::Duration::from_secs(5))?;
    }
    Ok(())
}
