# Sourced (not run) by scripts/setup.sh, scripts/example.sh and .ci/run: puts
# cargo on PATH, installing rustup's minimal stable toolchain first when the
# machine has none (a fresh Debian/Ubuntu machine: curl and a C toolchain
# come from apt-get).
if ! command -v cargo >/dev/null 2>&1; then
    if [ ! -x "$HOME/.cargo/bin/cargo" ]; then
        if ! command -v curl >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1; then
            _sudo=""
            [ "$(id -u)" -eq 0 ] || _sudo="sudo"
            $_sudo apt-get update -qq
            DEBIAN_FRONTEND=noninteractive $_sudo apt-get install -y -qq --no-install-recommends \
                curl ca-certificates build-essential >/dev/null
        fi
        printf '==> %s\n' "installing the Rust toolchain (rustup, minimal profile, stable)" >&2
        curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
            sh -s -- -y --profile minimal --default-toolchain stable --no-modify-path >&2
    fi
    export PATH="$HOME/.cargo/bin:$PATH"
fi
