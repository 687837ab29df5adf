//! The supply side on paper: kinds of service (archetypes) with their names, descriptions,
//! capacity and prices, and kinds of organisation that run them, shaped like Open Referral
//! UK listings. Tokens: `{town}`, `{stem}` (a made-up name), `{dir}` (a part of town).

use stf_schemas::codes::{
    CapacityUnit as U, Category as C, CostPer as P, ProviderKind as K, ServiceType as S,
};

/// One kind of service.
#[derive(Debug)]
pub(crate) struct Archetype {
    pub key: &'static str,
    pub service_types: &'static [S],
    pub categories: &'static [C],
    pub kind: K,
    pub names: &'static [&'static str],
    /// The first sentence of the description: what it offers.
    pub offers: &'static [&'static str],
    pub capacity: Option<(U, f64, f64)>,
    /// Price per unit; `(per, 0, 0)` is free.
    pub cost: Option<(P, f64, f64)>,
    /// How much of the supply this kind is.
    pub weight: f64,
    /// Thin in some councils and absent in others, so that gaps exist.
    pub thin: bool,
}

macro_rules! arch {
    ($key:literal, [$($st:ident),+], [$($c:ident),+], $k:ident, $names:expr, $offers:expr, $cap:expr, $cost:expr, $w:expr, $thin:expr) => {
        Archetype {
            key: $key,
            service_types: &[$(S::$st),+],
            categories: &[$(C::$c),+],
            kind: K::$k,
            names: $names,
            offers: $offers,
            capacity: $cap,
            cost: $cost,
            weight: $w,
            thin: $thin,
        }
    };
}

