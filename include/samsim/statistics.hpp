#pragma once
/// \file statistics.hpp
/// Mergeable, reproducible tallies of Monte Carlo results and their intervals.
///
/// Integer tallies keep exact integer sums, so any split of the trials into
/// chunks, merged in any order, gives bit-identical results. Interval functions
/// take the two-sided confidence level (e.g. 0.95) and throw
/// std::invalid_argument unless 0 < confidence < 1.

#include <cstdint>
#include <vector>

namespace samsim {

/// Unsigned 128-bit integer (GCC/Clang extension) for exact sums of squares.
__extension__ typedef unsigned __int128 uint128;

/// A proportion estimate k/n with a two-sided confidence interval.
struct proportion_interval {
  double estimate;
  double lower;
  double upper;
};

/// A mean estimate with a two-sided confidence interval.
struct interval_estimate {
  double estimate;
  double lower;
  double upper;
};

/// The standard normal quantile z with P(|Z| <= z) = confidence (1.96 for
/// 0.95): the half-width of a normal interval in standard errors. Throws
/// std::invalid_argument naming `caller` unless 0 < confidence < 1.
double two_sided_normal_quantile(double confidence, const char* caller = "two_sided_normal_quantile");

/// Wilson score interval for successes out of trials. Good coverage even for
/// small n or k near 0 or n; k = 0 gives lower exactly 0, k = n upper exactly 1.
/// Throws std::invalid_argument if trials == 0 (no estimate exists; callers
/// must report "no trials" themselves) or successes > trials.
proportion_interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double confidence);

/// Clopper-Pearson ("exact") interval from Boost.Math beta quantiles: coverage
/// is at least the confidence level. Edges are exact: k = 0 gives lower 0 and
/// upper 1 - (alpha/2)^(1/n); k = n gives upper 1 and lower (alpha/2)^(1/n).
/// Throws std::invalid_argument if trials == 0 or successes > trials.
proportion_interval clopper_pearson_interval(std::uint64_t successes, std::uint64_t trials,
                                             double confidence);

/// Tally of a non-negative integer quantity per trial (e.g. leakers per trial).
/// Count, sum and sum of squares are exact integers, so merging any split of
/// the trials in any order gives identical state, and identical derived values.
class integer_tally {
 public:
  /// Record one trial's value. Throws std::overflow_error if the exact 128-bit
  /// sums would overflow (impossible for values below 2^32 and < 2^64 trials).
  void add(std::uint64_t value);
  /// Add another tally's trials (exact, commutative and associative).
  void merge(const integer_tally& other);

  /// Rebuilds a tally from its exact state (count, sum, sum of squares), e.g. after message passing.
  static integer_tally from_sums(std::uint64_t count, uint128 sum, uint128 sum_of_squares) {
    integer_tally t;
    t.count_ = count;
    t.sum_ = sum;
    t.sum_of_squares_ = sum_of_squares;
    return t;
  }

  std::uint64_t count() const { return count_; }
  uint128 sum() const { return sum_; }
  uint128 sum_of_squares() const { return sum_of_squares_; }

  /// Sample mean; NaN if count() == 0.
  double mean() const;
  /// Unbiased sample variance (n - 1 denominator) from the exact integer
  /// numerator n*sum(x^2) - (sum x)^2; NaN if count() < 2.
  double variance() const;
  /// Student-t interval for the mean (Boost.Math students_t quantile, n - 1
  /// dof). Throws std::domain_error if count() < 2.
  interval_estimate mean_interval(double confidence) const;

  friend bool operator==(const integer_tally&, const integer_tally&) = default;

 private:
  std::uint64_t count_ = 0;
  uint128 sum_ = 0;
  uint128 sum_of_squares_ = 0;
};

/// Welford running mean and variance of doubles, with Chan et al.'s pairwise
/// merge. Guarantee: the result is a deterministic function of the values and
/// of the sequence of add() and merge() calls. Splitting the trials into the
/// same chunks and merging the chunk results in the same fixed order (e.g. by
/// chunk index, whatever thread computed each chunk) gives bit-identical
/// results on every run. A different chunking, or one pass, gives results
/// that differ only by rounding (tests check 1e-12 relative); use
/// integer_tally when bit-identity across chunkings is required.
class running_moments {
 public:
  void add(double value);
  void merge(const running_moments& other);

  std::uint64_t count() const { return count_; }
  /// Mean; NaN if count() == 0.
  double mean() const;
  /// Unbiased sample variance (n - 1 denominator); NaN if count() < 2.
  double variance() const;
  /// Sum of squared deviations from the mean (Welford's M2).
  double sum_of_squared_deviations() const { return m2_; }
  /// Student-t interval for the mean; throws std::domain_error if count() < 2.
  interval_estimate mean_interval(double confidence) const;

  /// Rebuilds the accumulator from its state (count, mean, M2), e.g. after message passing.
  static running_moments from_state(std::uint64_t count, double mean, double m2) {
    running_moments m;
    m.count_ = count;
    m.mean_ = mean;
    m.m2_ = m2;
    return m;
  }
  /// The stored mean (0 when empty), for message passing.
  double raw_mean() const { return mean_; }

  friend bool operator==(const running_moments&, const running_moments&) = default;

 private:
  std::uint64_t count_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
};

/// Running moments of a pair (x, y) per trial: each one's running_moments and
/// their co-moment, with the same determinism guarantee as running_moments
/// (pairwise merge, Chan et al.). Gives the ratio of the means mean(y) /
/// mean(x) with a delta-method interval (cost exchange ratios).
class paired_moments {
 public:
  void add(double x, double y);
  void merge(const paired_moments& other);

  const running_moments& x() const { return x_; }
  const running_moments& y() const { return y_; }
  /// Sample covariance (n - 1 denominator); NaN if count < 2.
  double covariance() const;
  /// mean(y) / mean(x) with the normal interval of the delta method:
  /// var(R) ~ (s_y^2 - 2 R s_xy + R^2 s_x^2) / (n mean(x)^2). NaN estimate
  /// and bounds when mean(x) is 0 or count < 2.
  interval_estimate ratio_interval(double confidence) const;

  double co_moment() const { return cxy_; }
  static paired_moments from_state(const running_moments& x, const running_moments& y, double co_moment) {
    paired_moments p;
    p.x_ = x;
    p.y_ = y;
    p.cxy_ = co_moment;
    return p;
  }

  friend bool operator==(const paired_moments&, const paired_moments&) = default;

 private:
  running_moments x_, y_;
  double cxy_ = 0.0;  ///< sum of (x - mean x)(y - mean y)
};

/// Counts per non-negative integer value (e.g. number of leakers), growing as
/// needed; exact, so merges in any order give identical state.
class integer_histogram {
 public:
  /// Largest value accepted (bounds memory at 8 * 2^24 bytes); add() throws
  /// std::length_error above it.
  static constexpr std::uint64_t max_value = (std::uint64_t{1} << 24) - 1;

  void add(std::uint64_t value);
  /// Records `n` trials with this value at once (n = 0 changes nothing).
  void add_count(std::uint64_t value, std::uint64_t n);
  void merge(const integer_histogram& other);

  /// Number of trials with exactly this value.
  std::uint64_t count(std::uint64_t value) const;
  /// Number of trials with value >= this value.
  std::uint64_t at_least(std::uint64_t value) const;
  /// Number of trials recorded.
  std::uint64_t total() const { return total_; }
  /// Counts indexed by value; size is (largest value seen) + 1.
  const std::vector<std::uint64_t>& counts() const { return counts_; }

  friend bool operator==(const integer_histogram&, const integer_histogram&) = default;

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
};

}  // namespace samsim
