#pragma once
/// \file rare_event.hpp
/// Rare leak probabilities by importance sampling: trials drawn under a biased
/// law, each weighted by its exact likelihood ratio, with the biasing tuned by
/// the cross-entropy method from pilot runs (docs/rare-events.md).
///
/// The biased law changes only how the kill draws (and, optionally, the
/// detection looks and the Poisson raid counts) are made, never what the
/// engine decides: the fire-distribution rule, the feasibility tests and every
/// other model see the scenario's own Pk and Pd. A biased trial is still a pure function of (seed, trial
/// index) and of the law; its weight is dP/dQ of the draws it made, computed
/// from every draw, whether or not the draw's outcome mattered.
///
/// Estimator: for an event A (at least k leakers; an asset reached), the
/// estimate is the mean of y = w 1{A} over the trials, its standard error
/// s_y / sqrt(n), and the interval the normal one on that mean (lower bound
/// clamped at 0). Sums are merged in chunk order, so every result is
/// bit-identical for any thread count.

#include <samsim/engagement.hpp>
#include <samsim/monte_carlo.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace samsim {

/// Which threats of a trial draw their kills (and looks) under the biased law.
enum class biasing_scope : std::uint8_t {
  /// Every threat: the trial's weight is the product of every threat's ratio.
  /// For events that need several threats to get through (at least k
  /// leakers, k >= 2, saturation).
  every_threat,
  /// One threat per trial, chosen uniformly (its own stream), the others
  /// drawn under the scenario's law: a mixture over the threats, weighted by
  /// 1 / mean_j L_j where L_j is threat j's ratio dQ_j/dP. For "at least one
  /// leaker", a union of rare per-threat events: its weights stay bounded by
  /// the number of threats.
  one_threat,
};
std::string_view to_string(biasing_scope scope);

/// A biased law for the trials (importance_law::kill_pk and friends). Build it
/// with make_importance_law, which checks it against the scenario.
struct importance_law {
  biasing_scope scope = biasing_scope::one_threat;
  int classes = 0;  ///< threat classes of the scenario (the stride of kill_pk)
  /// Biased single-shot Pk per (interceptor type, threat class), at
  /// [type * classes + class]; a negative entry leaves that pair unbiased.
  /// The envelope-edge factor applies to it as to the scenario's Pk. A pair
  /// whose scenario Pk is 0 or 1 cannot be biased (make_importance_law
  /// leaves it unbiased).
  std::vector<double> kill_pk;
  /// Biased Poisson mean per raid group (negative: unbiased; only Poisson
  /// groups may be biased). Empty: no raid count is biased.
  std::vector<double> raid_mean;
  /// The raid the biased trials draw (the scenario's, with raid_mean): filled
  /// by make_importance_law.
  raid_description raid;
  bool biases_raid = false;
  /// Detection miss scale per (battery, threat class), at [battery * classes
  /// + class]; negative: unbiased. A look of scenario Pd p in (0, 1) misses
  /// with probability biased_miss(p, scale) instead of 1 - p (biased_pd).
  /// Empty: no look is biased.
  std::vector<double> detection_miss_scale;
  bool biases_detection = false;  ///< filled by make_importance_law

  double kill_pk_of(int type, int threat_class) const {
    return kill_pk[static_cast<std::size_t>(type) * static_cast<std::size_t>(classes) +
                   static_cast<std::size_t>(threat_class)];
  }
};

/// Least biased Pd and miss probability of a look, as fractions of the
/// scenario's (so a look that can detect, or miss, still can).
inline constexpr double biased_look_floor = 1e-3;

/// Pd of a look of scenario Pd `pd` under a detection miss scale m: the miss
/// probability m (1 - pd), kept within [f (1 - pd), 1 - pd / max(m, 1)] (f =
/// biased_look_floor). A Pd of 0 or 1 is not changed.
///
/// The upper bound keeps the biased Pd at least pd / m, so that a look's
/// likelihood ratio P/Q is at most max(m, 1 / max(m, f)) whether it detects
/// or misses. Without it (a bound of 1 - f pd), a scale above 1 would push
/// every look of Pd below m / (m + 1), most looks of a far target, down to
/// f pd: a detection there would weigh 1/f = 1000, the paths that have one
/// would almost never be drawn, and the estimate would come out low with a
/// standard error that does not show it.
inline double biased_pd(double pd, double miss_scale) {
  if (!(pd > 0.0 && pd < 1.0)) return pd;
  const double miss = miss_scale * (1.0 - pd);
  // At the upper bound, pd / m itself: 1 - (1 - pd / m) would lose its digits when it is small.
  if (miss_scale >= 1.0 && miss >= 1.0 - pd / miss_scale) return pd / miss_scale;
  const double least = biased_look_floor * (1.0 - pd);  // binds only for m < f
  return 1.0 - (miss < least ? least : miss);
}

/// Checks a law against the expanded scenario (sizes, Pk in (0, 1), raid
/// means > 0 only for Poisson groups, miss scales in (0, 1000]) and fills its
/// raid; throws std::invalid_argument saying what is wrong.
importance_law make_importance_law(const engagement_model& model, importance_law law);

