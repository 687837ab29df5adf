//! The ingest service: the front door of `stf`. Events arrive from Kafka (`kafka`) or from
//! NDJSON files (`file_source`); each is judged (`decode`: validated against the contract,
//! personal data redacted), batched (`batch`) and committed exactly once to the event tables
//! of the store (`sink`), with every rejection set aside with its reason (dead letters and
//! `rejected_events`). No input stops it.
//!
//! It does not know what happens to the tables afterwards (that is `transform`), nor HTTP
//! beyond a tiny `/metrics` and `/health` responder (`http`).

pub mod batch;
pub mod columns;
pub mod decode;
mod error;
pub mod file_source;
pub mod http;
pub mod kafka;
pub mod metrics;
pub mod pipeline;
pub mod position;
pub mod sink;

pub use batch::FlushPolicy;
pub use error::Error;
pub use file_source::{ingest_files, FileSourceConfig, FileSummary};
pub use metrics::Metrics;
pub use sink::Sink;
