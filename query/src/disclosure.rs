//! Disclosure control: the small-number rules of measures.md ("Publication: what may leave the
//! building") as pure functions over counts and money.
//!
//! - a count of people from 1 to `threshold - 1` is suppressed (published as null, flagged);
//! - every other count of people is rounded to the nearest `base` (0 stays 0);
//! - money is published only where the count of people behind it is at least `threshold`,
//!   rounded to the nearest `money_base` pounds;
//! - a share is computed from the published (rounded) numerator and denominator;
//! - where a table carries a total, a group with exactly one suppressed cell has its next
//!   smallest cell suppressed too ([`secondary_suppression`]).
//!
//! This module does no I/O and knows no tables: `published` applies it to the measures.

use serde::Serialize;

/// Pence in a pound: money arrives in pence (`Decimal128` with scale 2).
const PENCE: i128 = 100;

/// The rules' parameters; the defaults are NHS England's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DisclosureConfig {
    /// The smallest count of people published (and behind published money).
    pub threshold: u64,
    /// Published counts of people are rounded to a multiple of this.
    pub base: u64,
    /// Published money is rounded to a multiple of this many pounds.
    pub money_base: u64,
}

impl Default for DisclosureConfig {
    fn default() -> Self {
        Self {
            threshold: 8,
            base: 5,
            money_base: 1000,
        }
    }
}

/// What the rules let out of one count of people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum People {
    /// The count, rounded.
    Published(u64),
    /// The count was from 1 to `threshold - 1` (or hidden to protect such a count).
    Suppressed,
}

impl People {
    /// The published value, if any.
    pub fn value(self) -> Option<u64> {
        match self {
            Self::Published(n) => Some(n),
            Self::Suppressed => None,
        }
    }
}

impl DisclosureConfig {
    /// Whether a count of people must be suppressed on its own (primary suppression).
    pub fn is_small(&self, people: u64) -> bool {
        people > 0 && people < self.threshold
    }

    /// A count of people as published: suppressed when small, otherwise rounded.
    pub fn people(&self, people: u64) -> People {
        if self.is_small(people) {
            People::Suppressed
        } else {
            People::Published(round_half_up(people, self.base.max(1)))
        }
    }

    /// A money amount (in pence) as published, in whole pounds: only where `people`, the
    /// count of people behind it, reaches the threshold; rounded to `money_base` pounds.
    pub fn money(&self, people: u64, pence: i128) -> Option<i64> {
        if people < self.threshold {
            return None;
        }
        let unit = i128::from(self.money_base.max(1)) * PENCE;
        let rounded = round_half_away(pence, unit) / PENCE;
        i64::try_from(rounded).ok()
    }
}

/// A share from published numerator and denominator: `None` where either is withheld or the
/// denominator is zero.
pub fn share(numerator: Option<f64>, denominator: Option<f64>) -> Option<f64> {
    match (numerator, denominator) {
        (Some(n), Some(d)) if d != 0.0 => Some(n / d),
        _ => None,
    }
}

/// Secondary suppression in one group of cells that a published total adds up.
///
/// `values` are the true counts of the group's cells and `suppressed` which of them are
/// already suppressed. When exactly one cell is suppressed, its value could be recovered by
/// subtracting the others from the total, so the next smallest cell is suppressed too: the
/// smallest non-zero one if there is one (a zero adds no uncertainty when its count is
/// known to be zero), else the smallest. Ties go to the first. A group whose total is itself
/// suppressed needs nothing and should not be passed.
pub fn secondary_suppression(values: &[u64], suppressed: &mut [bool]) {
    debug_assert_eq!(values.len(), suppressed.len());
    if suppressed.iter().filter(|s| **s).count() != 1 {
        return;
    }
    let candidates = || {
        values
            .iter()
            .zip(suppressed.iter())
            .enumerate()
            .filter(|(_, (_, s))| !**s)
            .map(|(i, (v, _))| (i, *v))
    };
    let pick = candidates()
        .filter(|(_, v)| *v > 0)
        .min_by_key(|(_, v)| *v)
        .or_else(|| candidates().min_by_key(|(_, v)| *v));
    if let Some((i, _)) = pick {
        suppressed[i] = true;
    }
}

/// `n` rounded to the nearest multiple of `base`, halves up.
fn round_half_up(n: u64, base: u64) -> u64 {
    n.saturating_add(base / 2) / base * base
}

