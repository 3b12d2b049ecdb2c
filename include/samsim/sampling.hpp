#pragma once
/// \file sampling.hpp
/// Inverse-CDF samplers: pure functions from a uniform u in (0, 1) to a sample.
///
/// Every sampler is monotone non-decreasing in u and its result depends only on
/// its arguments, so a trial's samples are a function of the trial's random
/// stream alone (common random numbers, reproducible across machines). No
/// std::*_distribution is used: their output differs between standard libraries.
///
/// Functions in samsim::sampling validate their parameters and throw
/// std::invalid_argument naming the parameter and its value; they are meant for
/// scenario validation and are cheap enough (a few compares) for the hot loop.
/// samsim::sampling::unchecked holds the same functions without checks, for
/// loops whose parameters were validated once up front.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace samsim::sampling {

namespace detail {

[[noreturn]] void throw_invalid(const char* function, const char* parameter, const char* requirement,
                                double value);
[[noreturn]] void throw_invalid(const char* function, const char* parameter, const char* requirement,
                                std::int64_t value);

inline constexpr double inv_sqrt2 = 0.70710678118654752440;

/// Standard normal lower tail Phi(z), accurate (relative) for z < 0.
inline double lower_tail(double z) { return 0.5 * std::erfc(-z * inv_sqrt2); }
/// Standard normal upper tail Q(z) = 1 - Phi(z), accurate (relative) for z > 0.
inline double upper_tail(double z) { return 0.5 * std::erfc(z * inv_sqrt2); }

/// Above this standardized lower bound, Q(a) is close to underflow and the
/// truncated normal is sampled in log space (see sampling.cpp).
inline constexpr double far_tail_start = 30.0;

double far_upper_tail_truncated(double a, double b, double v, double w);
double far_upper_tail_truncated_cdf(double a, double b, double z, bool survival);
std::int64_t poisson_from_mode(double u, double mean);

/// Poisson means at or above this start the inverse-CDF search near the quantile.
inline constexpr double poisson_mode_start_mean = 32.0;

inline void require_unit(const char* f, double u) {
  if (!(u > 0.0 && u < 1.0)) [[unlikely]]
    throw_invalid(f, "u", "in the open interval (0, 1)", u);
}
inline void require_finite(const char* f, const char* name, double x) {
  if (!std::isfinite(x)) [[unlikely]]
    throw_invalid(f, name, "finite", x);
}
inline void require_positive(const char* f, const char* name, double x) {
  if (!(x > 0.0 && x < std::numeric_limits<double>::infinity())) [[unlikely]]
    throw_invalid(f, name, "finite and > 0", x);
}
inline void require_not_nan(const char* f, const char* name, double x) {
  if (std::isnan(x)) [[unlikely]]
    throw_invalid(f, name, "not NaN", x);
}

}  // namespace detail

namespace unchecked {

/// Inverse of the standard normal CDF, Wichura's AS241 (PPND16).
/// Relative error below about 1e-16 in the algorithm, a few ulp in double
/// (tests check against Boost.Math to 1e-15 relative for u in [1e-300, 1-2^-53]).
/// Exact at u = 0.5; symmetric to rounding.
inline double standard_normal(double u) {
  const double q = u - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r +
                4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r +
             1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) /
           (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r +
                2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r +
             4.2313330701600911252e+1) * r + 1.0);
  }
  double r = q < 0.0 ? u : 1.0 - u;  // 1 - u is exact here (u > 0.5)
  r = std::sqrt(-std::log(r));
  double x;
  if (r <= 5.0) {
    r -= 1.6;
    x = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
             1.27045825245236838258e+0) * r + 3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r +
          4.63033784615654529590e+0) * r + 1.42343711074968357734e+0) /
        (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
             1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r +
          2.05319162663775882187e+0) * r + 1.0);
  } else {
    r -= 5.0;
    x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
             2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r +
          5.46378491116411436990e+0) * r + 6.65790464350110377720e+0) /
        (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
             7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
          5.99832206555887937690e-1) * r + 1.0);
  }
  return q < 0.0 ? -x : x;
}

inline double uniform(double u, double lo, double hi) { return std::min(hi, lo + u * (hi - lo)); }
inline double uniform_cdf(double x, double lo, double hi) { return std::clamp((x - lo) / (hi - lo), 0.0, 1.0); }

