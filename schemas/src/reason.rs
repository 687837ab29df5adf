//! Stable reason codes for rejected messages.
//!
//! These spellings are a contract with operators: they appear in dead-letter headers, the
//! `rejected_events` table and metrics labels. Add codes; never rename one.

use std::fmt;

/// Why a message was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// The message is larger than [`crate::validate::MAX_MESSAGE_BYTES`].
    Oversize,
    /// The message is not valid UTF-8.
    InvalidUtf8,
    /// The message is not one JSON value.
    MalformedJson,
    /// The JSON nests deeper than any event of the contract can.
    TooDeep,
    /// The JSON value is not an object.
    NotAnObject,
    /// `schema` is missing or names no event version we know.
    UnknownSchema,
    /// A required field is absent (or null).
    MissingField,
    /// A field that the contract does not have.
    UnknownField,
    /// A field of the wrong JSON type.
    WrongType,
    /// A value that is not in its code list.
    InvalidCode,
    /// A council code that is not one of the councils with social-care responsibility.
    UnknownLocalAuthority,
    /// A category id that is not in the taxonomy.
    UnknownCategory,
    /// A full postcode where only a postcode district may stand.
    FullPostcodeInLocality,
    /// A locality that is not a postcode district.
    InvalidLocality,
    /// An `event_id` that is not a UUID.
    InvalidEventId,
    /// An identifier that breaks its pattern.
    InvalidId,
    /// A timestamp that is not RFC 3339.
    InvalidTimestamp,
    /// A budget below 0 or above £1,000,000.
    BudgetOutOfRange,
    /// Another number outside its range.
    NumberOutOfRange,
    /// A string that is empty or too long.
    TextLength,
    /// An array with too few or too many items.
    ItemCount,
    /// A `plan_closed` event without `closure_reason`.
    ClosureReasonMissing,
    /// A `closure_reason` on an event that is not `plan_closed`.
    ClosureReasonUnexpected,
}

impl Reason {
    /// Every reason code.
    pub const ALL: &'static [Reason] = &[
        Self::Oversize,
        Self::InvalidUtf8,
        Self::MalformedJson,
        Self::TooDeep,
        Self::NotAnObject,
        Self::UnknownSchema,
        Self::MissingField,
        Self::UnknownField,
        Self::WrongType,
        Self::InvalidCode,
        Self::UnknownLocalAuthority,
        Self::UnknownCategory,
        Self::FullPostcodeInLocality,
        Self::InvalidLocality,
        Self::InvalidEventId,
        Self::InvalidId,
        Self::InvalidTimestamp,
        Self::BudgetOutOfRange,
        Self::NumberOutOfRange,
        Self::TextLength,
        Self::ItemCount,
        Self::ClosureReasonMissing,
        Self::ClosureReasonUnexpected,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Oversize => "oversize",
            Self::InvalidUtf8 => "invalid_utf8",
            Self::MalformedJson => "malformed_json",
            Self::TooDeep => "too_deep",
            Self::NotAnObject => "not_an_object",
            Self::UnknownSchema => "unknown_schema",
            Self::MissingField => "missing_field",
            Self::UnknownField => "unknown_field",
            Self::WrongType => "wrong_type",
            Self::InvalidCode => "invalid_code",
            Self::UnknownLocalAuthority => "unknown_local_authority",
            Self::UnknownCategory => "unknown_category",
            Self::FullPostcodeInLocality => "full_postcode_in_locality",
            Self::InvalidLocality => "invalid_locality",
            Self::InvalidEventId => "invalid_event_id",
            Self::InvalidId => "invalid_id",
            Self::InvalidTimestamp => "invalid_timestamp",
            Self::BudgetOutOfRange => "budget_out_of_range",
            Self::NumberOutOfRange => "number_out_of_range",
            Self::TextLength => "text_length",
            Self::ItemCount => "item_count",
            Self::ClosureReasonMissing => "closure_reason_missing",
            Self::ClosureReasonUnexpected => "closure_reason_unexpected",
        }
    }

    /// The reason with this code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.code() == code)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for &r in Reason::ALL {
            assert!(seen.insert(r.code()), "duplicate code {}", r.code());
            assert_eq!(Reason::from_code(r.code()), Some(r));
        }
        assert_eq!(Reason::from_code("nonsense"), None);
    }
}
