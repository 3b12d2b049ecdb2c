// Tests of tracking.hpp: the M-of-N window, the exact confirmation
// probability (closed forms and simulation), and track slots.
#include <samsim/rng.hpp>
#include <samsim/tracking.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

using samsim::confirmation_probability;
using samsim::m_of_n_window;

namespace {

// P(Binomial(n, p) >= m) by direct summation (written here).
double binomial_tail(int n, double p, int m) {
  double sum = 0.0;
  for (int k = m; k <= n; ++k) {
    double c = 1.0;
    for (int i = 0; i < k; ++i) c = c * (n - i) / (i + 1);
    sum += c * std::pow(p, k) * std::pow(1.0 - p, n - k);
  }
  return sum;
}

}  // namespace

TEST_CASE("m_of_n_window confirms at the m-th detection within n looks, then holds", "[tracking]") {
  m_of_n_window w(2, 3);
  CHECK_FALSE(w.record_look(true));
  CHECK_FALSE(w.record_look(false));
  CHECK_FALSE(w.record_look(false));  // window now (1 0 0): the first hit is about to leave
  CHECK_FALSE(w.record_look(true));   // window (0 0 1)
  CHECK_FALSE(w.confirmed());
  CHECK(w.record_look(true));  // window (0 1 1): confirms on this look
  CHECK(w.confirmed());
  CHECK_FALSE(w.record_look(true));   // held: only the confirming look returns true
  CHECK_FALSE(w.record_look(false));
  CHECK(w.confirmed());
  w.reset();
  CHECK_FALSE(w.confirmed());
  CHECK_FALSE(w.record_look(true));
  CHECK(w.record_look(true));
}

TEST_CASE("m_of_n_window: a hit exactly n - 1 looks back still counts, n looks back does not", "[tracking]") {
  m_of_n_window edge(2, 4);
  CHECK_FALSE(edge.record_look(true));
  CHECK_FALSE(edge.record_look(false));
  CHECK_FALSE(edge.record_look(false));
  CHECK(edge.record_look(true));  // hits 3 looks apart are within 4 consecutive looks
  m_of_n_window out(2, 4);
  CHECK_FALSE(out.record_look(true));
  for (int i = 0; i < 3; ++i) CHECK_FALSE(out.record_look(false));
  CHECK_FALSE(out.record_look(true));  // 4 looks apart: 5 looks, outside the window
  // Hidden looks neither count nor break the window: the caller does not
  // call record_look while the target is out of coverage, so the same two
  // in-coverage hits confirm whatever happened in between.
  m_of_n_window hidden(2, 2);
  CHECK_FALSE(hidden.record_look(true));
  // ... target masked for several scans: no calls ...
  CHECK(hidden.record_look(true));
}

TEST_CASE("m_of_n_window supports n = 64 and 1-of-1", "[tracking]") {
  m_of_n_window wide(2, 64);
  CHECK_FALSE(wide.record_look(true));
  for (int i = 0; i < 62; ++i) CHECK_FALSE(wide.record_look(false));
  CHECK(wide.record_look(true));  // 64 looks, 2 hits
  m_of_n_window wide_out(2, 64);
  CHECK_FALSE(wide_out.record_look(true));
  for (int i = 0; i < 63; ++i) CHECK_FALSE(wide_out.record_look(false));
  CHECK_FALSE(wide_out.record_look(true));  // 65 looks apart
  m_of_n_window single(1, 1);
  CHECK_FALSE(single.record_look(false));
  CHECK(single.record_look(true));
  CHECK_THROWS_AS(m_of_n_window(0, 3), std::invalid_argument);
  CHECK_THROWS_AS(m_of_n_window(4, 3), std::invalid_argument);
  CHECK_THROWS_AS(m_of_n_window(2, 65), std::invalid_argument);
}

TEST_CASE("m_of_n_window agrees with counting the last n looks directly", "[tracking]") {
  // Oracle: keep every look and count detections among the last n.
  samsim::random_stream rng(99, 1, 0);
  for (const auto& [m, n] : std::vector<std::pair<int, int>>{{1, 1}, {2, 3}, {3, 5}, {4, 7}, {5, 64}, {64, 64}}) {
    m_of_n_window window(m, n);
    std::vector<bool> looks;
    for (int k = 0; k < 3000; ++k) {
      const bool detected = rng.uniform() < 0.3;
      looks.push_back(detected);
      int hits = 0;
      for (std::size_t j = looks.size() > static_cast<std::size_t>(n) ? looks.size() - n : 0; j < looks.size(); ++j)
        hits += looks[j] ? 1 : 0;
      const bool expected = hits >= m;
      INFO("m " << m << " n " << n << " look " << k);
      REQUIRE(window.record_look(detected) == expected);
      if (expected) {  // confirmed: start again, as after a dropped track
        window.reset();
        looks.clear();
      }
    }
  }
}