/// -log1p(-u) keeps full relative precision for small u (short delays).
inline double exponential(double u, double rate_per_s) { return -std::log1p(-u) / rate_per_s; }
inline double exponential_cdf(double x, double rate_per_s) {
  return x <= 0.0 ? 0.0 : -std::expm1(-rate_per_s * x);
}

inline double normal(double u, double mean, double sd) { return mean + sd * standard_normal(u); }
inline double normal_cdf(double x, double mean, double sd) { return detail::lower_tail((x - mean) / sd); }

namespace detail_tn {

// Standard normal truncated to [a, b] with 0 <= a < b. v is the CDF position
// measured from a, w = 1 - v; whichever of the two is below 0.5 is used, so
// the caller passes the exactly-representable one of u and 1 - u.
inline double upper_tail_truncated(double a, double b, double v, double w) {
  if (a > detail::far_tail_start) return detail::far_upper_tail_truncated(a, b, v, w);
  const double qa = detail::upper_tail(a);
  const double qb = detail::upper_tail(b);
  const double d = qa - qb;
  const double t = v < 0.5 ? qa - v * d : qb + w * d;  // target Q(y), <= 0.5
  return std::clamp(-standard_normal(t), a, b);
}

// CDF (or, if survival, 1 - CDF) at z of the standard normal truncated to [a, b], 0 <= a < z < b.
inline double upper_tail_truncated_cdf(double a, double b, double z, bool survival) {
  if (a > detail::far_tail_start) return detail::far_upper_tail_truncated_cdf(a, b, z, survival);
  const double qa = detail::upper_tail(a);
  const double qb = detail::upper_tail(b);
  const double qz = detail::upper_tail(z);
  return (survival ? qz - qb : qa - qz) / (qa - qb);
}

inline double straddle_mass(double a, double b) {
  // Phi(b) - Phi(a) for a < 0 < b as a sum of two positive terms (no cancellation).
  return 0.5 * (std::erf(b * detail::inv_sqrt2) + std::erf(-a * detail::inv_sqrt2));
}

}  // namespace detail_tn

/// Standard normal truncated to [a, b] (standardized bounds, a < b; either may
/// be infinite). Works in whichever tail keeps full relative precision, and in
/// log space beyond 30 sd, so the result is accurate and inside [a, b] even
/// when Phi(a) underflows.
inline double standard_truncated_normal(double u, double a, double b) {
  if (a >= 0.0) return detail_tn::upper_tail_truncated(a, b, u, 1.0 - u);
  if (b <= 0.0) return -detail_tn::upper_tail_truncated(-b, -a, 1.0 - u, u);
  const double pa = detail::lower_tail(a);
  const double qb = detail::upper_tail(b);
  const double d = detail_tn::straddle_mass(a, b);
  const double p_lo = pa + u * d;          // target Phi(x)
  const double p_hi = qb + (1.0 - u) * d;  // target Q(x)
  const double x = p_lo <= p_hi ? standard_normal(p_lo) : -standard_normal(p_hi);
  return std::clamp(x, a, b);
}

inline double standard_truncated_normal_cdf(double z, double a, double b) {
  if (!(z > a)) return 0.0;
  if (!(z < b)) return 1.0;
  if (a >= 0.0) return detail_tn::upper_tail_truncated_cdf(a, b, z, false);
  // P(X <= z) = P(-X >= -z), -X truncated to [-b, -a] in the upper tail.
  if (b <= 0.0) return detail_tn::upper_tail_truncated_cdf(-b, -a, -z, true);
  const double d = detail_tn::straddle_mass(a, b);
  if (z <= 0.0) return (detail::lower_tail(z) - detail::lower_tail(a)) / d;
  return 1.0 - (detail::upper_tail(z) - detail::upper_tail(b)) / d;
}

inline double truncated_normal(double u, double mean, double sd, double lo, double hi) {
  const double x = mean + sd * standard_truncated_normal(u, (lo - mean) / sd, (hi - mean) / sd);
  return std::clamp(x, lo, hi);
}
inline double truncated_normal_cdf(double x, double mean, double sd, double lo, double hi) {
  return standard_truncated_normal_cdf((x - mean) / sd, (lo - mean) / sd, (hi - mean) / sd);
}

double gamma(double u, double shape, double scale);
double gamma_cdf(double x, double shape, double scale);

/// Swerling target RCS [m^2]: mean * chi-square(dof) / dof. dof 2 (Swerling I/II)
/// is exponential and uses a closed form; other dof use Boost gamma_p_inv.
double chi_square_rcs_general(double u, int dof, double mean_m2);
inline double chi_square_rcs(double u, int dof, double mean_m2) {
  if (dof == 2) return -mean_m2 * std::log1p(-u);
  return chi_square_rcs_general(u, dof, mean_m2);
}
double chi_square_rcs_cdf(double x_m2, int dof, double mean_m2);

