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

import duckdb_measures as sql

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
con.execute(sql.EXPECTED_CURRENT)
con.execute(sql.EXPECTED_PLANS)
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
con.execute(sql.EXPECTED_SERVICES)
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
con.execute(sql.ACTIVE_WANTS)
con.execute(sql.EXPECTED_DEMAND)
cols = ", ".join(COLUMNS["demand"])
counts["demand"] = compare("demand", f"SELECT {cols} FROM demand", f"SELECT {cols} FROM expected_demand")

cols = ", ".join(COLUMNS["gap"])
counts["gap"] = compare("gap", f"SELECT {cols} FROM gap", sql.GAP)

cols = ", ".join(COLUMNS["mainstream_share"])
counts["mainstream_share"] = compare("mainstream_share", f"SELECT {cols} FROM mainstream_share", sql.MAINSTREAM_SHARE)

cols = ", ".join(COLUMNS["pooling"])
counts["pooling"] = compare("pooling", f"SELECT {cols} FROM pooling", sql.POOLING)

# demand_monthly: a plan counts in a month when it was active at any moment of it, i.e. its
# [agreed_at, closed_at) overlaps the month; months from the first agreement to the last event.
cols = ", ".join(COLUMNS["demand_monthly"])
counts["demand_monthly"] = compare("demand_monthly", f"SELECT {cols} FROM demand_monthly", sql.DEMAND_MONTHLY)

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
