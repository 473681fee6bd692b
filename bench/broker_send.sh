#!/usr/bin/env bash
# Send throughput of mqbroker (ASYNC_FLUSH) vs requests in flight and body size, with the
# broker's CPU time per message and memory; prints a table and appends it to docs/PERFORMANCE.md.
#   bench/broker_send.sh [seconds-per-run] [inflight list] [size list]
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-10}"
inflights="${2:-1 16 64 256}"
sizes="${3:-128 1024 16384}"
[ "${NO_BUILD:-0}" = 1 ] || "$top/scripts/build.sh" >/dev/null
bin="${RMQ_BIN_DIR:-$top/build/bin}"
work="$(mktemp -d)"
cleanup() { kill "$broker_pid" "$ns_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ns_port=$(free_port)
broker_port=$(free_port)
printf 'listenPort=%s\nkvConfigPath=%s/kv.json\nconfigStorePath=%s/ns.properties\n' \
  "$ns_port" "$work" "$work" > "$work/ns.conf"
cat > "$work/broker.conf" <<CONF
brokerClusterName=BenchCluster
brokerName=bench-broker
brokerIP1=127.0.0.1
listenAddress=127.0.0.1
listenPort=$broker_port
vipChannelEnable=false
namesrvAddr=127.0.0.1:$ns_port
storePathRootDir=$work/store
storePathCommitLog=$work/store/commitlog
flushDiskType=ASYNC_FLUSH
CONF
"$bin/mqnamesrv" -c "$work/ns.conf" > "$work/ns.out" 2>&1 &
ns_pid=$!
"$bin/mqbroker" -c "$work/broker.conf" > "$work/broker.out" 2>&1 &
broker_pid=$!
for _ in $(seq 200); do grep -q "boot success" "$work/broker.out" 2>/dev/null && break; sleep 0.05; done
idle_anon=$(awk '/RssAnon/ {print $2}' /proc/$broker_pid/status)
rows=()
for size in $sizes; do
  for w in $inflights; do
    out=$("$bin/mqbench" -b "127.0.0.1:$broker_port" -t "Bench_${size}" -w "$w" -s "$size" -d "$secs" \
          --report "$secs" --pid "$broker_pid" | grep '^RESULT')
    echo "$out"
    rows+=("$out")
  done
done
{
  echo ""
  echo "### Broker sends, ASYNC_FLUSH ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r))"
  echo ""
  echo "Command: \`bench/broker_send.sh $secs \"$inflights\" \"$sizes\"\` (mqbench sync sends, one connection, client and broker on the same machine). Broker idle anonymous RSS: ${idle_anon} kB."
  echo ""
  echo "| body B | in flight | msgs/s | avg µs | p50 µs | p99 µs | p999 µs | max µs | broker CPU µs/msg | broker anon RSS kB | failures |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do
    get() { echo "$r" | tr ' ' '\n' | awk -F= -v k="$1" '$1==k {print $2}'; }
    echo "| $(get size) | $(get inflight) | $(get tps) | $(get avg_us) | $(get p50_us) | $(get p99_us) | $(get p999_us) | $(get max_us) | $(get broker_cpu_s_per_million) | $(get broker_rss_anon_kb) | $(get failures) |"
  done
} | tee -a "$top/docs/PERFORMANCE.md"
