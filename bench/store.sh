#!/usr/bin/env bash
# Message store benchmarks next to the raw disk: async append vs sequential write bandwidth,
# SYNC_FLUSH with 1/16/64 appenders vs write+fdatasync at the same batch sizes, recovery time per
# GB of unflushed tail, queue scan. Prints a table and appends a section to docs/PERFORMANCE.md.
#
#   bench/store.sh
# Environment (all optional):
#   NO_BUILD=1          do not build store_bench first
#   BENCH_DIR=DIR       parent of the temporary stores/files (default: $TMPDIR or /tmp); must be
#                       on the disk to measure
#   BYTES=1000M         data per append / raw / recover run (scaled down when < 10 GB free)
#   SCAN_BYTES=400M     data of the scanned queue
#   SECS=5              measured seconds per SYNC_FLUSH level and per raw fdatasync run
#   REPEAT=3            raw-bandwidth / append pairs (interleaved; the table shows medians)
#   APPEND_THREADS="1 4"
#   WAIT_QUIET=900      seconds to wait for a quiet machine (no other build, tests...) per step
#   QUIET_CORES=0.2     CPU use of other processes still counted as quiet
#   QUIET_IO_MBS=5      disk MB/s of other processes still counted as quiet
#   STEPS="append sync recover scan diag"   what to run (diag: the store's I/O pattern without
#                       the store, and madvise experiments)
#   NO_DOC=1            print only, do not append to docs/PERFORMANCE.md
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
bin="$top/build/bin/store_bench"
parent="${BENCH_DIR:-${TMPDIR:-/tmp}}"
secs="${SECS:-5}"
repeat="${REPEAT:-3}"
append_threads="${APPEND_THREADS:-1 4}"
wait_quiet="${WAIT_QUIET:-900}"
steps="${STEPS:-append sync recover scan diag}"

if [ "${NO_BUILD:-0}" != 1 ]; then
  # Only this target: the rest of the tree may be mid-edit by someone else. Builds are serialized.
  if [ ! -f "$top/build/build.ninja" ]; then
    flock /tmp/rmq-build.lock cmake -S "$top" -B "$top/build" -G Ninja \
      -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  fi
  flock /tmp/rmq-build.lock cmake --build "$top/build" -j "${JOBS:-2}" --target store_bench >/dev/null
fi
[ -x "$bin" ] || { echo "missing $bin" >&2; exit 1; }

# ---- disk budget ----
avail_gb=$(df -BG --output=avail "$parent" | tail -1 | tr -dc 0-9)
bytes="${BYTES:-1000M}"
scan_bytes="${SCAN_BYTES:-400M}"
if [ "$avail_gb" -lt 10 ]; then
  echo "only ${avail_gb} GB free in $parent: scaling the runs down" >&2
  bytes="${BYTES:-200M}"
  scan_bytes="${SCAN_BYTES:-100M}"
fi

# ---- quiet machine: do not measure while someone else's build or tests run ----
# "Busy" = a build (ninja, cc1plus) is running, or processes outside this script's process group
# used more than QUIET_CORES (default 0.2) cores or read/wrote more than QUIET_IO_MBS (default 5)
# MB/s of disk over a one-second window (an idle broker polls a little; a compile, a test suite
# or a JVM do not stay under that). Kernel threads are not
# counted: writeback workers mostly serve this benchmark's own I/O.
quiet_cores="${QUIET_CORES:-0.2}"
mypgid=$(ps -o pgid= $$ | tr -d ' ')
monitor_py="$(mktemp)"
cat >"$monitor_py" <<'PY'
import os, sys, time
mode, mypgid, limit, flag, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], float(sys.argv[5])
hz = os.sysconf("SC_CLK_TCK")
io_limit = float(os.environ.get("QUIET_IO_MBS", "5")) * 1e6  # disk bytes/s of other processes
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
        wrote = 0
        try:
            with open("/proc/%s/io" % p) as fh:
                for line in fh:
                    if line.startswith(("read_bytes:", "write_bytes:")):
                        wrote += int(line.split()[1])
        except OSError:
            pass
        cpu[p] = (int(r[11]) + int(r[12]), wrote)
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
    while True:
        busy, used = busy_window(1.0)
        if busy:
            open(flag, "w").close()