pub(crate) const ARCHETYPES: &[Archetype] = &[
    arch!("home_care", [HomeSupport], [PersonalCare, DailyLiving], Specialist,
        &["Home Care - {dir} {town}", "Domiciliary Care", "Care at Home", "Reablement and Home Care"],
        &["Personal care at home: help with washing, bathing, dressing, continence and meals, plus shopping and cleaning.",
          "Home care visits to help people get up, washed and dressed, take medication and prepare meals.",
          "Domiciliary care for adults who need help with personal care and everyday tasks in their own home."],
        Some((U::Hours, 40.0, 600.0)), Some((P::Hour, 21.0, 28.0)), 18.0, false),
    arch!("pa_micro", [PersonalAssistant], [PersonalCare, ChoiceControl, Community], Community,
        &["Personal Assistants", "PA Support", "Community Micro-Enterprise Support"],
        &["Self-employed personal assistants you can employ with your direct payment, for personal care and getting out and about.",
          "Small local team offering PA support chosen and directed by you: personal care, outings, clubs and appointments."],
        Some((U::Hours, 10.0, 80.0)), Some((P::Hour, 15.0, 19.0)), 6.0, false),
    arch!("day_centre", [DaySupport], [Community], Specialist,
        &["Day Centre", "Resource Centre", "Day Services"],
        &["Day services with activities, lunch and personal care for adults with dementia, learning disabilities or physical disabilities.",
          "A day centre offering activities, a hot lunch and company, with transport available."],
        Some((U::Places, 5.0, 40.0)), Some((P::Session, 40.0, 75.0)), 9.0, false),
    arch!("day_opps", [DaySupport, CommunityActivity], [Community, ArtsHobbies, SportFitness], Community,
        &["Day Opportunities", "Community Hub", "Out and About Club"],
        &["Community-based day opportunities: art, gardening, sport, cooking and trips out in town.",
          "Small groups out in the community every day: cafes, the library, walks, music and crafts."],
        Some((U::Places, 5.0, 25.0)), Some((P::Session, 25.0, 50.0)), 5.0, false),
    arch!("supported_living", [SupportedLiving], [Home, DailyLiving], Specialist,
        &["Supported Living", "Supported Tenancies", "Independent Living Service"],
        &["Supported living in your own tenancy, with staff to help with cooking, cleaning, money and running your home.",
          "Shared houses and flats with 24 hour support for adults moving out of the family home or a care home."],
        Some((U::Places, 1.0, 12.0)), Some((P::Week, 600.0, 2500.0)), 6.0, false),
    arch!("shared_lives", [SharedLives, ShortBreak], [Home, ShortBreaks], Specialist,
        &["Shared Lives", "Shared Lives Scheme"],
        &["Shared Lives carers welcome an adult into their family home, long term or for short breaks."],
        Some((U::Places, 1.0, 8.0)), Some((P::Week, 300.0, 700.0)), 1.0, false),
    arch!("short_breaks", [ShortBreak], [ShortBreaks], Specialist,
        &["Short Breaks House", "Respite Service", "Overnight Short Breaks"],
        &["Overnight short breaks and respite so that family carers can have a rest and people can enjoy a holiday away from home.",
          "Planned respite stays of a few nights at a time in a friendly house with its own garden."],
        Some((U::Places, 1.0, 6.0)), Some((P::Session, 140.0, 260.0)), 2.0, true),
    arch!("residential", [ResidentialCare], [Home, PersonalCare], Specialist,
        &["{stem} House", "{stem} Court Care Home", "{stem} Lodge"],
        &["A residential care home with 24 hour personal care, meals and activities.",
          "Residential care for older people, including people living with dementia."],
        Some((U::Places, 0.0, 6.0)), Some((P::Week, 750.0, 1300.0)), 7.0, false),
    arch!("nursing", [NursingCare], [Home, PersonalCare, Health], Specialist,
        &["{stem} Nursing Home", "{stem} Manor Nursing Home"],
        &["A nursing home with registered nurses on duty day and night, for people with complex health needs."],
        Some((U::Places, 0.0, 4.0)), Some((P::Week, 950.0, 1500.0)), 4.0, false),
    arch!("telecare", [Telecare, Equipment], [Safety], Specialist,
        &["Community Alarms", "Telecare Service", "Lifeline Alarm Service"],
        &["Pendant alarms, falls sensors and smoke detectors linked to a 24 hour response team, so you can stay safe at home."],
        Some((U::Places, 20.0, 200.0)), Some((P::Week, 3.0, 8.0)), 1.5, false),
    arch!("equipment", [Equipment], [Home, Safety], Specialist,
        &["Community Equipment Service", "Adaptations and Equipment"],
        &["Equipment and adaptations to use your home safely: grab rails, bath lifts, ramps and stairlifts."],
        None, None, 1.2, false),
    arch!("meals", [Meals], [DailyLiving], Mainstream,
        &["Meals on Wheels", "Hot Meals Delivery", "Frozen Meals Service"],
        &["Hot and frozen meals delivered to your door, with a friendly check on how you are."],
        Some((U::Places, 20.0, 150.0)), Some((P::Session, 4.5, 7.0)), 1.5, false),
    arch!("employment", [EmploymentSupport], [Employment], Community,
        &["Supported Employment", "Job Club", "Into Work"],
        &["Job coaching and supported employment to help disabled adults find and keep paid work, with work experience and help with interviews.",
          "Help to get a job: CV writing, work placements, apprenticeships and support in your first weeks at work."],
        Some((U::Places, 1.0, 8.0)), Some((P::Hour, 0.0, 0.0)), 2.0, true),
    arch!("adult_learning", [LearningSupport], [Learning], Mainstream,
        &["Adult Learning", "Community Courses", "Skills for Life"],
        &["Courses and classes for adults: English and maths, cooking, art, computing and qualifications, with learning support."],
        Some((U::Places, 5.0, 40.0)), Some((P::Session, 0.0, 15.0)), 2.5, false),
    arch!("digital", [LearningSupport, CommunityActivity], [Digital], Community,
        &["Digital Drop-in", "Get Online Sessions", "Tech Buddies"],
        &["Friendly help to use a phone, tablet or computer: getting online, video calls with family, email and online shopping."],
        Some((U::Places, 2.0, 10.0)), Some((P::Session, 0.0, 0.0)), 1.2, true),
    arch!("leisure", [CommunityActivity], [SportFitness], Mainstream,
        &["Leisure Centre", "Swimming and Gym", "Inclusive Fitness Sessions"],
        &["Swimming pool, gym and exercise classes, with inclusive sessions and carers admitted free."],
        Some((U::Places, 20.0, 300.0)), Some((P::Session, 3.0, 7.0)), 4.0, false),
    arch!("arts", [CommunityActivity], [ArtsHobbies], Community,
        &["Art Group", "Community Choir", "Drama and Music Group", "Craft Club"],
        &["Weekly art, music, drama and craft sessions open to everyone.", "A community choir and music group, no experience needed."],
        Some((U::Places, 5.0, 20.0)), Some((P::Session, 0.0, 10.0)), 3.5, false),
    arch!("befriending", [CommunityActivity], [Relationships, Community], Community,
        &["Befriending Service", "Friendship Group", "Telephone Friends"],
        &["Volunteer befrienders visit or phone people who feel lonely, and a weekly friendship group to make new friends."],
        Some((U::Places, 2.0, 20.0)), Some((P::Session, 0.0, 0.0)), 3.0, false),
    arch!("carers", [ProfessionalSupport, ShortBreak], [CaringRole, ShortBreaks, Health], Community,
        &["Carers Centre", "Carers Support Service"],
        &["Advice, carer's assessments, support groups and breaks for people caring for a family member or friend."],
        None, Some((P::Session, 0.0, 0.0)), 1.5, false),
    arch!("transport", [Transport], [Travel], Community,
        &["Community Transport", "Dial-a-Ride", "Accessible Minibus"],
        &["Door-to-door accessible transport for people who cannot use buses, to shops, clubs and appointments."],
        Some((U::Places, 10.0, 80.0)), Some((P::Session, 3.0, 12.0)), 2.0, false),
    arch!("advocacy", [ProfessionalSupport], [ChoiceControl], Community,
        &["Independent Advocacy", "Self-Advocacy Group"],
        &["Independent advocacy to help you speak up, be listened to and make your own decisions about your care."],
        Some((U::Hours, 5.0, 40.0)), Some((P::Hour, 0.0, 0.0)), 1.5, false),
    arch!("money_advice", [ProfessionalSupport], [Money], Community,
        &["Money Advice", "Benefits Advice Service"],
        &["Free advice on benefits, debt, bills and budgeting, including help with forms."],
        None, Some((P::Session, 0.0, 0.0)), 1.5, false),
    arch!("mental_health", [ProfessionalSupport, CommunityActivity], [Health, Community], Community,
        &["Wellbeing Hub", "Recovery College", "Peer Support Group"],
        &["Peer support, recovery courses and wellbeing groups for people living with anxiety, depression and other mental health conditions."],
        Some((U::Places, 5.0, 30.0)), Some((P::Session, 0.0, 0.0)), 2.5, false),
    arch!("volunteering", [CommunityActivity], [Volunteering], Community,
        &["Volunteer Centre", "Volunteering Opportunities"],
        &["Find a volunteering role that suits you, with support to get started: charity shops, gardens, cafes and events."],
        Some((U::Places, 5.0, 50.0)), Some((P::Session, 0.0, 0.0)), 1.2, false),
    arch!("cafe", [CommunityActivity], [Community], Mainstream,
        &["Community Cafe", "Lunch Club", "Coffee Morning"],
        &["A welcoming community cafe and lunch club in the town centre, a place to meet people."],
        Some((U::Places, 10.0, 60.0)), Some((P::Session, 0.0, 5.0)), 2.0, false),
    arch!("travel_training", [LearningSupport, Transport], [Travel], Specialist,
        &["Travel Training"],
        &["Travel training to use buses and trains on your own, one to one until you are confident."],
        Some((U::Places, 1.0, 6.0)), Some((P::Hour, 20.0, 30.0)), 0.8, false),
    arch!("housing", [ProfessionalSupport], [Home, Money], Community,
        &["Housing Support", "Tenancy Support"],
        &["Help to find a home, set up a tenancy, sort out rent and bills and keep your home."],
        None, Some((P::Session, 0.0, 0.0)), 1.0, false),
];

