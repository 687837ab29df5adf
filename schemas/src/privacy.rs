//! Privacy at the door: redaction of personal data from free text (events.md).
//!
//! NHS numbers (passing the modulus-11 check), full UK postcodes, e-mail addresses, UK phone
//! numbers and dates that look like dates of birth are replaced by a marker such as
//! `[postcode]`, and counted by kind. Which fields are free text is decided here too.

use regex::{Captures, Regex, RegexSet};
use std::sync::OnceLock;

use crate::event::{Event, ProviderServiceEvent, SupportPlanEvent};

/// A kind of personal data found in free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiKind {
    NhsNumber,
    Postcode,
    Email,
    Phone,
    DateOfBirth,
}

impl PiiKind {
    pub const ALL: [PiiKind; 5] = [
        Self::NhsNumber,
        Self::Postcode,
        Self::Email,
        Self::Phone,
        Self::DateOfBirth,
    ];

    /// The stable name, used in metrics and truth files.
    pub fn code(self) -> &'static str {
        match self {
            Self::NhsNumber => "nhs_number",
            Self::Postcode => "postcode",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::DateOfBirth => "date_of_birth",
        }
    }

    /// The marker that replaces it in text.
    pub fn marker(self) -> &'static str {
        match self {
            Self::NhsNumber => "[nhs_number]",
            Self::Postcode => "[postcode]",
            Self::Email => "[email]",
            Self::Phone => "[phone]",
            Self::DateOfBirth => "[date_of_birth]",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// How many redactions of each kind were made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Redactions {
    counts: [u32; 5],
}

impl Redactions {
    pub fn get(&self, kind: PiiKind) -> u32 {
        self.counts[kind as usize]
    }

    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }

    fn add(&mut self, kind: PiiKind, n: u32) {
        self.counts[kind as usize] += n;
    }

    pub fn merge(&mut self, other: Redactions) {
        for kind in PiiKind::ALL {
            self.add(kind, other.get(kind));
        }
    }
}

struct Patterns {
    email: Regex,
    nhs: Regex,
    phone: Regex,
    postcode: Regex,
    dob: Regex,
    /// All five at once: one pass tells whether a text needs the five replacement passes.
    any: RegexSet,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let month = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
        let email = r"(?i)\b[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}\b";
        let nhs = r"\b(\d{3})[ \-]?(\d{3})[ \-]?(\d{4})\b";
        let phone = r"(?:\+44\s?\(?0?\)?\s?|\(?\b0)\d{2,4}\)?[\s\-]?\d{3,4}[\s\-]?\d{3,4}\b";
        let postcode = r"(?i)\b[a-z]{1,2}[0-9][a-z0-9]?\s*[0-9][a-z]{2}\b";
        let dob = format!(
            r"(?i)\b(?:\d{{1,2}}[/\-.]\d{{1,2}}[/\-.](?:19|20)?\d{{2}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{month}\.?,?\s+(?:19|20)\d{{2}}|{month}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}|(?:19|20)\d{{2}}-\d{{2}}-\d{{2}})\b"
        );
        let re = |s: &str| Regex::new(s).expect("redaction patterns are valid regexes");
        Patterns {
            email: re(email),
            nhs: re(nhs),
            phone: re(phone),
            postcode: re(postcode),
            dob: re(&dob),
            any: RegexSet::new([email, nhs, phone, postcode, dob.as_str()])
                .expect("redaction patterns are valid regexes"),
        }
    })
}

/// Whether ten digits pass the NHS number modulus-11 check.
pub fn nhs_check_digit_ok(digits: &[u8; 10]) -> bool {
    let sum: u32 = digits[..9]
        .iter()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * (10 - i as u32))
        .sum();
    let check = 11 - (sum % 11);
    match check {
        11 => digits[9] == 0,
        10 => false,
        c => u32::from(digits[9]) == c,
    }
}

/// Redacts personal data from one piece of free text. Returns the text unchanged (and no
/// allocation) when there is nothing to redact.
pub fn redact_text(text: &str) -> (std::borrow::Cow<'_, str>, Redactions) {
    let mut counts = Redactions::default();
    // Every pattern needs a digit or an `@`: most text has neither.
    if !text.bytes().any(|b| b.is_ascii_digit() || b == b'@') {
        return (std::borrow::Cow::Borrowed(text), counts);
    }
    let p = patterns();
    // Text no pattern matches is left as it is: a replacement pass changes text only where
    // its pattern matched, so the passes below would change nothing.
    if !p.any.is_match(text) {
        return (std::borrow::Cow::Borrowed(text), counts);
    }
    let mut out = text.to_owned();
    out = replace_counted(&p.email, &out, PiiKind::Email, &mut counts);
    out = replace_nhs(&p.nhs, &out, &mut counts);
    out = replace_counted(&p.dob, &out, PiiKind::DateOfBirth, &mut counts);
    out = replace_counted(&p.phone, &out, PiiKind::Phone, &mut counts);
    out = replace_counted(&p.postcode, &out, PiiKind::Postcode, &mut counts);
    if counts.total() == 0 {
        return (std::borrow::Cow::Borrowed(text), counts);
    }
    (std::borrow::Cow::Owned(out), counts)
}

