//! The columns of `service_events`.

use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanBuilder, Float64Builder, ListBuilder, StringBuilder};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use chrono::{DateTime, Utc};
use stf_schemas::event::ProviderServiceEvent;
use stf_schemas::tables::Table;

use super::common::{EventHead, EventTail};
use super::{append_opt_str, arrow_error, assemble, pence, Money};
use crate::position::Origin;
use crate::Error;

const TABLE: Table = Table::ServiceEvents;

/// `service_events` rows being built, one per accepted provider-service event.
#[derive(Default)]
pub struct ServiceColumns {
    head: EventHead,
    service_id: StringBuilder,
    organization_id: StringBuilder,
    organization_name: StringBuilder,
    provider_kind: StringBuilder,
    service_name: StringBuilder,
    description: StringBuilder,
    categories: ListBuilder<StringBuilder>,
    service_types: ListBuilder<StringBuilder>,
    local_authorities: ListBuilder<StringBuilder>,
    localities: ListBuilder<StringBuilder>,
    capacity_unit: StringBuilder,
    available_per_week: Float64Builder,
    cost_amount_gbp: Money,
    cost_per: StringBuilder,
    accepting_new: BooleanBuilder,
    tail: EventTail,
}

/// Appends a list of strings, or a null list.
fn append_list<'a>(
    b: &mut ListBuilder<StringBuilder>,
    items: Option<impl Iterator<Item = &'a str>>,
) {
    match items {
        Some(items) => {
            for s in items {
                b.values().append_value(s);
            }
            b.append(true);
        }
        None => b.append(false),
    }
}

impl ServiceColumns {
    pub fn len(&self) -> usize {
        self.head.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends one event as a row. An amount the money column cannot hold is an error, and
    /// then nothing of the event is appended.
    pub fn push(
        &mut self,
        e: &ProviderServiceEvent,
        redactions: u32,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<(), ArrowError> {
        let cost = e.cost.as_ref().and_then(|c| c.amount_gbp);
        let cost = cost.map(pence).transpose()?;

        self.head
            .append(&e.event_id, e.event_type.as_str(), e.occurred_at);
        self.service_id.append_value(&e.service_id);
        self.organization_id.append_value(&e.organization_id);
        self.organization_name.append_value(&e.organization_name);
        self.provider_kind.append_value(e.provider_kind.as_str());
        self.service_name.append_value(&e.service_name);
        self.description.append_value(&e.description);
        append_list(
            &mut self.categories,
            e.categories
                .as_ref()
                .map(|cs| cs.iter().map(|c| c.as_str())),
        );
        append_list(
            &mut self.service_types,
            Some(e.service_types.iter().map(|s| s.as_str())),
        );
        append_list(
            &mut self.local_authorities,
            Some(e.local_authorities.iter().map(String::as_str)),
        );
        append_list(
            &mut self.localities,
            e.localities
                .as_ref()
                .map(|ls| ls.iter().map(String::as_str)),
        );
        let capacity = e.capacity.as_ref();
        append_opt_str(
            &mut self.capacity_unit,
            capacity.and_then(|c| c.unit).map(|u| u.as_str()),
        );
        self.available_per_week
            .append_option(capacity.and_then(|c| c.available_per_week));
        self.cost_amount_gbp.append_pence(cost);
        append_opt_str(
            &mut self.cost_per,
            e.cost.as_ref().and_then(|c| c.per).map(|p| p.as_str()),
        );
        self.accepting_new.append_value(e.accepting_new);
        self.tail.append(redactions, origin, now);
        Ok(())
    }

    /// The rows so far as one batch of `service_events`; the builders start empty again.
    pub fn finish(&mut self) -> Result<RecordBatch, Error> {
        let mut columns: Vec<ArrayRef> = self.head.finish().into();
        columns.extend([
            Arc::new(self.service_id.finish()) as ArrayRef,
            Arc::new(self.organization_id.finish()),
            Arc::new(self.organization_name.finish()),
            Arc::new(self.provider_kind.finish()),
            Arc::new(self.service_name.finish()),
            Arc::new(self.description.finish()),
            Arc::new(self.categories.finish()),
            Arc::new(self.service_types.finish()),
            Arc::new(self.local_authorities.finish()),
            Arc::new(self.localities.finish()),
            Arc::new(self.capacity_unit.finish()),
            Arc::new(self.available_per_week.finish()),
            self.cost_amount_gbp
                .finish()
                .map_err(|e| arrow_error(TABLE, e))?,
            Arc::new(self.cost_per.finish()),
            Arc::new(self.accepting_new.finish()),
        ]);
        columns.extend(self.tail.finish());
        assemble(TABLE, columns)
    }
}

impl super::Rows for ServiceColumns {
    fn rows(&self) -> usize {
        self.len()
    }

    fn finish(&mut self) -> Result<RecordBatch, Error> {
        ServiceColumns::finish(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn events_become_rows_of_service_events() {
        let full: ProviderServiceEvent = serde_json::from_value(json!({
            "schema": "stf.provider_service.v1",
            "event_id": "s-e1", "event_type": "service_listed",
            "occurred_at": "2024-03-05T10:15:00Z",
            "service_id": "svc-1", "organization_id": "org-1",
            "organization_name": "Oldham Community Leisure", "provider_kind": "mainstream",
            "service_name": "Inclusive swimming", "description": "Quiet sessions",
            "categories": ["sport_fitness"], "service_types": ["community_activity", "transport"],
            "local_authorities": ["E08000004"], "localities": ["OL1", "OL8"],
            "capacity": {"unit": "places", "available_per_week": 12.0},
            "cost": {"amount_gbp": 4.5, "per": "session"},
            "accepting_new": true
        }))
        .expect("an event");
        let mut bare = full.clone();
        bare.categories = None;
        bare.localities = None;
        bare.capacity = None;
        bare.cost = None;
        let origin = Origin::File {
            path: "s.ndjson".into(),
            line: 3,
        };
        let mut cols = ServiceColumns::default();
        cols.push(&full, 1, &origin, Utc::now()).expect("fits");
        cols.push(&bare, 0, &origin, Utc::now()).expect("fits");
        let batch = cols.finish().expect("a batch");
        assert!(cols.is_empty());
        assert_eq!(batch.schema(), TABLE.schema());
        let mut w = arrow::json::ArrayWriter::new(Vec::new());
        w.write(&batch).expect("writes");
        w.finish().expect("finishes");
        let rows: Vec<Value> = serde_json::from_slice(&w.into_inner()).expect("json");

        let r = &rows[0];
        assert_eq!(r["event_month"], "2024-03-01");
        assert_eq!(r["categories"], json!(["sport_fitness"]));
        assert_eq!(
            r["service_types"],
            json!(["community_activity", "transport"])
        );
        assert_eq!(r["local_authorities"], json!(["E08000004"]));
        assert_eq!(r["localities"], json!(["OL1", "OL8"]));
        assert_eq!(r["capacity_unit"], "places");
        assert_eq!(r["available_per_week"], json!(12.0));
        assert_eq!(r["cost_amount_gbp"], json!(4.5));
        assert_eq!(r["cost_per"], "session");
        assert_eq!(r["accepting_new"], true);
        assert_eq!(r["redactions"], 1);
        assert_eq!(r["source_line"], 3);

        let r = &rows[1];
        for absent in [
            "categories",
            "localities",
            "capacity_unit",
            "available_per_week",
            "cost_amount_gbp",
            "cost_per",
        ] {
            assert_eq!(r.get(absent), None, "{absent}");
        }
        assert_eq!(
            r["service_types"],
            json!(["community_activity", "transport"])
        );
    }
}
