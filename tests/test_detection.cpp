// Tests of detection.hpp: exact Pd against the reference tables, published
// points and closed forms; a Monte Carlo simulation of the detector itself;
// robustness and monotonicity; the fast table against the exact path.
#include <samsim/detection.hpp>
#include <samsim/rng.hpp>
#include <samsim/units.hpp>

#include <boost/math/distributions/non_central_chi_squared.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using samsim::pd_exact;
using samsim::pd_table;
using samsim::swerling_case;
using samsim::units::db_to_linear;
using samsim::units::linear_to_db;

namespace {

constexpr swerling_case all_cases[] = {swerling_case::sw0, swerling_case::sw1, swerling_case::sw2,
                                       swerling_case::sw3, swerling_case::sw4};

// Rows of a reference CSV: five numeric columns after a header line.
struct csv_row {
  int swerling;
  int pulses;
  double pfa;
  double a;  // snr_db (pd_reference) or pd (snr_required_reference)
  double b;  // pd or snr_db
};

std::vector<csv_row> read_reference(const std::string& name, const std::string& expected_header) {
  std::ifstream in(std::string(SAMSIM_TEST_DATA_DIR) + "/" + name);
  REQUIRE(in.good());
  std::string line;
  std::getline(in, line);
  REQUIRE(line == expected_header);
  std::vector<csv_row> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream fields(line);
    csv_row r{};
    fields >> r.swerling >> r.pulses >> r.pfa >> r.a >> r.b;
    REQUIRE(!fields.fail());
    rows.push_back(r);
  }
  return rows;
}

// Q(N, x) for integer N by its finite series e^-x sum_{k<N} x^k / k!
// (written here, independent of the library and of Boost).
double upper_gamma_integer(int n, double x) {
  double term = std::exp(-x);
  double sum = term;
  for (int k = 1; k < n; ++k) {
    term *= x / k;
    sum += term;
  }
  return sum;
}

}  // namespace

TEST_CASE("detection_threshold solves Pfa = Q(N, T)", "[detection]") {
  for (double pfa : {1e-15, 1e-6, 1e-3, 0.1}) {
    // N = 1: Q(1, T) = exp(-T), so T = -ln(Pfa).
    CHECK(samsim::detection_threshold(pfa, 1) == Approx(-std::log(pfa)).epsilon(1e-12));
    for (int n : {2, 5, 10, 30}) {
      const double t = samsim::detection_threshold(pfa, n);
      CHECK(upper_gamma_integer(n, t) == Approx(pfa).epsilon(1e-9));
    }
  }
  CHECK_THROWS_AS(samsim::detection_threshold(0.0, 1), std::invalid_argument);
  CHECK_THROWS_AS(samsim::detection_threshold(1.0, 1), std::invalid_argument);
  CHECK_THROWS_AS(samsim::detection_threshold(1e-6, 0), std::invalid_argument);
}

TEST_CASE("pd_exact reproduces every row of pd_reference.csv to 1e-6", "[detection][reference]") {
  // Source: tests/data/pd_reference.csv (project validation set).
  const auto rows = read_reference("pd_reference.csv", "swerling,pulses,pfa,snr_db,pd");
  REQUIRE(rows.size() == 90);
  for (const auto& r : rows) {
    INFO("swerling " << r.swerling << " N " << r.pulses << " pfa " << r.pfa << " snr " << r.a << " dB");
    const double pd = pd_exact(static_cast<swerling_case>(r.swerling), db_to_linear(r.a), r.pulses, r.pfa);
    CHECK(pd == Approx(r.b).margin(1e-6));
  }
}

TEST_CASE("snr_required reproduces every row of snr_required_reference.csv to 0.01 dB", "[detection][reference]") {
  // Source: tests/data/snr_required_reference.csv (project validation set).
  const auto rows = read_reference("snr_required_reference.csv", "swerling,pulses,pfa,pd,snr_db");
  REQUIRE(rows.size() == 30);
  for (const auto& r : rows) {
    INFO("swerling " << r.swerling << " N " << r.pulses << " pfa " << r.pfa << " pd " << r.a);
    const double snr = samsim::snr_required(static_cast<swerling_case>(r.swerling), r.a, r.pulses, r.pfa);
    CHECK(linear_to_db(snr) == Approx(r.b).margin(0.01));
  }
}

