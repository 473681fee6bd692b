#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs a name server on 127.0.0.1:9876 and a
# broker on 127.0.0.1:10911 in the foreground (Ctrl-C stops both). Everything lives under ./data.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
"$top/scripts/setup.sh"
"$top/scripts/build.sh"
data="$top/data"
mkdir -p "$data/namesrv" "$data/store"
cat > "$data/namesrv.conf" <<CONF
listenPort=9876
kvConfigPath=$data/namesrv/kvConfig.json
configStorePath=$data/namesrv/namesrv.properties
CONF
[ -f "$data/broker.conf" ] || cat > "$data/broker.conf" <<CONF
brokerClusterName=DefaultCluster
brokerName=broker-a
brokerId=0
brokerIP1=127.0.0.1
listenPort=10911
namesrvAddr=127.0.0.1:9876
storePathRootDir=$data/store
storePathCommitLog=$data/store/commitlog
flushDiskType=ASYNC_FLUSH
brokerRole=ASYNC_MASTER
CONF
"$top/build/bin/mqnamesrv" -c "$data/namesrv.conf" &
ns_pid=$!
trap 'kill $broker_pid $ns_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM
sleep 0.2
"$top/build/bin/mqbroker" -c "$data/broker.conf" &
broker_pid=$!
echo "quickstart: mqnamesrv on 127.0.0.1:9876, mqbroker on 127.0.0.1:10911 (data in $data); Ctrl-C stops"
wait $broker_pid
