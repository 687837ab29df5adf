//! The Kafka source: a consumer group over `support-plans` and `provider-services`, exactly
//! once into the tables.
//!
//! Positions live in the tables, not in Kafka: on every partition assignment the consumer is
//! assigned at the position after the last offset the tables hold (`rebalance`), and offsets
//! are committed to Kafka only at those positions and after the Delta commits, for lag
//! monitoring: never ahead of the tables. A commit lost to
//! another instance (a rebalance race) drops the batch and re-reads from the tables'
//! positions.

mod committer;
mod config;
mod dead_letters;
mod group;
mod group_watch;
mod rebalance;
mod resume;
mod source;

pub use config::KafkaConfig;

/// A topic and one of its partitions.
pub type Partition = (String, i32);
pub use source::run;
