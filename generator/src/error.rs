//! The one error type of the crate: a configuration that cannot be generated from.

/// Why a [`crate::GeneratorConfig`] was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("no councils given")]
    NoCouncils,
    #[error("`{code}` is not a council with social-care responsibility (see schemas/data/local_authorities.csv)")]
    UnknownCouncil { code: String },
    #[error("council `{code}` is given more than once")]
    DuplicateCouncil { code: String },
    #[error("the date range {from}..{to} is empty")]
    EmptyDateRange { from: String, to: String },
    #[error("{name} must be at least 0 and below {max}, not {value}")]
    FractionOutOfRange {
        name: &'static str,
        value: f64,
        max: f64,
    },
}
