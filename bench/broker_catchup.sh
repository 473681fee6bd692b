#!/usr/bin/env bash
# Catch-up consumption through mqbroker: produce a backlog (2 GB of bodies by default), then
# consume it from the start with a fresh consumer group, once with the backlog in the page cache
# (warm, right after producing) and once after a clean broker restart with the store's page
# cache dropped (cold: read from the disk). Prints msgs/s and MB/s; appends the table to
# docs/PERFORMANCE.md.
#   bench/broker_catchup.sh [body bytes]
# Defaults: 1024 B bodies. Environment: BYTES=2G (backlog body bytes; 1G if < 10 GB free),
# COLD_SETTLE=12 (seconds between the restart and the cache drop), CATCHUP_TIMEOUT=1800,
# NO_BUILD=1, NO_DOC=1, BENCH_DIR (the disk measured), WAIT_QUIET (see bench/lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
size="${1:-1024}"
rmq_build mqnamesrv mqbroker mqbench
rmq_workdir work
avail_gb=$(df -BG --output=avail "$work" | tail -1 | tr -dc 0-9)
bytes="${BYTES:-2G}"
if [ -z "${BYTES:-}" ] && [ "$avail_gb" -lt 10 ]; then
  echo "only ${avail_gb} GB free in $work: 1G backlog" >&2
  bytes=1G
fi
batch=32
msgs=$(( ($(rmq_size_bytes "$bytes") / size + batch - 1) / batch * batch ))
dev=$(rmq_disk_dev "$work")
topic=Catchup
rmq_start_namesrv "$work"
rmq_start_broker "$work"
echo "producing $msgs messages of $size B ($bytes)..." >&2
prod=$("$rmq_bin/mqbench" -b "$BROKER_ADDR" -t "$topic" --batch "$batch" -w 16 -s "$size" -q "$msgs" \
       --report 30 --pid "$BROKER_PID" | grep '^RESULT')
echo "produce: $prod"
acked=$(rmq_get "$prod" messages)
consume() {  # consume LABEL GROUP
  rmq_wait_quiet
  rmq_watch_start
  local r0 r1 out
  cached=$(rmq_cached_mb "$BROKER_STORE")
  r0=$(rmq_disk_read_mb "$dev")
  out=$("$rmq_bin/mqbench" -b "$BROKER_ADDR" -t "$topic" --no-create --consumer -g "$2" -q "$acked" \
        -d "${CATCHUP_TIMEOUT:-1800}" --report 30 --pid "$BROKER_PID" | grep '^RESULT' || true)
  r1=$(rmq_disk_read_mb "$dev")
  rmq_watch_stop
  read -r anon file < <(rmq_rss "$BROKER_PID")
  out="$out disk_read_mb_per_s=$(awk -v a="$r0" -v b="$r1" -v e="$(rmq_get "$out" elapsed_s)" 'BEGIN {printf "%.1f", (b - a) / e}') anon_after=$anon file_after=$file cached_mb=$cached"
  echo "$1: $out"
  rows+=("$1|$out busy=$RMQ_BUSY")
}
rows=()
consume warm catchup_warm
rmq_stop "$BROKER_PID"
rmq_drop_cache "$BROKER_STORE"
rmq_run_broker
restart_ms=$BROKER_SERVING_MS
# The restart's recovery read the tail back through the broker's mappings; the broker unmaps
# flushed data far behind its writer every 10 s, after which the cache can be dropped.
sleep "${COLD_SETTLE:-12}"
rmq_drop_cache "$BROKER_STORE"
consume cold catchup_cold
section=$(
  echo ""
  echo "### Broker catch-up consumption of a $bytes backlog ($(rmq_date), $(nproc) cores, $(uname -r))"
  echo ""
  echo "Machine: $(rmq_machine "$work")."
  rmq_busy_note
  echo ""
  echo "Command: \`BYTES=$bytes bench/broker_catchup.sh $size\`: $acked messages of $size B produced first (mqbench \`--batch $batch -w 16\`: $(rmq_get "$prod" tps) msgs/s, $(rmq_get "$prod" body_mb_per_s) MB/s), then one mqbench long-polling consumer with a fresh group reads all 8 queues from offset 0 (one pull of 32 in flight per queue, one connection) until it has every acknowledged message. warm: right after producing, backlog in the page cache; cold: after a clean broker restart (serving again after $restart_ms ms) and ${COLD_SETTLE:-12} s of idle (the broker unmaps flushed CommitLog data far behind its writer every 10 s), with the page cache of the store's files dropped (fdatasync + POSIX_FADV_DONTNEED; what the broker still maps stays: see the cached column, fincore of the store's files when the consumer starts). MB/s = message bodies; disk read MB/s: /proc/diskstats of /dev/$dev."
  echo ""
  echo "| run | store cached at start MB | messages | seconds | msgs/s | body MB/s | disk read MB/s | broker CPU µs/msg | broker anon RSS kB | broker file RSS kB | failures |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for row in "${rows[@]}"; do
    label=${row%%|*}; r=${row#*|}
    g() { rmq_get "$r" "$1"; }
    mark=""; [ "$(g busy)" = 1 ] && mark=" †"
    echo "| $label$mark | $(g cached_mb) | $(g messages) of $acked | $(g elapsed_s) | $(g tps) | $(g body_mb_per_s) | $(g disk_read_mb_per_s) | $(g broker_cpu_s_per_million) | $(g anon_after) | $(g file_after) | $(g failures) |"
  done
)
rmq_doc "$section"
