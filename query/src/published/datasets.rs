//! The five published datasets: their fixed columns (what each counts, so the rules know how
//! to publish it), the SQL that computes them from one publication's tables, and the tables
//! each reads.
//!
//! Figures that appear in two datasets must be suppressed alike, or one would give away what
//! the other hides: `demand` is therefore a projection of `gap`'s rows (one computation, one
//! set of suppressions), and no other dataset repeats a figure that carries a total.

use std::str::FromStr;

use stf_schemas::tables::Table;

use super::table::{Column, Kind, Totals};

/// A published dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dataset {
    Demand,
    Gap,
    Trends,
    Pooling,
    MainstreamShare,
}

impl Dataset {
    pub const ALL: [Dataset; 5] = [
        Self::Demand,
        Self::Gap,
        Self::Trends,
        Self::Pooling,
        Self::MainstreamShare,
    ];

    /// The dataset's name in its URL.
    pub fn name(self) -> &'static str {
        match self {
            Self::Demand => "demand",
            Self::Gap => "gap",
            Self::Trends => "trends",
            Self::Pooling => "pooling",
            Self::MainstreamShare => "mainstream_share",
        }
    }

    /// What the dataset shows, in one sentence.
    pub fn description(self) -> &'static str {
        match self {
            Self::Demand => "People whose active support plan asks for an outcome in each category, by council, with the budget behind them; one total row per council.",
            Self::Gap => "Demand against supply by council and category: people, unmet needs, the budget behind them, and the services accepting new people; one total row per council.",
            Self::Trends => "People with an active plan asking for each category, by council and calendar month.",
            Self::Pooling => "Localities where at least eight people ask for the same category: groups who could pool their budgets to commission something together.",
            Self::MainstreamShare => "Of the arranged planned spend in each council and category, the share spent with mainstream, community or personal-assistant support; one total row per council.",
        }
    }

    /// The fixed columns, in order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Self::Demand => DEMAND,
            Self::Gap => GAP,
            Self::Trends => TRENDS,
            Self::Pooling => POOLING,
            Self::MainstreamShare => MAINSTREAM,
        }
    }

    /// The groups that total rows add up, if the dataset has them.
    pub fn totals(self) -> Option<Totals> {
        match self {
            Self::Demand | Self::Gap | Self::MainstreamShare => Some(Totals {
                group_by: &["local_authority"],
                total_flag: "total",
            }),
            Self::Trends | Self::Pooling => None,
        }
    }

    /// The tables the dataset is computed from, whose versions it names.
    pub fn sources(self) -> &'static [Table] {
        match self {
            Self::Demand | Self::Gap => &[
                Table::Gap,
                Table::Plans,
                Table::Outcomes,
                Table::PlannedSupport,
            ],
            Self::Trends => &[Table::DemandMonthly],
            Self::Pooling => &[Table::Pooling],
            Self::MainstreamShare => &[Table::MainstreamShare, Table::Plans, Table::PlannedSupport],
        }
    }

    /// The SQL computing the raw rows (the columns of [`Dataset::columns`] except
    /// `local_authority_name` and shares), ordered so that equal inputs give equal output.
    /// `demand` has none of its own: it is projected from `gap`.
    pub(crate) fn sql(self) -> Option<&'static str> {
        match self {
            Self::Demand => None,
            Self::Gap => Some(GAP_SQL),
            Self::Trends => Some(TRENDS_SQL),
            Self::Pooling => Some(POOLING_SQL),
            Self::MainstreamShare => Some(MAINSTREAM_SQL),
        }
    }
}

impl FromStr for Dataset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| format!("unknown dataset {s:?}"))
    }
}

const fn col(name: &'static str, kind: Kind, description: &'static str) -> Column {
    Column {
        name,
        kind,
        description,
    }
}

const LA: Column = col("local_authority", Kind::Text, "The council's ONS GSS code.");
const LA_NAME: Column = col("local_authority_name", Kind::Text, "The council's name.");
const CATEGORY: Column = col(
    "category",
    Kind::Text,
    "The outcome category of the taxonomy (`all` on a council's total row).",
);
const TOTAL: Column = col(
    "total",
    Kind::Flag,
    "Whether this is the council's total row (people counted once across categories).",
);
const PEOPLE: Column = col(
    "people",
    Kind::People,
    "People with an active plan asking for an outcome in the category.",
);
const UNMET: Column = col(
    "unmet_people",
    Kind::People,
    "People with an active plan holding planned support in the category that is not arranged.",
);
const BUDGET: Column = col(
    "budget_gbp",
    Kind::Money { people: "people" },
    "The annual personal budgets of those people, in pounds: their purchasing power.",
);

