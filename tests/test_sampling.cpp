// Tests of sampling.hpp: known quantiles, inverse round trips, bounds of the
// truncated normal far in a tail, and goodness of fit of every sampler fed by
// samsim::random_stream with fixed seeds.
//
// Goodness-of-fit tests: each has false-failure probability alpha = 1e-4 for a
// random seed (critical values stated where used). Seeds are fixed, so every
// outcome is deterministic; a failure means a wrong sampler or a changed stream.
// Reference CDFs come from Boost.Math distributions, not from sampling.hpp.
#include <samsim/rng.hpp>
#include <samsim/sampling.hpp>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/exponential.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/distributions/uniform.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <vector>

namespace sampling = samsim::sampling;
using samsim::random_stream;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr std::uint64_t seed = 20240917u;
constexpr double alpha = 1e-4;  // false-failure rate of each goodness-of-fit test

// Extremes of u: the smallest value random_stream::uniform() returns, 2^-54, and
// the largest double below 1, 1 - 2^-53.
const double u_min = std::ldexp(1.0, -54);
const double u_max = 1.0 - std::ldexp(1.0, -53);

std::vector<double> draw_uniforms(std::uint32_t stream, std::size_t n) {
  random_stream s(seed, static_cast<std::uint32_t>(samsim::stream_id::user) + stream, 0);
  std::vector<double> u(n);
  for (auto& x : u) x = s.uniform();
  return u;
}

// Kolmogorov-Smirnov statistic of samples against a reference CDF.
double ks_statistic(std::vector<double> x, const std::function<double(double)>& cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return d;
}

// Asymptotic Kolmogorov critical value: P(sqrt(n) D > c) = 2 exp(-2 c^2) = alpha
// (Smirnov 1948; conservative by < 1% at n = 20000).
double ks_critical(std::size_t n) { return std::sqrt(-0.5 * std::log(alpha / 2.0)) / std::sqrt(double(n)); }

template <class Sampler>
void check_ks(std::uint32_t stream, Sampler sample, const std::function<double(double)>& reference_cdf) {
  constexpr std::size_t n = 20000;
  std::vector<double> x;
  for (double u : draw_uniforms(stream, n)) x.push_back(sample(u));
  const double d = ks_statistic(x, reference_cdf);
  INFO("KS D = " << d << ", critical " << ks_critical(n));
  CHECK(d < ks_critical(n));
}

// Pearson chi-square of integer samples against reference probabilities of the
// values lo..hi, with everything below lo pooled into lo and above hi into hi.
// Critical value: Boost chi-squared upper alpha quantile with (bins - 1) dof.
void check_chi_square(const std::vector<std::int64_t>& x, std::int64_t lo, std::int64_t hi,
                      const std::function<double(std::int64_t)>& bin_probability) {
  std::vector<double> observed(static_cast<std::size_t>(hi - lo + 1), 0.0);
  for (auto k : x) observed[static_cast<std::size_t>(std::clamp(k, lo, hi) - lo)] += 1.0;
  double chi2 = 0.0;
  const double n = static_cast<double>(x.size());
  for (std::int64_t k = lo; k <= hi; ++k) {
    const double expected = n * bin_probability(k);
    REQUIRE(expected >= 5.0);  // validity of the chi-square approximation
    const double o = observed[static_cast<std::size_t>(k - lo)];
    chi2 += (o - expected) * (o - expected) / expected;
  }
  const boost::math::chi_squared_distribution<double> dist(static_cast<double>(hi - lo));
  const double critical = boost::math::quantile(boost::math::complement(dist, alpha));
  INFO("chi-square = " << chi2 << ", critical " << critical << " (" << hi - lo << " dof)");
  CHECK(chi2 < critical);
}

// u values spanning the whole open interval, including both extremes.
std::vector<double> probe_uniforms() {
  std::vector<double> u = {u_min, 1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.01, 0.1, 0.25, 0.5, 0.75,
                           0.9,   0.99,   1 - 1e-5, 1 - 1e-10, 1 - 1e-14, u_max};
  for (double v : draw_uniforms(99, 200)) u.push_back(v);
  return u;
}

}  // namespace

