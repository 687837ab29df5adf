//! Decoding and validation of raw messages against the contract (events.md).
//!
//! `decode` takes the bytes of one message and returns the typed event, or a [`Rejection`]
//! listing every problem with its JSON path and stable [`Reason`]. It never panics on input.
//! Redaction of free text is left to [`crate::privacy`].

use serde_json::{Map, Value};

use crate::check::{field_path, item_path, Checker};
pub use crate::check::{is_uuid, Problem};
use crate::codes::{
    AgeBand, CapacityUnit, Category, ClosureReason, Cohort, CostPer, DeliveryMechanism,
    EthnicityGroup, PlanEventType, PrimarySupportReason, ProviderKind, ServiceEventType,
    ServiceType,
};
use crate::councils;
use crate::event::{Event, EventKind};
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
    /// Every problem found, in document order.
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
pub fn decode(bytes: &[u8]) -> Result<Event, Rejection> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(Rejection::oversize(bytes.len()));
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(Rejection::single(
            Reason::InvalidUtf8,
            format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        ));
    }
    if nesting_depth(bytes) > MAX_DEPTH {
        return Err(Rejection::single(
            Reason::TooDeep,
            format!("JSON nests deeper than {MAX_DEPTH} levels"),
        ));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        Rejection::single(
            Reason::MalformedJson,
            format!(
                "not JSON: {} at line {} column {}",
                json_error_kind(&e),
                e.line(),
                e.column()
            ),
        )
    })?;
    decode_value(value)
}

/// Validates a parsed JSON value and, when it keeps the contract, returns the typed event.
pub fn decode_value(value: Value) -> Result<Event, Rejection> {
    let kind = kind_of(&value)?;
    let problems = validate(kind, &value);
    if !problems.is_empty() {
        return Err(Rejection::from_problems(
            problems,
            readable_event_id(&value),
        ));
    }
    let event_id = readable_event_id(&value);
    let typed = match kind {
        EventKind::SupportPlan => serde_json::from_value(value).map(Event::SupportPlan),
        EventKind::ProviderService => serde_json::from_value(value).map(Event::ProviderService),
    };
    typed.map_err(|e| {
        Rejection::from_problems(
            vec![Problem {
                path: "$".to_owned(),
                reason: Reason::WrongType,
                detail: format!("does not match the event type ({})", json_error_kind(&e)),
            }],
            event_id,
        )
    })
}

/// Every problem of a JSON value as an event of `kind`; empty when it keeps the contract.
pub fn validate(kind: EventKind, value: &Value) -> Vec<Problem> {
    let mut c = Checker::default();
    match kind {
        EventKind::SupportPlan => support_plan(&mut c, value),
        EventKind::ProviderService => provider_service(&mut c, value),
    }
    c.problems
}

/// Which kind of event a value claims to be, by its `schema` field.
pub fn kind_of(value: &Value) -> Result<EventKind, Rejection> {
    let Value::Object(map) = value else {
        return Err(Rejection::single(
            Reason::NotAnObject,
            "the message is JSON but not an object",
        ));
    };
    let schema = map.get("schema").and_then(Value::as_str);
    let Some(kind) = schema.and_then(EventKind::from_schema) else {
        let detail = match schema {
            None => "`schema` is missing or not a string".to_owned(),
            Some(_) => "`schema` names no event version this service knows \
                        (stf.support_plan.v1, stf.provider_service.v1)"
                .to_owned(),
        };
        let mut r = Rejection::single(Reason::UnknownSchema, detail);
        r.event_id = readable_event_id(value);
        r.problems[0].path = "$.schema".to_owned();
        return Err(r);
    };
    Ok(kind)
}