const DEMAND: &[Column] = &[LA, LA_NAME, CATEGORY, TOTAL, PEOPLE, UNMET, BUDGET];

const GAP: &[Column] = &[
    LA,
    LA_NAME,
    CATEGORY,
    TOTAL,
    PEOPLE,
    UNMET,
    BUDGET,
    col(
        "unmet_budget_gbp",
        Kind::Money {
            people: "unmet_people",
        },
        "The annual personal budgets of the people with unarranged support, in pounds.",
    ),
    col(
        "services",
        Kind::Count,
        "Active services accepting new people in the council and category.",
    ),
    col(
        "providers",
        Kind::Count,
        "Organisations running those services.",
    ),
    col(
        "places_per_week",
        Kind::Quantity,
        "Free places a week those services offer.",
    ),
    col(
        "hours_per_week",
        Kind::Quantity,
        "Free hours a week those services offer.",
    ),
    col(
        "people_per_service",
        Kind::Share {
            numerator: "people",
            denominator: "services",
        },
        "Published people divided by services; null where there is no service.",
    ),
    col(
        "no_local_service",
        Kind::Flag,
        "Whether people ask for the category and no local service accepts new people in it (never for `unclassified`, which no service offers).",
    ),
];

const TRENDS: &[Column] = &[
    LA,
    LA_NAME,
    CATEGORY,
    col("month", Kind::Date, "The first day of the calendar month."),
    col(
        "people",
        Kind::People,
        "People whose plan was active on any day of the month and asks for the category.",
    ),
];

const POOLING: &[Column] = &[
    LA,
    LA_NAME,
    col(
        "locality",
        Kind::Text,
        "The postcode district the people live in.",
    ),
    CATEGORY,
    col(
        "people",
        Kind::People,
        "People with an active plan in the locality asking for the category.",
    ),
    BUDGET,
];

const MAINSTREAM: &[Column] = &[
    LA,
    LA_NAME,
    CATEGORY,
    TOTAL,
    col(
        "arranged_people",
        Kind::People,
        "People with arranged planned support in the category.",
    ),
    col(
        "mainstream_people",
        Kind::People,
        "People with arranged mainstream, community or personal-assistant support in it.",
    ),
    col(
        "arranged_spend_gbp",
        Kind::Money {
            people: "arranged_people",
        },
        "The annual cost of arranged planned support, in pounds.",
    ),
    col(
        "mainstream_spend_gbp",
        Kind::Money {
            people: "mainstream_people",
        },
        "The part of it spent with mainstream, community or personal-assistant support.",
    ),
    col(
        "mainstream_share",
        Kind::Share {
            numerator: "mainstream_spend_gbp",
            denominator: "arranged_spend_gbp",
        },
        "Published mainstream spend divided by published arranged spend.",
    ),
];

