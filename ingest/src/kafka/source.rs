//! The consume → judge → batch → commit loop.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::FutureExt as _;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::message::BorrowedMessage;
use rdkafka::producer::FutureProducer;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::Message as _;
use stf_schemas::tables::Table;
use stf_store::Store;

use super::config::KafkaConfig;
use super::dead_letters::{DeadLetter, DeadLetters};
use super::group_watch::{GroupWatch, Observation, Problem, Verdict};
use super::rebalance::{kind_of_topic, seek_all, Assignment, TablePositions};
use super::resume::{Check, ResumeCheck};
use crate::batch::Batch;
use crate::decode::{self, judge_many};
use crate::metrics::Metrics;
use crate::pipeline::{apply, Handled, Message};
use crate::position::{tables_of, StreamId, Watermarks};
use crate::sink::{FlushReport, Sink};
use crate::Error;

use super::Partition;

/// The most messages judged together.
const MAX_CHUNK: usize = 2048;

/// What becomes of one received message before it is judged.
enum Admit {
    Take,
    /// Not ours (fetched before a revocation): the new owner reads it.
    Drop,
    /// The partition was sought back: this and the rest of its messages come again.
    SoughtBack,
}

/// What a background commit hands back: the sink, the dead letters delivered and what was
/// committed (or why not), and how long it took.
type Committed = (Sink, Result<(usize, FlushReport), Error>, Duration);

/// A batch committing in the background.
struct Committing {
    task: tokio::task::JoinHandle<Committed>,
    /// The last position of each stream the batch covers.
    positions: BTreeMap<StreamId, (Vec<Table>, i64)>,
    /// The sink's positions when the commit began (see `State::watermarks`).
    watermarks: Watermarks,
}

struct State {
    config: KafkaConfig,
    assignments: Receiver<Assignment>,
    dead_letters: DeadLetters,
    /// `None` while a commit runs in the background (`committing`).
    sink: Option<Sink>,
    committing: Option<Committing>,
    metrics: Arc<Metrics>,
    assigned: Vec<Partition>,
    batch: Batch,
    /// Next offset to read of each partition, for lag.
    next: HashMap<Partition, i64>,
    watch: GroupWatch,
    resume: ResumeCheck,
    /// Set when a message had to be dropped without a seek to read it again: the batch is
    /// dropped and every partition re-read from the tables' positions.
    reread: bool,
}

/// Consumes until `shutdown` resolves, then commits what it holds and returns.
pub async fn run(
    store: Store,
    config: KafkaConfig,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    let (tx, assignments) = std::sync::mpsc::channel();
    let context = TablePositions {
        store: store.clone(),
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
        sink: Some(sink),
        committing: None,
        metrics,
        assigned: Vec::new(),
        batch: Batch::default(),
        next: HashMap::new(),
        watch: GroupWatch::new(Instant::now()),
        resume: ResumeCheck::default(),
        reread: false,
    };
    tokio::pin!(shutdown);
    loop {
        let mut wait = state
            .batch
            .time_left(&state.config.flush)
            .max(Duration::from_millis(10));
        if state.committing.is_some() {
            wait = wait.min(Duration::from_millis(50)); // to settle it soon after it ends
        }
        tokio::select! {
            () = &mut shutdown => break,
            received = tokio::time::timeout(wait, consumer.recv()) => {
                let mut chunk = Vec::new();
                let mut changed = state.note_assignments();
                match received {
                    Ok(Ok(message)) => chunk.push(message),
                    Ok(Err(e)) => tracing::warn!(error = %e, "Kafka consumer error."),
                    Err(_) => {}
                }
                // Whatever else is ready now, so that it is judged on every core at once.
                while chunk.len() < MAX_CHUNK {
                    let Some(received) = consumer.recv().now_or_never() else {
                        break;
                    };
                    if state.note_assignments() {
                        // Fetched under the old assignment: the partitions are re-read
                        // from the tables' positions (or by their new owner).
                        chunk.clear();
                        changed = true;
                    }
                    match received {
                        Ok(message) => chunk.push(message),
                        Err(e) => tracing::warn!(error = %e, "Kafka consumer error."),
                    }
                }
                if changed {
                    state.assignments_changed(&consumer).await?;
                }
                state.take_all(&consumer, &chunk);
            }
        }
        if state
            .committing
            .as_ref()
            .is_some_and(|c| c.task.is_finished())
        {
            state.settle(&consumer).await;
        }
        if state.reread {
            state.reread = false;
            state.settle(&consumer).await;
            state.batch = Batch::default();
            state.dead_letters.discard();
            if let Err(e) = state.reseek(&consumer).await {
                tracing::error!(error = %e, "Cannot re-read positions; retrying.");
                state.reread = true;
                tokio::time::sleep(state.config.retry_backoff).await;
            }
        }
        if !state.batch.is_empty() && state.batch.is_due(&state.config.flush) {
            state.flush(&consumer).await;
        }
        if state.watch.due(Instant::now()) {
            state.watch_group(&consumer, &topics);
        }
    }
    tracing::info!("Shutting down: committing what is batched.");
    if state.note_assignments() {
        state.assignments_changed(&consumer).await?;
    }
    if !state.batch.is_empty() {
        state.flush(&consumer).await;
    }
    state.settle(&consumer).await;
    Ok(())
}

