#!/usr/bin/env bash
# Benchmark of `stf generate` writing NDJSON files: builds the release binary, generates
# PLANS plans (default 200000) into a temporary directory, and prints events per second by
# the wall clock and by CPU time (user + system; the fairer figure on a busy machine), next
# to two floors for the same bytes: `cat` of the output to /dev/null and writing zeros.
#
#   bench/generate.sh [PLANS]          env: SEED, STF_BIN (skip the build), CARGO_TARGET_DIR
set -euo pipefail

plans=${1:-${PLANS:-200000}}
seed=${SEED:-42}
root=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/stf-target}

if [[ -z "${STF_BIN:-}" ]]; then
    cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p stf --bin stf
    STF_BIN=$CARGO_TARGET_DIR/release/stf
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
TIMEFORMAT='%R %U %S'

# Generate, timing the process as a whole.
{ time STF_LOG=warn "$STF_BIN" generate --plans "$plans" --seed "$seed" --out "$work/data" \
    2>"$work/log"; } 2>"$work/time" || { cat "$work/log" >&2; exit 1; }
read -r real user sys <"$work/time"

events=$(cat "$work/data"/*.ndjson | wc -l)
bytes=$(cat "$work/data"/*.ndjson | wc -c)

# Floors for the same bytes: reading them back (page cache) and writing as many zeros.
{ time cat "$work/data"/*.ndjson >/dev/null; } 2>"$work/cat"
read -r cat_real _ _ <"$work/cat"
{ time head -c "$bytes" /dev/zero >"$work/zeros"; } 2>"$work/zero"
read -r zero_real _ _ <"$work/zero"

awk -v plans="$plans" -v events="$events" -v bytes="$bytes" -v real="$real" -v user="$user" \
    -v sys="$sys" -v cat_real="$cat_real" -v zero_real="$zero_real" 'BEGIN {
    cpu = user + sys
    printf "stf generate --plans %d: %d events, %.1f MB\n", plans, events, bytes / 1e6
    printf "  wall   %6.2f s  %9.0f events/s  %7.1f MB/s\n", real, events / real, bytes / 1e6 / real
    printf "  cpu    %6.2f s  %9.0f events/s  (user %.2f s, sys %.2f s)\n", cpu, events / cpu, user, sys
    printf "  floor: cat to /dev/null %.2f s (%.0f MB/s), writing zeros %.2f s (%.0f MB/s)\n",
        cat_real, bytes / 1e6 / (cat_real > 0 ? cat_real : 1e-3),
        zero_real, bytes / 1e6 / (zero_real > 0 ? zero_real : 1e-3)
    target = 200000
    printf "  target %d events/s on one core: %s\n", target, (events / cpu >= target ? "met" : "NOT met")
}'
