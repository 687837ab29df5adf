"""Prints the number of rows in plan_events + service_events, read with deltalake and DuckDB.

usage: count_rows.py STORE
"""
import os
import sys

import duckdb
from deltalake import DeltaTable

store = sys.argv[1]
total = 0
for table in ("plan_events", "service_events"):
    path = os.path.join(store, table)
    if os.path.isdir(os.path.join(path, "_delta_log")):
        fs = DeltaTable(path).file_uris()
        if fs:
            total += duckdb.connect().execute("select count(*) from read_parquet(?)", [fs]).fetchone()[0]
print(total)
