#!/usr/bin/env bash
# Fuzzes the scenario loader (fuzz/fuzz_scenario.cpp) with libFuzzer for
# SECONDS (default 60), on JOBS processes (default 1). Builds build-fuzz with
# clang-14 first. The seed corpus is every examples/scenarios/*.json (both
# formats, whatever the directory holds) plus fuzz/corpus/ (malformed cases);
# what the fuzzer finds accumulates in build-fuzz/corpus/ from run to run.
# A crash, a leak, a sanitizer report or a hang (an input taking over 10 s)
# stops it with a reproducer in build-fuzz/artifacts/ and a non-zero exit.
#   scripts/fuzz-scenario.sh [SECONDS] [JOBS]
#   build-fuzz/fuzz_scenario build-fuzz/artifacts/crash-...   # replays one input
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
jobs=${2:-1}
build=build-fuzz

cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Release -DSAMSIM_BUILD_FUZZERS=ON \
  -DSAMSIM_BUILD_TESTS=OFF -DSAMSIM_BUILD_EXAMPLES=OFF -DSAMSIM_BUILD_BENCHMARKS=OFF -DSAMSIM_BUILD_CLI=OFF \
  -DSAMSIM_INSTALL=OFF >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target fuzz_scenario >/dev/null

rm -rf "$build/seeds" && mkdir -p "$build/seeds" "$build/corpus" "$build/artifacts"
cp examples/scenarios/*.json fuzz/corpus/* "$build/seeds/"
# The dictionary: fuzz/scenario.dict and every key of the example scenarios.
{
  cat fuzz/scenario.dict
  grep -oh '"[A-Za-z_$][A-Za-z0-9_$]*" *:' examples/scenarios/*.json | sed 's/ *:$//' | sort -u |
    sed 's/"/\\"/g; s/^/"/; s/$/"/'
} >"$build/scenario.dict"

echo "fuzz-scenario: ${seconds} s on ${jobs} job(s), seeds: $(ls "$build/seeds" | wc -l) files, corpus so far: $(ls "$build/corpus" | wc -l)"
args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -dict="$build/scenario.dict"
      -artifact_prefix="$build/artifacts/" -print_final_stats=1)
if [ "$jobs" -gt 1 ]; then args+=(-fork="$jobs"); fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
"$build/fuzz_scenario" "${args[@]}" "$build/corpus" "$build/seeds" 2>"$build/fuzz.log" || status=$?
grep -E "^(Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added)" "$build/fuzz.log" || true
echo "fuzz-scenario: corpus now $(ls "$build/corpus" | wc -l) inputs; log in $build/fuzz.log"
if [ "$status" -ne 0 ]; then
  tail -40 "$build/fuzz.log"
  echo "fuzz-scenario: FAILED (exit $status); reproducers in $build/artifacts/"
fi
exit "$status"
