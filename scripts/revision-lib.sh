# Sourced by golden-compare.sh and compare-speed.sh: building an older
# revision beside the working tree, and timing a build on one scenario.

# build_revision REV DIR: checks REV out as a git worktree in DIR/src and
# builds its samsim command line in DIR/build (no tests, examples or
# benchmarks). The caller removes the worktree (remove_revision DIR).
build_revision() {
  local rev=$1 dir=$2 jobs
  jobs=$(nproc 2>/dev/null || echo 2)
  rm -rf "$dir/src" && mkdir -p "$dir"
  git worktree add -f --detach "$dir/src" "$rev" >/dev/null 2>&1
  cmake -S "$dir/src" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release -DSAMSIM_BUILD_TESTS=OFF \
    -DSAMSIM_BUILD_EXAMPLES=OFF -DSAMSIM_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build "$dir/build" -j"$jobs" --target samsim_cli >/dev/null
}
remove_revision() { git worktree remove --force "$1/src" >/dev/null 2>&1 || true; }

# us_per_trial BIN SCENARIO TRIALS [CPU]: microseconds per trial of one
# `samsim bench` run on one thread (pinned to CPU when given and taskset exists).
us_per_trial() {
  local pin=()
  if [ -n "${4:-}" ] && command -v taskset >/dev/null; then pin=(taskset -c "$4"); fi
  "${pin[@]}" "$1" bench "$2" --trials "$3" --threads 1 --json - 2>/dev/null |
    sed -n 's/.*"us_per_trial": \([0-9.eE+-]*\).*/\1/p'
}

# fastest: the least of the numbers on standard input, one per line.
fastest() { sort -g | head -1; }
