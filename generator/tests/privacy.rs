//! Personal data is planted where the truth says, in every kind, and the redactor of
//! `stf_schemas::privacy` finds all of it; text without planted data has nothing to redact.

mod util;

use std::collections::BTreeMap;

use stf_generator::{GeneratorConfig, PiiKind};
use stf_schemas::privacy::redact_event;
use stf_schemas::validate::decode;

#[test]
fn planted_data_is_where_the_truth_says_and_is_redacted() {
    let config = GeneratorConfig {
        pii_fraction: 0.3,
        ..util::config(400, 21)
    };
    let messages = util::generate(config);
    let mut kinds: BTreeMap<PiiKind, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut clean = 0;
    for m in messages
        .iter()
        .filter(|m| m.broken.is_none() && !m.redelivery)
    {
        let text = String::from_utf8(m.payload.clone()).expect("good messages are UTF-8");
        let mut event = decode(&m.payload).expect("good messages decode");
        let found = redact_event(&mut event);
        if m.pii.is_empty() {
            clean += 1;
            if found.total() > 0 {
                problems.push(format!("false positive ({found:?}) in {text}"));
            }
            continue;
        }
        let after = event.to_json();
        for (kind, value) in &m.pii {
            *kinds.entry(*kind).or_default() += 1;
            if !text.contains(value.as_str()) {
                problems.push(format!("{} {value:?} is not in the message", kind.code()));
            }
            if after.contains(value.as_str()) {
                problems.push(format!(
                    "{} {value:?} survived redaction: {after}",
                    kind.code()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(clean > 500, "only {clean} clean messages");
    for kind in PiiKind::ALL {
        assert!(
            kinds.get(&kind).copied().unwrap_or(0) >= 5,
            "too little {kind:?}: {kinds:?}"
        );
    }
}

#[test]
fn no_pii_unless_asked() {
    let config = GeneratorConfig {
        pii_fraction: 0.0,
        ..util::config(100, 4)
    };
    assert!(util::generate(config).iter().all(|m| m.pii.is_empty()));
}
