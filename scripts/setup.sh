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
)

missing=()
for cmd in "${!NEED[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1; then
    pkg="${NEED[$cmd]}"
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
  "${SUDO[@]}" apt-get update
  "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Rust: cargo must exist (rust-version in Cargo.toml gives the minimum).
if ! command -v cargo >/dev/null 2>&1 && [[ -f "$HOME/.cargo/env" ]]; then
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

echo "setup: ok ($(cargo --version); $(verilator --version | head -n1); $(yosys -V | head -n1))"
