//! A small walker over raw JSON that records every contract problem with its JSON path.
//!
//! `validate` describes the two events with it; this module knows nothing of events.

use serde_json::{Map, Value};
use std::str::FromStr;

use crate::codes::CodeList;
use crate::reason::Reason;

/// One way in which a message breaks the contract.
///
/// Details never repeat a value of the message: a rejected message may hold personal data,
/// and rejections are written to tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON path of the offending value, e.g. `$.planned_support[2].annual_cost_gbp`.
    pub path: String,
    pub reason: Reason,
    /// A human phrase naming what is wrong, without the offending value.
    pub detail: String,
}

/// Collects problems while walking one message.
#[derive(Debug, Default)]
pub(crate) struct Checker {
    pub problems: Vec<Problem>,
}

/// The path of a field inside an object at `parent`.
pub(crate) fn field_path(parent: &str, name: &str) -> String {
    format!("{parent}.{name}")
}

/// The path of an array item inside an array at `parent`.
pub(crate) fn item_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Checker {
    pub fn push(&mut self, path: impl Into<String>, reason: Reason, detail: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            reason,
            detail: detail.into(),
        });
    }

    fn wrong_type(&mut self, path: &str, want: &str, got: &Value) {
        self.push(
            path,
            Reason::WrongType,
            format!("expected {want}, found {}", type_name(got)),
        );
    }

    /// The value as an object whose keys are all in `allowed`; every other key is a problem.
    pub fn object<'v>(
        &mut self,
        path: &str,
        v: &'v Value,
        allowed: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Value::Object(map) = v else {
            self.wrong_type(path, "an object", v);
            return None;
        };
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                self.push(
                    field_path(path, &safe_key(key)),
                    Reason::UnknownField,
                    "is not a field of the contract",
                );
            }
        }
        Some(map)
    }

    /// A required field; absent or null is a problem.
    pub fn required<'v>(
        &mut self,
        path: &str,
        map: &'v Map<String, Value>,
        name: &str,
    ) -> Option<&'v Value> {
        match map.get(name) {
            None | Some(Value::Null) => {
                self.push(
                    field_path(path, name),
                    Reason::MissingField,
                    format!("required field `{name}` is missing"),
                );
                None
            }
            Some(v) => Some(v),
        }
    }

    /// A string of `min..=max` characters.
    pub fn string<'v>(
        &mut self,
        path: &str,
        v: &'v Value,
        min: usize,
        max: usize,
    ) -> Option<&'v str> {
        let Value::String(s) = v else {
            self.wrong_type(path, "a string", v);
            return None;
        };
        let n = s.chars().count();
        if n < min || n > max {
            self.push(
                path,
                Reason::TextLength,
                format!("has {n} characters; allowed {min} to {max}"),
            );
        }
        Some(s)
    }

    /// A string that is an identifier of `min..=max` characters of `[A-Za-z0-9_-]`.
    pub fn identifier(&mut self, path: &str, v: &Value, min: usize, max: usize) {
        let Value::String(s) = v else {
            self.wrong_type(path, "a string", v);
            return;
        };
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !ok_chars || s.len() < min || s.len() > max {
            self.push(
                path,
                Reason::InvalidId,
                format!("must be {min} to {max} characters of A-Z, a-z, 0-9, `_` or `-`"),
            );
        }
    }

    /// A code of list `T`.
    pub fn code<T: CodeList + FromStr>(&mut self, path: &str, v: &Value) -> Option<T> {
        let Value::String(s) = v else {
            self.wrong_type(path, "a string", v);
            return None;
        };
        match s.parse::<T>() {
            Ok(c) => Some(c),
            Err(_) => {
                self.push(
                    path,
                    Reason::InvalidCode,
                    format!("is not a {} code", T::NAME),
                );
                None
            }
        }
    }

    /// A number in `min..=max`; out of range is a problem with `reason`.
    pub fn number(
        &mut self,
        path: &str,
        v: &Value,
        min: f64,
        max: f64,
        reason: Reason,
    ) -> Option<f64> {
        let Some(x) = v.as_f64().filter(|_| v.is_number()) else {
            self.wrong_type(path, "a number", v);
            return None;
        };
        if !(min..=max).contains(&x) {
            let range = if max == f64::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            self.push(path, reason, format!("is out of range; allowed {range}"));
        }
        Some(x)
    }

    /// A whole number in `min..=max`.
    pub fn integer(&mut self, path: &str, v: &Value, min: i64, max: i64) -> Option<i64> {
        let Some(x) = v.as_i64() else {
            self.wrong_type(path, "a whole number", v);
            return None;
        };
        if !(min..=max).contains(&x) {
            self.push(
                path,
                Reason::NumberOutOfRange,
                format!("is out of range; allowed {min} to {max}"),
            );
        }
        Some(x)
    }

    pub fn boolean(&mut self, path: &str, v: &Value) -> Option<bool> {
        let b = v.as_bool();
        if b.is_none() {
            self.wrong_type(path, "true or false", v);
        }
        b
    }

    /// An array of `min..=max` items.
    pub fn array<'v>(
        &mut self,
        path: &str,
        v: &'v Value,
        min: usize,
        max: usize,
    ) -> Option<&'v [Value]> {
        let Value::Array(items) = v else {
            self.wrong_type(path, "an array", v);
            return None;
        };
        if items.len() < min || items.len() > max {
            self.push(
                path,
                Reason::ItemCount,
                format!("has {} items; allowed {min} to {max}", items.len()),
            );
        }
        Some(items)
    }

    /// An RFC 3339 timestamp.
    pub fn timestamp(&mut self, path: &str, v: &Value) {
        let Value::String(s) = v else {
            self.wrong_type(path, "an RFC 3339 timestamp string", v);
            return;
        };
        if chrono::DateTime::parse_from_rfc3339(s).is_err() {
            self.push(
                path,
                Reason::InvalidTimestamp,
                "is not an RFC 3339 timestamp",
            );
        }
    }

    /// A UUID in its 8-4-4-4-12 hex form.
    pub fn uuid(&mut self, path: &str, v: &Value) {
        let Value::String(s) = v else {
            self.wrong_type(path, "a UUID string", v);
            return;
        };
        if !is_uuid(s) {
            self.push(path, Reason::InvalidEventId, "is not a UUID");
        }
    }
}

/// Whether `s` is a UUID in its hyphenated 8-4-4-4-12 hex form.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A field name fit to appear in a path: names are echoed only when they look like field
/// names, so that a message cannot smuggle free text into a rejection's detail.
pub(crate) fn safe_key(key: &str) -> String {
    let plain = !key.is_empty()
        && key.len() <= 40
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plain {
        key.to_owned()
    } else {
        "<field>".to_owned()
    }
}
