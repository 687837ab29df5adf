//! The councils with adult social-care responsibility in England (ONS GSS codes), embedded
//! from `schemas/data/local_authorities.csv`.

use std::collections::HashMap;
use std::sync::OnceLock;

const CSV: &str = include_str!("../data/local_authorities.csv");

/// One council.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Council {
    /// ONS GSS code, e.g. `E08000004`.
    pub gss_code: String,
    pub name: String,
    /// `UA`, `MD`, `LB` or `CTY`.
    pub kind: String,
    pub region: String,
    pub population_2020: u64,
}

/// Every council, in file order.
pub fn all() -> &'static [Council] {
    static COUNCILS: OnceLock<Vec<Council>> = OnceLock::new();
    COUNCILS.get_or_init(|| parse(CSV))
}

/// The council with this GSS code.
pub fn by_code(code: &str) -> Option<&'static Council> {
    // Looked up for every event ingested: by a map, not a walk of the list.
    static BY_CODE: OnceLock<HashMap<&'static str, &'static Council>> = OnceLock::new();
    let map = BY_CODE.get_or_init(|| all().iter().map(|c| (c.gss_code.as_str(), c)).collect());
    map.get(code).copied()
}

/// Whether this GSS code is a council of the list.
pub fn is_known(code: &str) -> bool {
    by_code(code).is_some()
}

fn parse(csv: &str) -> Vec<Council> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f = split_csv_line(line);
            assert!(f.len() == 5, "embedded council list: bad line {line:?}");
            Council {
                gss_code: f[0].clone(),
                name: f[1].clone(),
                kind: f[2].clone(),
                region: f[3].clone(),
                population_2020: f[4]
                    .parse()
                    .expect("embedded council list: population is a number"),
            }
        })
        .collect()
}

/// Splits one CSV line with optional double-quoted fields (no embedded quotes in our file).
fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    fields.push(cur);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_every_council_once() {
        let all = all();
        assert_eq!(all.len(), 153);
        let mut codes: Vec<_> = all.iter().map(|c| c.gss_code.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 153);
        assert!(codes
            .iter()
            .all(|c| ["E06", "E08", "E09", "E10"].contains(&&c[..3])));
    }

    #[test]
    fn quoted_names_keep_their_commas() {
        let bcp = by_code("E06000058").expect("BCP is listed");
        assert_eq!(bcp.name, "Bournemouth, Christchurch and Poole");
        assert_eq!(bcp.population_2020, 396_989);
        assert!(!is_known("E07000001"));
    }
}
