"""The measures of measures.md and the current-plan rules of events.md, written for DuckDB
independently of stf's code: used by check_measures.py (to check what stf published) and by
bench/transform.sh (to time DuckDB doing the same work). The CREATE statements expect views
named after the store's tables; the plain SELECTs read `expected_demand` and the row tables."""

EXPECTED_CURRENT = """
CREATE TEMP TABLE expected_current AS
SELECT * FROM plan_events
QUALIFY row_number() OVER (PARTITION BY plan_id
                           ORDER BY plan_version DESC, occurred_at DESC, event_id DESC) = 1
"""

EXPECTED_PLANS = """
CREATE TEMP TABLE expected_plans AS
WITH life AS (
    SELECT plan_id,
           min(occurred_at) FILTER (WHERE event_type = 'plan_agreed') AS agreed_at,
           min(occurred_at) FILTER (WHERE event_type = 'plan_closed') AS closed_at
    FROM plan_events GROUP BY plan_id
),
first_close AS (
    SELECT plan_id, closure_reason FROM plan_events WHERE event_type = 'plan_closed'
    QUALIFY row_number() OVER (PARTITION BY plan_id ORDER BY occurred_at, event_id DESC) = 1
)
SELECT c.plan_id, c.plan_version, c.local_authority, c.locality, c.age_band, c.cohort,
       c.primary_support_reason, c.ethnicity_group, c.annual_budget_gbp, c.delivery_mechanism,
       (l.agreed_at IS NOT NULL AND l.closed_at IS NULL) AS active,
       l.agreed_at, l.closed_at, f.closure_reason, c.occurred_at AS updated_at
FROM expected_current c
JOIN life l USING (plan_id)
LEFT JOIN first_close f USING (plan_id)
"""

EXPECTED_SERVICES = """
CREATE TEMP TABLE expected_services AS
SELECT * FROM service_events
QUALIFY row_number() OVER (PARTITION BY service_id ORDER BY occurred_at DESC, event_id DESC) = 1
"""

ACTIVE_WANTS = """
CREATE TEMP TABLE active_wants AS
SELECT DISTINCT p.plan_id, p.local_authority, p.locality, p.annual_budget_gbp, o.category
FROM plans p JOIN outcomes o USING (plan_id) WHERE p.active
"""

EXPECTED_DEMAND = """
CREATE TEMP TABLE expected_demand AS
WITH wants AS (
    SELECT local_authority, category, count(DISTINCT plan_id) AS people,
           sum(annual_budget_gbp) AS budget
    FROM active_wants GROUP BY ALL
),
items AS (
    SELECT p.local_authority, s.category,
           sum(s.annual_cost_gbp) FILTER (WHERE s.arranged) AS spend,
           count(DISTINCT s.plan_id) FILTER (WHERE NOT s.arranged) AS unmet
    FROM planned_support s JOIN plans p USING (plan_id) WHERE p.active GROUP BY ALL
),
keys AS (SELECT local_authority, category FROM wants UNION SELECT local_authority, category FROM items)
SELECT k.local_authority, k.category, coalesce(w.people, 0) AS people,
       coalesce(w.budget, 0)::DECIMAL(24, 2) AS budget_gbp,
       coalesce(i.spend, 0)::DECIMAL(24, 2) AS planned_spend_gbp,
       coalesce(i.unmet, 0) AS unmet_people
FROM keys k
LEFT JOIN wants w USING (local_authority, category)
LEFT JOIN items i USING (local_authority, category)
"""

GAP = """
WITH supply AS (
    SELECT local_authority, category, count(DISTINCT service_id) AS services,
           count(DISTINCT organization_id) AS providers,
           coalesce(sum(available_per_week) FILTER (WHERE capacity_unit = 'places'), 0) AS places,
           coalesce(sum(available_per_week) FILTER (WHERE capacity_unit = 'hours'), 0) AS hours
    FROM services WHERE active AND accepting_new GROUP BY ALL
)
SELECT d.local_authority, d.category, d.people, d.unmet_people, d.budget_gbp,
       coalesce(s.services, 0), coalesce(s.providers, 0),
       coalesce(s.places, 0)::DOUBLE, coalesce(s.hours, 0)::DOUBLE,
       CASE WHEN s.services > 0 THEN d.people / s.services END
FROM expected_demand d LEFT JOIN supply s USING (local_authority, category)
"""

MAINSTREAM_SHARE = """
WITH spend AS (
    SELECT p.local_authority, s.category, sum(s.annual_cost_gbp) AS arranged,
           coalesce(sum(s.annual_cost_gbp) FILTER (
               WHERE s.provider_kind IN ('mainstream', 'community', 'personal_assistant')), 0)
               AS mainstream
    FROM planned_support s JOIN plans p USING (plan_id)
    WHERE p.active AND s.arranged GROUP BY ALL
)
SELECT local_authority, category, arranged::DECIMAL(24, 2), mainstream::DECIMAL(24, 2),
       CASE WHEN arranged > 0 THEN mainstream::DOUBLE / arranged::DOUBLE END
FROM spend
"""

POOLING = """
SELECT local_authority, locality, category, count(*) AS people,
       sum(annual_budget_gbp)::DECIMAL(24, 2)
FROM active_wants
WHERE locality IS NOT NULL AND category <> 'unclassified'
GROUP BY ALL HAVING count(*) >= 8
"""

DEMAND_MONTHLY = """
WITH spans AS (
    SELECT DISTINCT p.plan_id, p.local_authority, o.category,
           p.agreed_at, p.closed_at
    FROM plans p JOIN outcomes o USING (plan_id)
    WHERE p.agreed_at IS NOT NULL AND (p.closed_at IS NULL OR p.closed_at > p.agreed_at)
),
bounds AS (
    SELECT date_trunc('month', (SELECT min(agreed_at) FROM plans)) AS first,
           date_trunc('month', (SELECT max(occurred_at) FROM plan_events)) AS last
),
months AS (
    SELECT unnest(generate_series(first, last, INTERVAL 1 MONTH)) AS m FROM bounds
),
pairs AS (SELECT DISTINCT local_authority, category FROM spans)
SELECT k.local_authority, k.category, m.m::DATE AS month,
       (SELECT count(DISTINCT s.plan_id) FROM spans s
        WHERE s.local_authority = k.local_authority AND s.category = k.category
          AND s.agreed_at < m.m + INTERVAL 1 MONTH
          AND (s.closed_at IS NULL OR s.closed_at > m.m)) AS people
FROM pairs k CROSS JOIN months m
"""
