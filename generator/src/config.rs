//! What to generate: how many plans, for which councils and dates, from which seed, and how
//! much of the stream is late, duplicated, broken or carries personal data.

use chrono::NaiveDate;

use crate::error::Error;

/// A spread of councils across England's regions: metropolitan, London, shire and unitary,
/// large and small.
pub const DEFAULT_COUNCILS: [&str; 10] = [
    "E08000003", // Manchester
    "E08000035", // Leeds
    "E08000025", // Birmingham
    "E09000007", // Camden
    "E06000052", // Cornwall
    "E10000016", // Kent
    "E06000023", // Bristol
    "E08000004", // Oldham
    "E06000001", // Hartlepool
    "E10000020", // Norfolk
];

/// The settings of one generated data set. Two equal configs give identical bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratorConfig {
    /// How many support plans (each has one or more events).
    pub plans: u64,
    /// The seed of every random choice.
    pub seed: u64,
    /// GSS codes of the councils whose residents the plans and services are for.
    pub councils: Vec<String>,
    /// The first day events may occur on.
    pub from: NaiveDate,
    /// The last day events may occur on (inclusive).
    pub to: NaiveDate,
    /// The share of all messages that are bad (break the contract), in `[0, 0.9]`.
    pub bad_fraction: f64,
    /// The share of good messages delivered a second time, byte for byte.
    pub duplicate_fraction: f64,
    /// The share of good messages delivered late, after events that occurred after them.
    pub late_fraction: f64,
    /// The share of good events with personal data planted in their free text.
    pub pii_fraction: f64,
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        Self {
            plans: 1000,
            seed: 42,
            councils: DEFAULT_COUNCILS.iter().map(|c| (*c).to_owned()).collect(),
            from: NaiveDate::from_ymd_opt(2023, 1, 1).expect("a valid date"),
            to: NaiveDate::from_ymd_opt(2025, 12, 31).expect("a valid date"),
            bad_fraction: 0.0,
            duplicate_fraction: 0.02,
            late_fraction: 0.03,
            pii_fraction: 0.02,
        }
    }
}

impl GeneratorConfig {
    /// Checks that every setting can be generated from.
    pub fn validate(&self) -> Result<(), Error> {
        if self.councils.is_empty() {
            return Err(Error::NoCouncils);
        }
        for (i, code) in self.councils.iter().enumerate() {
            if stf_schemas::councils::by_code(code).is_none() {
                return Err(Error::UnknownCouncil { code: code.clone() });
            }
            if self.councils[..i].contains(code) {
                return Err(Error::DuplicateCouncil { code: code.clone() });
            }
        }
        if self.to < self.from {
            return Err(Error::EmptyDateRange {
                from: self.from.to_string(),
                to: self.to.to_string(),
            });
        }
        fraction("bad_fraction", self.bad_fraction, 0.9)?;
        fraction("duplicate_fraction", self.duplicate_fraction, 0.5)?;
        fraction("late_fraction", self.late_fraction, 0.5)?;
        fraction("pii_fraction", self.pii_fraction, 1.0)?;
        Ok(())
    }
}

fn fraction(name: &'static str, value: f64, max: f64) -> Result<(), Error> {
    // `max` itself is allowed for pii_fraction (every event), not for the others.
    let ok = value >= 0.0 && (value < max || (max == 1.0 && value <= max));
    if ok {
        Ok(())
    } else {
        Err(Error::FractionOutOfRange { name, value, max })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_councils_are_all_listed() {
        GeneratorConfig::default()
            .validate()
            .expect("defaults are valid");
    }

    #[test]
    fn unknown_and_repeated_councils_are_refused() {
        let mut c = GeneratorConfig {
            councils: vec!["E07000117".into()],
            ..Default::default()
        };
        assert!(matches!(c.validate(), Err(Error::UnknownCouncil { .. })));
        c.councils = vec!["E08000004".into(), "E08000004".into()];
        assert!(matches!(c.validate(), Err(Error::DuplicateCouncil { .. })));
        c.councils.clear();
        assert_eq!(c.validate(), Err(Error::NoCouncils));
    }

    #[test]
    fn fractions_and_dates_are_checked() {
        let c = GeneratorConfig {
            bad_fraction: 0.95,
            ..Default::default()
        };
        assert!(matches!(
            c.validate(),
            Err(Error::FractionOutOfRange {
                name: "bad_fraction",
                ..
            })
        ));
        let c = GeneratorConfig {
            pii_fraction: 1.0,
            ..Default::default()
        };
        assert!(c.validate().is_ok());
        let c = GeneratorConfig {
            from: NaiveDate::from_ymd_opt(2024, 1, 2).expect("date"),
            to: NaiveDate::from_ymd_opt(2024, 1, 1).expect("date"),
            ..Default::default()
        };
        assert!(matches!(c.validate(), Err(Error::EmptyDateRange { .. })));
    }
}
