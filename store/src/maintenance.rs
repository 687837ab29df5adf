//! Keeping a long-lived table healthy: compaction of small files (`OPTIMIZE`) and log
//! checkpoints, so that neither readers nor writers drown in small files and log entries.

use std::num::NonZeroU64;

use deltalake::checkpoints::create_checkpoint;
use deltalake::operations::optimize::OptimizeType;
use deltalake::DeltaTable;
use stf_schemas::tables::Table;

use crate::store::{lasting, writer_properties};
use crate::{Error, Result, Store};

/// When to compact.
#[derive(Debug, Clone, Copy)]
pub struct Maintenance {
    /// Compact once a table has at least this many data files smaller than `target_file_bytes`.
    pub min_small_files: usize,
    /// The file size compaction aims for.
    pub target_file_bytes: u64,
}

impl Default for Maintenance {
    fn default() -> Self {
        Self {
            min_small_files: 16,
            target_file_bytes: 128 * 1024 * 1024,
        }
    }
}

/// What a maintenance pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MaintenanceReport {
    pub files_removed: u64,
    pub files_added: u64,
    pub checkpointed: bool,
}

impl Store {
    /// Compacts `table` when it has many small files, then writes a checkpoint of its log.
    /// Compaction commits carry no application transactions, so they never disturb the
    /// exactly-once positions of writers; conflicting with a concurrent append just retries.
    pub async fn maintain(
        &self,
        table: DeltaTable,
        which: Table,
        policy: Maintenance,
    ) -> Result<(DeltaTable, MaintenanceReport)> {
        let small = count_small_files(&table, policy.target_file_bytes);
        let mut report = MaintenanceReport::default();
        let mut table = table;
        if small >= policy.min_small_files {
            let target = NonZeroU64::new(policy.target_file_bytes)
                .unwrap_or(NonZeroU64::new(1).expect("1 is not zero"));
            let (t, metrics) = table
                .optimize()
                .with_type(OptimizeType::Compact)
                .with_target_size(target)
                .with_writer_properties(writer_properties(lasting()))
                .await
                .map_err(|e| Error::delta(which.name(), e))?;
            table = t;
            report.files_removed = metrics.num_files_removed;
            report.files_added = metrics.num_files_added;
            create_checkpoint(&table, None)
                .await
                .map_err(|e| Error::delta(which.name(), e))?;
            report.checkpointed = true;
            tracing::info!(
                table = which.name(),
                files_removed = report.files_removed,
                files_added = report.files_added,
                "Compacted table."
            );
        }
        Ok((table, report))
    }
}

fn count_small_files(table: &DeltaTable, target: u64) -> usize {
    let Ok(snapshot) = table.snapshot() else {
        return 0;
    };
    snapshot
        .log_data()
        .iter()
        .filter(|f| u64::try_from(f.size()).unwrap_or(0) < target / 2)
        .count()
}
