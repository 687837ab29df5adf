//! Prometheus metrics of the ingest service, rendered in the text exposition format.
//!
//! Counters are atomics bumped once per batch or per message outcome; labels are of low
//! cardinality (reason codes, PII kinds, tables, partitions).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

use stf_schemas::privacy::{PiiKind, Redactions};
use stf_schemas::reason::Reason;

/// Every metric of one ingest process.
#[derive(Debug, Default)]
pub struct Metrics {
    pub events_in: AtomicU64,
    pub accepted: AtomicU64,
    pub skipped_replayed: AtomicU64,
    rejected: Mutex<BTreeMap<&'static str, u64>>,
    redactions: Mutex<BTreeMap<&'static str, u64>>,
    rows_written: Mutex<BTreeMap<&'static str, u64>>,
    lag: Mutex<BTreeMap<(String, i32), i64>>,
    pub commits: AtomicU64,
    pub flushes: AtomicU64,
    flush_micros: AtomicU64,
    pub input_bytes: AtomicU64,
    pub dead_letters: AtomicU64,
    pub commit_conflicts: AtomicU64,
    pub rejoins: AtomicU64,
    pub offsets_missing: AtomicU64,
}

impl Metrics {
    pub fn rejected(&self, reason: Reason) {
        *lock(&self.rejected).entry(reason.code()).or_default() += 1;
    }

    pub fn redacted(&self, r: &Redactions) {
        if r.total() == 0 {
            return;
        }
        let mut m = lock(&self.redactions);
        for kind in PiiKind::ALL {
            let n = r.get(kind);
            if n > 0 {
                *m.entry(kind.code()).or_default() += u64::from(n);
            }
        }
    }

    pub fn written(&self, table: &'static str, rows: usize) {
        *lock(&self.rows_written).entry(table).or_default() += rows as u64;
    }

    pub fn flushed(&self, elapsed: std::time::Duration, commits: usize) {
        self.flushes.fetch_add(1, Relaxed);
        self.commits.fetch_add(commits as u64, Relaxed);
        self.flush_micros.fetch_add(
            u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
            Relaxed,
        );
    }

    pub fn set_lag(&self, topic: &str, partition: i32, lag: i64) {
        lock(&self.lag).insert((topic.to_owned(), partition), lag);
    }

    /// Forgets every partition's lag (the partitions changed hands).
    pub fn clear_lag(&self) {
        lock(&self.lag).clear();
    }

    /// Count of rejections with this reason so far.
    pub fn rejected_count(&self, reason: Reason) -> u64 {
        lock(&self.rejected)
            .get(reason.code())
            .copied()
            .unwrap_or(0)
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, v: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
            );
        };
        counter(
            "stf_ingest_events_in_total",
            "Messages read from the sources.",
            self.events_in.load(Relaxed),
        );
        counter(
            "stf_ingest_events_accepted_total",
            "Messages that kept the contract.",
            self.accepted.load(Relaxed),
        );
        counter(
            "stf_ingest_events_replayed_total",
            "Messages skipped because the tables already hold them.",
            self.skipped_replayed.load(Relaxed),
        );
        counter(
            "stf_ingest_input_bytes_total",
            "Bytes of messages read.",
            self.input_bytes.load(Relaxed),
        );
        counter(
            "stf_ingest_commits_total",
            "Delta commits made.",
            self.commits.load(Relaxed),
        );
        counter(
            "stf_ingest_flushes_total",
            "Batches flushed.",
            self.flushes.load(Relaxed),
        );
        counter(
            "stf_ingest_flush_seconds_sum_micros",
            "Total flush latency in microseconds.",
            self.flush_micros.load(Relaxed),
        );
        counter(
            "stf_ingest_dead_letters_total",
            "Messages sent to dead letters.",
            self.dead_letters.load(Relaxed),
        );
        counter(
            "stf_ingest_commit_conflicts_total",
            "Commits lost to another writer of the same partition.",
            self.commit_conflicts.load(Relaxed),
        );
        counter(
            "stf_ingest_group_rejoins_total",
            "Times this instance rejoined its group because partitions had no owner.",
            self.rejoins.load(Relaxed),
        );
        counter(
            "stf_ingest_offsets_missing_total",
            "Offsets the broker does not have (compacted away or transaction markers).",
            self.offsets_missing.load(Relaxed),
        );
        labelled(
            &mut out,
            "stf_ingest_events_rejected_total",
            "Rejected messages by reason.",
            "reason",
            &lock(&self.rejected),
        );
        labelled(
            &mut out,
            "stf_ingest_redactions_total",
            "Redactions by kind of personal data.",
            "kind",
            &lock(&self.redactions),
        );
        labelled(
            &mut out,
            "stf_ingest_rows_written_total",
            "Rows committed by table.",
            "table",
            &lock(&self.rows_written),
        );
        let lag = lock(&self.lag);
        let _ = writeln!(out, "# HELP stf_ingest_consumer_lag Messages behind the end of each partition.\n# TYPE stf_ingest_consumer_lag gauge");
        for ((topic, partition), v) in lag.iter() {
            let _ = writeln!(
                out,
                "stf_ingest_consumer_lag{{topic=\"{topic}\",partition=\"{partition}\"}} {v}"
            );
        }
        out
    }
}

fn labelled(
    out: &mut String,
    name: &str,
    help: &str,
    label: &str,
    values: &BTreeMap<&'static str, u64>,
) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
    for (k, v) in values {
        let _ = writeln!(out, "{name}{{{label}=\"{k}\"}} {v}");
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
