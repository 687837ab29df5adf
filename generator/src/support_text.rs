//! What planned support looks like on paper: for each outcome category, the kinds of item a
//! plan buys or arranges for it (service type, provider kind, how it is costed) and the
//! wording of its description. Tokens: `{h}` hours a week, `{n}` a count, `{x}` a detail.

use stf_schemas::codes::{Category, ProviderKind as K, ServiceType as S};

/// How an item is costed; amounts in pounds before regional uplift.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cost {
    /// Hours a week at an hourly rate.
    Hourly { hours: (f64, f64), rate: (f64, f64) },
    /// `n` sessions a week at a price each, `hours` long each (0: no hours given).
    Sessions {
        n: (u32, u32),
        price: (f64, f64),
        hours: f64,
    },
    /// `n` nights a year at a price a night.
    Nights { n: (u32, u32), price: (f64, f64) },
    /// A yearly sum.
    Annual(f64, f64),
    /// No cost to the budget (informal or free), maybe some hours.
    Free { hours: (f64, f64) },
}

/// One kind of item that serves a category.
#[derive(Debug)]
pub(crate) struct Spec {
    pub service_type: S,
    pub kind: K,
    pub cost: Cost,
    pub templates: &'static [&'static str],
    /// Fills `{x}`.
    pub details: &'static [&'static str],
}

const PA_RATE: (f64, f64) = (14.0, 18.0);
const CARE_RATE: (f64, f64) = (22.0, 27.5);

macro_rules! spec {
    ($st:ident, $k:ident, $cost:expr, [$($t:literal),+ $(,)?] $(, [$($d:literal),+ $(,)?])?) => {
        Spec {
            service_type: S::$st,
            kind: K::$k,
            cost: $cost,
            templates: &[$($t),+],
            details: &[$($($d),+)?],
        }
    };
}

/// The kinds of item that serve `category`.
pub(crate) fn specs(category: Category) -> &'static [Spec] {
    use Category as C;
    match category {
        C::Employment => EMPLOYMENT,
        C::Volunteering => VOLUNTEERING,
        C::Learning => LEARNING,
        C::SportFitness => SPORT,
        C::ArtsHobbies => ARTS,
        C::Relationships => RELATIONSHIPS,
        C::Community | C::Unclassified => COMMUNITY,
        C::Travel => TRAVEL,
        C::Home => HOME,
        C::DailyLiving => DAILY_LIVING,
        C::PersonalCare => PERSONAL_CARE,
        C::Health => HEALTH,
        C::Safety => SAFETY,
        C::ShortBreaks => SHORT_BREAKS,
        C::CaringRole => CARING,
        C::Money => MONEY,
        C::ChoiceControl => CHOICE,
        C::Digital => DIGITAL,
    }
}

const EMPLOYMENT: &[Spec] = &[
    spec!(EmploymentSupport, Specialist, Cost::Hourly { hours: (2.0, 8.0), rate: (22.0, 32.0) },
        ["Job coach {h} hrs/week to find paid work", "Supported employment, {h} hrs/week job coaching", "Employment support worker {h} hrs a week"]),
    spec!(EmploymentSupport, Community, Cost::Sessions { n: (1, 2), price: (12.0, 30.0), hours: 3.0 },
        ["Job club {n} sessions a week", "Work skills group ({x}), {n} sessions a week"],
        ["CV and interviews", "cafe work placement", "retail skills"]),
    spec!(PersonalAssistant, PersonalAssistant, Cost::Hourly { hours: (3.0, 8.0), rate: PA_RATE },
        ["PA {h} hrs/week to support at a work placement"]),
];

const VOLUNTEERING: &[Spec] = &[
    spec!(CommunityActivity, Community, Cost::Free { hours: (2.0, 6.0) },
        ["Volunteering placement at {x} with a volunteer buddy"],
        ["a charity shop", "the food bank", "a community garden"]),
    spec!(PersonalAssistant, PersonalAssistant, Cost::Hourly { hours: (2.0, 5.0), rate: PA_RATE },
        ["PA {h} hrs/week to support with volunteering"]),
];