TEST_CASE("standard_normal reproduces published quantiles", "[sampling]") {
  // Source: mpmath 1.3.0 at 50 digits, bisection on ncdf; 1.959963984540054 is the
  // textbook 97.5% point.
  CHECK(sampling::standard_normal(0.975) == Approx(1.959963984540054).epsilon(1e-15));
  CHECK(sampling::standard_normal(0.025) == Approx(-1.959963984540054).epsilon(1e-15));
  CHECK(sampling::standard_normal(0.999) == Approx(3.0902323061678135).epsilon(1e-15));
  CHECK(sampling::standard_normal(0.1) == Approx(-1.2815515655446004).epsilon(1e-15));
  CHECK(sampling::standard_normal(1e-10) == Approx(-6.3613409024040562).epsilon(1e-15));
  CHECK(sampling::standard_normal(1e-300) == Approx(-37.047096299361199).epsilon(1e-14));
  CHECK(sampling::standard_normal(0.5) == 0.0);
}

TEST_CASE("standard_normal agrees with Boost.Math quantile to 1e-15 relative over the whole range", "[sampling]") {
  // Reference: Boost.Math normal quantile with its default policy (long double internally).
  const boost::math::normal_distribution<double> reference;
  double worst = 0.0;
  auto compare = [&](double u) {
    const double expected = boost::math::quantile(reference, u);
    const double got = sampling::standard_normal(u);
    if (expected != 0.0) worst = std::max(worst, std::fabs(got - expected) / std::fabs(expected));
  };
  for (double e = -300.0; e <= -0.31; e += 0.01) {
    compare(std::pow(10.0, e));
    if (e > -16.0) compare(1.0 - std::pow(10.0, e));  // 1 - 10^e rounds; both sides get the same u
  }
  for (double v : draw_uniforms(1, 20000)) compare(v);
  INFO("worst relative error " << worst);
  CHECK(worst < 1e-15);
}

TEST_CASE("standard_normal is symmetric and monotone", "[sampling]") {
  // For u >= 1/2, 1 - u is exact (Sterbenz), so the pair (u, 1 - u) is exactly
  // symmetric about 1/2; the results agree to rounding (the central branch
  // evaluates u - 1/2 and (1 - u) - 1/2, which may round differently).
  for (double u : probe_uniforms()) {
    if (u < 0.5) continue;
    INFO("u = " << u);
    CHECK(sampling::standard_normal(1.0 - u) == Approx(-sampling::standard_normal(u)).epsilon(1e-15).margin(1e-300));
  }
  double previous = -inf;
  for (double e = -300.0; e < 0.0; e += 0.003) {
    const double x = sampling::standard_normal(std::pow(10.0, e) * 0.5);
    CHECK(x >= previous);
    previous = x;
  }
}

TEST_CASE("normal, exponential, uniform and gamma samples invert their CDFs", "[sampling]") {
  for (double u : probe_uniforms()) {
    INFO("u = " << u);
    // Lower half: relative accuracy in the tail; upper half: absolute (1 - u rounds).
    auto near_u = [u](double cdf_value) {
      return u < 0.5 ? std::fabs(cdf_value - u) <= 1e-12 * u : std::fabs(cdf_value - u) <= 1e-12;
    };
    CHECK(near_u(sampling::normal_cdf(sampling::normal(u, 3.0, 2.0), 3.0, 2.0)));
    CHECK(near_u(sampling::exponential_cdf(sampling::exponential(u, 0.2), 0.2)));
    CHECK(std::fabs(sampling::uniform_cdf(sampling::uniform(u, -2.0, 5.0), -2.0, 5.0) - u) <= 1e-12);
    if (u > 1e-250) {  // Boost gamma_p_inv of u near the smallest doubles loses relative accuracy
      CHECK(near_u(sampling::gamma_cdf(sampling::gamma(u, 2.5, 3.0), 2.5, 3.0)));
      CHECK(near_u(sampling::chi_square_rcs_cdf(sampling::chi_square_rcs(u, 4, 10.0), 4, 10.0)));
      CHECK(near_u(sampling::chi_square_rcs_cdf(sampling::chi_square_rcs(u, 2, 10.0), 2, 10.0)));
    }
  }
}

