//! Arrow schemas of every table in measures.md, and their names.
//!
//! The store writes exactly these schemas; the query layer serves them. Money is exact
//! (`Decimal128`, pence), so that sums agree with any other engine to the penny.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};

/// Precision and scale of a money amount on one row (up to £999,999,999,999.99).
pub const MONEY: DataType = DataType::Decimal128(14, 2);
/// Precision and scale of a money total in a measure.
pub const MONEY_TOTAL: DataType = DataType::Decimal128(24, 2);

/// Every table of the store, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    PlanEvents,
    ServiceEvents,
    RejectedEvents,
    Plans,
    Outcomes,
    PlannedSupport,
    Services,
    Demand,
    Gap,
    DemandMonthly,
    MainstreamShare,
    Pooling,
    /// Internal to the transform: per plan, the few events that decide its current state
    /// (the current event, the first `plan_agreed`, the first `plan_closed`), so that a run
    /// reads only the events committed since the last one. Not part of the SQL catalog.
    PlanState,
    /// Internal to the transform: the current event of every provider service.
    ServiceState,
}

impl Table {
    pub const ALL: [Table; 12] = [
        Self::PlanEvents,
        Self::ServiceEvents,
        Self::RejectedEvents,
        Self::Plans,
        Self::Outcomes,
        Self::PlannedSupport,
        Self::Services,
        Self::Demand,
        Self::Gap,
        Self::DemandMonthly,
        Self::MainstreamShare,
        Self::Pooling,
    ];

    /// The transform's own state, kept beside the tables of [`Table::ALL`] and not queryable.
    pub const INTERNAL: [Table; 2] = [Self::PlanState, Self::ServiceState];

    /// Tables written by ingest.
    pub const EVENTS: [Table; 3] = [Self::PlanEvents, Self::ServiceEvents, Self::RejectedEvents];

    /// The table's name: its SQL name and its folder in the store.
    pub fn name(self) -> &'static str {
        match self {
            Self::PlanEvents => "plan_events",
            Self::ServiceEvents => "service_events",
            Self::RejectedEvents => "rejected_events",
            Self::Plans => "plans",
            Self::Outcomes => "outcomes",
            Self::PlannedSupport => "planned_support",
            Self::Services => "services",
            Self::Demand => "demand",
            Self::Gap => "gap",
            Self::DemandMonthly => "demand_monthly",
            Self::MainstreamShare => "mainstream_share",
            Self::Pooling => "pooling",
            Self::PlanState => "_plan_state",
            Self::ServiceState => "_service_state",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Columns the table is partitioned by. Event tables by month of the event date: a
    /// day's events of one council are a few hundred rows, so daily partitions would make
    /// every file tiny (and a backlog commit open a Parquet writer for each of a thousand
    /// days at once).
    pub fn partition_columns(self) -> &'static [&'static str] {
        match self {
            Self::PlanEvents | Self::ServiceEvents => &["event_month"],
            Self::RejectedEvents => &["rejected_date"],
            _ => &[],
        }
    }

    /// The table's Arrow schema.
    pub fn schema(self) -> SchemaRef {
        let fields = match self {
            Self::PlanEvents | Self::PlanState => plan_events(),
            Self::ServiceEvents | Self::ServiceState => service_events(),
            Self::RejectedEvents => rejected_events(),
            Self::Plans => plans(),
            Self::Outcomes => outcomes(),
            Self::PlannedSupport => planned_support(),
            Self::Services => services(),
            Self::Demand => demand(),
            Self::Gap => gap(),
            Self::DemandMonthly => demand_monthly(),
            Self::MainstreamShare => mainstream_share(),
            Self::Pooling => pooling(),
        };
        Arc::new(Schema::new(fields))
    }
}

fn utf8(name: &str) -> Field {
    Field::new(name, DataType::Utf8, false)
}

