#!/usr/bin/env bash
# Ingest throughput, side by side in one run on this machine:
#   (a) a bare rdkafka consumer with the same client settings, reading and dropping every
#       message (the ceiling: what the broker and the client can deliver);
#   (b) `stf ingest` until every message is in committed Delta commits (both (a) and (b) timed
#       from the first message received; once the last is read, SIGTERM makes it commit and exit
#       instead of waiting out its flush age; the rows are then counted);
#   (c) the file source against `cat FILE > /dev/null`;
#   (d) judging alone (parse, validate, redact) on one core and on every core, against a bare
#       parse of the same messages, and applying verdicts to a batch
#       (ingest/examples/judge_bench.rs).
# Prints events/s, the ratio b/a and peak RSS. Needs tansu (scripts/test.sh installs it).
# usage: bench/ingest.sh [PLANS] [KEY=VALUE ...]   (default 270000 plans ≈ 1M events; extra
#        librdkafka settings go to both consumers, as `stf ingest -X KEY=VALUE`)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/stf-target}"
PLANS="${1:-270000}"
shift || true
SETTINGS=("$@")
XFLAGS=()
for s in "${SETTINGS[@]}"; do XFLAGS+=(-X "$s"); done
cargo build --release --quiet -p stf --bin stf -p stf-ingest --example bare_consumer \
  --example judge_bench
BIN="$CARGO_TARGET_DIR/release"
TANSU="$(command -v tansu || echo "$HOME/.cargo/bin/tansu")"
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$TANSU" broker --listener-url "tcp://127.0.0.1:$PORT" --advertised-listener-url "tcp://127.0.0.1:$PORT" \
  --storage-engine memory://tansu/ >"$WORK/broker.log" 2>&1 &
for _ in $(seq 100); do "$TANSU" topic list --broker "tcp://127.0.0.1:$PORT" >/dev/null 2>&1 && break; sleep 0.2; done
for t in support-plans provider-services support-plans.dlq provider-services.dlq; do
  "$TANSU" topic create "$t" --partitions 4 --broker "tcp://127.0.0.1:$PORT" >/dev/null
done

echo "producing $PLANS plans..."
STF_LOG=warn "$BIN/stf" generate --plans "$PLANS" --seed 1 --bad-fraction 0.01 --brokers "127.0.0.1:$PORT"
STF_LOG=warn "$BIN/stf" generate --plans "$PLANS" --seed 1 --bad-fraction 0.01 --out "$WORK/files"
TOTAL=$(cat "$WORK"/files/*.ndjson | wc -l)
echo "messages: $TOTAL"

echo "(a) bare consumer"
A=$("$BIN/examples/bare_consumer" "127.0.0.1:$PORT" bench-bare "$TOTAL" "${SETTINGS[@]}" | sed -n 's/.*per_second=\([0-9]*\).*/\1/p')

echo "(b) stf ingest"
MPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
STF_LOG=warn "$BIN/stf" ingest --brokers "127.0.0.1:$PORT" \
  --group bench-stf --store "$WORK/store" --metrics-addr "127.0.0.1:$MPORT" "${XFLAGS[@]}" &
PID=$!
LAUNCHED=$(date +%s.%N)
# Timed like (a): from the first message received (events_in > 0) until every message is in a
# committed Delta commit. Once the last message is in, the service is stopped (SIGTERM: commit
# what is batched, exit 0) rather than left to wait out its flush age.
START=""
while true; do
  kill -0 "$PID" 2>/dev/null || { echo "stf ingest exited before reading every message" >&2; exit 1; }
  METRICS=$( (curl -s -m 2 "127.0.0.1:$MPORT/metrics" || true) )
  IN=$(awk '/^stf_ingest_events_in_total/ {s+=$2} END {print s+0}' <<<"$METRICS")
  [ -z "$START" ] && [ "$IN" -gt 0 ] && START=$(date +%s.%N)
  [ "$IN" -ge "$TOTAL" ] && break
  sleep 0.02
done
RSS=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$PID/status")
kill -TERM $PID
wait $PID || { echo "stf ingest did not exit cleanly" >&2; exit 1; }
END=$(date +%s.%N)
START="${START:-$LAUNCHED}" # done before a poll saw the first message: time from launch
B=$(python3 -c "print(round($TOTAL/($END-$START)))")
# Every message is in the tables (accepted or rejected), read back by Python's deltalake.
python3 - "$WORK/store" "$TOTAL" <<'PY' || exit 1
import sys
try:
    from deltalake import DeltaTable
except ImportError:
    print("    (deltalake for Python not installed: rows not counted)")
    sys.exit(0)
store, total = sys.argv[1], int(sys.argv[2])
rows = sum(DeltaTable(f"{store}/{t}").to_pyarrow_dataset().count_rows()
           for t in ("plan_events", "service_events", "rejected_events"))
print(f"    rows in the tables: {rows}")
sys.exit(0 if rows == total else 1)
PY

echo "(c) file source vs cat"
T0=$(date +%s.%N); cat "$WORK"/files/*.ndjson >/dev/null; T1=$(date +%s.%N)
STF_LOG=warn /usr/bin/time -v -o "$WORK/time2.txt" "$BIN/stf" ingest --input "$WORK/files" --store "$WORK/fstore"
T2=$(date +%s.%N)
FRSS=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print int($2/1024)}' "$WORK/time2.txt")

echo "(d) judging alone, 100k plan messages"
"$BIN/examples/judge_bench" "$WORK/files/support-plans.ndjson" 100000
python3 - "$TOTAL" "$A" "$B" "$RSS" "$T0" "$T1" "$T2" "$FRSS" <<'PY'
import sys
total, a, b, rss, t0, t1, t2, frss = sys.argv[1:]
total, a, b = int(total), float(a), float(b)
cat_s, file_s = float(t1) - float(t0), float(t2) - float(t1)
print(f"messages                      {total}")
print(f"(a) bare rdkafka consumer     {a:>10.0f} events/s")
print(f"(b) stf ingest (Kafka)        {b:>10.0f} events/s   peak RSS {rss} MiB")
print(f"    ratio b/a                 {b / a:>10.2f}")
print(f"(c) stf ingest (files)        {total / file_s:>10.0f} events/s   peak RSS {frss} MiB")
print(f"    cat > /dev/null           {total / cat_s:>10.0f} lines/s     ratio {cat_s / file_s:.3f}")
PY
