//! The words desired outcomes are made of: per category, verb phrases ("go swimming") and
//! noun phrases ("a job"); and the slots around them: openers, companions, places, times,
//! reasons, things people turn down, and statements that fit no category.
//!
//! Written for this generator. Tokens: `{my}`, `{me}`, `{self}` follow the writer's voice;
//! `{He}`, `{he}`, `{His}`, `{his}` name the person in the third person; `{town}` is the
//! council's town.

use stf_schemas::codes::Category;

/// The phrases of one category.
pub(crate) struct CategoryPhrases {
    pub vps: &'static [&'static str],
    pub nps: &'static [&'static str],
}

/// The phrases of a category (`unclassified` has none of its own).
pub(crate) fn of(category: Category) -> &'static CategoryPhrases {
    use Category as C;
    match category {
        C::Employment => &EMPLOYMENT,
        C::Volunteering => &VOLUNTEERING,
        C::Learning => &LEARNING,
        C::SportFitness => &SPORT,
        C::ArtsHobbies => &ARTS,
        C::Relationships => &RELATIONSHIPS,
        C::Community => &COMMUNITY,
        C::Travel => &TRAVEL,
        C::Home => &HOME,
        C::DailyLiving => &DAILY_LIVING,
        C::PersonalCare => &PERSONAL_CARE,
        C::Health => &HEALTH,
        C::Safety => &SAFETY,
        C::ShortBreaks => &SHORT_BREAKS,
        C::CaringRole => &CARING,
        C::Money => &MONEY,
        C::ChoiceControl => &CHOICE,
        C::Digital => &DIGITAL,
        C::Unclassified => &NONE,
    }
}

static NONE: CategoryPhrases = CategoryPhrases {
    vps: &["be happy"],
    nps: &["a good life"],
};

static EMPLOYMENT: CategoryPhrases = CategoryPhrases {
    vps: &[
        "get a job", "get a paid job", "find work", "get a part time job", "get back into work",
        "go back to work", "keep {my} job", "find a job in a shop", "work in a cafe",
        "get a job working with animals", "do an apprenticeship", "get some work experience",
        "start {my} own business", "get a job at the supermarket", "earn {my} own money",
        "work a few hours a week", "find a job I can do from home", "stay in work",
        "get a job in a garage", "work in a kitchen", "get a proper job", "work as a gardener",
        "get a job in an office", "do a work placement", "work on the tills",
        "sell {my} cakes at the market and make it a business", "get paid for the work I do",
    ],
    nps: &[
        "a job", "paid work", "a part time job", "work experience", "an apprenticeship",
        "help finding work", "a job coach", "a job with proper wages",
    ],
};

static VOLUNTEERING: CategoryPhrases = CategoryPhrases {
    vps: &[
        "do some volunteering", "volunteer at a charity shop", "help out at the food bank",
        "volunteer at the animal rescue", "give something back", "help at the coffee morning",
        "be a peer mentor", "volunteer in a community garden", "help other people like me",
        "volunteer at the football club", "help run the youth group", "do voluntary work",
        "be on the committee at {my} group", "volunteer at the hospice shop",
        "help out at the church", "be a volunteer driver", "do a bit of volunteering",
    ],
    nps: &[
        "voluntary work", "a volunteering role", "volunteering", "something to give back",
    ],
};

static LEARNING: CategoryPhrases = CategoryPhrases {
    vps: &[
        "go to college", "do a course", "learn to read and write better", "get better at maths",
        "do {my} English and maths", "finish {my} qualification", "go to evening classes",
        "learn British Sign Language", "learn English", "go back to college", "get {my} GCSEs",
        "study with the Open University", "go to uni", "go to adult learning classes",
        "have a tutor", "do a cooking course at college", "do an IT course", "get a qualification",
        "learn braille", "do a level two course in childcare", "go on a first aid course",
        "learn a new language at night school",
    ],
    nps: &[
        "a college course", "lessons", "a course", "English classes", "a tutor",
        "help with reading", "a place at college",
    ],
};

