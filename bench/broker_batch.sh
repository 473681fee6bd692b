#!/usr/bin/env bash
# Batch sends through mqbroker (ASYNC_FLUSH, SEND_BATCH_MESSAGE of N messages) next to the
# sequential-write bandwidth of the same disk measured in the same run (store_bench --mode raw:
# 1 MiB write(2) blocks + fdatasync, before and after the broker runs); prints msgs/s, body MB/s,
# the device's write MB/s during the run and the ratio to the raw bandwidth; appends the table
# to docs/PERFORMANCE.md.
#   bench/broker_batch.sh [seconds-per-run] [batch list] [body bytes] [inflight list]
# Defaults: 10 s, "32", 1024, "1 16". Environment: BYTES=1000M (raw-write size), NO_BUILD=1,
# NO_DOC=1, BENCH_DIR (the disk measured), WAIT_QUIET (see bench/lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
secs="${1:-10}"
batches="${2:-32}"
size="${3:-1024}"
inflights="${4:-1 16}"
bytes="${BYTES:-1000M}"
rmq_build mqnamesrv mqbroker mqbench store_bench
rmq_workdir work
dev=$(rmq_disk_dev "$work")
raws=()
raw_run() {
  rmq_wait_quiet
  rmq_watch_start
  local out
  out=$("$rmq_bin/store_bench" --dir "$work" --mode raw --bytes "$bytes")
  rmq_watch_stop
  echo "raw: $out"
  raws+=("$out busy=$RMQ_BUSY")
}
raw_run
rmq_start_namesrv "$work"
rmq_start_broker "$work"
rows=()
for b in $batches; do
  for w in $inflights; do
    rmq_wait_quiet
    rmq_watch_start
    d0=$(rmq_disk_written_mb "$dev")
    out=$("$rmq_bin/mqbench" -b "$BROKER_ADDR" -t "Batch_${b}_${size}" --batch "$b" -w "$w" -s "$size" \
          -d "$secs" --report "$secs" --pid "$BROKER_PID" | grep '^RESULT')
    d1=$(rmq_disk_written_mb "$dev")
    rmq_watch_stop
    disk=$(awk -v a="$d0" -v b="$d1" -v e="$(rmq_get "$out" elapsed_s)" 'BEGIN {printf "%.1f", (b - a) / e}')
    echo "$out disk_mb_per_s=$disk"
    rows+=("$out disk_mb_per_s=$disk busy=$RMQ_BUSY")
  done
done
rmq_stop "$BROKER_PID"
raw_run
raw_mb=$(for r in "${raws[@]}"; do rmq_get "$r" mb_per_s; done | sort -n | awk '{v[NR] = $1} END {printf "%.1f", (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2}')
section=$(
  echo ""
  echo "### Broker batch sends vs raw sequential write ($(rmq_date), $(nproc) cores, $(uname -r))"
  echo ""
  echo "Machine: $(rmq_machine "$work")."
  rmq_busy_note
  echo ""
  echo "Command: \`BYTES=$bytes bench/broker_batch.sh $secs \"$batches\" $size \"$inflights\"\` (ASYNC_FLUSH; mqbench \`--batch N\` sync sends of N × $size B bodies on one connection, client and broker on the same machine). Raw: \`store_bench --mode raw --bytes $bytes\` in the same directory before and after the broker runs ($(for r in "${raws[@]}"; do printf '%s MB/s%s; ' "$(rmq_get "$r" mb_per_s)" "$([ "$(rmq_get "$r" busy)" = 1 ] && echo ' †')"; done)mean of the two: $raw_mb MB/s). Body MB/s counts message bodies only (acknowledged × $size B); disk MB/s is the device's write counter (/proc/diskstats, /dev/$dev) over the run, CommitLog records, ConsumeQueue and index included. ASYNC_FLUSH acknowledges before the data is on the disk: over a short run the page cache absorbs part of it."
  echo ""
  echo "| batch | in flight | msgs/s | body MB/s | disk write MB/s | body / raw | p50 µs per batch | p99 µs | p999 µs | broker CPU µs/msg | broker anon RSS kB | failures |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do
    g() { rmq_get "$r" "$1"; }
    mark=""; [ "$(g busy)" = 1 ] && mark=" †"
    ratio=$(awk -v a="$raw_mb" -v b="$(g body_mb_per_s)" 'BEGIN {printf "%.0f %%", 100 * b / a}')
    echo "| $(g batch)$mark | $(g inflight) | $(g tps) | $(g body_mb_per_s) | $(g disk_mb_per_s) | $ratio | $(g p50_us) | $(g p99_us) | $(g p999_us) | $(g broker_cpu_s_per_million) | $(g broker_rss_anon_kb) | $(g failures) |"
  done
)
rmq_doc "$section"
