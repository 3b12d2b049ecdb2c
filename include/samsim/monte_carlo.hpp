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

  void add(const trial_result& result);
  /// Appends `other`'s trials after these (chunks are appended in chunk order).
  void append(const trial_records& other);
  std::size_t size() const { return leakers.size(); }
  friend bool operator==(const trial_records&, const trial_records&) = default;
};

/// Everything the Monte Carlo counts. Only integers: merges are exact.
struct monte_carlo_tally {
  std::uint64_t trials = 0;
  std::uint64_t trials_with_leak = 0;
  std::uint64_t trials_magazine_exhausted = 0;
  std::uint64_t threats = 0;
  std::uint64_t killed = 0;
  std::uint64_t events = 0;
  integer_tally leakers;
  integer_tally interceptors_used;
  integer_histogram leaker_histogram;
  std::vector<class_tally> by_class;
  std::array<std::uint64_t, leak_cause_count> causes{};
  /// A chunk's per-trial values with record_trials (merge appends them, so merge in chunk order);
  /// run_monte_carlo moves them to monte_carlo_result::records. Not part of to_words().
  trial_records records;

  /// Adds one trial.
  void add(const trial_result& result, const std::vector<threat_state>& threats,
           const std::vector<threat_outcome>& outcomes);
  void merge(const monte_carlo_tally& other);
  /// Flat form for message passing (MPI): exact round trip through from_words.
  std::vector<std::uint64_t> to_words() const;
  static monte_carlo_tally from_words(const std::uint64_t* words, std::size_t count);

  friend bool operator==(const monte_carlo_tally&, const monte_carlo_tally&) = default;
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
  /// Set to true (from any thread) to stop after the chunk in progress; the result covers the merged chunks.
  const std::atomic<bool>* cancel = nullptr;
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
  /// Fraction of threats of each class that leaked (Wilson over threats; threats of one trial are not independent,
  /// so read it as indicative).
  std::vector<proportion_interval> class_leak_fraction;
};
monte_carlo_estimates estimate(const monte_carlo_tally& tally, double confidence);

struct monte_carlo_result {
  monte_carlo_tally tally;
  monte_carlo_estimates estimates;
  bool stopped_early = false;  ///< by the half-width target
  bool cancelled = false;
  double elapsed_s = 0.0;
  double trials_per_second = 0.0;
  /// With options.record_trials: one entry per trial of the tally, trial 0 first (any thread count).
  trial_records records;
};

/// Runs the Monte Carlo on this process.
monte_carlo_result run_monte_carlo(const engagement_model& model, const monte_carlo_options& options);

/// Merges per-chunk tallies in chunk order, applying the half-width stop rule
/// after each; returns the number of chunks consumed (all unless stopped).
std::size_t merge_in_order(monte_carlo_tally& total, const std::vector<monte_carlo_tally>& chunks,
                           const monte_carlo_options& options, bool& stopped_early);

}  // namespace samsim
