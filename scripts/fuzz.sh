#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz preset: clang, ASan + UBSan) and runs each on its seed corpus.
# Usage: scripts/fuzz.sh [--time SECONDS] [--seed N] [target...]   (targets: conllu shard manifest config blimp
#        checkpoint; default all, one after the other; SECONDS per target, default 600; N: libFuzzer's -seed,
#        default random; CI passes a fixed one so that a finding replays with the same command)
# Each run works on a copy of tests/fuzz/corpus/<target> under $SASMLM_FUZZ_WORK (default /tmp/sasmlm-fuzz), so
# new inputs never land in the checkout. Prints executions, coverage (cov = edges, ft = features) and any crash,
# leak, timeout or out-of-memory file; exits 1 when a target found something, 2 on a usage or build error.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

seconds=600
seed=0
targets=()
all=(conllu shard manifest config blimp checkpoint)
while (($#)); do
  case "$1" in
    --time) seconds="${2:?--time needs SECONDS}"; shift 2 ;;
    --seed) seed="${2:?--seed needs N}"; shift 2 ;;
    -h|--help) sed -n 2,8p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
((${#targets[@]})) || targets=("${all[@]}")
for t in "${targets[@]}"; do
  [ -d "tests/fuzz/corpus/$t" ] || { echo "fuzz.sh: unknown target '$t' (known: ${all[*]})" >&2; exit 2; }
done

eval "$(scripts/setup.sh)"
export CCACHE_BASEDIR="$ROOT"
WORK="${SASMLM_FUZZ_WORK:-/tmp/sasmlm-fuzz}"
mkdir -p "$WORK"
if [ ! -f build/fuzz/build.ninja ] && ! cmake --preset fuzz >"$WORK/configure.log" 2>&1; then
  cat "$WORK/configure.log" >&2; echo "fuzz.sh: configuring the fuzz preset failed" >&2; exit 2
fi
if ! cmake --build build/fuzz --target "${targets[@]/#/fuzz_}" -j "${SASMLM_FUZZ_BUILD_JOBS:-2}" \
    >"$WORK/build.log" 2>&1; then
  tail -n 40 "$WORK/build.log" >&2; echo "fuzz.sh: building the fuzz targets failed" >&2; exit 2
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
found=0
printf '%-11s %10s %8s %8s %7s  %s\n' target execs cov ft exec/s result
for t in "${targets[@]}"; do
  dir="$WORK/$t"
  rm -rf "$dir" && mkdir -p "$dir/corpus" "$dir/artifacts"
  cp "tests/fuzz/corpus/$t"/* "$dir/corpus/"
  # -rss_limit_mb: an input that makes a parser allocate gigabytes is a finding too.
  # The outer timeout: libFuzzer's own -timeout handler can deadlock when its alarm lands inside ASan's
  # allocator (seen once locally), and CI must never hang on that.
  set +e
  timeout --kill-after=30 "$((seconds + 120))" \
    "build/fuzz/fuzz_$t" -max_total_time="$seconds" -seed="$seed" -print_final_stats=1 -rss_limit_mb=2048 \
    -timeout=10 -artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$dir/log.txt" 2>&1
  rc=$?
  set -e
  ((rc == 124 || rc == 137)) && echo "libFuzzer did not stop by itself (killed after $((seconds + 120)) s)" >>"$dir/log.txt"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log.txt" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log.txt" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$dir/log.txt" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  artifacts=$(find "$dir/artifacts" -type f | sort)
  if ((rc != 0)) || [ -n "$artifacts" ]; then
    found=1
    printf '%-11s %10s %8s %8s %7s  %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${speed:-?}" "FOUND (exit $rc)"
    grep -E 'ERROR|SUMMARY|what\(\)|terminate called|did not stop' "$dir/log.txt" | head -5 | sed 's/^/    /'
    for a in $artifacts; do echo "    input: $a  (reproduce: build/fuzz/fuzz_$t $a)"; done
    echo "    log: $dir/log.txt"
  else
    printf '%-11s %10s %8s %8s %7s  %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${speed:-?}" "ok"
  fi
done
exit "$found"