/// The `event_id` of a message, when it is there and is a UUID.
pub fn readable_event_id(value: &Value) -> Option<String> {
    value
        .get("event_id")
        .and_then(Value::as_str)
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

fn support_plan(c: &mut Checker, v: &Value) {
    let Some(m) = c.object("$", v, PLAN_FIELDS) else {
        return;
    };
    common_header(c, m);
    let event_type = c
        .required("$", m, "event_type")
        .and_then(|v| c.code::<PlanEventType>("$.event_type", v));
    if let Some(v) = c.required("$", m, "plan_id") {
        c.identifier("$.plan_id", v, 8, 64);
    }
    if let Some(v) = c.required("$", m, "plan_version") {
        c.integer("$.plan_version", v, 1, i64::from(u32::MAX));
    }
    if let Some(v) = c.required("$", m, "local_authority") {
        local_authority(c, "$.local_authority", v);
    }
    if let Some(v) = present(m, "locality") {
        locality(c, "$.locality", v);
    }
    if let Some(v) = c.required("$", m, "person") {
        person(c, v);
    }
    if let Some(v) = c.required("$", m, "budget") {
        budget(c, v);
    }
    if let Some(items) = c
        .required("$", m, "desired_outcomes")
        .and_then(|v| c.array("$.desired_outcomes", v, 0, 30))
    {
        for (i, item) in items.iter().enumerate() {
            desired_outcome(c, &item_path("$.desired_outcomes", i), item);
        }
    }
    if let Some(items) = c
        .required("$", m, "planned_support")
        .and_then(|v| c.array("$.planned_support", v, 0, 50))
    {
        for (i, item) in items.iter().enumerate() {
            planned_support(c, &item_path("$.planned_support", i), item);
        }
    }
    let closure = present(m, "closure_reason");
    if let Some(v) = closure {
        c.code::<ClosureReason>("$.closure_reason", v);
    }
    match (event_type, closure.is_some()) {
        (Some(PlanEventType::Closed), false) => c.push(
            "$.closure_reason",
            Reason::ClosureReasonMissing,
            "a plan_closed event must say why the plan closed",
        ),
        (Some(t), true) if t != PlanEventType::Closed => c.push(
            "$.closure_reason",
            Reason::ClosureReasonUnexpected,
            "only a plan_closed event has a closure_reason",
        ),
        _ => {}
    }
}

/// `schema` (already checked by `kind_of`), `event_id` and `occurred_at`.
fn common_header(c: &mut Checker, m: &Map<String, Value>) {
    if let Some(v) = c.required("$", m, "event_id") {
        c.uuid("$.event_id", v);
    }
    if let Some(v) = c.required("$", m, "occurred_at") {
        c.timestamp("$.occurred_at", v);
    }
}

/// An optional field: absent and null are the same.
fn present<'v>(m: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    m.get(name).filter(|v| !v.is_null())
}

fn person(c: &mut Checker, v: &Value) {
    const FIELDS: &[&str] = &[
        "age_band",
        "cohort",
        "primary_support_reason",
        "ethnicity_group",
    ];
    let Some(m) = c.object("$.person", v, FIELDS) else {
        return;
    };
    if let Some(v) = c.required("$.person", m, "age_band") {
        c.code::<AgeBand>("$.person.age_band", v);
    }
    if let Some(v) = c.required("$.person", m, "cohort") {
        c.code::<Cohort>("$.person.cohort", v);
    }
    if let Some(v) = c.required("$.person", m, "primary_support_reason") {
        c.code::<PrimarySupportReason>("$.person.primary_support_reason", v);
    }
    if let Some(v) = present(m, "ethnicity_group") {
        c.code::<EthnicityGroup>("$.person.ethnicity_group", v);
    }
}

fn budget(c: &mut Checker, v: &Value) {
    let Some(m) = c.object("$.budget", v, &["annual_gbp", "delivery_mechanism"]) else {
        return;
    };
    if let Some(v) = c.required("$.budget", m, "annual_gbp") {
        c.number(
            "$.budget.annual_gbp",
            v,
            0.0,
            MAX_BUDGET_GBP,
            Reason::BudgetOutOfRange,
        );
    }
    if let Some(v) = c.required("$.budget", m, "delivery_mechanism") {
        c.code::<DeliveryMechanism>("$.budget.delivery_mechanism", v);
    }
}

fn desired_outcome(c: &mut Checker, path: &str, v: &Value) {
    let Some(m) = c.object(path, v, &["text", "priority"]) else {
        return;
    };
    if let Some(v) = c.required(path, m, "text") {
        c.string(&field_path(path, "text"), v, 1, 1000);
    }
    if let Some(v) = present(m, "priority") {
        c.integer(&field_path(path, "priority"), v, 1, 5);
    }
}

fn planned_support(c: &mut Checker, path: &str, v: &Value) {
    const FIELDS: &[&str] = &[
        "description",
        "service_type",
        "provider_kind",
        "hours_per_week",
        "annual_cost_gbp",
        "arranged",
    ];
    let Some(m) = c.object(path, v, FIELDS) else {
        return;
    };
    if let Some(v) = c.required(path, m, "description") {
        c.string(&field_path(path, "description"), v, 1, 500);
    }
    if let Some(v) = c.required(path, m, "service_type") {
        c.code::<ServiceType>(&field_path(path, "service_type"), v);
    }
    if let Some(v) = c.required(path, m, "provider_kind") {
        c.code::<ProviderKind>(&field_path(path, "provider_kind"), v);
    }
    if let Some(v) = present(m, "hours_per_week") {
        let p = field_path(path, "hours_per_week");
        c.number(&p, v, 0.0, f64::MAX, Reason::NumberOutOfRange);
    }
    if let Some(v) = c.required(path, m, "annual_cost_gbp") {
        let p = field_path(path, "annual_cost_gbp");
        c.number(&p, v, 0.0, MAX_AMOUNT_GBP, Reason::NumberOutOfRange);
    }
    if let Some(v) = c.required(path, m, "arranged") {
        c.boolean(&field_path(path, "arranged"), v);
    }
}

