#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs a name server on 127.0.0.1:9876 in the
# foreground (Ctrl-C stops it). Data lives under ./data. The broker joins here when it lands.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
"$top/scripts/setup.sh"
"$top/scripts/build.sh"
data="$top/data"
mkdir -p "$data/namesrv"
cat > "$data/namesrv.conf" <<CONF
listenPort=9876
kvConfigPath=$data/namesrv/kvConfig.json
configStorePath=$data/namesrv/namesrv.properties
CONF
echo "quickstart: starting mqnamesrv on 127.0.0.1:9876 (data in $data)"
exec "$top/build/bin/mqnamesrv" -c "$data/namesrv.conf"
