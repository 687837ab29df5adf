//! The query core: a [`Catalog`] of every table of the store registered in DataFusion, pinned
//! to the versions of one transform publication, and a safe engine for untrusted SQL over it
//! ([`Snapshot::query`]: read-only by construction, memory-limited, timed out, capped).
//!
//! A [`Snapshot`] is one publication: every table at the versions that publication wrote or
//! read, so a reader never mixes two. [`Catalog::refresh`] moves to a newer publication
//! without a restart; [`Catalog::as_of`] travels back to an older one, so that a published
//! figure can be reproduced. [`write`] renders results as a table, CSV, JSON, Parquet or
//! Arrow IPC.
//!
//! This crate's core knows nothing of HTTP, tokens or disclosure control: the server and the
//! published aggregates build on it.

mod catalog;
mod coop;
pub mod disclosure;
mod error;
mod execute;
mod format;
mod guard;
pub mod http;
mod join_sizes;
mod limits;
mod pin;
mod publication;
pub mod published;
mod session;
mod snapshot;

pub use catalog::Catalog;
pub use error::{Error, Result};
pub use execute::QueryOutput;
pub use format::{write, write_batches, Format};
pub use limits::Limits;
pub use publication::Published;
pub use snapshot::Snapshot;
pub use stf_transform::Manifest;
