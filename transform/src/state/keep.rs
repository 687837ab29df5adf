//! Computing the state a publication records: the deciding events of every plan and the
//! current event of every service.
//!
//! For plans the deciding events are found from the key columns alone (a narrow sort), then
//! one pass over the events keeps the first copy of each, writing them to the state table as
//! they stream by. Only the current event's outcomes and support items can ever reach a
//! derived table: a first agreement or first close that is not current can never become
//! current again (a greater event exists and stays in the state), so it keeps its keys,
//! dates and closure reason, and its `desired_outcomes` and `planned_support` are written
//! empty.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{
    new_empty_array, Array, ArrayRef, AsArray, BooleanArray, ListArray, RecordBatch,
};
use arrow::buffer::OffsetBuffer;
use arrow::compute::filter_record_batch;
use arrow::datatypes::DataType;
use datafusion::error::DataFusionError;
use datafusion::prelude::SessionContext;
use futures::{StreamExt, TryStreamExt};
use stf_schemas::tables::Table;
use stf_store::{BatchStream, Commit, Store};

use super::column_list;
use crate::columns::{column, strings};
use crate::{session, Error, Result};

/// The events, per plan, that decide its current state — the current event (rank `w`), the
/// first agreement and the first close (rank `first`) — by plan and `event_id`, each marked
/// whether it is the current one. Reads only the key columns of `plan_events`.
const DECIDING_PLAN_EVENTS: &str = "
WITH ranked AS (
    SELECT plan_id, event_id, event_type,
           row_number() OVER (
               PARTITION BY plan_id
               ORDER BY plan_version DESC, occurred_at DESC, event_id DESC
           ) AS stf_w,
           row_number() OVER (
               PARTITION BY plan_id, event_type
               ORDER BY occurred_at ASC, event_id DESC
           ) AS stf_first
    FROM plan_events
)
SELECT plan_id, event_id, bool_or(stf_w = 1) AS stf_current
FROM ranked
WHERE stf_w = 1 OR (stf_first = 1 AND event_type IN ('plan_agreed', 'plan_closed'))
GROUP BY plan_id, event_id
";

/// The deciding events still to be kept, each with whether it is its plan's current event.
/// An `event_id` names one event, but one reused by another plan (which breaks the contract)
/// must not make either plan lose its event, so events are told apart by plan too. Plans are
/// held as a hash of their id: two plans sharing an event id *and* a 64-bit hash do not occur.
#[derive(Debug, Default)]
struct Keep {
    /// By `event_id`: the first plan it decides.
    first: HashMap<String, (u64, bool)>,
    /// Further plans reusing an `event_id` (rare).
    more: HashMap<(String, u64), bool>,
}

impl Keep {
    fn insert(&mut self, plan: &str, id: &str, current: bool) {
        let plan = plan_key(plan);
        match self.first.get(id) {
            Some(&(first, _)) if first != plan => {
                self.more.insert((id.to_owned(), plan), current);
            }
            _ => {
                self.first.insert(id.to_owned(), (plan, current));
            }
        }
    }

    /// Forgets the deciding event `id` of `plan`; whether it is current, when it was still to
    /// be kept.
    fn take(&mut self, plan: &str, id: &str) -> Option<bool> {
        let plan = plan_key(plan);
        if let Some(&(first, current)) = self.first.get(id) {
            if first == plan {
                self.first.remove(id);
                return Some(current);
            }
        }
        if self.more.is_empty() {
            return None;
        }
        self.more.remove(&(id.to_owned(), plan))
    }

    fn len(&self) -> usize {
        self.first.len() + self.more.len()
    }
}

fn plan_key(plan: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    plan.hash(&mut hasher);
    hasher.finish()
}

/// The current event of every service. Reads `service_events`.
const KEEP_SERVICE_EVENTS: &str = "
WITH ranked AS (
    SELECT *,
           row_number() OVER (
               PARTITION BY service_id ORDER BY occurred_at DESC, event_id DESC
           ) AS stf_w
    FROM service_events
)
SELECT {columns} FROM ranked WHERE stf_w = 1
";

/// The columns a deciding event that is not current writes empty.
const CONTENT: [&str; 2] = ["desired_outcomes", "planned_support"];

