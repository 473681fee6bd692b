#!/usr/bin/env bash
# Send throughput of mqbroker (ASYNC_FLUSH) vs requests in flight and body size, with the
# broker's CPU time per message and memory; prints a table and appends it to docs/PERFORMANCE.md.
#   bench/broker_send.sh [seconds-per-run] [inflight list] [size list]
# Defaults: 10 s, "1 16 64 256", "128 1024 16384". Environment: NO_BUILD=1, NO_DOC=1,
# BENCH_DIR, WAIT_QUIET, STEADY_PAGE_CACHE=1 (see bench/lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
secs="${1:-10}"
inflights="${2:-1 16 64 256}"
sizes="${3:-128 1024 16384}"
rmq_build mqnamesrv mqbroker mqbench
rmq_workdir work
rmq_steady_page_cache
rmq_start_namesrv "$work"
rmq_start_broker "$work"
sleep 1
read -r idle_anon idle_file < <(rmq_rss "$BROKER_PID")
rows=()
for size in $sizes; do
  for w in $inflights; do
    rmq_wait_quiet
    rmq_watch_start
    t0=$(rmq_thread_ticks "$BROKER_PID")
    out=$("$rmq_bin/mqbench" -b "$BROKER_ADDR" -t "Bench_${size}" -w "$w" -s "$size" -d "$secs" \
          --report "$secs" --pid "$BROKER_PID" | grep '^RESULT')
    threads=$(rmq_thread_us_per_msg "$t0" "$(rmq_thread_ticks "$BROKER_PID")" "$(rmq_get "$out" messages)")
    rmq_watch_stop
    echo "$out threads=$threads"
    rows+=("$out busy=$RMQ_BUSY threads=$threads steal=$RMQ_STEAL_PCT")
  done
done
section=$(
  echo ""
  echo "### Broker sends, ASYNC_FLUSH ($(rmq_date), $(nproc) cores, $(uname -r))"
  echo ""
  echo "Machine: $(rmq_machine "$work"); $RMQ_PAGE_CACHE_NOTE."
  rmq_busy_note
  echo ""
  echo "Command: \`bench/broker_send.sh $secs \"$inflights\" \"$sizes\"\` (mqbench sync sends, one connection, client and broker on the same machine). Broker idle RSS: anon ${idle_anon} kB, file ${idle_file} kB."
  echo ""
  echo "| body B | in flight | msgs/s | avg µs | p50 µs | p99 µs | p999 µs | max µs | broker CPU µs/msg | of which per thread | broker anon RSS kB | failures | host steal % |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do
    mark=""; [ "$(rmq_get "$r" busy)" = 1 ] && mark=" †"
    echo "| $(rmq_get "$r" size)$mark | $(rmq_get "$r" inflight) | $(rmq_get "$r" tps) | $(rmq_get "$r" avg_us) | $(rmq_get "$r" p50_us) | $(rmq_get "$r" p99_us) | $(rmq_get "$r" p999_us) | $(rmq_get "$r" max_us) | $(rmq_get "$r" broker_cpu_s_per_million) | $(rmq_get "$r" threads | tr ',' ' ') | $(rmq_get "$r" broker_rss_anon_kb) | $(rmq_get "$r" failures) | $(rmq_get "$r" steal) |"
  done
)
rmq_doc "$section"
