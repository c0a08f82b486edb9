#!/usr/bin/env bash
# Size of what the page loads, gzipped (-9): the wasm module as embedded into
# pkg/netready_web_wasm.js, wasm-bindgen's glue and the page's own scripts
# (the examples are data loaded on demand and are counted separately).
#
#   bash web/bench/size.sh [RAW.wasm]     # after bash web/build.sh
set -euo pipefail
DIST="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/dist"
gz() { cat "$@" | gzip -9c | wc -c; }
# The page loads the snippets of its own glue (netready_web.js); the explain
# module's glue has its own copy, counted with it.
mapfile -t snippets < <(grep -o "snippets/[^'\"]*" "$DIST/pkg/netready_web.js" | sort -u | sed "s#^#$DIST/pkg/#")
glue=("$DIST/pkg/netready_web.js" "${snippets[@]}")
# The page's own scripts; explain-view.js comes with the explain module.
mapfile -t page_js < <(ls "$DIST"/*.js | grep -v '/explain-view\.js$')
code=("$DIST/pkg/netready_web_wasm.js" "${glue[@]}" "${page_js[@]}")
if [[ $# -ge 1 ]]; then
  printf 'raw wasm module (wasm-opt -Oz): %7d bytes, %7d gzipped\n' "$(wc -c <"$1")" "$(gz "$1")"
fi
printf 'embedded wasm module (JS):      %7d bytes, %7d gzipped\n' "$(wc -c <"$DIST/pkg/netready_web_wasm.js")" "$(gz "$DIST/pkg/netready_web_wasm.js")"
printf 'wasm-bindgen glue + page JS:    %7d bytes, %7d gzipped\n' "$(cat "${glue[@]}" "${page_js[@]}" | wc -c)" "$(gz "${glue[@]}" "${page_js[@]}")"
printf 'page total, wasm + JS:          %7d bytes, %7d gzipped (each file gzipped alone: %d)\n' \
  "$(cat "${code[@]}" | wc -c)" "$(gz "${code[@]}")" \
  "$(for f in "${code[@]}"; do gzip -9c "$f" | wc -c; done | awk '{s+=$1} END {print s}')"
printf 'HTML + CSS:                     %7d bytes, %7d gzipped\n' "$(cat "$DIST"/*.html "$DIST"/*.css | wc -c)" "$(gz "$DIST"/*.html "$DIST"/*.css)"
printf 'examples (loaded on demand):    %7d bytes, %7d gzipped\n' "$(cat "$DIST"/examples/*.js | wc -c)" "$(gz "$DIST"/examples/*.js)"
if [[ -f "$DIST/pkg/netready_explain_wasm.js" ]]; then
  explain=("$DIST/pkg/netready_explain_wasm.js" "$DIST/pkg/netready_explain.js" "$DIST/explain-view.js")
  printf 'explain module + glue + view (loaded when a probe report is dropped): %7d bytes, %7d gzipped\n' \
    "$(cat "${explain[@]}" | wc -c)" "$(gz "${explain[@]}")"
fi
