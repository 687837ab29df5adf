//! The quick path of [`crate::validate::decode`]: a message parsed straight into its typed
//! event and checked there, without the JSON tree the full check walks.
//!
//! Nearly every message keeps the contract, and for those the tree is most of the cost of
//! judging. The quick path may only accept, and only what the full check accepts: serde's
//! derived parsers refuse unknown fields, duplicate fields, missing or null required fields
//! and values of the wrong type or outside a code list, and [`plan_keeps_contract`] and
//! [`service_keeps_contract`] check every other rule of `validate` on the typed event. On
//! any doubt it returns `None`, and the full check decides, with the problems and reasons of
//! a rejection. The two are compared side by side over every kind of bad message the
//! generator makes (`generator/tests/bad_messages.rs`) and over single-rule breaks
//! (`validate`'s tests).

use crate::check::{has_chars, is_identifier, is_uuid};
use crate::codes::PlanEventType;
use crate::councils;
use crate::event::{
    Event, ProviderServiceEvent, SupportPlanEvent, PROVIDER_SERVICE_SCHEMA, SUPPORT_PLAN_SCHEMA,
};
use crate::postcode::{is_district, is_full_postcode};
use crate::validate::{MAX_AMOUNT_GBP, MAX_BUDGET_GBP};

/// The event, when `text` certainly keeps the contract; `None` to leave it to the full check.
/// Tried as a support plan first (most messages are), then as a provider service: a service
/// fails the plan's parse at its first field of another name, or at its `event_type`.
pub(crate) fn accept(text: &str) -> Option<Event> {
    if let Ok(e) = serde_json::from_str::<SupportPlanEvent>(text) {
        return plan_keeps_contract(&e).then_some(Event::SupportPlan(e));
    }
    let e: ProviderServiceEvent = serde_json::from_str(text).ok()?;
    service_keeps_contract(&e).then_some(Event::ProviderService(e))
}

/// The rules of `validate::support_plan` that the typed parse does not already enforce.
fn plan_keeps_contract(e: &SupportPlanEvent) -> bool {
    let closure_fits = match e.event_type {
        PlanEventType::Closed => e.closure_reason.is_some(),
        _ => e.closure_reason.is_none(),
    };
    e.schema == SUPPORT_PLAN_SCHEMA
        && is_uuid(&e.event_id)
        && is_identifier(&e.plan_id, 8, 64)
        && e.plan_version >= 1
        && councils::is_known(&e.local_authority)
        && e.locality.as_deref().is_none_or(locality)
        && (0.0..=MAX_BUDGET_GBP).contains(&e.budget.annual_gbp)
        && e.desired_outcomes.len() <= 30
        && e.desired_outcomes
            .iter()
            .all(|o| has_chars(&o.text, 1, 1000) && o.priority.is_none_or(|p| (1..=5).contains(&p)))
        && e.planned_support.len() <= 50
        && e.planned_support.iter().all(|s| {
            has_chars(&s.description, 1, 500)
                && s.hours_per_week.is_none_or(|h| h >= 0.0)
                && (0.0..=MAX_AMOUNT_GBP).contains(&s.annual_cost_gbp)
        })
        && closure_fits
}

/// The rules of `validate::provider_service` that the typed parse does not already enforce.
fn service_keeps_contract(e: &ProviderServiceEvent) -> bool {
    e.schema == PROVIDER_SERVICE_SCHEMA
        && is_uuid(&e.event_id)
        && is_identifier(&e.service_id, 1, 64)
        && is_identifier(&e.organization_id, 1, 64)
        && has_chars(&e.organization_name, 1, 200)
        && has_chars(&e.service_name, 1, 200)
        && has_chars(&e.description, 0, 2000)
        && e.categories.as_ref().is_none_or(|c| c.len() <= 19)
        && (1..=17).contains(&e.service_types.len())
        && (1..=200).contains(&e.local_authorities.len())
        && e.local_authorities.iter().all(|la| councils::is_known(la))
        && e.localities
            .as_ref()
            .is_none_or(|l| l.len() <= 500 && l.iter().all(|s| locality(s)))
        && e.capacity
            .as_ref()
            .and_then(|c| c.available_per_week)
            .is_none_or(|a| a >= 0.0)
        && e.cost
            .as_ref()
            .and_then(|c| c.amount_gbp)
            .is_none_or(|a| (0.0..=MAX_AMOUNT_GBP).contains(&a))
}

/// `validate::locality`'s rule: a postcode district, not a full postcode.
fn locality(s: &str) -> bool {
    !is_full_postcode(s) && is_district(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"{"schema":"stf.support_plan.v1","event_id":"0b0e5b5e-9c1a-4f7e-8a39-6d2f1f3c9a11","event_type":"plan_agreed","occurred_at":"2024-03-05T10:15:00Z","plan_id":"plan-000123","plan_version":1,"local_authority":"E08000004","locality":"OL1","person":{"age_band":"25-44","cohort":"new_entrant","primary_support_reason":"learning_disability"},"budget":{"annual_gbp":24500.5,"delivery_mechanism":"direct_payment"},"desired_outcomes":[{"text":"I want a job in a garden centre","priority":1}],"planned_support":[]}"#;
    const SERVICE: &str = r#"{"schema":"stf.provider_service.v1","event_id":"1b0e5b5e-9c1a-4f7e-8a39-6d2f1f3c9a11","event_type":"service_listed","occurred_at":"2024-03-05T10:15:00+01:00","service_id":"svc-1","organization_id":"org-1","organization_name":"Leisure","provider_kind":"mainstream","service_name":"Swimming","description":"","service_types":["community_activity"],"local_authorities":["E08000004"],"accepting_new":true}"#;

    /// The quick path takes valid events (else every message would go the slow way, and
    /// the side-by-side tests would compare the full check with itself).
    #[test]
    fn valid_events_take_the_quick_path() {
        assert!(matches!(accept(PLAN), Some(Event::SupportPlan(_))));
        assert!(matches!(accept(SERVICE), Some(Event::ProviderService(_))));
        // In any order of fields.
        let late = PLAN
            .replace(r#""schema":"stf.support_plan.v1","#, "")
            .replace(
                r#""planned_support":[]"#,
                r#""planned_support":[],"schema":"stf.support_plan.v1""#,
            );
        assert_eq!(accept(&late), accept(PLAN));
        // Another schema is left to the full check.
        let other = PLAN.replace("stf.support_plan.v1", "stf.support_plan.v2");
        assert_eq!(accept(&other), None);
    }
}
