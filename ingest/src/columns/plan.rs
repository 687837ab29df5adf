//! The columns of `plan_events`.

use std::sync::Arc;

use arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, Float64Builder, Int32Builder, Int64Builder, ListArray,
    StringBuilder, StructArray,
};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, SchemaRef};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use chrono::{DateTime, Utc};
use stf_schemas::event::SupportPlanEvent;
use stf_schemas::tables::Table;

use super::common::{EventHead, EventTail};
use super::{append_opt_str, arrow_error, assemble, list_item, pence, Money};
use crate::position::Origin;
use crate::Error;

const TABLE: Table = Table::PlanEvents;

/// `plan_events` rows being built, one per accepted support-plan event.
#[derive(Default)]
pub struct PlanColumns {
    head: EventHead,
    plan_id: StringBuilder,
    plan_version: Int64Builder,
    local_authority: StringBuilder,
    locality: StringBuilder,
    age_band: StringBuilder,
    cohort: StringBuilder,
    primary_support_reason: StringBuilder,
    ethnicity_group: StringBuilder,
    annual_budget_gbp: Money,
    delivery_mechanism: StringBuilder,
    outcomes: Outcomes,
    support: Support,
    closure_reason: StringBuilder,
    tail: EventTail,
}

/// The `desired_outcomes` list column: one offset per plan, one struct per outcome.
struct Outcomes {
    offsets: Vec<i32>,
    text: StringBuilder,
    priority: Int32Builder,
}

/// The `planned_support` list column.
struct Support {
    offsets: Vec<i32>,
    description: StringBuilder,
    service_type: StringBuilder,
    provider_kind: StringBuilder,
    hours_per_week: Float64Builder,
    annual_cost_gbp: Money,
    arranged: BooleanBuilder,
}

impl Default for Outcomes {
    fn default() -> Self {
        Self {
            offsets: vec![0],
            text: StringBuilder::new(),
            priority: Int32Builder::new(),
        }
    }
}

impl Default for Support {
    fn default() -> Self {
        Self {
            offsets: vec![0],
            description: StringBuilder::new(),
            service_type: StringBuilder::new(),
            provider_kind: StringBuilder::new(),
            hours_per_week: Float64Builder::new(),
            annual_cost_gbp: Money::default(),
            arranged: BooleanBuilder::new(),
        }
    }
}

