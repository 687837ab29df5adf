//! UK postcode shapes: the district (outward code) that may be sent, and the full postcode
//! that may not.

/// Whether `s` is a postcode district (outward code), e.g. `OL1`, `LS25`, `SW1A`, `M1`.
pub fn is_district(s: &str) -> bool {
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if !(1..=2).contains(&letters) || b.len() < letters + 1 || b.len() > letters + 2 {
        return false;
    }
    let rest = &b[letters..];
    rest[0].is_ascii_digit()
        && rest[1..]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

/// Whether `s` is a full postcode (outward and inward code, with or without the space),
/// in any letter case.
pub fn is_full_postcode(s: &str) -> bool {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.len() < 5 || compact.len() > 7 || !compact.is_ascii() {
        return false;
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let inward = inward.as_bytes();
    is_district(outward)
        && inward[0].is_ascii_digit()
        && inward[1].is_ascii_uppercase()
        && inward[2].is_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn districts() {
        for ok in ["OL1", "LS25", "SW1A", "M1", "EC1V", "B33"] {
            assert!(is_district(ok), "{ok}");
        }
        for bad in ["", "ol1", "OL", "1OL", "OLD12", "OL1 1AA", "LS255", "O-1"] {
            assert!(!is_district(bad), "{bad}");
        }
    }

    #[test]
    fn full_postcodes() {
        for full in ["OL1 1AA", "ol11aa", "SW1A 2AA", "M1 1AE", "LS25 6BW"] {
            assert!(is_full_postcode(full), "{full}");
        }
        for not in ["OL1", "LS25", "OL1 1A", "12345", "OL1 AAA"] {
            assert!(!is_full_postcode(not), "{not}");
        }
    }
}
