//! Support-plan events as JSON, byte for byte what `serde_json` writes for the typed event,
//! at a fraction of the cost: escaping strings and formatting timestamps through `serde` is
//! most of the generator's time otherwise. Tests hold the two to the same bytes.

use chrono::{Datelike, Timelike};
use stf_schemas::event::SUPPORT_PLAN_SCHEMA;

use crate::plans::Built;

/// Appends the event as serde_json would write `built.typed()`.
pub(crate) fn write_built(b: &mut Built<'_>, out: &mut Vec<u8>) {
    let content = b.content;
    out.reserve(640 + 160 * (content.outcomes.len() + content.items.len()));
    out.extend_from_slice(b"{\"schema\":");
    code(SUPPORT_PLAN_SCHEMA, out);
    out.extend_from_slice(b",\"event_id\":");
    string(&b.event_id, out);
    out.extend_from_slice(b",\"event_type\":");
    code(b.kind.as_str(), out);
    out.extend_from_slice(b",\"occurred_at\":");
    timestamp(&timestamp_of(b.at), out);
    out.extend_from_slice(b",\"plan_id\":");
    string(&b.plan_id, out);
    out.extend_from_slice(b",\"plan_version\":");
    int(u64::from(b.version), out);
    out.extend_from_slice(b",\"local_authority\":");
    string(&b.area.code, out);
    if let Some(locality) = b.locality() {
        out.extend_from_slice(b",\"locality\":");
        string(locality, out);
    }
    let p = &b.profile;
    out.extend_from_slice(b",\"person\":{\"age_band\":");
    code(p.age.as_str(), out);
    out.extend_from_slice(b",\"cohort\":");
    code(p.cohort.as_str(), out);
    out.extend_from_slice(b",\"primary_support_reason\":");
    code(p.psr.as_str(), out);
    if let Some(ethnicity) = p.ethnicity {
        out.extend_from_slice(b",\"ethnicity_group\":");
        code(ethnicity.as_str(), out);
    }
    out.extend_from_slice(b"},\"budget\":{\"annual_gbp\":");
    float(b.budget, out);
    out.extend_from_slice(b",\"delivery_mechanism\":");
    code(content.mechanism.as_str(), out);
    out.extend_from_slice(b"},\"desired_outcomes\":[");
    for (i, o) in content.outcomes.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"text\":");
        string(&o.text, out);
        if let Some(priority) = o.priority {
            out.extend_from_slice(b",\"priority\":");
            int(u64::from(priority), out);
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"planned_support\":[");
    for i in 0..content.items.len() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"description\":");
        string(b.describe(i), out);
        let s = &content.items[i];
        out.extend_from_slice(b",\"service_type\":");
        code(s.service_type.as_str(), out);
        out.extend_from_slice(b",\"provider_kind\":");
        code(s.provider_kind.as_str(), out);
        if let Some(hours) = s.hours {
            out.extend_from_slice(b",\"hours_per_week\":");
            float(hours, out);
        }
        out.extend_from_slice(b",\"annual_cost_gbp\":");
        float(s.cost, out);
        out.extend_from_slice(if s.arranged {
            b",\"arranged\":true}"
        } else {
            b",\"arranged\":false}"
        });
    }
    out.push(b']');
    if let Some(reason) = b.closure_reason {
        out.extend_from_slice(b",\"closure_reason\":");
        code(reason.as_str(), out);
    }
    out.push(b'}');
}

fn timestamp_of(secs: i64) -> chrono::DateTime<chrono::Utc> {
    crate::plans::timestamp(secs)
}

/// A code of a code list: never needs escaping.
fn code(s: &str, out: &mut Vec<u8>) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// A JSON string, escaped as serde_json escapes it.
fn string(s: &str, out: &mut Vec<u8>) {
    let bytes = s.as_bytes();
    if !needs_escape(bytes) {
        code(s, out);
        return;
    }
    out.push(b'"');
    {
        for &b in bytes {
            match b {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                0x08 => out.extend_from_slice(b"\\b"),
                0x09 => out.extend_from_slice(b"\\t"),
                0x0A => out.extend_from_slice(b"\\n"),
                0x0C => out.extend_from_slice(b"\\f"),
                0x0D => out.extend_from_slice(b"\\r"),
                0x00..=0x1F => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.extend_from_slice(&[
                        b'\\',
                        b'u',
                        b'0',
                        b'0',
                        HEX[(b >> 4) as usize],
                        HEX[(b & 0xF) as usize],
                    ]);
                }
                _ => out.push(b),
            }
        }
    }
    out.push(b'"');
}

