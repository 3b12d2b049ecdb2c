// Tests of statistics.hpp: proportion intervals against published values and
// closed forms, and reproducibility of merged tallies.
#include <samsim/rng.hpp>
#include <samsim/sampling.hpp>
#include <samsim/statistics.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

using samsim::clopper_pearson_interval;
using samsim::wilson_interval;

namespace {

// Two-sided 95% normal point z = 1.959963984540054 and 90% point 1.6448536269514727
// (mpmath 1.3.0, 50 digits).
constexpr double z95 = 1.959963984540054;
constexpr double z90 = 1.6448536269514727;

// Textbook Wilson score interval (Wilson 1927; Agresti & Coull 1998, eq. 2):
// (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), written independently
// of the implementation's rearranged form.
samsim::proportion_interval textbook_wilson(double k, double n, double z) {
  const double p = k / n;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z / (1 + z * z / n) * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  return {p, centre - half, centre + half};
}

std::vector<std::uint64_t> leakers_per_trial(std::size_t n) {
  samsim::random_stream s(77u, samsim::stream_id::user, 0);
  std::vector<std::uint64_t> v(n);
  for (auto& x : v) x = static_cast<std::uint64_t>(samsim::sampling::poisson(s.uniform(), 2.5));
  return v;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("Clopper-Pearson reproduces published reference intervals", "[statistics]") {
  // Source: tests/data/VALIDATION.md (binomial intervals);
  // independently confirmed with mpmath 1.3.0 (40 digits, bisection on betainc):
  // 7/50 -> (0.0581917003403721, 0.267396002497008); 4/20 -> (0.0573339970500328, 0.436614002996668).
  const auto a = clopper_pearson_interval(7, 50, 0.95);
  CHECK(a.estimate == 7.0 / 50.0);
  CHECK(a.lower == Approx(0.0581917003).margin(5e-11));
  CHECK(a.upper == Approx(0.2673960025).margin(5e-11));
  const auto b = clopper_pearson_interval(4, 20, 0.95);
  CHECK(b.lower == Approx(0.05733).margin(5e-6));
  CHECK(b.upper == Approx(0.43661).margin(5e-6));
}

TEST_CASE("Wilson reproduces published reference intervals and its closed formula", "[statistics]") {
  // Source: tests/data/VALIDATION.md (binomial intervals); mpmath gives
  // (0.0695083342701629, 0.261861937105855).
  const auto a = wilson_interval(7, 50, 0.95);
  CHECK(a.estimate == 7.0 / 50.0);
  CHECK(a.lower == Approx(0.069508).margin(5e-7));
  CHECK(a.upper == Approx(0.261862).margin(5e-7));

  for (std::uint64_t n : {1u, 2u, 5u, 20u, 50u, 1000u, 123457u}) {
    for (std::uint64_t k : {std::uint64_t{1}, n / 3, n / 2, n - 1}) {
      if (k == 0 || k >= n) continue;
      for (const auto& [confidence, z] : {std::pair{0.95, z95}, std::pair{0.90, z90}}) {
        const auto expected = textbook_wilson(double(k), double(n), z);
        const auto got = wilson_interval(k, n, confidence);
        INFO(k << " of " << n << " at " << confidence);
        CHECK(got.lower == Approx(expected.lower).epsilon(1e-12).margin(1e-15));
        CHECK(got.upper == Approx(expected.upper).epsilon(1e-12));
      }
    }
  }
}

TEST_CASE("proportion intervals are exact at k = 0 and k = n", "[statistics]") {
  // Clopper-Pearson edges: (1 - p)^n = alpha/2 -> upper = 1 - 0.025^(1/n); for n = 20
  // mpmath gives 0.168433470983085 (and 0.831566529016915 for k = n).
  const auto zero = clopper_pearson_interval(0, 20, 0.95);
  CHECK(zero.lower == 0.0);
  CHECK(zero.estimate == 0.0);
  CHECK(zero.upper == Approx(0.168433470983085).epsilon(1e-13));
  const auto all = clopper_pearson_interval(20, 20, 0.95);
  CHECK(all.upper == 1.0);
  CHECK(all.estimate == 1.0);
  CHECK(all.lower == Approx(0.831566529016915).epsilon(1e-13));
  // Next to the edges the beta quantiles agree with the same closed forms' neighbours:
  // k = 1 of 20 lower bound solves 1 - (1 - p)^20 = 0.025 -> 1 - 0.975^(1/20).
  CHECK(clopper_pearson_interval(1, 20, 0.95).lower == Approx(1.0 - std::pow(0.975, 1.0 / 20.0)).epsilon(1e-12));

  // Wilson edges: k = 0 -> (0, z^2 / (n + z^2)); k = n -> (n / (n + z^2), 1) (textbook formula, p = 0 or 1).
  const auto w0 = wilson_interval(0, 20, 0.95);
  CHECK(w0.lower == 0.0);
  CHECK(w0.upper == Approx(z95 * z95 / (20 + z95 * z95)).epsilon(1e-14));
  const auto wn = wilson_interval(20, 20, 0.95);
  CHECK(wn.upper == 1.0);
  CHECK(wn.lower == Approx(20 / (20 + z95 * z95)).epsilon(1e-14));
  // mpmath: 0/20 upper 0.161125158052819.
  CHECK(w0.upper == Approx(0.161125158052819).epsilon(1e-13));
}

TEST_CASE("interval functions validate their inputs", "[statistics]") {
  using Catch::Matchers::Contains;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(wilson_interval(0, 0, 0.95), std::invalid_argument);
  CHECK_THROWS_AS(clopper_pearson_interval(0, 0, 0.95), std::invalid_argument);
  CHECK_THROWS_WITH(wilson_interval(6, 5, 0.95), Contains("successes"));
  CHECK_THROWS_WITH(clopper_pearson_interval(6, 5, 0.95), Contains("successes"));
  for (double bad : {0.0, 1.0, -0.5, 1.5, nan, 95.0}) {
    CHECK_THROWS_WITH(wilson_interval(3, 10, bad), Contains("confidence"));
    CHECK_THROWS_WITH(clopper_pearson_interval(3, 10, bad), Contains("confidence"));
  }
  samsim::integer_tally t;
  t.add(1);
  CHECK_THROWS_AS(t.mean_interval(0.95), std::domain_error);  // one trial: no variance
  t.add(3);
  CHECK_THROWS_AS(t.mean_interval(1.0), std::invalid_argument);
  samsim::running_moments m;
  CHECK_THROWS_AS(m.mean_interval(0.95), std::domain_error);
  CHECK(std::isnan(m.mean()));
  m.add(1.0);
  m.add(2.0);
  CHECK_THROWS_AS(m.mean_interval(0.0), std::invalid_argument);
}

TEST_CASE("integer_tally: mean, variance and Student-t interval match a hand computation", "[statistics]") {
  // Data {2, 4, 4, 4, 5, 5, 7, 9}: mean 5, sum of squared deviations 32, sample variance 32/7.
  // t(0.975, 7 dof) = 2.3646242515927853 (mpmath 1.3.0; NIST/SEMATECH e-Handbook table
  // 1.3.6.7.2 gives 2.365), half width t sqrt(32/7/8) = 1.787487918236210895.
  samsim::integer_tally t;
  for (std::uint64_t v : {2, 4, 4, 4, 5, 5, 7, 9}) t.add(v);
  CHECK(t.count() == 8);
  CHECK(t.sum() == 40);
  CHECK(t.sum_of_squares() == 232);
  CHECK(t.mean() == 5.0);
  CHECK(t.variance() == Approx(32.0 / 7.0).epsilon(1e-15));
  const auto ci = t.mean_interval(0.95);
  CHECK(ci.estimate == 5.0);
  CHECK(ci.lower == Approx(3.212512081763789105).epsilon(1e-13));
  CHECK(ci.upper == Approx(6.787487918236210895).epsilon(1e-13));

  samsim::running_moments m;
  for (double v : {2, 4, 4, 4, 5, 5, 7, 9}) m.add(v);
  CHECK(m.mean() == Approx(5.0).epsilon(1e-15));
  CHECK(m.variance() == Approx(32.0 / 7.0).epsilon(1e-14));
  CHECK(m.mean_interval(0.95).upper == Approx(6.787487918236210895).epsilon(1e-13));
}

TEST_CASE("integer_tally sums are exact beyond 64 bits", "[statistics]") {
  samsim::integer_tally t;
  const std::uint64_t big = std::uint64_t{1} << 63;
  t.add(big);
  t.add(big);
  // 2^63 + 2^63 = 2^64; 2 * (2^63)^2 = 2^127 (hand computation).
  CHECK(t.sum() == (samsim::uint128{1} << 64));
  CHECK(t.sum_of_squares() == (samsim::uint128{1} << 127));
  CHECK(t.variance() == 0.0);
  CHECK(t.mean() == std::ldexp(1.0, 63));
  t.add(big);                                         // sum of squares 3 * 2^126 < 2^128
  CHECK_THROWS_AS(t.add(big), std::overflow_error);  // 4 * 2^126 = 2^128 overflows
  CHECK(t.count() == 3);                               // a failed add leaves the tally unchanged
}

TEST_CASE("integer_tally and integer_histogram merges are bit-identical for any chunking and order",
          "[statistics]") {
  const auto values = leakers_per_trial(10007);
  samsim::integer_tally one_pass;
  samsim::integer_histogram one_pass_hist;
  for (auto v : values) {
    one_pass.add(v);
    one_pass_hist.add(v);
  }
  for (std::size_t chunk : {1u, 7u, 1000u, 3333u, 10007u, 20000u}) {
    std::vector<samsim::integer_tally> tallies;
    std::vector<samsim::integer_histogram> hists;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i % chunk == 0) {
        tallies.emplace_back();
        hists.emplace_back();
      }
      tallies.back().add(values[i]);
      hists.back().add(values[i]);
    }
    samsim::integer_tally forward, backward;
    samsim::integer_histogram forward_hist, backward_hist;
    for (std::size_t i = 0; i < tallies.size(); ++i) {
      forward.merge(tallies[i]);
      forward_hist.merge(hists[i]);
      backward.merge(tallies[tallies.size() - 1 - i]);
      backward_hist.merge(hists[hists.size() - 1 - i]);
    }
    INFO("chunk size " << chunk);
    CHECK(forward == one_pass);
    CHECK(backward == one_pass);
    CHECK(forward_hist == one_pass_hist);
    CHECK(backward_hist == one_pass_hist);
    CHECK(same_bits(forward.mean(), one_pass.mean()));
    CHECK(same_bits(backward.variance(), one_pass.variance()));
    CHECK(same_bits(backward.mean_interval(0.95).lower, one_pass.mean_interval(0.95).lower));
  }
  // The tally agrees with a direct count of the data.
  std::uint64_t sum = 0;
  for (auto v : values) sum += v;
  CHECK(one_pass.sum() == sum);
  CHECK(one_pass_hist.total() == values.size());
}

