#!/usr/bin/env bash
# The speed of the working tree against an older revision, measured in one
# run: builds samsim at REV beside the working tree, then times PAIRS pairs of
# `samsim bench SCENARIO --threads 1 --trials TRIALS`, one build after the
# other on one core (the last; pinned with taskset where it exists), the order
# swapped from pair to pair so that neither build always runs first. Each
# pair gives a ratio, working tree time / REV time (below 1: the working tree
# is faster); it prints every pair, then the median ratio with a
# distribution-free 95% interval for it (order statistics of the ratios,
# from the binomial law of how many fall below the true median), and the
# fastest run of each build.
#   scripts/compare-speed.sh REV [PAIRS=30] [TRIALS=10000] [SCENARIO=examples/scenarios/reference-raid.json]
# The docs (docs/performance.md) quote it; it is not part of the test suite:
# a time is a measurement of the machine, not a test of the code.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: scripts/compare-speed.sh REV [PAIRS] [TRIALS] [SCENARIO]" >&2
  exit 2
fi
rev=$1
pairs=${2:-30}
trials=${3:-10000}
scenario=${4:-examples/scenarios/reference-raid.json}
case "$pairs$trials" in *[!0-9]*) echo "compare-speed: PAIRS and TRIALS must be whole numbers" >&2; exit 2;; esac
if [ "$pairs" -lt 6 ]; then
  echo "compare-speed: at least 6 pairs are needed for a 95% interval of the median" >&2
  exit 2
fi
[ -f "$scenario" ] || { echo "compare-speed: no scenario file $scenario" >&2; exit 2; }
jobs=$(nproc 2>/dev/null || echo 2)
cpu=$((jobs - 1))
work=build-speed
. scripts/revision-lib.sh

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs" --target samsim_cli >/dev/null
trap 'remove_revision "$work"' EXIT
build_revision "$rev" "$work"

echo "$(basename "$scenario" .json), $trials trials a run, 1 thread on cpu $cpu: working tree vs $rev"
echo "pair   $rev us/trial   working tree us/trial   ratio"
ratios=()
old_us=() new_us=()
for p in $(seq 1 "$pairs"); do
  if [ $((p % 2)) -eq 1 ]; then
    o=$(us_per_trial "$work/build/samsim" "$scenario" "$trials" "$cpu")
    n=$(us_per_trial build/samsim "$scenario" "$trials" "$cpu")
  else
    n=$(us_per_trial build/samsim "$scenario" "$trials" "$cpu")
    o=$(us_per_trial "$work/build/samsim" "$scenario" "$trials" "$cpu")
  fi
  if [ -z "$o" ] || [ -z "$n" ]; then
    echo "compare-speed: a bench run gave no time (does $rev run $scenario?)" >&2
    exit 1
  fi
  r=$(awk -v o="$o" -v n="$n" 'BEGIN { printf "%.4f", n / o }')
  printf '%4d   %12.2f   %21.2f   %s\n' "$p" "$o" "$n" "$r"
  ratios+=("$r") old_us+=("$o") new_us+=("$n")
done
printf '%s\n' "${ratios[@]}" | sort -g | awk -v rev="$rev" '
  { x[NR] = $1 }
  END {
    n = NR
    med = (n % 2) ? x[(n + 1) / 2] : 0.5 * (x[n / 2] + x[n / 2 + 1])
    # Largest j with P(Bin(n, 1/2) <= j - 1) <= 0.025: [x_j, x_(n+1-j)] covers the median with >= 95%.
    cdf = 0; j = 0
    for (k = 0; k < n; ++k) {
      lp = lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) - n * log(2)
      if (cdf + exp(lp) > 0.025) break
      cdf += exp(lp); j = k + 1
    }
    if (j < 1) j = 1
    printf "ratio (working tree / %s): median %.3f, 95%% interval [%.3f, %.3f] (order statistics %d and %d of %d)\n",
           rev, med, x[j], x[n + 1 - j], j, n + 1 - j, n
  }
  function lgamma(z,   s) { s = 0; for (; z > 1; --z) s += log(z - 1); return s }'
o_best=$(printf '%s\n' "${old_us[@]}" | fastest)
n_best=$(printf '%s\n' "${new_us[@]}" | fastest)
awk -v o="$o_best" -v n="$n_best" -v rev="$rev" 'BEGIN {
  printf "fastest run: %s %.2f us/trial, working tree %.2f us/trial: ratio %.3f\n", rev, o, n, n / o }'
