//! Bad messages for drills: each breaks exactly one rule of the contract, so that validation
//! names exactly the reason it was made to break. Every bad message is one line (no raw
//! newline bytes), however broken.

use serde_json::{json, Value};
use stf_schemas::event::{EventKind, ProviderServiceEvent, SupportPlanEvent};
use stf_schemas::reason::Reason;
use stf_schemas::validate::MAX_MESSAGE_BYTES;

use crate::rng::{self, Rng};
use crate::{bad_plan, bad_service};

/// Whether a reason can be broken in an event of this kind.
pub(crate) fn applies(reason: Reason, kind: EventKind) -> bool {
    match reason {
        Reason::UnknownCategory => kind == EventKind::ProviderService,
        Reason::BudgetOutOfRange
        | Reason::ClosureReasonMissing
        | Reason::ClosureReasonUnexpected => kind == EventKind::SupportPlan,
        _ => true,
    }
}

/// A good event to break.
pub(crate) enum Template {
    Plan(Box<SupportPlanEvent>),
    Service(Box<ProviderServiceEvent>),
}

/// Breaks `template` so that it fails on `reason` and nothing else; the payload.
pub(crate) fn make(rng: &mut Rng, reason: Reason, template: Template) -> Vec<u8> {
    match reason {
        Reason::Oversize => oversize(rng, &template),
        Reason::InvalidUtf8 => invalid_utf8(&template),
        Reason::MalformedJson => malformed(rng, &template),
        Reason::NotAnObject => not_an_object(rng, &template),
        _ => match template {
            Template::Plan(mut e) => {
                if let Some(bytes) = bad_plan::typed(rng, reason, &mut e) {
                    return bytes;
                }
                let mut v = serde_json::to_value(&*e).expect("events always serialise");
                bad_plan::value(rng, reason, &mut v);
                to_vec(&v)
            }
            Template::Service(mut e) => {
                if let Some(bytes) = bad_service::typed(rng, reason, &mut e) {
                    return bytes;
                }
                let mut v = serde_json::to_value(&*e).expect("events always serialise");
                bad_service::value(rng, reason, &mut v);
                to_vec(&v)
            }
        },
    }
}

pub(crate) fn to_vec<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("events always serialise")
}

fn good(template: &Template) -> Vec<u8> {
    match template {
        Template::Plan(e) => to_vec(e),
        Template::Service(e) => to_vec(e),
    }
}

/// Valid JSON padded with spaces past the limit.
fn oversize(rng: &mut Rng, template: &Template) -> Vec<u8> {
    let body = good(template);
    let pad = MAX_MESSAGE_BYTES + rng::int(rng, 1, 4096) as usize;
    let mut out = Vec::with_capacity(body.len() + pad);
    out.push(b'{');
    out.resize(1 + pad, b' ');
    out.extend_from_slice(&body[1..]);
    out
}

/// A Latin-1 "café" in free text, as from a system that never heard of UTF-8.
fn invalid_utf8(template: &Template) -> Vec<u8> {
    let body = good(template);
    let field: &[u8] = match template {
        Template::Plan(_) => b"\"text\":\"",
        Template::Service(_) => b"\"description\":\"",
    };
    let at = find(&body, field)
        .or_else(|| find(&body, b"\"description\":\""))
        .map_or(1, |p| p + field.len());
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(&body[..at]);
    out.extend_from_slice(b"caf\xe9 ");
    out.extend_from_slice(&body[at..]);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn malformed(rng: &mut Rng, template: &Template) -> Vec<u8> {
    let body = String::from_utf8(good(template)).expect("serde_json writes UTF-8");
    match rng::int(rng, 0, 2) {
        0 => {
            // Cut short, as by a broken pipe.
            let mut at = body.len() / 4 + rng::int(rng, 0, (body.len() / 2) as u32) as usize;
            while !body.is_char_boundary(at) {
                at -= 1;
            }
            body.as_bytes()[..at].to_vec()
        }
        1 => format!("{},}}", &body[..body.len() - 1]).into_bytes(),
        _ => body.replacen("\"schema\"", "'schema'", 1).into_bytes(),
    }
}

fn not_an_object(rng: &mut Rng, template: &Template) -> Vec<u8> {
    let body = String::from_utf8(good(template)).expect("serde_json writes UTF-8");
    if rng::chance(rng, 0.5) {
        format!("[{body}]").into_bytes()
    } else {
        // Encoded twice: a JSON string holding the event.
        to_vec(&body)
    }
}

pub(crate) fn pick_str(rng: &mut Rng, items: &[&str]) -> String {
    (rng::pick(rng, items)).to_owned()
}

/// Makes a text longer than `limit` characters, on one line.
pub(crate) fn stretch(text: &mut String, limit: usize) {
    let base = if text.is_empty() {
        "more support please".to_owned()
    } else {
        text.clone()
    };
    while text.chars().count() <= limit {
        text.push(' ');
        text.push_str(&base);
    }
}

pub(crate) fn timestamp(rng: &mut Rng) -> &'static str {
    rng::pick(
        rng,
        &[
            "2024-13-01T10:00:00Z",
            "01/05/2024 09:30",
            "2024-05-01",
            "yesterday",
            "2024-02-30T09:00:00Z",
            "2024-05-01T25:00:00Z",
        ],
    )
}

/// Arrays nested `depth` deep.
pub(crate) fn nest(depth: usize) -> Value {
    let mut v = json!("OL1");
    for _ in 0..depth {
        v = Value::Array(vec![v]);
    }
    v
}

/// Removes a field, or (now and then) sets it to null, which the contract treats alike.
pub(crate) fn drop_field(rng: &mut Rng, v: &mut Value, path: &str, field: &str) {
    if let Some(Value::Object(map)) = v.pointer_mut(path) {
        if rng::chance(rng, 0.2) {
            map.insert(field.to_owned(), Value::Null);
        } else {
            map.remove(field);
        }
    }
}

pub(crate) fn set(v: &mut Value, path: &str, field: &str, value: Value) {
    if let Some(Value::Object(map)) = v.pointer_mut(path) {
        map.insert(field.to_owned(), value);
    }
}