const LEARNING: &[Spec] = &[
    spec!(LearningSupport, Mainstream, Cost::Annual(300.0, 2500.0),
        ["College course fees and materials ({x})", "Adult education course: {x}"],
        ["English and maths", "catering", "horticulture", "IT skills", "British Sign Language", "ESOL"]),
    spec!(LearningSupport, Specialist, Cost::Hourly { hours: (2.0, 10.0), rate: (20.0, 30.0) },
        ["Learning support worker at college {h} hrs/week"]),
    spec!(LearningSupport, Community, Cost::Sessions { n: (1, 2), price: (4.0, 15.0), hours: 2.0 },
        ["Adult learning class {n} times a week"]),
];

const SPORT: &[Spec] = &[
    spec!(CommunityActivity, Mainstream, Cost::Annual(200.0, 480.0),
        ["Leisure centre membership (gym and swimming)", "Gym membership", "Swimming pass for the local baths"]),
    spec!(PersonalAssistant, PersonalAssistant, Cost::Hourly { hours: (2.0, 6.0), rate: PA_RATE },
        ["PA {h} hrs/week for {x}"],
        ["swimming", "the gym", "football", "walks"]),
    spec!(CommunityActivity, Community, Cost::Sessions { n: (1, 2), price: (3.0, 8.0), hours: 2.0 },
        ["Walking football {n} times a week", "Inclusive sports club {n} sessions a week"]),
];

const ARTS: &[Spec] = &[
    spec!(CommunityActivity, Community, Cost::Sessions { n: (1, 2), price: (4.0, 12.0), hours: 2.0 },
        ["Art group {n} times a week", "Community choir, {n} sessions a week", "Craft group {n} times a week"]),
    spec!(CommunityActivity, Mainstream, Cost::Annual(100.0, 600.0),
        ["Allotment rent and tools", "Cinema and theatre tickets", "Fishing licence and club membership"]),
    spec!(PersonalAssistant, PersonalAssistant, Cost::Hourly { hours: (2.0, 5.0), rate: PA_RATE },
        ["PA {h} hrs/week for {x}"],
        ["art classes", "gigs and the cinema", "gardening"]),
];

const RELATIONSHIPS: &[Spec] = &[
    spec!(PersonalAssistant, PersonalAssistant, Cost::Hourly { hours: (2.0, 6.0), rate: PA_RATE },
        ["PA {h} hrs/week to visit family and friends"]),
    spec!(CommunityActivity, Community, Cost::Free { hours: (1.0, 2.0) },
        ["Befriending volunteer, one visit a week"]),
    spec!(Other, Informal, Cost::Free { hours: (2.0, 8.0) },
        ["{x} visits at weekends"],
        ["Family", "Sister", "Son"]),
    spec!(CommunityActivity, Community, Cost::Sessions { n: (1, 2), price: (3.0, 10.0), hours: 3.0 },
        ["Friendship group {n} evenings a week"]),
];

const COMMUNITY: &[Spec] = &[
    spec!(CommunityActivity, Community, Cost::Sessions { n: (1, 3), price: (3.0, 10.0), hours: 3.0 },
        ["Lunch club {n} days a week", "Social club {n} times a week"]),
    spec!(DaySupport, Community, Cost::Sessions { n: (1, 3), price: (30.0, 55.0), hours: 6.0 },
        ["Community day opportunities {n} days a week"]),
    spec!(PersonalAssistant, PersonalAssistant, Cost::Hourly { hours: (3.0, 8.0), rate: PA_RATE },
        ["PA {h} hrs/week to get out in the community"]),
];

const TRAVEL: &[Spec] = &[
    spec!(Transport, Mainstream, Cost::Annual(300.0, 2500.0),
        ["Taxi fares to activities", "Taxi to and from day services"]),
    spec!(LearningSupport, Specialist, Cost::Annual(600.0, 1500.0), ["Travel training, twelve weeks"]),
    spec!(Transport, Community, Cost::Sessions { n: (1, 3), price: (6.0, 15.0), hours: 0.0 },
        ["Community transport, {n} trips a week"]),
    spec!(Equipment, Mainstream, Cost::Annual(400.0, 1800.0), ["Contribution towards a mobility scooter"]),
];

