#!/usr/bin/env bash
# Load benchmark of portflow's Bandwidth callback intake; see bench/README.md.
#
#   bench/callbacks/run.sh                      # 1, 16, 64, 256 connections, about two minutes
#   bench/callbacks/run.sh -connections 64 -duration 10s
#
# Loopback only. It creates its own databases on PORTFLOW_BENCH_DATABASE_URL (default: the local
# Postgres at 127.0.0.1:5432) and drops them when it ends, also on Ctrl-C. The role needs CREATEDB;
# pgbench on PATH adds the database-ceiling rows. Prints a markdown table on stdout (progress on
# stderr) and exits non-zero when the target is missed.
set -euo pipefail

cd "$(dirname "$0")/../.."
export PORTFLOW_BENCH_DATABASE_URL="${PORTFLOW_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"

# Build first so that compiling never overlaps the measurement.
bin="$(mktemp -d)/callbacks-bench"
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./bench/callbacks
"$bin" "$@"