static SPORT: CategoryPhrases = CategoryPhrases {
    vps: &[
        "go swimming", "go to the gym", "get back to the gym", "play football", "play footy",
        "go to a walking group", "go for walks", "ride {my} bike", "go cycling", "do yoga",
        "go to zumba", "go to a dance class", "play badminton", "go bowling", "do boxing",
        "go to the leisure centre", "play wheelchair basketball", "do chair exercises",
        "get fitter", "go running", "go to aqua aerobics", "play tennis", "do tai chi",
        "go horse riding", "play walking football", "do park run", "go to the swimming baths",
        "go climbing", "do some exercise",
    ],
    nps: &[
        "swimming", "the gym", "football", "exercise classes", "a gym pass", "a walking group",
    ],
};

static ARTS: CategoryPhrases = CategoryPhrases {
    vps: &[
        "do some painting", "go to an art group", "play the guitar", "sing in a choir",
        "join a drama group", "do arts and crafts", "do knitting", "take photos", "do gardening",
        "get {my} allotment going again", "go fishing", "play video games", "go to the cinema",
        "go to the theatre", "go to concerts", "listen to live music", "do pottery", "do woodwork",
        "go to gigs", "do jigsaws", "go to a craft group", "do {my} drawing", "make music",
        "play the piano again", "do card making", "go to the museum",
    ],
    nps: &[
        "art", "music", "gardening", "fishing", "crafts", "the cinema", "a singing group",
    ],
};

static RELATIONSHIPS: CategoryPhrases = CategoryPhrases {
    vps: &[
        "see {my} family more", "see {my} grandchildren", "make new friends",
        "keep in touch with {my} friends", "see {my} mates", "see {my} mum", "visit {my} brother",
        "have a girlfriend", "have a boyfriend", "find a partner", "go on dates",
        "not feel so lonely", "spend time with {my} children", "see {my} dad at weekends",
        "stay close to {my} family", "have friends round", "get back in touch with {my} sister",
        "meet people {my} own age", "spend more time with {my} wife",
        "visit {my} husband in the home", "have someone to talk to", "be less lonely",
        "see {my} nan", "keep seeing {my} friends from school",
    ],
    nps: &[
        "friends", "company", "more contact with {my} family", "a girlfriend", "a boyfriend",
    ],
};

static COMMUNITY: CategoryPhrases = CategoryPhrases {
    vps: &[
        "go to the pub", "go to the cafe in town", "go to the library", "go to church",
        "go to the mosque", "go to the gurdwara", "go to a social club",
        "go to the community centre", "go out in town", "go to the market", "go to the pub quiz",
        "go to bingo", "go to the lunch club", "watch the match at the pub", "go to the match",
        "be part of {my} local community", "go to coffee mornings", "join the Men's Shed",
        "go to the youth club", "go to the disco on a Friday", "go to the working men's club",
        "go out for a meal", "get out and about in {town}", "go to the carnival",
    ],
    nps: &[
        "the pub", "a social club", "the library", "church", "a lunch club", "things to do locally",
    ],
};

static TRAVEL: CategoryPhrases = CategoryPhrases {
    vps: &[
        "get the bus on {my} own", "use the bus", "travel on {my} own", "learn to use the buses",
        "learn to drive", "get a mobility scooter", "have a car", "go out on {my} own",
        "get a taxi when I need to", "get a bus pass", "travel into {town}", "use the tram",
        "get about independently", "get a blue badge", "use the train", "get a Motability car",
        "find {my} way round {town}", "do travel training", "get a wheelchair I can push {self}",
    ],
    nps: &[
        "travel training", "a bus pass", "a mobility scooter", "transport", "lifts",
    ],
};

static HOME: CategoryPhrases = CategoryPhrases {
    vps: &[
        "live in {my} own flat", "move out of {my} mum and dad's", "have {my} own place",
        "get {my} own tenancy", "stay in {my} own home", "move out of the care home",
        "live with other people {my} age", "get a ground floor flat",
        "have a walk in shower fitted", "get a stairlift", "move somewhere nearer {my} family",
        "live independently", "have a ramp put in", "get {my} bathroom adapted",
        "have {my} own bedroom", "move into supported living", "get a bungalow",
        "stay living at home with {my} wife", "get rehoused", "live on {my} own",
    ],
    nps: &[
        "{my} own flat", "a stairlift", "a wet room", "{my} own tenancy", "a bungalow",
        "somewhere to live",
    ],
};