PY
busy_steps=0
wait_for_quiet() { python3 "$monitor_py" wait "$mypgid" "$quiet_cores" - "$wait_quiet" || true; }

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
results="$(mktemp)"
commands="$(mktemp)"
flag="$(mktemp -u)"
monitor_pid=""
trap 'rm -f "$results" "$commands" "$flag" "$monitor_py"; [ -z "$monitor_pid" ] || kill "$monitor_pid" 2>/dev/null || true' EXIT
# One measurement, repeated (up to 3 times) while the machine was busy during it; a step that
# never got a quiet machine is kept with busy=1 and flagged in the tables.
run() {
  local cmd="store_bench $*" out attempt
  echo "$cmd" >>"$commands"
  for attempt in 1 2 3; do
    wait_for_quiet
    echo "+ $cmd" >&2
    rm -f "$flag"
    python3 "$monitor_py" watch "$mypgid" "$quiet_cores" "$flag" 0 &
    monitor_pid=$!
    out=$("$bin" --dir "$parent" "$@")
    kill "$monitor_pid" 2>/dev/null || true
    wait "$monitor_pid" 2>/dev/null || true
    monitor_pid=""
    [ -e "$flag" ] || break
    echo "the machine was busy during this step (attempt $attempt)" >&2
  done
  if [ -e "$flag" ]; then
    busy_steps=$((busy_steps + 1))
    out=$(echo "$out" | sed 's/$/ busy=1/')
  fi
  echo "$out" | tee -a "$results"
}

want() { case " $steps " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
if want append; then
  for ((i = 1; i <= repeat; i++)); do
    run --mode raw --bytes "$bytes"
    for t in $append_threads; do run --mode append --threads "$t" --bytes "$bytes"; done
  done
fi
if want sync; then
  run --mode sync --appenders 1,16,64 --seconds "$secs"
  run --mode sync --appenders 1,16,64 --seconds "$secs" --issue callback
fi
# The raw fdatasync pattern at the batch sizes the store reached: k writes of one record each,
# then fdatasync. k = 1 is the raw fdatasync rate.
raw_ks_done=" "
raw_for_store_batches() {
  local ks k
  ks=$(awk '/^mode=sync/ {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "msgs_per_flush") k = int(kv[2] + 0.5) }
      if (k < 1) k = 1; print k }' "$results")
  for k in $(printf '%s\n' 1 $ks | sort -n | uniq); do
    case "$raw_ks_done" in *" $k "*) continue ;; esac
    run --mode raw --sync-every "$k" --seconds "$secs" --bytes "$bytes"
    raw_ks_done="$raw_ks_done$k "
  done
}
want sync && raw_for_store_batches
if want recover; then
  run --mode recover --bytes "$bytes"
  run --mode recover --bytes "$bytes" --cold
fi
if want scan; then
  run --mode scan --bytes "$scan_bytes"
  run --mode scan --bytes "$scan_bytes" --cold
fi
if want diag; then
  # The store's own I/O pattern (fallocate + MAP_SHARED + memcpy + msync) without the store, and
  # the effect of the page-cache folio size of the mapping (MADV_RANDOM = no readahead, 4 KiB
  # folios) on the store and on that pattern.
  k64=$(awk '/^mode=sync/ && / appenders=64 issue=thread / {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "msgs_per_flush") print int(kv[2] + 0.5) } }' "$results" | head -1)
  run --mode raw --via mmap --bytes "$bytes"
  run --mode raw --via mmap --sync-every "${k64:-64}" --seconds "$secs" --bytes "$bytes"
  run --mode raw --via mmap --sync-every "${k64:-64}" --seconds "$secs" --bytes "$bytes" --advise random
  run --mode sync --appenders 1,16,64 --seconds "$secs" --advise random
  raw_for_store_batches
  run --mode append --threads 1 --bytes "$bytes" --advise random
fi

