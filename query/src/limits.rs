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
    /// Partitions one query's plan is split into: streams of work that the runtime's threads
    /// take turns on. Default: twice the machine's cores, up to 16.
    pub target_partitions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory_bytes: 1 << 30,
            timeout: Duration::from_secs(30),
            max_rows: 100_000,
            max_bytes: 64 << 20,
            target_partitions: default_partitions(),
        }
    }
}

/// Twice the machine's cores, up to 16 (never fewer than the cores). Measured on 2 cores over
/// 1M plans (`bench/query.sh` queries, `DATAFUSION_EXECUTION_TARGET_PARTITIONS` set either
/// way): the queries that hash millions of rows ran about 10% faster with 4 partitions than
/// with 2 (07, a DISTINCT over 4.3M outcomes: 0.72 to 0.65 s, interleaved, best of 15 each;
/// 04: 269-279 to 231-250 ms over two bench runs each), as each partition's hash table is
/// half the size and one partition computes while another waits on its input. 8 and 16
/// were no better than 4 in single runs, and the small queries did not change. The cap
/// keeps a large machine from splitting a query, and its share of a memory pool that never
/// spills, into very many pieces for a gain measured only on a small one.
fn default_partitions() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    (2 * cores).min(cores.max(16))
}
