//! Councils as places: their postcode districts (real outward codes for the default councils
//! and some others, plausible derived ones elsewhere), how people spread over them, a short
//! town name for free text, and whether the council is rural.

use stf_schemas::councils::{self, Council};

use crate::rng::{self, Rng};

/// Real postcode districts of some councils, whitespace-separated.
const KNOWN: &[(&str, &str)] = &[
    ("E08000004", "OL1 OL2 OL3 OL4 OL8 OL9 M35"),
    (
        "E08000003",
        "M1 M2 M3 M4 M8 M9 M11 M12 M13 M14 M15 M16 M18 M19 M20 M21 M22 M23 M40",
    ),
    (
        "E08000035",
        "LS1 LS2 LS3 LS4 LS5 LS6 LS7 LS8 LS9 LS10 LS11 LS12 LS13 LS14 LS15 LS16 LS17 LS18 LS19 LS20 LS25 LS26 LS27 LS28",
    ),
    (
        "E08000025",
        "B5 B6 B7 B8 B9 B10 B11 B12 B13 B14 B15 B16 B17 B18 B19 B20 B21 B23 B24 B25 B26 B27 B28 B29 B30 B31 B32 B33 B34 B35 B36 B38 B42 B44",
    ),
    ("E09000007", "NW1 NW3 NW5 NW6 WC1H WC1N WC1X N6"),
    (
        "E06000052",
        "TR1 TR2 TR3 TR4 TR7 TR8 TR9 TR10 TR11 TR13 TR14 TR15 TR16 TR18 TR19 TR26 PL11 PL12 PL13 PL14 PL15 PL17 PL22 PL24 PL25 PL26 PL27 PL28 PL30 PL31 PL32 EX23",
    ),
    (
        "E10000016",
        "CT1 CT2 CT5 CT6 CT9 CT10 CT11 CT14 CT16 CT19 CT20 CT21 ME10 ME13 ME14 ME15 ME16 ME17 ME18 ME19 ME20 TN1 TN2 TN4 TN9 TN10 TN12 TN13 TN15 TN23 TN24 TN25 TN28 DA1 DA2 DA3 DA9 DA10 DA11 DA12 DA13",
    ),
    ("E06000023", "BS1 BS2 BS3 BS4 BS5 BS6 BS7 BS8 BS9 BS10 BS11 BS13 BS14 BS16"),
    ("E06000001", "TS24 TS25 TS26 TS27"),
    (
        "E10000020",
        "NR1 NR2 NR3 NR4 NR5 NR6 NR7 NR8 NR9 NR10 NR11 NR12 NR13 NR14 NR15 NR16 NR17 NR18 NR19 NR20 NR21 NR22 NR23 NR24 NR25 NR26 NR27 NR28 NR29 NR30 NR31 NR35 PE30 PE31 PE32 PE33 PE34 PE36 PE37 PE38 IP20 IP21 IP22 IP24 IP25 IP26",
    ),
    ("E08000012", "L1 L2 L3 L4 L5 L6 L7 L8 L9 L11 L12 L13 L14 L15 L17 L18 L19 L24 L25 L27"),
    ("E08000019", "S1 S2 S3 S4 S5 S6 S7 S8 S9 S10 S11 S12 S13 S14 S17 S20 S35"),
    ("E08000021", "NE1 NE2 NE3 NE4 NE5 NE6 NE7 NE12 NE13 NE15"),
    ("E06000018", "NG1 NG2 NG3 NG5 NG6 NG7 NG8 NG11"),
    ("E06000016", "LE1 LE2 LE3 LE4 LE5"),
    ("E08000032", "BD1 BD2 BD3 BD4 BD5 BD6 BD7 BD8 BD9 BD10 BD13 BD14 BD15"),
    ("E08000006", "M5 M6 M7 M27 M28 M30 M38 M44 M50"),
    ("E08000008", "OL5 OL6 OL7 SK14 SK15 SK16 M34 M43"),
    ("E08000005", "OL10 OL11 OL12 OL16 M24"),
    ("E08000007", "SK1 SK2 SK3 SK4 SK5 SK6 SK7 SK8"),
    ("E08000010", "WN1 WN2 WN3 WN4 WN5 WN6 WN7"),
    ("E08000001", "BL1 BL2 BL3 BL4 BL5 BL6 BL7"),
    ("E08000024", "SR1 SR2 SR3 SR4 SR5 SR6"),
    ("E06000010", "HU1 HU2 HU3 HU4 HU5 HU6 HU7 HU8 HU9"),
    ("E06000014", "YO1 YO10 YO23 YO24 YO26 YO30 YO31 YO32"),
    ("E08000026", "CV1 CV2 CV3 CV4 CV5 CV6"),
    ("E06000026", "PL1 PL2 PL3 PL4 PL5 PL6 PL7 PL9"),
    ("E06000045", "SO14 SO15 SO16 SO17 SO18 SO19"),
    ("E06000043", "BN1 BN2 BN3 BN41"),
    ("E09000019", "N1 N4 N5 N7 N19 EC1V"),
    ("E09000012", "E2 E5 E8 E9 N16"),
    ("E09000030", "E1 E1W E3 E14"),
];

/// Unitary councils that are mostly rural (county councils always are).
const RURAL_UNITARIES: &[&str] = &[
    "E06000052",
    "E06000057",
    "E06000051",
    "E06000054",
    "E06000019",
    "E06000065",
    "E06000059",
    "E06000063",
    "E06000064",
    "E06000066",
    "E06000046",
    "E06000017",
    "E06000047",
];