TEST_CASE("confirmation_probability equals P(Binomial(n, pd) >= m) when looks == n", "[tracking]") {
  for (int n : {1, 3, 5, 10, 16}) {
    for (int m = 1; m <= n; ++m) {
      for (double pd : {0.05, 0.3, 0.5, 0.9}) {
        INFO(m << " of " << n << ", pd " << pd);
        CHECK(confirmation_probability(m, n, pd, n) == Approx(binomial_tail(n, pd, m)).margin(1e-12));
        // Fewer looks than n: still one window.
        CHECK(confirmation_probability(m, n, pd, n - 1) == Approx(binomial_tail(n - 1, pd, m)).margin(1e-12));
      }
    }
  }
}

TEST_CASE("confirmation_probability: hand-counted cases beyond one window", "[tracking]") {
  const double p = 0.3;
  const double q = 1.0 - p;
  // 2 of 2 in 3 looks: not confirmed iff no two consecutive hits:
  // 000, 100, 010, 001, 101 -> q^3 + 3 p q^2 + p^2 q.
  CHECK(confirmation_probability(2, 2, p, 3) == Approx(1.0 - (q * q * q + 3 * p * q * q + p * p * q)).margin(1e-14));
  // 1 of n: confirmed at the first hit whatever n: 1 - q^looks.
  CHECK(confirmation_probability(1, 5, p, 12) == Approx(1.0 - std::pow(q, 12)).margin(1e-14));
  // 2 of 3 in 4 looks: not confirmed iff no two hits within 3 consecutive looks:
  // 0000, one hit (4 ways), hits at looks 1 and 4 -> q^4 + 4 p q^3 + p^2 q^2.
  CHECK(confirmation_probability(2, 3, p, 4) ==
        Approx(1.0 - (std::pow(q, 4) + 4 * p * std::pow(q, 3) + p * p * q * q)).margin(1e-14));
  CHECK(confirmation_probability(3, 5, 0.0, 100) == 0.0);
  CHECK(confirmation_probability(3, 5, 1.0, 3) == 1.0);
  CHECK(confirmation_probability(3, 5, 0.9, 2) == 0.0);  // fewer looks than m
  CHECK_THROWS_AS(confirmation_probability(3, 2, 0.5, 4), std::invalid_argument);
  CHECK_THROWS_AS(confirmation_probability(2, 3, 1.5, 4), std::invalid_argument);
  CHECK_THROWS_AS(confirmation_probability(2, 3, 0.5, -1), std::invalid_argument);
  CHECK_THROWS_AS(confirmation_probability(32, 64, 0.5, 100), std::length_error);
}

TEST_CASE("confirmation_probability agrees with a simulation of m_of_n_window", "[tracking][monte-carlo]") {
  // 4 sigma two-sided per check: false-failure rate 6.3e-5 per check,
  // 0.1% for the 16 checks here if the seed were random (it is fixed).
  struct setup {
    int m, n;
    double pd;
    int looks;
  };
  const std::vector<setup> setups = {{2, 3, 0.3, 10}, {3, 5, 0.4, 12}, {4, 6, 0.5, 20}, {2, 10, 0.1, 25},
                                     {5, 10, 0.45, 30}, {3, 3, 0.6, 9}, {2, 64, 0.02, 150}, {1, 4, 0.1, 7}};
  const int trials = 100000;
  std::uint32_t stream = static_cast<std::uint32_t>(samsim::stream_id::user) + 100;
  for (const auto& s : setups) {
    for (int looks : {s.looks, 2 * s.looks}) {
      samsim::random_stream rng(99u, stream++, 0u);
      int confirmed = 0;
      for (int t = 0; t < trials; ++t) {
        m_of_n_window w(s.m, s.n);
        for (int k = 0; k < looks && !w.confirmed(); ++k) w.record_look(rng.uniform() < s.pd);
        confirmed += w.confirmed() ? 1 : 0;
      }
      const double p = confirmation_probability(s.m, s.n, s.pd, looks);
      const double sigma = std::sqrt(p * (1.0 - p) / trials);
      INFO(s.m << " of " << s.n << ", pd " << s.pd << ", " << looks << " looks: exact " << p);
      CHECK(static_cast<double>(confirmed) / trials == Approx(p).margin(4.0 * sigma));
    }
  }
}

TEST_CASE("track_slots hand out at most capacity slots", "[tracking]") {
  samsim::track_slots slots(2);
  CHECK(slots.capacity() == 2);
  CHECK(slots.try_acquire());
  CHECK(slots.try_acquire());
  CHECK_FALSE(slots.try_acquire());  // a third threat waits
  CHECK(slots.in_use() == 2);
  slots.release();
  CHECK(slots.in_use() == 1);
  CHECK(slots.try_acquire());  // the waiting threat gets the freed slot
  slots.release();
  slots.release();
  CHECK(slots.in_use() == 0);
  CHECK_THROWS_AS(slots.release(), std::logic_error);
  CHECK_THROWS_AS(samsim::track_slots(-1), std::invalid_argument);
  samsim::track_slots none(0);
  CHECK_FALSE(none.try_acquire());
}
