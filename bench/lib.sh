# shellcheck shell=bash disable=SC2034
# Shared functions of the bench/*.sh scripts: build, free ports, temporary directories and
# cleanup, starting mqnamesrv / mqbroker with a config and timing them to serving, RSS figures,
# waiting for a quiet machine, RESULT-line fields, the machine description and the append to
# docs/PERFORMANCE.md. Source it after `set -euo pipefail`:
#   . "$(dirname "$0")/lib.sh"
# Environment understood by every script that uses it:
#   NO_BUILD=1        do not build the needed targets first
#   NO_DOC=1          print only, do not append to docs/PERFORMANCE.md
#   BENCH_DIR=DIR     parent of the temporary stores (default $TMPDIR or /tmp): the disk measured
#   RMQ_BIN_DIR=DIR   binaries (default build/bin)
#   WAIT_QUIET=900    seconds to wait for a quiet machine before a measured step (0: do not wait)
#   QUIET_CORES=0.2   CPU use of other processes still counted as quiet
#   QUIET_IO_MBS=5    disk MB/s of other processes still counted as quiet
#   STEADY_PAGE_CACHE=1  fill the page cache before measuring (see rmq_steady_page_cache)

rmq_top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rmq_bin="${RMQ_BIN_DIR:-$rmq_top/build/bin}"
rmq_parent="${BENCH_DIR:-${TMPDIR:-/tmp}}"
rmq_pids=()
rmq_dirs=()

# ---- build ----
# rmq_build TARGET...: only these targets (the rest of the tree may be mid-edit by someone
# else), under the shared lock so that two builds never run at once.
rmq_build() {
  [ "${NO_BUILD:-0}" = 1 ] && return 0
  if [ ! -f "$rmq_top/build/build.ninja" ]; then
    flock /tmp/rmq-build.lock cmake -S "$rmq_top" -B "$rmq_top/build" -G Ninja \
      -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  fi
  local t args=()
  for t in "$@"; do args+=(--target "$t"); done
  flock /tmp/rmq-build.lock cmake --build "$rmq_top/build" -j "${JOBS:-2}" "${args[@]}" >/dev/null
}

# ---- temporary directories, processes, cleanup ----
rmq_cleanup() {
  local p
  [ -z "${rmq_monitor_pid:-}" ] || kill "$rmq_monitor_pid" 2>/dev/null || true
  for p in "${rmq_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${rmq_pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  for p in "${rmq_dirs[@]}"; do rm -rf "$p"; done
}
# rmq_track PID: a background process of the script, stopped at exit if still running.
rmq_track() { rmq_pids+=("$1"); }
trap rmq_cleanup EXIT
trap 'exit 130' INT TERM

# rmq_workdir VAR: a fresh temporary directory under $BENCH_DIR, removed at exit.
rmq_workdir() {
  local d
  d="$(mktemp -d "$rmq_parent/rmqbench.XXXXXX")"
  rmq_dirs+=("$d")
  printf -v "$1" '%s' "$d"
}

rmq_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Sleep without a process (for polling every few milliseconds).
rmq_sleep_fd=""
rmq_msleep() {
  if [ -z "$rmq_sleep_fd" ]; then
    local fifo
    fifo="$(mktemp -u "$rmq_parent/rmqsleep.XXXXXX")"
    mkfifo "$fifo"
    exec {rmq_sleep_fd}<>"$fifo"
    rm -f "$fifo"
  fi
  read -r -t "$1" -u "$rmq_sleep_fd" _ || true
}

rmq_now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }

# rmq_wait_serving PID PORT LOG T0_US [TIMEOUT_S]: waits until PORT accepts a connection and LOG
# has "boot success"; sets RMQ_SERVING_MS (exec to the port accepting) and RMQ_BOOT_MS (exec to
# the "boot success" line), both measured from T0_US (rmq_now_us taken just before the exec).
rmq_wait_serving() {
  local pid=$1 port=$2 log=$3 t0=$4 timeout=${5:-60} serving="" boot="" deadline now
  deadline=$(($(rmq_now_us) + timeout * 1000000))
  while [ -z "$serving" ] || [ -z "$boot" ]; do
    now=$(rmq_now_us)
    if [ -z "$serving" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then serving=$now; fi
    if [ -z "$boot" ] && grep -q "boot success" "$log" 2>/dev/null; then boot=$now; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "process $pid exited before serving; its output:" >&2
      tail -20 "$log" >&2
      return 1
    fi
    if [ "$now" -gt "$deadline" ]; then
      echo "process $pid not serving on port $port after ${timeout} s" >&2
      return 1
    fi
    rmq_msleep 0.002
  done
  RMQ_SERVING_MS=$(awk -v a="$serving" -v b="$t0" 'BEGIN {printf "%.1f", (a - b) / 1000}')
  RMQ_BOOT_MS=$(awk -v a="$boot" -v b="$t0" 'BEGIN {printf "%.1f", (a - b) / 1000}')
}

# rmq_start_namesrv DIR: starts mqnamesrv on a free port with its files in DIR. Sets NS_PID,
# NS_PORT, NS_ADDR, NS_OUT and NS_SERVING_MS / NS_BOOT_MS.
rmq_start_namesrv() {
  local dir=$1 t0
  NS_PORT=$(rmq_free_port)
  NS_ADDR="127.0.0.1:$NS_PORT"
  NS_OUT="$dir/ns.out"
  printf 'listenPort=%s\nkvConfigPath=%s/kv.json\nconfigStorePath=%s/ns.properties\n' \
    "$NS_PORT" "$dir" "$dir" >"$dir/ns.conf"
  t0=$(rmq_now_us)
  "$rmq_bin/mqnamesrv" -c "$dir/ns.conf" >"$NS_OUT" 2>&1 &
  NS_PID=$!
  rmq_pids+=("$NS_PID")
  rmq_wait_serving "$NS_PID" "$NS_PORT" "$NS_OUT" "$t0"
  NS_SERVING_MS=$RMQ_SERVING_MS
  NS_BOOT_MS=$RMQ_BOOT_MS
}

# rmq_broker_conf DIR [KEY=VALUE...]: writes DIR/broker.conf (free port, the name server started
# by rmq_start_namesrv if any, store in DIR/store, ASYNC_FLUSH) with the extra keys appended
# (a later key wins). Sets BROKER_CONF, BROKER_PORT, BROKER_ADDR, BROKER_STORE.
rmq_broker_conf() {
  local dir=$1 kv
  shift
  BROKER_PORT=$(rmq_free_port)
  BROKER_ADDR="127.0.0.1:$BROKER_PORT"
  BROKER_STORE="$dir/store"
  BROKER_CONF="$dir/broker.conf"
  {
    echo "brokerClusterName=BenchCluster"
    echo "brokerName=bench-broker"
    echo "brokerIP1=127.0.0.1"
    echo "listenAddress=127.0.0.1"
    echo "listenPort=$BROKER_PORT"
    echo "vipChannelEnable=false"
    [ -z "${NS_ADDR:-}" ] || echo "namesrvAddr=$NS_ADDR"
    echo "storePathRootDir=$BROKER_STORE"
    echo "storePathCommitLog=$BROKER_STORE/commitlog"
    echo "flushDiskType=ASYNC_FLUSH"
    for kv in "$@"; do echo "$kv"; done
  } >"$BROKER_CONF"
}

# rmq_run_broker: starts mqbroker with $BROKER_CONF (as written by rmq_broker_conf) and waits
# until it serves. Sets BROKER_PID, BROKER_OUT, BROKER_SERVING_MS, BROKER_BOOT_MS. Run it again
# after the broker stopped to restart it on the same store.
rmq_run_broker() {
  local t0 dir
  dir="$(dirname "$BROKER_CONF")"
  BROKER_RUNS=$((${BROKER_RUNS:-0} + 1))
  BROKER_OUT="$dir/broker.$BROKER_RUNS.out"
  t0=$(rmq_now_us)
  "$rmq_bin/mqbroker" -c "$BROKER_CONF" >"$BROKER_OUT" 2>&1 &
  BROKER_PID=$!
  rmq_pids+=("$BROKER_PID")
  rmq_wait_serving "$BROKER_PID" "$BROKER_PORT" "$BROKER_OUT" "$t0" "${BROKER_START_TIMEOUT:-300}"
  BROKER_SERVING_MS=$RMQ_SERVING_MS
  BROKER_BOOT_MS=$RMQ_BOOT_MS
}

# rmq_start_broker DIR [KEY=VALUE...]: rmq_broker_conf + rmq_run_broker.
rmq_start_broker() {
  rmq_broker_conf "$@"
  rmq_run_broker
}

# rmq_stop PID [SIGNAL]: sends SIGNAL (default TERM) and waits until the process is gone.
rmq_stop() {
  local pid=$1 sig=${2:-TERM}
  kill "-$sig" "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# rmq_rss PID: "anon_kb file_kb" from /proc/PID/status.
rmq_rss() {
  awk '/^RssAnon:/ {a = $2} /^RssFile:/ {f = $2} END {print a + 0, f + 0}' "/proc/$1/status"
}

# rmq_cpu_s PID: user + system CPU seconds of PID.
rmq_cpu_s() {
  awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz}' "/proc/$1/stat"
}

# rmq_thread_ticks PID: "name ticks" per thread of PID (threads of one name summed).
rmq_thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    awk '{n = substr($0, index($0, "(") + 1); n = substr(n, 1, index(n, ")") - 1);
          sub(/^.*\) /, ""); print n, $12 + $13}' "$t/stat" 2>/dev/null || true
  done | awk '{s[$1] += $2} END {for (k in s) print k, s[k]}' | sort
}
# rmq_thread_us_per_msg BEFORE AFTER MESSAGES: "name:µs,name:µs" of CPU per message for every
# thread that used any (BEFORE / AFTER from rmq_thread_ticks).
rmq_thread_us_per_msg() {
  join <(echo "$1") <(echo "$2") | awk -v q="$3" -v hz="$(getconf CLK_TCK)" '
    { d = $3 - $2; if (d > 0) { printf "%s%s:%.2f", sep, $1, d / hz * 1e6 / q; sep = "," } }
    END { if (sep == "") printf "-" }'
}

