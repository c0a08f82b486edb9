#!/usr/bin/env bash
# Builds netready's static binary and its container image:
#
#   bash scripts/image.sh                  # x86_64: image netready:dev
#   bash scripts/image.sh --arch aarch64   # arm64 (Graviton, Fargate ARM64): netready:dev-arm64
#
# 1. `cargo install --locked --path native --target ARCH-unknown-linux-musl`
#    into a fresh temporary --root: the command a user runs from a clone, and
#    it reuses this workspace's target/ (a release musl build made before is
#    not compiled again);
# 2. the binary, stripped, plus /etc/passwd, /etc/group (uid/gid 65532) and
#    the licences are laid out in target/image/ARCH/context/rootfs/;
# 3. `podman --storage-driver vfs build` of ./Containerfile (FROM scratch: no
#    daemon, nothing pulled, nothing run);
# 4. the image's own file system is copied back out of podman's storage to
#    target/image/ARCH/rootfs/ and its configuration to
#    target/image/ARCH/inspect.json, for the tests (containers cannot run on
#    every machine this builds on: native/tests/ship.rs runs the binary from
#    there);
# 5. prints the sizes (binary, image, image gzip-compressed) and writes them
#    to target/image/ARCH/sizes.txt.
#
# Installs what it lacks (Debian: podman, musl-tools, and for aarch64
# gcc-aarch64-linux-gnu; rustup: the musl target). Set NETREADY_IMAGE_TAG to
# tag differently.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'image.sh: %s\n' "$*" >&2; exit 2; }

ARCH=x86_64
while (($#)); do
    case "$1" in
        --arch) [ $# -ge 2 ] || die "--arch needs a value: x86_64 or aarch64"; ARCH=$2; shift 2 ;;
        --arch=*) ARCH=${1#--arch=}; shift ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *) die "unknown argument $1 (expected --arch x86_64|aarch64)" ;;
    esac
done
case "$ARCH" in
    x86_64) PLATFORM=linux/amd64; TAG=${NETREADY_IMAGE_TAG:-netready:dev}; STRIP=strip; CROSS_PKG= ;;
    aarch64) PLATFORM=linux/arm64; TAG=${NETREADY_IMAGE_TAG:-netready:dev-arm64}
             STRIP=aarch64-linux-gnu-strip; CROSS_PKG=gcc-aarch64-linux-gnu
             # ring compiles C and assembly; the cross gcc also drives the link
             # (the musl target brings its own C library and start files).
             export CC_aarch64_unknown_linux_musl=aarch64-linux-gnu-gcc
             export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=aarch64-linux-gnu-gcc ;;
    *) die "--arch: expected x86_64 or aarch64, got ${ARCH}" ;;
esac
TARGET=$ARCH-unknown-linux-musl
OUT=target/image/$ARCH
PODMAN=(podman --storage-driver vfs)

need_apt=()
command -v podman >/dev/null 2>&1 || need_apt+=(podman)
command -v musl-gcc >/dev/null 2>&1 || need_apt+=(musl-tools)
command -v "$STRIP" >/dev/null 2>&1 || need_apt+=(binutils)
[ -z "$CROSS_PKG" ] || command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || need_apt+=("$CROSS_PKG")
if ((${#need_apt[@]})); then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    log "apt-get install ${need_apt[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
# shellcheck source=scripts/ensure-rust.sh
. scripts/ensure-rust.sh
rustup target list --installed | grep -qx "$TARGET" || rustup target add "$TARGET" >/dev/null

VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

log "cargo install --locked --path native --target $TARGET --root (temporary)"
started=$SECONDS
cargo install --locked --path native --target "$TARGET" --root "$root" --no-track
log "binary built in $((SECONDS - started)) s"

rm -rf "$OUT"
ctx=$OUT/context
mkdir -p "$ctx/rootfs/etc" "$ctx/rootfs/usr/share/doc/netready"
"$STRIP" -o "$ctx/rootfs/netready" "$root/bin/netready"
chmod 0755 "$ctx/rootfs/netready"
printf 'netready:x:65532:65532:netready:/nonexistent:/sbin/nologin\n' > "$ctx/rootfs/etc/passwd"
printf 'netready:x:65532:\n' > "$ctx/rootfs/etc/group"
chmod 0644 "$ctx/rootfs/etc/passwd" "$ctx/rootfs/etc/group"
install -m 0644 LICENSE-MIT LICENSE-APACHE "$ctx/rootfs/usr/share/doc/netready/"

log "podman build -t $TAG ($PLATFORM)"
started=$SECONDS
previous=$("${PODMAN[@]}" image inspect --format '{{.Id}}' "$TAG" 2>/dev/null || true)
"${PODMAN[@]}" build --quiet --layers=false --platform "$PLATFORM" -f Containerfile -t "$TAG" \
    --build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION" "$ctx" >/dev/null
# The image the tag left behind (vfs keeps a full copy of every layer).
current=$("${PODMAN[@]}" image inspect --format '{{.Id}}' "$TAG")
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
    "${PODMAN[@]}" rmi "$previous" >/dev/null 2>&1 || true
fi
log "image built in $((SECONDS - started)) s"

# The image's own file system, as a runtime would unpack it.
mnt=$("${PODMAN[@]}" image mount "$TAG")
mkdir -p "$OUT/rootfs"
cp -a "$mnt/." "$OUT/rootfs/"
"${PODMAN[@]}" image unmount "$TAG" >/dev/null
"${PODMAN[@]}" image inspect "$TAG" > "$OUT/inspect.json"

binary=$(stat -c %s "$OUT/rootfs/netready")
image=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$TAG")
"${PODMAN[@]}" save --quiet --format docker-archive -o "$root/image.tar" "$TAG"
compressed=$(gzip -9 -c "$root/image.tar" | wc -c)
{
    echo "tag $TAG"
    echo "platform $PLATFORM"
    echo "revision $REVISION"
    echo "binary_bytes $binary"
    echo "image_bytes $image"
    echo "image_gzip_bytes $compressed"
} > "$OUT/sizes.txt"
log "$TAG: binary $binary bytes, image $image bytes, $compressed bytes gzip-compressed"
log "image file system: $OUT/rootfs, configuration: $OUT/inspect.json"
