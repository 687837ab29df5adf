//! The consume → judge → batch → commit loop.

use std::future::Future;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::FutureExt as _;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::BorrowedMessage;
use rdkafka::producer::FutureProducer;
use rdkafka::topic_partition_list::Offset;
use rdkafka::Message as _;
use stf_schemas::tables::Table;
use stf_store::Store;

use super::committer::{CommitGate, Committer, Positions};
use super::config::KafkaConfig;
use super::dead_letters::{DeadLetter, DeadLetters};
use super::group::{Group, Seeks, Since};
use super::group_watch::{GroupWatch, Observation, Problem, Verdict};
use super::rebalance::{commit_next, kind_of_topic, seek_all, Assignment, TablePositions};
use super::resume::{Check, ResumeCheck};
use crate::batch::Batch;
use crate::decode::Verdict as Judged;
use crate::metrics::Metrics;
use crate::pipeline::{apply, Handled, Message};
use crate::position::{tables_of, StreamId};
use crate::sink::{Pace, Sink};
use crate::Error;

use super::Partition;

struct State {
    config: KafkaConfig,
    assignments: Receiver<Assignment>,
    dead_letters: DeadLetters,
    /// The tables, committing the previous batch in the background while this one fills.
    committer: Committer,
    metrics: Arc<Metrics>,
    assigned: Vec<Partition>,
    batch: Batch,
    watch: GroupWatch,
    resume: ResumeCheck,
    /// Set when a message had to be dropped without a seek to read it again: the batch is
    /// dropped and every partition re-read from the tables' positions.
    reread: bool,
    /// Set once shutdown begins.
    stopping: bool,
    /// The seeks made (assignments, re-reads, rewinds): messages fetched before a seek of
    /// their partition are read again, and dropped when taken after it.
    seeks: Seeks,
}

/// What [`State::take`] did with a message.
#[derive(Debug, PartialEq, Eq)]
enum Taken {
    /// Judged into the batch (accepted, rejected, or a replay).
    Batched,
    /// Its partition is not ours (any more).
    NotOurs,
    /// Dropped, and its partition sought back to read it again.
    Rewound,
}

/// Consumes until `shutdown` resolves, then commits what it holds and returns.
pub async fn run(
    store: Store,
    config: KafkaConfig,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    let (tx, assignments) = std::sync::mpsc::channel();
    let commits = Arc::new(CommitGate::default());
    let context = TablePositions {
        commits: commits.clone(),
        store: store.clone(),
        metrics: metrics.clone(),
        group: config.group.clone(),
        events: std::sync::Mutex::new(tx),
    };
    let consumer: StreamConsumer<TablePositions> =
        config.consumer().create_with_context(context)?;
    let topic_names = config.topics.clone();
    let topics: Vec<&str> = topic_names.iter().map(String::as_str).collect();
    consumer.subscribe(&topics)?;
    let producer: FutureProducer = config.producer().create()?;
    let sink = Sink::open(store).await?;
    tracing::info!(brokers = %config.brokers, group = %config.group, topics = ?topics, "Consuming.");
    let mut state = State {
        config,
        assignments,
        dead_letters: DeadLetters::new(producer),
        committer: Committer::new(sink, commits),
        metrics,
        assigned: Vec::new(),
        batch: Batch::default(),
        watch: GroupWatch::new(Instant::now()),
        resume: ResumeCheck::default(),
        reread: false,
        stopping: false,
        seeks: Seeks::default(),
    };
    // A full group waits here, judged in the background, while the loop gathers the next and
    // takes this one (see `group`).
    let mut judging: Option<Group<'_>> = None;
    tokio::pin!(shutdown);
    loop {
        let mut wait = state
            .batch
            .time_left(&state.config.flush)
            .max(Duration::from_millis(10));
        if state.committer.is_busy() {
            // Collect a commit soon after it ends, even when no message comes: its offsets,
            // metrics and maintenance (or the re-read after a failure) wait for that.
            wait = wait.min(COLLECT_EVERY);
        }
        if judging.is_some() {
            // A group waits to be taken: more messages were expected, but not for long.
            wait = wait.min(JUDGING_WAITS);
        }
        tokio::select! {
            () = &mut shutdown => break,
            received = tokio::time::timeout(wait, consumer.recv()) => {
                state.apply_assignments(&consumer).await?;
                let more = match received {
                    Ok(Ok(first)) => {
                        let (messages, full) = ready_group(&consumer, first);
                        let group = Group::judge(messages, state.seeks.now());
                        if let Some(before) = judging.replace(group) {
                            state.take_group(&consumer, before).await?;
                        }
                        full
                    }
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "Kafka consumer error.");
                        false
                    }
                    Err(_) => false,
                };
                if !more {
                    // Nothing more is ready: the group judging is taken now, not with the next.
                    if let Some(group) = judging.take() {
                        state.take_group(&consumer, group).await?;
                    }
                }
            }
        }
        state.settle(&consumer).await;
        if state.watch.due(Instant::now()) {
            state.watch_group(&consumer, &topics);
        }
    }
    tracing::info!("Shutting down: committing what is batched.");
    state.stopping = true;
    state.apply_assignments(&consumer).await?;
    if !state.batch.is_empty() {
        state.flush(&consumer).await;
    }
    state.conclude(&consumer).await;
    Ok(())
}

