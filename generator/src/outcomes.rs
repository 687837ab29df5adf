//! Desired outcomes in people's own words: which categories a person asks for, and the
//! statement for each, composed from `phrases` (templates × slots) and roughened by `noise`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use stf_schemas::codes::{Category, CodeList};

use crate::noise;
use crate::people::{Group, Profile, Voice};
use crate::phrases::{self, COMPOUNDS};
use crate::rng::{self, Rng};

/// One desired outcome while a plan is being built.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// The category the statement was written to ask for (`unclassified` for none).
    pub category: Category,
    pub text: String,
    /// 1 = most important.
    pub priority: Option<u8>,
}

const COUNTS: &[(usize, f64)] = &[
    (1, 0.1),
    (2, 0.22),
    (3, 0.3),
    (4, 0.2),
    (5, 0.12),
    (6, 0.06),
];

/// How often each group asks for each category, in `Category::ALL` order without
/// `unclassified`.
fn weights(group: Group) -> [f64; 18] {
    // employment, volunteering, learning, sport, arts, relationships, community, travel, home,
    // daily_living, personal_care, health, safety, short_breaks, caring_role, money, choice, digital
    match group {
        Group::Older => [
            0.2, 1., 1., 3., 6., 16., 14., 6., 12., 22., 30., 14., 18., 3., 2., 3., 5., 4.,
        ],
        Group::LearningDisability => [
            14., 5., 12., 10., 10., 14., 12., 10., 12., 10., 4., 4., 3., 8., 0.5, 5., 6., 6.,
        ],
        Group::Physical => [
            8., 2., 3., 6., 5., 10., 8., 10., 10., 14., 20., 10., 5., 3., 6., 4., 8., 4.,
        ],
        Group::MentalHealth => [
            12., 6., 6., 6., 6., 12., 10., 4., 8., 8., 2., 20., 4., 2., 3., 10., 4., 3.,
        ],
        Group::Sensory => [
            6., 1., 6., 3., 4., 8., 8., 14., 5., 12., 6., 6., 8., 2., 1., 3., 4., 10.,
        ],
        Group::Carer => [
            4., 1., 2., 3., 4., 8., 6., 1., 1., 4., 0.5, 12., 1., 25., 22., 6., 2., 2.,
        ],
        Group::Other => [
            6., 3., 6., 4., 5., 14., 14., 5., 10., 8., 3., 12., 4., 2., 2., 8., 3., 3.,
        ],
    }
}

/// The categories a person asks for: one to six, distinct, most wanted first; now and then
/// one is a statement that fits no category.
pub(crate) fn choose_categories(rng: &mut Rng, profile: &Profile) -> Vec<Category> {
    let n = rng::weighted(rng, COUNTS);
    let w = weights(profile.group);
    let mut cumulative = [0.0; 18];
    let mut total = 0.0;
    for (c, wi) in cumulative.iter_mut().zip(w) {
        total += wi;
        *c = total;
    }
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        if rng::chance(rng, 0.04) {
            if out.contains(&Category::Unclassified) {
                break;
            }
            out.push(Category::Unclassified);
            continue;
        }
        // Draw until a category not yet chosen comes up (at most six of eighteen are).
        let x = rng::unit(rng) * total;
        let i = cumulative.partition_point(|&c| c <= x).min(17);
        let category = Category::ALL[i];
        if w[i] > 0.0 && !out.contains(&category) {
            out.push(category);
        }
    }
    out
}

/// A statement asking for `category`, as this person (or someone about them) writes it.
/// `text` is an empty buffer to write into (recycled, to spare an allocation).
pub(crate) fn compose(
    rng: &mut Rng,
    category: Category,
    profile: &Profile,
    town: &str,
    mut text: String,
) -> String {
    let voice = profile.voice;
    let age = Age::of(profile);
    text.clear();
    if category == Category::Unclassified {
        text.push_str(rng::pick(rng, phrases::UNCLASSIFIED));
        noise::roughen(rng, &mut text);
        return text;
    }
    let form = rng::unit(rng);
    if form < 0.12 {
        noun_form(rng, category, voice, age, town, &mut text);
    } else if form < 0.22 {
        compound(rng, category, voice, age, town, &mut text);
    } else if form < 0.3 && voice == Voice::I {
        negation(rng, category, age, town, &mut text);
    } else {
        simple(rng, category, voice, age, town, &mut text);
    }
    capitalise(&mut text);
    noise::roughen(rng, &mut text);
    text
}

fn opener(rng: &mut Rng, voice: Voice) -> &'static str {
    match voice {
        Voice::I => rng::pick(rng, phrases::OPENERS_I),
        Voice::They => rng::pick(rng, phrases::OPENERS_THIRD),
        Voice::He | Voice::She => {
            if rng::chance(rng, 0.5) {
                rng::pick(rng, phrases::OPENERS_THIRD)
            } else {
                rng::pick(rng, phrases::OPENERS_SINGULAR)
            }
        }
    }
}

