//! The supply side: every council has services, plentiful for personal care and day support
//! and thin or missing for employment, digital skills and short breaks somewhere.

mod util;

use std::collections::{BTreeMap, BTreeSet};

use stf_generator::DEFAULT_COUNCILS;
use stf_schemas::codes::{ServiceEventType, ServiceType};
use stf_schemas::event::{Event, EventKind, ProviderServiceEvent};
use stf_schemas::validate::decode;

fn services(plans: u64, seed: u64) -> Vec<ProviderServiceEvent> {
    util::generate(util::config(plans, seed))
        .into_iter()
        .filter(|m| m.kind == EventKind::ProviderService && m.broken.is_none() && !m.redelivery)
        .map(|m| match decode(&m.payload) {
            Ok(Event::ProviderService(e)) => e,
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn supply_is_plentiful_for_care_and_thin_elsewhere() {
    let events = services(20_000, 31);
    let listed: Vec<&ProviderServiceEvent> = events
        .iter()
        .filter(|e| e.event_type == ServiceEventType::Listed)
        .collect();
    let mut by_council: BTreeMap<&str, BTreeMap<ServiceType, usize>> = BTreeMap::new();
    for e in &listed {
        for t in &e.service_types {
            *by_council
                .entry(e.local_authorities[0].as_str())
                .or_default()
                .entry(*t)
                .or_default() += 1;
        }
    }
    assert_eq!(by_council.len(), DEFAULT_COUNCILS.len());
    let mut missing = 0;
    for (council, counts) in &by_council {
        let home = counts.get(&ServiceType::HomeSupport).copied().unwrap_or(0);
        let employment = counts
            .get(&ServiceType::EmploymentSupport)
            .copied()
            .unwrap_or(0);
        assert!(home >= 3, "{council} has {home} home support services");
        assert!(
            home > 2 * employment,
            "{council}: home support {home}, employment {employment}"
        );
        missing += [ServiceType::EmploymentSupport, ServiceType::ShortBreak]
            .iter()
            .filter(|t| !counts.contains_key(t))
            .count();
    }
    assert!(
        missing > 0,
        "every council has employment and short-break services: no gaps"
    );

    let orgs: BTreeSet<&str> = listed.iter().map(|e| e.organization_id.as_str()).collect();
    assert!(
        orgs.len() < listed.len() * 9 / 10,
        "organisations run several services"
    );
    let kinds: BTreeSet<ServiceEventType> = events.iter().map(|e| e.event_type).collect();
    assert_eq!(kinds.len(), 3, "services are listed, updated and withdrawn");
    assert!(
        listed.iter().any(|e| e.categories.is_some())
            && listed.iter().any(|e| e.categories.is_none())
    );
}
