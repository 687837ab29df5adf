//! A dataset on its way out: raw rows typed by what each column counts, turned into
//! published rows by the rules of [`crate::disclosure`].
//!
//! The column kinds carry the rules: people are suppressed or rounded, money follows the
//! count of people behind it, organisations and services pass as they are, shares are
//! recomputed from published figures. Where a table carries totals, secondary suppression
//! runs over each group of rows that a total row sums up. This module knows nothing of SQL
//! or HTTP.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::disclosure::{secondary_suppression, share, DisclosureConfig};

/// What a column holds, which decides how it is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A dimension or label, published as it is.
    Text,
    /// A month (ISO date of its first day), published as it is.
    Date,
    /// A yes/no attribute of the row, published as it is.
    Flag,
    /// A count of people: suppressed when small, otherwise rounded.
    People,
    /// A money total in pounds, published only where the named people column reaches the
    /// threshold (and is not suppressed), rounded.
    Money { people: &'static str },
    /// A count of organisations or services: not people, published as it is.
    Count,
    /// A capacity that is not people (places or hours a week), to one decimal place.
    Quantity,
    /// The ratio of two published columns of the row.
    Share {
        numerator: &'static str,
        denominator: &'static str,
    },
}

/// One column of a published dataset.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    /// One sentence for the API document and the CSV reader.
    pub description: &'static str,
}

/// A raw cell, before disclosure control.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Text(String),
    Flag(bool),
    /// People, organisations or services.
    Count(u64),
    /// Money, in pence.
    Pence(i128),
    Quantity(f64),
    /// No value (a share, computed later, or a missing dimension).
    Null,
}

/// Rows that a total row adds up, for secondary suppression.
#[derive(Debug, Clone, Copy)]
pub struct Totals {
    /// The columns that name a group (e.g. `local_authority`).
    pub group_by: &'static [&'static str],
    /// The [`Kind::Flag`] column that is true on the group's total row.
    pub total_flag: &'static str,
}

/// A dataset before disclosure control.
#[derive(Debug, Clone)]
pub struct RawTable {
    pub columns: &'static [Column],
    pub rows: Vec<Vec<Raw>>,
    pub totals: Option<Totals>,
}

/// One published row: a value per column, and the columns withheld by the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub values: Vec<Value>,
    pub suppressed: Vec<&'static str>,
}

/// A dataset after disclosure control.
#[derive(Debug, Clone)]
pub struct Table {
    pub columns: &'static [Column],
    pub rows: Vec<Row>,
}

impl RawTable {
    fn index(&self, name: &str) -> usize {
        self.columns
            .iter()
            .position(|c| c.name == name)
            .unwrap_or_else(|| panic!("dataset definition: no column {name}"))
    }

    fn count(&self, row: usize, column: usize) -> u64 {
        match self.rows[row][column] {
            Raw::Count(n) => n,
            _ => 0,
        }
    }

    /// Applies the rules and returns what may be published.
    pub fn publish(&self, config: &DisclosureConfig) -> Table {
        let masks = self.people_masks(config);
        let rows = (0..self.rows.len())
            .map(|r| self.publish_row(config, &masks, r))
            .collect();
        Table {
            columns: self.columns,
            rows,
        }
    }

    /// For every people column, which rows are suppressed (primary, then secondary).
    fn people_masks(&self, config: &DisclosureConfig) -> BTreeMap<usize, Vec<bool>> {
        let mut masks = BTreeMap::new();
        for (c, column) in self.columns.iter().enumerate() {
            if column.kind != Kind::People {
                continue;
            }
            let mut mask: Vec<bool> = (0..self.rows.len())
                .map(|r| config.is_small(self.count(r, c)))
                .collect();
            for (total, members) in self.groups() {
                if mask[total] {
                    continue;
                }
                let values: Vec<u64> = members.iter().map(|&r| self.count(r, c)).collect();
                let mut group: Vec<bool> = members.iter().map(|&r| mask[r]).collect();
                secondary_suppression(&values, &mut group);
                for (&r, s) in members.iter().zip(group) {
                    mask[r] = s;
                }
            }
            masks.insert(c, mask);
        }
        masks
    }