TEST_CASE("integer_histogram counts, tails and growth", "[statistics]") {
  samsim::integer_histogram h;
  for (std::uint64_t v : {0, 0, 1, 3, 3, 3}) h.add(v);
  CHECK(h.total() == 6);
  CHECK(h.count(0) == 2);
  CHECK(h.count(1) == 1);
  CHECK(h.count(2) == 0);
  CHECK(h.count(3) == 3);
  CHECK(h.count(1000) == 0);
  CHECK(h.at_least(0) == 6);
  CHECK(h.at_least(1) == 4);
  CHECK(h.at_least(2) == 3);
  CHECK(h.at_least(4) == 0);
  CHECK(h.counts().size() == 4);
  samsim::integer_histogram other;
  other.add(9);
  h.merge(other);
  CHECK(h.total() == 7);
  CHECK(h.count(9) == 1);
  CHECK(h.at_least(4) == 1);
  CHECK_THROWS_AS(h.add(samsim::integer_histogram::max_value + 1), std::length_error);
}

TEST_CASE("running_moments: fixed-order merges are reproducible and agree with one pass", "[statistics]") {
  // Values with a large offset (mean 1e3, sd 1) to exercise Welford's stability.
  auto sample = [](std::size_t n) {
    samsim::random_stream s(91u, samsim::stream_id::user, 0);
    std::vector<double> v(n);
    for (auto& x : v) x = samsim::sampling::normal(s.uniform(), 1000.0, 1.0);
    return v;
  };
  const auto values = sample(100003);
  samsim::running_moments one_pass;
  for (double v : values) one_pass.add(v);

  // Exact-ish reference: two-pass in long double, independent of the class.
  long double mean = 0.0L;
  for (double v : values) mean += v;
  mean /= static_cast<long double>(values.size());
  long double ss = 0.0L;
  for (double v : values) ss += (v - mean) * (v - mean);
  const double reference_var = static_cast<double>(ss / static_cast<long double>(values.size() - 1));
  CHECK(one_pass.mean() == Approx(static_cast<double>(mean)).epsilon(1e-12));
  CHECK(one_pass.variance() == Approx(reference_var).epsilon(1e-10));

  auto chunked = [&](std::size_t chunk) {
    std::vector<samsim::running_moments> parts;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i % chunk == 0) parts.emplace_back();
      parts.back().add(values[i]);
    }
    samsim::running_moments total;
    for (const auto& p : parts) total.merge(p);
    return total;
  };
  for (std::size_t chunk : {1u, 64u, 1000u, 50000u}) {
    const auto first = chunked(chunk);
    const auto second = chunked(chunk);
    INFO("chunk size " << chunk);
    CHECK(first.count() == values.size());
    CHECK(same_bits(first.mean(), second.mean()));
    CHECK(same_bits(first.variance(), second.variance()));
    CHECK(first.mean() == Approx(one_pass.mean()).epsilon(1e-12));
    CHECK(first.variance() == Approx(one_pass.variance()).epsilon(1e-12));
  }
  // Merging with empty tallies changes nothing.
  samsim::running_moments copy = one_pass;
  copy.merge(samsim::running_moments{});
  CHECK(copy == one_pass);
  samsim::running_moments empty;
  empty.merge(one_pass);
  CHECK(empty == one_pass);
}

