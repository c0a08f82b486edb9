#!/usr/bin/env bash
# Size of the browser page's WebAssembly module (netready-web, i.e. core's
# validator compiled to wasm32), and where its code goes by module.
#
#   bash core/benches/wasm_size.sh [SOURCE_DIR]     # default: this checkout
#
# SOURCE_DIR lets the same command measure another tree, e.g. an earlier
# commit: git archive COMMIT | tar -x -C /tmp/old && bash core/benches/wasm_size.sh /tmp/old
#
# Steps as web/build.sh does them, without touching web/dist/: the
# wasm-release profile, then wasm-opt -Oz (Debian's binaryen), then
# wasm-bindgen; the module is also embedded as the page embeds it
# (web/tools/embed_wasm.py) to give the figure web/bench/size.sh reports.
# With PKG_OUT=DIR, also writes the page's two module files there
# (netready_web.js, netready_web_wasm.js), e.g. to run web/bench/node-cpu.mjs
# against this build without touching web/dist/ (see BENCHMARKS.md).
# Needs: the wasm32-unknown-unknown target, wasm-bindgen-cli at Cargo.lock's
# version, wasm-opt, python3, gzip (web/build.sh installs the first three).
set -euo pipefail
SRC="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SRC/target}"
OUT="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/netready_web.wasm"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

(cd "$SRC" && cargo build -q -p netready-web --profile wasm-release --target wasm32-unknown-unknown --locked)
wasm-opt -Oz -o "$STAGE/opt.wasm" "$OUT"
wasm-bindgen --target web --out-dir "$STAGE" --out-name netready_web \
  --remove-name-section --remove-producers-section "$STAGE/opt.wasm"
python3 "$SRC/web/tools/embed_wasm.py" "$STAGE/netready_web_bg.wasm" "$STAGE/embedded.js" >/dev/null

if [[ -n "${PKG_OUT:-}" ]]; then
  mkdir -p "$PKG_OUT"
  cp "$STAGE/netready_web.js" "$PKG_OUT/netready_web.js"
  cp "$STAGE/embedded.js" "$PKG_OUT/netready_web_wasm.js"
fi

gz() { cat "$@" | gzip -9c | wc -c; }
row() { printf '%-44s %9d %9d\n' "$1" "$(cat "${@:2}" | wc -c)" "$(gz "${@:2}")"; }
echo "source: $SRC"
printf '%-44s %9s %9s\n' "" bytes gzipped
row "wasm-release (before wasm-opt)" "$OUT"
row "wasm module (wasm-opt -Oz, wasm-bindgen)" "$STAGE/netready_web_bg.wasm"
row "module embedded as JS" "$STAGE/embedded.js"
row "embedded module + wasm-bindgen glue" "$STAGE/embedded.js" "$STAGE/netready_web.js"
echo
echo "code by module, before wasm-opt (function bodies, from the name section):"
python3 "$HERE/wasm_size_by_module.py" "$OUT"
