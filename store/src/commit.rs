//! Appending to a table in one atomic Delta commit that also records application
//! transactions (`txn` actions): the exactly-once protocol's building block.

use deltalake::arrow::array::{Array, AsArray};
use deltalake::arrow::compute::{max, min};
use deltalake::arrow::datatypes::Date32Type;
use deltalake::arrow::record_batch::RecordBatch;
use deltalake::kernel::scalars::ScalarExt;
use deltalake::kernel::transaction::{CommitBuilder, CommitProperties};
use deltalake::kernel::Transaction;
use deltalake::protocol::DeltaOperation;
use deltalake::protocol::SaveMode;
use deltalake::writer::{DeltaWriter, RecordBatchWriter, WriteMode};
use deltalake::DeltaTable;
use indexmap::IndexMap;
use stf_schemas::tables::Table;

use crate::store::{writer_properties, APPEND};
use crate::{Error, Result, Store};

/// An application transaction: "this application has written everything up to `version`".
/// Ingest uses one per source partition (`<group>-<topic>-<partition>`, last offset included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppTxn {
    pub app_id: String,
    pub version: i64,
}

/// What one commit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commit {
    /// The table version the commit created.
    pub version: u64,
    pub rows: usize,
}

impl Store {
    /// Appends `batches` and records `txns`, all in one Delta commit: a reader sees all of it
    /// or none of it. Fails with a concurrent-transaction error when another writer committed
    /// one of the same application ids after `table`'s snapshot was read.
    pub async fn append(
        &self,
        mut table: DeltaTable,
        which: Table,
        batches: Vec<RecordBatch>,
        txns: &[AppTxn],
    ) -> Result<(DeltaTable, Commit)> {
        let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
        let props = CommitProperties::default().with_application_transactions(
            txns.iter()
                .map(|t| Transaction::new(t.app_id.clone(), t.version))
                .collect(),
        );
        if rows == 0 {
            return self.commit_positions_only(table, which, props, txns).await;
        }
        // The writer, not DataFusion's `write` operation: that repartitions every batch
        // through a plan before splitting it by partition value, and the two copies took about
        // 10% of the Kafka ingest's CPU in a profile. The writer splits once, or not at all
        // for a batch of one partition; `rows_land_in_the_partition_of_their_date` checks the
        // partition folders, values and statistics it writes.
        let mut writer = RecordBatchWriter::for_table(&table)
            .map_err(|e| Error::delta(which.name(), e))?
            .with_writer_properties(writer_properties(APPEND))
            .with_commit_properties(props);
        for batch in batches {
            let written = match single_partition(&batch, which.partition_columns()) {
                // A batch of one partition (the ingest builds them so) goes to that
                // partition's file as it is; any other is split by value, a copy of its rows.
                Some(values) => writer
                    .write_partition(batch, &values, WriteMode::Default)
                    .await
                    .map(drop),
                None => writer.write(batch).await,
            };
            written.map_err(|e| Error::delta(which.name(), e))?;
        }
        let version = writer
            .flush_and_commit(&mut table)
            .await
            .map_err(|e| classify(which, txns, e))?;
        Ok((table, Commit { version, rows }))
    }

    /// A commit with no data, only application transactions: moves a table's positions on
    /// when a batch had nothing for it, so that a restart does not re-read what it skipped.
    async fn commit_positions_only(
        &self,
        mut table: DeltaTable,
        which: Table,
        props: CommitProperties,
        txns: &[AppTxn],
    ) -> Result<(DeltaTable, Commit)> {
        let snapshot = table
            .snapshot()
            .map_err(|e| Error::delta(which.name(), e))?
            .clone();
        let operation = DeltaOperation::Write {
            mode: SaveMode::Append,
            partition_by: None,
            predicate: None,
        };
        let finalized = CommitBuilder::from(props)
            .build(Some(&snapshot), table.log_store(), operation)
            .await
            .map_err(|e| classify(which, txns, e))?;
        let version = finalized.version();
        table
            .update_incremental(None)
            .await
            .map_err(|e| Error::delta(which.name(), e))?;
        Ok((table, Commit { version, rows: 0 }))
    }

    /// The last version recorded for an application id in `table`'s snapshot.
    pub async fn txn_version(
        &self,
        table: &DeltaTable,
        which: Table,
        app_id: &str,
    ) -> Result<Option<i64>> {
        let snapshot = table
            .snapshot()
            .map_err(|e| Error::delta(which.name(), e))?;
        snapshot
            .transaction_version(table.log_store().as_ref(), app_id)
            .await
            .map_err(|e| Error::delta(which.name(), e))
    }
}

/// The partition values of `batch` when every row has the same ones: for a table partitioned
/// by one date column (as the event tables are), the batch's only date. `None` for a batch of
/// several partitions, or of a kind of partitioning this does not recognise.
fn single_partition<S: ScalarExt>(
    batch: &RecordBatch,
    columns: &[&str],
) -> Option<IndexMap<String, S>> {
    let [name] = columns else {
        return None;
    };
    let column = batch.column_by_name(name)?;
    let dates = column.as_primitive_opt::<Date32Type>()?;
    if dates.is_empty() || dates.null_count() > 0 || min(dates) != max(dates) {
        return None;
    }
    let value = S::from_array(column.as_ref(), 0)?;
    Some(IndexMap::from([((*name).to_owned(), value)]))
}

fn classify(which: Table, txns: &[AppTxn], e: deltalake::DeltaTableError) -> Error {
    let err = Error::delta(which.name(), e);
    if err.is_concurrent_transaction() {
        Error::ConcurrentTransaction {
            table: which.name(),
            app_id: txns
                .iter()
                .map(|t| t.app_id.as_str())
                .collect::<Vec<_>>()
                .join(","),
        }
    } else {
        err
    }
}