static DAILY_LIVING: CategoryPhrases = CategoryPhrases {
    vps: &[
        "cook {my} own meals", "learn to cook", "do {my} own shopping", "keep {my} flat clean",
        "do {my} washing", "do the ironing", "manage {my} house", "look after {my} dog",
        "make {my} own breakfast", "go shopping for food", "do the hoovering",
        "look after {my} cat", "keep on top of the housework", "cook a roast dinner",
        "make a cup of tea safely", "use the washing machine", "keep the garden tidy",
        "make {my} own sandwiches", "put the bins out", "do {my} own laundry",
    ],
    nps: &[
        "help with cleaning", "help with shopping", "help with cooking", "help with the housework",
        "a cleaner", "hot meals",
    ],
};

static PERSONAL_CARE: CategoryPhrases = CategoryPhrases {
    vps: &[
        "wash and dress {self}", "have a bath", "have a shower every day", "get up in the morning",
        "get to bed at a decent time", "get help with washing", "manage {my} continence",
        "use the toilet on {my} own", "eat and drink properly", "have help getting dressed",
        "look smart", "have {my} hair washed", "be clean and comfortable", "get up and dressed",
        "have a proper wash", "shave {self}", "get in and out of bed safely",
        "have {my} meals cut up so I can eat", "keep {my} skin healthy",
    ],
    nps: &[
        "help with washing", "help getting dressed", "a shower", "help in the mornings",
        "carers to help {me} get up", "help with personal care",
    ],
};

static HEALTH: CategoryPhrases = CategoryPhrases {
    vps: &[
        "stay well", "lose weight", "manage {my} diabetes", "take {my} tablets properly",
        "sleep better", "feel less anxious", "feel more confident", "stop drinking",
        "cut down on smoking", "get {my} mental health better", "see a counsellor",
        "manage {my} pain", "keep {my} mind active", "feel happier", "get stronger",
        "cope with {my} anxiety", "get to {my} hospital appointments", "eat more healthily",
        "stay out of hospital", "get {my} confidence back", "manage {my} epilepsy",
        "stop self harming", "keep off the drugs", "feel less depressed",
    ],
    nps: &[
        "counselling", "help with {my} medication", "therapy", "more confidence",
        "someone to talk to about {my} anxiety",
    ],
};

static SAFETY: CategoryPhrases = CategoryPhrases {
    vps: &[
        "feel safe at home", "not fall again", "feel safe at night", "have an alarm in case I fall",
        "be safe when I go out", "not be taken advantage of", "have someone check on {me}",
        "be safe in the kitchen", "not get lost when I go out", "have a pendant alarm",
        "know what to do in an emergency", "stop people coming round to the flat",
        "feel safe on the bus", "not be scammed on the phone", "stop having falls",
    ],
    nps: &[
        "a pendant alarm", "someone to check on {me}", "a key safe", "falls sensors",
        "to feel safe",
    ],
};

static SHORT_BREAKS: CategoryPhrases = CategoryPhrases {
    vps: &[
        "go on holiday", "have a holiday by the sea", "go to Blackpool for a weekend",
        "have a weekend away", "have a break from home", "go to respite", "go camping",
        "have a short break", "go to a caravan park", "give {my} mum a break", "go on a cruise",
        "have a few days at the seaside", "go abroad", "stay over at the respite house",
        "go to Skegness for a week", "have a holiday in Wales",
    ],
    nps: &[
        "a holiday", "respite", "a break", "a weekend away", "some time away",
    ],
};

static CARING: CategoryPhrases = CategoryPhrases {
    vps: &[
        "look after {my} grandchildren", "be a good mum to {my} kids",
        "keep caring for {my} husband", "look after {my} wife", "take {my} kids to school",
        "be a good dad", "care for {my} mum", "support {my} son",
        "help {my} daughter with the baby", "keep looking after {my} partner",
        "pick the grandkids up from school", "keep being a carer for {my} brother",
        "be there for {my} children",
    ],
    nps: &[
        "help to look after {my} children", "support as a carer", "help with the school run",
    ],
};

static MONEY: CategoryPhrases = CategoryPhrases {
    vps: &[
        "manage {my} money", "sort out {my} benefits", "pay {my} bills on time", "get out of debt",
        "budget better", "have {my} own bank account", "get the right benefits",
        "understand {my} bills", "save some money each month", "get help with {my} PIP form",
        "stop getting into debt", "have money for the things I like", "sort out {my} rent arrears",
        "learn to use a bank card",
    ],
    nps: &[
        "help with money", "help with {my} benefits", "a bank card", "help with {my} bills",
    ],
};

