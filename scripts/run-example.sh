#!/usr/bin/env bash
# Installs the dependencies, builds samsim (Release) and runs the reference raid.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs" --target samsim_cli
./build/samsim run examples/scenarios/reference-raid.json "$@"
