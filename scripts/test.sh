#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a warm one: installs what the tests need when it
# is missing, then runs format and lint checks and every test (unit, integration against a real
# Kafka-protocol broker, and cross-checks with Python's deltalake, pyarrow, DuckDB, jsonschema
# and kafka-python).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/stf-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
step() { printf '\n== %s (%ss)\n' "$1" "$SECONDS"; }

step "python packages for independent cross-checks"
if ! python3 -c 'import duckdb, deltalake, pyarrow, jsonschema, kafka' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check \
    duckdb deltalake pyarrow jsonschema kafka-python
fi

step "tansu, a real Kafka-protocol broker for the integration tests"
if ! command -v tansu >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tansu" ]; then
  echo "installing tansu 0.6 (about 15 minutes, once per machine)"
  cargo install tansu --version 0.6.0 --locked --features dynostore,libsql --quiet
fi
export PATH="$HOME/.cargo/bin:$PATH"

step "chromium, a real headless browser for the dashboard test"
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

step "cargo fmt"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast --failure-output final
else
  cargo test --workspace --no-fail-fast
fi
step "done"
