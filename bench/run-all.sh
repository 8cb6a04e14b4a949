#!/usr/bin/env bash
# Every benchmark in one session, printing markdown tables (see bench/README.md).
# Knobs (environment): RUNS (3), DURATION seconds per run (10), SERVER_CPU (0), LOAD_CPU (1), OUT.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export OUT="${OUT:-$(pwd)/results/$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
source ./lib.sh
trap - EXIT INT TERM
{
  echo "## Benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  machine_note
  ./throughput.sh
  ./ceiling-ratio.sh
  ./generators.sh
  ./footprint.sh
  echo
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/tables.md"
