#!/usr/bin/env bash
# Transform throughput, side by side in one run on this machine:
#   (1) the outcome categoriser on one core (statements/s; target 200,000/s);
#   (2) `stf transform` over PLANS plans ingested from generated files (seconds, peak RSS;
#       target: 1M plans under 60 s and 2 GiB), then an incremental run after 1% more plans;
#   (3) DuckDB computing the same current plans and measures from the same Delta tables
#       (bench/duckdb_transform.py), and the ratio stf / DuckDB.
# usage: bench/transform.sh [PLANS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/stf-target}"
PLANS="${1:-1000000}"
cargo build --release --quiet -p stf --bin stf -p stf-transform --example categorise_bench
BIN="$CARGO_TARGET_DIR/release"
WORK="${STF_BENCH_DIR:-$(mktemp -d)}"
[ -n "${STF_BENCH_DIR:-}" ] || trap 'rm -rf "$WORK"' EXIT
rss() { awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print int($2/1024)}' "$1"; }
secs() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$1"; }

echo "== (1) categoriser"
CAT=$("$BIN/examples/categorise_bench" 2>&1 | tee /dev/stderr | sed -n 's/.*best[^0-9]*\([0-9][0-9,]*\).*/\1/p' | tr -d , | tail -1)

echo "== (2) stf transform on $PLANS plans"
if [ ! -d "$WORK/store/plan_events" ]; then
  STF_LOG=warn "$BIN/stf" generate --plans "$PLANS" --seed 7 --out "$WORK/events"
  STF_LOG=warn "$BIN/stf" ingest --input "$WORK/events" --store "$WORK/store"
fi
EVENTS=$(python3 -c "from deltalake import DeltaTable as D; import sys; print(D(sys.argv[1]+'/plan_events').to_pyarrow_dataset().count_rows())" "$WORK/store")
rm -rf "$WORK"/store/{plans,outcomes,planned_support,services,demand,gap,demand_monthly,mainstream_share,pooling,_plan_state,_service_state}
STF_LOG=warn /usr/bin/time -v -o "$WORK/full.txt" "$BIN/stf" transform --store "$WORK/store"
FULL_S=$(secs "$WORK/full.txt"); FULL_RSS=$(rss "$WORK/full.txt")
STF_LOG=warn "$BIN/stf" generate --plans $((PLANS / 100 + 1)) --seed 8 --out "$WORK/more"
STF_LOG=warn "$BIN/stf" ingest --input "$WORK/more" --store "$WORK/store"
STF_LOG=warn /usr/bin/time -v -o "$WORK/inc.txt" "$BIN/stf" transform --store "$WORK/store"
INC_S=$(secs "$WORK/inc.txt"); INC_RSS=$(rss "$WORK/inc.txt")

echo "== (3) DuckDB, same work minus categorisation"
DUCK=$(python3 bench/duckdb_transform.py "$WORK/store")
DUCK_S=$(echo "$DUCK" | sed -n 's/duckdb_seconds=\([0-9.]*\).*/\1/p')
DUCK_RSS=$(echo "$DUCK" | sed -n 's/.*peak_rss_mib=\([0-9]*\).*/\1/p')

python3 - "$PLANS" "$EVENTS" "${CAT:-0}" "$FULL_S" "$FULL_RSS" "$INC_S" "$INC_RSS" "$DUCK_S" "$DUCK_RSS" <<'PY'
import sys
plans, events, cat, full, full_rss, inc, inc_rss, duck, duck_rss = sys.argv[1:]
print(f"plans                                  {int(plans):>12,}")
print(f"plan events                            {int(events):>12,}")
print(f"(1) categoriser, one core              {int(cat):>12,} statements/s")
print(f"(2) stf transform, first (full) run    {float(full):>12.1f} s   peak RSS {full_rss} MiB")
print(f"    stf transform, +1% plans (incr.)   {float(inc):>12.1f} s   peak RSS {inc_rss} MiB")
print(f"(3) DuckDB, same tables and measures   {float(duck):>12.1f} s   peak RSS {duck_rss} MiB")
print(f"    ratio stf full / DuckDB            {float(full) / float(duck):>12.2f}")
PY
