#!/usr/bin/env bash
# Size of netready-core (catalog + classification + probe rules + report JSON)
# compiled to wasm32 with the workspace's wasm-release profile, before and
# after wasm-opt, raw and gzipped. Usage: bash bench/core-size.sh [FEATURE...]
# (`policy`: with an export that checks endpoint policies, to see what
# netready_core::policy adds).
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-unknown-unknown >/dev/null
cargo build --locked -q -p netready-core-size --profile wasm-release --target wasm32-unknown-unknown ${1:+--features "$*"}
dir="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release"
wasm="$dir/netready_core_size.wasm"
size() { stat -c %s "$1"; }
gz() { gzip -9 -c "$1" | wc -c; }
printf 'core (wasm-release):          %7d bytes, %6d gzipped\n' "$(size "$wasm")" "$(gz "$wasm")"
if command -v wasm-opt >/dev/null; then
    wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int "$wasm" -o "$dir/core-size.opt.wasm"
    printf 'core (wasm-release, wasm-opt): %6d bytes, %6d gzipped\n' "$(size "$dir/core-size.opt.wasm")" "$(gz "$dir/core-size.opt.wasm")"
else
    echo "wasm-opt not installed (apt-get install binaryen): skipped the optimised figure"
fi
