// Confidence intervals and mergeable tallies (statistics.hpp).
#include <samsim/statistics.hpp>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/policies/policy.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace samsim {

namespace {

// Explicit policy: double arithmetic throughout (no long double promotion,
// whose width varies by platform), errors throw.
using boost_policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

// Two-sided tail probability alpha / 2 for a confidence level, validated.
double half_alpha(const char* function, double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument(
        fmt::format("samsim::{}: confidence must be in (0, 1) (got {})", function, confidence));
  }
  return 0.5 * (1.0 - confidence);
}

void check_counts(const char* function, std::uint64_t successes, std::uint64_t trials) {
  if (trials == 0) {
    throw std::invalid_argument(fmt::format("samsim::{}: trials must be > 0 (got 0)", function));
  }
  if (successes > trials) {
    throw std::invalid_argument(fmt::format("samsim::{}: successes must be <= trials {} (got {})", function,
                                            trials, successes));
  }
}

double to_double(uint128 x) { return static_cast<double>(x); }

interval_estimate t_interval(const char* function, double confidence, std::uint64_t n, double mean,
                             double variance) {
  const double tail = half_alpha(function, confidence);
  if (n < 2) {
    throw std::domain_error(fmt::format("samsim::{}: needs at least 2 trials (got {})", function, n));
  }
  const boost::math::students_t_distribution<double, boost_policy> t_dist(static_cast<double>(n - 1));
  const double t = boost::math::quantile(boost::math::complement(t_dist, tail));
  const double half_width = t * std::sqrt(variance / static_cast<double>(n));
  return {mean, mean - half_width, mean + half_width};
}

/// z with P(Z > z) = tail for a standard normal Z.
double upper_normal_quantile(double tail) {
  const boost::math::normal_distribution<double, boost_policy> standard_normal;
  return boost::math::quantile(boost::math::complement(standard_normal, tail));
}

}  // namespace

double two_sided_normal_quantile(double confidence, const char* caller) {
  return upper_normal_quantile(half_alpha(caller, confidence));
}

proportion_interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double confidence) {
  const double tail = half_alpha("wilson_interval", confidence);
  check_counts("wilson_interval", successes, trials);
  const double z = upper_normal_quantile(tail);
  const double n = static_cast<double>(trials);
  const double k = static_cast<double>(successes);
  const double z2 = z * z;
  // (k + z^2/2 -+ z sqrt(k (n - k) / n + z^2 / 4)) / (n + z^2): the textbook
  // form multiplied through by n, with no 1 - p cancellation.
  const double centre = k + 0.5 * z2;
  const double failures = static_cast<double>(trials - successes);  // exact, no n - k rounding
  const double half_width = z * std::sqrt(k * failures / n + 0.25 * z2);
  const double denominator = n + z2;
  double lower = successes == 0 ? 0.0 : (centre - half_width) / denominator;
  double upper = successes == trials ? 1.0 : (centre + half_width) / denominator;
  lower = std::clamp(lower, 0.0, 1.0);
  upper = std::clamp(upper, 0.0, 1.0);
  return {k / n, lower, upper};
}

proportion_interval clopper_pearson_interval(std::uint64_t successes, std::uint64_t trials,
                                             double confidence) {
  const double tail = half_alpha("clopper_pearson_interval", confidence);
  check_counts("clopper_pearson_interval", successes, trials);
  const double n = static_cast<double>(trials);
  const double k = static_cast<double>(successes);
  // Closed forms at the edges: P(0 of n | p) = (1 - p)^n, P(n of n | p) = p^n.
  double lower = 0.0;
  double upper = 1.0;
  if (successes == 0) {
    upper = -std::expm1(std::log(tail) / n);
  } else if (successes == trials) {
    lower = std::exp(std::log(tail) / n);  // (alpha/2)^(1/n)
  } else {
    const boost::math::beta_distribution<double, boost_policy> lower_dist(k, n - k + 1.0);
    const boost::math::beta_distribution<double, boost_policy> upper_dist(k + 1.0, n - k);
    lower = boost::math::quantile(lower_dist, tail);
    upper = boost::math::quantile(boost::math::complement(upper_dist, tail));
  }
  return {k / n, lower, upper};
}

// ---- integer_tally -----------------------------------------------------------

void integer_tally::add(std::uint64_t value) {
  const uint128 v = value;
  uint128 sum = 0;
  uint128 sum_of_squares = 0;
  if (__builtin_add_overflow(sum_, v, &sum) || __builtin_add_overflow(sum_of_squares_, v * v, &sum_of_squares)) {
    throw std::overflow_error("samsim::integer_tally::add: 128-bit sum overflow");
  }
  ++count_;
  sum_ = sum;
  sum_of_squares_ = sum_of_squares;
}

void integer_tally::merge(const integer_tally& other) {
  uint128 sum = 0;
  uint128 sum_of_squares = 0;
  std::uint64_t count = 0;
  if (__builtin_add_overflow(count_, other.count_, &count) || __builtin_add_overflow(sum_, other.sum_, &sum) ||
      __builtin_add_overflow(sum_of_squares_, other.sum_of_squares_, &sum_of_squares)) {
    throw std::overflow_error("samsim::integer_tally::merge: sum overflow");
  }
  count_ = count;
  sum_ = sum;
  sum_of_squares_ = sum_of_squares;
}

