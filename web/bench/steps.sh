#!/usr/bin/env bash
# Where validate()'s time goes, step by step, in Node's V8: the module is
# built like the page's (wasm-release, wasm-opt -Oz, wasm-bindgen) but with
# the `bench-steps` feature, whose `benchSteps` export reads
# performance.now() between the steps (read the arguments, parse, evaluate,
# convert the report to a JS object). The page's module never has it.
#
#   bash web/bench/steps.sh [RUNS] [PROFILE]    # PROFILE: runner (default) or private
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$CARGO_TARGET_DIR/netready-web-bench-steps"
cargo build -p netready-web --features bench-steps --profile wasm-release \
  --target wasm32-unknown-unknown --locked >&2
mkdir -p "$OUT"
RAW="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/netready_web.wasm"
if command -v wasm-opt >/dev/null 2>&1; then
  wasm-opt -Oz --converge -o "$OUT/opt.wasm" "$RAW"
else
  cp "$RAW" "$OUT/opt.wasm"
fi
wasm-bindgen --target web --out-dir "$OUT" --out-name netready_web "$OUT/opt.wasm"
# The page's build (web/build.sh) writes the same cargo artefact: rebuild
# it without the feature so a later web/build.sh need not.
cargo build -p netready-web --profile wasm-release --target wasm32-unknown-unknown --locked >&2
node "$ROOT/web/bench/steps.mjs" "$OUT" "${1:-20}" "${2:-runner}"