TEST_CASE("closed-form samplers keep relative precision for small u", "[sampling]") {
  // -log(1 - u) = u + u^2/2 + ... (Taylor series), so for u = 1e-20 the waiting
  // time is exactly u / rate in double precision.
  CHECK(sampling::exponential(1e-20, 2.0) == Approx(5e-21).epsilon(1e-15));
  // Swerling I/II: mean * -log(1 - u); at u = 0.5, mean * ln 2 (ln 2 = 0.69314718055994530942).
  CHECK(sampling::chi_square_rcs(0.5, 2, 4.0) == Approx(4.0 * 0.69314718055994530942).epsilon(1e-15));
  // Swerling III/IV: median of Gamma(2, 1) = 1.6783469900166606534 (mpmath findroot of
  // 1 - e^-x (1 + x) = 1/2); chi-square(4)/4 scaled to mean 1 is Gamma(2, 1/2).
  CHECK(sampling::chi_square_rcs(0.5, 4, 1.0) == Approx(0.5 * 1.6783469900166606534).epsilon(1e-14));
  CHECK(sampling::uniform(0.25, 10.0, 14.0) == 11.0);  // lo + u (hi - lo), exact here
}

TEST_CASE("continuous samplers pass Kolmogorov-Smirnov tests against Boost.Math CDFs", "[sampling]") {
  SECTION("uniform") {
    const boost::math::uniform_distribution<double> d(-2.0, 5.0);
    check_ks(10, [](double u) { return sampling::uniform(u, -2.0, 5.0); },
             [&](double x) { return boost::math::cdf(d, x); });
  }
  SECTION("exponential") {
    const boost::math::exponential_distribution<double> d(0.2);
    check_ks(11, [](double u) { return sampling::exponential(u, 0.2); },
             [&](double x) { return boost::math::cdf(d, x); });
  }
  SECTION("normal") {
    const boost::math::normal_distribution<double> d(3.0, 2.0);
    check_ks(12, [](double u) { return sampling::normal(u, 3.0, 2.0); },
             [&](double x) { return boost::math::cdf(d, x); });
  }
  SECTION("gamma") {
    for (const auto& [shape, scale] : {std::pair{0.5, 2.0}, std::pair{2.0, 1.5}, std::pair{7.5, 0.1}}) {
      const boost::math::gamma_distribution<double> d(shape, scale);
      check_ks(13, [shape = shape, scale = scale](double u) { return sampling::gamma(u, shape, scale); },
               [&](double x) { return boost::math::cdf(d, x); });
    }
  }
  SECTION("chi-square RCS (Swerling)") {
    for (int dof : {2, 4, 1, 10}) {
      const double mean_m2 = 5.0;
      const boost::math::chi_squared_distribution<double> d(dof);
      check_ks(14, [=](double u) { return sampling::chi_square_rcs(u, dof, mean_m2); },
               [&](double x) { return boost::math::cdf(d, x * dof / mean_m2); });
    }
  }
  SECTION("truncated normal") {
    // Reference: (Phi(x) - Phi(a)) / (Phi(b) - Phi(a)) from Boost normal CDFs;
    // upper-tail form with complements for intervals above the mean.
    const boost::math::normal_distribution<double> n01;
    auto upper_tail = [&](double z) { return boost::math::cdf(boost::math::complement(n01, z)); };
    struct interval {
      double mean, sd, lo, hi;
    };
    for (const auto& c : {interval{10.0, 3.0, 5.0, 20.0}, interval{0.0, 1.0, 8.0, 9.0},
                          interval{0.0, 1.0, -inf, -3.0}, interval{2.0, 0.5, 2.5, inf},
                          interval{0.0, 1.0, -9.0, -8.0}, interval{0.0, 1.0, 25.0, 26.0}}) {
      const double a = (c.lo - c.mean) / c.sd;
      const double b = (c.hi - c.mean) / c.sd;
      INFO("interval [" << c.lo << ", " << c.hi << "], mean " << c.mean << ", sd " << c.sd);
      check_ks(
          15, [&](double u) { return sampling::truncated_normal(u, c.mean, c.sd, c.lo, c.hi); },
          [&](double x) {
            const double z = (x - c.mean) / c.sd;
            if (a >= 0.0) return (upper_tail(a) - upper_tail(z)) / (upper_tail(a) - upper_tail(b));
            return (boost::math::cdf(n01, z) - boost::math::cdf(n01, a)) /
                   (boost::math::cdf(n01, b) - boost::math::cdf(n01, a));
          });
    }
  }
  SECTION("truncated normal beyond double underflow of Phi (log-space path)") {
    // Reference in long double (x87 80-bit: Q(40) ~ 3.7e-350 is representable).
    const boost::math::normal_distribution<long double> n01;
    auto upper_tail = [&](long double z) { return boost::math::cdf(boost::math::complement(n01, z)); };
    for (const auto& [lo, hi] : {std::pair{40.0, 41.0}, std::pair{30.5, inf}, std::pair{60.0, 60.1}}) {
      INFO("interval [" << lo << ", " << hi << "]");
      check_ks(
          16, [lo = lo, hi = hi](double u) { return sampling::truncated_normal(u, 0.0, 1.0, lo, hi); },
          [&, lo = lo, hi = hi](double x) {
            return static_cast<double>((upper_tail(lo) - upper_tail(x)) / (upper_tail(lo) - upper_tail(hi)));
          });
    }
  }
}

