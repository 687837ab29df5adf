//! Accepted and rejected messages as rows of the event tables, and rows as Arrow batches.
//!
//! Rows are plain serde structs whose field names are the table's columns; arrow-json turns
//! them, a chunk at a time, into `RecordBatch`es of the table's exact schema
//! (`stf_schemas::tables`).

use arrow::json::reader::ReaderBuilder;
use arrow::record_batch::RecordBatch;
use chrono::{DateTime, Utc};
use serde::Serialize;
use stf_schemas::event::{ProviderServiceEvent, SupportPlanEvent};
use stf_schemas::tables::Table;
use stf_schemas::validate::Rejection;

use crate::position::Origin;
use crate::Error;

/// Where a row came from: Kafka coordinates or a file and line.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SourceColumns {
    pub source_topic: Option<String>,
    pub source_partition: Option<i32>,
    pub source_offset: Option<i64>,
    pub source_file: Option<String>,
    pub source_line: Option<i64>,
}

impl SourceColumns {
    pub fn of(origin: &Origin) -> Self {
        match origin {
            Origin::Kafka {
                topic,
                partition,
                offset,
            } => Self {
                source_topic: Some(topic.clone()),
                source_partition: Some(*partition),
                source_offset: Some(*offset),
                ..Self::default()
            },
            Origin::File { path, line } => Self {
                source_file: Some(path.clone()),
                source_line: Some(*line),
                ..Self::default()
            },
        }
    }
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn days(t: DateTime<Utc>) -> i32 {
    const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;
    t.date_naive().num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
}

/// The first day of `t`'s month, in days since the Unix epoch.
fn month_start(t: DateTime<Utc>) -> i32 {
    let first = t
        .date_naive()
        .with_day(1)
        .expect("every month has a first day");
    days(first.and_time(chrono::NaiveTime::MIN).and_utc())
}

use chrono::Datelike;

#[derive(Debug, Serialize)]
struct OutcomeRow {
    text: String,
    priority: Option<u8>,
}

#[derive(Debug, Serialize)]
struct SupportRow {
    description: String,
    service_type: &'static str,
    provider_kind: &'static str,
    hours_per_week: Option<f64>,
    annual_cost_gbp: f64,
    arranged: bool,
}

/// One row of `plan_events`.
#[derive(Debug, Serialize)]
pub struct PlanEventRow {
    event_id: String,
    event_type: &'static str,
    occurred_at: i64,
    event_date: i32,
    event_month: i32,
    plan_id: String,
    plan_version: i64,
    local_authority: String,
    locality: Option<String>,
    age_band: &'static str,
    cohort: &'static str,
    primary_support_reason: &'static str,
    ethnicity_group: Option<&'static str>,
    annual_budget_gbp: f64,
    delivery_mechanism: &'static str,
    desired_outcomes: Vec<OutcomeRow>,
    planned_support: Vec<SupportRow>,
    closure_reason: Option<&'static str>,
    redactions: u32,
    #[serde(flatten)]
    source: SourceColumns,
    ingested_at: i64,
}

impl PlanEventRow {
    pub fn new(
        e: SupportPlanEvent,
        redactions: u32,
        source: SourceColumns,
        now: DateTime<Utc>,
    ) -> Self {
        let desired_outcomes = e
            .desired_outcomes
            .into_iter()
            .map(|o| OutcomeRow {
                text: o.text,
                priority: o.priority,
            })
            .collect();
        let planned_support = e
            .planned_support
            .into_iter()
            .map(|s| SupportRow {
                description: s.description,
                service_type: s.service_type.as_str(),
                provider_kind: s.provider_kind.as_str(),
                hours_per_week: s.hours_per_week,
                annual_cost_gbp: s.annual_cost_gbp,
                arranged: s.arranged,
            })
            .collect();
        Self {
            event_type: e.event_type.as_str(),
            occurred_at: micros(e.occurred_at),
            event_date: days(e.occurred_at),
            event_month: month_start(e.occurred_at),
            plan_version: i64::from(e.plan_version),
            age_band: e.person.age_band.as_str(),
            cohort: e.person.cohort.as_str(),
            primary_support_reason: e.person.primary_support_reason.as_str(),
            ethnicity_group: e.person.ethnicity_group.map(|g| g.as_str()),
            annual_budget_gbp: e.budget.annual_gbp,
            delivery_mechanism: e.budget.delivery_mechanism.as_str(),
            closure_reason: e.closure_reason.map(|c| c.as_str()),
            event_id: e.event_id,
            plan_id: e.plan_id,
            local_authority: e.local_authority,
            locality: e.locality,
            desired_outcomes,
            planned_support,
            redactions,
            source,
            ingested_at: micros(now),
        }
    }
}

/// One row of `service_events`.
#[derive(Debug, Serialize)]
pub struct ServiceEventRow {
    event_id: String,
    event_type: &'static str,
    occurred_at: i64,
    event_date: i32,
    event_month: i32,
    service_id: String,
    organization_id: String,
    organization_name: String,
    provider_kind: &'static str,
    service_name: String,
    description: String,
    categories: Option<Vec<&'static str>>,
    service_types: Vec<&'static str>,
    local_authorities: Vec<String>,
    localities: Option<Vec<String>>,
    capacity_unit: Option<&'static str>,
    available_per_week: Option<f64>,
    cost_amount_gbp: Option<f64>,
    cost_per: Option<&'static str>,
    accepting_new: bool,
    redactions: u32,
    #[serde(flatten)]
    source: SourceColumns,
    ingested_at: i64,
}

impl ServiceEventRow {
    pub fn new(
        e: ProviderServiceEvent,
        redactions: u32,
        source: SourceColumns,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            event_type: e.event_type.as_str(),
            occurred_at: micros(e.occurred_at),
            event_date: days(e.occurred_at),
            event_month: month_start(e.occurred_at),
            provider_kind: e.provider_kind.as_str(),
            categories: e
                .categories
                .map(|cs| cs.iter().map(|c| c.as_str()).collect()),
            service_types: e.service_types.iter().map(|s| s.as_str()).collect(),
            capacity_unit: e.capacity.as_ref().and_then(|c| c.unit).map(|u| u.as_str()),
            available_per_week: e.capacity.as_ref().and_then(|c| c.available_per_week),
            cost_amount_gbp: e.cost.as_ref().and_then(|c| c.amount_gbp),
            cost_per: e.cost.as_ref().and_then(|c| c.per).map(|p| p.as_str()),
            event_id: e.event_id,
            service_id: e.service_id,
            organization_id: e.organization_id,
            organization_name: e.organization_name,
            service_name: e.service_name,
            description: e.description,
            local_authorities: e.local_authorities,
            localities: e.localities,
            accepting_new: e.accepting_new,
            redactions,
            source,
            ingested_at: micros(now),
        }
    }
}