/// The law that changes nothing: every pair unbiased (weights are exactly 1;
/// a run under it reproduces the plain Monte Carlo's trials).
importance_law unbiased_law(const engagement_model& model, biasing_scope scope);

/// What a trial run under a law reports of its draws (filled by run_trial
/// when trial_workspace::biasing is set).
struct importance_record {
  /// Per threat: log of its likelihood ratio L_j = dQ_j/dP over its kill
  /// draws (Q_j: the law applied to threat j), whatever law drew them.
  std::vector<double> threat_log_ratio;
  /// The threat drawn under the bias (one_threat scope), -1 with every_threat or no threats.
  int focus_threat = -1;
  /// Per (type, class) as importance_law::kill_pk: rounds drawn under the
  /// bias and how many of them killed (what cross-entropy tuning counts).
  std::vector<std::uint32_t> biased_rounds;
  std::vector<std::uint32_t> biased_kills;
  /// Per (battery, class) as importance_law::detection_miss_scale: looks of
  /// Pd in (0, 1) drawn under the bias, how many missed, and the sum of their
  /// scenario miss probabilities 1 - Pd.
  std::vector<std::uint32_t> biased_looks;
  std::vector<std::uint32_t> biased_misses;
  std::vector<double> scenario_misses;
};

/// log dP/dQ of a finished trial: from the record's per-threat ratios (per
/// the law's scope) and the raid counts in `ws.threats`.
double trial_log_weight(const importance_law& law, const engagement_model& model, const trial_workspace& ws,
                        const importance_record& record);

/// Weighted sums of y = w 1{A} for one event, mergeable in chunk order.
struct weighted_tally {
  std::uint64_t trials = 0;
  std::uint64_t hits = 0;  ///< trials in the event
  double sum = 0.0;        ///< sum of w 1{A}
  double sum_sq = 0.0;     ///< sum of (w 1{A})^2
  double max = 0.0;        ///< largest single w 1{A}

  void add(bool in_event, double weight);
  void merge(const weighted_tally& other);
  friend bool operator==(const weighted_tally&, const weighted_tally&) = default;
};

/// An estimate from a weighted_tally.
struct rare_event_estimate {
  double estimate = 0.0;
  double standard_error = 0.0;
  double relative_error = 0.0;  ///< standard_error / estimate (infinity when the estimate is 0)
  double lower = 0.0;           ///< normal interval on the weighted mean, clamped at 0
  double upper = 0.0;
  std::uint64_t hits = 0;
  /// (sum w 1{A})^2 / sum (w 1{A})^2: the number of equally weighted trials
  /// in the event that would carry the same information.
  double effective_sample_size = 0.0;
  /// Largest single trial's share of sum w 1{A}.
  double max_weight_share = 0.0;
};
rare_event_estimate estimate(const weighted_tally& tally, double confidence);

/// Everything a rare-event run counts: the main event, each asset, and the
/// weights themselves (their mean is 1 under a correct law: a check).
struct rare_event_tally {
  weighted_tally leak;                   ///< the main event (rare_event_options::leaker_threshold, target_asset)
  std::vector<weighted_tally> by_asset;  ///< at least one leaker reached the asset
  std::uint64_t trials = 0;
  double weight_sum = 0.0;
  double weight_sum_sq = 0.0;

  void merge(const rare_event_tally& other);
  /// Flat form for message passing (MPI): exact round trip through from_words.
  std::vector<std::uint64_t> to_words() const;
  static rare_event_tally from_words(const std::uint64_t* words, std::size_t count);
  friend bool operator==(const rare_event_tally&, const rare_event_tally&) = default;
};

/// One cross-entropy iteration, as reported.
struct cross_entropy_step {
  int iteration = 0;
  biasing_scope scope = biasing_scope::one_threat;
  std::uint64_t trials = 0;
  double level = 0.0;           ///< score threshold of the elite (the event's: leaker_threshold)
  std::uint64_t elite = 0;      ///< trials at or above the level
  std::uint64_t hits = 0;       ///< trials in the event
  std::vector<double> kill_pk;    ///< the law after this iteration's update
  std::vector<double> raid_mean;  ///< its raid means (empty: no raid count biased)
  std::vector<double> detection_miss_scale;  ///< its miss scales (empty: no look biased)
};

