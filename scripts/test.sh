#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test:
#   1. unit and golden-frame tests (ctest) on the RelWithDebInfo build,
#   2. the compatibility tests with the real ali-ons client against the built binaries,
#   3. the unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer,
#   4. the frame-decoder fuzzer for a bounded time (FUZZ_SECONDS, default 60).
# Set SKIP_SANITIZE=1 or SKIP_FUZZ=1 to leave out 3 or 4 locally.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
cd "$top"
export RMQ_COMPAT_DATA="${RMQ_COMPAT_DATA:-$top/../shared/compat}"

scripts/setup.sh
ccache -M 8G >/dev/null 2>&1 || true

echo "== build"
scripts/build.sh
echo "== unit and golden tests"
(cd build && ctest --output-on-failure -j2 --timeout 300)

echo "== compat tests (ali-ons against the real binaries)"
RMQ_BIN_DIR="$top/build/bin" compat-tests/run.sh

if [ "${SKIP_SANITIZE:-0}" != "1" ]; then
  echo "== unit tests under ASan+UBSan"
  BUILD_DIR="$top/build-asan" BUILD_TYPE=Debug scripts/build.sh -DRMQ_SANITIZE=ON
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j2 --timeout 600)
fi

if [ "${SKIP_FUZZ:-0}" != "1" ] && [ -x scripts/fuzz.sh ]; then
  echo "== fuzzing the frame and header decoders"
  scripts/fuzz.sh
fi
echo "== all tests passed"
