#!/usr/bin/env bash
# Builds the in-browser validator into web/dist/.
#
#   bash web/build.sh            # installs what is missing, then builds
#
# Installs, only when missing: the wasm32-unknown-unknown target,
# wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock, and
# wasm-opt from Debian's binaryen (skipped with a warning where apt-get is not
# available: the page still works, only larger).
#
# The page's Content-Security-Policy has `connect-src 'none'`, which also
# forbids fetch() of the page's own .wasm file; so the optimised module is
# embedded into an ES module (web/tools/embed_wasm.py, one character per byte,
# which gzip compresses almost as well as the raw bytes) and instantiated with
# wasm-bindgen's initSync.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WEB="$ROOT/web"
DIST="$WEB/dist"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
WASM_OUT="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/netready_web.wasm"

log() { printf 'web/build.sh: %s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
if [[ -z "$WB_VERSION" ]]; then
  log "Cargo.lock has no wasm-bindgen entry; run cargo once (cargo metadata) to create it"
  exit 2
fi
if [[ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]]; then
  log "installing wasm-bindgen-cli $WB_VERSION (the version in Cargo.lock)"
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --locked
fi

if ! command -v wasm-opt >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
    log "installing binaryen (wasm-opt)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binaryen >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binaryen >/dev/null; } \
      || log "warning: binaryen could not be installed"
  fi
fi

# --- build -------------------------------------------------------------------
log "cargo build -p netready-web --profile wasm-release --target wasm32-unknown-unknown"
cargo build -p netready-web --profile wasm-release --target wasm32-unknown-unknown --locked

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
# wasm-opt runs before wasm-bindgen: Debian's wasm-opt 108 renumbers the
# export of wasm-bindgen's externref table onto the function table, which
# then fails to grow at start-up ("WebAssembly.Table.grow(): failed to grow
# table"). On rustc's output there is no such table yet. The module keeps its
# target-features section (strip = "debuginfo"), from which wasm-opt learns
# the features rustc enabled.
if command -v wasm-opt >/dev/null 2>&1; then
  # --converge: repeat -Oz while it still shrinks the module (1-2 KB).
  wasm-opt -Oz --converge -o "$STAGE/opt.wasm" "$WASM_OUT"
else
  log "warning: wasm-opt not found; the module is not size-optimised"
  cp "$WASM_OUT" "$STAGE/opt.wasm"
fi
wasm-bindgen --target web --out-dir "$STAGE" --out-name netready_web \
  --remove-name-section --remove-producers-section "$STAGE/opt.wasm"

# The explain module: the same crate with feature `explain` (its one export,
# `explain`), which the page loads when a probe report is dropped; the page's
# own module does not carry the comparison.
log "cargo build -p netready-web --features explain (the explain module, loaded on demand)"
cargo build -p netready-web --profile wasm-release --target wasm32-unknown-unknown --locked --features explain
mkdir -p "$STAGE/explain"
if command -v wasm-opt >/dev/null 2>&1; then
  wasm-opt -Oz --converge -o "$STAGE/explain/opt.wasm" "$WASM_OUT"
else
  cp "$WASM_OUT" "$STAGE/explain/opt.wasm"
fi
wasm-bindgen --target web --out-dir "$STAGE/explain" --out-name netready_explain \
  --remove-name-section --remove-producers-section "$STAGE/explain/opt.wasm"
# Leave the page's module as the last one built, for web/bench/size_detail.sh.
cargo build -p netready-web --profile wasm-release --target wasm32-unknown-unknown --locked

# --- page --------------------------------------------------------------------
rm -rf "$DIST"
mkdir -p "$DIST/pkg" "$DIST/examples"
cp "$WEB"/www/*.html "$WEB"/www/*.css "$WEB"/www/*.js "$WEB"/www/*.svg "$DIST/"
cp "$STAGE/netready_web.js" "$STAGE/netready_web.d.ts" "$DIST/pkg/"
cp "$STAGE/explain/netready_explain.js" "$STAGE/explain/netready_explain.d.ts" "$DIST/pkg/"
# JavaScript the crate ships beside the module (web/src/tape.js, the
# decoder of results), which netready_web.js imports.
if [[ -d "$STAGE/snippets" ]]; then cp -r "$STAGE/snippets" "$DIST/pkg/"; fi
if [[ -d "$STAGE/explain/snippets" ]]; then cp -r "$STAGE/explain/snippets" "$DIST/pkg/"; fi
# Comments, blank lines and indentation out of the shipped JavaScript.
python3 "$WEB/tools/strip_js.py" "$DIST"/*.js "$DIST/pkg/netready_web.js" "$DIST/pkg/netready_explain.js" \
  $(find "$DIST/pkg" -path '*/snippets/*.js' 2>/dev/null)
python3 "$WEB/tools/embed_wasm.py" "$STAGE/netready_web_bg.wasm" "$DIST/pkg/netready_web_wasm.js"
python3 "$WEB/tools/embed_wasm.py" "$STAGE/explain/netready_explain_bg.wasm" "$DIST/pkg/netready_explain_wasm.js"
python3 "$WEB/tools/examples.py" "$ROOT" "$DIST/examples"

log "wrote $DIST"
bash "$WEB/bench/size.sh" "$STAGE/netready_web_bg.wasm" >&2
