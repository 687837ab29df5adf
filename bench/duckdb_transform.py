"""DuckDB doing what `stf transform` does, on the same store, timed: select the current plans
and services from the event tables, unnest their outcomes and planned support, and compute
every measure. DuckDB cannot categorise free text, so it takes the categories from stf's own
`outcomes`, `planned_support` and `services` tables: it does strictly less work than stf.

usage: duckdb_transform.py STORE        prints: duckdb_seconds=<s> peak_rss_mib=<MiB>
"""
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "python"))

import duckdb  # noqa: E402
from deltalake import DeltaTable  # noqa: E402

import duckdb_measures as sql  # noqa: E402

store = sys.argv[1]
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
for table in ["plan_events", "service_events", "plans", "outcomes", "planned_support", "services"]:
    files = DeltaTable(os.path.join(store, table)).file_uris()
    con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({files!r})")

start = time.perf_counter()
con.execute(sql.EXPECTED_CURRENT)
con.execute(sql.EXPECTED_PLANS)
con.execute("""CREATE TEMP TABLE expected_outcomes AS
               SELECT plan_id, unnest(desired_outcomes) AS o FROM expected_current""")
con.execute("""CREATE TEMP TABLE expected_items AS
               SELECT plan_id, unnest(planned_support) AS s FROM expected_current""")
con.execute(sql.EXPECTED_SERVICES)
con.execute(sql.ACTIVE_WANTS)
con.execute(sql.EXPECTED_DEMAND)
for name in ["GAP", "MAINSTREAM_SHARE", "POOLING", "DEMAND_MONTHLY"]:
    con.execute(f"CREATE TEMP TABLE expected_{name.lower()} AS {getattr(sql, name)}")
elapsed = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"duckdb_seconds={elapsed:.2f} peak_rss_mib={rss}")
