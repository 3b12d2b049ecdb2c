#!/usr/bin/env bash
# Checks that an optimisation left the Monte Carlo estimates unchanged: builds
# samsim at git revision REV (default: the last commit) beside the working
# tree, runs the reference and saturation raids with both, and compares the
# JSON results bit for bit, timing fields and the events_per_trial counter aside
# (and `interrupted`, which revisions before checkpointing do not write).
# Then it builds tools/trial_digest against both libraries and compares, on
# every example scenario, a digest of every threat's fate (outcome, cause,
# rounds spent; no times) and a digest of every trial's whole timeline
# (outcomes and trace, doubles by their bits). Fates must match: they fix the
# estimates of any run of these trials. Timelines must match too, unless
# TIMELINES=differ-ok is set for a change that moves times on purpose (the
# intercept search's answers within its tolerance, say).
# Last, it times both builds on the reference raid (one thread, alternating,
# best of three each) and prints the speed ratio measured in this one run.
#   [TIMELINES=differ-ok] scripts/golden-compare.sh [REV] [TRIALS]
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-HEAD}
trials=${2:-4000}
jobs=$(nproc 2>/dev/null || echo 2)
work=build-golden
. scripts/revision-lib.sh

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs" --target samsim_cli json_compare >/dev/null
trap 'remove_revision "$work"' EXIT
build_revision "$rev" "$work"

status=0
for scenario in reference-raid saturation-raid; do
  for side in golden current; do
    bin=build/samsim
    [ "$side" = golden ] && bin="$work/build/samsim"
    "$bin" run "examples/scenarios/$scenario.json" --trials "$trials" --threads "$jobs" --quiet \
      --json "$work/$scenario-$side.json" >/dev/null
  done
  echo -n "$scenario ($trials trials, $rev vs working tree): "
  build/tests/json_compare "$work/$scenario-golden.json" "$work/$scenario-current.json" \
    --ignore events_per_trial --ignore interrupted || status=1
done

# Timeline digests (the tool is the working tree's, built against each library).
for side in golden current; do
  tree=build
  [ "$side" = golden ] && tree="$work/build"
  if ! { cmake -S tools/trial_digest -B "$work/digest-$side" -DCMAKE_BUILD_TYPE=Release \
           -Dsamsim_DIR="$PWD/$tree" >/dev/null && cmake --build "$work/digest-$side" >/dev/null; }; then
    echo "timeline digest: could not build tools/trial_digest against $side ($tree)"
    exit 1
  fi
done
# Fates (each threat's outcome without times) must match; timelines are
# reported, and differ only where a change moves times on purpose (such a
# change says so in its commit; set TIMELINES=differ-ok to accept it).
# A scenario the older revision cannot run (a newer format) is skipped; one
# that it runs and the working tree does not is a failure.
for path in examples/scenarios/*.json; do
  name=$(basename "$path" .json)
  if ! golden=$("$work/digest-golden/trial_digest" "$path" "$trials" 2>/dev/null); then
    echo "$name: skipped ($rev cannot run it)"
    continue
  fi
  if ! current=$("$work/digest-current/trial_digest" "$path" "$trials"); then
    echo "$name: $rev runs it, the working tree does not"
    status=1
    continue
  fi
  field() { awk -v k="$1" '{ for (i = 1; i < NF; ++i) if ($i == k) print $(i + 1) }'; }
  g_fates=$(echo "$golden" | field fates)
  c_fates=$(echo "$current" | field fates)
  g_lines=$(echo "$golden" | field timelines)
  c_lines=$(echo "$current" | field timelines)
  if [ "$g_fates" = "$c_fates" ]; then
    echo "$name fates ($trials trials): identical, digest $c_fates"
  else
    echo "$name fates ($trials trials): DIFFER: $rev $g_fates, working tree $c_fates"
    status=1
  fi
  if [ "$g_lines" = "$c_lines" ]; then
    echo "$name timelines ($trials trials): identical, digest $c_lines"
  else
    echo "$name timelines ($trials trials): differ: $rev $g_lines, working tree $c_lines"
    [ "${TIMELINES:-}" = differ-ok ] || status=1
  fi
done

# Speed: the two builds alternate so that both see the same machine load.
golden_us=() current_us=()
for _ in 1 2 3; do
  golden_us+=("$(us_per_trial "$work/build/samsim" examples/scenarios/reference-raid.json "$trials")")
  current_us+=("$(us_per_trial build/samsim examples/scenarios/reference-raid.json "$trials")")
done
g=$(printf '%s\n' "${golden_us[@]}" | fastest)
c=$(printf '%s\n' "${current_us[@]}" | fastest)
awk -v g="$g" -v c="$c" -v rev="$rev" 'BEGIN {
  printf "reference-raid speed (1 thread, best of 3 alternating runs): %s %.1f us/trial, working tree %.1f us/trial: %.2fx\n", rev, g, c, g / c }'
exit $status
