#!/usr/bin/env bash
# Name server route-query benchmark: QPS and latency at 1, 16 and 64 connections, plus the name
# server's idle and loaded memory. Prints a table and appends it to docs/PERFORMANCE.md.
#   bench/namesrv_route.sh [seconds-per-step]
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-10}"
[ "${NO_BUILD:-0}" = 1 ] || "$top/scripts/build.sh" >/dev/null
bin="$top/build/bin"
work="$(mktemp -d)"
trap 'kill $ns_pid 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/ns.conf" <<CONF
listenPort=$port
kvConfigPath=$work/kvConfig.json
configStorePath=$work/namesrv.properties
CONF
t_start=$(date +%s%N)
"$bin/mqnamesrv" -c "$work/ns.conf" > "$work/ns.out" 2> "$work/ns.err" &
ns_pid=$!
until grep -q "boot success" "$work/ns.out" 2>/dev/null; do sleep 0.005; done
t_ready=$(date +%s%N)
start_ms=$(( (t_ready - t_start) / 1000000 ))
sleep 1
idle_anon=$(awk '/RssAnon/ {print $2}' /proc/$ns_pid/status)

rows=()
for c in 1 16 64; do
  # Each run registers a fake broker over a connection it keeps open while it measures.
  out=$("$top/build/bin/namesrv_route_bench" -n 127.0.0.1:$port -c $c -d "$secs" --pid $ns_pid --register)
  echo "$out"
  rows+=("$out")
done

disk_model=$(lsblk -dno MODEL 2>/dev/null | head -1 | xargs || true)
{
  echo ""
  echo "### Name server route queries ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -r))"
  echo ""
  echo "Command: \`bench/namesrv_route.sh $secs\` (client and server on the same machine, 1 client I/O thread)."
  echo "Name server start to serving: ${start_ms} ms; idle anonymous RSS: ${idle_anon} kB."
  echo ""
  echo "| connections | queries/s | avg µs | p50 µs | p99 µs | p999 µs | max µs | server CPU µs/query | server anon RSS kB |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do
    get() { echo "$r" | tr ' ' '\n' | awk -F= -v k="$1" '$1==k {print $2}'; }
    echo "| $(get conns) | $(get qps) | $(get avg_us) | $(get p50_us) | $(get p99_us) | $(get p999_us) | $(get max_us) | $(get server_cpu_us_per_query) | $(get server_rss_anon_kb) |"
  done
} | tee -a "$top/docs/PERFORMANCE.md"