impl State {
    /// Takes the assignment changes signalled by the rebalance callback; true when there
    /// were any (then [`Self::assignments_changed`] must run before the next message).
    fn note_assignments(&mut self) -> bool {
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
        changed
    }

    /// After an assignment change, whatever was batched is dropped (it will be re-read from
    /// the tables' positions) and watermarks re-read. A commit already running finishes
    /// first: if a partition's new owner read the table before it landed, Delta's conflict
    /// check on the stream's `txn` fails one of the two commits.
    async fn assignments_changed(
        &mut self,
        consumer: &StreamConsumer<TablePositions>,
    ) -> Result<(), Error> {
        self.settle(consumer).await;
        self.watch.reset(Instant::now());
        self.batch = Batch::default();
        self.dead_letters.discard();
        let streams = self.streams();
        self.sink().refresh(&streams).await
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

    /// Judges a chunk of messages on every core and adds them to the batch in order.
    fn take_all(
        &mut self,
        consumer: &StreamConsumer<TablePositions>,
        chunk: &[BorrowedMessage<'_>],
    ) {
        let mut sought: Vec<Partition> = Vec::new();
        let mut admitted = Vec::with_capacity(chunk.len());
        for m in chunk {
            if self.reread {
                break; // the batch is dropped and every partition re-read
            }
            let partition = (m.topic().to_owned(), m.partition());
            if sought.contains(&partition) {
                continue; // sought back in this chunk: the rest of its messages come again
            }
            match self.admit(consumer, m, &partition) {
                Admit::Take => admitted.push(m),
                Admit::Drop => {}
                Admit::SoughtBack => sought.push(partition),
            }
        }
        let payloads: Vec<Option<&[u8]>> = admitted
            .iter()
            .map(|m| Some(m.payload().unwrap_or(&[])))
            .collect();
        let verdicts = tokio::task::block_in_place(|| judge_many(&payloads));
        for (m, verdict) in admitted.into_iter().zip(verdicts) {
            if let Some(verdict) = verdict {
                self.take(m, verdict);
            }
        }
    }

    /// Whether a message is to be taken: its partition is ours and it is where the partition
    /// was told to resume (otherwise the partition is sought back and the message dropped).
    fn admit(
        &mut self,
        consumer: &StreamConsumer<TablePositions>,
        m: &BorrowedMessage<'_>,
        partition: &Partition,
    ) -> Admit {
        let (topic, offset) = (partition.0.as_str(), m.offset());
        if !self.assigned.contains(partition) {
            return Admit::Drop; // fetched before a revocation; the new owner reads it
        }
        match self.resume.check(partition, offset) {
            Check::Take => Admit::Take,
            Check::Rewind(to) => {
                tracing::warn!(
                    topic,
                    partition = partition.1,
                    offset,
                    rewind_to = to,
                    "The broker resumed past the position asked for; re-reading from further back (replays are dropped)."
                );
                if let Err(e) = consumer.seek(
                    topic,
                    partition.1,
                    Offset::Offset(to),
                    Duration::from_secs(5),
                ) {
                    // This message is dropped either way: re-read everything from the tables.
                    tracing::warn!(topic, partition = partition.1, error = %e, "Seek failed; re-reading from the tables.");
                    self.reread = true;
                }
                Admit::SoughtBack
            }
            Check::Gap { from, to } => {
                tracing::warn!(
                    topic,
                    partition = partition.1,
                    from,
                    to,
                    "Offsets missing on the broker (compaction or transaction markers): skipped."
                );
                self.metrics.offsets_missing.fetch_add(
                    u64::try_from(to - from).unwrap_or(0),
                    std::sync::atomic::Ordering::Relaxed,
                );
                Admit::Take
            }
        }
    }

    /// Adds one judged message to the batch, and its original bytes to the dead letters when
    /// it was rejected.
    fn take(&mut self, m: &BorrowedMessage<'_>, verdict: decode::Verdict) {
        let (topic, partition, offset) = (m.topic(), m.partition(), m.offset());
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
            watermarks(&self.sink, &self.committing),
            &self.metrics,
            msg,
            verdict,
            Utc::now(),
        );
        self.next.insert((topic.to_owned(), partition), offset + 1);
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
                tracing::warn!(error = %e, "Dead letter not queued; the batch will be re-read.");
            }
        }
    }

    /// Starts committing the batch in the background, once the commit before it has settled:
    /// the next batch fills meanwhile (at most one commits at a time).
    async fn flush(&mut self, consumer: &StreamConsumer<TablePositions>) {
        self.settle(consumer).await;
        if self.batch.is_empty() {
            return; // the commit before failed and took this batch with it
        }
        let batch = std::mem::take(&mut self.batch);
        let positions: BTreeMap<StreamId, (Vec<Table>, i64)> = batch.streams.clone();
        let letters = self.dead_letters.take();
        let mut sink = self.sink.take().expect("a settled source holds its sink");
        let watermarks = sink.watermarks().clone();
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let result = async {
                let letters = letters.wait(Duration::from_secs(30)).await?;
                let report = sink.commit(batch).await?;
                Ok((letters, report))
            }
            .await;
            (sink, result, started.elapsed())
        });
        self.committing = Some(Committing {
            task,
            positions,
            watermarks,
        });
    }

    /// Waits for the commit running in the background, if any, and acts on its outcome:
    /// offsets to Kafka and metrics when it succeeded; when it failed, the batch filling
    /// behind it is dropped too and every partition re-read from the tables' positions.
    async fn settle(&mut self, consumer: &StreamConsumer<TablePositions>) {
        let Some(committing) = self.committing.take() else {
            return;
        };
        let (sink, result, took) = match committing.task.await {
            Ok(done) => done,
            // The task is never aborted: a panic there is a bug, and the process stops on it
            // (the tables are intact; a restart resumes from them).
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        self.sink = Some(sink);
        match result {
            Ok((letters, report)) => {
                self.metrics
                    .dead_letters
                    .fetch_add(letters as u64, std::sync::atomic::Ordering::Relaxed);
                for (table, rows) in &report.rows {
                    self.metrics.written(table, *rows);
                }
                self.metrics.flushed(took, report.commits);
                self.commit_offsets(consumer, &committing.positions);
                self.record_lag(consumer);
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
                self.batch = Batch::default();
                self.dead_letters.discard();
                if let Err(e) = self.reseek(consumer).await {
                    tracing::error!(error = %e, "Cannot re-read positions; will retry on the next batch.");
                }
            }
        }
    }

    /// The sink, which is here whenever no commit is running ([`Self::settle`] first).
    fn sink(&mut self) -> &mut Sink {
        self.sink
            .as_mut()
            .expect("the sink is used only after the running commit has settled")
    }

    /// The positions replays are judged against. While a commit runs, the sink's as it
    /// began: every message taken meanwhile lies after that commit's positions in its
    /// partition (offsets only rise within an assignment, and a partition is sought back only
    /// before its first message is taken), so the commit cannot change the answer.
    fn watermarks(&self) -> &Watermarks {
        watermarks(&self.sink, &self.committing)
    }

    /// Seeks every assigned partition to the position after what the tables hold.
    async fn reseek(&mut self, consumer: &StreamConsumer<TablePositions>) -> Result<(), Error> {
        let streams = self.streams();
        self.sink().refresh(&streams).await?;
        let watermarks = self.watermarks();
        let positions: Vec<((String, i32), Option<i64>)> = self
            .assigned
            .iter()
            .zip(&streams)
            .map(|(p, (stream, tables))| (p.clone(), watermarks.resume_at(tables, stream)))
            .collect();
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

    /// Commits offsets to Kafka for lag monitoring; the tables remain the source of truth.
    fn commit_offsets(
        &self,
        consumer: &StreamConsumer<TablePositions>,
        positions: &BTreeMap<StreamId, (Vec<Table>, i64)>,
    ) {
        let mut tpl = TopicPartitionList::new();
        for (topic, p) in &self.assigned {
            let stream = StreamId::kafka(&self.config.group, topic, *p);
            if let Some((_, last)) = positions.get(&stream) {
                let _ = tpl.add_partition_offset(topic, *p, Offset::Offset(last + 1));
            }
        }
        if tpl.count() > 0 {
            if let Err(e) = consumer.commit(&tpl, CommitMode::Async) {
                tracing::warn!(error = %e, "Offset commit to Kafka failed (lag metrics only).");
            }
        }
    }

    fn record_lag(&self, consumer: &StreamConsumer<TablePositions>) {
        for (topic, p) in &self.assigned {
            let Some(next) = self.next.get(&(topic.clone(), *p)) else {
                continue;
            };
            if let Ok((_, high)) =
                consumer
                    .client()
                    .fetch_watermarks(topic, *p, Duration::from_millis(200))
            {
                self.metrics.set_lag(topic, *p, (high - next).max(0));
            }
        }
    }
}

/// See [`State::watermarks`].
fn watermarks<'a>(sink: &'a Option<Sink>, committing: &'a Option<Committing>) -> &'a Watermarks {
    match (sink, committing) {
        (Some(sink), _) => sink.watermarks(),
        (None, Some(c)) => &c.watermarks,
        (None, None) => unreachable!("the sink is either held or committing"),
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
