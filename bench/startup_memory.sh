#!/usr/bin/env bash
# Start-to-serving time and idle memory of mqnamesrv and mqbroker on an empty store: each run
# starts a name server and a broker (fresh directories), times exec to the listening port
# accepting a connection and to the "boot success" line, and after some idle seconds reads
# RssAnon / RssFile / threads from /proc/PID/status. Prints medians (min–max) and appends the
# table to docs/PERFORMANCE.md.
#   bench/startup_memory.sh [runs] [idle seconds]
# Defaults: 5 runs, 5 s idle. Environment: NO_BUILD=1, NO_DOC=1, BENCH_DIR, WAIT_QUIET
# (see bench/lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs="${1:-5}"
idle="${2:-5}"
rmq_build mqnamesrv mqbroker
results=""
rmq_workdir top_work
for ((i = 1; i <= runs; i++)); do
  rmq_wait_quiet
  rmq_watch_start
  work="$top_work/run$i"
  mkdir -p "$work"
  rmq_start_namesrv "$work"
  rmq_start_broker "$work"
  sleep "$idle"
  read -r ns_anon ns_file < <(rmq_rss "$NS_PID")
  read -r br_anon br_file < <(rmq_rss "$BROKER_PID")
  ns_thr=$(awk '/^Threads:/ {print $2}' "/proc/$NS_PID/status")
  br_thr=$(awk '/^Threads:/ {print $2}' "/proc/$BROKER_PID/status")
  rmq_stop "$BROKER_PID"
  rmq_stop "$NS_PID"
  rmq_watch_stop
  line="run=$i busy=$RMQ_BUSY ns_serving_ms=$NS_SERVING_MS ns_boot_ms=$NS_BOOT_MS ns_anon_kb=$ns_anon ns_file_kb=$ns_file ns_threads=$ns_thr br_serving_ms=$BROKER_SERVING_MS br_boot_ms=$BROKER_BOOT_MS br_anon_kb=$br_anon br_file_kb=$br_file br_threads=$br_thr"
  echo "$line"
  results+="$line"$'\n'
done
table=$(python3 - <<PY
import statistics
rows = [dict(kv.split("=", 1) for kv in l.split()) for l in """$results""".splitlines() if l]
def cell(k, fmt):
    v = sorted(float(r[k]) for r in rows)
    m = fmt % statistics.median(v)
    return m if len(v) == 1 else "%s (%s–%s)" % (m, fmt % v[0], fmt % v[-1])
print("| binary | exec to port accepting ms | exec to \"boot success\" ms | idle RssAnon kB | idle RssFile kB | threads |")
print("|---|---|---|---|---|---|")
for p, name in (("ns", "mqnamesrv"), ("br", "mqbroker")):
    print("| %s | %s | %s | %s | %s | %s |" % (name, cell(p + "_serving_ms", "%.1f"), cell(p + "_boot_ms", "%.1f"),
          cell(p + "_anon_kb", "%.0f"), cell(p + "_file_kb", "%.0f"), cell(p + "_threads", "%.0f")))
PY
)
section=$(
  echo ""
  echo "### Start to serving and idle memory, empty store ($(rmq_date), $(nproc) cores, $(uname -r))"
  echo ""
  echo "Machine: $(rmq_machine "$top_work")."
  [ "$RMQ_BUSY_STEPS" = 0 ] || echo "**Warning:** $RMQ_BUSY_STEPS of $runs runs ran while other processes loaded the machine; the figures are skewed."
  echo ""
  echo "Command: \`bench/startup_memory.sh $runs $idle\`: $runs runs, each a fresh name server and a broker (ASYNC_FLUSH, empty store, registering with that name server) on free ports; times from just before the exec (bash \$EPOCHREALTIME) to the port accepting a TCP connection and to the \"boot success\" line on stdout (polled every 2 ms); memory from /proc/PID/status after $idle s idle. Medians, min–max in brackets."
  echo ""
  echo "$table"
)
rmq_doc "$section"
