//! A small walker over raw JSON that records every contract problem with its JSON path.
//!
//! `validate` describes the two events with it; this module knows nothing of events.

use std::fmt;
use std::str::FromStr;

use crate::codes::CodeList;
use crate::json::{Json, Object};
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

/// Where a value sits in a message. Built on the stack while walking and written out
/// (`$.planned_support[2].annual_cost_gbp`) only when a problem is recorded there.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'p> {
    Root,
    Field(&'p Path<'p>, &'p str),
    Item(&'p Path<'p>, usize),
}

/// The path of the whole message, `$`.
pub(crate) const ROOT: Path<'static> = Path::Root;

impl<'p> Path<'p> {
    /// The path of field `name` of the object here.
    pub fn field(&'p self, name: &'p str) -> Path<'p> {
        Path::Field(self, name)
    }

    /// The path of item `index` of the array here.
    pub fn item(&'p self, index: usize) -> Path<'p> {
        Path::Item(self, index)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => f.write_str("$"),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Item(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// The most problems listed for one message; the rest are counted in one last entry. A
/// message of 1 MiB can break a rule a hundred thousand times (an array of numbers where
/// objects belong), and its detail goes into a dead letter's header and a table cell.
pub const MAX_LISTED_PROBLEMS: usize = 20;

/// Collects problems while walking one message.
#[derive(Debug, Default)]
pub(crate) struct Checker {
    problems: Vec<Problem>,
    /// Problems past [`MAX_LISTED_PROBLEMS`]: how many, and the first one's reason.
    unlisted: usize,
    first_unlisted: Option<Reason>,
}

fn type_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

impl Checker {
    /// The problems found: at most [`MAX_LISTED_PROBLEMS`], then one entry counting the rest.
    pub fn finish(mut self) -> Vec<Problem> {
        if let Some(reason) = self.first_unlisted {
            self.problems.push(Problem {
                path: "$".to_owned(),
                reason,
                detail: format!("{} more problems, not listed", self.unlisted),
            });
        }
        self.problems
    }

    pub fn push(&mut self, at: &Path, reason: Reason, detail: impl Into<String>) {
        if self.problems.len() == MAX_LISTED_PROBLEMS {
            self.unlisted += 1;
            self.first_unlisted.get_or_insert(reason);
            return;
        }
        self.problems.push(Problem {
            path: at.to_string(),
            reason,
            detail: detail.into(),
        });
    }

    fn wrong_type(&mut self, at: &Path, want: &str, got: &Json) {
        self.push(
            at,
            Reason::WrongType,
            format!("expected {want}, found {}", type_name(got)),
        );
    }

    /// The value as an object whose keys are all in `allowed`; every other key is a problem.
    pub fn object<'v, 'a>(
        &mut self,
        at: &Path,
        v: &'v Json<'a>,
        allowed: &[&str],
    ) -> Option<&'v Object<'a>> {
        let Json::Object(object) = v else {
            self.wrong_type(at, "an object", v);
            return None;
        };
        // In name order, as they were listed when objects were `serde_json` maps.
        let mut unknown: Vec<&str> = object.keys().filter(|k| !allowed.contains(k)).collect();
        unknown.sort_unstable();
        for key in unknown {
            self.push(
                &at.field(&safe_key(key)),
                Reason::UnknownField,
                "is not a field of the contract",
            );
        }
        Some(object)
    }

    /// A required field, with its path; absent or null is a problem.
    pub fn required<'v, 'a, 'p>(
        &mut self,
        at: &'p Path<'p>,
        object: &'v Object<'a>,
        name: &'p str,
    ) -> Option<(Path<'p>, &'v Json<'a>)> {
        let here = at.field(name);
        match object.get(name) {
            None | Some(Json::Null) => {
                self.push(
                    &here,
                    Reason::MissingField,
                    format!("required field `{name}` is missing"),
                );
                None
            }
            Some(v) => Some((here, v)),
        }
    }

    /// A string of `min..=max` characters.
    pub fn string<'v>(
        &mut self,
        at: &Path,
        v: &'v Json,
        min: usize,
        max: usize,
    ) -> Option<&'v str> {
        let Json::String(s) = v else {
            self.wrong_type(at, "a string", v);
            return None;
        };
        if !has_chars(s, min, max) {
            let n = s.chars().count();
            self.push(
                at,
                Reason::TextLength,
                format!("has {n} characters; allowed {min} to {max}"),
            );
        }
        Some(s)
    }

    /// A string that is an identifier of `min..=max` characters of `[A-Za-z0-9_-]`.
    pub fn identifier(&mut self, at: &Path, v: &Json, min: usize, max: usize) {
        let Json::String(s) = v else {
            self.wrong_type(at, "a string", v);
            return;
        };
        if !is_identifier(s, min, max) {
            self.push(
                at,
                Reason::InvalidId,
                format!("must be {min} to {max} characters of A-Z, a-z, 0-9, `_` or `-`"),
            );
        }
    }

    /// A code of list `T`.
    pub fn code<T: CodeList + FromStr>(&mut self, at: &Path, v: &Json) -> Option<T> {
        let Json::String(s) = v else {
            self.wrong_type(at, "a string", v);
            return None;
        };
        match s.parse::<T>() {
            Ok(c) => Some(c),
            Err(_) => {
                self.push(
                    at,
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
        at: &Path,
        v: &Json,
        min: f64,
        max: f64,
        reason: Reason,
    ) -> Option<f64> {
        let Some(x) = v.as_f64() else {
            self.wrong_type(at, "a number", v);
            return None;
        };
        if !(min..=max).contains(&x) {
            let range = if max == f64::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            self.push(at, reason, format!("is out of range; allowed {range}"));
        }
        Some(x)
    }

    /// A whole number in `min..=max`.
    pub fn integer(&mut self, at: &Path, v: &Json, min: i64, max: i64) -> Option<i64> {
        let Some(x) = v.as_i64() else {
            self.wrong_type(at, "a whole number", v);
            return None;
        };
        if !(min..=max).contains(&x) {
            self.push(
                at,
                Reason::NumberOutOfRange,
                format!("is out of range; allowed {min} to {max}"),
            );
        }
        Some(x)
    }

    pub fn boolean(&mut self, at: &Path, v: &Json) -> Option<bool> {
        let b = v.as_bool();
        if b.is_none() {
            self.wrong_type(at, "true or false", v);
        }
        b
    }

    /// An array of `min..=max` items.
    pub fn array<'v, 'a>(
        &mut self,
        at: &Path,
        v: &'v Json<'a>,
        min: usize,
        max: usize,
    ) -> Option<&'v [Json<'a>]> {
        let Json::Array(items) = v else {
            self.wrong_type(at, "an array", v);
            return None;
        };
        if items.len() < min || items.len() > max {
            self.push(
                at,
                Reason::ItemCount,
                format!("has {} items; allowed {min} to {max}", items.len()),
            );
        }
        Some(items)
    }

    /// An RFC 3339 timestamp.
    pub fn timestamp(&mut self, at: &Path, v: &Json) {
        let Json::String(s) = v else {
            self.wrong_type(at, "an RFC 3339 timestamp string", v);
            return;
        };
        if chrono::DateTime::parse_from_rfc3339(s).is_err() {
            self.push(at, Reason::InvalidTimestamp, "is not an RFC 3339 timestamp");
        }
    }

    /// A UUID in its 8-4-4-4-12 hex form.
    pub fn uuid(&mut self, at: &Path, v: &Json) {
        let Json::String(s) = v else {
            self.wrong_type(at, "a UUID string", v);
            return;
        };
        if !is_uuid(s) {
            self.push(at, Reason::InvalidEventId, "is not a UUID");
        }
    }
}

/// Whether `s` has `min..=max` characters.
pub(crate) fn has_chars(s: &str, min: usize, max: usize) -> bool {
    // A character takes one to four bytes, so the count lies in `len/4 ..= len` (rounded
    // up): when that range is within bounds, the characters need not be counted.
    let len = s.len();
    if len <= max && len.div_ceil(4) >= min {
        return true;
    }
    (min..=max).contains(&s.chars().count())
}

/// Whether `s` is an identifier of `min..=max` characters of `[A-Za-z0-9_-]`.
pub(crate) fn is_identifier(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
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

#[cfg(test)]
mod tests {
    use super::has_chars;

    /// The shortcut on byte length agrees with counting, for one- to four-byte characters.
    #[test]
    fn has_chars_agrees_with_counting() {
        for unit in ["a", "é", "€", "🙂"] {
            for n in 0..12 {
                let s = unit.repeat(n);
                for min in 0..10 {
                    for max in min..14 {
                        let counted = (min..=max).contains(&s.chars().count());
                        assert_eq!(has_chars(&s, min, max), counted, "{s:?} in {min}..={max}");
                    }
                }
            }
        }
    }
}
