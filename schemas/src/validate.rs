//! Decoding and validation of raw messages against the contract (events.md).
//!
//! `decode` takes the bytes of one message and returns the typed event, or a [`Rejection`]
//! listing every problem with its JSON path and stable [`Reason`]. It never panics on input.
//! Redaction of free text is left to [`crate::privacy`].

pub use crate::check::{is_uuid, Problem, MAX_LISTED_PROBLEMS};
use crate::check::{Checker, Path, ROOT};
use crate::codes::{
    AgeBand, CapacityUnit, Category, ClosureReason, Cohort, CostPer, DeliveryMechanism,
    EthnicityGroup, PlanEventType, PrimarySupportReason, ProviderKind, ServiceEventType,
    ServiceType,
};
use crate::councils;
use crate::event::{Event, EventKind};
use crate::json::{from_json, Json, Object};
use crate::reason::Reason;

/// The largest message accepted: 1 MiB.
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;
/// The deepest nesting of arrays and objects accepted; events of the contract need 3.
pub const MAX_DEPTH: usize = 32;
/// The largest annual budget accepted, in pounds.
pub const MAX_BUDGET_GBP: f64 = 1_000_000.0;
/// The largest single amount accepted (a planned-support cost, a service's price), in
/// pounds: far above any real one, and well within the tables' money columns
/// (`tables::MONEY`, up to £999,999,999,999.99).
pub const MAX_AMOUNT_GBP: f64 = 1_000_000_000.0;

/// Why one message was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The first problem's reason: the one reported in headers and tables.
    pub reason: Reason,
    /// Every problem, joined into one sentence.
    pub detail: String,
    /// The message's `event_id`, where it could be read.
    pub event_id: Option<String>,
    /// The problems found, in order: at most [`MAX_LISTED_PROBLEMS`], then one entry (at `$`,
    /// with the first unlisted problem's reason) counting the rest.
    pub problems: Vec<Problem>,
}

impl Rejection {
    /// The rejection of a message of `size` bytes, over [`MAX_MESSAGE_BYTES`].
    pub fn oversize(size: usize) -> Self {
        Self::single(
            Reason::Oversize,
            format!("message has {size} bytes; the limit is {MAX_MESSAGE_BYTES}"),
        )
    }

    /// The rejection of a valid event that a table cannot hold (`number_out_of_range`).
    pub fn unstorable(event_id: &str, detail: impl Into<String>) -> Self {
        Self {
            event_id: Some(event_id.to_owned()),
            ..Self::single(Reason::NumberOutOfRange, detail)
        }
    }

    fn single(reason: Reason, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self {
            reason,
            detail: detail.clone(),
            event_id: None,
            problems: vec![Problem {
                path: "$".to_owned(),
                reason,
                detail,
            }],
        }
    }

    fn from_problems(problems: Vec<Problem>, event_id: Option<String>) -> Self {
        let reason = problems.first().map_or(Reason::WrongType, |p| p.reason);
        let detail = problems
            .iter()
            .map(|p| format!("{}: {} ({})", p.path, p.detail, p.reason))
            .collect::<Vec<_>>()
            .join("; ");
        Self {
            reason,
            detail,
            event_id,
            problems,
        }
    }
}

/// Decodes one message: size, UTF-8, JSON, nesting, schema, then every rule of the contract.
///
/// The whole message is checked to be UTF-8 first (at once, quicker than string by string in
/// the parser). A message that keeps the contract is then usually accepted by the quick path
/// (`quick`: parsed straight into its type); the rest take the full check, [`decode_fully`].
pub fn decode(bytes: &[u8]) -> Result<Event, Rejection> {
    let text = checked_text(bytes)?;
    match crate::quick::accept(text) {
        Some(event) => Ok(event),
        None => decode_text(bytes, text),
    }
}

/// [`decode`] without its quick path: every message walked as a JSON tree, as a rejected
/// one always is. The same verdicts, slower; for comparing the two.
pub fn decode_fully(bytes: &[u8]) -> Result<Event, Rejection> {
    let text = checked_text(bytes)?;
    decode_text(bytes, text)
}

/// The message as text, if it is within the size limit and UTF-8.
fn checked_text(bytes: &[u8]) -> Result<&str, Rejection> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(Rejection::oversize(bytes.len()));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        Rejection::single(
            Reason::InvalidUtf8,
            format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })
}

/// The full check of a message's text. The nesting scan runs only to explain a parse that
/// failed: a parsed message's nesting is read from the tree.
fn decode_text(bytes: &[u8], text: &str) -> Result<Event, Rejection> {
    let json = Json::parse(text).map_err(|e| unparsable(bytes, &e))?;
    if json.depth() > MAX_DEPTH {
        return Err(too_deep());
    }
    decode_json(&json)
}