TEST_CASE("paired_moments: covariance and ratio of means against a two-pass computation", "[statistics]") {
  // Reference: the textbook two-pass formulas on the same data (sample
  // covariance with n - 1; delta-method variance of R = mean(y) / mean(x):
  // (s_y^2 - 2 R s_xy + R^2 s_x^2) / (n mean(x)^2); z = 1.959963984540054 for 95%).
  std::vector<double> xs, ys;
  for (int k = 0; k < 200; ++k) {
    xs.push_back(2.0 + std::sin(0.37 * k) + 0.01 * k);
    ys.push_back(5.0 + 0.8 * std::sin(0.37 * k + 0.5) + 0.02 * (k % 7));
  }
  const double n = static_cast<double>(xs.size());
  double mx = 0, my = 0;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    mx += xs[k] / n;
    my += ys[k] / n;
  }
  double sxx = 0, syy = 0, sxy = 0;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    sxx += (xs[k] - mx) * (xs[k] - mx);
    syy += (ys[k] - my) * (ys[k] - my);
    sxy += (xs[k] - mx) * (ys[k] - my);
  }
  sxx /= n - 1;
  syy /= n - 1;
  sxy /= n - 1;
  const double r = my / mx;
  const double half = 1.959963984540054 * std::sqrt((syy - 2 * r * sxy + r * r * sxx) / (n * mx * mx));

  samsim::paired_moments one;
  for (std::size_t k = 0; k < xs.size(); ++k) one.add(xs[k], ys[k]);
  CHECK(one.covariance() == Approx(sxy).epsilon(1e-12));
  const samsim::interval_estimate ri = one.ratio_interval(0.95);
  CHECK(ri.estimate == Approx(r).epsilon(1e-12));
  CHECK(ri.upper - ri.estimate == Approx(half).epsilon(1e-9));
  CHECK(ri.estimate - ri.lower == Approx(half).epsilon(1e-9));

  // Chunks merged in order: equal to one pass up to rounding, and the same
  // chunking merged twice gives the same bits.
  auto chunked = [&] {
    samsim::paired_moments total;
    for (std::size_t c = 0; c < xs.size(); c += 37) {
      samsim::paired_moments part;
      for (std::size_t k = c; k < std::min(xs.size(), c + 37); ++k) part.add(xs[k], ys[k]);
      total.merge(part);
    }
    return total;
  };
  const samsim::paired_moments a = chunked(), b = chunked();
  CHECK(a == b);
  CHECK(a.covariance() == Approx(sxy).epsilon(1e-12));
  CHECK(a.x().mean() == Approx(mx).epsilon(1e-13));

  // No defender cost: no ratio.
  samsim::paired_moments zero;
  zero.add(0.0, 1.0);
  zero.add(0.0, 2.0);
  CHECK(std::isnan(zero.ratio_interval(0.95).estimate));
}