/// Every `gap` row, with the budget behind unarranged support, and a total row per council:
/// people counted once across categories, budgets summed once per plan.
const GAP_SQL: &str = "
WITH active AS (
    SELECT plan_id, local_authority, annual_budget_gbp FROM plans WHERE active
),
unmet AS (
    SELECT a.local_authority, u.category, sum(a.annual_budget_gbp) AS unmet_budget_gbp
    FROM (SELECT DISTINCT plan_id, category FROM planned_support WHERE NOT arranged) u
    JOIN active a ON a.plan_id = u.plan_id
    GROUP BY a.local_authority, u.category
),
wanting AS (
    SELECT a.local_authority, count(*) AS people, sum(a.annual_budget_gbp) AS budget_gbp
    FROM active a
    WHERE a.plan_id IN (SELECT plan_id FROM outcomes)
    GROUP BY a.local_authority
),
unmet_total AS (
    SELECT a.local_authority, count(*) AS unmet_people,
           sum(a.annual_budget_gbp) AS unmet_budget_gbp
    FROM active a
    WHERE a.plan_id IN (SELECT plan_id FROM planned_support WHERE NOT arranged)
    GROUP BY a.local_authority
),
supply AS (
    SELECT local_authority, count(DISTINCT service_id) AS services,
           count(DISTINCT organization_id) AS providers,
           sum(CASE WHEN capacity_unit = 'places' THEN coalesce(available_per_week, 0) ELSE 0 END)
               AS places_per_week,
           sum(CASE WHEN capacity_unit = 'hours' THEN coalesce(available_per_week, 0) ELSE 0 END)
               AS hours_per_week
    FROM services
    WHERE active AND accepting_new
    GROUP BY local_authority
),
rows AS (
    SELECT g.local_authority, g.category, false AS total,
           CAST(g.people AS BIGINT) AS people, CAST(g.unmet_people AS BIGINT) AS unmet_people,
           CAST(g.budget_gbp AS DECIMAL(24, 2)) AS budget_gbp,
           CAST(coalesce(u.unmet_budget_gbp, 0) AS DECIMAL(24, 2)) AS unmet_budget_gbp,
           CAST(g.services AS BIGINT) AS services, CAST(g.providers AS BIGINT) AS providers,
           CAST(g.places_per_week AS DOUBLE) AS places_per_week,
           CAST(g.hours_per_week AS DOUBLE) AS hours_per_week,
           g.services = 0 AND g.people > 0 AND g.category <> 'unclassified' AS no_local_service
    FROM gap g
    LEFT JOIN unmet u ON u.local_authority = g.local_authority AND u.category = g.category
    UNION ALL
    SELECT c.local_authority, 'all' AS category, true AS total,
           CAST(coalesce(w.people, 0) AS BIGINT), CAST(coalesce(t.unmet_people, 0) AS BIGINT),
           CAST(coalesce(w.budget_gbp, 0) AS DECIMAL(24, 2)),
           CAST(coalesce(t.unmet_budget_gbp, 0) AS DECIMAL(24, 2)),
           CAST(coalesce(s.services, 0) AS BIGINT), CAST(coalesce(s.providers, 0) AS BIGINT),
           CAST(coalesce(s.places_per_week, 0) AS DOUBLE),
           CAST(coalesce(s.hours_per_week, 0) AS DOUBLE),
           false
    FROM (SELECT DISTINCT local_authority FROM gap) c
    LEFT JOIN wanting w ON w.local_authority = c.local_authority
    LEFT JOIN unmet_total t ON t.local_authority = c.local_authority
    LEFT JOIN supply s ON s.local_authority = c.local_authority
)
SELECT * FROM rows ORDER BY local_authority, total DESC, category";

const TRENDS_SQL: &str = "
SELECT local_authority, category, month, CAST(people AS BIGINT) AS people
FROM demand_monthly
ORDER BY local_authority, category, month";

const POOLING_SQL: &str = "
SELECT local_authority, locality, category, CAST(people AS BIGINT) AS people,
       CAST(budget_gbp AS DECIMAL(24, 2)) AS budget_gbp
FROM pooling
ORDER BY local_authority, people DESC, locality, category";

/// `mainstream_share` with the people behind each sum, and a total row per council.
const MAINSTREAM_SQL: &str = "
WITH active AS (SELECT plan_id, local_authority FROM plans WHERE active),
arranged AS (
    SELECT a.local_authority, s.category, s.plan_id,
           s.provider_kind IN ('mainstream', 'community', 'personal_assistant') AS mainstream,
           s.annual_cost_gbp
    FROM planned_support s JOIN active a ON a.plan_id = s.plan_id
    WHERE s.arranged
),
people AS (
    SELECT local_authority, category, count(DISTINCT plan_id) AS arranged_people,
           count(DISTINCT CASE WHEN mainstream THEN plan_id END) AS mainstream_people
    FROM arranged GROUP BY local_authority, category
),
totals AS (
    SELECT local_authority, count(DISTINCT plan_id) AS arranged_people,
           count(DISTINCT CASE WHEN mainstream THEN plan_id END) AS mainstream_people,
           sum(annual_cost_gbp) AS arranged_spend_gbp,
           coalesce(sum(CASE WHEN mainstream THEN annual_cost_gbp END), 0) AS mainstream_spend_gbp
    FROM arranged GROUP BY local_authority
),
rows AS (
    SELECT m.local_authority, m.category, false AS total,
           CAST(coalesce(p.arranged_people, 0) AS BIGINT) AS arranged_people,
           CAST(coalesce(p.mainstream_people, 0) AS BIGINT) AS mainstream_people,
           CAST(m.arranged_spend_gbp AS DECIMAL(24, 2)) AS arranged_spend_gbp,
           CAST(m.mainstream_spend_gbp AS DECIMAL(24, 2)) AS mainstream_spend_gbp
    FROM mainstream_share m
    LEFT JOIN people p ON p.local_authority = m.local_authority AND p.category = m.category
    UNION ALL
    SELECT local_authority, 'all', true, CAST(arranged_people AS BIGINT),
           CAST(mainstream_people AS BIGINT), CAST(arranged_spend_gbp AS DECIMAL(24, 2)),
           CAST(mainstream_spend_gbp AS DECIMAL(24, 2))
    FROM totals
)
SELECT * FROM rows ORDER BY local_authority, total DESC, category";