fn utf8_null(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

/// A UTC timestamp in microseconds, as Delta Lake's `timestamp` type.
pub fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

fn ts(name: &str, nullable: bool) -> Field {
    Field::new(name, timestamp_type(), nullable)
}

fn list_of(name: &str, item: DataType, nullable: bool) -> Field {
    Field::new(
        name,
        DataType::List(Arc::new(Field::new("item", item, true))),
        nullable,
    )
}

fn source_columns() -> Vec<Field> {
    vec![
        utf8_null("source_topic"),
        Field::new("source_partition", DataType::Int32, true),
        Field::new("source_offset", DataType::Int64, true),
        utf8_null("source_file"),
        Field::new("source_line", DataType::Int64, true),
    ]
}

/// The struct of one desired outcome inside `plan_events.desired_outcomes`.
pub fn desired_outcome_fields() -> Fields {
    Fields::from(vec![
        utf8("text"),
        Field::new("priority", DataType::Int32, true),
    ])
}

/// The struct of one item inside `plan_events.planned_support`.
pub fn planned_support_fields() -> Fields {
    Fields::from(vec![
        utf8("description"),
        utf8("service_type"),
        utf8("provider_kind"),
        Field::new("hours_per_week", DataType::Float64, true),
        Field::new("annual_cost_gbp", MONEY, false),
        Field::new("arranged", DataType::Boolean, false),
    ])
}

fn plan_events() -> Vec<Field> {
    let mut f = vec![
        utf8("event_id"),
        utf8("event_type"),
        ts("occurred_at", false),
        Field::new("event_date", DataType::Date32, false),
        Field::new("event_month", DataType::Date32, false),
        utf8("plan_id"),
        Field::new("plan_version", DataType::Int64, false),
        utf8("local_authority"),
        utf8_null("locality"),
        utf8("age_band"),
        utf8("cohort"),
        utf8("primary_support_reason"),
        utf8_null("ethnicity_group"),
        Field::new("annual_budget_gbp", MONEY, false),
        utf8("delivery_mechanism"),
        list_of(
            "desired_outcomes",
            DataType::Struct(desired_outcome_fields()),
            false,
        ),
        list_of(
            "planned_support",
            DataType::Struct(planned_support_fields()),
            false,
        ),
        utf8_null("closure_reason"),
        Field::new("redactions", DataType::Int32, false),
    ];
    f.extend(source_columns());
    f.push(ts("ingested_at", false));
    f
}

fn service_events() -> Vec<Field> {
    let mut f = vec![
        utf8("event_id"),
        utf8("event_type"),
        ts("occurred_at", false),
        Field::new("event_date", DataType::Date32, false),
        Field::new("event_month", DataType::Date32, false),
        utf8("service_id"),
        utf8("organization_id"),
        utf8("organization_name"),
        utf8("provider_kind"),
        utf8("service_name"),
        utf8("description"),
        list_of("categories", DataType::Utf8, true),
        list_of("service_types", DataType::Utf8, false),
        list_of("local_authorities", DataType::Utf8, false),
        list_of("localities", DataType::Utf8, true),
        utf8_null("capacity_unit"),
        Field::new("available_per_week", DataType::Float64, true),
        Field::new("cost_amount_gbp", MONEY, true),
        utf8_null("cost_per"),
        Field::new("accepting_new", DataType::Boolean, false),
        Field::new("redactions", DataType::Int32, false),
    ];
    f.extend(source_columns());
    f.push(ts("ingested_at", false));
    f
}

fn rejected_events() -> Vec<Field> {
    let mut f = source_columns();
    f.extend([
        utf8_null("event_id"),
        utf8("reason"),
        utf8("detail"),
        ts("rejected_at", false),
        Field::new("rejected_date", DataType::Date32, false),
    ]);
    f
}

fn publication() -> Field {
    utf8("publication_id")
}

fn plans() -> Vec<Field> {
    vec![
        utf8("plan_id"),
        Field::new("plan_version", DataType::Int64, false),
        utf8("local_authority"),
        utf8_null("locality"),
        utf8("age_band"),
        utf8("cohort"),
        utf8("primary_support_reason"),
        utf8_null("ethnicity_group"),
        Field::new("annual_budget_gbp", MONEY, false),
        utf8("delivery_mechanism"),
        Field::new("active", DataType::Boolean, false),
        ts("agreed_at", true),
        ts("closed_at", true),
        utf8_null("closure_reason"),
        ts("updated_at", false),
        publication(),
    ]
}

fn outcomes() -> Vec<Field> {
    vec![
        utf8("plan_id"),
        Field::new("outcome_index", DataType::Int32, false),
        utf8("text"),
        Field::new("priority", DataType::Int32, true),
        utf8("category"),
        list_of("matched_terms", DataType::Utf8, false),
        utf8("taxonomy_version"),
        publication(),
    ]
}

fn planned_support() -> Vec<Field> {
    vec![
        utf8("plan_id"),
        Field::new("item_index", DataType::Int32, false),
        utf8("description"),
        utf8("service_type"),
        utf8("provider_kind"),
        utf8("category"),
        Field::new("hours_per_week", DataType::Float64, true),
        Field::new("annual_cost_gbp", MONEY, false),
        Field::new("arranged", DataType::Boolean, false),
        utf8("taxonomy_version"),
        publication(),
    ]
}

fn services() -> Vec<Field> {
    vec![
        utf8("service_id"),
        utf8("organization_id"),
        utf8("organization_name"),
        utf8("provider_kind"),
        utf8("service_name"),
        utf8("local_authority"),
        utf8("category"),
        utf8_null("capacity_unit"),
        Field::new("available_per_week", DataType::Float64, true),
        Field::new("cost_amount_gbp", MONEY, true),
        utf8_null("cost_per"),
        Field::new("accepting_new", DataType::Boolean, false),
        Field::new("active", DataType::Boolean, false),
        utf8("taxonomy_version"),
        publication(),
    ]
}

fn count(name: &str) -> Field {
    Field::new(name, DataType::Int64, false)
}

fn money_total(name: &str) -> Field {
    Field::new(name, MONEY_TOTAL, false)
}

fn demand() -> Vec<Field> {
    vec![
        utf8("local_authority"),
        utf8("category"),
        count("people"),
        money_total("budget_gbp"),
        money_total("planned_spend_gbp"),
        count("unmet_people"),
        publication(),
    ]
}

fn gap() -> Vec<Field> {
    vec![
        utf8("local_authority"),
        utf8("category"),
        count("people"),
        count("unmet_people"),
        money_total("budget_gbp"),
        count("services"),
        count("providers"),
        Field::new("places_per_week", DataType::Float64, false),
        Field::new("hours_per_week", DataType::Float64, false),
        Field::new("people_per_service", DataType::Float64, true),
        publication(),
    ]
}

fn demand_monthly() -> Vec<Field> {
    vec![
        utf8("local_authority"),
        utf8("category"),
        Field::new("month", DataType::Date32, false),
        count("people"),
        publication(),
    ]
}

fn mainstream_share() -> Vec<Field> {
    vec![
        utf8("local_authority"),
        utf8("category"),
        money_total("arranged_spend_gbp"),
        money_total("mainstream_spend_gbp"),
        Field::new("mainstream_share", DataType::Float64, true),
        publication(),
    ]
}

fn pooling() -> Vec<Field> {
    vec![
        utf8("local_authority"),
        utf8("locality"),
        utf8("category"),
        count("people"),
        money_total("budget_gbp"),
        publication(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_partitions_exist() {
        for t in Table::ALL {
            assert_eq!(Table::from_name(t.name()), Some(t));
            let schema = t.schema();
            for p in t.partition_columns() {
                assert!(schema.field_with_name(p).is_ok(), "{} lacks {p}", t.name());
            }
        }
    }

    #[test]
    fn measures_md_columns_exist() {
        let plans = Table::Plans.schema();
        for c in [
            "plan_id",
            "plan_version",
            "local_authority",
            "locality",
            "age_band",
            "cohort",
            "primary_support_reason",
            "ethnicity_group",
            "annual_budget_gbp",
            "delivery_mechanism",
            "active",
            "agreed_at",
            "closed_at",
            "closure_reason",
            "updated_at",
        ] {
            assert!(plans.field_with_name(c).is_ok(), "plans.{c}");
        }
        let gap = Table::Gap.schema();
        for c in ["people", "unmet_people", "services", "people_per_service"] {
            assert!(gap.field_with_name(c).is_ok(), "gap.{c}");
        }
    }
}