static CHOICE: CategoryPhrases = CategoryPhrases {
    vps: &[
        "make {my} own decisions", "choose {my} own staff", "employ {my} own PA",
        "have {my} own PA", "manage {my} own budget", "have a say in {my} support",
        "be listened to", "speak up for {self}", "choose what I do each day", "have an advocate",
        "choose who helps {me}", "be in charge of {my} own life", "pick {my} own carers",
        "have more control over {my} care", "have a direct payment",
    ],
    nps: &[
        "a direct payment", "{my} own PA", "an advocate", "more say", "more control",
    ],
};

static DIGITAL: CategoryPhrases = CategoryPhrases {
    vps: &[
        "use {my} phone better", "learn to use a tablet", "go on the internet",
        "learn to use a computer", "use whatsapp", "get an ipad", "use email", "send texts",
        "use Alexa", "order things online", "watch films on netflix", "use facebook",
        "use {my} laptop", "get online", "do {my} banking online", "set up a smartphone",
    ],
    nps: &[
        "a tablet", "help with {my} phone", "the internet", "wifi", "computer lessons", "a laptop",
    ],
};

/// Phrases that ask for two categories at once.
pub(crate) static COMPOUNDS: &[(&str, Category, Category)] = &[
    (
        "get the bus to college",
        Category::Travel,
        Category::Learning,
    ),
    (
        "get the train to see {my} sister",
        Category::Travel,
        Category::Relationships,
    ),
    (
        "move into a flat with {my} best friend",
        Category::Home,
        Category::Relationships,
    ),
    (
        "do video calls with {my} grandkids",
        Category::Digital,
        Category::Relationships,
    ),
    (
        "save up for a holiday",
        Category::Money,
        Category::ShortBreaks,
    ),
    (
        "get the bus to church on {my} own",
        Category::Travel,
        Category::Community,
    ),
    (
        "do {my} food shopping online",
        Category::Digital,
        Category::DailyLiving,
    ),
    (
        "go on holiday with {my} friends",
        Category::ShortBreaks,
        Category::Relationships,
    ),
    (
        "get a job so I can pay {my} own bills",
        Category::Employment,
        Category::Money,
    ),
    (
        "do a course so I can get a job",
        Category::Learning,
        Category::Employment,
    ),
    ("keep safe online", Category::Safety, Category::Digital),
    (
        "go to the gym with {my} brother",
        Category::SportFitness,
        Category::Relationships,
    ),
    (
        "take {my} grandson fishing",
        Category::ArtsHobbies,
        Category::CaringRole,
    ),
];

/// Openers in the first person, each followed by a verb phrase.
pub(crate) static OPENERS_I: &[&str] = &[
    "I want to", "I'd like to", "I would like to", "I wanna", "I really want to", "I'd love to",
    "I would love to", "My goal is to", "I hope to", "Want to", "Would like to", "I need to",
    "I want to be able to", "I'd like to be able to", "It's important to me to", "Id like to",
    "I want help to", "I want support to", "To", "I'd like support to", "I really wanna",
    "Would love to", "My dream is to", "I want to try and", "I'd really like to", "I just want to",
    "One day I want to", "I want to carry on being able to",
];

/// Third-person openers that fit he, she and they.
pub(crate) static OPENERS_THIRD: &[&str] = &[
    "{He} would like to", "{He}'d like to", "{His} goal is to", "{He} would love to",
    "Mum says {he} would like to", "Family feel {he} would benefit from support to",
    "Staff think {he} would enjoy being able to", "{He} would really like to",
];

/// Third-person openers for he and she only.
pub(crate) static OPENERS_SINGULAR: &[&str] = &[
    "{He} wants to", "{He} has told us {he} would like to", "{He} hopes to", "{He} really wants to",
    "{He} has said {he} wants to", "{He} says {he} wants to", "{He} needs support to",
];

/// Frames around a noun phrase.
pub(crate) static NP_FRAMES_I: &[&str] = &[
    "{np}", "I'd like {np}", "I need {np}", "Would like {np}", "{np} please", "Need {np}",
    "Looking for {np}", "I want {np}", "I would like {np}", "Really want {np}",
];

