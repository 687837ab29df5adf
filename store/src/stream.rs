//! Replacing a table's content from a stream of batches, written as they arrive: a table
//! larger than memory can be published without ever being held whole.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use deltalake::arrow::compute::cast;
use deltalake::arrow::datatypes::SchemaRef;
use deltalake::arrow::record_batch::RecordBatch;
use deltalake::datafusion::catalog::streaming::StreamingTable;
use deltalake::datafusion::datasource::provider_as_source;
use deltalake::datafusion::error::DataFusionError;
use deltalake::datafusion::execution::{SendableRecordBatchStream, TaskContext};
use deltalake::datafusion::logical_expr::LogicalPlanBuilder;
use deltalake::datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use deltalake::datafusion::physical_plan::streaming::PartitionStream;
use deltalake::kernel::transaction::CommitProperties;
use deltalake::protocol::SaveMode;
use deltalake::DeltaTable;
use futures::{Stream, StreamExt};
use stf_schemas::tables::Table;

use crate::commit::Commit;
use crate::store::{lasting, writer_properties};
use crate::{Error, Result, Store};

/// A stream of batches for a table, ending with an error when its producer failed (the
/// write then commits nothing).
pub type BatchStream =
    std::pin::Pin<Box<dyn Stream<Item = std::result::Result<RecordBatch, DataFusionError>> + Send>>;

impl Store {
    /// Replaces `which`'s whole content with the batches of `batches`, in one commit carrying
    /// `metadata`, writing files as batches arrive. Batches are given `which`'s schema.
    /// Nothing is committed if the stream yields an error (or is dropped unfinished).
    pub async fn overwrite_stream(
        &self,
        table: DeltaTable,
        which: Table,
        batches: BatchStream,
        metadata: Vec<(String, serde_json::Value)>,
    ) -> Result<(DeltaTable, Commit)> {
        let schema = which.schema();
        let rows = Arc::new(AtomicUsize::new(0));
        let counted = {
            let rows = Arc::clone(&rows);
            let schema = schema.clone();
            batches.map(move |batch| {
                let batch = to_schema(batch?, &schema)?;
                rows.fetch_add(batch.num_rows(), Ordering::Relaxed);
                Ok(batch)
            })
        };
        let source = OneShot {
            schema: schema.clone(),
            stream: Mutex::new(Some(Box::pin(RecordBatchStreamAdapter::new(
                schema.clone(),
                counted,
            )))),
        };
        let plan = StreamingTable::try_new(schema, vec![Arc::new(source)])
            .and_then(|provider| {
                LogicalPlanBuilder::scan(which.name(), provider_as_source(Arc::new(provider)), None)
            })
            .and_then(LogicalPlanBuilder::build)
            .map_err(|e| Error::delta(which.name(), e.into()))?;
        let props = CommitProperties::default().with_metadata(metadata);
        let table = table
            .write(Vec::new())
            .with_input_plan(plan)
            .with_save_mode(SaveMode::Overwrite)
            .with_partition_columns(which.partition_columns().iter().copied())
            .with_writer_properties(writer_properties(lasting()))
            .with_commit_properties(props)
            .await
            .map_err(|e| Error::delta(which.name(), e))?;
        let version = table.version().unwrap_or(0);
        let rows = rows.load(Ordering::Relaxed);
        Ok((table, Commit { version, rows }))
    }
}

/// `batch` with `schema` exactly: columns by name, cast where a query engine chose another
/// representation (nested fields named as a Parquet file names them, say).
fn to_schema(
    batch: RecordBatch,
    schema: &SchemaRef,
) -> std::result::Result<RecordBatch, DataFusionError> {
    if batch.schema() == *schema {
        return Ok(batch);
    }
    let columns = schema
        .fields()
        .iter()
        .map(|field| {
            let column = batch.column_by_name(field.name()).ok_or_else(|| {
                DataFusionError::Execution(format!("batch has no column {}", field.name()))
            })?;
            if column.data_type() == field.data_type() {
                Ok(column.clone())
            } else {
                Ok(cast(column, field.data_type())?)
            }
        })
        .collect::<std::result::Result<Vec<_>, DataFusionError>>()?;
    Ok(RecordBatch::try_new(schema.clone(), columns)?)
}

/// A partition that yields one stream, once.
struct OneShot {
    schema: SchemaRef,
    stream: Mutex<Option<SendableRecordBatchStream>>,
}

impl fmt::Debug for OneShot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OneShot").finish_non_exhaustive()
    }
}

impl PartitionStream for OneShot {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    fn execute(&self, _ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        let taken = self
            .stream
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        taken.unwrap_or_else(|| {
            let error = DataFusionError::Execution("a one-shot stream was read twice".into());
            Box::pin(RecordBatchStreamAdapter::new(
                self.schema.clone(),
                futures::stream::once(async move { Err(error) }),
            ))
        })
    }
}
