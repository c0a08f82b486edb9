#!/usr/bin/env bash
# Soak of watch mode (measured, not a timed test). Two runs, release build:
#  1. library: run_watch at a 1 ms interval, a real TCP connect per check to a
#     loopback listener that closes and reopens every 100 checks, every 7th
#     check panicking, a scraper on /metrics /status /readyz over real HTTP;
#  2. binary: the real `netready probe --watch --interval 5ms --listen` inside
#     a network namespace the test creates (test DNS server, listener on a
#     private address there flipped every 250 ms), sampled from /proc/PID.
# Each prints RSS, open descriptors and alive tokio tasks after warm-up and
# at the end, and fails on a descriptor or task leak.
#
# Usage: bench/watch_soak.sh [LIB_CYCLES] [BIN_CYCLES]   (defaults 20000 3000)
# Traffic stays on loopback and inside the namespace (removed afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
lib_cycles=${1:-20000}
bin_cycles=${2:-3000}
export AWS_EC2_METADATA_DISABLED=true
lscpu | head -n 15 | grep -E 'Model name|^CPU\(s\)|Thread' || true
cargo test --release -p netready --test watch_soak --test watch_e2e --no-run 2>&1 | tail -n 1
echo "== library soak: $lib_cycles checks at 1 ms"
NETREADY_SOAK_CYCLES=$lib_cycles cargo test --release -p netready --test watch_soak \
  -- --ignored --nocapture --test-threads 1 2>&1 | grep -E 'soak( after warm-up| start| end|:)|test result'
echo "== binary soak: $bin_cycles checks at 5 ms"
NETREADY_SOAK_CYCLES=$bin_cycles cargo test --release -p netready --test watch_e2e \
  -- --ignored --nocapture --test-threads 1 soak 2>&1 | grep -E 'soak( after warm-up| start| end|:)|SKIPPED|test result'