/// A phrase from `list` that reads right in this voice (third-person writers do not say "I")
/// and at this age (no moving out of mum and dad's at 90).
fn phrase(rng: &mut Rng, list: &'static [&'static str], voice: Voice, age: Age) -> &'static str {
    let mut p = rng::pick(rng, list);
    if voice == Voice::I && age == Age::Working {
        return p;
    }
    for _ in 0..6 {
        let f = flags(p);
        let voice_ok = voice == Voice::I || f & SAYS_I == 0;
        let age_ok = match age {
            Age::Older => f & NOT_OLDER_FLAG == 0,
            Age::Young => f & NOT_YOUNG_FLAG == 0,
            Age::Working => true,
        };
        if voice_ok && age_ok {
            break;
        }
        p = rng::pick(rng, list);
    }
    p
}

/// Broad age, for what people of that age say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Age {
    Young,
    Working,
    Older,
}

impl Age {
    fn of(profile: &Profile) -> Self {
        if profile.is_older() {
            Self::Older
        } else if profile.age == stf_schemas::codes::AgeBand::A18to24 {
            Self::Young
        } else {
            Self::Working
        }
    }
}

const NOT_OLDER: &[&str] = &[
    "mum and dad",
    "parents",
    "girlfriend",
    "boyfriend",
    "GCSE",
    "uni",
    "apprenticeship",
    "youth",
    "school",
    "drugs",
    "self harming",
    "{my} age",
    "disco",
    "gigs",
    "boxing",
    "my mum",
    "{my} mum",
    "me mam",
    "nan",
    "go on dates",
];
const NOT_YOUNG: &[&str] = &[
    "grandchildren",
    "grandkids",
    "grandson",
    "husband",
    "wife",
    "stroke",
    "care home",
    "the home",
];

const SAYS_I: u8 = 1;
const NOT_OLDER_FLAG: u8 = 2;
const NOT_YOUNG_FLAG: u8 = 4;

/// What a phrase says about who can say it, worked out once per phrase.
fn flags(p: &'static str) -> u8 {
    static FLAGS: OnceLock<BTreeMap<usize, u8>> = OnceLock::new();
    let table = FLAGS.get_or_init(|| {
        let mut lists: Vec<&'static [&'static str]> = vec![
            phrases::FAMILY,
            phrases::HELPERS,
            phrases::PLACES,
            phrases::TIMES,
        ];
        for c in Category::ALL {
            lists.push(phrases::of(*c).vps);
            lists.push(phrases::of(*c).nps);
        }
        let rejected: &'static [(&'static str, Category)] = phrases::REJECTED;
        let mut table = BTreeMap::new();
        let phrases = lists
            .into_iter()
            .flatten()
            .copied()
            .chain(rejected.iter().map(|(p, _)| *p));
        for p in phrases {
            table.insert(p.as_ptr() as usize, compute_flags(p));
        }
        table
    });
    table
        .get(&(p.as_ptr() as usize))
        .copied()
        .unwrap_or_else(|| compute_flags(p))
}

fn compute_flags(p: &str) -> u8 {
    let mut f = 0;
    if p.starts_with("I ") || p.contains(" I ") || p.ends_with(" I") || p.contains(" I'") {
        f |= SAYS_I;
    }
    if NOT_OLDER.iter().any(|b| p.contains(b)) {
        f |= NOT_OLDER_FLAG;
    }
    if NOT_YOUNG.iter().any(|b| p.contains(b)) {
        f |= NOT_YOUNG_FLAG;
    }
    f
}

fn simple(rng: &mut Rng, category: Category, voice: Voice, age: Age, town: &str, out: &mut String) {
    render(opener(rng, voice), voice, town, out);
    out.push(' ');
    let vp = phrase(rng, phrases::of(category).vps, voice, age);
    render(vp, voice, town, out);
    // A phrase that names a place already needs no other.
    let placed = vp.contains("{town}") || vp.contains(" in ") || vp.contains(" at ");
    if category != Category::Relationships && rng::chance(rng, 0.28) {
        out.push(' ');
        // Friends and family come along to things done together, not to a wash or a bill.
        let social = !matches!(
            category,
            Category::PersonalCare
                | Category::Safety
                | Category::Money
                | Category::Health
                | Category::ChoiceControl
                | Category::CaringRole
                | Category::Employment
        );
        let list = if social && rng::chance(rng, 0.6) {
            phrases::FAMILY
        } else {
            phrases::HELPERS
        };
        let mut companion = phrase(rng, list, voice, age);
        if voice != Voice::I && companion.contains("me mam") {
            companion = "with {my} mum";
        }
        render(companion, voice, town, out);
    }
    if !placed && rng::chance(rng, 0.15) {
        out.push(' ');
        render(phrase(rng, phrases::PLACES, voice, age), voice, town, out);
    }
    if rng::chance(rng, 0.35) {
        out.push(' ');
        render(phrase(rng, phrases::TIMES, voice, age), voice, town, out);
    }
    if voice == Voice::I && rng::chance(rng, 0.15) {
        out.push(' ');
        out.push_str(rng::pick(rng, phrases::REASONS));
    }
}