/// The postcode districts used for a council: real ones where known, else derived from its
/// name (plausible outward codes, `^[A-Z]{1,2}[0-9]{1,2}$`). Empty for an unknown code.
pub fn districts(gss_code: &str) -> Vec<String> {
    if let Some((_, list)) = KNOWN.iter().find(|(code, _)| *code == gss_code) {
        return list.split_whitespace().map(str::to_owned).collect();
    }
    match councils::by_code(gss_code) {
        Some(council) => derived(council),
        None => Vec::new(),
    }
}

fn derived(council: &Council) -> Vec<String> {
    let letters: Vec<char> = town(&council.name)
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let first = letters.first().copied().unwrap_or('Z');
    let second = letters
        .iter()
        .skip(1)
        .copied()
        .find(|c| !"AEIOU".contains(*c))
        .unwrap_or('X');
    let count = (council.population_2020 / 35_000).clamp(3, 30);
    (1..=count).map(|n| format!("{first}{second}{n}")).collect()
}

/// The short name people use for the place: "City of Bristol" → "Bristol",
/// "Bournemouth, Christchurch and Poole" → "Bournemouth".
pub(crate) fn town(name: &str) -> &str {
    let name = name.strip_prefix("City of ").unwrap_or(name);
    name.split(',').next().unwrap_or(name).trim()
}

/// One configured council, ready to draw people and services from.
#[derive(Debug)]
pub(crate) struct Area {
    pub code: String,
    pub town: String,
    pub region: String,
    pub rural: bool,
    pub london: bool,
    pub districts: Vec<String>,
    /// Cumulative district weights: a few busy districts, a long tail of quiet ones.
    cumulative: Vec<f64>,
}

impl Area {
    /// A district index, busy districts more often.
    pub fn sample_district(&self, rng: &mut Rng) -> usize {
        sample(&self.cumulative, rng)
    }
}

/// The configured councils, weighted by population.
#[derive(Debug)]
pub(crate) struct Areas {
    pub list: Vec<Area>,
    cumulative: Vec<f64>,
}

impl Areas {
    /// Builds the areas of known council codes (the config has been validated).
    pub fn new(codes: &[String], seed: u64) -> Self {
        let mut list = Vec::with_capacity(codes.len());
        let mut cumulative = Vec::with_capacity(codes.len());
        let mut total = 0.0;
        for (ci, code) in codes.iter().enumerate() {
            let Some(council) = councils::by_code(code) else {
                continue;
            };
            let districts = districts(code);
            // Rank districts by a seeded shuffle, then weight them 1/rank^0.7.
            let mut order: Vec<usize> = (0..districts.len()).collect();
            order.sort_by_key(|&j| rng::key(seed, 0xD15, (ci as u64) << 32 | j as u64));
            let mut weights = vec![0.0; districts.len()];
            for (rank, &j) in order.iter().enumerate() {
                weights[j] = 1.0 / ((rank + 1) as f64).powf(0.7);
            }
            let mut acc = 0.0;
            let district_cumulative = weights
                .iter()
                .map(|w| {
                    acc += w;
                    acc
                })
                .collect();
            total += council.population_2020 as f64;
            cumulative.push(total);
            list.push(Area {
                code: code.clone(),
                town: town(&council.name).to_owned(),
                region: council.region.clone(),
                rural: council.kind == "CTY" || RURAL_UNITARIES.contains(&code.as_str()),
                london: council.region == "London",
                districts,
                cumulative: district_cumulative,
            });
        }
        Self { list, cumulative }
    }

    /// A council index, populous councils more often.
    pub fn sample(&self, rng: &mut Rng) -> usize {
        sample(&self.cumulative, rng)
    }

    /// The share of all people who live in council `i`.
    pub fn share(&self, i: usize) -> f64 {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let before = if i == 0 { 0.0 } else { self.cumulative[i - 1] };
        (self.cumulative[i] - before) / total
    }
}

fn sample(cumulative: &[f64], rng: &mut Rng) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let x = rng::unit(rng) * total;
    cumulative
        .partition_point(|&c| c <= x)
        .min(cumulative.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_district(s: &str) -> bool {
        let b = s.as_bytes();
        let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
        (1..=2).contains(&letters)
            && b.len() > letters
            && b[letters].is_ascii_digit()
            && b.len() <= letters + 2
            && b[letters + 1..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    }

    #[test]
    fn every_council_has_well_formed_districts() {
        for council in councils::all() {
            let list = districts(&council.gss_code);
            assert!(
                list.len() >= 3,
                "{} has {} districts",
                council.name,
                list.len()
            );
            for d in &list {
                assert!(is_district(d), "{d} of {} is not a district", council.name);
            }
        }
    }

    #[test]
    fn known_codes_are_councils() {
        for (code, _) in KNOWN {
            assert!(councils::by_code(code).is_some(), "{code}");
        }
        assert_eq!(districts("E08000004")[0], "OL1");
        assert!(districts("E07000117").is_empty());
    }

    #[test]
    fn towns_are_short() {
        assert_eq!(town("City of Bristol"), "Bristol");
        assert_eq!(town("Bournemouth, Christchurch and Poole"), "Bournemouth");
    }
}
