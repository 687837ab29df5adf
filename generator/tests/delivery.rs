//! Delivery order: time order but for a few late and duplicate deliveries, which are what the
//! truth says they are.

mod util;

use std::collections::BTreeMap;

use stf_schemas::validate::decode;

fn occurred_at(payload: &[u8]) -> chrono::DateTime<chrono::Utc> {
    decode(payload).expect("good messages decode").occurred_at()
}

#[test]
fn late_and_duplicate_deliveries_are_few_and_true() {
    let messages = util::generate(util::config(2000, 8));
    let good: Vec<_> = messages.iter().filter(|m| m.broken.is_none()).collect();
    let originals = good.iter().filter(|m| !m.redelivery).count() as f64;
    let duplicates = good.iter().filter(|m| m.redelivery).count() as f64;
    let late = good.iter().filter(|m| m.late && !m.redelivery).count() as f64;
    assert!(
        (0.01..0.03).contains(&(duplicates / originals)),
        "duplicates {}",
        duplicates / originals
    );
    assert!(
        (0.02..0.04).contains(&(late / originals)),
        "late {}",
        late / originals
    );

    let mut first: BTreeMap<&str, &[u8]> = BTreeMap::new();
    let mut latest = None;
    let mut overtaken = 0;
    for m in &good {
        let at = occurred_at(&m.payload);
        if m.redelivery {
            let original = first
                .get(m.event_id.as_str())
                .expect("a duplicate follows its original");
            assert_eq!(*original, &m.payload[..], "a duplicate is byte-identical");
            continue;
        }
        assert!(
            first.insert(&m.event_id, &m.payload).is_none(),
            "event ids are unique"
        );
        if m.late {
            overtaken += usize::from(latest.is_some_and(|l| at < l));
        } else {
            assert!(
                latest.is_none_or(|l| at >= l),
                "on-time messages are in time order"
            );
            latest = Some(at);
        }
    }
    assert!(
        overtaken as f64 > late * 0.9,
        "late messages come after later events: {overtaken} of {late}"
    );
}

#[test]
fn some_plans_arrive_out_of_order() {
    let messages = util::generate(util::config(2000, 9));
    let mut last_version: BTreeMap<String, u32> = BTreeMap::new();
    let mut backwards = 0;
    for e in util::plan_events(&messages) {
        let v = last_version.entry(e.plan_id.clone()).or_insert(0);
        backwards += usize::from(e.plan_version < *v);
        *v = (*v).max(e.plan_version);
    }
    assert!(
        backwards > 0,
        "no plan ever arrived with an older version after a newer one"
    );
}