TEST_CASE("pd_table reproduces every row of pd_reference.csv to 1e-4", "[detection][reference][table]") {
  // Source: tests/data/pd_reference.csv (project validation set).
  const auto rows = read_reference("pd_reference.csv", "swerling,pulses,pfa,snr_db,pd");
  for (const auto& r : rows) {
    INFO("swerling " << r.swerling << " N " << r.pulses << " pfa " << r.pfa << " snr " << r.a << " dB");
    const pd_table table(static_cast<swerling_case>(r.swerling), r.pulses, r.pfa);
    CHECK(table(db_to_linear(r.a)) == Approx(r.b).margin(1e-4));
    CHECK(table.at_db(r.a) == Approx(r.b).margin(1e-4));
  }
}

TEST_CASE("published points", "[detection][reference]") {
  // Source for every number in this test: tests/data/VALIDATION.md.
  // Swerling 0, N = 1, Pfa = 1e-3, SNR 10 dB: Pd = 0.81029237.
  CHECK(pd_exact(swerling_case::sw0, db_to_linear(10.0), 1, 1e-3) == Approx(0.81029237).margin(1e-6));
  // Required SNR for Pd 0.9, Pfa 1e-6, N 1: Swerling 0 13.18 dB, Swerling 1 21.14 dB.
  CHECK(linear_to_db(samsim::snr_required(swerling_case::sw0, 0.9, 1, 1e-6)) == Approx(13.18).margin(0.01));
  CHECK(linear_to_db(samsim::snr_required(swerling_case::sw1, 0.9, 1, 1e-6)) == Approx(21.14).margin(0.01));
  // Swerling 1, N = 1: Pd = Pfa^(1/(1+snr)) exactly, so snr = ln Pfa / ln Pd - 1.
  CHECK(samsim::snr_required(swerling_case::sw1, 0.9, 1, 1e-6) ==
        Approx(std::log(1e-6) / std::log(0.9) - 1.0).epsilon(1e-9));
  for (double snr_db : {-10.0, 0.0, 7.0, 21.0, 40.0}) {
    const double snr = db_to_linear(snr_db);
    CHECK(pd_exact(swerling_case::sw1, snr, 1, 1e-6) == Approx(std::pow(1e-6, 1.0 / (1.0 + snr))).epsilon(1e-12));
  }
  // Albersheim's equation (tests/data/VALIDATION.md).
  CHECK(samsim::albersheim_snr_db(0.9, 1e-6, 1) == Approx(13.114544494322786).margin(1e-9));
  CHECK(samsim::albersheim_snr_db(0.5, 1e-6, 1) == Approx(11.231984877880109).margin(1e-9));
  CHECK(samsim::albersheim_snr_db(0.5, 1e-6, 10) == Approx(3.556291380845494).margin(1e-9));
  // Shnidman's equation, Swerling 0 (tests/data/VALIDATION.md).
  CHECK(samsim::shnidman_snr_db(swerling_case::sw0, 0.9, 1e-6, 1) == Approx(13.121692696758089).margin(1e-9));
  CHECK(samsim::shnidman_snr_db(swerling_case::sw0, 0.5, 1e-6, 1) == Approx(11.171613923710709).margin(1e-9));
  CHECK(samsim::shnidman_snr_db(swerling_case::sw0, 0.5, 1e-6, 10) == Approx(3.745346308014405).margin(1e-9));
}

