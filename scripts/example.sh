#!/usr/bin/env bash
# README's "run the main job": validates the bundled example VPC
# (examples/vpc-nat/vpc.json) with `netready validate`, installing the Rust
# toolchain first if the machine has none. Sends no traffic anywhere.
# Extra arguments go to `netready validate` (e.g. --format json).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/ensure-rust.sh
. scripts/ensure-rust.sh
cargo run --locked --release -q -p netready -- validate "$@" examples/vpc-nat/vpc.json
