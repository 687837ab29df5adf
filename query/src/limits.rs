//! The limits every untrusted query runs under.

use std::time::Duration;

/// What one untrusted query may use. A query that needs more memory or time fails with
/// [`crate::Error::ResourcesExhausted`] or [`crate::Error::Timeout`]; a result with more rows
/// or bytes is cut short and marked `truncated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most memory one query's operators (joins, aggregations, sorts) may hold. Queries
    /// never spill to disk: beyond this they fail. Each query has a pool of its own, so a
    /// runaway query cannot starve the others of memory.
    pub memory_bytes: usize,
    /// How long one query may run, planning and collecting its results included.
    pub timeout: Duration,
    /// The most result rows collected; the rest is dropped and the output marked truncated.
    pub max_rows: usize,
    /// The most result bytes (Arrow in-memory size) collected, likewise.
    pub max_bytes: usize,
    /// Partitions (threads) one query may use.
    pub target_partitions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory_bytes: 1 << 30,
            timeout: Duration::from_secs(30),
            max_rows: 100_000,
            max_bytes: 64 << 20,
            target_partitions: std::thread::available_parallelism().map_or(2, usize::from),
        }
    }
}
