//! The JSON Schema (draft 2020-12) documents of both events, built from the code lists so
//! that they cannot drift from the Rust types. The files under `schemas/json/` are these
//! documents, checked by a test (`STF_BLESS=1 cargo test -p stf-schemas` rewrites them).

use serde_json::{json, Map, Value};

use crate::codes::{
    AgeBand, CapacityUnit, Category, ClosureReason, CodeList, Cohort, CostPer, DeliveryMechanism,
    EthnicityGroup, PlanEventType, PrimarySupportReason, ProviderKind, ServiceEventType,
    ServiceType,
};
use crate::councils;
use crate::event::{PROVIDER_SERVICE_SCHEMA, SUPPORT_PLAN_SCHEMA};
use crate::validate::{MAX_AMOUNT_GBP, MAX_BUDGET_GBP};

/// File name of the support-plan schema under `schemas/json/`.
pub const SUPPORT_PLAN_FILE: &str = "stf.support_plan.v1.schema.json";
/// File name of the provider-service schema under `schemas/json/`.
pub const PROVIDER_SERVICE_FILE: &str = "stf.provider_service.v1.schema.json";

fn codes<T: CodeList>() -> Value {
    json!({ "type": "string", "enum": T::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>() })
}

fn object(required: &[&str], properties: Vec<(&str, Value)>) -> Value {
    let props: Map<String, Value> = properties
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": props,
    })
}

fn defs() -> Value {
    let councils: Vec<&str> = councils::all()
        .iter()
        .map(|c| c.gss_code.as_str())
        .collect();
    json!({
        "uuid": { "type": "string", "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$" },
        "timestamp": { "type": "string", "format": "date-time",
            "pattern": "^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$" },
        "local_authority": { "type": "string", "enum": councils },
        "postcode_district": { "type": "string", "pattern": "^[A-Z]{1,2}[0-9][A-Z0-9]?$" },
        "money": { "type": "number", "minimum": 0, "maximum": MAX_AMOUNT_GBP },
        "provider_kind": codes::<ProviderKind>(),
        "service_type": codes::<ServiceType>(),
        "category": codes::<Category>(),
    })
}

/// The schema of `stf.support_plan.v1`.
pub fn support_plan() -> Value {
    let person = object(
        &["age_band", "cohort", "primary_support_reason"],
        vec![
            ("age_band", codes::<AgeBand>()),
            ("cohort", codes::<Cohort>()),
            ("primary_support_reason", codes::<PrimarySupportReason>()),
            ("ethnicity_group", codes::<EthnicityGroup>()),
        ],
    );
    let budget = object(
        &["annual_gbp", "delivery_mechanism"],
        vec![
            (
                "annual_gbp",
                json!({ "type": "number", "minimum": 0, "maximum": MAX_BUDGET_GBP }),
            ),
            ("delivery_mechanism", codes::<DeliveryMechanism>()),
        ],
    );
    let outcome = object(
        &["text"],
        vec![
            (
                "text",
                json!({ "type": "string", "minLength": 1, "maxLength": 1000 }),
            ),
            (
                "priority",
                json!({ "type": "integer", "minimum": 1, "maximum": 5 }),
            ),
        ],
    );
    let support = object(
        &[
            "description",
            "service_type",
            "provider_kind",
            "annual_cost_gbp",
            "arranged",
        ],
        vec![
            (
                "description",
                json!({ "type": "string", "minLength": 1, "maxLength": 500 }),
            ),
            ("service_type", json!({ "$ref": "#/$defs/service_type" })),
            ("provider_kind", json!({ "$ref": "#/$defs/provider_kind" })),
            ("hours_per_week", json!({ "type": "number", "minimum": 0 })),
            ("annual_cost_gbp", json!({ "$ref": "#/$defs/money" })),
            ("arranged", json!({ "type": "boolean" })),
        ],
    );
    let mut doc = object(
        &[
            "schema",
            "event_id",
            "event_type",
            "occurred_at",
            "plan_id",
            "plan_version",
            "local_authority",
            "person",
            "budget",
            "desired_outcomes",
            "planned_support",
        ],
        vec![
            ("schema", json!({ "const": SUPPORT_PLAN_SCHEMA })),
            ("event_id", json!({ "$ref": "#/$defs/uuid" })),
            ("event_type", codes::<PlanEventType>()),
            ("occurred_at", json!({ "$ref": "#/$defs/timestamp" })),
            (
                "plan_id",
                json!({ "type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$" }),
            ),
            (
                "plan_version",
                json!({ "type": "integer", "minimum": 1, "maximum": u32::MAX }),
            ),
            (
                "local_authority",
                json!({ "$ref": "#/$defs/local_authority" }),
            ),
            ("locality", json!({ "$ref": "#/$defs/postcode_district" })),
            ("person", person),
            ("budget", budget),
            (
                "desired_outcomes",
                json!({ "type": "array", "maxItems": 30, "items": outcome }),
            ),
            (
                "planned_support",
                json!({ "type": "array", "maxItems": 50, "items": support }),
            ),
            ("closure_reason", codes::<ClosureReason>()),
        ],
    );
    let closure_rule = json!({
        "if": { "properties": { "event_type": { "const": "plan_closed" } } },
        "then": { "required": ["closure_reason"] },
        "else": { "not": { "required": ["closure_reason"] } }
    });
    finish(
        &mut doc,
        SUPPORT_PLAN_FILE,
        "A support plan agreed, revised, reviewed or closed",
    );
    doc["allOf"] = json!([closure_rule]);
    doc
}