/// Companions who make an outcome about relationships too.
pub(crate) static FAMILY: &[&str] = &[
    "with {my} mates", "with {my} friends", "with me mam", "with {my} mum", "with {my} brother",
    "with {my} sister", "with {my} dad", "with {my} partner", "with {my} grandkids",
    "with {my} son", "with {my} daughter", "with people {my} own age", "with {my} cousin",
    "with {my} nan", "with {my} best mate",
];

/// Companions who do not.
pub(crate) static HELPERS: &[&str] = &[
    "with {my} support worker", "with a PA", "with someone to help {me}", "on {my} own",
    "by {self}", "with a bit of help", "without needing staff",
];

pub(crate) static PLACES: &[&str] = &[
    "in town", "near {my} house", "locally", "round here", "in {town}", "closer to home",
    "near where I live", "nearby", "in {my} area",
];

pub(crate) static TIMES: &[&str] = &[
    "on Saturdays", "at weekends", "every week", "twice a week", "once a week", "in the mornings",
    "in the evenings", "again", "more often", "this year", "in the summer", "before Christmas",
    "every day", "on a Friday night", "when I feel up to it", "like I used to", "one day", "soon",
    "at least once a month", "a couple of times a week", "next year",
];

pub(crate) static REASONS: &[&str] = &[
    "because I get bored", "because it makes me happy", "as I used to love it",
    "because it's important to me", "cos I enjoy it", "so I have something to look forward to",
    "because I'm fed up of sitting in", "because I used to do it before my stroke",
    "as I want to prove I can", "because I miss it", "cos everyone else does",
    "because the doctor said it would help",
];

/// Things people turn down, with the category they would otherwise suggest.
pub(crate) static REJECTED: &[(&str, Category)] = &[
    ("the day centre", Category::Unclassified), ("day services", Category::Unclassified),
    ("to go to the day centre", Category::Unclassified), ("respite", Category::ShortBreaks),
    ("carers coming in", Category::PersonalCare), ("college", Category::Learning),
    ("a care home", Category::Home), ("to move into a home", Category::Home),
    ("the gym", Category::SportFitness), ("swimming", Category::SportFitness),
    ("the club", Category::Community), ("bingo", Category::Community),
    ("to live with {my} parents", Category::Home), ("volunteering", Category::Volunteering),
    ("to sit in all day", Category::Unclassified), ("a tablet", Category::Digital),
];

/// Frames that turn a thing down (`{no}`) and ask for another (`{vp}`).
pub(crate) static NEGATIONS: &[&str] = &[
    "I don't want {no} any more, I want to {vp}", "I dont want {no} anymore i want to {vp}",
    "No more {no}! I want to {vp}", "I'm not bothered about {no}, I just want to {vp}",
    "I don't want {no}. I'd rather {vp}", "Not {no} - I want to {vp}",
    "I don't want {no}, I'd like to {vp} instead", "Don't want {no}. Want to {vp}",
];

/// Whole statements that turn one thing down and ask for another, with what they ask for.
pub(crate) static NEGATION_STATEMENTS: &[(&str, Category)] = &[
    (
        "I don't want the day centre any more, I want a job",
        Category::Employment,
    ),
    (
        "I don't want to go into a care home, I want to stay in my own home",
        Category::Home,
    ),
    (
        "Not college again, I want to earn my own money",
        Category::Employment,
    ),
    (
        "I don't want to be stuck in the house, I want to get out on the bus",
        Category::Travel,
    ),
    (
        "Dont want respite, want to stay home with my cat and be able to feed her",
        Category::DailyLiving,
    ),
    (
        "I'm not going to the gym, I want to join the choir",
        Category::ArtsHobbies,
    ),
    (
        "No carers in the evening - I want to put myself to bed",
        Category::PersonalCare,
    ),
];

/// Statements that fit no category.
pub(crate) static UNCLASSIFIED: &[&str] = &[
    "I'm happy as I am", "Nothing really", "Dont know", "Not sure yet, will think about it",
    "To stay the same", "Happy with things as they are", "Nothing at the moment thank you", "Dunno",
    "I want to be happy", "To have a good life", "I like the colour purple", "Everything is fine",
    "Not answered", "n/a", "No comment", "I want things to be better", "Same as last year",
    "Carry on as we are", "He did not want to discuss this today", "She was unable to say",
    "Will discuss at next review", "Ask me another time", "I like Doctor Who",
    "Just to be left alone really", "Whatever mum thinks",
];
