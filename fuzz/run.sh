#!/usr/bin/env bash
# Fuzzes every cargo-fuzz target of netready for a bounded time each.
#
#   bash fuzz/run.sh SECONDS [TARGET...]
#
# - installs cargo-fuzz at a pinned version if it is missing;
# - runs on the stable toolchain (RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its
#   nightly-only sanitizer flags);
# - fuzzes into a scratch corpus (fuzz/scratch/<target>, git-ignored), reading
#   the committed seeds of fuzz/corpus/<target> and fuzz/regressions/<target>,
#   so the committed corpus never grows behind anyone's back;
# - on a crash, copies the input into fuzz/regressions/<target>/ (commit it,
#   then fix the bug: stable `cargo test` replays it from then on) and exits 1;
# - prints one summary line per target: executions, coverage, corpus size.
#
# Environment: FUZZ_JOBS (default 1) parallel targets; FUZZ_NICE (default 10);
# FUZZ_RSS_MB (default 2048) memory limit per target; FUZZ_PREBUILT=1 runs
# the binaries of an earlier `cargo fuzz build -O` without rebuilding.
set -euo pipefail

CARGO_FUZZ_VERSION=0.13.2
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift || true
case $seconds in (*[!0-9]*|'') echo "SECONDS must be a whole number" >&2; exit 2;; esac

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  echo "installing cargo-fuzz $CARGO_FUZZ_VERSION" >&2
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

export RUSTC_BOOTSTRAP=1
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo fuzz list); fi
[ ${#targets[@]} -gt 0 ] || { echo "no fuzz targets found" >&2; exit 1; }

# Build once, all targets, before the clock starts (FUZZ_PREBUILT=1: use the
# binaries already built).
[ -n "${FUZZ_PREBUILT:-}" ] || nice -n "${FUZZ_NICE:-10}" cargo fuzz build -O >&2

mkdir -p scratch logs
status=0
run_one() {
  local t=$1 log="logs/$1.log"
  mkdir -p "scratch/$t" "corpus/$t" "regressions/$t" "artifacts/$t"
  local seeds=("corpus/$t")
  [ -n "$(ls -A "regressions/$t")" ] && seeds+=("regressions/$t")
  local rc=0
  local flags=(-max_total_time="$seconds" -dict=dict/aws.dict -rss_limit_mb="${FUZZ_RSS_MB:-2048}"
    -timeout=10 -print_final_stats=1)
  if [ -n "${FUZZ_PREBUILT:-}" ]; then
    # The binaries `cargo fuzz build -O` left, run as `cargo fuzz run` would
    # (no rebuild when someone edits core meanwhile).
    nice -n "${FUZZ_NICE:-10}" "target/x86_64-unknown-linux-gnu/release/$t" \
      -artifact_prefix="$here/artifacts/$t/" "${flags[@]}" "scratch/$t" "${seeds[@]}" >"$log" 2>&1 || rc=$?
  else
    nice -n "${FUZZ_NICE:-10}" cargo fuzz run -O "$t" "scratch/$t" "${seeds[@]}" -- "${flags[@]}" >"$log" 2>&1 || rc=$?
  fi
  local execs cov ft units
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  cov=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 | sed -E 's/.*cov: ([0-9]+).*/\1/')
  ft=$(grep -E '^#[0-9]+.*ft: ' "$log" | tail -1 | sed -E 's/.*ft: ([0-9]+).*/\1/')
  units=$(grep -E '^#[0-9]+.*corp: ' "$log" | tail -1 | sed -E 's/.*corp: ([0-9]+).*/\1/')
  printf '%-14s %4ss  execs=%-10s cov=%-6s ft=%-6s corpus=%-6s rc=%s\n' \
    "$t" "$seconds" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${units:-?}" "$rc"
  if [ "$rc" -ne 0 ]; then
    local crash
    for crash in "artifacts/$t"/*; do
      [ -f "$crash" ] || continue
      cp "$crash" "regressions/$t/"
      echo "  crash input saved: fuzz/regressions/$t/$(basename "$crash") (commit it; see $log)" >&2
    done
    grep -E 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" | head -5 >&2 || true
    return 1
  fi
}

jobs=${FUZZ_JOBS:-1}
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