const HOME: &[Spec] = &[
    spec!(Equipment, Specialist, Cost::Annual(300.0, 4000.0),
        ["Bathroom adaptation: level access shower and grab rails", "Stairlift", "Ramp to front door"]),
    spec!(ProfessionalSupport, Specialist, Cost::Annual(500.0, 1500.0),
        ["Housing support worker to find a tenancy"]),
    spec!(SupportedLiving, Specialist, Cost::Annual(25_000.0, 80_000.0),
        ["Supported living tenancy with shared support"]),
    spec!(Equipment, Mainstream, Cost::Annual(200.0, 900.0),
        ["Key safe and stair rail", "Perching stool and raised toilet seat"]),
];

const DAILY_LIVING: &[Spec] = &[
    spec!(HomeSupport, Specialist, Cost::Hourly { hours: (2.0, 6.0), rate: CARE_RATE },
        ["Home support {h} hrs/week for shopping, cleaning and cooking"]),
    spec!(Meals, Mainstream, Cost::Sessions { n: (5, 7), price: (4.5, 6.5), hours: 0.0 },
        ["Hot meals delivered {n} days a week"]),
    spec!(PersonalAssistant, PersonalAssistant, Cost::Hourly { hours: (2.0, 6.0), rate: PA_RATE },
        ["PA {h} hrs/week to help with cooking and shopping"]),
    spec!(HomeSupport, Informal, Cost::Free { hours: (2.0, 6.0) },
        ["{x} does the weekly shop and helps with meals"],
        ["Daughter", "Son", "Neighbour", "Husband"]),
];

const PERSONAL_CARE: &[Spec] = &[
    spec!(HomeSupport, Specialist, Cost::Hourly { hours: (5.0, 21.0), rate: CARE_RATE },
        ["Home care {h} hrs/week: washing, dressing and meals"]),
    spec!(PersonalAssistant, PersonalAssistant, Cost::Hourly { hours: (5.0, 20.0), rate: PA_RATE },
        ["PA {h} hrs/week for personal care"]),
];

const HEALTH: &[Spec] = &[
    spec!(ProfessionalSupport, Specialist, Cost::Sessions { n: (1, 1), price: (35.0, 60.0), hours: 1.0 },
        ["Counselling, one session a week", "Occupational therapy sessions"]),
    spec!(CommunityActivity, Community, Cost::Free { hours: (1.0, 2.0) },
        ["Peer support group", "Recovery group at the community centre"]),
    spec!(PersonalAssistant, PersonalAssistant, Cost::Hourly { hours: (2.0, 4.0), rate: PA_RATE },
        ["PA {h} hrs/week to get to appointments and manage medication"]),
];

const SAFETY: &[Spec] = &[
    spec!(Telecare, Specialist, Cost::Annual(150.0, 420.0),
        ["Telecare: pendant alarm and falls sensor", "Community alarm with monitoring"]),
    spec!(Telecare, Specialist, Cost::Annual(250.0, 600.0), ["Key safe, smoke alarm and monitored pendant"]),
    spec!(HomeSupport, Specialist, Cost::Hourly { hours: (1.0, 3.0), rate: CARE_RATE },
        ["Welfare check calls {h} hrs/week"]),
];

const SHORT_BREAKS: &[Spec] = &[
    spec!(ShortBreak, Specialist, Cost::Nights { n: (7, 28), price: (140.0, 230.0) },
        ["Respite {n} nights a year at {x}", "Short breaks, {n} nights a year"],
        ["the respite unit", "a short breaks house", "a care home"]),
    spec!(ShortBreak, Mainstream, Cost::Annual(400.0, 1500.0), ["Contribution to a holiday with support"]),
    spec!(ShortBreak, Specialist, Cost::Nights { n: (7, 21), price: (90.0, 140.0) },
        ["Shared Lives short breaks, {n} nights a year"]),
];