    /// Each group's total row and the rows it adds up.
    fn groups(&self) -> Vec<(usize, Vec<usize>)> {
        let Some(totals) = self.totals else {
            return Vec::new();
        };
        let keys: Vec<usize> = totals.group_by.iter().map(|n| self.index(n)).collect();
        let flag = self.index(totals.total_flag);
        let mut groups: BTreeMap<Vec<String>, (Option<usize>, Vec<usize>)> = BTreeMap::new();
        for (r, row) in self.rows.iter().enumerate() {
            let key = keys.iter().map(|&k| format!("{:?}", row[k])).collect();
            let entry = groups.entry(key).or_default();
            if row[flag] == Raw::Flag(true) {
                entry.0 = Some(r);
            } else {
                entry.1.push(r);
            }
        }
        groups
            .into_values()
            .filter_map(|(total, members)| total.map(|t| (t, members)))
            .collect()
    }

    fn publish_row(
        &self,
        config: &DisclosureConfig,
        masks: &BTreeMap<usize, Vec<bool>>,
        r: usize,
    ) -> Row {
        let row = &self.rows[r];
        let mut values = Vec::with_capacity(row.len());
        let mut suppressed = Vec::new();
        for (c, column) in self.columns.iter().enumerate() {
            let value = match column.kind {
                Kind::People => {
                    if masks[&c][r] {
                        suppressed.push(column.name);
                        Value::Null
                    } else {
                        let n = config.people(self.count(r, c)).value().unwrap_or(0);
                        Value::from(n)
                    }
                }
                Kind::Money { people } => {
                    let p = self.index(people);
                    let pence = match row[c] {
                        Raw::Pence(pence) => pence,
                        _ => 0,
                    };
                    let published = (!masks[&p][r])
                        .then(|| config.money(self.count(r, p), pence))
                        .flatten();
                    match published {
                        Some(pounds) => Value::from(pounds),
                        None => {
                            suppressed.push(column.name);
                            Value::Null
                        }
                    }
                }
                Kind::Share { .. } => Value::Null,
                Kind::Text | Kind::Date | Kind::Flag | Kind::Count | Kind::Quantity => {
                    as_is(&row[c])
                }
            };
            values.push(value);
        }
        // Shares last: they read the published values of their row.
        for (c, column) in self.columns.iter().enumerate() {
            if let Kind::Share {
                numerator,
                denominator,
            } = column.kind
            {
                let (n, d) = (self.index(numerator), self.index(denominator));
                if suppressed.contains(&numerator) || suppressed.contains(&denominator) {
                    suppressed.push(column.name);
                    continue;
                }
                values[c] = share(values[n].as_f64(), values[d].as_f64())
                    .map(|s| Value::from((s * 10_000.0).round() / 10_000.0))
                    .unwrap_or(Value::Null);
            }
        }
        Row { values, suppressed }
    }
}