/// `n` rounded to the nearest multiple of `unit`, halves away from zero.
fn round_half_away(n: i128, unit: i128) -> i128 {
    let half = unit / 2;
    if n >= 0 {
        (n + half) / unit * unit
    } else {
        -((-n + half) / unit * unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(config: DisclosureConfig, cases: &[(u64, Option<u64>)]) {
        for (input, expected) in cases {
            assert_eq!(config.people(*input).value(), *expected, "people({input})");
        }
    }

    #[test]
    fn small_counts_are_suppressed_and_others_rounded_to_five() {
        check(
            DisclosureConfig::default(),
            &[
                (0, Some(0)),
                (1, None),
                (7, None),
                (8, Some(10)),
                (12, Some(10)),
                (13, Some(15)),
                (102, Some(100)),
                (103, Some(105)),
            ],
        );
    }

    #[test]
    fn threshold_and_base_are_configuration() {
        let config = DisclosureConfig {
            threshold: 10,
            base: 10,
            money_base: 100,
        };
        check(
            config,
            &[(9, None), (10, Some(10)), (14, Some(10)), (15, Some(20))],
        );
        assert_eq!(config.money(10, 123_456), Some(1_200));
    }

    #[test]
    fn money_needs_eight_people_and_rounds_to_a_thousand_pounds() {
        let config = DisclosureConfig::default();
        // £12,499.99 and £12,500.00 in pence.
        assert_eq!(config.money(7, 1_249_999), None);
        assert_eq!(config.money(0, 0), None);
        assert_eq!(config.money(8, 1_249_999), Some(12_000));
        assert_eq!(config.money(8, 1_250_000), Some(13_000));
        assert_eq!(config.money(100, 49_999), Some(0));
    }

    #[test]
    fn shares_come_from_published_figures() {
        assert_eq!(share(Some(5.0), Some(20.0)), Some(0.25));
        assert_eq!(share(None, Some(20.0)), None);
        assert_eq!(share(Some(5.0), Some(0.0)), None);
    }

    #[test]
    fn a_lone_suppressed_cell_takes_the_next_smallest_non_zero_cell_with_it() {
        let values = [3, 0, 40, 12, 12];
        let mut suppressed = values.map(|v| DisclosureConfig::default().is_small(v));
        secondary_suppression(&values, &mut suppressed);
        assert_eq!(suppressed, [true, false, false, true, false]);

        // Two suppressed cells already protect each other.
        let values = [3, 5, 40];
        let mut suppressed = [true, true, false];
        secondary_suppression(&values, &mut suppressed);
        assert_eq!(suppressed, [true, true, false]);

        // With only zeros left, a zero is taken.
        let values = [0, 4, 0];
        let mut suppressed = [false, true, false];
        secondary_suppression(&values, &mut suppressed);
        assert_eq!(suppressed, [true, true, false]);
    }

    proptest! {
        #[test]
        fn published_people_are_never_small_and_always_multiples_of_five(n in 0u64..100_000) {
            let config = DisclosureConfig::default();
            match config.people(n) {
                People::Published(p) => {
                    prop_assert!(p == 0 || p >= 8, "{n} published as {p}");
                    prop_assert_eq!(p % 5, 0);
                    prop_assert!(p.abs_diff(n) <= 2);
                }
                People::Suppressed => prop_assert!((1..=7).contains(&n)),
            }
        }

        #[test]
        fn published_money_has_enough_people_and_is_whole_thousands(
            people in 0u64..50,
            pence in 0i128..10_000_000_000,
        ) {
            let config = DisclosureConfig::default();
            match config.money(people, pence) {
                Some(pounds) => {
                    prop_assert!(people >= 8);
                    prop_assert_eq!(pounds % 1000, 0);
                    prop_assert!((i128::from(pounds) * 100 - pence).abs() <= 50_000);
                }
                None => prop_assert!(people < 8),
            }
        }

        #[test]
        fn secondary_suppression_never_leaves_one_cell_alone(
            values in proptest::collection::vec(0u64..30, 1..12),
        ) {
            let config = DisclosureConfig::default();
            let mut suppressed: Vec<bool> = values.iter().map(|v| config.is_small(*v)).collect();
            let primary = suppressed.clone();
            secondary_suppression(&values, &mut suppressed);
            let count = suppressed.iter().filter(|s| **s).count();
            prop_assert!(count != 1 || values.len() == 1);
            // Primary suppressions stay, at most one more is added.
            prop_assert!(primary.iter().zip(&suppressed).all(|(p, s)| !p || *s));
            prop_assert!(count - primary.iter().filter(|s| **s).count() <= 1);
        }
    }
}
