#!/usr/bin/env bash
# End-to-end benchmark of portflow's porting flow against the Bandwidth sandbox; see
# bench/README.md.
#
#   bench/flow/run.sh                          # 300 requests, both scenarios, 3 runs: ~2 minutes
#   bench/flow/run.sh --runs 1 -requests 100   # a quick look
#   bench/flow/run.sh -help                    # every knob
#
# Loopback only. Each scenario creates its own database on PORTFLOW_BENCH_DATABASE_URL (default:
# the local Postgres at 127.0.0.1:5432; the role needs CREATEDB) and drops it when it ends, also
# on Ctrl-C. Every scenario has a hard deadline (-timeout, 3 minutes). Prints markdown tables on
# stdout (progress on stderr) and exits non-zero when a target is missed.
set -euo pipefail

cd "$(dirname "$0")/../.."
export PORTFLOW_BENCH_DATABASE_URL="${PORTFLOW_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"

# Three runs unless told otherwise: the report gives the median of each figure.
args=("$@")
runs_given=false
for a in "${args[@]}"; do
	case "$a" in -runs | --runs | -runs=* | --runs=*) runs_given=true ;; esac
done
if ! $runs_given; then
	args=(-runs 3 "${args[@]}")
fi

# Build first so that compiling never overlaps the measurement.
bin="$(mktemp -d)/flow-bench"
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./bench/flow
"$bin" "${args[@]}"
