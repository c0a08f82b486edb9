#!/usr/bin/env bash
# The long fuzzing run whose figures go into BENCHMARKS.md (## Fuzzing) and
# fuzz/README.md: every target (or the ones named) for SECONDS each
# (default 600), two at a time, niced. Summary lines (executions, libFuzzer
# edge coverage "cov", features "ft", corpus size) are printed and kept in
# bench/out/fuzz-<UTC time>.txt; per-target logs stay in fuzz/logs/.
#
#   bash bench/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
seconds=${1:-600}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/bench/out"
out="$root/bench/out/fuzz-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# bash bench/fuzz.sh $seconds $* ($(date -u +%FT%TZ), $(nproc) cores, FUZZ_JOBS=${FUZZ_JOBS:-2})"
  FUZZ_JOBS=${FUZZ_JOBS:-2} bash "$root/fuzz/run.sh" "$seconds" "$@"
} 2>&1 | tee "$out"