TEST_CASE("Albersheim and Shnidman are close to the exact inverse at mid-range Pd", "[detection]") {
  // Shnidman's equation claims about 0.5 dB (Richards, Fundamentals of Radar
  // Signal Processing, sec. 6.2.5); Albersheim's about 0.2 dB for its linear
  // detector, compared here with the exact square-law answer, whose detector
  // loss differs by up to about 0.2 dB more. Both are worse near Pd = 0.1
  // (several dB at Pfa = 1e-3), so only Pd 0.5 and 0.9 are checked.
  for (int n : {1, 4, 10, 64}) {
    for (double pfa : {1e-7, 1e-5, 1e-3}) {
      for (double pd : {0.5, 0.9}) {
        INFO("N " << n << " pfa " << pfa << " pd " << pd);
        const double exact0 = linear_to_db(samsim::snr_required(swerling_case::sw0, pd, n, pfa));
        CHECK(std::abs(samsim::albersheim_snr_db(pd, pfa, n) - exact0) < 0.4);
        for (auto sw : all_cases) {
          const double exact = linear_to_db(samsim::snr_required(sw, pd, n, pfa));
          CHECK(std::abs(samsim::shnidman_snr_db(sw, pd, pfa, n) - exact) < 0.5);
        }
      }
    }
  }
  CHECK_THROWS_AS(samsim::albersheim_snr_db(1.0, 1e-6, 1), std::invalid_argument);
  CHECK_THROWS_AS(samsim::albersheim_snr_db(0.9, 0.0, 1), std::invalid_argument);
  CHECK_THROWS_AS(samsim::shnidman_snr_db(swerling_case::sw1, 0.9, 1e-6, 0), std::invalid_argument);
  // Pd below Pfa: Shnidman's X_inf is negative, the formula does not apply.
  CHECK_THROWS_AS(samsim::shnidman_snr_db(swerling_case::sw1, 1e-3, 0.1, 1), std::domain_error);
}

TEST_CASE("pd_exact matches independent closed forms", "[detection]") {
  for (double pfa : {1e-10, 1e-6, 1e-2}) {
    for (double snr_db : {-5.0, 0.0, 5.0, 10.0, 15.0, 20.0}) {
      const double s = db_to_linear(snr_db);
      INFO("pfa " << pfa << " snr " << snr_db << " dB");
      // Swerling 2: Pd = Q(N, T / (1 + snr)) (sum of N exponentials of mean 1 + snr).
      for (int n : {1, 3, 10}) {
        const double t = samsim::detection_threshold(pfa, n);
        CHECK(pd_exact(swerling_case::sw2, s, n, pfa) == Approx(upper_gamma_integer(n, t / (1.0 + s))).margin(1e-12));
      }
      // Swerling 1 and 2 coincide for N = 1, as do Swerling 3 and 4.
      CHECK(pd_exact(swerling_case::sw1, s, 1, pfa) == Approx(pd_exact(swerling_case::sw2, s, 1, pfa)).margin(1e-13));
      CHECK(pd_exact(swerling_case::sw3, s, 1, pfa) == Approx(pd_exact(swerling_case::sw4, s, 1, pfa)).margin(1e-13));
      // Swerling 3, N = 1 and 2 (DiFranco and Rubin; Richards, Fundamentals of
      // Radar Signal Processing, eq. 6.31): Pd = (1 + 2/(N s))^(N-2)
      // [1 + T/(1 + N s/2) - 2(N-2)/(N s)] exp(-T/(1 + N s/2)).
      for (int n : {1, 2}) {
        const double t = samsim::detection_threshold(pfa, n);
        const double ns = n * s;
        const double expected = std::pow(1.0 + 2.0 / ns, n - 2) * (1.0 + t / (1.0 + ns / 2.0) - 2.0 * (n - 2) / ns) *
                                std::exp(-t / (1.0 + ns / 2.0));
        CHECK(pd_exact(swerling_case::sw3, s, n, pfa) == Approx(expected).margin(1e-12));
      }
      // Swerling 1, N > 1 (same sources): Pd = Q(N-1, T)
      //   + (1 + 1/(N s))^(N-1) P(N-1, T/(1 + 1/(N s))) exp(-T/(1 + N s)).
      for (int n : {2, 10}) {
        const double t = samsim::detection_threshold(pfa, n);
        const double ns = n * s;
        const double expected = upper_gamma_integer(n - 1, t) +
                                std::pow(1.0 + 1.0 / ns, n - 1) *
                                    (1.0 - upper_gamma_integer(n - 1, t / (1.0 + 1.0 / ns))) *
                                    std::exp(-t / (1.0 + ns));
        CHECK(pd_exact(swerling_case::sw1, s, n, pfa) == Approx(expected).margin(1e-9));
      }
    }
  }
}

