#!/usr/bin/env bash
# Installs the dependencies, builds samsim (Release) with its command line and
# its Python module (build/python: PYTHONPATH=build/python python3 -c 'import samsim'),
# and runs the reference raid.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSAMSIM_BUILD_PYTHON=ON >/dev/null
cmake --build build -j"$jobs" --target samsim_cli samsim_python
./build/samsim run examples/scenarios/reference-raid.json "$@"
