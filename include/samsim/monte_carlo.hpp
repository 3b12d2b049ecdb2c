#pragma once
/// \file monte_carlo.hpp
/// The Monte Carlo driver: trials in fixed-size chunks over a pool of threads
/// (and MPI ranks, through the command line), integer tallies, estimates with
/// intervals, optional stopping on an interval half-width.
///
/// Reproducibility: a trial is a pure function of (seed, trial index); tallies
/// are exact integers, so their merge is exact in any order; early stopping is
/// decided after each chunk in chunk order. Estimates are therefore
/// bit-identical for any thread count or process count.

#include <samsim/engagement.hpp>
#include <samsim/statistics.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace samsim {

/// Leaked and total threats of one class, over all trials.
struct class_tally {
  std::uint64_t threats = 0;
  std::uint64_t leaked = 0;
  friend bool operator==(const class_tally&, const class_tally&) = default;
};

/// Per-trial values in trial order, recorded only when monte_carlo_options::record_trials is set
/// (for analyses of the distribution across trials, such as the Python module's arrays).
struct trial_records {
  std::vector<std::int32_t> leakers;
  std::vector<std::int32_t> interceptors_used;
  std::vector<double> first_leak_time_s;  ///< +inf: no leak in that trial
  std::vector<double> value_lost;         ///< values of the assets reached by a leaker
  std::vector<double> defender_cost;      ///< rounds fired x their cost

  void add(const trial_result& result);
  /// Appends `other`'s trials after these (chunks are appended in chunk order).
  void append(const trial_records& other);
  std::size_t size() const { return leakers.size(); }
  friend bool operator==(const trial_records&, const trial_records&) = default;
};

/// Trials in which a leaker reached an asset, and its leakers per trial.
struct asset_tally {
  std::uint64_t trials_reached = 0;
  integer_tally leakers;
  friend bool operator==(const asset_tally&, const asset_tally&) = default;
};

/// Rounds one battery fired of one interceptor type, and trials it ran out of rounds.
struct stock_tally {
  std::uint64_t trials_out_of_rounds = 0;
  integer_tally rounds_fired;
  friend bool operator==(const stock_tally&, const stock_tally&) = default;
};

/// Everything the Monte Carlo counts. Counts are integers (merges are exact);
/// the costs and the value lost are doubles in running moments, which are
/// bit-identical for any thread or process count because chunks are merged
/// in chunk order (statistics.hpp).
struct monte_carlo_tally {
  std::uint64_t trials = 0;
  std::uint64_t trials_with_leak = 0;
  std::uint64_t trials_magazine_exhausted = 0;
  std::uint64_t trials_no_ready_salvo = 0;  ///< trials with trial_result::no_ready_salvo
  std::uint64_t threats = 0;
  std::uint64_t killed = 0;
  std::uint64_t events = 0;
  integer_tally leakers;
  integer_tally interceptors_used;
  integer_histogram leaker_histogram;
  std::vector<class_tally> by_class;
  std::array<std::uint64_t, leak_cause_count> causes{};
  std::vector<asset_tally> by_asset;              ///< per asset of the defended area
  std::vector<std::uint64_t> battery_destroyed;   ///< per battery: trials it was put out of action
  std::vector<stock_tally> by_stock;              ///< per (battery, type), as trial_workspace::stocks
  running_moments value_lost;
  paired_moments cost;  ///< x: defender cost, y: attacker cost destroyed
  /// A chunk's per-trial values with record_trials (merge appends them, so merge in chunk order);
  /// run_monte_carlo moves them to monte_carlo_result::records. Not part of to_words().
  trial_records records;

  /// Adds one trial (its result and what run_trial left in the workspace).
  void add(const trial_result& result, const trial_workspace& ws);
  void merge(const monte_carlo_tally& other);
  /// Flat form for message passing (MPI): exact round trip through from_words.
  std::vector<std::uint64_t> to_words() const;
  static monte_carlo_tally from_words(const std::uint64_t* words, std::size_t count);

  friend bool operator==(const monte_carlo_tally&, const monte_carlo_tally&) = default;
};

/// Where a run stands after a prefix of its chunks: the merged tally of chunks
/// [0, next_chunk), in chunk order. This is all a checkpoint needs: a run
/// resumed from it runs chunks next_chunk, next_chunk + 1, ... and merges them
/// onto `tally`, so its result is bit-identical to a run that never stopped.
struct monte_carlo_state {
  monte_carlo_tally tally;
  std::uint64_t next_chunk = 0;
  bool stopped_early = false;  ///< the half-width rule was met at chunk next_chunk - 1: nothing is left to run
  friend bool operator==(const monte_carlo_state&, const monte_carlo_state&) = default;
};

/// Progress of a run, reported after each merged chunk.
struct monte_carlo_progress {
  std::uint64_t trials_done = 0;
  std::uint64_t trials_planned = 0;
  double elapsed_s = 0.0;
  proportion_interval p_leak{};  ///< Wilson, at the run's confidence
};