/// Why a message of UTF-8 serde_json could not parse is rejected: too deep, or not JSON.
fn unparsable(bytes: &[u8], e: &serde_json::Error) -> Rejection {
    if nesting_depth(bytes) > MAX_DEPTH {
        return too_deep();
    }
    Rejection::single(
        Reason::MalformedJson,
        format!(
            "not JSON: {} at line {} column {}",
            json_error_kind(e),
            e.line(),
            e.column()
        ),
    )
}

fn too_deep() -> Rejection {
    Rejection::single(
        Reason::TooDeep,
        format!("JSON nests deeper than {MAX_DEPTH} levels"),
    )
}

/// Validates a parsed message and, when it keeps the contract, returns the typed event.
fn decode_json(json: &Json) -> Result<Event, Rejection> {
    let kind = kind_of(json)?;
    let problems = validate(kind, json);
    if !problems.is_empty() {
        return Err(Rejection::from_problems(problems, readable_event_id(json)));
    }
    let typed = match kind {
        EventKind::SupportPlan => from_json(json).map(Event::SupportPlan),
        EventKind::ProviderService => from_json(json).map(Event::ProviderService),
    };
    // Unreachable while validation is complete; the error's text may quote the message, so
    // it is not kept.
    typed.map_err(|_| {
        Rejection::from_problems(
            vec![Problem {
                path: "$".to_owned(),
                reason: Reason::WrongType,
                detail: "does not match the event type".to_owned(),
            }],
            readable_event_id(json),
        )
    })
}

/// Every problem of a parsed message as an event of `kind`; empty when it keeps the contract.
fn validate(kind: EventKind, json: &Json) -> Vec<Problem> {
    let mut c = Checker::default();
    match kind {
        EventKind::SupportPlan => support_plan(&mut c, json),
        EventKind::ProviderService => provider_service(&mut c, json),
    }
    c.finish()
}

/// Which kind of event a message claims to be, by its `schema` field.
fn kind_of(json: &Json) -> Result<EventKind, Rejection> {
    let Json::Object(object) = json else {
        return Err(Rejection::single(
            Reason::NotAnObject,
            "the message is JSON but not an object",
        ));
    };
    let schema = object.get("schema").and_then(Json::as_str);
    let Some(kind) = schema.and_then(EventKind::from_schema) else {
        let detail = match schema {
            None => "`schema` is missing or not a string".to_owned(),
            Some(_) => "`schema` names no event version this service knows \
                        (stf.support_plan.v1, stf.provider_service.v1)"
                .to_owned(),
        };
        let mut r = Rejection::single(Reason::UnknownSchema, detail);
        r.event_id = readable_event_id(json);
        r.problems[0].path = "$.schema".to_owned();
        return Err(r);
    };
    Ok(kind)
}

/// The `event_id` of a message, when it is there and is a UUID.
fn readable_event_id(json: &Json) -> Option<String> {
    json.get("event_id")
        .and_then(Json::as_str)
        .filter(|s| is_uuid(s))
        .map(str::to_owned)
}

/// What kind of JSON error this is, without the message's content.
fn json_error_kind(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Eof => "unexpected end of input",
        serde_json::error::Category::Data => "data does not fit",
        serde_json::error::Category::Io => "read error",
    }
}

/// The deepest nesting of arrays and objects in a JSON text, ignoring brackets in strings.
fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

const PLAN_FIELDS: &[&str] = &[
    "schema",
    "event_id",
    "event_type",
    "occurred_at",
    "plan_id",
    "plan_version",
    "local_authority",
    "locality",
    "person",
    "budget",
    "desired_outcomes",
    "planned_support",
    "closure_reason",
];

fn support_plan(c: &mut Checker, v: &Json) {
    let Some(m) = c.object(&ROOT, v, PLAN_FIELDS) else {
        return;
    };
    common_header(c, m);
    let event_type = c
        .required(&ROOT, m, "event_type")
        .and_then(|(at, v)| c.code::<PlanEventType>(&at, v));
    if let Some((at, v)) = c.required(&ROOT, m, "plan_id") {
        c.identifier(&at, v, 8, 64);
    }
    if let Some((at, v)) = c.required(&ROOT, m, "plan_version") {
        c.integer(&at, v, 1, i64::from(u32::MAX));
    }
    if let Some((at, v)) = c.required(&ROOT, m, "local_authority") {
        local_authority(c, &at, v);
    }
    if let Some((at, v)) = present(&ROOT, m, "locality") {
        locality(c, &at, v);
    }
    if let Some((at, v)) = c.required(&ROOT, m, "person") {
        person(c, &at, v);
    }
    if let Some((at, v)) = c.required(&ROOT, m, "budget") {
        budget(c, &at, v);
    }
    if let Some((at, v)) = c.required(&ROOT, m, "desired_outcomes") {
        for (i, item) in c
            .array(&at, v, 0, 30)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            desired_outcome(c, &at.item(i), item);
        }
    }
    if let Some((at, v)) = c.required(&ROOT, m, "planned_support") {
        for (i, item) in c
            .array(&at, v, 0, 50)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            planned_support(c, &at.item(i), item);
        }
    }
    let closure = present(&ROOT, m, "closure_reason");
    if let Some((at, v)) = &closure {
        c.code::<ClosureReason>(at, v);
    }
    match (event_type, closure.is_some()) {
        (Some(PlanEventType::Closed), false) => c.push(
            &ROOT.field("closure_reason"),
            Reason::ClosureReasonMissing,
            "a plan_closed event must say why the plan closed",
        ),
        (Some(t), true) if t != PlanEventType::Closed => c.push(
            &ROOT.field("closure_reason"),
            Reason::ClosureReasonUnexpected,
            "only a plan_closed event has a closure_reason",
        ),
        _ => {}
    }
}