/// How often the loop looks for a background commit that has ended when no message comes.
const COLLECT_EVERY: Duration = Duration::from_millis(100);

/// How long a judged group waits for the next message before it is taken on its own.
const JUDGING_WAITS: Duration = Duration::from_millis(5);

/// The most messages taken from the client at once, when it has them ready: judged together
/// on every core, then applied in order.
const GROUP_MESSAGES: usize = 1024;

/// The most payload bytes one group holds: messages held by the application are outside the
/// client's prefetch budget (`queued.max.messages.kbytes`), and two groups are held at once
/// (one judged, one taken), each with a copy of its payloads for judging; so a group of large
/// messages is cut short to stay within the memory budget.
const GROUP_BYTES: usize = 8 << 20;

/// `first` and whatever else the client has ready now, up to [`GROUP_MESSAGES`] messages or
/// [`GROUP_BYTES`] of payload, in the order the client hands them over; and whether it
/// stopped at one of those limits (rather than because nothing more was ready).
fn ready_group<'c>(
    consumer: &'c StreamConsumer<TablePositions>,
    first: BorrowedMessage<'c>,
) -> (Vec<BorrowedMessage<'c>>, bool) {
    let mut bytes = first.payload_len();
    let mut group = vec![first];
    while group.len() < GROUP_MESSAGES && bytes < GROUP_BYTES {
        match consumer.recv().now_or_never() {
            Some(Ok(message)) => {
                bytes += message.payload_len();
                group.push(message);
            }
            Some(Err(e)) => {
                tracing::warn!(error = %e, "Kafka consumer error.");
                return (group, false);
            }
            None => return (group, false),
        }
    }
    (group, true)
}

impl State {
    /// Takes the judged messages of `group` in order, as if they had come one by one: judging
    /// is pure, so only the taking needs the order. Whatever was sought since the group was
    /// gathered (by this group's messages or the group before) is kept: after every partition
    /// is sought again (new assignment, re-read) the rest of the group is dropped, and after
    /// one partition is rewound, the rest of that partition; the seeks read them again.
    async fn take_group(
        &mut self,
        consumer: &StreamConsumer<TablePositions>,
        group: Group<'_>,
    ) -> Result<(), Error> {
        let (messages, seen, verdicts) = group.verdicts().await;
        self.seeks.forget_before(seen);
        // One ingestion time for the group: the clock read once, not once a message.
        let now = Utc::now();
        for (message, verdict) in messages.iter().zip(verdicts) {
            // Gathering polled the client, which may have run a rebalance since the group's
            // first message came: applied before any message is taken, the first too.
            self.apply_assignments(consumer).await?;
            if self.reread {
                // Every partition will be sought again once the re-read succeeds.
                break;
            }
            match self.seeks.since(seen) {
                Since::Unmoved => {}
                // Every partition was re-read since the group was gathered: the seeks deliver
                // the rest again.
                Since::Reread => break,
                // An assignment made while the group was gathered sought its partitions in
                // the middle of it, and what came after that seek would not come again (at a
                // partition's beginning no resume check notices). So the tables' positions
                // are sought once more. (Only for an assignment: a group dropped for a
                // re-read asking for another would make the next group ask again, for ever.)
                Since::Reassigned => {
                    self.reread = true;
                    break;
                }
            }
            let (topic, partition) = (message.topic(), message.partition());
            if self.seeks.rewound_since(seen, topic, partition) {
                continue;
            }
            let Some(verdict) = verdict else { continue };
            if self.take(consumer, message, verdict, now) == Taken::Rewound {
                self.seeks.rewound((topic.to_owned(), partition));
            }
            self.settle(consumer).await;
        }
        Ok(())
    }

