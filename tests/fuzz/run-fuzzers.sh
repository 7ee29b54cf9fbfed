#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz preset: clang, ASan + UBSan) and runs each for
# LB_FUZZ_SECONDS (60) on a copy of its committed seed corpus, so the corpus in git stays as
# reviewed. LB_FUZZ_JOBS (2) targets run at a time, one core each, so ten targets take about
# five minutes. Fails on any crash, leak, undefined behaviour, timeout or out-of-memory; the
# input that caused it is kept in build/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${LB_FUZZ_SECONDS:-60}
jobs=${LB_FUZZ_JOBS:-2}
targets=(fuzz_webhook_signature fuzz_webhook_event fuzz_csv_reader fuzz_bulk_results
         fuzz_bayeux_answer fuzz_salesforce_response fuzz_platform_response fuzz_profile
         fuzz_field_mapping fuzz_import_plan)

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

log "Configuring and building the fuzz targets"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts=build/fuzz/artifacts
mkdir -p "$artifacts"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/tools/lsan.supp:print_suppressions=0

# One target: its log in $work/T.log, its verdict line in $work/T.result, exit status 0/1.
fuzz_one() {
  local target=$1 corpus=$work/$1 out=$work/$1.log status=0
  mkdir -p "$corpus"
  cp tests/fuzz/corpus/"$target"/* "$corpus"/
  build/fuzz/tests/fuzz/"$target" "$corpus" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$target-" >"$out" 2>&1 || status=$?
  # Belt and braces: a sanitizer report is a failure even if the exit code says otherwise.
  if [ "$status" -ne 0 ] || grep -qE 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|SUMMARY: ' "$out"; then
    echo "FAILED: $target (exit $status)" >"$work/$target.result"
    return 1
  fi
  local runs speed cov
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -n 1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out" | tail -n 1)
  cov=$(grep -oE 'cov: [0-9]+' "$out" | tail -n 1 || true)
  echo "$target: ${runs:-?} runs, ${speed:-?} execs/s, ${cov:-cov: ?}, no crash, leak or UB" \
    >"$work/$target.result"
}

log "Fuzzing ${#targets[@]} targets for ${seconds}s each, $jobs at a time"
running=0
for target in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_one "$target" &
  running=$((running + 1))
done
wait || true

# Verdicts in the order above, whatever order the runs ended in.
failed=0
for target in "${targets[@]}"; do
  result=$(cat "$work/$target.result" 2>/dev/null || echo "FAILED: $target (no result)")
  echo "$result"
  if [[ $result == FAILED* ]]; then
    echo "last lines of its log:" >&2
    tail -n 60 "$work/$target.log" >&2 || true
    failed=1
  fi
done
exit "$failed"