const CARING: &[Spec] = &[
    spec!(ShortBreak, Specialist, Cost::Nights { n: (7, 21), price: (140.0, 220.0) },
        ["Replacement care so the carer can have a break, {n} nights a year"]),
    spec!(HomeSupport, Specialist, Cost::Hourly { hours: (2.0, 6.0), rate: CARE_RATE },
        ["Sitting service {h} hrs/week so the carer can go out"]),
    spec!(ProfessionalSupport, Community, Cost::Free { hours: (0.0, 0.0) },
        ["Carers centre support and carer's assessment"]),
];

const MONEY: &[Spec] = &[
    spec!(ProfessionalSupport, Community, Cost::Free { hours: (0.0, 0.0) }, ["Money advice and a benefits check"]),
    spec!(ProfessionalSupport, Specialist, Cost::Annual(300.0, 900.0), ["Appointeeship and help with bills"]),
    spec!(PersonalAssistant, PersonalAssistant, Cost::Hourly { hours: (1.0, 2.0), rate: PA_RATE },
        ["PA {h} hrs/week to help with budgeting"]),
];

const CHOICE: &[Spec] = &[
    spec!(ProfessionalSupport, Community, Cost::Annual(300.0, 1200.0), ["Independent advocacy"]),
    spec!(ProfessionalSupport, Specialist, Cost::Annual(400.0, 900.0),
        ["Direct payment support service and payroll"]),
    spec!(PersonalAssistant, PersonalAssistant, Cost::Hourly { hours: (3.0, 10.0), rate: PA_RATE },
        ["Employ own PA {h} hrs/week"]),
];

const DIGITAL: &[Spec] = &[
    spec!(Equipment, Mainstream, Cost::Annual(150.0, 450.0),
        ["Tablet and data plan", "Smartphone with large-button app"]),
    spec!(LearningSupport, Community, Cost::Sessions { n: (1, 1), price: (0.0, 10.0), hours: 2.0 },
        ["Digital skills drop-in at the library once a week"]),
    spec!(PersonalAssistant, PersonalAssistant, Cost::Hourly { hours: (1.0, 3.0), rate: PA_RATE },
        ["PA {h} hrs/week to learn to use phone and tablet"]),
];

/// Core-package wording.
pub(crate) const HOME_CARE: &[&str] = &[
    "Home care {h} hrs/week: help to get up, wash, dress and have meals",
    "Domiciliary care {h} hrs/week for personal care",
    "Homecare calls morning and evening, {h} hrs a week",
];
pub(crate) const PA_CARE: &[&str] = &[
    "PA {h} hrs/week for personal care and getting out",
    "Personal assistants {h} hrs/week employed through the direct payment",
];
pub(crate) const DAY_CENTRE: &[&str] = &[
    "Day centre {n} days a week", "Day services {n} days a week at {x}",
];
pub(crate) const DAY_CENTRES: &[&str] = &[
    "the resource centre", "a specialist day service", "the day centre",
];
pub(crate) const SUPPORTED_LIVING: &[&str] = &[
    "Supported living: {h} hrs/week 1:1 plus shared night support",
    "Supported tenancy with {h} hrs a week of support",
];
pub(crate) const SHARED_LIVES: &[&str] =
    &["Shared Lives long-term arrangement with a carer family"];
pub(crate) const RESIDENTIAL: &[&str] = &[
    "Residential care home placement", "Long-term residential care",
];
pub(crate) const NURSING: &[&str] = &["Nursing home placement", "Long-term nursing care"];
pub(crate) const COMPLEX: &[&str] = &[
    "24 hour support at home including waking nights", "Two PAs around the clock, {h} hrs/week",
];
pub(crate) const INFORMAL: &[&str] = &[
    "{x} helps with shopping and cooking", "{x} pops in every day",
    "{x} gives lifts to appointments",
];
pub(crate) const INFORMAL_WHO: &[&str] = &[
    "Daughter", "Son", "Wife", "Husband", "Neighbour", "Mum", "Friend",
];
