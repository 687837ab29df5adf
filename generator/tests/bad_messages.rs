//! Every bad message is rejected for exactly the rule it was made to break, and every rule is
//! broken at a modest size.

mod util;

use std::collections::BTreeMap;

use stf_generator::GeneratorConfig;
use stf_schemas::reason::Reason;
use stf_schemas::validate::{decode, decode_fully};

#[test]
fn every_bad_message_is_rejected_for_its_reason_alone() {
    let config = GeneratorConfig {
        bad_fraction: 0.3,
        ..util::config(150, 11)
    };
    let messages = util::generate(config);
    let mut seen: BTreeMap<Reason, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    for m in messages.iter().filter(|m| m.broken.is_some()) {
        let reason = m.broken.expect("filtered");
        *seen.entry(reason).or_default() += 1;
        assert!(
            !m.payload.contains(&b'\n'),
            "{reason}: a bad message holds a newline"
        );
        match decode(&m.payload) {
            Ok(_) => wrong.push(format!("{reason}: accepted")),
            Err(r) if r.reason != reason || r.problems.len() != 1 => {
                let text: String = String::from_utf8_lossy(&m.payload)
                    .chars()
                    .take(300)
                    .collect();
                wrong.push(format!(
                    "{reason}: rejected as {} ({}) — {text}",
                    r.reason, r.detail
                ));
            }
            Err(r) => {
                let expected = (!m.event_id.is_empty()).then(|| m.event_id.clone());
                if r.event_id != expected {
                    wrong.push(format!(
                        "{reason}: event id read as {:?}, expected {expected:?}",
                        r.event_id
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    for reason in Reason::ALL {
        assert!(
            seen.contains_key(reason),
            "{reason} was never produced: {seen:?}"
        );
    }
}

/// `decode`'s quick path may only accept what the full check accepts: over every kind of bad
/// message, and good ones with personal data, the two give the same verdict.
#[test]
fn the_quick_path_and_the_full_check_agree_on_every_message() {
    let config = GeneratorConfig {
        bad_fraction: 0.3,
        pii_fraction: 0.5,
        ..util::config(200, 23)
    };
    let messages = util::generate(config);
    let mut accepted = 0;
    for m in &messages {
        let quick = decode(&m.payload);
        assert_eq!(
            quick,
            decode_fully(&m.payload),
            "{:?}: {}",
            m.broken,
            String::from_utf8_lossy(&m.payload[..m.payload.len().min(300)])
        );
        accepted += usize::from(quick.is_ok());
    }
    let good = messages.iter().filter(|m| m.broken.is_none()).count();
    assert_eq!(accepted, good);
}

#[test]
fn the_bad_fraction_is_about_right() {
    let config = GeneratorConfig {
        bad_fraction: 0.1,
        ..util::config(300, 5)
    };
    let messages = util::generate(config);
    let bad = messages.iter().filter(|m| m.broken.is_some()).count() as f64;
    let share = bad / messages.len() as f64;
    assert!((0.07..0.13).contains(&share), "bad share {share}");
    let none = util::generate(util::config(100, 5));
    assert!(none.iter().all(|m| m.broken.is_none()));
}

#[test]
fn oversize_messages_are_over_the_limit_and_still_json() {
    let config = GeneratorConfig {
        bad_fraction: 0.5,
        ..util::config(40, 2)
    };
    for m in util::generate(config)
        .iter()
        .filter(|m| m.broken == Some(Reason::Oversize))
    {
        assert!(m.payload.len() > stf_schemas::validate::MAX_MESSAGE_BYTES);
        assert!(m.payload.len() < stf_schemas::validate::MAX_MESSAGE_BYTES + 100_000);
        serde_json::from_slice::<serde_json::Value>(&m.payload).expect("only the size is wrong");
    }
}
