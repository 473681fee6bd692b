#!/usr/bin/env bash
# Broker recovery after kill -9 with an unflushed CommitLog: ASYNC_FLUSH with flush intervals of
# an hour (nothing is flushed by the store, the checkpoint stays behind the first record), 1 GB
# of bodies produced and acknowledged, kill -9, restart on the same store; times exec to serving
# (abnormal recovery walks the whole log) and checks with a fresh consumer group that every
# acknowledged message is there. warm: the page cache still holds the data (a process crash);
# cold: the store's page cache dropped between the kill and the restart. Prints a table and
# appends it to docs/PERFORMANCE.md.
#   bench/broker_recovery.sh [body bytes]
# Defaults: 1024 B bodies. Environment: BYTES=1G (body bytes produced per run), MODES="warm cold",
# NO_BUILD=1, NO_DOC=1, BENCH_DIR (the disk measured), WAIT_QUIET (see bench/lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
size="${1:-1024}"
bytes="${BYTES:-1G}"
modes="${MODES:-warm cold}"
batch=32
msgs=$(( ($(rmq_size_bytes "$bytes") / size + batch - 1) / batch * batch ))
rmq_build mqnamesrv mqbroker mqbench
rmq_workdir nsdir
rmq_start_namesrv "$nsdir"
dev=$(rmq_disk_dev "$nsdir")
rows=()
fails=0
for mode in $modes; do
  rmq_workdir work
  BROKER_RUNS=0
  rmq_start_broker "$work" flushIntervalCommitLog=3600000 flushCommitLogThoroughInterval=3600000 \
    flushIntervalConsumeQueue=3600000 flushConsumeQueueThoroughInterval=3600000
  echo "$mode: producing $msgs messages of $size B ($bytes)..." >&2
  prod=$("$rmq_bin/mqbench" -b "$BROKER_ADDR" -t Recover --batch "$batch" -w 16 -s "$size" -q "$msgs" \
         --report 60 | grep '^RESULT')
  acked=$(rmq_get "$prod" messages)
  dirty_mb=$(awk '/^Dirty:/ {printf "%.0f", $2 / 1024}' /proc/meminfo)
  rmq_stop "$BROKER_PID" KILL
  abort=no; [ -e "$BROKER_STORE/abort" ] && abort=yes
  [ "$mode" = cold ] && rmq_drop_cache "$BROKER_STORE"
  cached=$(rmq_cached_mb "$BROKER_STORE")
  rmq_wait_quiet
  rmq_watch_start
  r0=$(rmq_disk_read_mb "$dev")
  rmq_run_broker
  r1=$(rmq_disk_read_mb "$dev")
  rmq_watch_stop
  busy=$RMQ_BUSY
  read -r anon file < <(rmq_rss "$BROKER_PID")
  cons=$("$rmq_bin/mqbench" -b "$BROKER_ADDR" -t Recover --no-create --consumer -g "verify_$mode" \
         -q "$acked" -d "${VERIFY_TIMEOUT:-600}" --report 60 | grep '^RESULT' || echo "RESULT messages=0")
  got=$(rmq_get "$cons" messages)
  ok=yes; [ "$got" = "$acked" ] || { ok=NO; fails=$((fails + 1)); }
  line="mode=$mode acked=$acked produced_tps=$(rmq_get "$prod" tps) dirty_mb=$dirty_mb abort=$abort cached_mb=$cached serving_ms=$BROKER_SERVING_MS boot_ms=$BROKER_BOOT_MS disk_read_mb=$(awk -v a="$r0" -v b="$r1" 'BEGIN {printf "%.1f", b - a}') anon_kb=$anon file_kb=$file consumed=$got all_there=$ok busy=$busy"
  echo "$line"
  rows+=("$line")
  rmq_stop "$BROKER_PID"
  rm -rf "$work"
done
gb=$(awk -v b="$(rmq_size_bytes "$bytes")" 'BEGIN {printf "%.3f", b / 1e9}')
section=$(
  echo ""
  echo "### Broker recovery after kill -9, $bytes unflushed ($(rmq_date), $(nproc) cores, $(uname -r))"
  echo ""
  echo "Machine: $(rmq_machine "$nsdir")."
  rmq_busy_note
  echo ""
  echo "Command: \`BYTES=$bytes bench/broker_recovery.sh $size\`: a broker with ASYNC_FLUSH and flushIntervalCommitLog / flushCommitLogThoroughInterval / flushIntervalConsumeQueue = 1 h (the store flushes nothing; the kernel may still write dirty pages back, but the checkpoint stays before the first record, so recovery walks, CRC-checks and re-dispatches the whole log) gets $msgs messages of $size B (mqbench \`--batch $batch -w 16\`), then SIGKILL and a restart on the same store; time = exec to the port accepting (and to \"boot success\"). Then a consumer with a fresh group reads every queue from offset 0: *all there* = it received every acknowledged message. Dirty = /proc/meminfo Dirty at the kill (machine-wide); cached = the store's files in the page cache at the restart (fincore); cold = the store's page cache dropped (fdatasync + POSIX_FADV_DONTNEED) between kill and restart."
  echo ""
  echo "| run | acked messages | Dirty at kill MB | abort file | store cached MB | exec to serving ms | exec to boot line ms | s per GB | disk read MB | broker anon RSS kB | broker file RSS kB | consumed | all there |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do
    g() { rmq_get "$r" "$1"; }
    mark=""; [ "$(g busy)" = 1 ] && mark=" †"
    spg=$(awk -v ms="$(g serving_ms)" -v gb="$gb" 'BEGIN {printf "%.2f", ms / 1000 / gb}')
    echo "| $(g mode)$mark | $(g acked) | $(g dirty_mb) | $(g abort) | $(g cached_mb) | $(g serving_ms) | $(g boot_ms) | $spg | $(g disk_read_mb) | $(g anon_kb) | $(g file_kb) | $(g consumed) | **$(g all_there)** |"
  done
)
rmq_doc "$section"
[ "$fails" = 0 ] || { echo "$fails run(s) lost acknowledged messages" >&2; exit 1; }