impl PlanColumns {
    pub fn len(&self) -> usize {
        self.head.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends one event as a row. An amount the money columns cannot hold is an error, and
    /// then nothing of the event is appended.
    pub fn push(
        &mut self,
        e: &SupportPlanEvent,
        redactions: u32,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<(), ArrowError> {
        // Money first: the only step that can fail, so a failure leaves every column alone.
        let budget = pence(e.budget.annual_gbp)?;
        let costs = e
            .planned_support
            .iter()
            .map(|s| pence(s.annual_cost_gbp))
            .collect::<Result<Vec<_>, _>>()?;

        self.head
            .append(&e.event_id, e.event_type.as_str(), e.occurred_at);
        self.plan_id.append_value(&e.plan_id);
        self.plan_version.append_value(i64::from(e.plan_version));
        self.local_authority.append_value(&e.local_authority);
        append_opt_str(&mut self.locality, e.locality.as_deref());
        self.age_band.append_value(e.person.age_band.as_str());
        self.cohort.append_value(e.person.cohort.as_str());
        self.primary_support_reason
            .append_value(e.person.primary_support_reason.as_str());
        append_opt_str(
            &mut self.ethnicity_group,
            e.person.ethnicity_group.map(|g| g.as_str()),
        );
        self.annual_budget_gbp.append_pence(Some(budget));
        self.delivery_mechanism
            .append_value(e.budget.delivery_mechanism.as_str());

        let o = &mut self.outcomes;
        for outcome in &e.desired_outcomes {
            o.text.append_value(&outcome.text);
            o.priority.append_option(outcome.priority.map(i32::from));
        }
        o.offsets.push(o.text.len() as i32);

        let s = &mut self.support;
        for (item, pence) in e.planned_support.iter().zip(costs) {
            s.description.append_value(&item.description);
            s.service_type.append_value(item.service_type.as_str());
            s.provider_kind.append_value(item.provider_kind.as_str());
            s.hours_per_week.append_option(item.hours_per_week);
            s.annual_cost_gbp.append_pence(Some(pence));
            s.arranged.append_value(item.arranged);
        }
        s.offsets.push(s.description.len() as i32);

        append_opt_str(
            &mut self.closure_reason,
            e.closure_reason.map(|c| c.as_str()),
        );
        self.tail.append(redactions, origin, now);
        Ok(())
    }

    /// The rows so far as one batch of `plan_events`; the builders start empty again.
    pub fn finish(&mut self) -> Result<RecordBatch, Error> {
        let err = |e| arrow_error(TABLE, e);
        let schema = TABLE.schema();
        let o = &mut self.outcomes;
        let outcomes = struct_list(
            &schema,
            "desired_outcomes",
            &mut o.offsets,
            vec![Arc::new(o.text.finish()), Arc::new(o.priority.finish())],
        )
        .map_err(err)?;
        let s = &mut self.support;
        let support = struct_list(
            &schema,
            "planned_support",
            &mut s.offsets,
            vec![
                Arc::new(s.description.finish()),
                Arc::new(s.service_type.finish()),
                Arc::new(s.provider_kind.finish()),
                Arc::new(s.hours_per_week.finish()),
                s.annual_cost_gbp.finish().map_err(err)?,
                Arc::new(s.arranged.finish()),
            ],
        )
        .map_err(err)?;
        let mut columns: Vec<ArrayRef> = self.head.finish().into();
        columns.extend([
            Arc::new(self.plan_id.finish()) as ArrayRef,
            Arc::new(self.plan_version.finish()),
            Arc::new(self.local_authority.finish()),
            Arc::new(self.locality.finish()),
            Arc::new(self.age_band.finish()),
            Arc::new(self.cohort.finish()),
            Arc::new(self.primary_support_reason.finish()),
            Arc::new(self.ethnicity_group.finish()),
            self.annual_budget_gbp.finish().map_err(err)?,
            Arc::new(self.delivery_mechanism.finish()),
            Arc::new(outcomes),
            Arc::new(support),
            Arc::new(self.closure_reason.finish()),
        ]);
        columns.extend(self.tail.finish());
        assemble(TABLE, columns)
    }
}

/// List column `name` of `schema`, whose items are structs of `children`, one list per
/// offset span; the offsets start again at `[0]`.
fn struct_list(
    schema: &SchemaRef,
    name: &str,
    offsets: &mut Vec<i32>,
    children: Vec<ArrayRef>,
) -> Result<ListArray, ArrowError> {
    let item = list_item(schema, name);
    let DataType::Struct(fields) = item.data_type() else {
        unreachable!("{name} holds structs")
    };
    let values = StructArray::try_new(fields.clone(), children, None)?;
    let offsets = OffsetBuffer::new(std::mem::replace(offsets, vec![0]).into());
    ListArray::try_new(item, offsets, Arc::new(values), None)
}

impl super::Rows for PlanColumns {
    fn rows(&self) -> usize {
        self.len()
    }

    fn finish(&mut self) -> Result<RecordBatch, Error> {
        PlanColumns::finish(self)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn rows_as_json(batch: &RecordBatch) -> Vec<Value> {
        let mut w = arrow::json::ArrayWriter::new(Vec::new());
        w.write(batch).expect("writes");
        w.finish().expect("finishes");
        serde_json::from_slice(&w.into_inner()).expect("json")
    }

    #[test]
    fn events_become_rows_of_plan_events() {
        let full: SupportPlanEvent = serde_json::from_value(json!({
            "schema": "stf.support_plan.v1",
            "event_id": "e1", "event_type": "plan_closed",
            "occurred_at": "2025-03-31T23:59:59.5Z",
            "plan_id": "p1", "plan_version": 3, "local_authority": "E08000025",
            "locality": "B13",
            "person": {"age_band": "25-44", "cohort": "transition",
                       "primary_support_reason": "learning_disability",
                       "ethnicity_group": "white"},
            "budget": {"annual_gbp": 12345.678, "delivery_mechanism": "direct_payment"},
            "desired_outcomes": [{"text": "swim", "priority": 1}, {"text": "work"}],
            "planned_support": [{"description": "PA", "service_type": "personal_assistant",
                                 "provider_kind": "personal_assistant", "hours_per_week": 6.5,
                                 "annual_cost_gbp": 9000.1, "arranged": true}],
            "closure_reason": "moved_area"
        }))
        .expect("an event");
        let mut bare = full.clone();
        bare.event_id = "e2".into();
        bare.locality = None;
        bare.person.ethnicity_group = None;
        bare.desired_outcomes.truncate(1);
        bare.desired_outcomes[0].priority = None;
        bare.planned_support.clear();
        bare.closure_reason = None;

        let now: DateTime<Utc> = "2026-01-02T03:04:05Z".parse().expect("a time");
        let kafka = Origin::Kafka {
            topic: "support-plans".into(),
            partition: 2,
            offset: 77,
        };
        let file = Origin::File {
            path: "in.ndjson".into(),
            line: 9,
        };
        let mut cols = PlanColumns::default();
        cols.push(&full, 2, &kafka, now).expect("fits");
        cols.push(&bare, 0, &file, now).expect("fits");
        assert_eq!(cols.len(), 2);
        let batch = cols.finish().expect("a batch");
        assert!(cols.is_empty());
        assert_eq!(batch.schema(), TABLE.schema());
        let rows = rows_as_json(&batch);

        let r = &rows[0];
        assert_eq!(r["event_id"], "e1");
        assert_eq!(r["event_type"], "plan_closed");
        assert_eq!(r["occurred_at"], "2025-03-31T23:59:59.500Z");
        assert_eq!(r["event_date"], "2025-03-31");
        assert_eq!(r["event_month"], "2025-03-01");
        assert_eq!(r["plan_version"], 3);
        assert_eq!(r["locality"], "B13");
        assert_eq!(r["ethnicity_group"], "white");
        assert_eq!(r["annual_budget_gbp"], json!(12345.67));
        assert_eq!(
            r["desired_outcomes"],
            json!([{"text": "swim", "priority": 1}, {"text": "work"}])
        );
        assert_eq!(
            r["planned_support"],
            json!([{"description": "PA", "service_type": "personal_assistant",
                    "provider_kind": "personal_assistant", "hours_per_week": 6.5,
                    "annual_cost_gbp": 9000.1, "arranged": true}])
        );
        assert_eq!(r["closure_reason"], "moved_area");
        assert_eq!(r["redactions"], 2);
        assert_eq!(r["source_topic"], "support-plans");
        assert_eq!(r["source_partition"], 2);
        assert_eq!(r["source_offset"], 77);
        assert_eq!(r.get("source_file"), None);
        assert_eq!(r["ingested_at"], "2026-01-02T03:04:05Z");

        let r = &rows[1];
        assert_eq!(r["event_id"], "e2");
        for absent in [
            "locality",
            "ethnicity_group",
            "closure_reason",
            "source_topic",
        ] {
            assert_eq!(r.get(absent), None, "{absent}");
        }
        assert_eq!(r["desired_outcomes"], json!([{"text": "swim"}]));
        assert_eq!(r["planned_support"], json!([]));
        assert_eq!(r["source_file"], "in.ndjson");
        assert_eq!(r["source_line"], 9);
    }

    /// A support-plan event with one planned-support item costing `cost` pounds (a test
    /// fixture, also for `pipeline`).
    pub(crate) fn event_costing(cost: f64) -> SupportPlanEvent {
        serde_json::from_value(json!({
            "schema": "stf.support_plan.v1",
            "event_id": "e1", "event_type": "plan_agreed",
            "occurred_at": "2025-03-31T12:00:00Z",
            "plan_id": "p1", "plan_version": 1, "local_authority": "E08000025",
            "person": {"age_band": "25-44", "cohort": "transition",
                       "primary_support_reason": "learning_disability"},
            "budget": {"annual_gbp": 100.0, "delivery_mechanism": "direct_payment"},
            "desired_outcomes": [{"text": "swim"}],
            "planned_support": [{"description": "PA", "service_type": "personal_assistant",
                                 "provider_kind": "personal_assistant",
                                 "annual_cost_gbp": cost, "arranged": true}]
        }))
        .expect("an event")
    }

    #[test]
    fn an_amount_too_large_for_the_column_adds_nothing() {
        let mut cols = PlanColumns::default();
        let mut e = event_costing(1e13);
        let origin = Origin::File {
            path: "f".into(),
            line: 1,
        };
        assert!(cols.push(&e, 0, &origin, Utc::now()).is_err());
        assert!(cols.is_empty());
        e.planned_support[0].annual_cost_gbp = 10.0;
        cols.push(&e, 0, &origin, Utc::now()).expect("fits");
        let batch = cols.finish().expect("columns stayed aligned");
        assert_eq!(batch.num_rows(), 1);
    }
}
