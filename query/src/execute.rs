//! Running one untrusted query: parse, refuse what is not a read, plan, execute in a session
//! with a memory pool of its own, and collect up to the row and byte caps — all within the
//! timeout. Dropping the result stream at the timeout or at a cap cancels the query's tasks.

use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use datafusion::execution::TaskContext;
use datafusion::logical_expr::{LogicalPlan, LogicalPlanBuilder};
use datafusion::physical_plan::execute_stream;
use datafusion::prelude::SessionContext;
use futures::StreamExt;

use crate::{guard, session, Error, Limits, Result};

/// The result of a query: batches of `schema`, at most the row and byte caps of them.
#[derive(Debug, Clone)]
pub struct QueryOutput {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
    /// Rows in `batches`.
    pub rows: usize,
    /// Whether the result had more rows or bytes than the caps and was cut short.
    pub truncated: bool,
    /// Time from receiving the SQL to holding the last batch.
    pub elapsed: Duration,
}

/// Runs `sql` against `base`'s tables under `limits`.
pub(crate) async fn run(base: &SessionContext, sql: &str, limits: &Limits) -> Result<QueryOutput> {
    let started = Instant::now();
    let output = tokio::time::timeout(limits.timeout, plan_and_collect(base, sql, limits)).await;
    let mut output = match output {
        Ok(result) => result?,
        Err(_elapsed) => {
            tracing::debug!(timeout_s = limits.timeout.as_secs_f64(), "Query timed out.");
            return Err(Error::Timeout {
                timeout: limits.timeout,
            });
        }
    };
    output.elapsed = started.elapsed();
    Ok(output)
}

async fn plan_and_collect(
    base: &SessionContext,
    sql: &str,
    limits: &Limits,
) -> Result<QueryOutput> {
    let failed = |e| Error::from_query(e, limits);
    let state = base.state();
    let dialect = state.config().options().sql_parser.dialect;
    let statement = state.sql_to_statement(sql, &dialect).map_err(failed)?;
    guard::check_statement(&statement)?;
    let mut plan = state.statement_to_plan(statement).await.map_err(failed)?;
    guard::check_plan(&plan)?;
    // One row past the cap tells a result that fits from one that does not, and lets the
    // optimiser stop early (a sort becomes a top-k). EXPLAIN must stay the root of its plan.
    if !matches!(plan, LogicalPlan::Explain(_) | LogicalPlan::Analyze(_)) {
        plan = LogicalPlanBuilder::from(plan)
            .limit(0, Some(limits.max_rows.saturating_add(1)))
            .and_then(LogicalPlanBuilder::build)
            .map_err(failed)?;
    }
    let schema = plan.schema().inner().clone();
    let physical = state.create_physical_plan(&plan).await.map_err(failed)?;
    // The query's operators draw on a memory pool of their own.
    let task = TaskContext::from(&state).with_runtime(session::per_query_runtime(base, limits));
    let mut stream = execute_stream(physical, Arc::new(task)).map_err(failed)?;
    let mut collector = Collector::new(limits);
    while let Some(batch) = stream.next().await {
        if !collector.push(batch.map_err(failed)?) {
            break;
        }
    }
    Ok(collector.finish(schema))
}

/// Collects batches up to the row and byte caps.
struct Collector {
    max_rows: usize,
    max_bytes: usize,
    batches: Vec<RecordBatch>,
    rows: usize,
    bytes: usize,
    truncated: bool,
}

impl Collector {
    fn new(limits: &Limits) -> Self {
        Self {
            max_rows: limits.max_rows,
            max_bytes: limits.max_bytes,
            batches: Vec::new(),
            rows: 0,
            bytes: 0,
            truncated: false,
        }
    }

    /// Takes what fits of `batch`; false once a cap is reached and the rest must be dropped.
    fn push(&mut self, batch: RecordBatch) -> bool {
        let rows = batch.num_rows();
        if rows == 0 {
            return true;
        }
        let bytes = batch.get_array_memory_size();
        let room_rows = self.max_rows - self.rows;
        let room_bytes = self.max_bytes.saturating_sub(self.bytes);
        // Bytes per row of this batch, at least 1, to cut a batch on the byte cap.
        let per_row = (bytes / rows).max(1);
        let take = rows.min(room_rows).min(room_bytes / per_row);
        if take > 0 {
            self.batches.push(batch.slice(0, take));
            self.rows += take;
            self.bytes += take * per_row;
        }
        if take < rows {
            self.truncated = true;
            return false;
        }
        true
    }

    fn finish(self, schema: SchemaRef) -> QueryOutput {
        QueryOutput {
            schema,
            batches: self.batches,
            rows: self.rows,
            truncated: self.truncated,
            elapsed: Duration::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::Int64Array;
    use arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    fn batch(rows: i64) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, false)]));
        RecordBatch::try_new(
            schema,
            vec![Arc::new(Int64Array::from_iter_values(0..rows))],
        )
        .expect("valid batch")
    }

    fn limits(max_rows: usize, max_bytes: usize) -> Limits {
        Limits {
            max_rows,
            max_bytes,
            ..Limits::default()
        }
    }

    #[test]
    fn collects_everything_under_the_caps() {
        let mut c = Collector::new(&limits(100, 1 << 20));
        assert!(c.push(batch(40)));
        assert!(c.push(batch(60)));
        let out = c.finish(batch(0).schema());
        assert_eq!((out.rows, out.truncated), (100, false));
    }

    #[test]
    fn cuts_at_the_row_cap() {
        let mut c = Collector::new(&limits(50, 1 << 20));
        assert!(c.push(batch(40)));
        assert!(!c.push(batch(40)));
        let out = c.finish(batch(0).schema());
        assert_eq!((out.rows, out.truncated), (50, true));
        assert_eq!(out.batches.iter().map(|b| b.num_rows()).sum::<usize>(), 50);
    }

    #[test]
    fn cuts_at_the_byte_cap() {
        let per_row = batch(1000).get_array_memory_size() / 1000;
        let mut c = Collector::new(&limits(1_000_000, per_row * 150));
        assert!(c.push(batch(100)));
        assert!(!c.push(batch(100)));
        let out = c.finish(batch(0).schema());
        assert!(out.truncated);
        assert!(out.rows >= 100 && out.rows < 200, "{} rows", out.rows);
    }
}