/// One kind of organisation: how it is named, and which archetypes it runs.
pub(crate) struct OrgKind {
    pub names: &'static [&'static str],
    pub runs: &'static [&'static str],
}

pub(crate) const ORG_KINDS: &[OrgKind] = &[
    OrgKind {
        names: &[
            "{stem} Home Care Ltd", "{stem} Care Services", "{town} Homecare",
            "{stem} Care at Home Ltd", "{stem} Healthcare Ltd",
        ],
        runs: &["home_care", "supported_living", "pa_micro"],
    },
    OrgKind {
        names: &[
            "{stem} Care Group", "{stem} Care Homes Ltd", "{stem} Healthcare",
        ],
        runs: &["residential", "nursing", "day_centre"],
    },
    OrgKind {
        names: &[
            "{town} Community Action", "{stem} Trust", "Friends of {town}", "{stem} Foundation",
            "{town} Voluntary Services",
        ],
        runs: &[
            "befriending", "carers", "volunteering", "day_opps", "advocacy", "money_advice",
            "mental_health", "digital", "employment", "housing", "cafe",
        ],
    },
    OrgKind {
        names: &[
            "Active {town}", "{town} Leisure Trust", "{stem} Sports Trust",
        ],
        runs: &["leisure"],
    },
    OrgKind {
        names: &[
            "{town} College", "{town} Adult Learning Service", "{stem} Adult Education",
        ],
        runs: &["adult_learning", "digital", "employment"],
    },
    OrgKind {
        names: &["{town} Council Adult Social Care"],
        runs: &[
            "telecare", "equipment", "short_breaks", "day_centre", "shared_lives",
            "travel_training",
        ],
    },
    OrgKind {
        names: &[
            "{stem} Works CIC", "Next Steps {town} CIC", "{stem} Enterprises CIC",
        ],
        runs: &["employment", "digital", "day_opps", "cafe"],
    },
    OrgKind {
        names: &["{stem} Arts", "{town} Community Arts", "{stem} Studio CIC"],
        runs: &["arts", "day_opps"],
    },
    OrgKind {
        names: &["{town} Community Transport", "{stem} Dial-a-Ride"],
        runs: &["transport", "travel_training"],
    },
    OrgKind {
        names: &["{stem} Kitchen", "{town} Meals Service"],
        runs: &["meals", "cafe"],
    },
    OrgKind {
        names: &["{stem} Support Ltd", "{stem} Living", "{stem} Lives CIC"],
        runs: &["supported_living", "short_breaks", "pa_micro", "day_opps"],
    },
];