# ---- steady-state page cache ----
# rmq_steady_page_cache: with STEADY_PAGE_CACHE=1, fills the page cache until about
# STEADY_FREE_MB (default 768) MB stay free, by reading a sparse file, kept until exit. A broker
# host whose CommitLog outgrew memory runs like that: every new CommitLog page reuses a page the
# kernel reclaims from old data. Without it, on a VM whose balloon reports free pages to the host
# (Firecracker and others), each new page-cache page is a host fault the guest pays for in the
# kernel's zero-fill, several times the cost on real hardware (docs/PERFORMANCE.md). Prints what
# it did; sets RMQ_PAGE_CACHE_NOTE for the doc.
RMQ_PAGE_CACHE_NOTE="page cache not prefilled (fresh guest memory for new CommitLog pages)"
rmq_steady_page_cache() {
  [ "${STEADY_PAGE_CACHE:-0}" = 1 ] || return 0
  local avail keep fill dir t0
  avail=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
  keep=$(( ${STEADY_FREE_MB:-768} * 1024 ))
  fill=$(( avail > keep ? (avail - keep) * 1024 : 0 ))
  rmq_workdir dir
  truncate -s "$fill" "$dir/page-cache-fill"
  t0=$(rmq_now_us)
  cat "$dir/page-cache-fill" >/dev/null
  RMQ_PAGE_CACHE_NOTE="page cache prefilled with $((fill / 1048576)) MiB of a sparse file in $(awk -v a="$(rmq_now_us)" -v b="$t0" 'BEGIN {printf "%.1f", (a - b) / 1e6}') s, $(awk '/^MemFree:/ {printf "%d", $2 / 1024}' /proc/meminfo) MiB left free (STEADY_PAGE_CACHE=1: new CommitLog pages come from reclaimed page cache, as on a long-running broker host)"
  echo "$RMQ_PAGE_CACHE_NOTE" >&2
}

# ---- RESULT lines (mqbench, store_bench: key=value fields) ----
# rmq_get "LINE" KEY: the value of KEY in LINE ("-" when absent).
rmq_get() {
  echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2; found = 1} END {if (!found) print "-"}'
}

# rmq_ratio A B [FORMAT]: B / A ("-" when either is missing or A is 0).
rmq_ratio() {
  awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN {
    if (a == "-" || b == "-" || a == "" || b == "" || a + 0 == 0) print "-"; else printf f "\n", b / a }'
}

