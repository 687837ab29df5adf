"""Independent check that two stores hold the same derived tables, publication ids aside:
Python's deltalake lists each table's current files and DuckDB compares the rows as
multisets (EXCEPT ALL both ways).

usage: compare_stores.py STORE_A STORE_B
"""
import os
import sys

import duckdb
from deltalake import DeltaTable

TABLES = ["plans", "outcomes", "planned_support", "services", "demand", "gap",
          "demand_monthly", "mainstream_share", "pooling"]

a, b = sys.argv[1:3]
con = duckdb.connect()
problems = []
counts = {}


def source(store, table):
    files = DeltaTable(os.path.join(store, table)).file_uris()
    if not files:
        return None
    # Timestamps as text: DuckDB needs pytz to hand out zoned timestamps, and text compares
    # exactly.
    return f"(select columns(* exclude (publication_id))::varchar from read_parquet({files!r}))"


for table in TABLES:
    sa, sb = source(a, table), source(b, table)
    if sa is None or sb is None:
        if sa != sb:
            problems.append(f"{table}: empty in one store only")
        continue
    na = con.execute(f"select count(*) from {sa}").fetchone()[0]
    nb = con.execute(f"select count(*) from {sb}").fetchone()[0]
    only_a = con.execute(f"select count(*) from ({sa} except all {sb})").fetchone()[0]
    only_b = con.execute(f"select count(*) from ({sb} except all {sa})").fetchone()[0]
    counts[table] = na
    if na != nb or only_a or only_b:
        example = con.execute(f"select * from ({sa} except all {sb}) limit 2").fetchall()
        problems.append(f"{table}: {na} vs {nb} rows, {only_a} only in A, {only_b} only in B, "
                        f"e.g. {example}")

if problems:
    print("FAIL\n" + "\n".join(problems))
    sys.exit(1)
print("OK " + " ".join(f"{t}={n}" for t, n in counts.items()))
