#!/usr/bin/env bash
# Every test of the in-browser validator, in one command:
#
#   bash web/test.sh
#
# 1. installs what it needs (Debian's chromium + chromium-driver and binaryen,
#    the wasm32 target and wasm-bindgen-cli via web/build.sh, playwright-core
#    from npm: no browser is downloaded);
# 2. builds the page (web/build.sh) and the netready binary (for parity);
# 3. runs the exports under wasm-bindgen-test in Node;
# 4. runs the page tests and the parity tests in headless Chromium
#    (node --test): see web/tests/browser/.
# Everything it starts (a loopback HTTP server, Chromium) is stopped by the
# tests themselves; the trap below ends the test runner's process group if
# it is interrupted.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export AWS_EC2_METADATA_DISABLED=true
log() { printf 'web/test.sh: %s\n' "$*" >&2; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
command -v wasm-opt >/dev/null 2>&1 || need_apt+=(binaryen)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
if ((${#need_apt[@]})); then
  log "installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if ((node_major < 20)); then
  log "node $(node --version) is too old: playwright-core needs 20 or newer"
  exit 2
fi

bash "$ROOT/web/build.sh"
log "building the netready binary (for the parity tests)"
cargo build -p netready --bin netready --locked
export NETREADY_BIN="$CARGO_TARGET_DIR/debug/netready"

log "wasm-bindgen-test: the exports, in Node"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p netready-web --target wasm32-unknown-unknown --locked

log "the page and parity, in headless Chromium ($(chromium --version 2>/dev/null | head -1))"
cd "$ROOT/web/tests/browser"
npm ci --no-audit --no-fund --loglevel=error
set -m
timeout --kill-after=10 900 node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs &
runner=$!
trap 'kill -TERM -- -"$runner" 2>/dev/null || true' EXIT INT TERM
wait "$runner"
