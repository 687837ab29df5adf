//! The current state of every plan and every provider service, selected from the event tables
//! by the rules of events.md, whatever order the events arrived in.
//!
//! **Current plan.** Per `plan_id`, the event with the highest `plan_version`; a tie goes to
//! the later `occurred_at`, then the greater `event_id`. A redelivered event repeats its
//! `event_id` (and its content), so duplicates tie on every key and either copy gives the same
//! plan; the caller keeps one row per `plan_id` (see [`crate::rows`]).
//!
//! **Active.** A plan is active from its first `plan_agreed` (`agreed_at`) until the
//! `occurred_at` of its earliest `plan_closed` (`closed_at`, with that event's
//! `closure_reason`; a tie between two closes at one instant goes to the greater `event_id`).
//! Closure applies whatever the current version is: a close carrying an older `plan_version`
//! than the current event, or a revision dated after the close, still leaves the plan closed.
//! A plan with no `plan_agreed` (its agreement rejected, or not yet arrived) is not active.
//!
//! **Current service.** Per `service_id`, the event with the latest `occurred_at`, a tie going
//! to the greater `event_id`; a `service_withdrawn` service is inactive.

use datafusion::execution::SendableRecordBatchStream;
use datafusion::prelude::SessionContext;

use crate::{session, Error, Result};

/// The current event of every plan, with its life span: the columns of `plans` (less
/// `publication_id`) plus the nested `desired_outcomes` and `planned_support`. Reads the
/// events table named in place of `{events}`.
const CURRENT_PLANS: &str = "
WITH ranked AS (
    SELECT plan_id, event_id,
           row_number() OVER (
               PARTITION BY plan_id
               ORDER BY plan_version DESC, occurred_at DESC, event_id DESC
           ) AS rank
    FROM {events}
),
life AS (
    SELECT plan_id,
           min(occurred_at) FILTER (WHERE event_type = 'plan_agreed') AS agreed_at,
           min(occurred_at) FILTER (WHERE event_type = 'plan_closed') AS closed_at
    FROM {events}
    GROUP BY plan_id
),
closes AS (
    SELECT plan_id, closure_reason,
           row_number() OVER (
               PARTITION BY plan_id ORDER BY occurred_at ASC, event_id DESC
           ) AS rank
    FROM {events}
    WHERE event_type = 'plan_closed'
),
winners AS (
    SELECT r.plan_id, r.event_id, l.agreed_at, l.closed_at, c.closure_reason
    FROM ranked r
    JOIN life l ON l.plan_id = r.plan_id
    LEFT JOIN closes c ON c.plan_id = r.plan_id AND c.rank = 1
    WHERE r.rank = 1
)
SELECT e.plan_id, e.plan_version, e.local_authority, e.locality, e.age_band, e.cohort,
       e.primary_support_reason, e.ethnicity_group, e.annual_budget_gbp,
       e.delivery_mechanism,
       (w.agreed_at IS NOT NULL AND w.closed_at IS NULL) AS active,
       w.agreed_at, w.closed_at, w.closure_reason,
       e.occurred_at AS updated_at,
       e.desired_outcomes, e.planned_support
FROM winners w
JOIN {events} e ON e.plan_id = w.plan_id AND e.event_id = w.event_id
";

/// The current event of every provider service. Reads `service_events`.
const CURRENT_SERVICES: &str = "
WITH ranked AS (
    SELECT *,
           row_number() OVER (
               PARTITION BY service_id ORDER BY occurred_at DESC, event_id DESC
           ) AS rank
    FROM service_events
)
SELECT service_id, organization_id, organization_name, provider_kind, service_name,
       description, categories, local_authorities, capacity_unit, available_per_week,
       cost_amount_gbp, cost_per, accepting_new,
       event_type <> 'service_withdrawn' AS active
FROM ranked
WHERE rank = 1
";

/// The latest `occurred_at` of any plan event: the end of the data's range in time.
const LAST_PLAN_EVENT: &str = "SELECT max(occurred_at) AS last_event FROM plan_events";

/// Streams the current plans from the events registered as `plan_events` (possibly more than
/// one row per plan when its current event was delivered twice).
pub async fn plans(ctx: &SessionContext) -> Result<SendableRecordBatchStream> {
    plans_from(ctx, "plan_events").await
}

/// Streams the current plans from the plan events (or their deciding events: the state)
/// registered as `table`.
pub async fn plans_from(ctx: &SessionContext, table: &str) -> Result<SendableRecordBatchStream> {
    let sql = CURRENT_PLANS.replace("{events}", table);
    session::stream(ctx, &sql, "selecting current plans").await
}

/// Streams the current services, one row per `service_id`.
pub async fn services(ctx: &SessionContext) -> Result<SendableRecordBatchStream> {
    session::stream(ctx, CURRENT_SERVICES, "selecting current services").await
}

/// The latest `occurred_at` of any plan event, in microseconds since the epoch.
pub async fn last_plan_event(ctx: &SessionContext) -> Result<Option<i64>> {
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::TimestampMicrosecondType;

    let step = "finding the last plan event";
    let batches = ctx
        .sql(LAST_PLAN_EVENT)
        .await
        .map_err(Error::query(step))?
        .collect()
        .await
        .map_err(Error::query(step))?;
    let Some(batch) = batches.first() else {
        return Ok(None);
    };
    if batch.num_rows() == 0 {
        return Ok(None);
    }
    let column = batch.column(0);
    let values = column
        .as_primitive_opt::<TimestampMicrosecondType>()
        .ok_or_else(|| Error::Column {
            table: "plan_events",
            column: "occurred_at".into(),
            detail: format!(
                "expected microsecond timestamps, found {}",
                column.data_type()
            ),
        })?;
    Ok((!values.is_null(0)).then(|| values.value(0)))
}

#[cfg(test)]
mod tests;
