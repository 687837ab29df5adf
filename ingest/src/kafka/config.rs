//! Settings of the Kafka source and the librdkafka client settings they become.

use std::time::Duration;

use rdkafka::ClientConfig;
use stf_schemas::validate::MAX_MESSAGE_BYTES;

/// The largest record the dead-letter producer sends: a payload of up to
/// [`MAX_MESSAGE_BYTES`] and room for the headers.
const DEAD_LETTER_MAX_BYTES: usize = MAX_MESSAGE_BYTES + (64 << 10);

/// How often the consumer reports its statistics, and so its lag: every 5 s.
const STATISTICS_INTERVAL_MS: &str = "5000";

/// How long librdkafka waits to fetch again for a partition whose prefetch was full.
const FETCH_QUEUE_BACKOFF_MS: &str = "50";

use crate::batch::FlushPolicy;

/// How to consume.
#[derive(Debug, Clone)]
pub struct KafkaConfig {
    /// `bootstrap.servers`.
    pub brokers: String,
    /// Consumer group: instances in one group share the partitions.
    pub group: String,
    /// Topics to consume.
    pub topics: Vec<String>,
    /// librdkafka `fetch.wait.max.ms`: how long the broker may hold a fetch for more data.
    /// Low enough for fresh data and brokers that always wait it out, high enough not to
    /// busy-poll an idle real Kafka.
    pub fetch_wait_max_ms: u32,
    /// Extra librdkafka settings (`key=value`), applied last.
    pub client_settings: Vec<(String, String)>,
    pub flush: FlushPolicy,
    /// How long a Delta commit race or a failed commit waits before retrying.
    pub retry_backoff: Duration,
    /// librdkafka `client.id`, unique per process so the group watch can find itself.
    client_id: String,
}

impl KafkaConfig {
    pub fn new(brokers: impl Into<String>, group: impl Into<String>) -> Self {
        Self {
            brokers: brokers.into(),
            group: group.into(),
            topics: stf_schemas::topics::INPUT
                .iter()
                .map(|t| t.to_string())
                .collect(),
            fetch_wait_max_ms: 50,
            client_settings: Vec::new(),
            flush: FlushPolicy::default(),
            retry_backoff: Duration::from_millis(500),
            client_id: unique_client_id(),
        }
    }

    /// This process's `client.id` (an `-X client.id=…` setting wins).
    pub fn client_id(&self) -> &str {
        self.client_settings
            .iter()
            .rev()
            .find(|(k, _)| k == "client.id")
            .map_or(&self.client_id, |(_, v)| v)
    }

    /// The consumer's client settings. Offsets are never committed automatically: the
    /// source commits them itself, after the tables hold the messages.
    pub fn consumer(&self) -> ClientConfig {
        let mut c = ClientConfig::new();
        c.set("bootstrap.servers", &self.brokers)
            .set("group.id", &self.group)
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            .set("enable.partition.eof", "false")
            .set("fetch.wait.max.ms", self.fetch_wait_max_ms.to_string())
            // Prefetch up to 16 MiB: the client keeps fetching while the loop is busy. (Larger
            // prefetches, up to 96 MiB, once made up for the backoff below, which left the loop
            // idle whenever the queue drained; with it at 50 ms, 16, 32 and 64 MiB read 1M
            // events from Tansu equally fast, with peak RSS 354, 377 and 439-518 MiB.) The
            // memory saved goes to larger batches; see `FlushPolicy`.
            .set("queued.max.messages.kbytes", "16384")
            // Once that prefetch is full, librdkafka postpones the partitions' next fetch by
            // this long (1,000 ms by default). A consumer slower than its fetches (ours, in a
            // backlog) then drains the full queue and waits out the rest of the second with
            // nothing to do: on 1M events from Tansu the loop waited for messages 4.6 s of a
            // 16.3 s run (61.5k events/s); at 10 ms, 0.07 s of 11.7 s (85.7k events/s); at
            // 50 ms it read 92.5k events/s (by hand, one run each).
            .set("fetch.queue.backoff.ms", FETCH_QUEUE_BACKOFF_MS)
            .set("session.timeout.ms", "10000")
            .set("heartbeat.interval.ms", "1000")
            // The client's own statistics, for consumer lag per partition (see
            // `TablePositions::stats`).
            .set("statistics.interval.ms", STATISTICS_INTERVAL_MS)
            .set("client.id", &self.client_id);
        for (k, v) in &self.client_settings {
            c.set(k, v);
        }
        c
    }

    /// The dead-letter producer's client settings: idempotent, acknowledged by all replicas.
    pub fn producer(&self) -> ClientConfig {
        let mut c = ClientConfig::new();
        c.set("bootstrap.servers", &self.brokers)
            .set("acks", "all")
            .set("linger.ms", "5")
            .set("message.timeout.ms", "30000")
            // A dead letter is at most MAX_MESSAGE_BYTES of payload (see `dead_letters`) plus
            // its headers; librdkafka's default (1,000,000) is below that.
            .set("message.max.bytes", DEAD_LETTER_MAX_BYTES.to_string());
        for (k, v) in &self.client_settings {
            if !is_consumer_only(k) {
                c.set(k, v);
            }
        }
        c
    }
}

/// `stf-ingest-<pid>-<nanos>`: distinct across processes, even in containers where every
/// process is pid 1.
fn unique_client_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("stf-ingest-{}-{nanos:09}", std::process::id())
}

/// Settings of librdkafka's consumer that its producer would warn about (CONFWARN) and ignore.
fn is_consumer_only(key: &str) -> bool {
    const PREFIXES: [&str; 9] = [
        "fetch.",
        "group.",
        "auto.",
        "queued.",
        "enable.auto.",
        "session.timeout",
        "heartbeat.",
        "max.poll.",
        "partition.assignment",
    ];
    PREFIXES.iter().any(|p| key.starts_with(p)) || key == "isolation.level"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumer_settings_stay_off_the_dead_letter_producer() {
        let mut config = KafkaConfig::new("b:9092", "g");
        config.client_settings = vec![
            ("queued.max.messages.kbytes".into(), "8192".into()),
            ("fetch.wait.max.ms".into(), "10".into()),
            ("socket.timeout.ms".into(), "5000".into()),
        ];
        let producer = config.producer();
        assert_eq!(producer.get("queued.max.messages.kbytes"), None);
        assert_eq!(producer.get("fetch.wait.max.ms"), None);
        assert_eq!(producer.get("socket.timeout.ms"), Some("5000"));
        let consumer = config.consumer();
        assert_eq!(consumer.get("queued.max.messages.kbytes"), Some("8192"));
        assert!(consumer
            .get("client.id")
            .is_some_and(|id| id == config.client_id()));
    }

    #[test]
    fn a_full_prefetch_pauses_fetching_briefly_unless_told_otherwise() {
        let mut config = KafkaConfig::new("b:9092", "g");
        assert_eq!(config.consumer().get("fetch.queue.backoff.ms"), Some("50"));
        config.client_settings = vec![("fetch.queue.backoff.ms".into(), "1000".into())];
        assert_eq!(
            config.consumer().get("fetch.queue.backoff.ms"),
            Some("1000")
        );
        assert_eq!(config.producer().get("fetch.queue.backoff.ms"), None);
    }
}
