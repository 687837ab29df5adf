//! The measures of measures.md, computed by SQL over the row-level tables of the same
//! publication (registered in the session as `plans`, `outcomes`, `planned_support`,
//! `services`), each materialised as a table of its own.
//!
//! Definitions, for active plans and for active services accepting new people:
//! - `demand` (local authority × category): `people`, distinct active plans with an outcome in
//!   the category; `budget_gbp`, the sum of their budgets (a plan counts once in each category
//!   it asks for); `planned_spend_gbp`, the cost of arranged items of the category;
//!   `unmet_people`, distinct active plans with an item of the category not arranged. A row
//!   exists wherever any of these is not zero.
//! - `gap`: every row of `demand` beside the supply in the same council and category —
//!   `services`, `providers`, `places_per_week`, `hours_per_week` (free capacity by unit) — and
//!   `people_per_service`, null where there is no service.
//! - `mainstream_share`: of arranged planned spend, the share with `provider_kind` in
//!   (`mainstream`, `community`, `personal_assistant`); null where arranged spend is zero.
//! - `pooling`: (local authority, locality, category) with at least `min_people` active plans
//!   asking for the category; plans without a locality and `unclassified` are left out.
//! - `demand_monthly`: `people` by calendar month (UTC). A plan counts in a month when it was
//!   active at any moment of it: from `agreed_at` until, not including, `closed_at`. Its
//!   categories are those of its current version. Months run from the first `agreed_at` to
//!   the last event of `plan_events`; every (council, category) ever in demand has a row for
//!   every month, zero included.

use std::sync::Arc;

use arrow::array::{Date32Array, Int64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use chrono::{Datelike, NaiveDate};
use datafusion::prelude::SessionContext;
use stf_schemas::tables::Table;

use crate::columns::conform;
use crate::session::register_batches;
use crate::{Error, Result};

/// Settings of the measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeasureConfig {
    /// The fewest active plans asking for one category in one locality for `pooling`.
    pub pooling_min_people: u64,
}

impl Default for MeasureConfig {
    fn default() -> Self {
        Self {
            pooling_min_people: 8,
        }
    }
}

/// The measure tables of one publication, in the order they are computed.
#[derive(Debug, Default)]
pub struct MeasureTables {
    pub tables: Vec<(Table, Vec<RecordBatch>)>,
}

const ACTIVE_CATEGORIES: &str = "
    active_plans AS (
        SELECT plan_id, local_authority, locality, annual_budget_gbp FROM plans WHERE active
    ),
    plan_categories AS (SELECT DISTINCT plan_id, category FROM outcomes)";

fn demand_sql() -> String {
    format!(
        "WITH {ACTIVE_CATEGORIES},
        wants AS (
            SELECT a.local_authority, c.category,
                   count(*) AS people, sum(a.annual_budget_gbp) AS budget_gbp
            FROM plan_categories c JOIN active_plans a ON a.plan_id = c.plan_id
            GROUP BY a.local_authority, c.category
        ),
        support AS (
            SELECT a.local_authority, s.category,
                   sum(CASE WHEN s.arranged THEN s.annual_cost_gbp END) AS planned_spend_gbp,
                   count(DISTINCT CASE WHEN NOT s.arranged THEN s.plan_id END) AS unmet_people
            FROM planned_support s JOIN active_plans a ON a.plan_id = s.plan_id
            GROUP BY a.local_authority, s.category
        )
        SELECT coalesce(w.local_authority, s.local_authority) AS local_authority,
               coalesce(w.category, s.category) AS category,
               coalesce(w.people, 0) AS people,
               CAST(coalesce(w.budget_gbp, 0) AS DECIMAL(24, 2)) AS budget_gbp,
               CAST(coalesce(s.planned_spend_gbp, 0) AS DECIMAL(24, 2)) AS planned_spend_gbp,
               coalesce(s.unmet_people, 0) AS unmet_people
        FROM wants w
        FULL JOIN support s
          ON s.local_authority = w.local_authority AND s.category = w.category"
    )
}

