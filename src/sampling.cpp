// Out-of-line parts of sampling.hpp: error reporting, the Boost.Math based
// samplers (no closed form), and the far-tail truncated normal.
#include <samsim/sampling.hpp>

#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace samsim::sampling {

namespace {

// Explicit policy: compute in double (no promotion to long double, whose width
// differs between platforms, so results are the same on every platform);
// errors throw (parameters are validated before any call, so none are expected).
using boost_policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

constexpr double inf = std::numeric_limits<double>::infinity();

// Mills ratio R(x) = Q(x) / phi(x) for x >= 30 by its asymptotic series
// 1/x (1 - 1/x^2 + 3/x^4 - 15/x^6 + ...); at x = 30 the first omitted term
// (k = 10) is below 2e-21 relative.
double mills_ratio_far(double x) {
  const double inv_x2 = 1.0 / (x * x);
  double term = 1.0;
  double sum = 1.0;
  for (int k = 1; k <= 9; ++k) {
    term *= -(2.0 * k - 1.0) * inv_x2;
    sum += term;
  }
  return sum / x;
}

// log(Q(y) / Q(a)) for y >= a >= 30; -inf for y = +inf. Never underflows.
double log_tail_ratio(double a, double y) {
  if (y == inf) return -inf;
  return -0.5 * (y - a) * (y + a) + std::log(mills_ratio_far(y) / mills_ratio_far(a));
}

}  // namespace

namespace detail {

void throw_invalid(const char* function, const char* parameter, const char* requirement, double value) {
  throw std::invalid_argument(
      fmt::format("samsim::sampling::{}: {} must be {} (got {})", function, parameter, requirement, value));
}

void throw_invalid(const char* function, const char* parameter, const char* requirement, std::int64_t value) {
  throw std::invalid_argument(
      fmt::format("samsim::sampling::{}: {} must be {} (got {})", function, parameter, requirement, value));
}

// Solves Q(y) / Q(a) = s with s = 1 - v (1 - rho), rho = Q(b) / Q(a), in log
// space by Newton's method: d/dy log Q(y) = -1 / R(y).
double far_upper_tail_truncated(double a, double b, double v, double w) {
  const double log_rho = log_tail_ratio(a, b);
  const double one_minus_rho = -std::expm1(log_rho);
  const double log_s =
      v < 0.5 ? std::log1p(-v * one_minus_rho) : std::log(std::exp(log_rho) + w * one_minus_rho);
  double y = std::sqrt(a * a - 2.0 * log_s);  // ignores the Mills ratio: y >= root
  for (int i = 0; i < 30; ++i) {
    const double step = (log_tail_ratio(a, y) - log_s) * mills_ratio_far(y);
    y += step;
    if (!(std::fabs(step) > 1e-15 * y)) break;
  }
  return std::clamp(y, a, b);
}

double far_upper_tail_truncated_cdf(double a, double b, double z, bool survival) {
  const double log_z = log_tail_ratio(a, z);
  const double log_b = log_tail_ratio(a, b);
  const double mass = -std::expm1(log_b);  // (Q(a) - Q(b)) / Q(a)
  if (survival) return std::exp(log_z) * -std::expm1(log_b - log_z) / mass;
  return -std::expm1(log_z) / mass;
}

// Starts the search at a Cornish-Fisher estimate of the quantile (normal
// approximation with skewness correction), usually within a few steps of the
// answer, with P(X <= k), P(X > k) and P(X = k) from Boost incomplete gamma
// functions: the walk is short, so its rounding errors stay near 1e-15.
std::int64_t poisson_from_mode(double u, double mean) {
  const double z = unchecked::standard_normal(u);
  const double guess = std::floor(mean + std::sqrt(mean) * z + (z * z - 1.0) / 6.0);
  const double start = std::max(0.0, guess);
  std::int64_t k = static_cast<std::int64_t>(start);
  double cdf = boost::math::gamma_q(start + 1.0, mean, boost_policy{});             // P(X <= k)
  double p = boost::math::gamma_p_derivative(start + 1.0, mean, boost_policy{});  // P(X = k)
  if (u <= cdf) {
    while (k > 0) {
      const double below = cdf - p;  // P(X <= k - 1)
      if (u > below) break;
      cdf = below;
      p *= static_cast<double>(k) / mean;
      --k;
    }
    return k;
  }
  double survival = boost::math::gamma_p(start + 1.0, mean, boost_policy{});  // P(X > k)
  const double w = 1.0 - u;
  while (w < survival && p > 0.0) {
    ++k;
    p *= mean / static_cast<double>(k);
    survival -= p;
  }
  return k;
}

}  // namespace detail

namespace unchecked {

double gamma(double u, double shape, double scale) {
  return scale * boost::math::gamma_p_inv(shape, u, boost_policy{});
}

double gamma_cdf(double x, double shape, double scale) {
  if (!(x > 0.0)) return 0.0;
  if (x == inf) return 1.0;
  return boost::math::gamma_p(shape, x / scale, boost_policy{});
}

double chi_square_rcs_general(double u, int dof, double mean_m2) {
  const double shape = 0.5 * dof;
  return mean_m2 / shape * boost::math::gamma_p_inv(shape, u, boost_policy{});
}

double chi_square_rcs_cdf(double x_m2, int dof, double mean_m2) {
  const double shape = 0.5 * dof;
  return gamma_cdf(x_m2, shape, mean_m2 / shape);
}

double poisson_cdf(std::int64_t k, double mean) {
  if (k < 0) return 0.0;
  if (mean == 0.0) return 1.0;
  return boost::math::gamma_q(static_cast<double>(k) + 1.0, mean, boost_policy{});
}

}  // namespace unchecked

}  // namespace samsim::sampling
