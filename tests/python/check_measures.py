"""Independent check of `stf transform`: reads the store with Python's deltalake and DuckDB (no
stf code), recomputes `plans` from `plan_events` and every measure from the row tables with SQL
written from measures.md and events.md, and compares them with what stf published, row for row
(money as DECIMAL, floats to 1e-9).

usage: check_measures.py STORE
prints: OK <table>=<rows> ... publication=<id>
"""
import json
import math
import os
import sys

import duckdb
from deltalake import DeltaTable

store = sys.argv[1]
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")

# Column lists of our tables (publication_id is checked separately).
COLUMNS = {
    "plans": ["plan_id", "plan_version", "local_authority", "locality", "age_band", "cohort",
              "primary_support_reason", "ethnicity_group", "annual_budget_gbp",
              "delivery_mechanism", "active", "agreed_at", "closed_at", "closure_reason",
              "updated_at"],
    "outcomes": ["plan_id", "outcome_index", "text", "priority", "category", "matched_terms",
                 "taxonomy_version"],
    "planned_support": ["plan_id", "item_index", "description", "service_type", "provider_kind",
                        "category", "hours_per_week", "annual_cost_gbp", "arranged",
                        "taxonomy_version"],
    "services": ["service_id", "organization_id", "organization_name", "provider_kind",
                 "service_name", "local_authority", "category", "capacity_unit",
                 "available_per_week", "cost_amount_gbp", "cost_per", "accepting_new", "active",
                 "taxonomy_version"],
    "demand": ["local_authority", "category", "people", "budget_gbp", "planned_spend_gbp",
               "unmet_people"],
    "gap": ["local_authority", "category", "people", "unmet_people", "budget_gbp", "services",
            "providers", "places_per_week", "hours_per_week", "people_per_service"],
    "demand_monthly": ["local_authority", "category", "month", "people"],
    "mainstream_share": ["local_authority", "category", "arranged_spend_gbp",
                         "mainstream_spend_gbp", "mainstream_share"],
    "pooling": ["local_authority", "locality", "category", "people", "budget_gbp"],
}
DERIVED = list(COLUMNS)


def load(table):
    """Registers `table` as a DuckDB view over the files of its current Delta version."""
    dt = DeltaTable(os.path.join(store, table))
    files = dt.file_uris()
    if files:
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        source = f"read_parquet([{listed}])"
        # UTC timestamps as plain TIMESTAMP (wall-clock UTC): no pytz needed to fetch them.
        zoned = [name for name, kind, *_ in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
                 if kind == "TIMESTAMP WITH TIME ZONE"]
        replace = f" REPLACE ({', '.join(f'{c}::TIMESTAMP AS {c}' for c in zoned)})" if zoned else ""
        con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT *{replace} FROM {source}")
    else:
        schema = dt.schema().to_arrow()
        empty = schema.empty_table()
        con.register(f"{table}_empty", empty)
        con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM {table}_empty")
    return dt


tables = {t: load(t) for t in ["plan_events", "service_events"] + DERIVED}


def norm(value):
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 9)
    if isinstance(value, list):
        return tuple(norm(v) for v in value)
    return value


def rows(sql, params=None):
    return sorted((tuple(norm(v) for v in r) for r in con.execute(sql, params or []).fetchall()),
                  key=repr)


def compare(name, ours_sql, expected_sql):
    ours, expected = rows(ours_sql), rows(expected_sql)
    if ours != expected:
        ours_set, exp_set = set(ours), set(expected)
        raise AssertionError(
            f"{name}: {len(ours)} rows published, {len(expected)} expected; "
            f"only ours: {sorted(ours_set - exp_set, key=repr)[:3]} "
            f"only expected: {sorted(exp_set - ours_set, key=repr)[:3]}")
    return len(ours)


counts = {}

# --- plans, recomputed from plan_events (events.md: current plan, active) ----------------------
con.execute("""
CREATE TEMP TABLE expected_current AS
SELECT * FROM plan_events
QUALIFY row_number() OVER (PARTITION BY plan_id
                           ORDER BY plan_version DESC, occurred_at DESC, event_id DESC) = 1
""")
con.execute("""
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
""")
cols = ", ".join(COLUMNS["plans"])
counts["plans"] = compare("plans", f"SELECT {cols} FROM plans", f"SELECT {cols} FROM expected_plans")
assert counts["plans"] > 0, "no plans"
active = con.execute("SELECT count(*) FILTER (WHERE active), count(*) FILTER (WHERE NOT active) "
                     "FROM plans").fetchone()
assert active[0] > 0 and active[1] > 0, f"want both active and closed plans: {active}"

# --- outcomes and planned_support hold exactly the current events' arrays ---------------------
compare("outcomes (texts)",
        "SELECT DISTINCT plan_id, outcome_index, text, priority FROM outcomes",
        """SELECT plan_id, i - 1, o.text, o.priority FROM (
               SELECT plan_id, unnest(desired_outcomes) AS o,
                      generate_subscripts(desired_outcomes, 1) AS i
               FROM expected_current)""")