fn as_is(raw: &Raw) -> Value {
    match raw {
        Raw::Text(s) => Value::from(s.as_str()),
        Raw::Flag(b) => Value::from(*b),
        Raw::Count(n) => Value::from(*n),
        Raw::Quantity(q) => Value::from((q * 10.0).round() / 10.0),
        Raw::Pence(_) | Raw::Null => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    const COLUMNS: &[Column] = &[
        Column {
            name: "local_authority",
            kind: Kind::Text,
            description: "",
        },
        Column {
            name: "total",
            kind: Kind::Flag,
            description: "",
        },
        Column {
            name: "people",
            kind: Kind::People,
            description: "",
        },
        Column {
            name: "budget_gbp",
            kind: Kind::Money { people: "people" },
            description: "",
        },
        Column {
            name: "services",
            kind: Kind::Count,
            description: "",
        },
        Column {
            name: "people_per_service",
            kind: Kind::Share {
                numerator: "people",
                denominator: "services",
            },
            description: "",
        },
    ];

    /// A table of groups, each a total row (the sums) and its cells of (people, pence).
    fn table(groups: &[Vec<(u64, i128)>]) -> RawTable {
        let mut rows = Vec::new();
        for (g, cells) in groups.iter().enumerate() {
            let la = Raw::Text(format!("E0{g}"));
            let row = |total: bool, people: u64, pence: i128| {
                vec![
                    la.clone(),
                    Raw::Flag(total),
                    Raw::Count(people),
                    Raw::Pence(pence),
                    Raw::Count(3),
                    Raw::Null,
                ]
            };
            let people = cells.iter().map(|c| c.0).sum();
            let pence = cells.iter().map(|c| c.1).sum();
            rows.push(row(true, people, pence));
            rows.extend(cells.iter().map(|&(p, m)| row(false, p, m)));
        }
        RawTable {
            columns: COLUMNS,
            rows,
            totals: Some(Totals {
                group_by: &["local_authority"],
                total_flag: "total",
            }),
        }
    }

    #[test]
    fn rows_are_published_by_kind() {
        let raw = table(&[vec![(3, 300_000), (12, 2_449_999), (40, 9_000_000)]]);
        let out = raw.publish(&DisclosureConfig::default());
        let cells: Vec<_> = out
            .rows
            .iter()
            .map(|r| (&r.values[2..], &r.suppressed))
            .collect();
        // Total: 55 people, £117,499.99.
        assert_eq!(
            cells[0].0,
            [json!(55), json!(117_000), json!(3), json!(18.3333)]
        );
        // 3 people: suppressed with its money and share.
        assert_eq!(
            cells[1].0,
            [Value::Null, Value::Null, json!(3), Value::Null]
        );
        assert_eq!(cells[1].1, &["people", "budget_gbp", "people_per_service"]);
        // 12 people: the next smallest, suppressed so that 3 cannot be recovered from 55.
        assert_eq!(cells[2].1, &["people", "budget_gbp", "people_per_service"]);
        // 40 people, £90,000, 13.3333 (40 / 3) a service.
        assert_eq!(
            cells[3].0,
            [json!(40), json!(90_000), json!(3), json!(13.3333)]
        );
        assert!(cells[3].1.is_empty());
    }

    #[test]
    fn money_behind_no_one_is_withheld_but_zero_people_are_not_suppressed() {
        let raw = table(&[vec![(0, 0), (20, 5_000_000)]]);
        let out = raw.publish(&DisclosureConfig::default());
        assert_eq!(out.rows[1].values[2], Value::from(0));
        assert_eq!(out.rows[1].suppressed, ["budget_gbp"]);
    }

    fn groups() -> impl Strategy<Value = Vec<Vec<(u64, i128)>>> {
        let cell = (
            prop_oneof![0u64..10, 0u64..40, 0u64..2_000],
            0i128..3_000_000,
        )
            .prop_map(|(people, per_person)| (people, i128::from(people) * per_person));
        proptest::collection::vec(proptest::collection::vec(cell, 1..8), 1..6)
    }

    proptest! {
        /// measures.md's rules over random tables with totals: no published count of people
        /// is 1 to 7, each is a multiple of 5, money has 8 people behind it and is whole
        /// thousands, and no suppressed cell is alone beside a published total.
        #[test]
        fn random_tables_obey_the_small_number_rules(groups in groups()) {
            let raw = table(&groups);
            let out = raw.publish(&DisclosureConfig::default());
            for (raw_row, row) in raw.rows.iter().zip(&out.rows) {
                let Raw::Count(people) = raw_row[2] else { unreachable!() };
                if let Some(p) = row.values[2].as_u64() {
                    prop_assert!(!(1..=7).contains(&p), "published {p}");
                    prop_assert_eq!(p % 5, 0);
                } else {
                    prop_assert!(row.suppressed.contains(&"people"));
                }
                if let Some(m) = row.values[3].as_i64() {
                    prop_assert!(people >= 8);
                    prop_assert_eq!(m % 1000, 0);
                }
            }
            let mut at = 0;
            for cells in &groups {
                let total = &out.rows[at];
                let members = &out.rows[at + 1..at + 1 + cells.len()];
                at += 1 + cells.len();
                if total.values[2].is_null() {
                    continue;
                }
                let hidden = members.iter().filter(|r| r.values[2].is_null()).count();
                prop_assert!(hidden != 1, "one suppressed cell beside a published total");
                if !total.values[3].is_null() {
                    // Money withheld behind people who are not known to be zero.
                    let hidden_money = members
                        .iter()
                        .filter(|r| r.values[3].is_null() && r.values[2].as_u64() != Some(0))
                        .count();
                    prop_assert!(hidden_money != 1, "one withheld sum beside a published total");
                }
            }
        }
    }
}