    /// After a message: concludes a background commit that has ended, re-reads everything
    /// when a message had to be dropped (or a commit failed), and commits the batch when it
    /// is due.
    async fn settle(&mut self, consumer: &StreamConsumer<TablePositions>) {
        if self.committer.has_ended() {
            self.conclude(consumer).await;
        }
        if self.reread {
            // The tables' positions are read once no commit runs.
            self.conclude(consumer).await;
            self.reread = false;
            self.batch = Batch::default();
            self.dead_letters.discard();
            if let Err(e) = self.reseek(consumer).await {
                tracing::error!(error = %e, "Cannot re-read positions; retrying.");
                self.reread = true;
                tokio::time::sleep(self.config.retry_backoff).await;
            }
        }
        if !self.batch.is_empty() && self.batch.is_due(&self.config.flush) {
            self.flush(consumer).await;
        }
    }

    /// Applies assignment changes signalled by the rebalance callback: whatever was batched
    /// is dropped (it will be re-read from the tables' positions) and watermarks re-read,
    /// once the commit running in the background has ended.
    async fn apply_assignments(
        &mut self,
        consumer: &StreamConsumer<TablePositions>,
    ) -> Result<(), Error> {
        let mut changed = false;
        while let Ok(a) = self.assignments.try_recv() {
            changed = true;
            match a {
                Assignment::Assigned(starts) => {
                    self.resume.clear();
                    self.assigned = starts.iter().map(|(p, _)| p.clone()).collect();
                    for (p, at) in starts {
                        self.resume.sought(p, at);
                    }
                }
                Assignment::Revoked => {
                    self.resume.clear();
                    self.assigned.clear();
                }
            }
        }
        if changed {
            self.seeks.assigned();
            self.metrics.clear_lag();
            self.watch.reset(Instant::now());
            self.batch = Batch::default();
            self.dead_letters.discard();
            self.conclude(consumer).await;
            let streams = self.streams();
            self.committer.sink().refresh(&streams).await?;
        }
        Ok(())
    }

    fn streams(&self) -> Vec<(StreamId, Vec<Table>)> {
        self.assigned
            .iter()
            .map(|(topic, p)| {
                let stream = StreamId::kafka(&self.config.group, topic, *p);
                (stream, tables_of(kind_of_topic(topic)).to_vec())
            })
            .collect()
    }

