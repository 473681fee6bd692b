'use strict';

const fs = require('node:fs');
const path = require('node:path');

// <repo>/compat-tests/lib -> <repo>
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Directory holding the built binaries: $RMQ_BIN_DIR or <repo>/build/bin. */
function binDir() {
  return process.env.RMQ_BIN_DIR ? path.resolve(process.env.RMQ_BIN_DIR) : path.join(REPO_ROOT, 'build', 'bin');
}

/**
 * Shared compat data (captures, java store): $RMQ_COMPAT_DATA or <repo>/../shared/compat.
 * Read only; never copied into the repo.
 */
function compatDataDir() {
  return process.env.RMQ_COMPAT_DATA ? path.resolve(process.env.RMQ_COMPAT_DATA) :
    path.resolve(REPO_ROOT, '..', 'shared', 'compat');
}

function capturesDir() {
  return path.join(compatDataDir(), 'captures');
}

/** List of capture files (absolute paths), or null when the directory is absent. */
function captureFiles() {
  const dir = capturesDir();
  if (!fs.existsSync(dir)) return null;
  return fs.readdirSync(dir).filter(f => f.endsWith('.jsonl')).sort().map(f => path.join(dir, f));
}

module.exports = { REPO_ROOT, binDir, compatDataDir, capturesDir, captureFiles };