fn local_authority(c: &mut Checker, path: &str, v: &Value) {
    let Value::String(code) = v else {
        c.string(path, v, 0, 0);
        return;
    };
    if !councils::is_known(code) {
        c.push(
            path,
            Reason::UnknownLocalAuthority,
            "is not the GSS code of a council with social-care responsibility",
        );
    }
}

fn locality(c: &mut Checker, path: &str, v: &Value) {
    let Value::String(s) = v else {
        c.string(path, v, 0, 0);
        return;
    };
    if crate::postcode::is_full_postcode(s) {
        c.push(
            path,
            Reason::FullPostcodeInLocality,
            "holds a full postcode; only the district (outward code, e.g. OL1) may be sent",
        );
    } else if !crate::postcode::is_district(s) {
        c.push(
            path,
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

fn provider_service(c: &mut Checker, v: &Value) {
    let Some(m) = c.object("$", v, SERVICE_FIELDS) else {
        return;
    };
    common_header(c, m);
    if let Some(v) = c.required("$", m, "event_type") {
        c.code::<ServiceEventType>("$.event_type", v);
    }
    if let Some(v) = c.required("$", m, "service_id") {
        c.identifier("$.service_id", v, 1, 64);
    }
    if let Some(v) = c.required("$", m, "organization_id") {
        c.identifier("$.organization_id", v, 1, 64);
    }
    if let Some(v) = c.required("$", m, "organization_name") {
        c.string("$.organization_name", v, 1, 200);
    }
    if let Some(v) = c.required("$", m, "provider_kind") {
        c.code::<ProviderKind>("$.provider_kind", v);
    }
    if let Some(v) = c.required("$", m, "service_name") {
        c.string("$.service_name", v, 1, 200);
    }
    if let Some(v) = c.required("$", m, "description") {
        c.string("$.description", v, 0, 2000);
    }
    if let Some(items) = present(m, "categories").and_then(|v| c.array("$.categories", v, 0, 19)) {
        for (i, item) in items.iter().enumerate() {
            category(c, &item_path("$.categories", i), item);
        }
    }
    if let Some(items) = c
        .required("$", m, "service_types")
        .and_then(|v| c.array("$.service_types", v, 1, 17))
    {
        for (i, item) in items.iter().enumerate() {
            c.code::<ServiceType>(&item_path("$.service_types", i), item);
        }
    }
    if let Some(items) = c
        .required("$", m, "local_authorities")
        .and_then(|v| c.array("$.local_authorities", v, 1, 200))
    {
        for (i, item) in items.iter().enumerate() {
            local_authority(c, &item_path("$.local_authorities", i), item);
        }
    }
    if let Some(items) = present(m, "localities").and_then(|v| c.array("$.localities", v, 0, 500)) {
        for (i, item) in items.iter().enumerate() {
            locality(c, &item_path("$.localities", i), item);
        }
    }
    if let Some(v) = present(m, "capacity") {
        capacity(c, v);
    }
    if let Some(v) = present(m, "cost") {
        cost(c, v);
    }
    if let Some(v) = c.required("$", m, "accepting_new") {
        c.boolean("$.accepting_new", v);
    }
}

fn category(c: &mut Checker, path: &str, v: &Value) {
    let Value::String(s) = v else {
        c.string(path, v, 0, 0);
        return;
    };
    if s.parse::<Category>().is_err() {
        c.push(
            path,
            Reason::UnknownCategory,
            "is not a category of the taxonomy",
        );
    }
}

fn capacity(c: &mut Checker, v: &Value) {
    let Some(m) = c.object("$.capacity", v, &["unit", "available_per_week"]) else {
        return;
    };
    if let Some(v) = present(m, "unit") {
        c.code::<CapacityUnit>("$.capacity.unit", v);
    }
    if let Some(v) = present(m, "available_per_week") {
        let p = "$.capacity.available_per_week";
        c.number(p, v, 0.0, f64::MAX, Reason::NumberOutOfRange);
    }
}

fn cost(c: &mut Checker, v: &Value) {
    let Some(m) = c.object("$.cost", v, &["amount_gbp", "per"]) else {
        return;
    };
    if let Some(v) = present(m, "amount_gbp") {
        c.number(
            "$.cost.amount_gbp",
            v,
            0.0,
            MAX_AMOUNT_GBP,
            Reason::NumberOutOfRange,
        );
    }
    if let Some(v) = present(m, "per") {
        c.code::<CostPer>("$.cost.per", v);
    }
}