fn replace_counted(re: &Regex, text: &str, kind: PiiKind, counts: &mut Redactions) -> String {
    let mut n = 0;
    let out = re.replace_all(text, |_: &Captures| {
        n += 1;
        kind.marker()
    });
    counts.add(kind, n);
    out.into_owned()
}

fn replace_nhs(re: &Regex, text: &str, counts: &mut Redactions) -> String {
    let mut n = 0;
    let out = re.replace_all(text, |c: &Captures| {
        let mut digits = [0u8; 10];
        let all = c[1].bytes().chain(c[2].bytes()).chain(c[3].bytes());
        for (slot, b) in digits.iter_mut().zip(all) {
            *slot = b - b'0';
        }
        if nhs_check_digit_ok(&digits) {
            n += 1;
            PiiKind::NhsNumber.marker().to_owned()
        } else {
            c[0].to_owned()
        }
    });
    counts.add(PiiKind::NhsNumber, n);
    out.into_owned()
}

fn redact_in_place(s: &mut String, counts: &mut Redactions) {
    let (text, found) = redact_text(s);
    if found.total() > 0 {
        *s = text.into_owned();
        counts.merge(found);
    }
}

/// Redacts every free-text field of an event in place and returns what was redacted.
pub fn redact_event(event: &mut Event) -> Redactions {
    match event {
        Event::SupportPlan(e) => redact_plan(e),
        Event::ProviderService(e) => redact_service(e),
    }
}

fn redact_plan(e: &mut SupportPlanEvent) -> Redactions {
    let mut counts = Redactions::default();
    for o in &mut e.desired_outcomes {
        redact_in_place(&mut o.text, &mut counts);
    }
    for s in &mut e.planned_support {
        redact_in_place(&mut s.description, &mut counts);
    }
    counts
}

fn redact_service(e: &mut ProviderServiceEvent) -> Redactions {
    let mut counts = Redactions::default();
    redact_in_place(&mut e.organization_name, &mut counts);
    redact_in_place(&mut e.service_name, &mut counts);
    redact_in_place(&mut e.description, &mut counts);
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str, kind: PiiKind) {
        let (out, counts) = redact_text(input);
        assert_eq!(out, expected, "input: {input}");
        assert!(counts.get(kind) >= 1, "{kind:?} not counted for {input}");
    }

    #[test]
    fn nhs_numbers_that_pass_modulus_11() {
        // 943 476 5919 is the NHS's own published example of a valid number.
        check(
            "my number is 943 476 5919 ok",
            "my number is [nhs_number] ok",
            PiiKind::NhsNumber,
        );
        check("nhs 9434765919", "nhs [nhs_number]", PiiKind::NhsNumber);
        let (out, counts) = redact_text("order 9434765918 arrived");
        assert_eq!(counts.get(PiiKind::NhsNumber), 0);
        assert!(out.contains("9434765918") || counts.get(PiiKind::Phone) == 0);
    }

    #[test]
    fn postcodes_emails_phones_dates() {
        check(
            "I live at OL1 1AA now",
            "I live at [postcode] now",
            PiiKind::Postcode,
        );
        check(
            "mail jo.bloggs+x@example.co.uk please",
            "mail [email] please",
            PiiKind::Email,
        );
        check(
            "ring 07700 900123 after 5",
            "ring [phone] after 5",
            PiiKind::Phone,
        );
        check("call (0161) 496 0123", "call [phone]", PiiKind::Phone);
        check("or +44 7700 900123", "or [phone]", PiiKind::Phone);
        check(
            "DOB 03/04/1951.",
            "DOB [date_of_birth].",
            PiiKind::DateOfBirth,
        );
        check(
            "born 3rd April 1951",
            "born [date_of_birth]",
            PiiKind::DateOfBirth,
        );
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for text in [
            "go swimming 3 times a week with my brother",
            "PA support 6 hrs/week for swimming and shopping",
            "I want a job in a garden centre",
            "£20 a week for the bus",
            "I live in OL1 and want to stay",
        ] {
            let (out, counts) = redact_text(text);
            assert_eq!(out, text);
            assert_eq!(counts.total(), 0, "{text}");
        }
    }
}