double integer_tally::mean() const {
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  return to_double(sum_) / static_cast<double>(count_);
}

double integer_tally::variance() const {
  if (count_ < 2) return std::numeric_limits<double>::quiet_NaN();
  const uint128 n = count_;
  uint128 n_sum_sq = 0;
  uint128 sum_sq = 0;
  if (!__builtin_mul_overflow(n, sum_of_squares_, &n_sum_sq) && !__builtin_mul_overflow(sum_, sum_, &sum_sq)) {
    // Exact numerator n * sum(x^2) - (sum x)^2 = sum over pairs of (x_i - x_j)^2 >= 0.
    return to_double(n_sum_sq - sum_sq) / to_double(n * (n - 1));
  }
  // Beyond 128 bits (astronomical sums): long double fallback, still deterministic.
  const long double ln = static_cast<long double>(count_);
  const long double s = static_cast<long double>(sum_);
  const long double numerator = static_cast<long double>(sum_of_squares_) - s * s / ln;
  return static_cast<double>(std::max(numerator, 0.0L) / (ln - 1.0L));
}

interval_estimate integer_tally::mean_interval(double confidence) const {
  return t_interval("integer_tally::mean_interval", confidence, count_, mean(), variance());
}

// ---- running_moments ---------------------------------------------------------

void running_moments::add(double value) {
  ++count_;
  const double delta = value - mean_;
  mean_ += delta / static_cast<double>(count_);
  m2_ += delta * (value - mean_);
}

void running_moments::merge(const running_moments& other) {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  const double na = static_cast<double>(count_);
  const double nb = static_cast<double>(other.count_);
  count_ += other.count_;
  const double n = static_cast<double>(count_);
  const double delta = other.mean_ - mean_;
  mean_ += delta * (nb / n);
  m2_ += other.m2_ + delta * delta * (na * nb / n);
}

double running_moments::mean() const {
  return count_ == 0 ? std::numeric_limits<double>::quiet_NaN() : mean_;
}

double running_moments::variance() const {
  return count_ < 2 ? std::numeric_limits<double>::quiet_NaN() : m2_ / static_cast<double>(count_ - 1);
}

interval_estimate running_moments::mean_interval(double confidence) const {
  return t_interval("running_moments::mean_interval", confidence, count_, mean(), variance());
}

// ---- paired_moments ----------------------------------------------------------

void paired_moments::add(double x, double y) {
  const double dx = x - x_.raw_mean();
  x_.add(x);
  y_.add(y);
  cxy_ += dx * (y - y_.raw_mean());
}

void paired_moments::merge(const paired_moments& other) {
  if (other.x_.count() == 0) return;
  if (x_.count() == 0) {
    *this = other;
    return;
  }
  const double na = static_cast<double>(x_.count());
  const double nb = static_cast<double>(other.x_.count());
  const double dx = other.x_.raw_mean() - x_.raw_mean();
  const double dy = other.y_.raw_mean() - y_.raw_mean();
  cxy_ += other.cxy_ + dx * dy * (na * nb / (na + nb));
  x_.merge(other.x_);
  y_.merge(other.y_);
}

double paired_moments::covariance() const {
  const std::uint64_t n = x_.count();
  return n < 2 ? std::numeric_limits<double>::quiet_NaN() : cxy_ / static_cast<double>(n - 1);
}

interval_estimate paired_moments::ratio_interval(double confidence) const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::uint64_t n = x_.count();
  if (n < 2 || x_.mean() == 0.0) return {nan, nan, nan};
  const double r = y_.mean() / x_.mean();
  const double var =
      (y_.variance() - 2.0 * r * covariance() + r * r * x_.variance()) / (static_cast<double>(n) * x_.mean() * x_.mean());
  const double z = two_sided_normal_quantile(confidence, "paired_moments::ratio_interval");
  const double half = z * std::sqrt(std::max(0.0, var));
  return {r, r - half, r + half};
}

// ---- integer_histogram -------------------------------------------------------

void integer_histogram::add(std::uint64_t value) { add_count(value, 1); }

void integer_histogram::add_count(std::uint64_t value, std::uint64_t n) {
  if (value > max_value) {
    throw std::length_error(
        fmt::format("samsim::integer_histogram::add: value must be <= {} (got {})", max_value, value));
  }
  if (n == 0) return;
  if (value >= counts_.size()) counts_.resize(value + 1, 0);
  counts_[value] += n;
  total_ += n;
}

void integer_histogram::merge(const integer_histogram& other) {
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
}

std::uint64_t integer_histogram::count(std::uint64_t value) const {
  return value < counts_.size() ? counts_[value] : 0;
}

std::uint64_t integer_histogram::at_least(std::uint64_t value) const {
  std::uint64_t n = 0;
  for (std::size_t i = value; i < counts_.size(); ++i) n += counts_[i];
  return n;
}

}  // namespace samsim
