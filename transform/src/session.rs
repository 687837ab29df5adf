//! The query engine: a DataFusion session with a memory limit (operators that can spill do so
//! beyond it), and registering tables in it — Delta tables at a pinned version, or batches
//! held in memory.

use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use datafusion::datasource::MemTable;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::prelude::{SessionConfig, SessionContext};
use stf_store::DeltaTable;

use crate::{Error, Result};

/// A session whose operators may hold at most `memory_limit_bytes` between them.
pub fn context(memory_limit_bytes: usize, partitions: usize) -> Result<SessionContext> {
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_limit(memory_limit_bytes, 1.0)
        .build_arc()
        .map_err(Error::query("creating the session"))?;
    let mut config = SessionConfig::new()
        .with_target_partitions(partitions.max(1))
        .with_information_schema(false);
    // Plain strings, as our table schemas have them.
    config
        .options_mut()
        .execution
        .parquet
        .schema_force_view_types = false;
    config.options_mut().sql_parser.map_string_types_to_utf8view = false;
    Ok(SessionContext::new_with_config_rt(config, runtime))
}

/// Registers a Delta table (at the version `table` is loaded at) under `name`.
pub async fn register_delta(
    ctx: &SessionContext,
    name: &'static str,
    table: &DeltaTable,
) -> Result<()> {
    let register = |source| Error::Register {
        table: name,
        source: Box::new(source),
    };
    table
        .update_datafusion_session(&ctx.state())
        .map_err(register)?;
    // Given the session, the scan follows its settings: plain strings, not string views (the
    // view coalescer after a hash repartition grows a buffer per input batch, and event
    // tables hold many small files).
    let provider = table
        .table_provider()
        .with_session(Arc::new(ctx.state()))
        .await
        .map_err(Error::query("opening a Delta table"))?;
    ctx.register_table(name, provider)
        .map_err(Error::query("registering a table"))?;
    Ok(())
}

/// Registers batches held in memory under `name`, spread over `partitions` partitions so that
/// queries over them use every core.
pub fn register_batches(
    ctx: &SessionContext,
    name: &'static str,
    schema: SchemaRef,
    batches: &[RecordBatch],
    partitions: usize,
) -> Result<()> {
    let partitions = partitions.max(1);
    let mut parts: Vec<Vec<RecordBatch>> = vec![Vec::new(); partitions];
    for (i, batch) in batches.iter().enumerate() {
        parts[i % partitions].push(batch.clone());
    }
    let table = MemTable::try_new(schema, parts).map_err(Error::query("registering batches"))?;
    ctx.deregister_table(name)
        .map_err(Error::query("registering batches"))?;
    ctx.register_table(name, Arc::new(table))
        .map_err(Error::query("registering batches"))?;
    Ok(())
}

/// Runs `sql` and streams its rows; errors name `step`.
pub async fn stream(
    ctx: &SessionContext,
    sql: &str,
    step: &'static str,
) -> Result<SendableRecordBatchStream> {
    ctx.sql(sql)
        .await
        .map_err(Error::query(step))?
        .execute_stream()
        .await
        .map_err(Error::query(step))
}
