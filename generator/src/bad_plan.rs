//! Bad support-plan events: one field broken per message, in the ways council systems get
//! them wrong.

use serde_json::{json, Value};
use stf_schemas::codes::{ClosureReason, CodeList, PlanEventType};
use stf_schemas::event::SupportPlanEvent;
use stf_schemas::reason::Reason;

use crate::bad::{drop_field, nest, pick_str, set, stretch, timestamp, to_vec};
use crate::pii;
use crate::rng::{self, Rng};

/// Breaks that the typed event can express; `None` for the rest.
pub(crate) fn typed(rng: &mut Rng, reason: Reason, e: &mut SupportPlanEvent) -> Option<Vec<u8>> {
    match reason {
        Reason::UnknownSchema => {
            e.schema = pick_str(
                rng,
                &[
                    "stf.support_plan.v2",
                    "stf.supportplan.v1",
                    "support_plan",
                    "stf.provider_service.v9",
                    "",
                ],
            )
        }
        Reason::UnknownLocalAuthority => {
            e.local_authority = pick_str(
                rng,
                &[
                    "E07000117",
                    "E08000999",
                    "W06000015",
                    "S12000036",
                    "E06000000",
                    "E10000099",
                ],
            )
        }
        Reason::FullPostcodeInLocality => {
            let district = e.locality.clone().unwrap_or_else(|| "OL8".to_owned());
            let mut pc = pii::postcode(rng, &district);
            if !pc.contains(' ') {
                pc.insert(district.len(), ' ');
            }
            e.locality = Some(pc);
        }
        Reason::InvalidLocality => {
            e.locality = Some(pick_str(
                rng,
                &[
                    "Oldham",
                    "City Centre",
                    "North",
                    "OL",
                    "Failsworth East",
                    "Ward 12",
                    "LS 6",
                ],
            ))
        }
        Reason::InvalidEventId => {
            let short = e.event_id[..35].to_owned();
            e.event_id = pick_str(
                rng,
                &["4711", "evt-000123", "not-a-uuid", "2024-000123", &short],
            );
        }
        Reason::InvalidId => {
            let long = format!("plan-{}", "0".repeat(64));
            e.plan_id = pick_str(
                rng,
                &[
                    "P1234",
                    "plan 00042",
                    "OL/2024/00123",
                    &long,
                    "plan-000123\u{e9}",
                ],
            );
        }
        Reason::BudgetOutOfRange => {
            let budget = e.budget.annual_gbp;
            e.budget.annual_gbp = match rng::int(rng, 0, 3) {
                0 => -(budget.max(250.0)),
                1 => 1_000_000.01,
                2 => 1_250_000.0,
                _ => (budget * 100.0).max(1_000_001.0), // entered in pence
            };
        }
        Reason::NumberOutOfRange => match rng::int(rng, 0, 2) {
            0 => e.desired_outcomes.first_mut()?.priority = Some(rng::pick(rng, &[0, 6, 9])),
            1 => e.planned_support.first_mut()?.hours_per_week = Some(-4.0),
            _ => e.planned_support.first_mut()?.annual_cost_gbp = -120.0,
        },
        Reason::TextLength => match rng::int(rng, 0, 3) {
            0 => e.desired_outcomes.first_mut()?.text.clear(),
            1 => stretch(&mut e.desired_outcomes.first_mut()?.text, 1000),
            2 => e.planned_support.first_mut()?.description.clear(),
            _ => stretch(&mut e.planned_support.first_mut()?.description, 500),
        },
        Reason::ItemCount => {
            if rng::chance(rng, 0.5) && !e.desired_outcomes.is_empty() {
                let n = e.desired_outcomes.len();
                for i in n..31 {
                    e.desired_outcomes.push(e.desired_outcomes[i % n].clone());
                }
            } else {
                let n = e.planned_support.len();
                if n == 0 {
                    return None;
                }
                for i in n..51 {
                    e.planned_support.push(e.planned_support[i % n].clone());
                }
            }
        }
        Reason::ClosureReasonMissing => {
            e.event_type = PlanEventType::Closed;
            e.closure_reason = None;
        }
        Reason::ClosureReasonUnexpected => {
            e.event_type = rng::pick(
                rng,
                &[
                    PlanEventType::Agreed,
                    PlanEventType::Revised,
                    PlanEventType::Reviewed,
                ],
            );
            e.closure_reason = Some(rng::pick(rng, ClosureReason::ALL));
        }
        _ => return None,
    }
    Some(to_vec(e))
}