TEST_CASE("truncated normal stays inside its bounds, also far in a tail", "[sampling]") {
  struct interval {
    double mean, sd, lo, hi;
  };
  const std::vector<interval> cases = {
      {0.0, 1.0, 8.0, 9.0},      {0.0, 1.0, -9.0, -8.0},  {0.0, 1.0, 40.0, 41.0},     {0.0, 1.0, -41.0, -40.0},
      {0.0, 1.0, 50.0, inf},     {0.0, 1.0, -inf, -50.0}, {0.0, 1.0, 8.0, 8.0 + 1e-9}, {0.0, 1.0, -1e-9, 1e-9},
      {0.0, 1.0, 29.9, 30.1},    {0.0, 1.0, -inf, inf},   {100.0, 0.01, 0.0, 99.0},    {-5.0, 2.0, -1.0, 3.0},
      {0.0, 1.0, 1e3, 1e3 + 1.0}, {0.0, 1.0, -3.0, 1e-300}};
  for (const auto& c : cases) {
    double previous = -inf;
    for (double u : {1e-300, 1e-20, u_min, 1e-10, 0.1, 0.5, 0.9, 1 - 1e-10, u_max}) {  // increasing
      const double x = sampling::truncated_normal(u, c.mean, c.sd, c.lo, c.hi);
      INFO("interval [" << c.lo << ", " << c.hi << "] mean " << c.mean << " sd " << c.sd << ", u = " << u
                        << " -> " << x);
      CHECK(std::isfinite(x));
      CHECK(x >= c.lo);
      CHECK(x <= c.hi);
      CHECK(x >= previous);  // monotone in u
      previous = x;
    }
  }
  // Half-normal 95% point equals the normal 97.5% point 1.959963984540054 (mpmath, see above).
  CHECK(sampling::truncated_normal(0.95, 0.0, 1.0, 0.0, inf) == Approx(1.959963984540054).epsilon(1e-14));
  CHECK(sampling::truncated_normal(0.05, 0.0, 1.0, -inf, 0.0) == Approx(-1.959963984540054).epsilon(1e-14));
  // Far tail: X | X > a is a + Exp(a) to first order (Mills ratio), so the
  // median of X | X > 1000 is 1000 + ln 2 / 1000 (error O(1e-9)).
  CHECK(sampling::truncated_normal(0.5, 0.0, 1.0, 1000.0, inf) == Approx(1000.0 + 0.69314718055994530942e-3).epsilon(1e-12));
}

TEST_CASE("truncated normal CDF inverts the sampler, also far in a tail", "[sampling]") {
  struct interval {
    double lo, hi;
  };
  for (const auto& c : {interval{8.0, 9.0}, interval{-9.0, -8.0}, interval{40.0, 41.0}, interval{-41.0, -40.0},
                        interval{35.0, inf}, interval{-inf, -35.0}, interval{-1.0, 2.0}, interval{-inf, inf},
                        interval{-0.5, inf}, interval{-inf, 0.7}, interval{8.0, 8.001}}) {
    for (double u : probe_uniforms()) {
      const double x = sampling::truncated_normal(u, 0.0, 1.0, c.lo, c.hi);
      const double back = sampling::truncated_normal_cdf(x, 0.0, 1.0, c.lo, c.hi);
      // x itself is rounded to half an ulp, which moves the CDF by up to
      // ulp(x) * density; the density is at most 1 / width on these intervals
      // only for the narrow one ([8, 8.001]: 1.8e-15 * 1000 = 1.8e-12).
      const double width = std::min(c.hi - c.lo, 1.0);
      const double tolerance = 1e-12 + 4.0 * std::numeric_limits<double>::epsilon() * std::fabs(x) / width;
      INFO("interval [" << c.lo << ", " << c.hi << "], u = " << u << ", x = " << x << ", cdf = " << back
                        << ", tolerance " << tolerance);
      CHECK(std::fabs(back - u) <= tolerance);
    }
  }
  CHECK(sampling::truncated_normal_cdf(7.0, 0.0, 1.0, 8.0, 9.0) == 0.0);
  CHECK(sampling::truncated_normal_cdf(9.5, 0.0, 1.0, 8.0, 9.0) == 1.0);
}

