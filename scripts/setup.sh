#!/usr/bin/env bash
# Installs what the build and the tests need, from Debian packages only (and the npm packages
# pinned in compat-tests/package-lock.json). Idempotent: installs only what is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-dev rapidjson-dev zlib1g-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev clang-format
  nodejs
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# npm ships inside the nodesource nodejs package; Debian splits it out.
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

top="$(cd "$(dirname "$0")/.." && pwd)"
if [ -f "$top/compat-tests/package-lock.json" ]; then
  if [ ! -d "$top/compat-tests/node_modules" ] ||
     [ "$top/compat-tests/package-lock.json" -nt "$top/compat-tests/node_modules/.package-lock.json" ]; then
    echo "setup: installing compat-tests npm packages"
    (cd "$top/compat-tests" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
