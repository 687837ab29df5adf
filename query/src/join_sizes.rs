//! Which side of a join is built, judged by rows.
//!
//! DataFusion builds a hash join on the side it estimates smaller, comparing byte sizes when
//! both sides have one. Ours do not compare: a Delta scan reports the compressed size of its
//! Parquet files, an in-memory table (`snapshot`: `plans` and the measures) the size of its
//! Arrow arrays, several times larger for the same rows. `plans` (1M rows) then looked bigger
//! than `planned_support` (3.5M rows), and the join built its hash table on the 3.5M.
//!
//! This statistics provider gives every operator DataFusion's own estimate without its byte
//! size, so that join selection (the only optimizer rule that reads the registry) compares
//! rows, which every scan reports the same way, and decides whether to build one shared hash
//! table by `hash_join_single_partition_threshold_rows` alone.

use std::sync::Arc;

use datafusion::common::stats::Precision;
use datafusion::error::Result;
use datafusion::physical_plan::operator_statistics::{
    ExtendedStatistics, StatisticsProvider, StatisticsRegistry, StatisticsResult,
};
use datafusion::physical_plan::statistics::{StatisticsArgs, StatisticsContext};
use datafusion::physical_plan::ExecutionPlan;

/// A registry of [`RowsNotBytes`] alone.
pub(crate) fn registry() -> StatisticsRegistry {
    StatisticsRegistry::with_providers(vec![Arc::new(RowsNotBytes)])
}

/// Every operator's statistics as DataFusion computes them (so columns keep their own
/// statistics, mapped by each operator), less the byte size.
#[derive(Debug)]
struct RowsNotBytes;

impl StatisticsProvider for RowsNotBytes {
    fn compute_statistics(
        &self,
        plan: &dyn ExecutionPlan,
        _child_stats: &[ExtendedStatistics],
    ) -> Result<StatisticsResult> {
        let mut stats = StatisticsContext::new()
            .compute(plan, &StatisticsArgs::new())?
            .as_ref()
            .clone();
        stats.total_byte_size = Precision::Absent;
        Ok(StatisticsResult::Computed(ExtendedStatistics::new(stats)))
    }
}

#[cfg(test)]
mod tests {
    use arrow::record_batch::RecordBatch;
    use arrow::util::pretty::pretty_format_batches;
    use datafusion::prelude::SessionContext;
    use stf_schemas::tables::Table;
    use stf_store::Store;

    use crate::session::{context, runtime};
    use crate::snapshot::delta_provider;
    use crate::Limits;

    async fn run(ctx: &SessionContext, sql: &str) -> Vec<RecordBatch> {
        ctx.sql(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .collect()
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Whether the first scan under the first hash join of `sql`'s plan (the side its hash
    /// table is built on) is the in-memory table.
    async fn builds_on_memory(ctx: &SessionContext, sql: &str) -> bool {
        let explained = run(ctx, &format!("EXPLAIN {sql}")).await;
        let text = pretty_format_batches(&explained)
            .expect("formats")
            .to_string();
        let (_, below) = text.split_once("HashJoinExec").expect("a hash join");
        let scan = below
            .lines()
            .find(|l| l.contains("DataSourceExec"))
            .expect("a scan under the join");
        scan.contains("partition_sizes")
    }

    #[tokio::test]
    async fn a_join_builds_on_the_side_with_fewer_rows_whatever_its_bytes() {
        let limits = Limits::default();
        let ctx = context(&limits, runtime(&limits).expect("a runtime"));

        // A Delta table of 20,000 rows whose files are a few KiB (one repeated value) ...
        let rows = run(
            &ctx,
            "SELECT 'E08000025' AS local_authority, \
                    'c' || CAST(value % 10 AS VARCHAR) AS category, \
                    CAST(1 AS BIGINT) AS people, \
                    CAST(0 AS DECIMAL(24, 2)) AS budget_gbp, \
                    CAST(0 AS DECIMAL(24, 2)) AS planned_spend_gbp, \
                    CAST(0 AS BIGINT) AS unmet_people, 'p' AS publication_id \
             FROM generate_series(1, 20000)",
        )
        .await;
        let batches: Vec<RecordBatch> = rows
            .iter()
            .map(|b| RecordBatch::try_new(Table::Demand.schema(), b.columns().to_vec()))
            .collect::<Result<_, _>>()
            .expect("the demand schema");
        let dir = tempfile::tempdir().expect("a directory");
        let store = Store::open(dir.path()).expect("a store");
        let table = store.load_or_create(Table::Demand).await.expect("a table");
        let (delta, _) = store
            .append(table, Table::Demand, batches, &[])
            .await
            .expect("appends");
        let provider = delta_provider(&ctx, "demand", &delta)
            .await
            .expect("a provider");
        ctx.register_table("many", provider).expect("registers");

        // ... and 200 rows in memory holding 2 MB of Arrow arrays.
        run(
            &ctx,
            "CREATE TABLE few AS SELECT 'c' || CAST(value % 10 AS VARCHAR) AS category, \
             repeat('x', 10000) AS pad FROM generate_series(1, 200)",
        )
        .await;
        let sql = "SELECT max(f.pad), count(*) FROM many m JOIN few f ON m.category = f.category";
        assert!(builds_on_memory(&ctx, sql).await, "200 rows against 20,000");
        // Under filters on both sides, every column of the Delta side selected, likewise; and
        // the query runs.
        let filters = "FROM many m JOIN few f ON m.category = f.category \
                       WHERE m.people > 0 AND m.category <> 'c3' AND f.pad <> ''";
        assert!(builds_on_memory(&ctx, &format!("SELECT * {filters}")).await);
        let out = run(&ctx, &format!("SELECT m.*, length(f.pad) {filters}")).await;
        let rows: usize = out.iter().map(RecordBatch::num_rows).sum();
        assert_eq!(
            rows,
            18_000 * 20,
            "9 categories of 2,000 rows, each matching 20"
        );

        // Judged by bytes, as DataFusion does without the provider, it builds on the 20,000.
        run(
            &ctx,
            "SET datafusion.optimizer.use_statistics_registry = false",
        )
        .await;
        assert!(!builds_on_memory(&ctx, sql).await);
    }
}
