#!/usr/bin/env bash
# Throughput of the outcome categoriser on one core, in release mode.
#
#   bench/categorise.sh [statements] [rounds]     (defaults: 300000 statements, 3 rounds)
#
# Prints statements per second for each round and the best; the target is 200,000/s.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/stf-target}"
exec cargo run --release -p stf-transform --example categorise_bench -- "$@"
