//! A JSON tree that borrows from the message: what validation walks.
//!
//! Parsed by serde_json (its syntax, its number and string rules, its recursion limit), but held
//! without copying: a string points into the message unless it holds escapes, and an object is
//! its fields in document order, not a map of owned keys. A field given twice keeps its last
//! value, as in `serde_json::Value`. Once validation has passed, the tree deserialises into the
//! event types ([`from_json`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

/// One JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Object<'a>),
}

/// A JSON object: its fields in document order, each name once.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object<'a> {
    fields: Vec<(Cow<'a, str>, Json<'a>)>,
}

impl<'a> Object<'a> {
    /// The value of field `name`.
    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, value)| value)
    }

    /// The field names, in document order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(k, _)| k.as_ref())
    }
}

impl<'a> Json<'a> {
    /// Parses one JSON text (serde_json's grammar), borrowing its strings. Taking text that
    /// is UTF-8 already spares serde_json checking every string again (a check of the whole
    /// message at once is quicker).
    pub fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// A number as `f64` (as `serde_json::Value::as_f64`); `None` for anything else.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// A whole number that fits `i64` (as `serde_json::Value::as_i64`).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Field `name`, when this is an object that has it.
    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        match self {
            Self::Object(o) => o.get(name),
            _ => None,
        }
    }

    /// How deeply arrays and objects nest: 0 for a scalar, 1 for `[]` or `{}`.
    pub fn depth(&self) -> usize {
        let deepest = |items: &mut dyn Iterator<Item = &Json<'a>>| {
            1 + items.map(Json::depth).max().unwrap_or(0)
        };
        match self {
            Self::Array(items) => deepest(&mut items.iter()),
            Self::Object(o) => deepest(&mut o.fields.iter().map(|(_, v)| v)),
            _ => 0,
        }
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

/// Objects with more fields than this find repeated names through an index.
const INDEX_FROM_FIELDS: usize = 16;

/// Builds the tree. Numbers come as serde_json's `u64`/`i64`/`f64` callbacks: serde_json's
/// `arbitrary_precision` feature (off in this workspace) would send them as maps instead, and
/// the tests on numbers would fail.
struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Self::Value, E> {
        Ok(Number::from_f64(n).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(s)))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Json::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields: Vec<(Cow<'de, str>, Json<'de>)> = Vec::with_capacity(8);
        // Events have at most 17 fields, found by a scan; a message with thousands (hostile,
        // or broken) gets an index, so that finding a repeated name stays linear overall.
        let mut index: Option<HashMap<Cow<'de, str>, usize>> = None;
        while let Some(Key(name)) = map.next_key()? {
            let value = map.next_value()?;
            let seen = match &index {
                Some(index) => index.get(&name).copied(),
                None => fields.iter().position(|(k, _)| *k == name),
            };
            if let Some(at) = seen {
                fields[at].1 = value;
                continue;
            }
            if let Some(index) = &mut index {
                index.insert(name.clone(), fields.len());
            }
            fields.push((name, value));
            if index.is_none() && fields.len() > INDEX_FROM_FIELDS {
                let by_name = fields.iter().enumerate().map(|(i, (k, _))| (k.clone(), i));
                index = Some(by_name.collect());
            }
        }
        Ok(Json::Object(Object { fields }))
    }
}

/// A field name, borrowed from the message when it holds no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Why a tree does not fit a type.
pub type FitError = de::value::Error;

/// The tree as a value of type `T` (as `serde_json::from_value`, without consuming the tree).
pub fn from_json<'de, T: Deserialize<'de>>(json: &Json<'de>) -> Result<T, FitError> {
    T::deserialize(json)
}

