"""Independent check of the ingest tables: reads them with Python's deltalake and DuckDB
(no stf code), and compares them with what the generator says it wrote.

usage: check_ingest.py EVENTS_DIR STORE_DIR
"""
import json
import os
import sys

import duckdb
from deltalake import DeltaTable

events_dir, store = sys.argv[1], sys.argv[2]


def files(table):
    return DeltaTable(os.path.join(store, table)).file_uris()


def lines(name):
    with open(os.path.join(events_dir, name), "rb") as f:
        return f.read().split(b"\n")


expected = {}  # (basename, line) -> reason
with open(os.path.join(events_dir, "expected-rejections.tsv")) as f:
    for row in f:
        parts = row.rstrip("\n").split("\t")
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        expected[(os.path.basename(parts[0]), int(parts[1]))] = parts[2]

con = duckdb.connect()
good = {"support-plans.ndjson": 0, "provider-services.ndjson": 0}
for name in good:
    for i, raw in enumerate(lines(name), start=1):
        if raw.strip() and (name, i) not in expected:
            good[name] += 1

def count(table, where=""):
    fs = files(table)
    if not fs:
        return 0
    return con.execute(f"select count(*) from read_parquet(?) {where}", [fs]).fetchone()[0]

plan_rows = count("plan_events")
service_rows = count("service_events")
assert plan_rows == good["support-plans.ndjson"], (plan_rows, good)
assert service_rows == good["provider-services.ndjson"], (service_rows, good)

# Exactly once: no (file, line) twice.
for table in ("plan_events", "service_events", "rejected_events"):
    fs = files(table)
    if fs:
        dup = con.execute(
            "select count(*) from (select source_file, source_line from read_parquet(?) "
            "group by all having count(*) > 1)", [fs]).fetchone()[0]
        assert dup == 0, f"{table}: {dup} duplicated source lines"

# Every bad line is rejected with the reason it was made with.
got = {}
fs = files("rejected_events")
if fs:
    for source_file, line, reason in con.execute(
            "select source_file, source_line, reason from read_parquet(?)", [fs]).fetchall():
        got[(os.path.basename(source_file), line)] = reason
assert got == expected, (
    f"missing: {sorted(set(expected) - set(got))[:5]} extra: {sorted(set(got) - set(expected))[:5]} "
    f"wrong: {[(k, expected[k], got[k]) for k in expected if k in got and got[k] != expected[k]][:5]}")

# No injected personal data survives in any string of any table.
pii = []
with open(os.path.join(events_dir, "pii.tsv")) as f:
    for row in f:
        parts = row.rstrip("\n").split("\t")
        if len(parts) == 3 and parts[0] != "event_id":
            pii.append(parts[2])
assert pii, "the generator injected no PII to check"
for table in ("plan_events", "service_events", "rejected_events"):
    fs = files(table)
    if not fs:
        continue
    text = "\n".join(str(r) for r in con.execute("select columns(*)::varchar from read_parquet(?)", [fs]).fetchall())
    leaked = [p for p in pii if p in text]
    assert not leaked, f"{table} holds personal data: {leaked[:3]}"

redacted = con.execute("select sum(redactions) from read_parquet(?)", [files("plan_events")]).fetchone()[0]
assert redacted and redacted > 0, "no redactions recorded"
print(f"OK plan_events={plan_rows} service_events={service_rows} rejected={len(got)} "
      f"pii_checked={len(pii)} redactions={redacted}")