/// `schema` (already checked by `kind_of`), `event_id` and `occurred_at`.
fn common_header(c: &mut Checker, m: &Object) {
    if let Some((at, v)) = c.required(&ROOT, m, "event_id") {
        c.uuid(&at, v);
    }
    if let Some((at, v)) = c.required(&ROOT, m, "occurred_at") {
        c.timestamp(&at, v);
    }
}

/// An optional field, with its path: absent and null are the same.
fn present<'v, 'a, 'p>(
    at: &'p Path<'p>,
    m: &'v Object<'a>,
    name: &'p str,
) -> Option<(Path<'p>, &'v Json<'a>)> {
    m.get(name)
        .filter(|v| !v.is_null())
        .map(|v| (at.field(name), v))
}

fn person(c: &mut Checker, at: &Path, v: &Json) {
    const FIELDS: &[&str] = &[
        "age_band",
        "cohort",
        "primary_support_reason",
        "ethnicity_group",
    ];
    let Some(m) = c.object(at, v, FIELDS) else {
        return;
    };
    if let Some((at, v)) = c.required(at, m, "age_band") {
        c.code::<AgeBand>(&at, v);
    }
    if let Some((at, v)) = c.required(at, m, "cohort") {
        c.code::<Cohort>(&at, v);
    }
    if let Some((at, v)) = c.required(at, m, "primary_support_reason") {
        c.code::<PrimarySupportReason>(&at, v);
    }
    if let Some((at, v)) = present(at, m, "ethnicity_group") {
        c.code::<EthnicityGroup>(&at, v);
    }
}

fn budget(c: &mut Checker, at: &Path, v: &Json) {
    let Some(m) = c.object(at, v, &["annual_gbp", "delivery_mechanism"]) else {
        return;
    };
    if let Some((at, v)) = c.required(at, m, "annual_gbp") {
        c.number(&at, v, 0.0, MAX_BUDGET_GBP, Reason::BudgetOutOfRange);
    }
    if let Some((at, v)) = c.required(at, m, "delivery_mechanism") {
        c.code::<DeliveryMechanism>(&at, v);
    }
}

fn desired_outcome(c: &mut Checker, at: &Path, v: &Json) {
    let Some(m) = c.object(at, v, &["text", "priority"]) else {
        return;
    };
    if let Some((at, v)) = c.required(at, m, "text") {
        c.string(&at, v, 1, 1000);
    }
    if let Some((at, v)) = present(at, m, "priority") {
        c.integer(&at, v, 1, 5);
    }
}

fn planned_support(c: &mut Checker, at: &Path, v: &Json) {
    const FIELDS: &[&str] = &[
        "description",
        "service_type",
        "provider_kind",
        "hours_per_week",
        "annual_cost_gbp",
        "arranged",
    ];
    let Some(m) = c.object(at, v, FIELDS) else {
        return;
    };
    if let Some((at, v)) = c.required(at, m, "description") {
        c.string(&at, v, 1, 500);
    }
    if let Some((at, v)) = c.required(at, m, "service_type") {
        c.code::<ServiceType>(&at, v);
    }
    if let Some((at, v)) = c.required(at, m, "provider_kind") {
        c.code::<ProviderKind>(&at, v);
    }
    if let Some((at, v)) = present(at, m, "hours_per_week") {
        c.number(&at, v, 0.0, f64::MAX, Reason::NumberOutOfRange);
    }
    if let Some((at, v)) = c.required(at, m, "annual_cost_gbp") {
        c.number(&at, v, 0.0, MAX_AMOUNT_GBP, Reason::NumberOutOfRange);
    }
    if let Some((at, v)) = c.required(at, m, "arranged") {
        c.boolean(&at, v);
    }
}