# ---- machine ----
src=$(findmnt -no SOURCE --target "$parent" | head -1)
fstype="$(findmnt -no FSTYPE --target "$parent" | head -1) ($(findmnt -no OPTIONS --target "$parent" | head -1))"
if ls /proc/fs/jbd2 2>/dev/null | grep -q "^$(basename "$src")-"; then journal="with journal"; else journal="no journal"; fi
dev=$(lsblk -no PKNAME "$src" 2>/dev/null | head -1)
[ -n "$dev" ] || dev=$(basename "$src")
disk_model=$(lsblk -dno MODEL "/dev/$dev" 2>/dev/null | xargs || true)
disk_size=$(lsblk -dno SIZE "/dev/$dev" 2>/dev/null | xargs || true)
sched=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "/sys/block/$dev/queue/scheduler" 2>/dev/null || true)
ra=$(cat "/sys/block/$dev/queue/read_ahead_kb" 2>/dev/null || true)
wcache=$(cat "/sys/block/$dev/queue/write_cache" 2>/dev/null || true)
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem_gb=$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)
balloon=""
for d in /sys/bus/virtio/devices/*; do
  if [ "$(readlink "$d/driver" 2>/dev/null | xargs basename 2>/dev/null)" = virtio_balloon ]; then
    # Feature bit 5: VIRTIO_BALLOON_F_REPORTING (free pages go back to the host).
    [ "$(cut -c6 "$d/features")" = 1 ] && balloon="; virtio-balloon with free page reporting"
  fi
done
machine="$(nproc) cores ($cpu), ${mem_gb} GB RAM, kernel $(uname -r); disk /dev/$dev ${disk_model:-(no model string)} ${disk_size}, ${fstype}, ${journal}, scheduler ${sched:-?}, read_ahead_kb ${ra:-?}, write cache ${wcache:-?}${balloon}; ${avail_gb} GB free in $parent; load average at start ${load_start}"

section=$(python3 - "$results" "$commands" "$machine" "$(date -u +%Y-%m-%d)" "$busy_steps" "$bytes" "$scan_bytes" "$secs" "$steps" <<'PY'
import statistics, sys
results, commands, machine, date, busy, nbytes, scan_bytes, secs, steps = sys.argv[1:10]
rows = []
for line in open(results):
    if not line.startswith("mode="):
        continue
    rows.append(dict(kv.split("=", 1) for kv in line.split() if "=" in kv))

def f(r, k):
    return float(r[k])

def sel(**kw):
    # Main tables: the plain runs only; diagnostics (raw via mmap, madvise) are listed apart.
    kw.setdefault("advise", "none")
    if kw.get("mode") == "raw":
        kw.setdefault("via", "write")
    return [r for r in rows if all(r.get(k, "none" if k == "advise" else None) == v for k, v in kw.items())]

def mark(rs):
    if isinstance(rs, dict):
        rs = [rs]
    return " †" if any(r.get("busy") == "1" for r in rs) else ""

def diag():
    return [r for r in rows if r.get("advise", "none") != "none" or r.get("via", "write") != "write"]

def med(rs, k):
    return statistics.median(f(r, k) for r in rs) if rs else float("nan")

def span(rs, k, fmt="%.0f"):
    if not rs:
        return "-"
    vals = sorted(f(r, k) for r in rs)
    m = statistics.median(vals)
    return (fmt % m) + ("" if len(vals) == 1 else " (" + (fmt % vals[0]) + "–" + (fmt % vals[-1]) + ")")

out = []
on = [True]
def P(text):
    if on[0]:
        out.append(text)
P("")
P("### Message store: append, SYNC_FLUSH, recovery, scan (%s)" % date)
P("")
P("Machine: %s." % machine)
if busy != "0":
    P("**Warning:** %s step(s) ran while other processes (another engineer's build or tests) "
      "loaded the machine, even after 3 attempts; their rows are marked †, their figures are "
      "skewed." % busy)
P("")
P("Command: `%sbench/store.sh` (BYTES=%s, SCAN_BYTES=%s). It ran, in this order:" % (
    ("STEPS=\"%s\" " % steps) if steps != "append sync recover scan diag" else "", nbytes, scan_bytes))
P("")
P("```")
for c in open(commands):
    P(c.rstrip())
P("```")
P("")
P("MB = 10^6 bytes. Byte figures count whole CommitLog records (1 KB body + TAGS/WAIT/UNIQ_KEY "
  "properties + header = %s bytes per message), i.e. what the store writes. `disk MB` is the "
  "device's own write counter (/proc/diskstats) over the measured interval; `amp` = disk MB / "
  "payload MB." % next((r["record"] for r in rows if "record" in r), "?"))
P("")

raw = sel(mode="raw", kind="seq")
raw_mb = med(raw, "mb_per_s")
on[0] = bool(raw) and bool(sel(mode="append"))
P("#### Async append vs raw sequential write (medians of %d interleaved runs, min–max in brackets)" % len(raw))
P("")
P("Raw: 1 MiB `write(2)` blocks to a fresh file, one `fdatasync` at the end. Append: "
  "`MessageStore::putMessage` in ASYNC_FLUSH from N threads (4 queues), then "
  "`CommitLog::flushAll()`; end-to-end MB/s = bytes / (put phase + final flush), the comparable "
  "figure to the raw one (both until the data is on the disk).")
P("")
P("| run | msgs/s | MB/s end to end | put-phase MB/s | final flush s | p50 µs | p99 µs | p999 µs | max µs | CPU µs/msg | minor faults | disk MB | amp | vs raw |")
P("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
P("| raw 1 MiB writes + fdatasync%s | - | %s | %s (write phase) | %s | - | - | - | - | - | - | %s | %s | 100 %% |" % (
    mark(raw), span(raw, "mb_per_s"), span(raw, "write_mb_per_s"), span(raw, "fdatasync_s", "%.2f"),
    span(raw, "disk_write_mb"), span(raw, "write_amp", "%.2f")))
append_ratio = {}
for t in sorted({r["threads"] for r in sel(mode="append")}, key=int):
    rs = sel(mode="append", threads=t)
    ratio = med(rs, "mb_per_s") / raw_mb
    append_ratio[t] = ratio
    P("| append, %s thread(s)%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f %% |" % (
        t, mark(rs), span(rs, "msgs_per_s"), span(rs, "mb_per_s"), span(rs, "put_mb_per_s"),
        span(rs, "flush_s", "%.2f"), span(rs, "p50_us", "%.1f"), span(rs, "p99_us", "%.1f"),
        span(rs, "p999_us", "%.1f"), span(rs, "max_us", "%.0f"), span(rs, "cpu_us_per_msg", "%.2f"),
        span(rs, "minflt"), span(rs, "disk_write_mb"), span(rs, "write_amp", "%.2f"), 100 * ratio))
P("")

on[0] = bool(sel(mode="sync"))
P("#### SYNC_FLUSH vs raw write+fdatasync")
P("")
P("Store: SYNC_FLUSH, each appender keeps one put in flight (`thread`: one thread per appender "
  "waiting for its completion; `callback`: the completion, on the group-commit thread, issues "
  "the next put). %s s measured after 0.5 s of warm-up. Raw: `k` writes of one record each "
  "to a fresh file, then `fdatasync`, repeated for %s s; k = 1 gives the raw fdatasync rate, the "
  "other k are the store's measured messages per flush at 16 and 64 appenders." % (secs, secs))
P("")
P("| run | msgs/s | MB/s | flushes/s | msgs per flush | p50 µs | p99 µs | p999 µs | max µs | CPU µs/msg | disk MB | amp |")
P("|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in sel(mode="raw", kind="fdatasync"):
    P("| raw, fdatasync every %s writes%s | %s | %s | %s | %s | %s | %s | %s | %s | - | %s | %s |" % (
        r["sync_every"], mark(r), r["writes_per_s"], r["mb_per_s"], r["syncs_per_s"], r["sync_every"],
        r["p50_us"], r["p99_us"], r["p999_us"], r["max_us"], r.get("disk_write_mb", "-"),
        r.get("write_amp", "-")))
for r in sel(mode="sync"):
    P("| store, %s appender(s), %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        r["appenders"], r["issue"], mark(r), r["msgs_per_s"], r["mb_per_s"], r["flushes_per_s"],
        r["msgs_per_flush"], r["p50_us"], r["p99_us"], r["p999_us"], r["max_us"],
        r["cpu_us_per_msg"], r.get("disk_write_mb", "-"), r.get("write_amp", "-")))
P("")

def raw_at(k):
    rs = [r for r in sel(mode="raw", kind="fdatasync") if r["sync_every"] == str(k)]
    return f(rs[0], "mb_per_s") if rs else float("nan")

sync_lines = []
for r in sel(mode="sync"):
    k = max(1, int(f(r, "msgs_per_flush") + 0.5))
    base = raw_at(k)
    sync_lines.append((r, k, base, f(r, "mb_per_s") / base if base == base else float("nan")))
P("Ratio of the store to the raw pattern at the batch size it reached:")
P("")
for r, k, base, ratio in sync_lines:
    if base == base:
        P("- %s appender(s), %s: %.1f MB/s vs raw fdatasync-every-%d %.1f MB/s = **%.0f %%**" % (
            r["appenders"], r["issue"], f(r, "mb_per_s"), k, base, 100 * ratio))
    else:
        P("- %s appender(s), %s: %.1f MB/s (no raw run at k=%d)" % (
            r["appenders"], r["issue"], f(r, "mb_per_s"), k))
raw1 = sel(mode="raw", kind="fdatasync", sync_every="1")
if raw1:
    P("- raw fdatasync rate (k = 1): %s fdatasync/s; store with 1 appender (thread): %s msgs/s" % (
        raw1[0]["syncs_per_s"], next((r["msgs_per_s"] for r in sel(mode="sync", appenders="1", issue="thread")), "-")))
P("")

on[0] = bool(sel(mode="recover") or sel(mode="scan"))
P("#### Recovery and scan")
P("")
P("Recovery: a child process fills a store with ASYNC_FLUSH and is killed with SIGKILL right "
  "after its last put (abort file present; the checkpoint is older than the first record, so "
  "the whole log is the tail to walk); a fresh process then times `load()` + `start()` (abnormal "
  "recovery: CRC check of every record, re-dispatch to ConsumeQueue and index). `cold` = page "
  "cache of the store dropped (fdatasync + POSIX_FADV_DONTNEED) before loading; `warm` = data "
  "still in the page cache, as after a process crash. Scan: one queue, `getMessage(..., 32)` from "
  "offset 0 to the end, every record copied out once (as a pull response would); after a clean "
  "restart, `cold` = page cache dropped just before the scan.")
P("")
P("| run | data MB | seconds | s per GB | MB/s | msgs/s | disk read MB | checks |")
P("|---|---|---|---|---|---|---|---|")
for r in sel(mode="recover"):
    P("| recover, %s%s | %.0f | %s (load %s + start %s) | %s | %s | - | %s | abort=%s, recovered all bytes and queue entries: %s |" % (
        "cold" if r["cold"] == "1" else "warm", mark(r), f(r, "bytes") / 1e6, r["total_s"], r["load_s"],
        r["start_s"], r["s_per_gb"], r["mb_per_s"], r.get("disk_read_mb", "-"), r["abort"],
        "yes" if r["complete"] == "1" else "NO"))
for r in sel(mode="scan"):
    P("| scan, %s%s | %.0f | %s | %.3f | %s | %s | %s | %s of %s msgs read |" % (
        "cold" if r["cold"] == "1" else "warm", mark(r), f(r, "bytes") / 1e6, r["secs"],
        f(r, "secs") / (f(r, "bytes") / 1e9), r["mb_per_s"], r["msgs_per_s"],
        r.get("disk_read_mb", "-"), r["msgs"], r["expected_msgs"]))
P("")

on[0] = bool(diag())
P("#### Diagnostics (not targets)")
P("")
P("The store's I/O pattern without the store (`raw --via mmap`: fallocate, MAP_SHARED, memcpy of "
  "one record at a time, msync(MS_SYNC) of the dirty page range), and runs with `--advise random` "
  "(madvise(MADV_RANDOM) of the mapping before the first write: no readahead on the write "
  "faults, so 4 KiB page-cache folios instead of large ones).")
P("")
P("| run | msgs/s | MB/s | msgs per flush | p50 µs | p99 µs | disk MB | amp |")
P("|---|---|---|---|---|---|---|---|")
for r in diag():
    if r["mode"] == "raw" and r["kind"] == "seq":
        name = "raw seq via %s, advise %s (write %s s, msync %s s)" % (r["via"], r["advise"], r["write_s"], r["fdatasync_s"])
        P("| %s%s | - | %s | - | - | - | %s | %s |" % (name, mark(r), r["mb_per_s"], r.get("disk_write_mb", "-"), r.get("write_amp", "-")))
    elif r["mode"] == "raw":
        name = "raw via %s, advise %s, sync every %s" % (r["via"], r["advise"], r["sync_every"])
        P("| %s%s | %s | %s | %s | %s | %s | %s | %s |" % (name, mark(r), r["writes_per_s"], r["mb_per_s"], r["sync_every"], r["p50_us"], r["p99_us"], r.get("disk_write_mb", "-"), r.get("write_amp", "-")))
    elif r["mode"] == "sync":
        k = max(1, int(f(r, "msgs_per_flush") + 0.5))
        base = raw_at(k)
        vs = (" (%.0f %% of raw k=%d)" % (100 * f(r, "mb_per_s") / base, k)) if base == base else ""
        name = "store SYNC_FLUSH, %s appender(s), %s, advise %s" % (r["appenders"], r["issue"], r["advise"])
        P("| %s%s | %s | %s%s | %s | %s | %s | %s | %s |" % (name, mark(r), r["msgs_per_s"], r["mb_per_s"], vs, r["msgs_per_flush"], r["p50_us"], r["p99_us"], r.get("disk_write_mb", "-"), r.get("write_amp", "-")))
    elif r["mode"] == "append":
        name = "store append, %s thread(s), advise %s (put %s s + flush %s s)" % (r["threads"], r["advise"], r["put_s"], r["flush_s"])
        vs = (" (%.0f %% of raw)" % (100 * f(r, "mb_per_s") / raw_mb)) if raw else ""
        P("| %s%s | %s | %s%s | - | %s | %s | %s | %s |" % (name, mark(r), r["msgs_per_s"], r["mb_per_s"], vs, r["p50_us"], r["p99_us"], r.get("disk_write_mb", "-"), r.get("write_amp", "-")))
P("")

on[0] = bool(sel(mode="append") or sel(mode="sync"))
P("#### Targets")
P("")
P("Interpretation: *async append ≥ 70 %* compares the end-to-end append MB/s (put phase + final "
  "flush, records as stored) with the raw 1 MiB write+fdatasync MB/s of the same directory in "
  "the same run (medians). *Sync flush with 64 appenders ≥ 50 %* compares the store's "
  "SYNC_FLUSH MB/s at 64 appenders with the raw write+fdatasync MB/s of the same pattern at the "
  "same batch size (k = the store's measured messages per flush), thread issue.")
P("")
for t, ratio in append_ratio.items():
    P("- async append, %s thread(s): %.0f %% of raw — **%s**" % (t, 100 * ratio, "met" if ratio >= 0.70 else "missed"))
for r, k, base, ratio in sync_lines:
    if r["appenders"] == "64" and r["issue"] == "thread":
        P("- SYNC_FLUSH, 64 appenders: %.0f %% of raw at k=%d — **%s**" % (
            100 * ratio, k, "met" if ratio >= 0.50 else "missed"))
print("\n".join(out))
PY
)
echo "$section"
if [ "${NO_DOC:-0}" != 1 ]; then
  echo "$section" >>"$top/docs/PERFORMANCE.md"
  echo "appended to docs/PERFORMANCE.md" >&2
fi
