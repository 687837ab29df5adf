//! The data look like England's long-term support caseload to a commissioner: who people are,
//! what their plans cost and buy, and what could not be arranged.

mod util;

use std::collections::{BTreeMap, BTreeSet};

use stf_schemas::codes::{
    AgeBand as A, Cohort, DeliveryMechanism, PlanEventType, PrimarySupportReason as Psr,
    ProviderKind,
};
use stf_schemas::event::SupportPlanEvent;

fn share<T>(items: &[T], f: impl Fn(&T) -> bool) -> f64 {
    items.iter().filter(|x| f(x)).count() as f64 / items.len() as f64
}

fn older(e: &SupportPlanEvent) -> bool {
    matches!(
        e.person.age_band,
        A::A65to74 | A::A75to84 | A::A85to94 | A::A95plus
    )
}

fn most_common(events: &[&SupportPlanEvent]) -> Psr {
    let mut counts: BTreeMap<Psr, usize> = BTreeMap::new();
    for e in events {
        *counts.entry(e.person.primary_support_reason).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(p, _)| p)
        .expect("some plans")
}

#[test]
fn five_thousand_plans_look_like_a_caseload() {
    let events = util::plan_events(&util::generate(util::config(5000, 2024)));
    let agreed: Vec<SupportPlanEvent> = events
        .iter()
        .filter(|e| e.event_type == PlanEventType::Agreed)
        .cloned()
        .collect();
    assert_eq!(agreed.len(), 5000);

    let over_65 = share(&agreed, older);
    assert!((0.45..0.75).contains(&over_65), "65+ share {over_65}");
    let dp = share(&agreed, |e| {
        e.budget.delivery_mechanism == DeliveryMechanism::DirectPayment
    });
    assert!((0.2..0.4).contains(&dp), "direct payment share {dp}");

    let all: Vec<&SupportPlanEvent> = agreed.iter().collect();
    let physical = share(&agreed, |e| {
        matches!(
            e.person.primary_support_reason,
            Psr::PhysicalPersonalCare | Psr::PhysicalAccessMobility
        )
    });
    assert_eq!(most_common(&all), Psr::PhysicalPersonalCare);
    assert!(
        (0.35..0.65).contains(&physical),
        "physical support share {physical}"
    );
    let working: Vec<&SupportPlanEvent> = agreed.iter().filter(|e| !older(e)).collect();
    assert_eq!(most_common(&working), Psr::LearningDisability);

    for e in &agreed {
        let band = e.person.age_band;
        match e.person.cohort {
            Cohort::Transition => assert_eq!(band, A::A18to24),
            Cohort::LaterLife => assert!(older(e)),
            Cohort::NewEntrant => assert!(!older(e)),
            Cohort::ExistingUser => {}
        }
    }

    let items: Vec<_> = agreed.iter().flat_map(|e| &e.planned_support).collect();
    let unmet = share(&items, |i| !i.arranged);
    assert!((0.05..0.2).contains(&unmet), "unmet item share {unmet}");
    let outcomes = share(&agreed, |e| (1..=6).contains(&e.desired_outcomes.len()));
    assert_eq!(outcomes, 1.0, "every plan has 1 to 6 outcomes");
    let with_ethnicity = share(&agreed, |e| e.person.ethnicity_group.is_some());
    assert!(
        (0.7..0.95).contains(&with_ethnicity),
        "ethnicity given {with_ethnicity}"
    );
}

#[test]
fn budgets_vary_by_need_and_match_their_costs() {
    let events = util::plan_events(&util::generate(util::config(3000, 77)));
    let plans = util::current_plans(&events);
    let median = |f: &dyn Fn(&SupportPlanEvent) -> bool| {
        let mut b: Vec<f64> = plans
            .iter()
            .filter(|e| f(e))
            .map(|e| e.budget.annual_gbp)
            .collect();
        b.sort_by(f64::total_cmp);
        b[b.len() / 2]
    };
    let older_home = median(&|e| {
        older(e)
            && e.planned_support
                .first()
                .is_some_and(|i| i.service_type == stf_schemas::codes::ServiceType::HomeSupport)
    });
    assert!(
        (7_000.0..22_000.0).contains(&older_home),
        "older people's home support median {older_home}"
    );
    let ld = median(&|e| e.person.primary_support_reason == Psr::LearningDisability && !older(e));
    assert!(
        (20_000.0..60_000.0).contains(&ld),
        "learning disability median {ld}"
    );
    let top = plans
        .iter()
        .map(|e| e.budget.annual_gbp)
        .fold(0.0, f64::max);
    assert!(
        top > 100_000.0 && top <= 1_000_000.0,
        "largest budget {top}"
    );

    let mut close = 0;
    for e in &plans {
        let costs: f64 = e.planned_support.iter().map(|i| i.annual_cost_gbp).sum();
        if (costs - e.budget.annual_gbp).abs() <= 0.1 * e.budget.annual_gbp.max(1.0) {
            close += 1;
        }
        for i in &e.planned_support {
            if i.provider_kind == ProviderKind::Informal {
                assert_eq!(i.annual_cost_gbp, 0.0, "informal support is free");
            }
        }
    }
    assert!(
        close as f64 > 0.95 * plans.len() as f64,
        "costs add up to the budget in {close} of {}",
        plans.len()
    );
}

#[test]
fn histories_span_the_range_and_outcomes_vary() {
    let events = util::plan_events(&util::generate(util::config(3000, 5)));
    let kinds: BTreeSet<PlanEventType> = events.iter().map(|e| e.event_type).collect();
    assert_eq!(
        kinds.len(),
        4,
        "agreed, revised, reviewed and closed all occur"
    );
    for e in &events {
        assert_eq!(
            e.closure_reason.is_some(),
            e.event_type == PlanEventType::Closed
        );
        let year = e.occurred_at.format("%Y").to_string();
        assert!(
            ["2023", "2024", "2025"].contains(&year.as_str()),
            "{}",
            e.occurred_at
        );
    }
    let years: BTreeMap<String, usize> = events.iter().fold(BTreeMap::new(), |mut m, e| {
        *m.entry(e.occurred_at.format("%Y").to_string()).or_default() += 1;
        m
    });
    assert!(
        years.values().all(|&n| n > events.len() / 6),
        "events by year {years:?}"
    );
    let current = util::current_plans(&events);
    let texts: Vec<&str> = current
        .iter()
        .flat_map(|e| e.desired_outcomes.iter())
        .map(|o| o.text.as_str())
        .collect();
    let distinct: BTreeSet<&str> = texts.iter().copied().collect();
    assert!(
        distinct.len() as f64 > 0.6 * texts.len() as f64,
        "{} distinct of {}",
        distinct.len(),
        texts.len()
    );
    let localities: BTreeSet<(String, String)> = events
        .iter()
        .filter_map(|e| e.locality.clone().map(|l| (e.local_authority.clone(), l)))
        .collect();
    for (council, locality) in &localities {
        assert!(
            stf_generator::districts(council).contains(locality),
            "{locality} is not a district of {council}"
        );
    }
}