struct monte_carlo_options {
  std::uint64_t trials = 1000;
  std::uint64_t seed = 1;
  double confidence = 0.95;
  double target_halfwidth = 0.0;  ///< stop once the Wilson half-width of P(leak) is <= this (0: off)
  int threads = 1;                ///< 0: all hardware threads
  std::uint64_t chunk_trials = 256;  ///< fixed chunk size: part of the result's definition with early stopping
  /// Called from the calling thread after each chunk is merged.
  std::function<void(const monte_carlo_progress&)> progress;
  /// Set to true (from any thread, or a signal handler: it is lock-free) to stop after the chunk in
  /// progress; the result covers the merged chunks.
  const std::atomic<bool>* cancel = nullptr;
  /// Start from this state (a checkpoint of a run with the same scenario and options) instead of chunk 0.
  const monte_carlo_state* resume = nullptr;
  /// Called from the calling thread after each chunk is merged (after `progress`), with the state so far:
  /// the place to write checkpoints.
  std::function<void(const monte_carlo_state&)> chunk_merged;
  /// Keep every trial's leakers, interceptors used and first leak time (monte_carlo_result::records).
  bool record_trials = false;
};

/// The chunks a process runs: chunk c is trials [c * chunk_trials, (c + 1) * chunk_trials).
struct chunk_range {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};

/// Runs chunk `chunk` of the run (trials past options.trials are not run).
monte_carlo_tally run_chunk(const engagement_model& model, const monte_carlo_options& options,
                            std::uint64_t chunk, trial_workspace& ws);

/// Number of chunks needed for options.trials.
std::uint64_t chunk_count(const monte_carlo_options& options);

/// Runs the chunks [range.first, range.first + range.count) over options.threads
/// threads and returns one tally per chunk, in chunk order (used by MPI ranks).
std::vector<monte_carlo_tally> run_chunks(const engagement_model& model, const monte_carlo_options& options,
                                          chunk_range range);

/// Estimates with intervals from a tally.
struct monte_carlo_estimates {
  std::uint64_t trials = 0;
  double confidence = 0.95;
  proportion_interval p_leak_wilson{};
  proportion_interval p_leak_clopper_pearson{};
  /// p_at_least[k - 1]: P(leakers >= k), Wilson interval, k = 1..max leakers seen.
  std::vector<proportion_interval> p_at_least;
  interval_estimate mean_leakers{};
  interval_estimate mean_interceptors_used{};
  proportion_interval p_magazine_exhausted{};
  /// P(no ready salvo when one was wanted): trial_result::no_ready_salvo, Wilson.
  proportion_interval p_no_ready_salvo{};
  /// Fraction of threats of each class that leaked (Wilson over threats; threats of one trial are not independent,
  /// so read it as indicative).
  std::vector<proportion_interval> class_leak_fraction;
  /// Per asset: P(at least one leaker reached it) (Wilson) and its mean leakers (Student t).
  struct asset_estimate {
    proportion_interval p_leak{};
    interval_estimate leakers{};
  };
  std::vector<asset_estimate> by_asset;
  std::vector<proportion_interval> p_battery_destroyed;  ///< per battery, Wilson
  /// Per (battery, type), in trial_workspace::stocks order.
  struct stock_estimate {
    interval_estimate rounds_fired{};
    proportion_interval p_out_of_rounds{};
  };
  std::vector<stock_estimate> by_stock;
  interval_estimate value_lost{};               ///< mean value of the assets reached, Student t
  interval_estimate defender_cost{};            ///< mean, Student t
  interval_estimate attacker_cost_destroyed{};  ///< mean, Student t
  /// Mean attacker cost destroyed / mean defender cost, delta-method normal interval (NaN when no cost).
  interval_estimate exchange_ratio{};
};
monte_carlo_estimates estimate(const monte_carlo_tally& tally, double confidence);

struct monte_carlo_result {
  monte_carlo_tally tally;
  monte_carlo_estimates estimates;
  bool stopped_early = false;  ///< by the half-width target
  bool cancelled = false;
  std::uint64_t next_chunk = 0;  ///< chunks [0, next_chunk) are merged into `tally`
  double elapsed_s = 0.0;        ///< of this call only (a resumed run does not count the time before)
  double trials_per_second = 0.0;
  /// With options.record_trials: one entry per trial of the tally, trial 0 first (any thread count).
  trial_records records;
};

/// Runs the Monte Carlo on this process (from options.resume when given).
monte_carlo_result run_monte_carlo(const engagement_model& model, const monte_carlo_options& options);

/// The state a result stands at (what a checkpoint of it stores).
monte_carlo_state state_of(const monte_carlo_result& result);

/// Checks that `state` can be a prefix of a run with these options (trial
/// counts agree with next_chunk and with each other); throws
/// std::invalid_argument saying what does not. For states read from files.
void check_state(const monte_carlo_state& state, const monte_carlo_options& options);

/// Merges per-chunk tallies in chunk order, applying the half-width stop rule
/// after each; returns the number of chunks consumed (all unless stopped).
std::size_t merge_in_order(monte_carlo_tally& total, const std::vector<monte_carlo_tally>& chunks,
                           const monte_carlo_options& options, bool& stopped_early);

}  // namespace samsim