/// One row of `rejected_events`: coordinates, readable event id and the reason; never the
/// message.
#[derive(Debug, Serialize)]
pub struct RejectedRow {
    #[serde(flatten)]
    source: SourceColumns,
    event_id: Option<String>,
    reason: &'static str,
    detail: String,
    rejected_at: i64,
    rejected_date: i32,
}

impl RejectedRow {
    pub fn new(r: &Rejection, source: SourceColumns, now: DateTime<Utc>) -> Self {
        Self {
            source,
            event_id: r.event_id.clone(),
            reason: r.reason.code(),
            detail: r.detail.clone(),
            rejected_at: micros(now),
            rejected_date: days(now),
        }
    }
}

/// Rows per Arrow batch handed to the writer: the JSON tape arrow-json builds on the way is
/// bounded by this many rows, not by the whole commit.
const ROWS_PER_BATCH: usize = 8192;

/// Turns rows into batches of `table`'s schema, in their order, freeing each chunk of rows
/// once it is converted. Returns the number of rows and the batches.
pub fn to_batches<R: Serialize>(
    table: Table,
    mut rows: Vec<R>,
) -> Result<(usize, Vec<RecordBatch>), Error> {
    let arrow = |source| Error::Arrow {
        table: table.name(),
        source,
    };
    let total = rows.len();
    let mut decoder = ReaderBuilder::new(table.schema())
        .with_batch_size(ROWS_PER_BATCH)
        .build_decoder()
        .map_err(arrow)?;
    let mut batches = Vec::with_capacity(total.div_ceil(ROWS_PER_BATCH));
    // Chunks are split off the end, so the rows are reversed first and each chunk back.
    rows.reverse();
    while !rows.is_empty() {
        let mut chunk = rows.split_off(rows.len().saturating_sub(ROWS_PER_BATCH));
        chunk.reverse();
        decoder.serialize(&chunk).map_err(arrow)?;
        drop(chunk);
        if let Some(batch) = decoder.flush().map_err(arrow)? {
            batches.push(batch);
        }
    }
    Ok((total, batches))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_batches_in_order() {
        let rows: Vec<RejectedRow> = (0..ROWS_PER_BATCH * 2 + 5)
            .map(|i| RejectedRow {
                source: SourceColumns {
                    source_file: Some("f".into()),
                    source_line: Some(i as i64),
                    ..SourceColumns::default()
                },
                event_id: None,
                reason: "malformed_json",
                detail: format!("line {i}"),
                rejected_at: 0,
                rejected_date: 0,
            })
            .collect();
        let (n, batches) = to_batches(Table::RejectedEvents, rows).expect("converts");
        assert_eq!(n, ROWS_PER_BATCH * 2 + 5);
        assert_eq!(batches.len(), 3);
        let lines: Vec<i64> = batches
            .iter()
            .flat_map(|b| {
                let c = b.column_by_name("source_line").expect("column");
                let c = c
                    .as_any()
                    .downcast_ref::<arrow::array::Int64Array>()
                    .expect("int64");
                c.values().to_vec()
            })
            .collect();
        assert_eq!(lines, (0..n as i64).collect::<Vec<_>>());
        let (n, batches) =
            to_batches::<RejectedRow>(Table::RejectedEvents, Vec::new()).expect("converts");
        assert_eq!((n, batches.len()), (0, 0));
    }

    #[test]
    fn month_start_is_the_first_of_the_month() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().expect("a timestamp");
        let first = days(t("2025-03-01T00:00:00Z"));
        assert_eq!(month_start(t("2025-03-31T23:59:59Z")), first);
        assert_eq!(month_start(t("2025-03-01T00:00:00Z")), first);
        assert_eq!(
            month_start(t("2025-02-28T12:00:00Z")),
            days(t("2025-02-01T00:00:00Z"))
        );
        assert_eq!(days(t("1970-01-02T00:00:00Z")), 1);
    }
}
