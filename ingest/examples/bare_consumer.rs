//! The ceiling for `bench/ingest.sh`: a bare rdkafka consumer with the same client settings as
//! `stf ingest`, reading every message of both topics and dropping it.
//!
//! usage: bare_consumer BROKERS GROUP EXPECTED_MESSAGES [KEY=VALUE ...]
//! (extra librdkafka settings, as `stf ingest -X KEY=VALUE`)

use std::time::Instant;

use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::Message as _;
use stf_ingest::kafka::KafkaConfig;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, brokers, group, expected, settings @ ..] = args.as_slice() else {
        anyhow::bail!("usage: bare_consumer BROKERS GROUP EXPECTED_MESSAGES [KEY=VALUE ...]");
    };
    let expected: u64 = expected.parse()?;
    let mut config = KafkaConfig::new(brokers.as_str(), group.as_str());
    for setting in settings {
        let (key, value) = setting
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("`{setting}` is not KEY=VALUE"))?;
        config
            .client_settings
            .push((key.to_owned(), value.to_owned()));
    }
    let consumer: StreamConsumer = config.consumer().create()?;
    let topics: Vec<&str> = config.topics.iter().map(String::as_str).collect();
    consumer.subscribe(&topics)?;
    let (mut n, mut bytes) = (0u64, 0u64);
    let mut started = None;
    while n < expected {
        let m = consumer.recv().await?;
        started.get_or_insert_with(Instant::now);
        bytes += m.payload().map_or(0, <[u8]>::len) as u64;
        n += 1;
    }
    let secs = started.map_or(0.0, |s| s.elapsed().as_secs_f64());
    println!(
        "messages={n} bytes={bytes} seconds={secs:.3} per_second={:.0}",
        n as f64 / secs
    );
    Ok(())
}
