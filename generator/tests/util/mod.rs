//! Helpers shared by the generator's integration tests.
#![allow(dead_code)]

use std::collections::BTreeSet;

use stf_generator::{Generator, GeneratorConfig, Message};
use stf_schemas::event::{Event, EventKind, SupportPlanEvent};

/// A config with these plans and seed, otherwise the defaults.
pub fn config(plans: u64, seed: u64) -> GeneratorConfig {
    GeneratorConfig {
        plans,
        seed,
        ..Default::default()
    }
}

/// Every message of a config.
pub fn generate(config: GeneratorConfig) -> Vec<Message> {
    Generator::new(config)
        .expect("the config is valid")
        .collect()
}

/// The good support-plan events, each once (duplicates dropped), in delivery order.
pub fn plan_events(messages: &[Message]) -> Vec<SupportPlanEvent> {
    let mut seen = BTreeSet::new();
    messages
        .iter()
        .filter(|m| {
            m.broken.is_none()
                && m.kind == EventKind::SupportPlan
                && seen.insert(m.event_id.clone())
        })
        .map(|m| match stf_schemas::validate::decode(&m.payload) {
            Ok(Event::SupportPlan(e)) => e,
            other => panic!("a good plan message did not decode as a plan: {other:?}"),
        })
        .collect()
}

/// The current version of every plan (highest version, then latest time), by plan id.
pub fn current_plans(events: &[SupportPlanEvent]) -> Vec<SupportPlanEvent> {
    let mut by_plan: std::collections::BTreeMap<&str, &SupportPlanEvent> = Default::default();
    for e in events {
        let newer = match by_plan.get(e.plan_id.as_str()) {
            None => true,
            Some(old) => {
                (e.plan_version, e.occurred_at, &e.event_id)
                    > (old.plan_version, old.occurred_at, &old.event_id)
            }
        };
        if newer {
            by_plan.insert(&e.plan_id, e);
        }
    }
    by_plan.into_values().cloned().collect()
}