    /// Takes one judged message into the batch, unless its partition is no longer ours or
    /// must be read again from further back.
    fn take(
        &mut self,
        consumer: &StreamConsumer<TablePositions>,
        m: &BorrowedMessage<'_>,
        verdict: Judged,
        now: chrono::DateTime<Utc>,
    ) -> Taken {
        let (topic, partition, offset) = (m.topic(), m.partition(), m.offset());
        if !self
            .assigned
            .iter()
            .any(|(t, p)| t == topic && *p == partition)
        {
            return Taken::NotOurs; // fetched before a revocation; the new owner reads it
        }
        match self.resume.check(&(topic.to_owned(), partition), offset) {
            Check::Take => {}
            Check::Rewind(to) => {
                tracing::warn!(
                    topic,
                    partition,
                    offset,
                    rewind_to = to,
                    "The broker resumed past the position asked for; re-reading from further back (replays are dropped)."
                );
                if let Err(e) =
                    consumer.seek(topic, partition, Offset::Offset(to), Duration::from_secs(5))
                {
                    // This message is dropped either way: re-read everything from the tables.
                    tracing::warn!(topic, partition, error = %e, "Seek failed; re-reading from the tables.");
                    self.reread = true;
                }
                return Taken::Rewound;
            }
            Check::Gap { from, to } => {
                tracing::warn!(
                    topic,
                    partition,
                    from,
                    to,
                    "Offsets missing on the broker (compaction or transaction markers): skipped."
                );
                self.metrics.offsets_missing.fetch_add(
                    u64::try_from(to - from).unwrap_or(0),
                    std::sync::atomic::Ordering::Relaxed,
                );
            }
        }
        let stream = StreamId::kafka(&self.config.group, topic, partition);
        let tables = tables_of(kind_of_topic(topic));
        let payload = m.payload().unwrap_or(&[]);
        let msg = Message {
            stream: &stream,
            tables: &tables,
            origin: crate::position::Origin::Kafka {
                topic: topic.to_owned(),
                partition,
                offset,
            },
            bytes: payload,
        };
        let handled = apply(
            &mut self.batch,
            self.committer.watermarks(),
            &self.metrics,
            msg,
            verdict,
            now,
        );
        if let Handled::Rejected(rejection) = handled {
            let letter = DeadLetter {
                topic,
                partition,
                offset,
                key: m.key(),
                payload,
                rejection: &rejection,
            };
            if let Err(e) = self.dead_letters.send(letter) {
                // Not recorded without its letter: drop the batch and read it again.
                tracing::warn!(error = %e, "Dead letter not queued; the batch will be re-read.");
                self.reread = true;
            }
        }
        Taken::Batched
    }

    /// Starts committing the batch in the background, once the previous commit has ended
    /// (and succeeded: after a failure the batch is dropped and re-read instead).
    async fn flush(&mut self, consumer: &StreamConsumer<TablePositions>) {
        self.conclude(consumer).await;
        if self.reread {
            return;
        }
        // Stopping counts as a backlog (see `conclude`).
        let pace = if self.stopping || self.batch.is_full(&self.config.flush) {
            Pace::Backlog
        } else {
            Pace::Steady
        };
        let batch = std::mem::take(&mut self.batch);
        self.committer.start(batch, self.dead_letters.take(), pace);
    }

    /// Waits for the background commit, if one runs, and acts on how it ended: offsets
    /// committed to Kafka after a success; after a failure (a lost commit race, the store)
    /// everything batched since is dropped and re-read from the tables' positions.
    async fn conclude(&mut self, consumer: &StreamConsumer<TablePositions>) {
        let Some(ended) = self.committer.wait().await else {
            return;
        };
        match ended.result {
            Ok(report) => {
                self.metrics
                    .dead_letters
                    .fetch_add(ended.letters as u64, std::sync::atomic::Ordering::Relaxed);
                for (table, rows) in &report.rows {
                    self.metrics.written(table, *rows);
                }
                self.metrics.flushed(ended.took, report.commits);
                self.commit_offsets(consumer, &ended.positions);
                // Between commits, so that compaction's memory never adds to a commit's; and
                // not while stopping (compaction is left for the next start).
                let pace = if self.stopping {
                    Pace::Backlog
                } else {
                    ended.pace
                };
                if let Err(e) = self.committer.sink().maintain_if_due(pace).await {
                    // A table could not be reopened after a failed pass: re-read everything,
                    // which reopens every table.
                    tracing::warn!(error = %e, "Maintenance failed; re-reading from the tables.");
                    self.reread = true;
                }
            }
            Err(e) => {
                let race = matches!(&e, Error::Store(s) if s.is_concurrent_transaction());
                if race {
                    self.metrics
                        .commit_conflicts
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    tracing::warn!(error = %e, "Lost a commit race to another instance; re-reading from the tables.");
                } else {
                    tracing::error!(error = %e, "Commit failed; re-reading from the tables after a pause.");
                    tokio::time::sleep(self.config.retry_backoff).await;
                }
                self.reread = true;
            }
        }
    }

