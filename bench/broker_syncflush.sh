#!/usr/bin/env bash
# SYNC_FLUSH end to end through mqbroker: group commit with 1 / 16 / 64 sends in flight (one
# connection, sync sends), next to the raw write+fdatasync pattern of the same disk at the same
# batch sizes (store_bench --mode raw --sync-every K); prints msgs/s, MB/s, latency, the device's
# flushes per second and messages per device flush; appends the table to docs/PERFORMANCE.md.
#   bench/broker_syncflush.sh [seconds-per-run] [inflight list] [body bytes]
# Defaults: 10 s, "1 16 64", 1024. Environment: NO_BUILD=1, NO_DOC=1, BENCH_DIR (the disk
# measured), WAIT_QUIET (see bench/lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
secs="${1:-10}"
inflights="${2:-1 16 64}"
size="${3:-1024}"
rmq_build mqnamesrv mqbroker mqbench store_bench
rmq_workdir work
dev=$(rmq_disk_dev "$work")
# Device counters: MB written, flush requests completed (/proc/diskstats fields 10 and 19).
disk() { awk -v d="$dev" '$3 == d {printf "%.1f %d\n", $10 * 512 / 1e6, $19}' /proc/diskstats; }
rmq_start_namesrv "$work"
rmq_start_broker "$work" flushDiskType=SYNC_FLUSH
rows=()
for w in $inflights; do
  rmq_wait_quiet
  rmq_watch_start
  read -r mb0 fl0 < <(disk)
  out=$("$rmq_bin/mqbench" -b "$BROKER_ADDR" -t "Sync_${w}" -w "$w" -s "$size" -d "$secs" \
        --report "$secs" --pid "$BROKER_PID" | grep '^RESULT')
  read -r mb1 fl1 < <(disk)
  rmq_watch_stop
  extra=$(awk -v m0="$mb0" -v m1="$mb1" -v f0="$fl0" -v f1="$fl1" -v e="$(rmq_get "$out" elapsed_s)" \
    -v n="$(rmq_get "$out" messages)" 'BEGIN {
      printf "disk_mb_per_s=%.1f flushes_per_s=%.0f msgs_per_flush=%s", (m1 - m0) / e, (f1 - f0) / e,
        (f1 > f0 ? sprintf("%.1f", n / (f1 - f0)) : "-") }')
  echo "$out $extra"
  rows+=("$out $extra busy=$RMQ_BUSY")
done
rmq_stop "$BROKER_PID"
raws=()
for k in $(printf '%s\n' 1 $inflights | sort -n | uniq); do
  rmq_wait_quiet
  rmq_watch_start
  out=$("$rmq_bin/store_bench" --dir "$work" --mode raw --sync-every "$k" --body "$size" --seconds "$secs")
  rmq_watch_stop
  echo "raw: $out"
  raws+=("$out busy=$RMQ_BUSY")
done
section=$(
  echo ""
  echo "### Broker SYNC_FLUSH group commit end to end ($(rmq_date), $(nproc) cores, $(uname -r))"
  echo ""
  echo "Machine: $(rmq_machine "$work")."
  rmq_busy_note
  echo ""
  echo "Command: \`bench/broker_syncflush.sh $secs \"$inflights\" $size\` (flushDiskType=SYNC_FLUSH; mqbench sync sends of $size B bodies on one connection with N in flight; every send is acknowledged after its flush; client and broker on the same machine). Device figures: /proc/diskstats of /dev/$dev over the run (flushes = the device's completed flush requests; msgs per flush = acknowledged messages / device flushes). Raw: \`store_bench --mode raw --sync-every K --body $size --seconds $secs\` in the same directory, K writes of one record each then fdatasync. MB/s: message bodies for the broker, whole records (body + header and properties, `record` bytes) for raw."
  echo ""
  echo "| run | msgs/s | MB/s | p50 µs | p99 µs | p999 µs | max µs | device flushes/s | msgs per flush | disk write MB/s | broker CPU µs/msg | failures |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do
    g() { rmq_get "$r" "$1"; }
    mark=""; [ "$(g busy)" = 1 ] && mark=" †"
    echo "| broker, $(g inflight) in flight$mark | $(g tps) | $(g body_mb_per_s) | $(g p50_us) | $(g p99_us) | $(g p999_us) | $(g max_us) | $(g flushes_per_s) | $(g msgs_per_flush) | $(g disk_mb_per_s) | $(g broker_cpu_s_per_million) | $(g failures) |"
  done
  for r in "${raws[@]}"; do
    g() { rmq_get "$r" "$1"; }
    mark=""; [ "$(g busy)" = 1 ] && mark=" †"
    dmb=$(awk -v m="$(g disk_write_mb)" -v s="$(g secs)" 'BEGIN {printf "%.1f", m / s}')
    echo "| raw, fdatasync every $(g sync_every) writes of $(g record) B$mark | $(g writes_per_s) | $(g mb_per_s) | $(g p50_us) | $(g p99_us) | $(g p999_us) | $(g max_us) | $(g syncs_per_s) (fdatasync) | $(g sync_every) | $dmb | - | - |"
  done
)
rmq_doc "$section"
