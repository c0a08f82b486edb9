#!/usr/bin/env bash
# Where the bytes of the page's wasm module are, as the page ships it
# (after wasm-opt and wasm-bindgen, unlike core/benches/wasm_size.sh, which
# lists the code before wasm-opt): each section's size raw and gzipped (-9),
# then the code by Rust module and the largest functions, from a second,
# identical build that keeps the name section.
#
#   bash web/bench/size_detail.sh [DEPTH] [TOP]    # after cargo build of the module
#
# Reads the cargo artefact web/build.sh builds
# ($CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/netready_web.wasm),
# so run `bash web/build.sh` (or its cargo build line) first. Needs wasm-opt,
# wasm-bindgen, python3 and llvm-cxxfilt (see core/benches/wasm_size_by_module.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
WASM="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/netready_web.wasm"
[[ -f "$WASM" ]] || { echo "no $WASM: run bash web/build.sh first" >&2; exit 2; }
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/shipped" "$STAGE/named"
# As web/build.sh does it; the second build keeps the names (-g, and no
# --remove-name-section) and is otherwise the same code.
wasm-opt -Oz --converge -o "$STAGE/opt.wasm" "$WASM"
wasm-opt -Oz --converge -g -o "$STAGE/optg.wasm" "$WASM"
wasm-bindgen --target web --out-dir "$STAGE/shipped" --out-name m \
  --remove-name-section --remove-producers-section "$STAGE/opt.wasm"
wasm-bindgen --target web --out-dir "$STAGE/named" --out-name m "$STAGE/optg.wasm"
printf 'shipped module: %d bytes, %d gzipped (gzip -9; sections below: zlib level 9, each alone)\n' \
  "$(wc -c <"$STAGE/shipped/m_bg.wasm")" "$(gzip -9c "$STAGE/shipped/m_bg.wasm" | wc -c)"
python3 - "$ROOT/core/benches" "$STAGE/shipped/m_bg.wasm" <<'PY'
import gzip, sys

sys.path.insert(0, sys.argv[1])
from wasm_size_by_module import sections  # one reader of the section layout

NAMES = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory",
         6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data",
         12: "data count"}
for sid, sec in sections(open(sys.argv[2], "rb").read()):
    print(f"  section {NAMES.get(sid, sid):<10} {len(sec):>8} bytes {len(gzip.compress(sec, 9)):>8} gzipped")
PY
echo
echo "code by module, after wasm-opt (function bodies; inlined code counts where it landed):"
python3 "$ROOT/core/benches/wasm_size_by_module.py" "$STAGE/named/m_bg.wasm" "${1:-3}" "${2:-30}"
