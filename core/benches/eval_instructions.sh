#!/usr/bin/env bash
# Instructions per vpc::evaluate of the 1,000-subnet bench VPC, counted by
# callgrind inside `evaluate` only (load-independent), per profile.
#
#   bash core/benches/eval_instructions.sh [SOURCE_DIR]   # default: this checkout
#   TOP=20 bash core/benches/eval_instructions.sh        # and the top functions
set -euo pipefail
SRC="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SRC/target}"
BIN="$(cd "$SRC" && cargo bench -p netready-core --bench eval_instructions --locked --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "eval_instructions" and m.get("executable"):
        print(m["executable"])')"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
for profile in ${PROFILES:-runner private}; do
  NETREADY_PROFILE=$profile valgrind --tool=callgrind --callgrind-out-file="$OUT/$profile.cg" \
    --collect-atstart=no '--toggle-collect=netready_core::vpc::eval::evaluate' "$BIN" >"$OUT/$profile.txt" 2>/dev/null
  ir="$(callgrind_annotate "$OUT/$profile.cg" 2>/dev/null | awk '/PROGRAM TOTALS/ && !done { gsub(",", "", $1); print $1; done = 1 }')"
  printf '%-8s %s; %d instructions per evaluate\n' "$profile" "$(cat "$OUT/$profile.txt")" "$ir"
  if [ -n "${TOP:-}" ]; then
    callgrind_annotate --inclusive=yes "$OUT/$profile.cg" 2>/dev/null | sed -n '/file:function/,$p' | head -n "$((TOP + 2))"
  fi
done
