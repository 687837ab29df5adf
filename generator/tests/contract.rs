//! Every good message keeps the contract and round-trips byte for byte; the same seed gives
//! the same bytes and another seed other bytes.

mod util;

use proptest::prelude::*;
use stf_generator::{Generator, GeneratorConfig};
use stf_schemas::event::EventKind;
use stf_schemas::validate::decode;

fn check_good_messages(config: GeneratorConfig) -> Result<usize, TestCaseError> {
    let mut good = 0;
    for m in Generator::new(config).expect("valid config") {
        prop_assert!(!m.payload.contains(&b'\n'), "a message holds a newline");
        if m.broken.is_some() {
            continue;
        }
        let event = match decode(&m.payload) {
            Ok(e) => e,
            Err(r) => {
                return Err(TestCaseError::fail(format!(
                    "{r:?} in {}",
                    String::from_utf8_lossy(&m.payload)
                )))
            }
        };
        let json = event.to_json();
        prop_assert_eq!(
            json.as_bytes(),
            &m.payload[..],
            "JSON → Rust → JSON changed the bytes"
        );
        prop_assert_eq!(event.event_id(), m.event_id.as_str());
        prop_assert_eq!(event.key(), m.key.as_str());
        prop_assert_eq!(event.kind(), m.kind);
        good += 1;
    }
    Ok(good)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn good_events_decode_and_round_trip(seed in any::<u64>(), plans in 1u64..40, pii in 0.0f64..1.0) {
        let config = GeneratorConfig { pii_fraction: pii, bad_fraction: 0.1, ..util::config(plans, seed) };
        let good = check_good_messages(config)?;
        prop_assert!(good as u64 >= plans);
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes(seed in any::<u64>(), plans in 1u64..25) {
        let config = GeneratorConfig { bad_fraction: 0.2, ..util::config(plans, seed) };
        let a = util::generate(config.clone());
        let b = util::generate(config.clone());
        prop_assert_eq!(&a, &b);
        let c = util::generate(GeneratorConfig { seed: seed ^ 1, ..config });
        let bytes = |ms: &[stf_generator::Message]| ms.iter().map(|m| m.payload.clone()).collect::<Vec<_>>();
        prop_assert_ne!(bytes(&a), bytes(&c));
    }
}

#[test]
fn a_larger_run_keeps_the_contract() {
    let good =
        check_good_messages(util::config(400, 7)).expect("all good messages keep the contract");
    assert!(good > 800, "only {good} good messages");
}

#[test]
fn plans_and_services_go_to_their_own_kinds() {
    let messages = util::generate(util::config(200, 3));
    let plans = messages
        .iter()
        .filter(|m| m.kind == EventKind::SupportPlan)
        .count();
    let services = messages
        .iter()
        .filter(|m| m.kind == EventKind::ProviderService)
        .count();
    assert!(
        plans > 400 && services > 100,
        "{plans} plan and {services} service messages"
    );
    let ids: std::collections::BTreeSet<_> = util::plan_events(&messages)
        .into_iter()
        .map(|e| e.plan_id)
        .collect();
    assert_eq!(
        ids.len(),
        200,
        "every plan has at least one event, and no other plan appears"
    );
}

#[test]
fn invalid_configs_are_refused() {
    let config = GeneratorConfig {
        councils: vec!["E07000117".into()],
        ..Default::default()
    };
    assert!(Generator::new(config).is_err());
}