TEST_CASE("uniform_int is uniform on both inclusive ends", "[sampling]") {
  std::vector<std::int64_t> x;
  for (double u : draw_uniforms(20, 100000)) x.push_back(sampling::uniform_int(u, -3, 6));
  CHECK(*std::min_element(x.begin(), x.end()) == -3);
  CHECK(*std::max_element(x.begin(), x.end()) == 6);
  check_chi_square(x, -3, 6, [](std::int64_t) { return 0.1; });

  CHECK(sampling::uniform_int(u_min, -3, 6) == -3);
  CHECK(sampling::uniform_int(u_max, -3, 6) == 6);
  CHECK(sampling::uniform_int(0.3, 7, 7) == 7);
  // Whole int64 range, n = 2^64 (hand computation): u = 1/2 -> lo + 2^63 = 0;
  // u_min = 2^-54 -> lo + 2^10; u_max = 1 - 2^-53 -> lo + 2^64 - 2^11 = INT64_MAX - 2047.
  constexpr auto lo = std::numeric_limits<std::int64_t>::min();
  constexpr auto hi = std::numeric_limits<std::int64_t>::max();
  CHECK(sampling::uniform_int(0.5, lo, hi) == 0);
  CHECK(sampling::uniform_int(u_min, lo, hi) == lo + 1024);
  CHECK(sampling::uniform_int(u_max, lo, hi) == hi - 2047);
}

TEST_CASE("poisson is the inverse of poisson_cdf", "[sampling]") {
  for (double mean : {1e-3, 0.7, 5.0, 31.9, 32.0, 1000.0, 123456.7, 1e6, 1e9}) {
    for (double u : probe_uniforms()) {
      const std::int64_t k = sampling::poisson(u, mean);
      INFO("mean " << mean << ", u = " << u << ", k = " << k);
      REQUIRE(k >= 0);
      // Smallest k with P(X <= k) >= u, up to the rounding of the search (1e-12).
      CHECK(sampling::poisson_cdf(k, mean) >= u - 1e-12);
      if (k > 0) CHECK(sampling::poisson_cdf(k - 1, mean) < u + 1e-12);
    }
  }
  for (double u : probe_uniforms()) CHECK(sampling::poisson(u, 0.0) == 0);
  // Boost.Math Poisson CDF as an independent reference for poisson_cdf.
  for (double mean : {0.3, 5.0, 1000.0}) {
    const boost::math::poisson_distribution<double> d(mean);
    for (std::int64_t k : {0, 1, 3, 10, 990, 1000, 1100}) {
      CHECK(sampling::poisson_cdf(k, mean) == Approx(boost::math::cdf(d, static_cast<double>(k))).epsilon(1e-13));
    }
  }
  CHECK(sampling::poisson_cdf(-1, 5.0) == 0.0);
  CHECK(sampling::poisson_cdf(0, 0.0) == 1.0);
}

TEST_CASE("poisson samples have the right mean and variance from mean 1e-3 to 1e6", "[sampling]") {
  // Sample mean within 4.5 standard errors sqrt(mean / n), sample variance within
  // 4.5 standard errors sqrt((mean + 2 mean^2) / n) (fourth central moment of the
  // Poisson: mean + 3 mean^2). Two-sided normal tail at 4.5: 6.8e-6 per check.
  struct test_case {
    double mean;
    std::size_t n;
  };
  for (const auto& c : {test_case{1e-3, 1000000}, test_case{5.0, 200000}, test_case{1000.0, 100000},
                        test_case{1e6, 20000}}) {
    double sum = 0.0;
    double sum_sq = 0.0;
    const auto u = draw_uniforms(30, c.n);
    for (double v : u) {
      const double k = static_cast<double>(sampling::poisson(v, c.mean));
      sum += k;
      sum_sq += k * k;
    }
    const double n = static_cast<double>(c.n);
    const double m = sum / n;
    const double var = (sum_sq - n * m * m) / (n - 1.0);
    INFO("mean " << c.mean << ": sample mean " << m << ", sample variance " << var);
    CHECK(std::fabs(m - c.mean) < 4.5 * std::sqrt(c.mean / n));
    CHECK(std::fabs(var - c.mean) < 4.5 * std::sqrt((c.mean + 2.0 * c.mean * c.mean) / n));
  }
}

