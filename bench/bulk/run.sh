#!/usr/bin/env bash
# Memory of the portflow server during one large bulk port-in; see bench/README.md.
#
#   bench/bulk/run.sh                      # 2,000 then 20,000 numbers: about a minute
#   bench/bulk/run.sh -numbers 2000        # one size
#   bench/bulk/run.sh -help                # every knob
#
# Starts the real server binary in sandbox mode on 127.0.0.1 (a free port) with a fresh database
# on PORTFLOW_BENCH_DATABASE_URL (default: the local Postgres; the role needs CREATEDB), dropped at
# the end. Each run has a deadline (-timeout, 5 minutes). Prints a markdown table on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PORTFLOW_BENCH_DATABASE_URL="${PORTFLOW_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
# Build first so that compiling never overlaps the measurement.
go build -o "$dir/portflow" ./cmd/server
go build -o "$dir/bulk-bench" ./bench/bulk
"$dir/bulk-bench" -server "$dir/portflow" "$@"