fn local_authority(c: &mut Checker, at: &Path, v: &Json) {
    let Json::String(code) = v else {
        c.string(at, v, 0, 0);
        return;
    };
    if !councils::is_known(code) {
        c.push(
            at,
            Reason::UnknownLocalAuthority,
            "is not the GSS code of a council with social-care responsibility",
        );
    }
}

fn locality(c: &mut Checker, at: &Path, v: &Json) {
    let Json::String(s) = v else {
        c.string(at, v, 0, 0);
        return;
    };
    if crate::postcode::is_full_postcode(s) {
        c.push(
            at,
            Reason::FullPostcodeInLocality,
            "holds a full postcode; only the district (outward code, e.g. OL1) may be sent",
        );
    } else if !crate::postcode::is_district(s) {
        c.push(
            at,
            Reason::InvalidLocality,
            "is not a postcode district (outward code, e.g. OL1 or LS25)",
        );
    }
}

const SERVICE_FIELDS: &[&str] = &[
    "schema",
    "event_id",
    "event_type",
    "occurred_at",
    "service_id",
    "organization_id",
    "organization_name",
    "provider_kind",
    "service_name",
    "description",
    "categories",
    "service_types",
    "local_authorities",
    "localities",
    "capacity",
    "cost",
    "accepting_new",
];

fn provider_service(c: &mut Checker, v: &Json) {
    let Some(m) = c.object(&ROOT, v, SERVICE_FIELDS) else {
        return;
    };
    common_header(c, m);
    if let Some((at, v)) = c.required(&ROOT, m, "event_type") {
        c.code::<ServiceEventType>(&at, v);
    }
    if let Some((at, v)) = c.required(&ROOT, m, "service_id") {
        c.identifier(&at, v, 1, 64);
    }
    if let Some((at, v)) = c.required(&ROOT, m, "organization_id") {
        c.identifier(&at, v, 1, 64);
    }
    if let Some((at, v)) = c.required(&ROOT, m, "organization_name") {
        c.string(&at, v, 1, 200);
    }
    if let Some((at, v)) = c.required(&ROOT, m, "provider_kind") {
        c.code::<ProviderKind>(&at, v);
    }
    if let Some((at, v)) = c.required(&ROOT, m, "service_name") {
        c.string(&at, v, 1, 200);
    }
    if let Some((at, v)) = c.required(&ROOT, m, "description") {
        c.string(&at, v, 0, 2000);
    }
    if let Some((at, v)) = present(&ROOT, m, "categories") {
        for (i, item) in c
            .array(&at, v, 0, 19)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            category(c, &at.item(i), item);
        }
    }
    if let Some((at, v)) = c.required(&ROOT, m, "service_types") {
        for (i, item) in c
            .array(&at, v, 1, 17)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            c.code::<ServiceType>(&at.item(i), item);
        }
    }
    if let Some((at, v)) = c.required(&ROOT, m, "local_authorities") {
        for (i, item) in c
            .array(&at, v, 1, 200)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            local_authority(c, &at.item(i), item);
        }
    }
    if let Some((at, v)) = present(&ROOT, m, "localities") {
        for (i, item) in c
            .array(&at, v, 0, 500)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            locality(c, &at.item(i), item);
        }
    }
    if let Some((at, v)) = present(&ROOT, m, "capacity") {
        capacity(c, &at, v);
    }
    if let Some((at, v)) = present(&ROOT, m, "cost") {
        cost(c, &at, v);
    }
    if let Some((at, v)) = c.required(&ROOT, m, "accepting_new") {
        c.boolean(&at, v);
    }
}

fn category(c: &mut Checker, at: &Path, v: &Json) {
    let Json::String(s) = v else {
        c.string(at, v, 0, 0);
        return;
    };
    if s.parse::<Category>().is_err() {
        c.push(
            at,
            Reason::UnknownCategory,
            "is not a category of the taxonomy",
        );
    }
}

fn capacity(c: &mut Checker, at: &Path, v: &Json) {
    let Some(m) = c.object(at, v, &["unit", "available_per_week"]) else {
        return;
    };
    if let Some((at, v)) = present(at, m, "unit") {
        c.code::<CapacityUnit>(&at, v);
    }
    if let Some((at, v)) = present(at, m, "available_per_week") {
        c.number(&at, v, 0.0, f64::MAX, Reason::NumberOutOfRange);
    }
}

fn cost(c: &mut Checker, at: &Path, v: &Json) {
    let Some(m) = c.object(at, v, &["amount_gbp", "per"]) else {
        return;
    };
    if let Some((at, v)) = present(at, m, "amount_gbp") {
        c.number(&at, v, 0.0, MAX_AMOUNT_GBP, Reason::NumberOutOfRange);
    }
    if let Some((at, v)) = present(at, m, "per") {
        c.code::<CostPer>(&at, v);
    }
}