/// The schema of `stf.provider_service.v1`.
pub fn provider_service() -> Value {
    let id = json!({ "type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$" });
    let mut doc = object(
        &[
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
            "service_types",
            "local_authorities",
            "accepting_new",
        ],
        vec![
            ("schema", json!({ "const": PROVIDER_SERVICE_SCHEMA })),
            ("event_id", json!({ "$ref": "#/$defs/uuid" })),
            ("event_type", codes::<ServiceEventType>()),
            ("occurred_at", json!({ "$ref": "#/$defs/timestamp" })),
            ("service_id", id.clone()),
            ("organization_id", id),
            (
                "organization_name",
                json!({ "type": "string", "minLength": 1, "maxLength": 200 }),
            ),
            ("provider_kind", json!({ "$ref": "#/$defs/provider_kind" })),
            (
                "service_name",
                json!({ "type": "string", "minLength": 1, "maxLength": 200 }),
            ),
            (
                "description",
                json!({ "type": "string", "maxLength": 2000 }),
            ),
            (
                "categories",
                json!({ "type": "array", "maxItems": 19, "items": { "$ref": "#/$defs/category" } }),
            ),
            (
                "service_types",
                json!({ "type": "array", "minItems": 1, "maxItems": 17, "items": { "$ref": "#/$defs/service_type" } }),
            ),
            (
                "local_authorities",
                json!({ "type": "array", "minItems": 1, "maxItems": 200, "items": { "$ref": "#/$defs/local_authority" } }),
            ),
            (
                "localities",
                json!({ "type": "array", "maxItems": 500, "items": { "$ref": "#/$defs/postcode_district" } }),
            ),
            (
                "capacity",
                object(
                    &[],
                    vec![
                        ("unit", codes::<CapacityUnit>()),
                        (
                            "available_per_week",
                            json!({ "type": "number", "minimum": 0 }),
                        ),
                    ],
                ),
            ),
            (
                "cost",
                object(
                    &[],
                    vec![
                        ("amount_gbp", json!({ "$ref": "#/$defs/money" })),
                        ("per", codes::<CostPer>()),
                    ],
                ),
            ),
            ("accepting_new", json!({ "type": "boolean" })),
        ],
    );
    finish(
        &mut doc,
        PROVIDER_SERVICE_FILE,
        "A provider's service listed, updated or withdrawn",
    );
    doc
}

fn finish(doc: &mut Value, file: &str, title: &str) {
    doc["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    doc["$id"] = json!(format!("https://stf.example/schemas/{file}"));
    doc["title"] = json!(title);
    doc["$defs"] = defs();
}

/// The document as it is written to its file: pretty JSON with a final newline.
pub fn render(doc: &Value) -> String {
    let mut s = serde_json::to_string_pretty(doc).expect("a JSON value always serialises");
    s.push('\n');
    s
}
