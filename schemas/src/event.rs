//! The two events of the contract as Rust types (events.md).
//!
//! Field order matches the contract, so that a valid event round-trips JSON → Rust → JSON
//! unchanged. These types say nothing of validity: `validate` decides that, from the raw JSON.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::codes::{
    AgeBand, CapacityUnit, Category, ClosureReason, Cohort, CostPer, DeliveryMechanism,
    EthnicityGroup, PlanEventType, PrimarySupportReason, ProviderKind, ServiceEventType,
    ServiceType,
};

/// The `schema` value of a support-plan event.
pub const SUPPORT_PLAN_SCHEMA: &str = "stf.support_plan.v1";
/// The `schema` value of a provider-service event.
pub const PROVIDER_SERVICE_SCHEMA: &str = "stf.provider_service.v1";

/// A support plan agreed, revised, reviewed or closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportPlanEvent {
    pub schema: String,
    pub event_id: String,
    pub event_type: PlanEventType,
    #[serde(deserialize_with = "rfc3339")]
    pub occurred_at: DateTime<Utc>,
    pub plan_id: String,
    pub plan_version: u32,
    pub local_authority: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    pub person: Person,
    pub budget: Budget,
    pub desired_outcomes: Vec<DesiredOutcome>,
    pub planned_support: Vec<PlannedSupport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closure_reason: Option<ClosureReason>,
}

/// Who the plan is for, in bands and codes only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub age_band: AgeBand,
    pub cohort: Cohort,
    pub primary_support_reason: PrimarySupportReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ethnicity_group: Option<EthnicityGroup>,
}

/// The personal budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    pub annual_gbp: f64,
    pub delivery_mechanism: DeliveryMechanism,
}

/// What the person wants from life, in their own words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesiredOutcome {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
}

/// One thing the plan will buy or arrange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedSupport {
    pub description: String,
    pub service_type: ServiceType,
    pub provider_kind: ProviderKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_week: Option<f64>,
    pub annual_cost_gbp: f64,
    pub arranged: bool,
}

/// A provider's service listed, updated or withdrawn (Open Referral UK, flattened).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderServiceEvent {
    pub schema: String,
    pub event_id: String,
    pub event_type: ServiceEventType,
    #[serde(deserialize_with = "rfc3339")]
    pub occurred_at: DateTime<Utc>,
    pub service_id: String,
    pub organization_id: String,
    pub organization_name: String,
    pub provider_kind: ProviderKind,
    pub service_name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<Category>>,
    pub service_types: Vec<ServiceType>,
    pub local_authorities: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localities: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Capacity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
    pub accepting_new: bool,
}

/// Free capacity of a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<CapacityUnit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_per_week: Option<f64>,
}

/// The price of a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cost {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_gbp: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<CostPer>,
}

/// A timestamp by RFC 3339's rules, as validation checks it (chrono's own deserialiser is
/// more lenient).
fn rfc3339<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    struct Rfc3339;
    impl serde::de::Visitor<'_> for Rfc3339 {
        type Value = DateTime<Utc>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an RFC 3339 timestamp")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(E::custom)
        }
    }
    d.deserialize_str(Rfc3339)
}

/// Either event of the contract, told apart by its `schema` field.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    SupportPlan(SupportPlanEvent),
    ProviderService(ProviderServiceEvent),
}

/// Which of the two event kinds (and so which topic and table) a message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    SupportPlan,
    ProviderService,
}

impl EventKind {
    /// The Kafka topic that carries this kind.
    pub fn topic(self) -> &'static str {
        match self {
            Self::SupportPlan => crate::topics::SUPPORT_PLANS,
            Self::ProviderService => crate::topics::PROVIDER_SERVICES,
        }
    }

    /// The `schema` value of this kind.
    pub fn schema(self) -> &'static str {
        match self {
            Self::SupportPlan => SUPPORT_PLAN_SCHEMA,
            Self::ProviderService => PROVIDER_SERVICE_SCHEMA,
        }
    }

    /// The kind whose `schema` value this is.
    pub fn from_schema(schema: &str) -> Option<Self> {
        match schema {
            SUPPORT_PLAN_SCHEMA => Some(Self::SupportPlan),
            PROVIDER_SERVICE_SCHEMA => Some(Self::ProviderService),
            _ => None,
        }
    }
}

impl Event {
    pub fn kind(&self) -> EventKind {
        match self {
            Self::SupportPlan(_) => EventKind::SupportPlan,
            Self::ProviderService(_) => EventKind::ProviderService,
        }
    }

    pub fn event_id(&self) -> &str {
        match self {
            Self::SupportPlan(e) => &e.event_id,
            Self::ProviderService(e) => &e.event_id,
        }
    }

    /// The message key: the plan's or the service's id.
    pub fn key(&self) -> &str {
        match self {
            Self::SupportPlan(e) => &e.plan_id,
            Self::ProviderService(e) => &e.service_id,
        }
    }

    pub fn occurred_at(&self) -> DateTime<Utc> {
        match self {
            Self::SupportPlan(e) => e.occurred_at,
            Self::ProviderService(e) => e.occurred_at,
        }
    }

    /// The event as one line of JSON.
    pub fn to_json(&self) -> String {
        let r = match self {
            Self::SupportPlan(e) => serde_json::to_string(e),
            Self::ProviderService(e) => serde_json::to_string(e),
        };
        r.expect("events hold only strings, numbers and codes, which always serialise")
    }
}
