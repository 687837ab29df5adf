"""Independent check of `stf sql`: runs every query of the commissioner query set with
`stf sql --format csv` and with DuckDB over each table's current Parquet files (as Python's
deltalake lists them, no stf code), and compares the results row for row, in order: exact
for text, integers, dates and money (DECIMAL), to 1e-9 for floats.

usage: check_queries.py STF_BINARY STORE QUERIES_DIR
prints: OK <query>=<rows> ...
"""
import csv
import datetime
import decimal
import io
import math
import os
import subprocess
import sys

import duckdb
from deltalake import DeltaTable

TABLES = ["plan_events", "service_events", "rejected_events", "plans", "outcomes",
          "planned_support", "services", "demand", "gap", "demand_monthly", "mainstream_share",
          "pooling"]

stf, store, queries = sys.argv[1:4]
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")


def register(table):
    """A DuckDB view of `table` over the files of its current Delta version."""
    path = os.path.join(store, table)
    if not os.path.isdir(os.path.join(path, "_delta_log")):
        raise AssertionError(f"table {table} is missing from the store")
    dt = DeltaTable(path)
    files = dt.file_uris()
    if files:
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        # Partition columns live in the log and the file paths, not in the files.
        partitions = dt.metadata().partition_columns
        hive = "true" if partitions else "false"
        source = f"read_parquet([{listed}], hive_partitioning = {hive})"
        # UTC timestamps as plain TIMESTAMP (wall-clock UTC): no pytz needed to fetch them.
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        zoned = [name for name, kind, *_ in described if kind == "TIMESTAMP WITH TIME ZONE"]
        casts = [f"{c}::TIMESTAMP AS {c}" for c in zoned]
        casts += [f"CAST({c} AS DATE) AS {c}" for c in partitions]
        replace = f" REPLACE ({', '.join(casts)})" if casts else ""
        con.execute(f"CREATE VIEW {table} AS SELECT *{replace} FROM {source}")
    else:
        con.register(f"{table}_empty", dt.schema().to_arrow().empty_table())
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM {table}_empty")


def same(text, value):
    """Whether a CSV cell written by stf holds DuckDB's value."""
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return text == ("true" if value else "false")
    if isinstance(value, int):
        return text != "" and int(text) == value
    if isinstance(value, decimal.Decimal):
        return text != "" and decimal.Decimal(text) == value
    if isinstance(value, float):
        if text == "" or math.isnan(value):
            return text.lower() in ("nan", "")
        return math.isclose(float(text), value, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(value, datetime.datetime):
        return text.replace("T", " ").rstrip("Z") == value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return text == value.isoformat()
    return text == str(value)


def ours(sql_path):
    out = subprocess.run([stf, "sql", "--store", store, "--format", "csv"],
                         stdin=open(sql_path), capture_output=True, text=True,
                         env={**os.environ, "STF_LOG": "warn"})
    if out.returncode != 0:
        raise AssertionError(f"stf sql failed on {sql_path}: {out.stderr.strip()}")
    rows = list(csv.reader(io.StringIO(out.stdout)))
    return rows[0], rows[1:]


for table in TABLES:
    register(table)

report = []
for name in sorted(os.listdir(queries)):
    if not name.endswith(".sql"):
        continue
    path = os.path.join(queries, name)
    sql = open(path).read()
    header, rows = ours(path)
    cursor = con.execute(sql)
    expected_header = [d[0] for d in cursor.description]
    expected = cursor.fetchall()
    if header != expected_header:
        raise AssertionError(f"{name}: columns {header}, DuckDB has {expected_header}")
    if len(rows) != len(expected):
        raise AssertionError(f"{name}: {len(rows)} rows, DuckDB has {len(expected)}")
    if not expected:
        raise AssertionError(f"{name}: no rows in either engine, which proves nothing")
    for i, (got, want) in enumerate(zip(rows, expected)):
        if len(got) != len(want) or not all(same(t, v) for t, v in zip(got, want)):
            raise AssertionError(f"{name}: row {i} is {got}, DuckDB has {list(want)}")
    report.append(f"{name.removesuffix('.sql')}={len(rows)}")

if len(report) < 10:
    raise AssertionError(f"only {len(report)} queries in {queries}; the set has at least 10")
print("OK " + " ".join(report))