    /// Seeks every assigned partition to the position after what the tables hold.
    async fn reseek(&mut self, consumer: &StreamConsumer<TablePositions>) -> Result<(), Error> {
        let streams = self.streams();
        let sink = self.committer.sink();
        sink.refresh(&streams).await?;
        let positions: Vec<((String, i32), Option<i64>)> = self
            .assigned
            .iter()
            .zip(&streams)
            .map(|(p, (stream, tables))| (p.clone(), sink.watermarks().resume_at(tables, stream)))
            .collect();
        self.seeks.all();
        seek_all(consumer, &positions)?;
        for (p, at) in positions {
            self.resume.sought(p, at);
        }
        Ok(())
    }

    /// Asks the coordinator who owns what; rejoins the group when partitions have been left
    /// without an owner (see `group_watch`).
    fn watch_group(&mut self, consumer: &StreamConsumer<TablePositions>, topics: &[&str]) {
        let seen = tokio::task::block_in_place(|| observe(consumer, &self.config, &self.assigned));
        if let Some(seen) = &seen {
            tracing::debug!(
                state = %seen.state,
                members = seen.members.len(),
                partitions = seen.partitions.len(),
                problem = ?super::group_watch::problem(seen),
                "Group checked."
            );
        }
        if let Verdict::Rejoin(problem) = self.watch.judge(Instant::now(), seen.as_ref()) {
            match problem {
                Problem::Unowned(partitions) => tracing::warn!(
                    partitions = ?partitions,
                    "No member of the group owns these partitions: rejoining the group to rebalance."
                ),
                Problem::Mismatch { recorded, held } => tracing::warn!(
                    recorded = ?recorded,
                    held = ?held,
                    "The group coordinator's record of this instance's partitions differs from what it was handed: rejoining the group to rebalance."
                ),
            }
            self.metrics
                .rejoins
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            consumer.unsubscribe();
            if let Err(e) = consumer.subscribe(topics) {
                tracing::error!(error = %e, "Cannot resubscribe: this instance reads nothing until restarted.");
            }
        }
    }

    /// Commits to Kafka the offsets after the batch just committed to the tables.
    fn commit_offsets(&self, consumer: &StreamConsumer<TablePositions>, positions: &Positions) {
        let next = self.assigned.iter().filter_map(|(topic, p)| {
            let stream = StreamId::kafka(&self.config.group, topic, *p);
            let (_, last) = positions.get(&stream)?;
            Some((topic.as_str(), *p, last + 1))
        });
        commit_next(consumer, next);
    }
}

/// What the coordinator and the metadata say now (`None` when either cannot be asked).
fn observe(
    consumer: &StreamConsumer<TablePositions>,
    config: &KafkaConfig,
    ours: &[Partition],
) -> Option<Observation> {
    let timeout = Duration::from_secs(2);
    let mut partitions = Vec::new();
    for topic in &config.topics {
        let metadata = consumer.fetch_metadata(Some(topic), timeout).ok()?;
        for t in metadata.topics() {
            partitions.extend(t.partitions().iter().map(|p| (t.name().to_owned(), p.id())));
        }
    }
    let groups = consumer
        .fetch_group_list(Some(&config.group), timeout)
        .ok()?;
    let group = groups.groups().iter().find(|g| g.name() == config.group)?;
    Some(Observation {
        partitions,
        state: group.state().to_owned(),
        members: group
            .members()
            .iter()
            .map(|m| {
                let assignment = m.assignment().unwrap_or_default().to_vec();
                (m.client_id().to_owned(), assignment)
            })
            .collect(),
        client_id: config.client_id().to_owned(),
        ours: ours.to_vec(),
    })
}
