#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine needs to build and test SatChain Accel.
# Idempotent: does nothing when everything is present. Runs apt-get only for what is missing
# (apt-get update once, then install), with sudo only when not root.
set -euo pipefail

# System packages: command to look for -> Debian package.
declare -A NEED=(
  [verilator]=verilator
  [yosys]=yosys
  [cc]=build-essential
  [c++]=build-essential
  [make]=build-essential
  [pkg-config]=pkg-config
  [tclsh]=tcl                     # bitstreams: build.tcl is checked under tclsh
  [dtc]=device-tree-compiler      # bitstreams: the device-tree overlay is compiled in a test
  # scripts/test-arm.sh: the software path on an emulated Cortex-A9 (Linux and bare metal).
  [qemu-arm]=qemu-user
  [qemu-system-arm]=qemu-system-arm
  [arm-linux-gnueabihf-gcc]=gcc-arm-linux-gnueabihf
  [arm-none-eabi-gcc]=gcc-arm-none-eabi     # secp256k1-sys's C code for armv7a-none-eabi
)

# Files no command lookup finds -> Debian package (Debian 12). Debian's own Rust (rustc-web,
# 1.96) builds the ARM targets only; it lives in /usr/bin beside, never instead of, rustup's.
declare -A NEED_FILE=(
  [/usr/bin/rustc]=rustc-web
  [/usr/bin/cargo]=cargo-web
  [/usr/lib/rustlib/armv7-unknown-linux-gnueabihf]=libstd-rust-web-dev:armhf
  [/usr/lib/rustlib/src/rust/library/core]=rust-web-src      # -Zbuild-std for armv7a-none-eabi
  [/usr/arm-linux-gnueabihf/include/stdio.h]=libc6-dev-armhf-cross
  [/lib/ld-linux-armhf.so.3]=libc6:armhf                      # qemu-arm runs on the multiarch libc
  [/usr/include/newlib/string.h]=libnewlib-arm-none-eabi
)

missing=()
for cmd in "${!NEED[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1; then
    pkg="${NEED[$cmd]}"
    [[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
  fi
done
for path in "${!NEED_FILE[@]}"; do
  if [[ ! -e "$path" ]]; then
    pkg="${NEED_FILE[$path]}"
    [[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing ${missing[*]} and no apt-get here; install them with your package manager" >&2
    exit 1
  fi
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      SUDO=(sudo)
    else
      echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if [[ " ${missing[*]} " == *":armhf "* ]] && ! dpkg --print-foreign-architectures | grep -qx armhf; then
    "${SUDO[@]}" dpkg --add-architecture armhf
  fi
  # A mirror mid-sync fails one index (seen: bookworm-security armhf) while the packages needed
  # are still installable: retry once, then install from the indexes apt has; the install
  # itself is what must succeed.
  if ! "${SUDO[@]}" apt-get update; then
    echo "setup: apt-get update reported errors (a mirror mid-sync?); retrying in 10 s" >&2
    sleep 10
    "${SUDO[@]}" apt-get update ||
      echo "setup: apt-get update still reports errors; installing from the indexes it has" >&2
  fi
  "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Rust: cargo must exist (rust-version in Cargo.toml gives the minimum).
# rustup's cargo, not Debian's /usr/bin/cargo (installed above for the ARM targets only).
if [[ -f "$HOME/.cargo/env" && "$(command -v cargo || true)" != "$HOME/.cargo/bin/cargo" ]]; then
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
if ! command -v cargo >/dev/null 2>&1; then
  cat >&2 <<'MSG'
setup: cargo not found. Install Rust (stable, >= 1.85) with rustup:
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y
  . "$HOME/.cargo/env"
or from your distribution (Debian 13: apt-get install cargo rustc).
MSG
  exit 1
fi

echo "setup: ok ($(cargo --version); $(verilator --version | head -n1); $(yosys -V | head -n1);" \
  "ARM: $(/usr/bin/rustc --version), $(qemu-system-arm --version | head -n1))"
