#!/usr/bin/env bash
# Produce and consume at the same time through mqbroker (ASYNC_FLUSH): send throughput and the
# end-to-end latency from the producer's send time to the consumer's receipt (mqbench --stamp:
# microseconds, from a timestamp in the body; the born-timestamp figure is in milliseconds).
# One long-polling consumer (all queues, 32 per pull) runs while one producer sends for the given
# seconds at each in-flight level; prints a table and appends it to docs/PERFORMANCE.md.
#   bench/broker_e2e.sh [seconds-per-run] [inflight list] [body bytes]
# Defaults: 10 s, "1 16 64", 1024. Environment: NO_BUILD=1, NO_DOC=1, BENCH_DIR, WAIT_QUIET
# STEADY_PAGE_CACHE (see bench/lib.sh); RATE=N offers N msgs/s open loop (mqbench --rate; the in-flight level is
# then only the cap), e.g. RATE=80000 bench/broker_e2e.sh 10 64 for the issue's 80k target.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
secs="${1:-10}"
inflights="${2:-1 16 64}"
size="${3:-1024}"
drain=3  # seconds the consumer keeps running after the producer stopped
rate="${RATE:-0}"
rate_args=()
[ "$rate" != 0 ] && rate_args=(--rate "$rate")
rmq_build mqnamesrv mqbroker mqbench
rmq_workdir work
rmq_steady_page_cache
rmq_start_namesrv "$work"
rmq_start_broker "$work"
rows=()
run=0
for w in $inflights; do
  run=$((run + 1))
  topic="E2E_${run}_w${w}"
  rmq_wait_quiet
  rmq_watch_start
  "$rmq_bin/mqbench" -b "$BROKER_ADDR" -t "$topic" --consumer -g "e2e_group_$run" --stamp \
    -d $((secs + drain + 1)) --report $((secs + drain + 1)) >"$work/consumer.$run.out" 2>&1 &
  consumer_pid=$!
  rmq_track "$consumer_pid"
  sleep 1  # the consumer's first pulls are suspended on the empty queues
  prod=$("$rmq_bin/mqbench" -b "$BROKER_ADDR" -t "$topic" -w "$w" -s "$size" -d "$secs" \
         --report "$secs" --stamp --pid "$BROKER_PID" "${rate_args[@]}" | grep '^RESULT')
  wait "$consumer_pid" || true
  rmq_watch_stop
  cons=$(grep '^RESULT' "$work/consumer.$run.out" || echo "RESULT messages=0")
  echo "producer: $prod"
  echo "consumer: $cons"
  rows+=("$w|$prod|$cons|$RMQ_BUSY|$RMQ_STEAL_PCT")
done
section=$(
  echo ""
  echo "### Broker produce + consume at the same time, end-to-end latency ($(rmq_date), $(nproc) cores, $(uname -r))"
  echo ""
  echo "Machine: $(rmq_machine "$work"); $RMQ_PAGE_CACHE_NOTE."
  rmq_busy_note
  echo ""
  rate_env=""; [ "$rate" != 0 ] && rate_env="RATE=$rate "
  echo "Command: \`${rate_env}bench/broker_e2e.sh $secs \"$inflights\" $size\` ($([ "$rate" != 0 ] && echo "offered load $rate msgs/s open loop, latency from each message's due time; ")ASYNC_FLUSH; one mqbench producer, sync sends on one connection, and one mqbench long-polling consumer over the 8 queues, 32 messages per pull, both with \`--stamp\`; client and broker on the same machine). End to end = the consumer's receipt of the pull response minus the send time the producer wrote into the body (µs); born = the same from the message's born timestamp (ms resolution). Broker CPU covers both the produce and the consume side, per produced message."
  echo ""
  echo "| in flight | sent msgs/s | send p99 µs | received / acked | e2e avg µs | e2e p50 µs | e2e p99 µs | e2e p999 µs | e2e max µs | born p99 ms | broker CPU µs/msg | broker anon RSS kB | host steal % |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do
    IFS='|' read -r w prod cons busy steal <<<"$r"
    mark=""; [ "$busy" = 1 ] && mark=" †"
    p() { rmq_get "$prod" "$1"; }
    c() { rmq_get "$cons" "$1"; }
    born_p99=$(awk -v v="$(c p99_us)" 'BEGIN {printf "%.0f", v / 1000}')
    echo "| $w$mark | $(p tps) | $(p p99_us) | $(c messages) / $(p messages) | $(c e2e_avg_us) | $(c e2e_p50_us) | $(c e2e_p99_us) | $(c e2e_p999_us) | $(c e2e_max_us) | $born_p99 | $(p broker_cpu_s_per_million) | $(p broker_rss_anon_kb) | $steal |"
  done
)
rmq_doc "$section"
