#!/usr/bin/env bash
# Builds the libFuzzer target for the frame and header decoders (remoting/test/fuzz_frame_decoder.cc)
# with clang in its own build dir, seeds it with every frame of the golden captures and fuzzes for
# a bounded time. Exits non-zero on any crash, sanitizer report, leak, timeout or OOM; the failing
# input is left in <build dir>/artifacts/.
#
# Environment:
#   FUZZ_SECONDS     fuzzing time in seconds (default 60)
#   FUZZ_MAX_LEN     largest input in bytes (default 65536; larger seeds are truncated)
#   FUZZ_BUILD_DIR   build dir (default <repo>/build-fuzz; everything generated goes there)
#   RMQ_COMPAT_DATA  compat data holding captures/ (default <repo>/../shared/compat)
#   RMQ_BUILD_LOCK   lock serializing builds on this machine (default /tmp/rmq-build.lock),
#                    taken here around cmake only (not while fuzzing). Skipped when an ancestor
#                    process is `flock <that lock> ...` (it would deadlock) or when set empty.
#   JOBS             build parallelism (default 2)
set -euo pipefail

top="$(cd "$(dirname "$0")/.." && pwd)"
build="${FUZZ_BUILD_DIR:-$top/build-fuzz}"
seconds="${FUZZ_SECONDS:-60}"
max_len="${FUZZ_MAX_LEN:-65536}"
lock="${RMQ_BUILD_LOCK-/tmp/rmq-build.lock}"
data="${RMQ_COMPAT_DATA:-$top/../shared/compat}"

die() {
  echo "fuzz.sh: $*" >&2
  exit 1
}

[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "FUZZ_SECONDS must be a positive integer, got '$seconds'"
[[ "$max_len" =~ ^[1-9][0-9]*$ ]] || die "FUZZ_MAX_LEN must be a positive integer, got '$max_len'"

# ---- toolchain ----
for tool in clang clang++ cmake ninja flock base64; do
  command -v "$tool" >/dev/null ||
    die "'$tool' not found in PATH (for clang: apt-get install clang libclang-rt-14-dev)"
done
mkdir -p "$build"
# libFuzzer ships separately from the compiler on Debian (libclang-rt-*-dev): link a trivial
# fuzzer first so a missing runtime is reported as such, not as a link error deep in the build.
probe_dir="$build/probe"
mkdir -p "$probe_dir"
printf '%s\n' '#include <cstddef>' '#include <cstdint>' \
  'extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }' >"$probe_dir/probe.cc"
if ! clang++ -fsanitize=fuzzer,address,undefined "$probe_dir/probe.cc" -o "$probe_dir/probe" \
  >"$probe_dir/probe.log" 2>&1; then
  cat "$probe_dir/probe.log" >&2
  die "clang++ cannot link a libFuzzer program: is the fuzzer runtime installed (libclang-rt-14-dev)?"
fi
echo "fuzz.sh: $(clang++ --version | head -n 1)"

# ---- build (serialized with every other build on this machine) ----
# flock locks belong to an open file, so a caller already holding the lock (e.g.
# `flock /tmp/rmq-build.lock scripts/test.sh`) would block us forever: look for it first.
held_by_ancestor() {
  local pid=$$ args
  while [[ "$pid" -gt 1 ]]; do
    pid="$(awk '/^PPid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" || return 1
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
    args="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
    [[ "$args" == *flock*" $lock "* ]] && return 0
  done
  return 1
}
locked=()
if [[ -n "$lock" ]] && ! held_by_ancestor; then locked=(flock "$lock"); fi
export CC=clang CXX=clang++
"${locked[@]}" cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DRMQ_FUZZ=ON -DRMQ_BUILD_TESTS=OFF >/dev/null
"${locked[@]}" cmake --build "$build" -j "${JOBS:-2}" --target fuzz_frame_decoder
fuzzer="$build/bin/fuzz_frame_decoder"
[[ -x "$fuzzer" ]] || die "build did not produce $fuzzer"

# ---- seed corpus: one file per captured frame, rebuilt each run so it mirrors the captures ----
seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"
captures="$data/captures"
if compgen -G "$captures/*.jsonl" >/dev/null; then
  for f in "$captures"/*.jsonl; do
    name="$(basename "$f" .jsonl)"
    # frameBase64 holds only the base64 alphabet, so a plain match finds it in each line.
    { grep -o '"frameBase64":"[A-Za-z0-9+/=]*"' "$f" || true; } | cut -d'"' -f4 | {
      n=0
      while IFS= read -r b64; do
        n=$((n + 1))
        printf '%s' "$b64" | base64 -d >"$seeds/$name-$n" || die "bad frameBase64 in $f (frame $n)"
      done
    }
  done
  echo "fuzz.sh: $(find "$seeds" -type f | wc -l) seed frames from $captures"
else
  echo "fuzz.sh: warning: no captures in $captures (set RMQ_COMPAT_DATA); fuzzing without seeds" >&2
fi

# ---- fuzz ----
# The first corpus dir receives new interesting inputs and is kept between runs (in the build
# dir, never in the repo); the seeds dir is read only.
corpus="$build/corpus"
artifacts="$build/artifacts"
mkdir -p "$corpus" "$artifacts"
log="$build/fuzz.log"
marker="$build/.fuzz-start"
touch "$marker"
echo "fuzz.sh: fuzzing for ${seconds}s, max_len ${max_len}; log in $log"
# UBSan is compiled in recoverable mode (RMQ_FUZZ); halt_on_error turns a report into a crash.
# One known report is suppressed, narrowly: RapidJSON 1.1.0's Stack::Reserve computes
# `stackTop_ + n` while stackTop_ is still null (fixed upstream after 1.1.0), which clang's
# pointer-overflow check flags on the first parse of any JSON header. It is in the system
# header (reported as .../rapidjson/error/../internal/stack.h), not in our code, and the
# result is only compared, never dereferenced.
supp="$build/ubsan.supp"
printf '%s\n' 'pointer-overflow:*/rapidjson/*internal/stack.h' >"$supp"
status=0
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
  ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
  "$fuzzer" -max_len="$max_len" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$seeds" >"$log" 2>&1 || status=$?

summary='^(#[0-9]+[[:space:]]+(INITED|DONE)|Done [0-9]+ runs|stat::(number_of_executed_units'
summary+='|average_exec_per_sec|new_units_added|peak_rss_mb))'
grep -E "$summary" "$log" || true
new_artifacts="$(find "$artifacts" -type f -newer "$marker" | sort)"
if [[ "$status" -ne 0 || -n "$new_artifacts" ]]; then
  tail -n 60 "$log" >&2
  echo "fuzz.sh: FAILED (fuzzer exit status $status)" >&2
  [[ -z "$new_artifacts" ]] || printf 'fuzz.sh: failing input(s):\n%s\n' "$new_artifacts" >&2
  exit 1
fi
echo "fuzz.sh: OK, no crash in ${seconds}s; corpus $(find "$corpus" -type f | wc -l) files in $corpus"
