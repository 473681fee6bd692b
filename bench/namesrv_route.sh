#!/usr/bin/env bash
# Name server route-query benchmark: QPS and latency at 1, 16 and 64 connections, plus the name
# server's idle and loaded memory. Prints a table and appends it to docs/PERFORMANCE.md.
#   bench/namesrv_route.sh [seconds-per-step]
# Environment: NO_BUILD=1, NO_DOC=1, WAIT_QUIET (see bench/lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
secs="${1:-10}"
rmq_build mqnamesrv namesrv_route_bench
rmq_workdir work
rmq_start_namesrv "$work"
start_ms=$NS_BOOT_MS
sleep 1
idle_anon=$(rmq_rss "$NS_PID" | cut -d' ' -f1)

rows=()
for c in 1 16 64; do
  rmq_wait_quiet
  rmq_watch_start
  # Each run registers a fake broker over a connection it keeps open while it measures.
  out=$("$rmq_bin/namesrv_route_bench" -n "$NS_ADDR" -c $c -d "$secs" --pid "$NS_PID" --register)
  rmq_watch_stop
  echo "$out"
  rows+=("$out busy=$RMQ_BUSY")
done

section=$(
  echo ""
  echo "### Name server route queries ($(rmq_date), $(nproc) cores, $(uname -r))"
  echo ""
  echo "Command: \`bench/namesrv_route.sh $secs\` (client and server on the same machine, 1 client I/O thread)."
  echo "Name server start to serving: ${start_ms} ms; idle anonymous RSS: ${idle_anon} kB."
  rmq_busy_note
  echo ""
  echo "| connections | queries/s | avg µs | p50 µs | p99 µs | p999 µs | max µs | server CPU µs/query | server anon RSS kB |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do
    g() { rmq_get "$r" "$1"; }
    mark=""; [ "$(g busy)" = 1 ] && mark=" †"
    echo "| $(g conns)$mark | $(g qps) | $(g avg_us) | $(g p50_us) | $(g p99_us) | $(g p999_us) | $(g max_us) | $(g server_cpu_us_per_query) | $(g server_rss_anon_kb) |"
  done
)
rmq_doc "$section"