const GAP: &str = "
WITH supply AS (
    SELECT local_authority, category,
           count(DISTINCT service_id) AS services,
           count(DISTINCT organization_id) AS providers,
           sum(CASE WHEN capacity_unit = 'places' THEN coalesce(available_per_week, 0) ELSE 0 END)
               AS places_per_week,
           sum(CASE WHEN capacity_unit = 'hours' THEN coalesce(available_per_week, 0) ELSE 0 END)
               AS hours_per_week
    FROM services
    WHERE active AND accepting_new
    GROUP BY local_authority, category
)
SELECT d.local_authority, d.category, d.people, d.unmet_people, d.budget_gbp,
       coalesce(s.services, 0) AS services,
       coalesce(s.providers, 0) AS providers,
       CAST(coalesce(s.places_per_week, 0) AS DOUBLE) AS places_per_week,
       CAST(coalesce(s.hours_per_week, 0) AS DOUBLE) AS hours_per_week,
       CASE WHEN coalesce(s.services, 0) = 0 THEN NULL
            ELSE CAST(d.people AS DOUBLE) / CAST(s.services AS DOUBLE) END AS people_per_service
FROM demand d
LEFT JOIN supply s ON s.local_authority = d.local_authority AND s.category = d.category";

fn mainstream_sql() -> String {
    format!(
        "WITH {ACTIVE_CATEGORIES},
        spend AS (
            SELECT a.local_authority, s.category,
                   CAST(sum(s.annual_cost_gbp) AS DECIMAL(24, 2)) AS arranged_spend_gbp,
                   CAST(coalesce(sum(CASE
                       WHEN s.provider_kind IN ('mainstream', 'community', 'personal_assistant')
                       THEN s.annual_cost_gbp END), 0) AS DECIMAL(24, 2)) AS mainstream_spend_gbp
            FROM planned_support s JOIN active_plans a ON a.plan_id = s.plan_id
            WHERE s.arranged
            GROUP BY a.local_authority, s.category
        )
        SELECT local_authority, category, arranged_spend_gbp, mainstream_spend_gbp,
               CASE WHEN arranged_spend_gbp = 0 THEN NULL
                    ELSE CAST(mainstream_spend_gbp AS DOUBLE) / CAST(arranged_spend_gbp AS DOUBLE)
               END AS mainstream_share
        FROM spend"
    )
}

fn pooling_sql(min_people: u64) -> String {
    format!(
        "WITH {ACTIVE_CATEGORIES}
        SELECT a.local_authority, a.locality, c.category,
               count(*) AS people,
               CAST(sum(a.annual_budget_gbp) AS DECIMAL(24, 2)) AS budget_gbp
        FROM plan_categories c JOIN active_plans a ON a.plan_id = c.plan_id
        WHERE a.locality IS NOT NULL AND c.category <> 'unclassified'
        GROUP BY a.local_authority, a.locality, c.category
        HAVING count(*) >= {min_people}"
    )
}

/// Month numbers are `year * 12 + month - 1` of a UTC timestamp.
const MONTH_OF: &str =
    "(CAST(date_part('year', {t}) AS BIGINT) * 12 + CAST(date_part('month', {t}) AS BIGINT) - 1)";

fn monthly_sql() -> String {
    let first = MONTH_OF.replace("{t}", "p.agreed_at");
    let last = MONTH_OF.replace("{t}", "(p.closed_at - INTERVAL '1 microsecond')");
    format!(
        "WITH plan_categories AS (SELECT DISTINCT plan_id, category FROM outcomes),
        spans AS (
            SELECT p.local_authority, c.category,
                   {first} AS first_month,
                   CASE WHEN p.closed_at IS NULL THEN NULL ELSE {last} END AS last_month
            FROM plans p JOIN plan_categories c ON c.plan_id = p.plan_id
            WHERE p.agreed_at IS NOT NULL AND (p.closed_at IS NULL OR p.closed_at > p.agreed_at)
        ),
        starts AS (
            SELECT local_authority, category, first_month AS m, count(*) AS n
            FROM spans GROUP BY local_authority, category, first_month
        ),
        ends AS (
            SELECT local_authority, category, last_month + 1 AS m, count(*) AS n
            FROM spans WHERE last_month IS NOT NULL
            GROUP BY local_authority, category, last_month + 1
        ),
        grid AS (
            SELECT k.local_authority, k.category, months.m, months.month
            FROM (SELECT DISTINCT local_authority, category FROM spans) k CROSS JOIN months
        ),
        changes AS (
            SELECT g.local_authority, g.category, g.m, g.month,
                   coalesce(s.n, 0) - coalesce(e.n, 0) AS change
            FROM grid g
            LEFT JOIN starts s
              ON s.local_authority = g.local_authority AND s.category = g.category AND s.m = g.m
            LEFT JOIN ends e
              ON e.local_authority = g.local_authority AND e.category = g.category AND e.m = g.m
        )
        SELECT local_authority, category, month,
               sum(change) OVER (
                   PARTITION BY local_authority, category ORDER BY m
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
               ) AS people
        FROM changes"
    )
}

