#!/usr/bin/env bash
# Installs everything netready's build and tests need on a fresh Debian/Ubuntu
# machine with rustup. Idempotent: what is already there is skipped.
set -euo pipefail

log() { printf '==> %s\n' "$*" >&2; }

need_apt=()
for pkg in iproute2 nftables iptables netcat-openbsd curl binaryen chromium chromium-driver python3; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    log "apt-get install ${need_apt[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# shellcheck source=scripts/ensure-rust.sh
. "$(dirname "$0")/ensure-rust.sh"

log "rustup components and targets"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
rustup target add wasm32-unknown-unknown x86_64-unknown-none >/dev/null