dupes = con.execute("SELECT count(*) FROM (SELECT plan_id, outcome_index, category FROM outcomes "
                    "GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]
assert dupes == 0, f"{dupes} repeated (plan, outcome, category) rows"
counts["outcomes"] = con.execute("SELECT count(*) FROM outcomes").fetchone()[0]
compare("planned_support (items)",
        """SELECT plan_id, item_index, description, service_type, provider_kind, hours_per_week,
                  annual_cost_gbp, arranged FROM planned_support""",
        """SELECT plan_id, i - 1, s.description, s.service_type, s.provider_kind,
                  s.hours_per_week, s.annual_cost_gbp, s.arranged FROM (
               SELECT plan_id, unnest(planned_support) AS s,
                      generate_subscripts(planned_support, 1) AS i
               FROM expected_current)""")
counts["planned_support"] = con.execute("SELECT count(*) FROM planned_support").fetchone()[0]

# --- services: the latest event per service, one row per council and category -----------------
con.execute("""
CREATE TEMP TABLE expected_services AS
SELECT * FROM service_events
QUALIFY row_number() OVER (PARTITION BY service_id ORDER BY occurred_at DESC, event_id DESC) = 1
""")
compare("services (councils)",
        """SELECT DISTINCT service_id, organization_id, organization_name, provider_kind,
                  service_name, local_authority, capacity_unit, available_per_week,
                  cost_amount_gbp, cost_per, accepting_new, active FROM services""",
        """SELECT DISTINCT service_id, organization_id, organization_name, provider_kind,
                  service_name, unnest(local_authorities), capacity_unit, available_per_week,
                  cost_amount_gbp, cost_per, accepting_new, event_type <> 'service_withdrawn'
           FROM expected_services""")
compare("services (own categories)",
        """SELECT s.service_id, s.local_authority, s.category FROM services s
           JOIN expected_services e USING (service_id) WHERE len(e.categories) > 0""",
        """SELECT DISTINCT service_id, la, cat FROM (
               SELECT service_id, unnest(local_authorities) AS la, categories FROM expected_services
               WHERE len(categories) > 0) CROSS JOIN unnest(categories) AS t(cat)""")
counts["services"] = con.execute("SELECT count(*) FROM services").fetchone()[0]

# --- measures, from measures.md -----------------------------------------------------------------
con.execute("""
CREATE TEMP TABLE active_wants AS
SELECT DISTINCT p.plan_id, p.local_authority, p.locality, p.annual_budget_gbp, o.category
FROM plans p JOIN outcomes o USING (plan_id) WHERE p.active
""")
con.execute("""
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
""")
cols = ", ".join(COLUMNS["demand"])
counts["demand"] = compare("demand", f"SELECT {cols} FROM demand", f"SELECT {cols} FROM expected_demand")

cols = ", ".join(COLUMNS["gap"])
counts["gap"] = compare("gap", f"SELECT {cols} FROM gap", """
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
""")

cols = ", ".join(COLUMNS["mainstream_share"])
counts["mainstream_share"] = compare("mainstream_share", f"SELECT {cols} FROM mainstream_share", """
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
""")

cols = ", ".join(COLUMNS["pooling"])
counts["pooling"] = compare("pooling", f"SELECT {cols} FROM pooling", """
SELECT local_authority, locality, category, count(*) AS people,
       sum(annual_budget_gbp)::DECIMAL(24, 2)
FROM active_wants
WHERE locality IS NOT NULL AND category <> 'unclassified'
GROUP BY ALL HAVING count(*) >= 8
""")

# demand_monthly: a plan counts in a month when it was active at any moment of it, i.e. its
# [agreed_at, closed_at) overlaps the month; months from the first agreement to the last event.
cols = ", ".join(COLUMNS["demand_monthly"])
counts["demand_monthly"] = compare("demand_monthly", f"SELECT {cols} FROM demand_monthly", """
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
""")

# --- one publication ----------------------------------------------------------------------------
ids = set()
for t in DERIVED:
    ids |= {r[0] for r in con.execute(f"SELECT DISTINCT publication_id FROM {t}").fetchall()}
assert len(ids) == 1, f"derived tables carry {len(ids)} publication ids: {sorted(ids)[:4]}"
publication = ids.pop()
commit = tables["plans"].history(1)[0]
manifest = commit.get("stf.publication")
if isinstance(manifest, str):
    manifest = json.loads(manifest)
assert manifest and manifest["publication_id"] == publication, (manifest, publication)
for t in DERIVED:
    if t != "plans":
        assert manifest["tables"][t] == tables[t].version(), (t, manifest["tables"], tables[t].version())
assert manifest["sources"]["plan_events"] == tables["plan_events"].version()
assert manifest["sources"]["service_events"] == tables["service_events"].version()

print("OK " + " ".join(f"{t}={counts[t]}" for t in DERIVED) + f" publication={publication}")