/// Whether any byte is a control character, a quote or a backslash; eight bytes at a time.
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("chunks of eight"));
        let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
        if control | zero(x ^ (ONES * u64::from(b'"'))) | zero(x ^ (ONES * u64::from(b'\\'))) != 0 {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

fn int(mut n: u64, out: &mut Vec<u8>) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// A number, through serde_json (shortest round-trip form).
fn float(x: f64, out: &mut Vec<u8>) {
    serde_json::to_writer(&mut *out, &x).expect("writing a number to memory cannot fail");
}

fn two(n: u32, out: &mut Vec<u8>) {
    out.push(b'0' + (n / 10) as u8);
    out.push(b'0' + (n % 10) as u8);
}

/// RFC 3339 in UTC with a `Z`, as chrono serialises a whole-second time; anything else is
/// left to chrono.
fn timestamp(t: &chrono::DateTime<chrono::Utc>, out: &mut Vec<u8>) {
    let year = t.year();
    if t.nanosecond() != 0 || !(1000..=9999).contains(&year) {
        serde_json::to_writer(&mut *out, t).expect("writing a time to memory cannot fail");
        return;
    }
    out.push(b'"');
    int(year as u64, out);
    out.push(b'-');
    two(t.month(), out);
    out.push(b'-');
    two(t.day(), out);
    out.push(b'T');
    two(t.hour(), out);
    out.push(b':');
    two(t.minute(), out);
    out.push(b':');
    two(t.second(), out);
    out.extend_from_slice(b"Z\"");
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_string(s: &str) {
        let mut ours = Vec::new();
        string(s, &mut ours);
        assert_eq!(ours, serde_json::to_vec(s).expect("serialises"), "{s:?}");
    }

    fn check_time(secs: i64, nanos: u32) {
        let t = chrono::DateTime::from_timestamp(secs, nanos).expect("in range");
        let mut ours = Vec::new();
        timestamp(&t, &mut ours);
        assert_eq!(ours, serde_json::to_vec(&t).expect("serialises"), "{t:?}");
    }

    #[test]
    fn escapes_are_found_at_every_position() {
        for len in 0..20 {
            assert!(!needs_escape("a".repeat(len).as_bytes()));
            assert!(!needs_escape("é ~\u{7f}".repeat(len).as_bytes()));
            for at in 0..len {
                for c in ['"', '\\', '\n', '\u{0}', '\u{1f}'] {
                    let mut s: Vec<char> = "a".repeat(len).chars().collect();
                    s[at] = c;
                    let s: String = s.into_iter().collect();
                    assert!(needs_escape(s.as_bytes()), "{s:?}");
                    check_string(&s);
                }
            }
        }
    }

    #[test]
    fn awkward_strings_and_times() {
        for s in [
            "",
            "plain",
            "quote \" and \\ back",
            "tab\tnew\nline\r\u{8}\u{c}\u{1}\u{1f}\u{7f}",
            "café £ 😀 /",
        ] {
            check_string(s);
        }
        for (secs, nanos) in [
            (0, 0),
            (1_700_000_000, 0),
            (1_700_000_000, 5),
            (-1, 0),
            (253_402_300_799, 0),
            (-62_135_596_800, 0),
        ] {
            check_time(secs, nanos);
        }
        for n in [0, 7, 10, 99, 100, u64::from(u32::MAX)] {
            let mut ours = Vec::new();
            int(n, &mut ours);
            assert_eq!(ours, serde_json::to_vec(&n).expect("serialises"));
        }
    }

    fn check_float(x: f64) {
        let mut ours = Vec::new();
        float(x, &mut ours);
        let theirs = serde_json::to_vec(&x).expect("serialises");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs),
            "{x:?}"
        );
    }

    #[test]
    fn numbers_match_serde() {
        for x in [
            0.0,
            0.01,
            0.1,
            0.5,
            1.0,
            2.25,
            7.5,
            10.0,
            2787.2,
            12_000.0,
            999_999.99,
            1_000_000.0,
            9_999_999.99,
            1e7,
            1e9,
            1e21,
            -0.0,
            -3.0,
            0.001,
            1e-7,
            123.456,
        ] {
            check_float(x);
        }
    }

    proptest! {
        #[test]
        fn any_amount_to_the_penny(pennies in 0u64..2_000_000_000, raw in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
            check_float(pennies as f64 / 100.0);
            check_float(raw);
        }

        #[test]
        fn any_string_and_time(s in any::<String>(), secs in -62_135_596_800i64..253_402_300_799) {
            check_string(&s);
            check_time(secs, 0);
        }
    }
}
