#!/usr/bin/env bash
# Installs the dependencies, builds samsim twice (Release with GCC, then with
# AddressSanitizer + UndefinedBehaviorSanitizer and assertions with Clang) and
# runs the whole test suite in both builds (the examples and the Python
# module in Release only), then fuzzes the scenario loader for 30 s
# (clang-14, libFuzzer; scripts/fuzz-scenario.sh runs it longer). Exits
# non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "== Release build ($(date +%H:%M:%S))"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSAMSIM_BUILD_PYTHON=ON >/dev/null
cmake --build build -j"$jobs"
echo "== Release tests ($(date +%H:%M:%S))"
(cd build && ctest --output-on-failure -j"$jobs")

# The sanitizer build also keeps assertions (RelWithDebInfo without -DNDEBUG):
# the engine's and the library's internal invariants are checked in CI here.
# It is compiled by clang-14 (already needed for the fuzzer) at -O1 with line
# tables only: GCC at -O2 -g took 22 minutes of CI's 25 for this build alone,
# clang at -O1 about 8. The second compiler is a portability check too. The
# examples and the Python module (its tests and examples) run in the Release
# build only: with them this stage alone took CI over its 25 minutes. A
# sanitized module works (-DSAMSIM_BUILD_PYTHON=ON here; the Python tests
# then preload the ASan runtime into python3, docs/python.md).
echo "== Sanitizer build (clang-14, ASan + UBSan, assertions on) ($(date +%H:%M:%S))"
cmake -S . -B build-sanitize -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DSAMSIM_SANITIZE=ON -DSAMSIM_BUILD_BENCHMARKS=OFF -DSAMSIM_BUILD_EXAMPLES=OFF -DSAMSIM_BUILD_PYTHON=OFF >/dev/null
cmake --build build-sanitize -j"$jobs"
echo "== Sanitizer tests ($(date +%H:%M:%S))"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-sanitize && ctest --output-on-failure -j"$jobs")

# The scenario loader under libFuzzer (its own clang build of the loader's
# sources only): 30 s here; docs/reliability.md says how to run it longer.
echo "== Fuzz: scenario loader, 30 s ($(date +%H:%M:%S))"
bash scripts/fuzz-scenario.sh 30
echo "== done ($(date +%H:%M:%S))"
