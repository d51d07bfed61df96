#!/usr/bin/env bash
# Runs every portflow benchmark in turn (loopback only, bounded in time) and prints their tables.
# Each benchmark creates and drops its own databases on PORTFLOW_BENCH_DATABASE_URL (default: the
# local Postgres at 127.0.0.1:5432). Run on a quiet machine; see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "## Callback intake"
bench/callbacks/run.sh "$@"
echo
echo "## Porting flow"
bench/flow/run.sh
echo
echo "## Server memory through a bulk port-in"
bench/bulk/run.sh