/// Finds the deciding events of every plan in the `plan_events` registered for this run and
/// replaces the plan state with them, in one commit carrying `metadata`.
pub async fn write_plan_state(
    ctx: &SessionContext,
    store: &Store,
    metadata: Vec<(String, serde_json::Value)>,
) -> Result<Commit> {
    let mut keep = deciding_events(ctx).await?;
    tracing::debug!(events = keep.len(), "Found the deciding plan events.");
    let sql = format!("SELECT {} FROM plan_events", column_list(Table::PlanEvents));
    let events = session::stream(ctx, &sql, "reading plan events for the state").await?;
    let batches: BatchStream = Box::pin(
        events
            .map(move |batch| match batch.map(|b| split(&b, &mut keep)) {
                Ok(Ok(kept)) => kept.into_iter().map(Ok).collect::<Vec<_>>(),
                Ok(Err(error)) => vec![Err(DataFusionError::External(Box::new(error)))],
                Err(error) => vec![Err(error)],
            })
            .flat_map(futures::stream::iter),
    );
    let table = store.load_or_create(Table::PlanState).await?;
    let (_, commit) = store
        .overwrite_stream(table, Table::PlanState, batches, metadata)
        .await?;
    Ok(commit)
}

/// The deciding events, each with whether it is its plan's current event.
async fn deciding_events(ctx: &SessionContext) -> Result<Keep> {
    let step = "finding the deciding plan events";
    let mut stream = session::stream(ctx, DECIDING_PLAN_EVENTS, step).await?;
    let mut keep = Keep::default();
    while let Some(batch) = stream.try_next().await.map_err(Error::query(step))? {
        let plans = strings(
            column(&batch, "plan_events", "plan_id")?,
            "plan_events",
            "plan_id",
        )?;
        let ids = strings(
            column(&batch, "plan_events", "event_id")?,
            "plan_events",
            "event_id",
        )?;
        let current = column(&batch, "plan_events", "stf_current")?;
        let current = current.as_boolean_opt().ok_or_else(|| Error::Column {
            table: "plan_events",
            column: "stf_current".into(),
            detail: format!("expected booleans, found {}", current.data_type()),
        })?;
        for ((plan, id), current) in plans.iter().zip(ids.iter()).zip(current.iter()) {
            if let (Some(plan), Some(id)) = (plan, id) {
                keep.insert(plan, id, current.unwrap_or(false));
            }
        }
    }
    Ok(keep)
}

/// The rows of `batch` to keep — the first copy of each deciding event — as current events
/// (whole) and other deciding events (content emptied). Forgets each event as it is kept.
fn split(batch: &RecordBatch, keep: &mut Keep) -> Result<Vec<RecordBatch>> {
    let plans = strings(
        column(batch, "plan_events", "plan_id")?,
        "plan_events",
        "plan_id",
    )?;
    let ids = strings(
        column(batch, "plan_events", "event_id")?,
        "plan_events",
        "event_id",
    )?;
    let mut current = Vec::with_capacity(batch.num_rows());
    let mut deciding = Vec::with_capacity(batch.num_rows());
    for (plan, id) in plans.iter().zip(ids.iter()) {
        let kept = match (plan, id) {
            (Some(plan), Some(id)) => keep.take(plan, id),
            _ => None,
        };
        current.push(kept == Some(true));
        deciding.push(kept == Some(false));
    }
    let mut out = Vec::with_capacity(2);
    let table = Table::PlanState.name();
    let current = BooleanArray::from(current);
    if current.true_count() > 0 {
        let rows = filter_record_batch(batch, &current).map_err(Error::arrow(table))?;
        out.push(rows);
    }
    let deciding = BooleanArray::from(deciding);
    if deciding.true_count() > 0 {
        let rows = filter_record_batch(batch, &deciding).map_err(Error::arrow(table))?;
        out.push(without_content(&rows)?);
    }
    Ok(out)
}

/// `batch` with every [`CONTENT`] list empty.
fn without_content(batch: &RecordBatch) -> Result<RecordBatch> {
    let schema = batch.schema();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    for name in CONTENT {
        let (index, field) = schema.column_with_name(name).ok_or_else(|| Error::Column {
            table: "plan_events",
            column: name.into(),
            detail: "not present".into(),
        })?;
        let DataType::List(item) = field.data_type() else {
            return Err(Error::Column {
                table: "plan_events",
                column: name.into(),
                detail: format!("expected a list, found {}", field.data_type()),
            });
        };
        let empty = ListArray::try_new(
            item.clone(),
            OffsetBuffer::new_zeroed(batch.num_rows()),
            new_empty_array(item.data_type()),
            None,
        )
        .map_err(Error::arrow("plan_events"))?;
        columns[index] = Arc::new(empty);
    }
    RecordBatch::try_new(schema, columns).map_err(Error::arrow("plan_events"))
}

/// The current event of every service (a small table: held in memory).
pub async fn service_state(ctx: &SessionContext) -> Result<Vec<RecordBatch>> {
    let step = "computing the service state";
    ctx.sql(&KEEP_SERVICE_EVENTS.replace("{columns}", &column_list(Table::ServiceEvents)))
        .await
        .map_err(Error::query(step))?
        .collect()
        .await
        .map_err(Error::query(step))
}

