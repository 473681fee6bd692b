#!/usr/bin/env bash
# Configures and builds into ${BUILD_DIR:-build} (Release with debug info by default).
# Extra arguments are passed to cmake at configure time, e.g. -DRMQ_SANITIZE=ON.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$top/build}"
# Cache hits across clones (CI builds in a fresh clone): paths relative to the project root.
export CCACHE_BASEDIR="$top" CCACHE_NOHASHDIR=true
type="${BUILD_TYPE:-RelWithDebInfo}"
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
cmake --build "$build" -j "${JOBS:-2}"