# ---- quiet machine ----
# "Busy" = a build (ninja, cc1plus, ld) runs, or processes outside this script's process group
# used more than QUIET_CORES cores or QUIET_IO_MBS MB/s of disk over a window. Kernel threads
# are not counted (writeback mostly serves the benchmark's own I/O). Processes this script
# started share its process group and are not counted either.
rmq_monitor_py=""
rmq_monitor_pid=""
rmq_busy_flag=""
rmq_monitor_init() {
  [ -n "$rmq_monitor_py" ] && return 0
  rmq_workdir rmq_monitor_dir
  rmq_monitor_py="$rmq_monitor_dir/monitor.py"
  rmq_busy_flag="$rmq_monitor_dir/busy"
  cat >"$rmq_monitor_py" <<'PY'
import os, sys, time
mode, mypgid, limit, flag, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], float(sys.argv[5])
hz = os.sysconf("SC_CLK_TCK")
io_limit = float(os.environ.get("QUIET_IO_MBS", "5")) * 1e6
BUILD = {"ninja", "cc1plus", "cc1", "ld", "collect2"}
def sample():
    cpu, build = {}, False
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as fh:
                s = fh.read()
        except OSError:
            continue
        comm = s[s.find("(") + 1:s.rfind(")")]
        r = s[s.rfind(")") + 2:].split()
        if int(r[2]) == mypgid or int(r[1]) == 2 or p == "2":
            continue
        build = build or comm in BUILD
        io = 0
        try:
            with open("/proc/%s/io" % p) as fh:
                for line in fh:
                    if line.startswith(("read_bytes:", "write_bytes:")):
                        io += int(line.split()[1])
        except OSError:
            pass
        cpu[p] = (int(r[11]) + int(r[12]), io)
    return cpu, build
def busy_window(seconds):
    a, b1 = sample()
    time.sleep(seconds)
    b, b2 = sample()
    used = sum(v[0] - a.get(k, v)[0] for k, v in b.items()) / hz / seconds
    io = sum(v[1] - a.get(k, v)[1] for k, v in b.items()) / seconds
    return b1 or b2 or used > limit or io > io_limit, used
if mode == "wait":
    start, said = time.time(), False
    while True:
        busy, used = busy_window(2.0)
        if not busy:
            sys.exit(0)
        if not said:
            print("waiting for a quiet machine (other processes: %.2f cores, or disk I/O, or a build)..." % used, file=sys.stderr)
            said = True
        if time.time() - start > timeout:
            print("warning: still busy after %.0f s; measuring anyway" % timeout, file=sys.stderr)
            sys.exit(1)
else:
    parent = os.getppid()
    while os.getppid() == parent:  # ends with the script, even after a SIGKILL
        busy, used = busy_window(1.0)
        if busy:
            open(flag, "w").close()
PY
}

# rmq_wait_quiet: waits up to WAIT_QUIET seconds for a quiet machine.
rmq_wait_quiet() {
  [ "${WAIT_QUIET:-900}" = 0 ] && return 0
  rmq_monitor_init
  python3 "$rmq_monitor_py" wait "$(ps -o pgid= $$ | tr -d ' ')" "${QUIET_CORES:-0.2}" - \
    "${WAIT_QUIET:-900}" || true
}

# rmq_watch_start / rmq_watch_stop: watch the machine during a measured step; rmq_watch_stop
# sets RMQ_BUSY=1 when other processes loaded it meanwhile (and counts it in RMQ_BUSY_STEPS).
RMQ_BUSY_STEPS=0
# The steal column of /proc/stat: CPU time the hypervisor gave to others while this guest's
# vCPUs wanted to run. rmq_watch_stop sets RMQ_STEAL_PCT, the share of all CPU time it took
# during the step: latency tails follow it on an oversubscribed host.
rmq_stat_cpu() { awk '/^cpu / {t = 0; for (i = 2; i <= NF; i++) t += $i; print $9, t; exit}' /proc/stat; }
rmq_watch_start() {
  RMQ_STAT0=$(rmq_stat_cpu)
  rmq_monitor_init
  rm -f "$rmq_busy_flag"
  python3 "$rmq_monitor_py" watch "$(ps -o pgid= $$ | tr -d ' ')" "${QUIET_CORES:-0.2}" \
    "$rmq_busy_flag" 0 &
  rmq_monitor_pid=$!
}
rmq_watch_stop() {
  RMQ_BUSY=0
  RMQ_STEAL_PCT=$(echo "${RMQ_STAT0:-0 0} $(rmq_stat_cpu)" |
    awk '{d = $4 - $2; printf "%.1f\n", (d > 0 ? ($3 - $1) * 100 / d : 0)}')
  if [ -n "$rmq_monitor_pid" ]; then
    kill "$rmq_monitor_pid" 2>/dev/null || true
    wait "$rmq_monitor_pid" 2>/dev/null || true
    rmq_monitor_pid=""
  fi
  if [ -e "$rmq_busy_flag" ]; then
    RMQ_BUSY=1
    RMQ_BUSY_STEPS=$((RMQ_BUSY_STEPS + 1))
  fi
}
# rmq_busy_mark: " †" after a step that ran on a busy machine (after rmq_watch_stop).
rmq_busy_mark() { [ "${RMQ_BUSY:-0}" = 1 ] && echo " †" || true; }
# rmq_busy_note: the warning line for the doc section, if any step was busy.
rmq_busy_note() {
  [ "$RMQ_BUSY_STEPS" = 0 ] || echo "**Warning:** $RMQ_BUSY_STEPS step(s) ran while other processes loaded the machine; their rows are marked †, their figures are skewed."
}

