//! Personal data planted in the free text of good events, as people really write it, so that
//! redaction can be checked: NHS numbers (valid check digit, from the 999 test range so that
//! none is a real person's), full postcodes, e-mail addresses on reserved domains, UK phone
//! numbers from Ofcom's drama ranges, and dates of birth.

use std::fmt::Write as _;

pub use stf_schemas::privacy::PiiKind;

use crate::rng::{self, Rng};

/// A value of `kind`, and the words around it; `{}` in the frame stands for the value.
pub(crate) fn phrase(
    rng: &mut Rng,
    kind: PiiKind,
    district: &str,
    birth_year: u32,
) -> (String, &'static str) {
    let (value, frames): (String, &'static [&'static str]) = match kind {
        PiiKind::NhsNumber => (
            nhs_number(rng),
            &["NHS no {}", "NHS number {}", "nhs {}", "(NHS {})"],
        ),
        PiiKind::Postcode => (
            postcode(rng, district),
            &[
                "I live at {}",
                "address is {}",
                "near {}",
                "(home {})",
                "postcode {}",
            ],
        ),
        PiiKind::Email => (
            email(rng),
            &["email me at {}", "my email is {}", "contact {}", "{}"],
        ),
        PiiKind::Phone => (
            phone(rng),
            &[
                "call me on {}",
                "my number is {}",
                "ring {}",
                "(mob {})",
                "daughter's number {}",
            ],
        ),
        PiiKind::DateOfBirth => (
            date_of_birth(rng, birth_year),
            &[
                "DOB {}",
                "born {}",
                "date of birth {}",
                "D.O.B. {}",
                "dob: {}",
            ],
        ),
    };
    (value, rng::pick(rng, frames))
}

/// Appends `frame` with `value` in place of `{}`.
pub(crate) fn put(frame: &str, value: &str, out: &mut String) {
    let (a, b) = frame.split_once("{}").unwrap_or((frame, ""));
    out.push_str(a);
    out.push_str(value);
    out.push_str(b);
}

/// A ten-digit NHS number from the 999 test range that passes the modulus-11 check, with
/// or without the usual 3-3-4 spacing.
pub(crate) fn nhs_number(rng: &mut Rng) -> String {
    loop {
        let mut d = [9u32; 10];
        for x in d.iter_mut().take(9).skip(3) {
            *x = rng::int(rng, 0, 9);
        }
        let sum: u32 = d
            .iter()
            .take(9)
            .enumerate()
            .map(|(i, x)| x * (10 - i as u32))
            .sum();
        let check = (11 - sum % 11) % 11;
        if check == 10 {
            continue;
        }
        d[9] = check;
        let mut s = String::with_capacity(12);
        let spaced = rng::chance(rng, 0.5);
        for (i, x) in d.iter().enumerate() {
            if spaced && (i == 3 || i == 6) {
                s.push(' ');
            }
            s.push(char::from_digit(*x, 10).unwrap_or('0'));
        }
        return s;
    }
}

/// A full postcode in `district`: outward code, space (usually), inward code.
pub(crate) fn postcode(rng: &mut Rng, district: &str) -> String {
    const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let mut s = String::with_capacity(9);
    s.push_str(district);
    if rng::chance(rng, 0.85) {
        s.push(' ');
    }
    s.push(char::from_digit(rng::int(rng, 0, 9), 10).unwrap_or('1'));
    s.push(rng::pick(rng, INWARD) as char);
    s.push(rng::pick(rng, INWARD) as char);
    s
}

const FIRST: &[&str] = &[
    "dave", "sue", "jo", "mike", "karen", "tom", "linda", "gary", "sam", "pat", "amir", "priya",
    "chris",
];
const LAST: &[&str] = &[
    "smith", "jones", "taylor", "brown", "khan", "patel", "wilson", "walker", "wright", "hughes",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    "mail.example.com",
    "home.example.org",
];

pub(crate) fn email(rng: &mut Rng) -> String {
    let mut s = String::with_capacity(32);
    s.push_str(rng::pick(rng, FIRST));
    match rng::int(rng, 0, 2) {
        0 => {
            s.push('.');
            s.push_str(rng::pick(rng, LAST));
        }
        1 => {
            s.push('_');
            s.push_str(rng::pick(rng, LAST));
            let _ = write!(s, "{}", rng::int(rng, 1, 99));
        }
        _ => {
            let _ = write!(s, "{}", rng::int(rng, 1940, 2005));
        }
    }
    s.push('@');
    s.push_str(rng::pick(rng, DOMAINS));
    s
}

/// A UK number from Ofcom's ranges for drama: mobiles 07700 900xxx, geographic 0113/0114/
/// 0115/0116/0117/0118/0121/0131/0141/0151/0161 496 0xxx, London 020 7946 0xxx and 01632
/// 960xxx, in the formats people write.
pub(crate) fn phone(rng: &mut Rng) -> String {
    let tail = rng::int(rng, 0, 999);
    match rng::int(rng, 0, 6) {
        0 => format!("07700 900{tail:03}"),
        1 => format!("07700900{tail:03}"),
        2 => format!("+44 7700 900{tail:03}"),
        3 => {
            let area = rng::pick(
                rng,
                &[
                    "0113", "0114", "0115", "0116", "0117", "0118", "0121", "0131", "0141", "0151",
                    "0161",
                ],
            );
            format!("{area} 496 0{tail:03}")
        }
        4 => format!("020 7946 0{tail:03}"),
        5 => format!("(0161) 496 0{tail:03}"),
        _ => format!("01632 960{tail:03}"),
    }
}

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date of birth in the given year, in one of the ways people write dates.
pub(crate) fn date_of_birth(rng: &mut Rng, year: u32) -> String {
    let d = rng::int(rng, 1, 28);
    let m = rng::int(rng, 1, 12);
    match rng::int(rng, 0, 4) {
        0 => format!("{d:02}/{m:02}/{year}"),
        1 => format!("{d}/{m}/{year}"),
        2 => format!("{d:02}.{m:02}.{year}"),
        3 => format!("{d} {} {year}", MONTHS[m as usize - 1]),
        _ => format!("{d:02}-{m:02}-{year}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passes_mod11(s: &str) -> bool {
        let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
        if d.len() != 10 {
            return false;
        }
        let sum: u32 = d
            .iter()
            .take(9)
            .enumerate()
            .map(|(i, x)| x * (10 - i as u32))
            .sum();
        let check = (11 - sum % 11) % 11;
        check != 10 && check == d[9]
    }

    #[test]
    fn nhs_numbers_pass_the_check() {
        let mut rng = rng::stream(5, 5);
        let mut spaced = 0;
        for _ in 0..500 {
            let n = nhs_number(&mut rng);
            assert!(passes_mod11(&n), "{n}");
            assert!(n.starts_with("999") || n.starts_with("999 "));
            spaced += usize::from(n.contains(' '));
        }
        assert!(spaced > 100 && spaced < 400);
        assert!(passes_mod11("943 476 5919"));
    }

    #[test]
    fn postcodes_and_phones_have_uk_shapes() {
        let mut rng = rng::stream(6, 6);
        for _ in 0..200 {
            let p = postcode(&mut rng, "OL8");
            assert!(p.starts_with("OL8"));
            assert!(p.len() == 6 || p.len() == 7, "{p}");
            let ph = phone(&mut rng);
            let digits = ph.chars().filter(char::is_ascii_digit).count();
            assert!((10..=12).contains(&digits), "{ph}");
            assert!(email(&mut rng).contains("@"));
        }
    }
}