TEST_CASE("Swerling 0 agrees with Boost's noncentral chi-square", "[detection]") {
  // Independent implementation: P(chi2'(2N, 2 N snr) > 2T) from Boost.Math.
  for (int n : {1, 2, 10, 100, 1000}) {
    for (double pfa : {1e-10, 1e-6, 0.1}) {
      const double t = samsim::detection_threshold(pfa, n);
      for (double snr_db = -20.0; snr_db <= 25.0; snr_db += 1.0) {
        const double s = db_to_linear(snr_db);
        const boost::math::non_central_chi_squared dist(2.0 * n, 2.0 * n * s);
        INFO("N " << n << " pfa " << pfa << " snr " << snr_db << " dB");
        CHECK(pd_exact(swerling_case::sw0, s, n, pfa) == Approx(cdf(complement(dist, 2.0 * t))).margin(1e-12));
      }
    }
  }
}

TEST_CASE("Monte Carlo simulation of the detector agrees with pd_exact", "[detection][monte-carlo]") {
  // The detector simulated from first principles: per pulse, complex Gaussian
  // noise of unit power plus a target echo whose power follows the Swerling
  // law (constant over the look: 1, 3; independent per pulse: 2, 4); the N
  // pulse powers are summed and compared with the threshold. SNR 0 checks
  // the false-alarm rate (so the threshold itself is simulated too).
  // Each check is 4 sigma two-sided: false-failure rate 6.3e-5 per check,
  // 0.3% for the 50 checks here if the seed were random (it is fixed).
  const double pfa = 1e-2;
  const int trials = 100000;
  std::uint64_t stream = static_cast<std::uint64_t>(samsim::stream_id::user);
  for (auto sw : all_cases) {
    for (int n : {1, 4}) {
      const double t = samsim::detection_threshold(pfa, n);
      for (double snr_db : {-1000.0, -3.0, 3.0, 8.0, 13.0}) {
        const double s = snr_db < -100.0 ? 0.0 : db_to_linear(snr_db);
        samsim::random_stream rng(20261122u, static_cast<std::uint32_t>(stream++), 0u);
        const auto normal_pair = [&rng](double& a, double& b) {  // Box-Muller
          const double r = std::sqrt(-2.0 * std::log(rng.uniform()));
          const double phi = 2.0 * samsim::units::pi * rng.uniform();
          a = r * std::cos(phi);
          b = r * std::sin(phi);
        };
        const auto rcs_draw = [&](bool chi2_4) {  // unit-mean chi-square, 2 or 4 dof
          return chi2_4 ? 0.5 * (-std::log(rng.uniform()) - std::log(rng.uniform())) : -std::log(rng.uniform());
        };
        const bool per_pulse = sw == swerling_case::sw2 || sw == swerling_case::sw4;
        const bool chi2_4 = sw == swerling_case::sw3 || sw == swerling_case::sw4;
        int detections = 0;
        for (int trial = 0; trial < trials; ++trial) {
          double power = (sw == swerling_case::sw0) ? s : s * rcs_draw(chi2_4);
          double sum = 0.0;
          for (int k = 0; k < n; ++k) {
            if (per_pulse && k > 0) power = s * rcs_draw(chi2_4);
            double re = 0.0;
            double im = 0.0;
            normal_pair(re, im);
            re = re * std::sqrt(0.5) + std::sqrt(power);  // echo phase irrelevant for |.|^2
            im = im * std::sqrt(0.5);
            sum += re * re + im * im;
          }
          if (sum > t) ++detections;
        }
        const double pd = pd_exact(sw, s, n, pfa);
        const double sigma = std::sqrt(pd * (1.0 - pd) / trials);
        INFO("swerling " << static_cast<int>(sw) << " N " << n << " snr " << snr_db << " dB: exact " << pd);
        CHECK(static_cast<double>(detections) / trials == Approx(pd).margin(4.0 * sigma));
      }
    }
  }
}