#[cfg(test)]
mod tests {
    use arrow::json::reader::ReaderBuilder;
    use serde_json::json;

    use super::*;

    /// Plan events of plan `p` with these `event_id`s, each with one outcome and one support
    /// item, their `plan_version` their position.
    fn events(ids: &[&str]) -> RecordBatch {
        let plans: Vec<(&str, &str)> = ids.iter().map(|id| ("p", *id)).collect();
        events_of(&plans)
    }

    /// Plan events with these `(plan_id, event_id)`s, as [`events`].
    fn events_of(keys: &[(&str, &str)]) -> RecordBatch {
        let rows: Vec<serde_json::Value> = keys
            .iter()
            .enumerate()
            .map(|(i, (plan, id))| {
                json!({
                    "event_id": id, "event_type": "plan_revised", "occurred_at": 0,
                    "event_date": 0, "event_month": 0, "plan_id": plan, "plan_version": i,
                    "local_authority": "E08000001", "age_band": "25-44",
                    "cohort": "new_entrant", "primary_support_reason": "learning_disability",
                    "annual_budget_gbp": 1.0, "delivery_mechanism": "direct_payment",
                    "desired_outcomes": [{"text": format!("outcome of {id}"), "priority": 1}],
                    "planned_support": [{
                        "description": "PA", "service_type": "personal_assistant",
                        "provider_kind": "personal_assistant", "annual_cost_gbp": 1.0,
                        "arranged": true
                    }],
                    "redactions": 0, "ingested_at": 0
                })
            })
            .collect();
        let mut decoder = ReaderBuilder::new(Table::PlanEvents.schema())
            .build_decoder()
            .expect("the schema is readable");
        decoder.serialize(&rows).expect("rows match the schema");
        decoder.flush().expect("rows decode").expect("rows")
    }

    fn ids(batch: &RecordBatch) -> Vec<String> {
        let ids = column(batch, "t", "event_id").expect("present");
        let ids = strings(ids, "t", "event_id").expect("strings");
        ids.iter()
            .map(|id| id.unwrap_or_default().to_owned())
            .collect()
    }

    fn lengths(batch: &RecordBatch, name: &'static str) -> Vec<i32> {
        let lists = column(batch, "t", name).expect("present").as_list::<i32>();
        (0..lists.len()).map(|i| lists.value_length(i)).collect()
    }

    #[test]
    fn keeps_the_first_copy_of_each_deciding_event_and_empties_all_but_the_current() {
        let mut keep = Keep::default();
        keep.insert("p", "a", true);
        keep.insert("p", "b", false);
        let first = split(&events(&["x", "a", "b", "a"]), &mut keep).expect("splits");
        assert_eq!(first.len(), 2);
        assert_eq!(ids(&first[0]), ["a"], "the current event, once");
        for name in CONTENT {
            assert_eq!(lengths(&first[0], name), [1], "{name} kept whole");
            assert_eq!(lengths(&first[1], name), [0], "{name} emptied");
        }
        assert_eq!(ids(&first[1]), ["b"], "the other deciding event");
        let versions = column(&first[1], "t", "plan_version").expect("present");
        let versions = versions.as_primitive::<arrow::datatypes::Int64Type>();
        assert_eq!(versions.value(0), 2, "keys are kept");
        let again = split(&events(&["b", "a", "y"]), &mut keep).expect("splits");
        assert!(again.is_empty(), "copies in later batches are dropped");
        assert_eq!(keep.len(), 0);
    }

    #[test]
    fn an_event_id_reused_by_another_plan_loses_neither_plans_event() {
        // "e" is p's current event and q's first agreement; "f" is only another copy in q.
        let mut keep = Keep::default();
        keep.insert("p", "e", true);
        keep.insert("q", "e", false);
        let kept = split(
            &events_of(&[("x", "e"), ("q", "e"), ("p", "e"), ("p", "e")]),
            &mut keep,
        )
        .expect("splits");
        let plans = |b: &RecordBatch| {
            let p = strings(column(b, "t", "plan_id").expect("present"), "t", "plan_id")
                .expect("strings");
            p.iter()
                .map(|p| p.unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(kept.len(), 2);
        assert_eq!(plans(&kept[0]), ["p"], "p's current event, once, whole");
        assert_eq!(lengths(&kept[0], "desired_outcomes"), [1]);
        assert_eq!(plans(&kept[1]), ["q"], "q's deciding event, emptied");
        assert_eq!(lengths(&kept[1], "desired_outcomes"), [0]);
        assert_eq!(keep.len(), 0);
    }
}