/// Computes every measure. The row tables must be registered in `ctx`; `months` is the
/// range of `demand_monthly` as month numbers (`year * 12 + month - 1`), if there is one.
pub async fn compute(
    ctx: &SessionContext,
    config: MeasureConfig,
    months: Option<(i64, i64)>,
    partitions: usize,
    publication_id: &str,
) -> Result<MeasureTables> {
    let mut out = MeasureTables::default();
    let demand = run(ctx, &demand_sql(), Table::Demand, publication_id).await?;
    register_batches(ctx, "demand", Table::Demand.schema(), &demand, partitions)?;
    out.tables.push((Table::Demand, demand));
    let gap = run(ctx, GAP, Table::Gap, publication_id).await?;
    out.tables.push((Table::Gap, gap));
    let share = run(
        ctx,
        &mainstream_sql(),
        Table::MainstreamShare,
        publication_id,
    )
    .await?;
    out.tables.push((Table::MainstreamShare, share));
    let pooling = run(
        ctx,
        &pooling_sql(config.pooling_min_people),
        Table::Pooling,
        publication_id,
    )
    .await?;
    out.tables.push((Table::Pooling, pooling));
    register_months(ctx, months)?;
    let monthly = run(ctx, &monthly_sql(), Table::DemandMonthly, publication_id).await?;
    out.tables.push((Table::DemandMonthly, monthly));
    Ok(out)
}

async fn run(
    ctx: &SessionContext,
    sql: &str,
    table: Table,
    publication_id: &str,
) -> Result<Vec<RecordBatch>> {
    let step = "computing a measure";
    let batches = ctx
        .sql(sql)
        .await
        .map_err(Error::query(step))?
        .collect()
        .await
        .map_err(Error::query(step))?;
    let conformed = batches
        .iter()
        .filter(|b| b.num_rows() > 0)
        .map(|b| conform(b, table, publication_id))
        .collect::<Result<Vec<_>>>()?;
    tracing::debug!(
        table = table.name(),
        rows = conformed.iter().map(RecordBatch::num_rows).sum::<usize>(),
        "Computed measure."
    );
    Ok(conformed)
}

/// The month number (`year * 12 + month - 1`) of a UTC timestamp in microseconds.
pub fn month_number(micros: i64) -> Option<i64> {
    let at = chrono::DateTime::from_timestamp_micros(micros)?;
    Some(i64::from(at.year()) * 12 + i64::from(at.month0()))
}

/// Registers `months(m BIGINT, month DATE)`: every month of the range, first day of each.
fn register_months(ctx: &SessionContext, range: Option<(i64, i64)>) -> Result<()> {
    let (numbers, days): (Vec<i64>, Vec<i32>) = match range {
        Some((first, last)) => (first..=last)
            .filter_map(|m| first_day(m).map(|d| (m, d)))
            .unzip(),
        None => (Vec::new(), Vec::new()),
    };
    let schema = Arc::new(Schema::new(vec![
        Field::new("m", DataType::Int64, false),
        Field::new("month", DataType::Date32, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from(numbers)),
            Arc::new(Date32Array::from(days)),
        ],
    )
    .map_err(Error::arrow("demand_monthly"))?;
    register_batches(ctx, "months", schema, &[batch], 1)
}

/// The first day of month number `m`, as days since the Unix epoch.
fn first_day(m: i64) -> Option<i32> {
    let year = i32::try_from(m.div_euclid(12)).ok()?;
    let month = u32::try_from(m.rem_euclid(12)).ok()? + 1;
    let date = NaiveDate::from_ymd_opt(year, month, 1)?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    i32::try_from((date - epoch).num_days()).ok()
}