TEST_CASE("pd_exact is finite, in [0, 1] and monotone over the whole domain", "[detection][robustness]") {
  for (auto sw : all_cases) {
    for (int n : {1, 2, 10, 100, 1000, 4096}) {
      for (double pfa : {1e-15, 1e-6, 0.1}) {
        double previous = 0.0;
        bool finite_in_range = true;
        bool monotone = true;
        for (double snr_db = -40.0; snr_db <= 200.0; snr_db += 0.25) {
          double pd = 0.0;
          REQUIRE_NOTHROW(pd = pd_exact(sw, db_to_linear(snr_db), n, pfa));
          finite_in_range = finite_in_range && std::isfinite(pd) && pd >= pfa && pd <= 1.0;
          monotone = monotone && pd >= previous;
          previous = pd;
        }
        INFO("swerling " << static_cast<int>(sw) << " N " << n << " pfa " << pfa);
        CHECK(finite_in_range);
        CHECK(monotone);
        CHECK(previous == 1.0);  // 200 dB saturates every case
        CHECK(pd_exact(sw, db_to_linear(-40.0), n, pfa) < pfa + 0.01);
      }
    }
  }
}

TEST_CASE("pd_exact limits and argument checks", "[detection][robustness]") {
  for (auto sw : all_cases) {
    CHECK(pd_exact(sw, 0.0, 4, 1e-6) == 1e-6);
    CHECK(pd_exact(sw, -1.0, 4, 1e-6) == 1e-6);
    CHECK(pd_exact(sw, std::numeric_limits<double>::infinity(), 4, 1e-6) == 1.0);
    CHECK(pd_exact(sw, std::numeric_limits<double>::max(), 4096, 1e-15) == 1.0);
    CHECK_THROWS_AS(pd_exact(sw, std::nan(""), 4, 1e-6), std::invalid_argument);
    CHECK_THROWS_AS(pd_exact(sw, 1.0, 0, 1e-6), std::invalid_argument);
    CHECK_THROWS_AS(pd_exact(sw, 1.0, 4, 2.0), std::invalid_argument);
    CHECK_THROWS_AS(pd_exact(sw, 1.0, 4, 0.0), std::invalid_argument);
  }
  CHECK_THROWS_AS(pd_exact(static_cast<swerling_case>(7), 1.0, 1, 1e-6), std::invalid_argument);
  CHECK_THROWS_WITH(pd_exact(swerling_case::sw0, 1.0, 1, 2.0), Catch::Contains("pfa = 2"));
}

TEST_CASE("snr_required inverts pd_exact across the domain", "[detection][robustness]") {
  for (auto sw : all_cases) {
    for (int n : {1, 10, 1000, 4096}) {
      for (double pfa : {1e-15, 1e-6, 0.1}) {
        for (double pd : {0.2, 0.5, 0.9, 0.999, 1.0 - 1e-9}) {
          INFO("swerling " << static_cast<int>(sw) << " N " << n << " pfa " << pfa << " pd " << pd);
          const double snr = samsim::snr_required(sw, pd, n, pfa);
          REQUIRE(std::isfinite(snr));
          REQUIRE(snr > 0.0);
          // 1e-9 dB in SNR moves Pd by far less than 1e-6.
          CHECK(pd_exact(sw, snr, n, pfa) == Approx(pd).margin(1e-6));
        }
      }
    }
  }
  CHECK(samsim::snr_required(swerling_case::sw1, 1e-7, 1, 1e-6) == 0.0);  // pd <= pfa: any SNR
  CHECK_THROWS_AS(samsim::snr_required(swerling_case::sw1, 1.0, 1, 1e-6), std::invalid_argument);
  CHECK_THROWS_AS(samsim::snr_required(swerling_case::sw1, 0.0, 1, 1e-6), std::invalid_argument);
}

