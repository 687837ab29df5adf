//! The store: every table of `stf` as a Delta Lake table (Parquet files and a transaction log)
//! in one folder per table under one root. This crate is the one interface between the
//! services: ingest appends to the event tables, transform publishes the derived tables, and
//! the query layer reads pinned versions of them.
//!
//! It knows table names, locations, schemas, partitioning, file format (Parquet: LZ4 as appended, zstd once compacted) and how
//! a commit carries application transactions (`txn` actions) for exactly-once writes. It does
//! not know Kafka, HTTP or what the columns mean.

mod commit;
mod error;
mod maintenance;
mod store;
mod stream;

pub use commit::{AppTxn, Commit};
pub use error::Error;
pub use maintenance::{Maintenance, MaintenanceReport};
pub use store::{Store, DEFAULT_ROOT};
pub use stream::BatchStream;

pub use deltalake::DeltaTable;
pub use stf_schemas::tables::Table;

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