/// Poisson by inverse-CDF search: from 0 for small means (closed-form
/// recurrence), otherwise from a Cornish-Fisher estimate of the quantile with
/// Boost incomplete-gamma values there, so nothing underflows for any mean.
inline std::int64_t poisson(double u, double mean) {
  if (mean >= detail::poisson_mode_start_mean) return detail::poisson_from_mode(u, mean);
  double p = std::exp(-mean);  // P(X = k)
  if (u <= p) return 0;
  double s = -std::expm1(-mean);  // P(X > k)
  const double w = 1.0 - u;
  std::int64_t k = 0;
  while (w < s && p > 0.0) {
    ++k;
    p *= mean / static_cast<double>(k);
    s -= p;
  }
  return k;
}
double poisson_cdf(std::int64_t k, double mean);

/// Integer uniform on [lo, hi], both inclusive: lo + floor(u * n), n = hi - lo + 1.
/// Relative bias of any value is at most n * 2^-53 (from u's 53-bit grid).
inline std::int64_t uniform_int(double u, std::int64_t lo, std::int64_t hi) {
  const std::uint64_t n_minus_1 = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  // n as a double; n = 2^64 (whole int64 range) is representable.
  const double n = static_cast<double>(n_minus_1) + 1.0;
  const double scaled = u * n;
  std::uint64_t k = scaled >= 18446744073709551616.0 ? n_minus_1 : static_cast<std::uint64_t>(scaled);
  k = std::min(k, n_minus_1);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + k);
}

}  // namespace unchecked

// ---- checked API -----------------------------------------------------------

/// Uniform on [lo, hi); lo < hi, both finite.
inline double uniform(double u, double lo, double hi) {
  detail::require_unit("uniform", u);
  detail::require_finite("uniform", "lo", lo);
  detail::require_finite("uniform", "hi", hi);
  if (!(lo < hi)) [[unlikely]]
    detail::throw_invalid("uniform", "hi", "> lo", hi);
  return unchecked::uniform(u, lo, hi);
}
inline double uniform_cdf(double x, double lo, double hi) {
  detail::require_not_nan("uniform_cdf", "x", x);
  detail::require_finite("uniform_cdf", "lo", lo);
  detail::require_finite("uniform_cdf", "hi", hi);
  if (!(lo < hi)) [[unlikely]]
    detail::throw_invalid("uniform_cdf", "hi", "> lo", hi);
  return unchecked::uniform_cdf(x, lo, hi);
}

/// Exponential waiting time [s] for an event of rate rate_per_s > 0.
inline double exponential(double u, double rate_per_s) {
  detail::require_unit("exponential", u);
  detail::require_positive("exponential", "rate_per_s", rate_per_s);
  return unchecked::exponential(u, rate_per_s);
}
inline double exponential_cdf(double x, double rate_per_s) {
  detail::require_not_nan("exponential_cdf", "x", x);
  detail::require_positive("exponential_cdf", "rate_per_s", rate_per_s);
  return unchecked::exponential_cdf(x, rate_per_s);
}

/// Inverse standard normal CDF (AS241, see unchecked::standard_normal).
inline double standard_normal(double u) {
  detail::require_unit("standard_normal", u);
  return unchecked::standard_normal(u);
}
inline double normal(double u, double mean, double sd) {
  detail::require_unit("normal", u);
  detail::require_finite("normal", "mean", mean);
  detail::require_positive("normal", "sd", sd);
  return unchecked::normal(u, mean, sd);
}
/// Normal CDF via erfc: full relative precision in the lower tail.
inline double normal_cdf(double x, double mean, double sd) {
  detail::require_not_nan("normal_cdf", "x", x);
  detail::require_finite("normal_cdf", "mean", mean);
  detail::require_positive("normal_cdf", "sd", sd);
  return unchecked::normal_cdf(x, mean, sd);
}

namespace detail {
inline void check_truncated(const char* f, double mean, double sd, double lo, double hi) {
  require_finite(f, "mean", mean);
  require_positive(f, "sd", sd);
  require_not_nan(f, "lo", lo);
  require_not_nan(f, "hi", hi);
  if (!(lo < hi)) [[unlikely]]
    throw_invalid(f, "hi", "> lo", hi);
  if (lo == std::numeric_limits<double>::infinity()) [[unlikely]]
    throw_invalid(f, "lo", "< +inf", lo);
  if (hi == -std::numeric_limits<double>::infinity()) [[unlikely]]
    throw_invalid(f, "hi", "> -inf", hi);
}
}  // namespace detail

