//! Bad provider-service events: one field broken per message.

use serde_json::{json, Value};
use stf_schemas::event::ProviderServiceEvent;
use stf_schemas::reason::Reason;

use crate::bad::{drop_field, nest, pick_str, set, stretch, timestamp, to_vec};
use crate::pii;
use crate::rng::{self, Rng};

/// Breaks that the typed event can express; `None` for the rest.
pub(crate) fn typed(
    rng: &mut Rng,
    reason: Reason,
    e: &mut ProviderServiceEvent,
) -> Option<Vec<u8>> {
    match reason {
        Reason::UnknownSchema => {
            e.schema = pick_str(
                rng,
                &[
                    "stf.provider_service.v2",
                    "openreferral.service",
                    "stf.support_plan.v0",
                ],
            )
        }
        Reason::UnknownLocalAuthority => e
            .local_authorities
            .push(pick_str(rng, &["E07000117", "W06000015", "E08000999"])),
        Reason::FullPostcodeInLocality => {
            let district = e
                .localities
                .as_ref()
                .and_then(|l| l.first().cloned())
                .unwrap_or_else(|| "LS6".to_owned());
            let mut pc = pii::postcode(rng, &district);
            if !pc.contains(' ') {
                pc.insert(district.len(), ' ');
            }
            e.localities.get_or_insert_with(Vec::new).push(pc);
        }
        Reason::InvalidLocality => {
            e.localities = Some(vec![pick_str(
                rng,
                &["Town Centre", "North", "Across the borough"],
            )])
        }
        Reason::InvalidEventId => {
            e.event_id = pick_str(rng, &["4711", "svc-event-9", "not-a-uuid"])
        }
        Reason::InvalidId => match rng::int(rng, 0, 2) {
            0 => e.service_id = pick_str(rng, &["svc 12", "svc/12", &"s".repeat(70)]),
            _ => e.organization_id = pick_str(rng, &["org/55", "org 55", &"o".repeat(65)]),
        },
        Reason::NumberOutOfRange => {
            if let Some(c) = e.capacity.as_mut().filter(|_| rng::chance(rng, 0.5)) {
                c.available_per_week = Some(-3.0);
            } else {
                let per = e.cost.as_ref().and_then(|c| c.per);
                e.cost = Some(stf_schemas::event::Cost {
                    amount_gbp: Some(-10.0),
                    per,
                });
            }
        }
        Reason::TextLength => match rng::int(rng, 0, 3) {
            0 => e.service_name.clear(),
            1 => stretch(&mut e.service_name, 200),
            2 => stretch(&mut e.description, 2000),
            _ => e.organization_name.clear(),
        },
        Reason::ItemCount => {
            if rng::chance(rng, 0.5) {
                e.local_authorities.clear();
            } else {
                e.service_types.clear();
            }
        }
        _ => return None,
    }
    Some(to_vec(e))
}

/// Breaks that need the JSON itself.
pub(crate) fn value(rng: &mut Rng, reason: Reason, v: &mut Value) {
    match reason {
        Reason::TooDeep => v["localities"] = nest(40),
        Reason::MissingField => {
            let field = rng::pick(
                rng,
                &[
                    "event_id",
                    "event_type",
                    "occurred_at",
                    "service_id",
                    "organization_id",
                    "organization_name",
                    "provider_kind",
                    "service_name",
                    "description",
                    "service_types",
                    "local_authorities",
                    "accepting_new",
                ],
            );
            drop_field(rng, v, "", field);
        }
        Reason::UnknownField => {
            let (field, value) = rng::pick(
                rng,
                &[
                    ("website", "https://example.org"),
                    ("service_area", "the borough"),
                    ("updated_by", "import"),
                ],
            );
            set(v, "", field, json!(value));
        }
        Reason::WrongType => {
            let (field, value) = rng::pick_ref(
                rng,
                &[
                    ("accepting_new", json!("Y")),
                    ("service_types", json!("home_support")),
                    ("local_authorities", json!(42)),
                ],
            )
            .clone();
            set(v, "", field, value);
        }
        Reason::InvalidCode => match rng::int(rng, 0, 4) {
            0 => set(v, "", "event_type", json!("service_added")),
            1 => set(v, "", "provider_kind", json!("charity")),
            2 => set(v, "", "service_types", json!(["gym"])),
            3 if v.get("capacity").is_some() => set(v, "/capacity", "unit", json!("beds")),
            _ if v.get("cost").is_some() => set(v, "/cost", "per", json!("month")),
            _ => set(v, "", "provider_kind", json!("private_company")),
        },
        Reason::UnknownCategory => {
            let value = rng::pick_ref(
                rng,
                &[
                    json!(["sport"]),
                    json!(["employment", "gardening"]),
                    json!(["Employment"]),
                    json!(["respite_care"]),
                ],
            )
            .clone();
            v["categories"] = value;
        }
        Reason::InvalidTimestamp => v["occurred_at"] = json!(timestamp(rng)),
        _ => {}
    }
}
