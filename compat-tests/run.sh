#!/usr/bin/env bash
# Runs the ali-ons compatibility tests against the built binaries (<repo>/build/bin or $RMQ_BIN_DIR).
#   ./run.sh                          all tests in test/
#   ./run.sh test/namesrv_route.test.js   one file
# Installs node_modules with `npm ci` only when it is missing or does not match package-lock.json,
# so it works offline after the first install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v node >/dev/null 2>&1; then
  echo "compat-tests: node not found (Node.js 20 or later is required)" >&2
  exit 1
fi

# node_modules is fresh when npm's hidden lockfile lists the same package versions as package-lock.json.
if ! node -e '
  const fs = require("fs");
  try {
    const want = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages || {};
    const have = JSON.parse(fs.readFileSync("node_modules/.package-lock.json", "utf8")).packages || {};
    for (const [p, meta] of Object.entries(want)) {
      if (p === "" || meta.dev || meta.optional) continue;
      if (!have[p] || have[p].version !== meta.version || !fs.existsSync(p)) process.exit(1);
    }
  } catch (e) { process.exit(1); }
' ; then
  echo "compat-tests: installing node_modules (npm ci)" >&2
  npm ci --no-audit --no-fund --prefer-offline
fi

reporter=()
if [ -n "${RMQ_TEST_REPORTER:-}" ]; then
  reporter=(--test-reporter="$RMQ_TEST_REPORTER")
fi

if [ "$#" -eq 0 ]; then
  set -- test/
fi
# A hung server must not hang CI: every test and hook is bounded.
exec node --test --test-timeout="${RMQ_TEST_TIMEOUT_MS:-120000}" "${reporter[@]}" "$@"
