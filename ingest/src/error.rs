//! The ingest library's one error type. Bad messages are not errors: they are rejections,
//! set aside with their reason while the rest flows on.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] stf_store::Error),
    #[error("cannot build a batch for {table}: {source}")]
    Arrow {
        table: &'static str,
        #[source]
        source: arrow::error::ArrowError,
    },
    #[error("cannot read input {path}: {source}")]
    Input {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write dead letters to {path}: {source}")]
    DeadLetterFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("kafka: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error("dead-letter topic {topic}: delivery failed: {source}")]
    DeadLetterDelivery {
        topic: String,
        #[source]
        source: rdkafka::error::KafkaError,
    },
    #[error("cannot serve metrics on {addr}: {source}")]
    Metrics {
        addr: String,
        #[source]
        source: std::io::Error,
    },
}