/// Breaks that need the JSON itself.
pub(crate) fn value(rng: &mut Rng, reason: Reason, v: &mut Value) {
    match reason {
        Reason::TooDeep => v["locality"] = nest(40),
        Reason::MissingField => {
            let (path, field) = rng::pick(
                rng,
                &[
                    ("", "event_id"),
                    ("", "event_type"),
                    ("", "occurred_at"),
                    ("", "plan_id"),
                    ("", "plan_version"),
                    ("", "local_authority"),
                    ("", "person"),
                    ("", "budget"),
                    ("", "desired_outcomes"),
                    ("", "planned_support"),
                    ("/person", "age_band"),
                    ("/person", "cohort"),
                    ("/person", "primary_support_reason"),
                    ("/budget", "annual_gbp"),
                    ("/budget", "delivery_mechanism"),
                    ("/desired_outcomes/0", "text"),
                    ("/planned_support/0", "service_type"),
                    ("/planned_support/0", "provider_kind"),
                    ("/planned_support/0", "annual_cost_gbp"),
                    ("/planned_support/0", "arranged"),
                    ("/planned_support/0", "description"),
                ],
            );
            drop_field(rng, v, path, field);
        }
        Reason::UnknownField => {
            let (path, field, value) = rng::pick(
                rng,
                &[
                    ("", "notes", "see case file"),
                    ("", "source_system", "LAS"),
                    ("/person", "gender", "female"),
                    ("/budget", "currency", "GBP"),
                    (
                        "/planned_support/0",
                        "provider_name",
                        "Bluebell Home Care Ltd",
                    ),
                    ("/desired_outcomes/0", "category", "employment"),
                ],
            );
            set(v, path, field, json!(value));
        }
        Reason::WrongType => {
            let version = v["plan_version"].to_string();
            let budget = v["budget"]["annual_gbp"].to_string();
            let (path, field, value) = rng::pick_ref(
                rng,
                &[
                    ("", "plan_version", json!(version)),
                    ("/budget", "annual_gbp", json!(budget)),
                    ("/planned_support/0", "arranged", json!("yes")),
                    ("/desired_outcomes/0", "priority", json!("high")),
                    ("", "person", json!("65+, physical support")),
                    ("", "desired_outcomes", json!("go swimming")),
                    ("/planned_support/0", "hours_per_week", json!("6 hrs")),
                ],
            )
            .clone();
            set(v, path, field, value);
        }
        Reason::InvalidCode => {
            let (path, field, value) = rng::pick(
                rng,
                &[
                    ("/person", "age_band", "65+"),
                    ("/person", "age_band", "Adult"),
                    ("/person", "cohort", "adult"),
                    ("/person", "primary_support_reason", "dementia"),
                    ("/person", "ethnicity_group", "british"),
                    ("/budget", "delivery_mechanism", "personal_budget"),
                    ("/planned_support/0", "service_type", "swimming"),
                    ("/planned_support/0", "service_type", "domiciliary_care"),
                    ("/planned_support/0", "provider_kind", "private"),
                    ("", "event_type", "plan_updated"),
                ],
            );
            set(v, path, field, json!(value));
        }
        Reason::InvalidTimestamp => v["occurred_at"] = json!(timestamp(rng)),
        _ => {}
    }
}
