#!/usr/bin/env bash
# Installs everything netready's build and tests need on a fresh Debian/Ubuntu
# machine with rustup. Idempotent: what is already there is skipped.
set -euo pipefail

log() { printf '==> %s\n' "$*" >&2; }

need_apt=()
# podman, musl-tools, binutils: scripts/image.sh (the container image);
# python3-venv: the pinned cfn-lint below.
for pkg in iproute2 nftables iptables netcat-openbsd curl binaryen chromium chromium-driver python3 python3-venv podman musl-tools binutils; do
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
rustup target add wasm32-unknown-unknown x86_64-unknown-none x86_64-unknown-linux-musl >/dev/null

cd "$(dirname "$0")/.."
TOOLS=target/tools
mkdir -p "$TOOLS"

# promtool, from Debian's prometheus package, unpacked (not installed: the
# package would start a Prometheus server where systemd runs). Only
# native/tests/ship.rs uses it, for deploy/prometheus/alerts.yml.
if [ ! -x "$TOOLS/prometheus/usr/bin/promtool" ]; then
    log "promtool (Debian's prometheus package, unpacked into $TOOLS/prometheus)"
    tmp=$(mktemp -d)
    if ! (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1); then
        SUDO=""
        [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        $SUDO apt-get update -qq
        (cd "$tmp" && apt-get download prometheus >/dev/null)
    fi
    rm -rf "$TOOLS/prometheus"
    dpkg-deb -x "$tmp"/prometheus_*.deb "$TOOLS/prometheus"
    rm -rf "$tmp"
fi

# cfn-lint, pinned with its dependencies, in a virtual environment, for the
# CloudFormation template's test.
CFN_REQ=deploy/cloudformation/requirements.txt
CFN_VENV=$TOOLS/cfn-lint
want=$(sed -n 's/^cfn-lint==//p' "$CFN_REQ")
if [ "$("$CFN_VENV/bin/cfn-lint" --version 2>/dev/null)" != "cfn-lint $want" ]; then
    log "cfn-lint $want (PyPI, into $CFN_VENV)"
    rm -rf "$CFN_VENV"
    # Debian's python3 (python3-venv above) where the first python3 on PATH
    # cannot make a virtual environment.
    python3 -m venv "$CFN_VENV" 2>/dev/null || /usr/bin/python3 -m venv "$CFN_VENV"
    "$CFN_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$CFN_REQ"
fi

# The EC2 emulator (moto's server) and the real AWS CLI v1, pinned with their
# dependencies, in a virtual environment, for native/tests/emulator.rs.
EMU_REQ=tests/emulator/requirements.txt
EMU_VENV=$TOOLS/emulator
# Reinstalled whenever the requirements change (their copy marks the install).
if ! cmp -s "$EMU_REQ" "$EMU_VENV/requirements.txt" || [ ! -x "$EMU_VENV/bin/aws" ] || [ ! -x "$EMU_VENV/bin/moto_server" ]; then
    log "moto (its server) and awscli (PyPI, pinned in $EMU_REQ, into $EMU_VENV)"
    rm -rf "$EMU_VENV"
    python3 -m venv "$EMU_VENV" 2>/dev/null || /usr/bin/python3 -m venv "$EMU_VENV"
    "$EMU_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$EMU_REQ"
    cp "$EMU_REQ" "$EMU_VENV/requirements.txt"
fi