/// Normal(mean, sd) restricted to [lo, hi] (lo may be -inf, hi +inf), by
/// inverting the truncated CDF; the result is always inside [lo, hi], also for
/// intervals far in a tail (e.g. 40 sd out).
inline double truncated_normal(double u, double mean, double sd, double lo, double hi) {
  detail::require_unit("truncated_normal", u);
  detail::check_truncated("truncated_normal", mean, sd, lo, hi);
  return unchecked::truncated_normal(u, mean, sd, lo, hi);
}
inline double truncated_normal_cdf(double x, double mean, double sd, double lo, double hi) {
  detail::require_not_nan("truncated_normal_cdf", "x", x);
  detail::check_truncated("truncated_normal_cdf", mean, sd, lo, hi);
  return unchecked::truncated_normal_cdf(x, mean, sd, lo, hi);
}

/// Gamma(shape, scale) by Boost.Math gamma_p_inv (no closed form exists).
inline double gamma(double u, double shape, double scale) {
  detail::require_unit("gamma", u);
  detail::require_positive("gamma", "shape", shape);
  detail::require_positive("gamma", "scale", scale);
  return unchecked::gamma(u, shape, scale);
}
inline double gamma_cdf(double x, double shape, double scale) {
  detail::require_not_nan("gamma_cdf", "x", x);
  detail::require_positive("gamma_cdf", "shape", shape);
  detail::require_positive("gamma_cdf", "scale", scale);
  return unchecked::gamma_cdf(x, shape, scale);
}

/// Fluctuating target RCS [m^2] with mean mean_m2: chi-square with dof degrees
/// of freedom scaled to that mean (dof 2: Swerling I/II, dof 4: Swerling III/IV).
inline double chi_square_rcs(double u, int dof, double mean_m2) {
  detail::require_unit("chi_square_rcs", u);
  if (dof < 1) [[unlikely]]
    detail::throw_invalid("chi_square_rcs", "dof", ">= 1", std::int64_t{dof});
  detail::require_positive("chi_square_rcs", "mean_m2", mean_m2);
  return unchecked::chi_square_rcs(u, dof, mean_m2);
}
inline double chi_square_rcs_cdf(double x_m2, int dof, double mean_m2) {
  detail::require_not_nan("chi_square_rcs_cdf", "x_m2", x_m2);
  if (dof < 1) [[unlikely]]
    detail::throw_invalid("chi_square_rcs_cdf", "dof", ">= 1", std::int64_t{dof});
  detail::require_positive("chi_square_rcs_cdf", "mean_m2", mean_m2);
  return unchecked::chi_square_rcs_cdf(x_m2, dof, mean_m2);
}

/// Largest Poisson mean accepted (tested up to here; Boost's incomplete gamma
/// series give up near 1e12).
inline constexpr double poisson_max_mean = 1e9;

/// Poisson count with the given mean (mean 0 gives 0): the smallest k with
/// poisson_cdf(k, mean) >= u.
inline std::int64_t poisson(double u, double mean) {
  detail::require_unit("poisson", u);
  if (!(mean >= 0.0 && mean <= poisson_max_mean)) [[unlikely]]
    detail::throw_invalid("poisson", "mean", ">= 0 and <= 1e9", mean);
  return unchecked::poisson(u, mean);
}
/// P(X <= k) for X ~ Poisson(mean), Boost.Math gamma_q(k + 1, mean).
inline double poisson_cdf(std::int64_t k, double mean) {
  if (!(mean >= 0.0 && mean <= poisson_max_mean)) [[unlikely]]
    detail::throw_invalid("poisson_cdf", "mean", ">= 0 and <= 1e9", mean);
  return unchecked::poisson_cdf(k, mean);
}

/// Integer uniform on [lo, hi], both ends inclusive; lo == hi is allowed and returns lo.
inline std::int64_t uniform_int(double u, std::int64_t lo, std::int64_t hi) {
  detail::require_unit("uniform_int", u);
  if (lo > hi) [[unlikely]]
    detail::throw_invalid("uniform_int", "hi", ">= lo", hi);
  return unchecked::uniform_int(u, lo, hi);
}

}  // namespace samsim::sampling