pub(crate) const STEMS: &[&str] = &[
    "Bluebell", "Oakwood", "Riverside", "Meadowview", "Heather", "Willow", "Kingfisher", "Beacon",
    "Horizon", "Harbour", "Evergreen", "Larch", "Millbrook", "Northgate", "Ashfield", "Cedar",
    "Foxglove", "Lantern", "Compass", "Hillside", "Brookside", "Primrose", "Thistle", "Orchard",
    "Sunrise", "Rowan", "Hawthorn", "Beech", "Skylark", "Juniper", "Moorland", "Seaview",
    "Greenacre", "Holly", "Elmtree", "Bridgeway", "Clover", "Lakeside", "Fernbank", "Oasis",
];

pub(crate) const DIRECTIONS: &[&str] = &["North", "South", "East", "West", "Central"];

/// Sentences any listing may add after what it offers.
pub(crate) const GENERAL: &[&str] = &[
    "We support adults aged 18 and over.",
    "Referrals from social workers, families and self-referrals are welcome.",
    "We accept direct payments and personal budgets.", "Wheelchair accessible.",
    "Open Monday to Friday, 9am to 5pm.", "Staff are trained in autism awareness.",
    "Registered with the Care Quality Commission.", "Free parking on site.",
    "Interpreters available on request.", "Covering the whole of {town}.",
];