fn noun_form(
    rng: &mut Rng,
    category: Category,
    voice: Voice,
    age: Age,
    town: &str,
    out: &mut String,
) {
    let np = phrase(rng, phrases::of(category).nps, voice, age);
    let frame = match voice {
        Voice::I => rng::pick(rng, phrases::NP_FRAMES_I),
        _ => rng::pick(
            rng,
            &[
                "{He} would like {np}",
                "{He} needs {np}",
                "{His} family want {np} for {him}",
            ],
        ),
    };
    let (before, after) = frame.split_once("{np}").unwrap_or((frame, ""));
    render(before, voice, town, out);
    render(np, voice, town, out);
    render(after, voice, town, out);
}

fn compound(
    rng: &mut Rng,
    category: Category,
    voice: Voice,
    age: Age,
    town: &str,
    out: &mut String,
) {
    render(opener(rng, voice), voice, town, out);
    out.push(' ');
    let fitting = COMPOUNDS
        .iter()
        .filter(|(_, a, b)| *a == category || *b == category);
    let n = fitting.clone().count();
    if n > 0 && rng::chance(rng, 0.5) {
        let k = rng::int(rng, 0, n as u32 - 1) as usize;
        if let Some((vp, _, _)) = fitting.clone().nth(k) {
            render(vp, voice, town, out);
            return;
        }
    }
    render(
        phrase(rng, phrases::of(category).vps, voice, age),
        voice,
        town,
        out,
    );
    let other = Category::ALL[rng::int(rng, 0, 17) as usize];
    if other != category {
        out.push_str(if rng::chance(rng, 0.8) {
            " and "
        } else {
            " and also "
        });
        render(
            phrase(rng, phrases::of(other).vps, voice, age),
            voice,
            town,
            out,
        );
    }
}

fn negation(rng: &mut Rng, category: Category, age: Age, town: &str, out: &mut String) {
    let whole = phrases::NEGATION_STATEMENTS
        .iter()
        .filter(|(_, c)| *c == category);
    let n = whole.clone().count();
    if n > 0 && rng::chance(rng, 0.35) {
        let k = rng::int(rng, 0, n as u32 - 1) as usize;
        if let Some((statement, _)) = whole.clone().nth(k) {
            out.push_str(statement);
            return;
        }
    }
    let mut rejected = rng::pick(rng, phrases::REJECTED);
    while rejected.1 == category || (age == Age::Older && flags(rejected.0) & NOT_OLDER_FLAG != 0) {
        rejected = rng::pick(rng, phrases::REJECTED);
    }
    let frame = rng::pick(rng, phrases::NEGATIONS);
    let vp = phrase(rng, phrases::of(category).vps, Voice::I, age);
    let (a, rest) = frame.split_once("{no}").unwrap_or((frame, ""));
    let (b, c) = rest.split_once("{vp}").unwrap_or((rest, ""));
    out.push_str(a);
    render(rejected.0, Voice::I, town, out);
    out.push_str(b);
    render(vp, Voice::I, town, out);
    out.push_str(c);
}

/// Appends `template` with its voice and place tokens filled in.
pub(crate) fn render(template: &str, voice: Voice, town: &str, out: &mut String) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let token = &rest[open + 1..open + close];
        out.push_str(word(token, voice, town));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
}

fn word<'a>(token: &'a str, voice: Voice, town: &'a str) -> &'a str {
    let forms: [&str; 7] = match voice {
        Voice::I => ["my", "me", "myself", "I", "I", "My", "my"],
        Voice::He => ["his", "him", "himself", "He", "he", "His", "his"],
        Voice::She => ["her", "her", "herself", "She", "she", "Her", "her"],
        Voice::They => [
            "their",
            "them",
            "themselves",
            "They",
            "they",
            "Their",
            "their",
        ],
    };
    match token {
        "my" => forms[0],
        "me" | "him" => forms[1],
        "self" => forms[2],
        "He" => forms[3],
        "he" => forms[4],
        "His" => forms[5],
        "his" => forms[6],
        "town" => town,
        other => other,
    }
}

fn capitalise(text: &mut str) {
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_follow_the_voice() {
        let mut s = String::new();
        render(
            "{He} wants to see {my} mum with {me} in {town}",
            Voice::She,
            "Oldham",
            &mut s,
        );
        assert_eq!(s, "She wants to see her mum with her in Oldham");
        s.clear();
        render("wash {self}", Voice::I, "x", &mut s);
        assert_eq!(s, "wash myself");
    }

    #[test]
    fn no_phrase_leaves_a_token_behind() {
        let mut s = String::new();
        for c in Category::ALL {
            for p in phrases::of(*c).vps.iter().chain(phrases::of(*c).nps) {
                for v in [Voice::I, Voice::He, Voice::They] {
                    s.clear();
                    render(p, v, "Leeds", &mut s);
                    assert!(!s.contains('{') && !s.contains('}'), "{p}");
                }
            }
        }
    }
}