struct rare_event_options {
  /// Trials of the run: a fixed count, or the most to run with a target.
  std::uint64_t trials = 100000;
  std::uint64_t seed = 1;
  double confidence = 0.95;
  /// Stop at the first chunk boundary where the main event's relative error
  /// is at most this (0: run every trial). Needs min_trials_before_stop trials
  /// and min_hits_before_stop trials in the event first.
  double target_relative_error = 0.0;
  /// The main event: at least this many leakers in the trial (>= 1), or,
  /// with a target asset, at least this many leakers reaching that asset.
  int leaker_threshold = 1;
  /// Asset of the main event (index into the defended area's assets; -1:
  /// every leaker counts). Tuning and stopping follow the main event; the
  /// per-asset estimates come from the same trials.
  int target_asset = -1;
  int threads = 1;  ///< 0: all hardware threads
  std::uint64_t chunk_trials = 256;
  /// Cross-entropy tuning: trials per pilot, iterations at most, elite
  /// fraction when too few pilot trials reach the event, and the smoothing
  /// (new = smoothing x update + (1 - smoothing) x old).
  std::uint64_t pilot_trials = 2000;
  int cross_entropy_iterations = 8;
  double elite_fraction = 0.1;
  double smoothing = 0.7;
  /// Scope to tune: every_threat or one_threat, or both (`automatic`: both
  /// are tuned and the one whose last pilot shows the smaller relative
  /// variance per trial is used).
  bool automatic_scope = true;
  biasing_scope scope = biasing_scope::one_threat;
  /// Tune the mean of every Poisson raid group too (the elite's weighted mean
  /// count). Off by default: a tilted count multiplies every trial's weight,
  /// and helps only where the raid's size drives the event (saturation).
  bool tune_raid_counts = false;
  /// Tune a detection miss scale per (battery, class) too (the elite's
  /// weighted misses over their scenario miss probabilities). Off by default:
  /// every look enters the weight, and it helps only where missed detections
  /// drive the event.
  bool tune_detection = false;
  /// A law to use as given (no tuning): make_importance_law checks it.
  const importance_law* fixed_law = nullptr;
  /// Called from the calling thread after each merged chunk of the run.
  std::function<void(std::uint64_t trials_done, const rare_event_estimate& leak)> progress;
  const std::atomic<bool>* cancel = nullptr;
};

/// Fewest trials, and fewest trials in the event, before the relative-error
/// rule may stop a run.
inline constexpr std::uint64_t rare_event_min_trials_before_stop = 1000;
inline constexpr std::uint64_t rare_event_min_hits_before_stop = 30;

/// Trial indices of the pilot runs: pilot iteration t of scope s uses
/// rare_event_pilot_base + s 2^48 + t 2^40 + k, k < 2^40, far from the run's
/// own trials 0, 1, ... (so the run under the tuned law never reuses a pilot's
/// random numbers).
inline constexpr std::uint64_t rare_event_pilot_base = std::uint64_t{1} << 63;
std::uint64_t pilot_trial_index(biasing_scope scope, int iteration, std::uint64_t k);

struct rare_event_result {
  rare_event_tally tally;
  rare_event_estimate p_leak;                ///< the main event
  std::vector<rare_event_estimate> by_asset;  ///< per asset of the defended area
  double mean_weight = 0.0;                   ///< should be 1 within a few weight_standard_errors
  double weight_standard_error = 0.0;
  /// (sum w)^2 / sum w^2 over every trial (not only the event's).
  double effective_sample_size_all_trials = 0.0;
  importance_law law;                         ///< the biasing used
  std::vector<cross_entropy_step> tuning;     ///< empty with a fixed law
  std::uint64_t pilot_trials_run = 0;
  bool stopped_early = false;                 ///< at the target relative error
  bool cancelled = false;
  std::vector<std::string> warnings;          ///< weights degenerate, interval unreliable
  double elapsed_s = 0.0;                     ///< tuning and run
  double tuning_s = 0.0;
};

/// Tunes (unless options.fixed_law) and runs the importance-sampling estimate:
/// tune_rare_event, the chunks of the run merged in chunk order with the
/// relative-error rule after each, finish_rare_event. Throws
/// std::invalid_argument on bad options.
rare_event_result run_rare_event(const engagement_model& model, const rare_event_options& options);

// The pieces of run_rare_event, for drivers that spread the chunks over
// processes (the command line's MPI run): every process tunes the same law
// (tuning is deterministic), runs its chunks, and one merges them in chunk
// order with rare_event_target_reached after each.

/// The law (checked, or tuned from pilot runs) and the tuning record; no run.
rare_event_result tune_rare_event(const engagement_model& model, const rare_event_options& options);
/// Chunks of the run: chunk c is trials [c chunk_trials, (c + 1) chunk_trials).
std::uint64_t rare_event_chunk_count(const rare_event_options& options);
/// Runs chunk `chunk` of a run under `law` (trials past options.trials are not run).
rare_event_tally run_rare_event_chunk(const engagement_model& model, const importance_law& law,
                                      const rare_event_options& options, std::uint64_t chunk, trial_workspace& ws);
/// Runs chunks [range.first, range.first + range.count) on options.threads threads, one tally per chunk in order.
std::vector<rare_event_tally> run_rare_event_chunks(const engagement_model& model, const importance_law& law,
                                                    const rare_event_options& options, chunk_range range);
/// The relative-error stop rule on the tally of chunks [0, c), in chunk order.
bool rare_event_target_reached(const rare_event_tally& tally, const rare_event_options& options);
/// Estimates, weight diagnostics and warnings of a merged tally, into `result` (from tune_rare_event).
void finish_rare_event(const engagement_model& model, const rare_event_options& options, rare_event_tally tally,
                       rare_event_result& result);

}  // namespace samsim