# ---- disk ----
# rmq_disk_dev DIR: the block device (e.g. vda) holding DIR.
rmq_disk_dev() {
  local src dev
  src=$(findmnt -no SOURCE --target "$1" | head -1)
  dev=$(lsblk -no PKNAME "$src" 2>/dev/null | head -1 || true)
  [ -n "$dev" ] || dev=$(basename "$src")
  echo "$dev"
}
# rmq_disk_written_mb DEV: MB (10^6 bytes) written to DEV since boot (/proc/diskstats).
rmq_disk_written_mb() {
  awk -v d="$1" '$3 == d {printf "%.1f\n", $10 * 512 / 1e6}' /proc/diskstats
}

# rmq_disk_read_mb DEV: MB read from DEV since boot.
rmq_disk_read_mb() {
  awk -v d="$1" '$3 == d {printf "%.1f\n", $6 * 512 / 1e6}' /proc/diskstats
}
# rmq_drop_cache DIR: writes back and drops the page cache of every file under DIR
# (fdatasync + POSIX_FADV_DONTNEED; pages still mapped by a running process stay).
rmq_drop_cache() {
  python3 - "$1" <<'PY'
import os, sys
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        try:
            fd = os.open(os.path.join(root, f), os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
PY
}
# rmq_cached_mb DIR: MB of the files under DIR in the page cache (fincore).
rmq_cached_mb() {
  find "$1" -type f -print0 | xargs -0 -r fincore -b -n -o RES 2>/dev/null |
    awk '{s += $1} END {printf "%.1f\n", s / 1e6}'
}
# rmq_size_bytes 2G|500M|123: bytes (K, M, G = powers of 1024).
rmq_size_bytes() {
  awk -v s="$1" 'BEGIN { n = s + 0; u = toupper(substr(s, length(s)));
    if (u == "K") n *= 1024; else if (u == "M") n *= 1048576; else if (u == "G") n *= 1073741824;
    printf "%.0f\n", n }'
}

# ---- machine and doc ----
# rmq_machine [DIR]: one line: cores, CPU, RAM, kernel and the disk holding DIR.
rmq_machine() {
  local dir=${1:-$rmq_parent} dev model size fstype cpu mem
  fstype="$(findmnt -no FSTYPE --target "$dir" | head -1) ($(findmnt -no OPTIONS --target "$dir" | head -1))"
  dev=$(rmq_disk_dev "$dir")
  model=$(lsblk -dno MODEL "/dev/$dev" 2>/dev/null | xargs || true)
  size=$(lsblk -dno SIZE "/dev/$dev" 2>/dev/null | xargs || true)
  cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
  mem=$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)
  echo "$(nproc) cores ($cpu), ${mem} GB RAM, kernel $(uname -r); disk /dev/$dev ${model:-(no model string)} ${size}, ${fstype}; load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
}

# rmq_doc SECTION: prints SECTION and appends it to docs/PERFORMANCE.md unless NO_DOC=1.
rmq_doc() {
  echo "$1"
  if [ "${NO_DOC:-0}" != 1 ]; then
    echo "$1" >>"$rmq_top/docs/PERFORMANCE.md"
    echo "appended to docs/PERFORMANCE.md" >&2
  fi
}

rmq_date() { date -u +%Y-%m-%d; }
