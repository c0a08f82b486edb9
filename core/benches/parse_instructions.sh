#!/usr/bin/env bash
# Instructions per vpc::parse of the 1,000-subnet bench VPC (compact and
# indented) and of the synthetic ip-ranges.json, counted by callgrind inside
# `parse` only (load-independent; see parse_instructions.rs).
#
#   bash core/benches/parse_instructions.sh [SOURCE_DIR]   # default: this checkout
#
# Needs valgrind. SOURCE_DIR measures another tree with the same bench files
# (e.g. an earlier commit with core/benches/{parse_instructions.rs,vpc_gen}
# copied in).
set -euo pipefail
SRC="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SRC/target}"
BIN="$(cd "$SRC" && cargo bench -p netready-core --bench parse_instructions --locked --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "parse_instructions" and m.get("executable"):
        print(m["executable"])')"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
RUNS=3
for doc in compact indented ip-ranges; do
  NETREADY_PARSE_DOC=$doc valgrind --tool=callgrind --callgrind-out-file="$OUT/$doc.cg" \
    --collect-atstart=no '--toggle-collect=netready_core::vpc::input::parse' "$BIN" >"$OUT/$doc.txt" 2>/dev/null
  ir="$(callgrind_annotate "$OUT/$doc.cg" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }')"
  printf '%-9s %s; %d instructions per parse\n' "$doc" "$(cat "$OUT/$doc.txt")" "$((ir / RUNS))"
done
