#!/usr/bin/env bash
# How long the simulated-network property test takes (tests/integration-tests/tests/integration/sim_probe.rs:
# 96 random networks + 16 determinism pairs + 1 hand-written network, each a
# full probe of up to 5 s of virtual time). Runs it RUNS times (default 5)
# as `cargo test` does (debug build) and prints libtest's "finished in".
#
#   bash bench/sim.sh [RUNS]
set -euo pipefail
runs=${1:-5}
cd "$(dirname "$0")/.."
cargo test -p netready-integration-tests -- sim_probe --no-run >/dev/null 2>&1
for i in $(seq 1 "$runs"); do
  cargo test -p netready-integration-tests -- sim_probe 2>&1 | grep -E '^test result' | sed -E "s/.*finished in/run $i: finished in/"
done
