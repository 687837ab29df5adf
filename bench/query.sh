#!/usr/bin/env bash
# The commissioner query set (bench/queries/*.sql), side by side in one run on this machine:
#   ours:   `stf sql` (release) over the store's Delta tables, pinned to the latest publication;
#   DuckDB: the same SQL over the same Parquet files (each table's current files as Python's
#           deltalake lists them, read with read_parquet), in one warm connection.
# Each query runs in ROUNDS rounds that alternate the sides (ours, then DuckDB), so that both
# see the same phases of a noisy machine; in each round each side runs RUNS times after one
# warm-up run. The best time over all rounds counts. "ours" is the time
# `stf sql --timing --repeat` reports for each run in one process (planning, running and
# collecting the result), DuckDB's the time to execute the query and fetch it as Arrow.
# "process" is the last round's whole `stf sql` process with all its runs (start, opening the
# Delta logs of 12 tables, writing CSV), for reference. Prints per-query times, ratios
# ours/DuckDB, their median and worst.
#
# usage: bench/query.sh [--plans N] [--runs R] [--rounds K] [--store DIR]
#   --plans   plans to generate when the store does not exist yet (default 1000000)
#   --runs    timed runs per query, side and round (default 5: the best of five is steadier on a
#             noisy 2-core machine than the best of three)
#   --rounds  rounds per query, alternating the sides (default 3)
#   --store   where the store is built or reused (default ~/.cache/stf-bench/query-N)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/stf-target}"
PLANS=1000000
RUNS=5
ROUNDS=3
STORE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --plans) PLANS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --store) STORE="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
STORE="${STORE:-$HOME/.cache/stf-bench/query-$PLANS}"
python3 -c 'import duckdb, deltalake' 2>/dev/null || pip install --quiet duckdb deltalake pyarrow

# STF_BENCH_BIN: an already built binary to measure instead of a fresh release build.
if [ -n "${STF_BENCH_BIN:-}" ]; then
  STF="$STF_BENCH_BIN"
else
  cargo build --release --quiet -p stf --bin stf
  STF="$CARGO_TARGET_DIR/release/stf"
fi
export STF_LOG=warn

if [ ! -d "$STORE/plans/_delta_log" ]; then
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
  mkdir -p "$STORE"
  echo "building a store of $PLANS plans in $STORE ..."
  T0=$(date +%s)
  "$STF" generate --plans "$PLANS" --seed 1 --bad-fraction 0.01 --out "$WORK/events"
  "$STF" ingest --input "$WORK/events" --store "$STORE"
  "$STF" transform --store "$STORE"
  echo "store built in $(( $(date +%s) - T0 )) s"
else
  echo "reusing the store in $STORE"
fi

python3 - "$STF" "$STORE" bench/queries "$RUNS" "$ROUNDS" <<'PY'
import os, re, statistics, subprocess, sys, time
import duckdb
from deltalake import DeltaTable

stf, store, queries = sys.argv[1], sys.argv[2], sys.argv[3]
runs, rounds = int(sys.argv[4]), int(sys.argv[5])
TABLES = ["plan_events", "service_events", "rejected_events", "plans", "outcomes",
          "planned_support", "services", "demand", "gap", "demand_monthly", "mainstream_share",
          "pooling"]

con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
for t in TABLES:
    dt = DeltaTable(os.path.join(store, t))
    files = dt.file_uris()
    hive = "true" if dt.metadata().partition_columns else "false"
    if files:
        listed = ", ".join("'" + f + "'" for f in files)
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet([{listed}], hive_partitioning = {hive})")
    else:
        con.register(f"{t}_empty", dt.schema().to_arrow().empty_table())
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM {t}_empty")

def ours(path):
    """(best query seconds of `runs` warm runs as stf reports them, one whole process's
    seconds, rows)"""
    started = time.perf_counter()
    out = subprocess.run([stf, "sql", "--store", store, "--format", "csv", "--timing",
                          "--repeat", str(runs + 1)],
                         stdin=open(path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    e2e = time.perf_counter() - started
    if out.returncode != 0:
        raise SystemExit(f"stf sql failed on {path}: {out.stderr.strip()}")
    timings = re.findall(r"\((\d+) rows?, ([0-9.]+) s\)", out.stderr)
    # The first run warms the process (file and metadata caches, lazy statics).
    return min(float(t) for _, t in timings[1:]), e2e, int(timings[-1][0])

def duck(sql):
    started = time.perf_counter()
    rows = con.sql(sql).to_arrow_table().num_rows
    return time.perf_counter() - started, rows

print(f"{'query':<34} {'rows':>6} {'ours ms':>9} {'DuckDB ms':>10} {'ratio':>7} {'process ms':>12}")
ratios = []
for name in sorted(f for f in os.listdir(queries) if f.endswith(".sql")):
    path = os.path.join(queries, name)
    sql = open(path).read()
    o_best = d_best = float("inf")
    for _ in range(rounds):
        o, e2e, rows = ours(path)
        duck(sql)  # warm-up: file cache, DuckDB's metadata
        d = [duck(sql) for _ in range(runs)]
        o_best, d_best, d_rows = min(o_best, o), min(d_best, min(x[0] for x in d)), d[0][1]
    if rows != d_rows:
        raise SystemExit(f"{name}: {rows} rows from stf, {d_rows} from DuckDB")
    ratio = o_best / d_best
    ratios.append((ratio, name))
    print(f"{name[:-4]:<34} {rows:>6} {o_best*1e3:>9.1f} {d_best*1e3:>10.1f} {ratio:>7.2f} {e2e*1e3:>12.1f}")
median = statistics.median(r for r, _ in ratios)
worst = max(ratios)
print(f"median ratio ours/DuckDB {median:.2f}; worst {worst[0]:.2f} ({worst[1][:-4]})")
PY
