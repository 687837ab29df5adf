//! The row-level derived tables — `plans`, `outcomes`, `planned_support`, `services` — built
//! from the current events the query engine selects ([`crate::current`]), remembering the
//! categories of each distinct text ([`Cache`]). The rows of plans go to a [`PlanWriters`].

mod cache;
mod plans;
mod services;
mod sink;

use std::collections::HashSet;

use arrow::array::{BooleanArray, RecordBatch};
use arrow::compute::filter_record_batch;
use datafusion::execution::SendableRecordBatchStream;
use futures::TryStreamExt;

pub use cache::Cache;
pub use sink::PlanWriters;

use crate::columns::{column, strings};
use crate::{Error, Result};

/// Row counts, for logs and reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub plans: usize,
    pub outcomes: usize,
    pub planned_support: usize,
    pub services: usize,
}

/// Reads the current plans and gives their `plans`, `outcomes` and `planned_support` rows to
/// `sink`. A plan whose current event was delivered twice appears once.
pub async fn add_plans(
    sink: &mut PlanWriters,
    mut current: SendableRecordBatchStream,
    cache: &mut Cache<'_>,
    publication_id: &str,
) -> Result<()> {
    let mut seen: HashSet<String> = HashSet::new();
    while let Some(batch) = current
        .try_next()
        .await
        .map_err(Error::query("reading current plans"))?
    {
        let batch = first_of_each_plan(&batch, &mut seen)?;
        if batch.num_rows() == 0 {
            continue;
        }
        sink.put(plans::plan_batches(&batch, cache, publication_id)?)
            .await?;
    }
    Ok(())
}

/// Reads the current services and builds their `services` rows.
pub async fn services(
    mut current: SendableRecordBatchStream,
    cache: &mut Cache<'_>,
    publication_id: &str,
) -> Result<Vec<RecordBatch>> {
    let mut rows = Vec::new();
    while let Some(batch) = current
        .try_next()
        .await
        .map_err(Error::query("reading current services"))?
    {
        if batch.num_rows() > 0 {
            rows.push(services::service_batch(&batch, cache, publication_id)?);
        }
    }
    Ok(rows)
}

/// Drops rows whose `plan_id` was seen before (copies of a redelivered current event).
fn first_of_each_plan(batch: &RecordBatch, seen: &mut HashSet<String>) -> Result<RecordBatch> {
    let ids = strings(
        column(batch, "plan_events", "plan_id")?,
        "plan_events",
        "plan_id",
    )?;
    let keep: BooleanArray = ids
        .iter()
        .map(|id| Some(id.is_some_and(|id| seen.insert(id.to_owned()))))
        .collect();
    if keep.true_count() == batch.num_rows() {
        return Ok(batch.clone());
    }
    filter_record_batch(batch, &keep).map_err(Error::arrow("plans"))
}
