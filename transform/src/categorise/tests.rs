//! Behaviour of the categoriser on statements written for these tests (none is from the
//! development set): negation, typos, slang and text-speak, several labels, and nothing.

use std::sync::OnceLock;

use stf_schemas::codes::{Category, ServiceType};

use super::{Categoriser, Rejection};

fn categoriser() -> &'static Categoriser {
    static CATEGORISER: OnceLock<Categoriser> = OnceLock::new();
    CATEGORISER.get_or_init(|| Categoriser::current().expect("taxonomy v1 compiles"))
}

/// Asserts the categories of `text`, showing what the matcher saw when they differ.
fn check(text: &str, expected: &[&str]) {
    let result = categoriser().categorise(text);
    let got: Vec<&str> = result.categories.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        got,
        expected,
        "{text:?}\n  read as: {}\n  matches: {:?}\n  rejected: {:?}",
        categoriser().normalised(text),
        result.matches,
        result.rejected
    );
}

#[test]
fn negated_activities_are_not_asked_for() {
    check(
        "No more day services for me. I want to work in a warehouse.",
        &["employment"],
    );
    check(
        "I do not want to go to college, I want to get an apprenticeship",
        &["employment"],
    );
    check(
        "I'd like a job in a bakery rather than volunteering",
        &["employment"],
    );
    check(
        "Learn to swim instead of sitting in the day centre",
        &["sport_fitness"],
    );
    check("Somewhere to live that is not a nursing home", &["home"]);
}

#[test]
fn negated_problems_still_name_the_need() {
    check("I don't want to be so lonely any more", &["relationships"]);
    check("I never want to have another fall", &["safety"]);
    check("I don't want to end up in debt", &["money"]);
}

#[test]
fn some_terms_of_a_need_category_can_still_be_rejected() {
    check(
        "I do not want to live with my mum and dad when I am older. I want my own flat.",
        &["home"],
    );
}

#[test]
fn negation_ends_at_the_clause() {
    check(
        "I won't go back to the day centre but I'd love to join a choir",
        &["arts_hobbies"],
    );
    check(
        "She doesn't want the day centre. She wants to go bowling with her sister",
        &["relationships", "sport_fitness"],
    );
}

#[test]
fn spelling_mistakes_count_as_what_they_mean() {
    check(
        "I want to go to the libary and the cinama",
        &["arts_hobbies", "community"],
    );
    check("Help with my medicaton", &["health"]);
    check("I'd like to go swimmming more", &["sport_fitness"]);
    check(
        "Doing voluntering at the animal sanctury",
        &["volunteering"],
    );
    check("I want to loose wieght", &["health"]);
}

#[test]
fn real_words_are_not_corrected_into_lexicon_words() {
    // "lovely" is one letter from "lonely", "looking" one from "cooking".
    check("A lovely garden to sit in", &["arts_hobbies"]);
    check("I'm looking forward to it", &["unclassified"]);
    // "since" is one edit from the stem of "singing".
    check("Since my op I want to get out more", &["community"]);
}

#[test]
fn slang_dialect_and_text_speak() {
    check(
        "Footy with me mates on a Sunday",
        &["relationships", "sport_fitness"],
    );
    check("Go for a bevvy down the boozer", &["community"]);
    check("wanna c my m8s more", &["relationships"]);
    check("i want 2 go uni", &["learning"]);
    check("I want to see me mam every week", &["relationships"]);
    check(
        "get a bus pass n go into town on me own",
        &["community", "travel"],
    );
}

#[test]
fn plain_and_limited_english() {
    check(
        "I want learn English and find work",
        &["employment", "learning"],
    );
    check(
        "I like going to church. I want to keep going.",
        &["community"],
    );
    check("Me want cook for my family", &["daily_living"]);
}

#[test]
fn several_categories_at_once() {
    check(
        "Get the train to my job at the garden centre",
        &["employment", "travel"],
    );
    check(
        "Go to the gym with my brother and learn to use my tablet",
        &["digital", "relationships", "sport_fitness"],
    );
    check(
        "A grab rail in the bathroom so I can shower on my own",
        &["home", "personal_care"],
    );
}

#[test]
fn frames_swallow_the_place_of_a_job() {
    let result = categoriser().categorise("I want a job in a cafe");
    assert_eq!(result.categories, [Category::Employment]);
    assert!(result
        .rejected
        .iter()
        .any(|r| r.reason == Rejection::Framed && r.matched.category == Category::Community));
    check("Volunteer at the hospital shop", &["volunteering"]);
    check("Have a coffee at the cafe", &["community"]);
}

#[test]
fn statements_that_fit_nothing_are_unclassified() {
    check("I want to feel like me again", &["unclassified"]);
    check("A good life", &["unclassified"]);
    check("", &["unclassified"]);
    check("!!!", &["unclassified"]);
}

#[test]
fn matches_explain_the_result() {
    let text = "I don't want the day centre, I want to go swimming";
    let result = categoriser().categorise(text);
    assert_eq!(result.categories, [Category::SportFitness]);
    let swimming = &result.matches[0];
    assert_eq!(swimming.category, Category::SportFitness);
    assert_eq!(&text[swimming.span.clone()], "swimming");
    assert!(result
        .rejected
        .iter()
        .any(|r| r.reason == Rejection::Negated && r.matched.term == "day centre"));
    assert_eq!(result.terms_for(Category::SportFitness), ["swim"]);
    assert_eq!(result.ids(), "sport_fitness");
}

#[test]
fn planned_support_falls_back_to_its_service_type() {
    let c = categoriser();
    let from_text =
        c.categorise_planned("Support to go to the gym", ServiceType::PersonalAssistant);
    assert_eq!(from_text.categories, [Category::SportFitness]);
    assert!(!from_text.from_default);
    let fallback = c.categorise_planned(
        "Tuesday and Thursday sessions",
        ServiceType::EmploymentSupport,
    );
    assert_eq!(fallback.categories, [Category::Employment]);
    assert!(fallback.from_default);
    let nothing = c.categorise_planned("Weekly sessions", ServiceType::DaySupport);
    assert!(nothing.is_unclassified());
    assert!(!nothing.from_default);
}

#[test]
fn version_comes_from_the_taxonomy() {
    assert_eq!(categoriser().version(), "1");
}
