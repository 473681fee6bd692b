#!/usr/bin/env bash
# One mqbench workload against two systems in turns (A B A B ...), e.g. this broker next to the
# Java broker on the same machine: prints every run, the medians per side and the ratios B/A of
# throughput, p99, p999 and (with the broker pids) broker CPU per million messages and RSS;
# appends the table to docs/PERFORMANCE.md.
#   bench/compare.sh -a NAMESRV_A -b NAMESRV_B [--pid-a PID] [--pid-b PID] [--label-a NAME]
#                    [--label-b NAME] [--rounds N] -- <mqbench args>
# e.g. bench/compare.sh -a 127.0.0.1:9876 -b 127.0.0.1:9877 --pid-a 1234 --pid-b 5678 \
#        --label-a java --label-b cpp -- -t BenchTopic -w 64 -s 1024 -d 30
# The mqbench args must not contain -n / -b / --pid (compare.sh adds them). Rounds default to 3.
# Environment: NO_BUILD=1, NO_DOC=1, WAIT_QUIET (see bench/lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
usage() { sed -n '6,8p' "$0" | sed 's/^# *//' >&2; exit 2; }
addr_a="" addr_b="" pid_a="" pid_b="" label_a=A label_b=B rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    -a) addr_a=$2; shift 2 ;;
    -b) addr_b=$2; shift 2 ;;
    --pid-a) pid_a=$2; shift 2 ;;
    --pid-b) pid_b=$2; shift 2 ;;
    --label-a) label_a=$2; shift 2 ;;
    --label-b) label_b=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "unknown option $1" >&2; usage ;;
  esac
done
[ -n "$addr_a" ] && [ -n "$addr_b" ] || usage
for a in "$@"; do
  case "$a" in -n|-b|--pid) echo "compare.sh sets $a itself" >&2; exit 2 ;; esac
done
rmq_build mqbench
rmq_workdir work
results="$work/results"
: >"$results"
for ((i = 1; i <= rounds; i++)); do
  for side in a b; do
    if [ "$side" = a ]; then addr=$addr_a pid=$pid_a label=$label_a; else addr=$addr_b pid=$pid_b label=$label_b; fi
    pidargs=()
    [ -z "$pid" ] || pidargs=(--pid "$pid")
    rmq_wait_quiet
    rmq_watch_start
    out=$("$rmq_bin/mqbench" -n "$addr" "${pidargs[@]}" "$@" | grep '^RESULT' || true)
    rmq_watch_stop
    [ -n "$out" ] || { echo "mqbench against $label ($addr) printed no RESULT" >&2; exit 1; }
    echo "$label round $i: $out"
    echo "side=$side round=$i busy=$RMQ_BUSY ${out#RESULT }" >>"$results"
  done
done
table=$(python3 - "$results" "$label_a" "$label_b" "${pid_a:+1}" "${pid_b:+1}" <<'PY'
import statistics, sys
path, la, lb, ha, hb = sys.argv[1:6]
rows = [dict(kv.split("=", 1) for kv in line.split() if "=" in kv) for line in open(path)]
keys = [("tps", "msgs/s"), ("avg_us", "avg µs"), ("p50_us", "p50 µs"), ("p99_us", "p99 µs"),
        ("p999_us", "p999 µs"), ("max_us", "max µs"), ("failures", "failures")]
cpu = bool(ha and hb)
if cpu:
    keys += [("broker_cpu_s_per_million", "broker CPU µs/msg"),
             ("broker_rss_anon_kb", "broker anon RSS kB"), ("broker_rss_file_kb", "broker file RSS kB")]
print("| run | " + " | ".join(h for _, h in keys) + " |")
print("|---|" + "---|" * len(keys))
for r in rows:
    label = (la if r["side"] == "a" else lb) + " #" + r["round"] + (" †" if r["busy"] == "1" else "")
    print("| " + label + " | " + " | ".join(r.get(k, "-") for k, _ in keys) + " |")
med = {}
for side, label in (("a", la), ("b", lb)):
    rs = [r for r in rows if r["side"] == side]
    med[side] = {k: statistics.median(float(r[k]) for r in rs) for k, _ in keys}
    print("| **%s median** | " % label + " | ".join("%.1f" % med[side][k] for k, _ in keys) + " |")
def ratio(k):
    a, b = med["a"][k], med["b"][k]
    return "%.2f" % (b / a) if a else "-"
print("| **%s / %s** | " % (lb, la) + " | ".join(ratio(k) for k, _ in keys) + " |")
PY
)
section=$(
  echo ""
  echo "### Comparison: $label_b vs $label_a ($(rmq_date), $(nproc) cores, $(uname -r))"
  echo ""
  echo "Machine: $(rmq_machine)."
  rmq_busy_note
  echo ""
  echo "Command: \`bench/compare.sh -a $addr_a -b $addr_b${pid_a:+ --pid-a PID}${pid_b:+ --pid-b PID} --label-a $label_a --label-b $label_b --rounds $rounds -- $*\` ($rounds rounds, $label_a and $label_b in turns; each row is one \`mqbench -n ADDR $*\` run; the last row is the ratio of the medians, $label_b / $label_a: above 1 is better for msgs/s, below 1 is better for latency, CPU and RSS)."
  echo ""
  echo "$table"
)
rmq_doc "$section"