TEST_CASE("poisson passes chi-square tests against Boost.Math Poisson probabilities", "[sampling]") {
  struct test_case {
    double mean;
    std::int64_t lo, hi;  // bins with expected count >= 5; tails pooled into the end bins
  };
  for (const auto& c : {test_case{5.0, 0, 14}, test_case{0.05, 0, 2}, test_case{1000.0, 900, 1100}}) {
    const boost::math::poisson_distribution<double> d(c.mean);
    std::vector<std::int64_t> x;
    for (double u : draw_uniforms(31, 100000)) x.push_back(sampling::poisson(u, c.mean));
    INFO("mean " << c.mean);
    check_chi_square(x, c.lo, c.hi, [&](std::int64_t k) {
      if (k == c.lo) return boost::math::cdf(d, static_cast<double>(k));
      if (k == c.hi) return boost::math::cdf(boost::math::complement(d, static_cast<double>(k - 1)));
      return boost::math::pdf(d, static_cast<double>(k));
    });
  }
}

TEST_CASE("samplers reject invalid parameters with a message naming them", "[sampling]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(sampling::normal(0.5, 0.0, 0.0), Contains("sd") && Contains("got 0"));
  CHECK_THROWS_WITH(sampling::normal(0.5, 0.0, -2.5), Contains("sd") && Contains("-2.5"));
  CHECK_THROWS_WITH(sampling::normal(0.5, nan, 1.0), Contains("mean") && Contains("nan"));
  CHECK_THROWS_WITH(sampling::normal(1.0, 0.0, 1.0), Contains("u"));
  CHECK_THROWS_WITH(sampling::standard_normal(0.0), Contains("u"));
  CHECK_THROWS_WITH(sampling::standard_normal(nan), Contains("u"));
  CHECK_THROWS_WITH(sampling::uniform(0.5, 2.0, 2.0), Contains("hi"));
  CHECK_THROWS_WITH(sampling::uniform_cdf(0.5, 3.0, 2.0), Contains("hi"));
  CHECK_THROWS_WITH(sampling::exponential(0.5, 0.0), Contains("rate_per_s"));
  CHECK_THROWS_WITH(sampling::exponential_cdf(1.0, -1.0), Contains("rate_per_s"));
  CHECK_THROWS_WITH(sampling::truncated_normal(0.5, 0.0, 1.0, 2.0, 1.0), Contains("hi"));
  CHECK_THROWS_WITH(sampling::truncated_normal(0.5, 0.0, 1.0, inf, inf), Contains("hi") || Contains("lo"));
  CHECK_THROWS_WITH(sampling::truncated_normal(0.5, 0.0, 1.0, nan, 1.0), Contains("lo"));
  CHECK_THROWS_WITH(sampling::truncated_normal(0.5, 0.0, 0.0, -1.0, 1.0), Contains("sd"));
  CHECK_THROWS_WITH(sampling::gamma(0.5, 0.0, 1.0), Contains("shape"));
  CHECK_THROWS_WITH(sampling::gamma(0.5, 1.0, -1.0), Contains("scale"));
  CHECK_THROWS_WITH(sampling::chi_square_rcs(0.5, 0, 1.0), Contains("dof") && Contains("got 0"));
  CHECK_THROWS_WITH(sampling::chi_square_rcs(0.5, 2, 0.0), Contains("mean_m2"));
  CHECK_THROWS_WITH(sampling::poisson(0.5, -1.0), Contains("mean") && Contains("-1"));
  CHECK_THROWS_WITH(sampling::poisson(0.5, nan), Contains("mean"));
  CHECK_THROWS_WITH(sampling::poisson_cdf(3, -0.5), Contains("mean"));
  CHECK_THROWS_WITH(sampling::uniform_int(0.5, 3, 2), Contains("hi") && Contains("got 2"));
  CHECK_THROWS_AS(sampling::normal(0.5, 0.0, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(sampling::poisson(0.5, -1.0), std::invalid_argument);
  CHECK_NOTHROW(sampling::truncated_normal(0.5, 0.0, 1.0, -inf, inf));
}