namespace {

// Worst |table - exact| over a dense sweep: every 0.001 dB across the
// table's span plus 3 dB either side, every 0.05 dB over [-60, 200] dB,
// and 2000 random points uniform in dB over [-60, 200].
double dense_table_error(swerling_case sw, int n, double pfa, double step_db = 0.001) {
  const pd_table table(sw, n, pfa);
  double worst = 0.0;
  const auto probe = [&](double snr_db) {
    const double s = db_to_linear(snr_db);
    worst = std::max(worst, std::abs(table(s) - pd_exact(sw, s, n, pfa)));
  };
  const double lo = linear_to_db(table.snr_low()) - 3.0;
  const double hi = linear_to_db(table.snr_high()) + 3.0;
  const long steps = std::lround((hi - lo) / step_db);
  for (long i = 0; i <= steps; ++i) probe(lo + static_cast<double>(i) * step_db);
  for (double snr_db = -60.0; snr_db <= 200.0; snr_db += 0.05) probe(snr_db);
  samsim::random_stream rng(7u, samsim::stream_id::user, static_cast<std::uint64_t>(n) * 8 + static_cast<int>(sw));
  for (int i = 0; i < 2000; ++i) probe(-60.0 + 260.0 * rng.uniform());
  INFO("swerling " << static_cast<int>(sw) << " N " << n << " pfa " << pfa << ": worst " << worst << ", bound "
                   << table.max_abs_error_bound());
  CHECK(worst <= table.max_abs_error_bound());
  return worst;
}

void check_table_case(swerling_case sw) {
  for (int n : {1, 8, 10, 64}) {
    INFO("N " << n);
    CHECK(dense_table_error(sw, n, 1e-6) <= 1e-4);
  }
}

}  // namespace

TEST_CASE("pd_table error <= 1e-4 on a dense sweep, Swerling 0", "[detection][table]") {
  check_table_case(swerling_case::sw0);
}
TEST_CASE("pd_table error <= 1e-4 on a dense sweep, Swerling 1", "[detection][table]") {
  check_table_case(swerling_case::sw1);
}
TEST_CASE("pd_table error <= 1e-4 on a dense sweep, Swerling 2", "[detection][table]") {
  check_table_case(swerling_case::sw2);
}
TEST_CASE("pd_table error <= 1e-4 on a dense sweep, Swerling 3", "[detection][table]") {
  check_table_case(swerling_case::sw3);
}
TEST_CASE("pd_table error <= 1e-4 on a dense sweep, Swerling 4", "[detection][table]") {
  check_table_case(swerling_case::sw4);
}

TEST_CASE("pd_table error <= 1e-4 at the ends of the Pfa and N domain", "[detection][table]") {
  for (auto sw : all_cases) {
    for (int n : {1, 4096}) {
      for (double pfa : {1e-15, 0.1}) {
        INFO("N " << n << " pfa " << pfa);
        CHECK(dense_table_error(sw, n, pfa, 0.01) <= 1e-4);
      }
    }
  }
}

TEST_CASE("pd_table limits, monotonicity and sharing", "[detection][table]") {
  for (auto sw : all_cases) {
    const pd_table table(sw, 10, 1e-6);
    CHECK(table.swerling() == sw);
    CHECK(table.pulses() == 10);
    CHECK(table.pfa() == 1e-6);
    CHECK(table(0.0) == 1e-6);
    CHECK(table(-3.0) == 1e-6);
    CHECK(table(std::nan("")) == 1e-6);
    CHECK(table(std::numeric_limits<double>::infinity()) == 1.0);
    CHECK(table(table.snr_high()) == 1.0);
    CHECK(table.max_abs_error_bound() <= 1e-4);
    double previous = 0.0;
    bool monotone = true;
    for (double snr_db = -80.0; snr_db <= 120.0; snr_db += 0.0037) {
      const double pd = table.at_db(snr_db);
      monotone = monotone && pd >= previous;
      previous = pd;
    }
    CHECK(monotone);
    const pd_table copy = table;  // shares the nodes
    CHECK(copy.size() == table.size());
    CHECK(copy(3.7) == table(3.7));
  }
  CHECK_THROWS_AS(pd_table(swerling_case::sw1, 0, 1e-6), std::invalid_argument);
  CHECK_THROWS_AS(pd_table(swerling_case::sw1, 1, 1.5), std::invalid_argument);
}