impl<'de> Deserializer<'de> for &Json<'de> {
    type Error = FitError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FitError> {
        match self {
            Json::Null => visitor.visit_unit(),
            Json::Bool(b) => visitor.visit_bool(*b),
            Json::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => visitor.visit_u64(u),
                (None, Some(i), _) => visitor.visit_i64(i),
                (None, None, Some(f)) => visitor.visit_f64(f),
                (None, None, None) => Err(de::Error::custom("a number out of range")),
            },
            Json::String(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Json::String(Cow::Owned(s)) => visitor.visit_str(s),
            Json::Array(items) => {
                let mut seq = de::value::SeqDeserializer::new(items.iter());
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Json::Object(o) => {
                let fields = o.fields.iter().map(|(k, v)| (k.as_ref(), v));
                let mut map = de::value::MapDeserializer::new(fields);
                let value = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FitError> {
        match self {
            Json::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// Enums of the contract are code lists: a string naming a unit variant, nothing else.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FitError> {
        match self {
            Json::String(s) => visitor.visit_enum(s.as_ref().into_deserializer()),
            _ => Err(de::Error::custom("expected a code (a string)")),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, FitError> for &Json<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_without_escapes_are_borrowed_and_with_them_owned() {
        let text = r#"{"a": "plain", "b": "tab\there"}"#;
        let json = Json::parse(text).expect("JSON");
        assert!(matches!(
            json.get("a"),
            Some(Json::String(Cow::Borrowed("plain")))
        ));
        assert!(matches!(json.get("b"), Some(Json::String(Cow::Owned(s))) if s == "tab\there"));
    }

    #[test]
    fn a_field_given_twice_keeps_its_last_value_and_its_first_place() {
        let json = Json::parse(r#"{"x": 1, "y": 2, "x": 3}"#).expect("JSON");
        assert_eq!(json.get("x").and_then(Json::as_i64), Some(3));
        let Json::Object(o) = &json else {
            panic!("object")
        };
        assert_eq!(o.keys().collect::<Vec<_>>(), ["x", "y"]);
    }

    #[test]
    fn many_fields_keep_the_last_value_of_each_name() {
        let text = format!(
            "{{{}, \"k7\": \"last\"}}",
            (0..5000)
                .map(|i| format!("\"k{i}\": {i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let json = Json::parse(&text).expect("JSON");
        let Json::Object(o) = &json else {
            panic!("object")
        };
        assert_eq!(o.keys().count(), 5000);
        assert_eq!(json.get("k7").and_then(Json::as_str), Some("last"));
        assert_eq!(json.get("k4999").and_then(Json::as_i64), Some(4999));
        assert_eq!(o.keys().nth(7), Some("k7"));
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        for text in [
            "0",
            "-1",
            "18446744073709551615",
            "1.5",
            "1e300",
            "-0.0",
            "12818.0",
        ] {
            let ours = Json::parse(text).expect("JSON");
            let theirs: serde_json::Value = serde_json::from_str(text).expect("JSON");
            assert_eq!(ours.as_f64(), theirs.as_f64(), "{text}");
            assert_eq!(ours.as_i64(), theirs.as_i64(), "{text}");
        }
    }

    #[test]
    fn depth_counts_arrays_and_objects() {
        let depth = |t: &str| Json::parse(t).expect("JSON").depth();
        assert_eq!(depth("1"), 0);
        assert_eq!(depth("[]"), 1);
        assert_eq!(depth(r#"{"a": [1, {"b": []}], "c": 2}"#), 4);
    }

    #[test]
    fn deserialises_into_types_as_serde_json_does() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct T {
            a: u32,
            b: f64,
            c: Option<String>,
            d: Vec<bool>,
            e: Option<crate::codes::AgeBand>,
        }
        let text = r#"{"a": 7, "b": 3, "c": null, "d": [true, false], "e": "18-24"}"#;
        let ours: T = from_json(&Json::parse(text).expect("JSON")).expect("fits");
        let theirs: T = serde_json::from_str(text).expect("fits");
        assert_eq!(ours, theirs);
        for misfit in [
            r#"{"a": -1, "b": 3, "d": []}"#,
            r#"{"a": 1.5, "b": 3, "d": []}"#,
            r#"{"a": 1, "b": "3", "d": []}"#,
            r#"{"a": 1, "b": 3, "d": [], "z": 0}"#,
            r#"{"a": 1, "b": 3, "d": [], "e": {"18-24": null}}"#,
            r#"{"a": 1, "b": 3, "d": [], "e": "18 to 24"}"#,
        ] {
            let json = Json::parse(misfit).expect("JSON");
            assert!(from_json::<T>(&json).is_err(), "{misfit}");
        }
    }
}
