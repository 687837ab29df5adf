//! The engine's sessions: one shared runtime (object stores, caches, no temporary files) and
//! its session configuration, and a per-query runtime with a memory pool of its own.

use std::num::NonZeroUsize;
use std::sync::Arc;

use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::{GreedyMemoryPool, TrackConsumersPool};
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::coop::YieldEverywhere;
use crate::join_sizes;
use crate::{Error, Limits, Result};

/// The most rows (estimated) a join's build side may have to be built once for all partitions.
const SHARED_BUILD_ROWS: usize = 1_000_000;

/// How many of the largest memory consumers a memory-limit error names.
const TOP_CONSUMERS: usize = 3;

/// The runtime every snapshot of a catalog shares: object stores and file caches, and a
/// memory pool of `limits.memory_bytes` for trusted queries run through
/// [`crate::Snapshot::context`]. No disk manager: nothing spills to temporary files, so a
/// query can exhaust memory (and fail) but never the disk.
pub(crate) fn runtime(limits: &Limits) -> Result<Arc<RuntimeEnv>> {
    RuntimeEnvBuilder::new()
        .with_memory_pool(pool(limits.memory_bytes))
        .with_disk_manager_builder(
            DiskManagerBuilder::default().with_mode(DiskManagerMode::Disabled),
        )
        .build_arc()
        .map_err(Error::engine("creating the runtime"))
}

/// A session for one snapshot's tables.
pub(crate) fn context(limits: &Limits, runtime: Arc<RuntimeEnv>) -> SessionContext {
    let mut config = SessionConfig::new()
        .with_target_partitions(limits.target_partitions.max(1))
        .with_information_schema(true);
    // Plain strings, as our table schemas have them; and DuckDB's reading of an unqualified
    // identifier (case-insensitive) is DataFusion's already.
    config
        .options_mut()
        .execution
        .parquet
        .schema_force_view_types = false;
    config.options_mut().sql_parser.map_string_types_to_utf8view = false;
    // Join sides judged by rows, not by sizes that do not compare (`join_sizes`).
    config.options_mut().optimizer.use_statistics_registry = true;
    // A build side of up to a million rows (the active plans of a large council area) is
    // hashed once and shared by every partition of the probe side, which then needs no
    // repartitioning: measured on 1M plans, the count(DISTINCT) over planned support joined to
    // 608k active plans (query 05) ran 8-14% faster than with DataFusion's 128Ki-row threshold
    // (two interleaved A/Bs). Rows decide alone because `join_sizes` leaves byte sizes out;
    // DataFusion's byte threshold would otherwise apply first.
    config
        .options_mut()
        .optimizer
        .hash_join_single_partition_threshold_rows = SHARED_BUILD_ROWS;
    apply_overrides(&mut config, |name| std::env::var(name).ok());
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_runtime_env(runtime)
        .with_default_features()
        .with_statistics_registry(join_sizes::registry())
        // Last, over the finished plan: a yield point after every operator, so that a timeout
        // stops even a runaway cross join feeding a top-k (see `coop`).
        .with_physical_optimizer_rule(Arc::new(YieldEverywhere))
        .build();
    SessionContext::new_with_state(state)
}

/// The runtime of one untrusted query: `base`'s object stores and caches, and a memory pool of
/// `limits.memory_bytes` of its own, whatever other queries hold.
pub(crate) fn per_query_runtime(base: &SessionContext, limits: &Limits) -> Arc<RuntimeEnv> {
    let mut runtime = base.runtime_env().as_ref().clone();
    runtime.memory_pool = pool(limits.memory_bytes);
    Arc::new(runtime)
}

fn pool(bytes: usize) -> Arc<TrackConsumersPool<GreedyMemoryPool>> {
    Arc::new(TrackConsumersPool::new(
        GreedyMemoryPool::new(bytes),
        NonZeroUsize::new(TOP_CONSUMERS).expect("TOP_CONSUMERS is not zero"),
    ))
}

/// Applies DataFusion settings given in the environment, DataFusion's way
/// (`DATAFUSION_EXECUTION_BATCH_SIZE=16384` sets `datafusion.execution.batch_size`), over
/// ours: for operators tuning the engine to their machine without a new build. A value the
/// setting cannot take is reported and ignored. `lookup` reads a variable. (DataFusion's own
/// `ConfigOptions::from_env` starts from its defaults, dropping ours, and fails on a bad value.)
fn apply_overrides(config: &mut SessionConfig, lookup: impl Fn(&str) -> Option<String>) {
    let keys: Vec<String> = config
        .options()
        .entries()
        .into_iter()
        .map(|entry| entry.key)
        .collect();
    for key in keys {
        let name = key.to_uppercase().replace('.', "_");
        let Some(value) = lookup(&name) else {
            continue;
        };
        match config.options_mut().set(&key, &value) {
            Ok(()) => {
                tracing::info!(setting = %key, %value, "DataFusion setting from the environment.")
            }
            Err(error) => {
                tracing::warn!(variable = %name, %value, error = %error, "Ignoring a DataFusion setting from the environment.")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datafusion_settings_come_from_the_environment_and_bad_values_are_ignored() {
        let environment = |name: &str| match name {
            "DATAFUSION_EXECUTION_BATCH_SIZE" => Some("1234".to_owned()),
            "DATAFUSION_EXECUTION_COALESCE_BATCHES" => Some("perhaps".to_owned()),
            _ => None,
        };
        let mut config = SessionConfig::new();
        let coalesce = config.options().execution.coalesce_batches;
        apply_overrides(&mut config, environment);
        assert_eq!(config.batch_size(), 1234);
        assert_eq!(config.options().execution.coalesce_batches, coalesce);
    }
}
