//! Yield points in every operator of an untrusted query, so that its timeout can stop it.
//!
//! A query's timeout and cancellation only act when the query's task returns to the Tokio
//! scheduler. DataFusion's own `EnsureCooperative` rule puts yield points at scans and
//! exchanges only, which is not enough: a cross join emits thousands of batches for each
//! batch it reads, and a sort with a fetch (a top-k) consumes them in one loop, so a
//! `... CROSS JOIN ... ORDER BY ...` bomb would run for hours inside a single poll, deaf to
//! its timeout and holding its threads. Wrapping every operator's output in
//! `CooperativeExec` spends a unit of the task's budget for each batch any operator yields,
//! so the task returns to the scheduler at least every 128 batches.

use std::sync::Arc;

use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::error::Result;
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::coop::CooperativeExec;
use datafusion::physical_plan::ExecutionPlan;

/// Wraps every operator of a physical plan in `CooperativeExec` (once).
#[derive(Debug, Default)]
pub(crate) struct YieldEverywhere;

impl PhysicalOptimizerRule for YieldEverywhere {
    fn name(&self) -> &str {
        "yield_everywhere"
    }

    fn optimize(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        _config: &ConfigOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        plan.transform_up(|node| {
            if node.is::<CooperativeExec>() {
                return Ok(Transformed::no(node));
            }
            Ok(Transformed::yes(
                Arc::new(CooperativeExec::new(node)) as Arc<dyn ExecutionPlan>
            ))
        })
        .map(|t| t.data)
    }

    /// The wrapper passes batches through unchanged.
    fn schema_check(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use arrow::array::{Int64Array, RecordBatch};
    use arrow::datatypes::{DataType, Field, Schema};
    use datafusion::datasource::MemTable;
    use datafusion::execution::SessionStateBuilder;
    use datafusion::prelude::{SessionConfig, SessionContext};

    use super::*;

    /// A session with a table `t` of `rows` integers in two partitions (as a store's tables
    /// have on two cores), with or without the rule.
    fn session(rows: i64, rule: bool) -> SessionContext {
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, false)]));
        let half = |range: std::ops::Range<i64>| {
            RecordBatch::try_new(
                schema.clone(),
                vec![Arc::new(Int64Array::from_iter_values(range))],
            )
            .expect("a batch")
        };
        let partitions = vec![vec![half(0..rows / 2)], vec![half(rows / 2..rows)]];
        let mut builder = SessionStateBuilder::new()
            .with_config(SessionConfig::new().with_target_partitions(2))
            .with_default_features();
        if rule {
            builder = builder.with_physical_optimizer_rule(Arc::new(YieldEverywhere));
        }
        let ctx = SessionContext::new_with_state(builder.build());
        let table = MemTable::try_new(schema, partitions).expect("a table");
        ctx.register_table("t", Arc::new(table))
            .expect("registered");
        ctx
    }

    /// The bomb runs in a task of a runtime whose every worker its partitions keep busy, as
    /// in the server: the timeout inside the task must still fire.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cross_join_bomb_stops_at_its_timeout() {
        let ctx = session(3000, true);
        let bomb = "SELECT a.x, b.x, c.x FROM t a CROSS JOIN t b CROSS JOIN t c \
                    ORDER BY 1 DESC, 2 DESC, 3 DESC LIMIT 10";
        let started = Instant::now();
        let task = tokio::spawn(async move {
            let run = async { ctx.sql(bomb).await?.collect().await };
            tokio::time::timeout(Duration::from_millis(500), run).await
        });
        let result = tokio::time::timeout(Duration::from_secs(20), task).await;
        let took = started.elapsed();
        let result = result.unwrap_or_else(|_| panic!("the task did not end within {took:?}"));
        let timed_out = result.expect("the task ran").is_err();
        assert!(timed_out, "the bomb finished instead of timing out");
        assert!(
            took < Duration::from_secs(5),
            "the timeout fired only after {took:?}"
        );
    }

    #[tokio::test]
    async fn results_are_unchanged() {
        let sql = "SELECT a.x % 7 AS k, count(*) AS n FROM t a JOIN t b ON a.x = b.x \
                   GROUP BY 1 ORDER BY 1";
        let with = session(1000, true).sql(sql).await.expect("plans");
        let plan = format!(
            "{:?}",
            with.clone().create_physical_plan().await.expect("plans")
        );
        assert!(plan.contains("CooperativeExec"), "{plan}");
        let with = with.collect().await.expect("runs");
        let without = session(1000, false)
            .sql(sql)
            .await
            .expect("plans")
            .collect()
            .await
            .expect("runs");
        assert_eq!(with, without);
    }
}
