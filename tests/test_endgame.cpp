// Tests of endgame.hpp: circular-normal Pk, edge lowering, and salvo kill
// probability with common-mode correlation (closed form vs samples).
#include <samsim/endgame.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

using namespace samsim;

TEST_CASE("circular-normal Pk = 1 - exp(-Rl^2 / (2 sigma^2))", "[endgame]") {
  // Rayleigh miss distribution: P(miss <= sigma) = 1 - e^-0.5, P(miss <= 2 sigma) = 1 - e^-2.
  CHECK(pk_circular_normal(10.0, 10.0) == Approx(0.3934693402873666).epsilon(1e-14));
  CHECK(pk_circular_normal(20.0, 10.0) == Approx(0.8646647167633873).epsilon(1e-14));
  // Median of the Rayleigh distribution: sigma sqrt(2 ln 2) -> Pk 0.5.
  CHECK(pk_circular_normal(5.0 * std::sqrt(2.0 * std::log(2.0)), 5.0) == Approx(0.5).epsilon(1e-14));
  CHECK(pk_circular_normal(0.0, 5.0) == 0.0);
  CHECK(pk_circular_normal(3.0, 0.0) == 1.0);
  CHECK_THROWS_AS(pk_circular_normal(-1.0, 5.0), std::invalid_argument);
  CHECK_THROWS_AS(pk_circular_normal(1.0, std::nan("")), std::invalid_argument);
}

TEST_CASE("edge lowering falls linearly to edge_factor over the outer fraction of max range", "[endgame]") {
  // Outer 20% of 100 km: factor 1 up to 80 km, 0.5 at 100 km, 0.75 halfway.
  CHECK(edge_pk_factor(50000.0, 100000.0, 0.2, 0.5) == 1.0);
  CHECK(edge_pk_factor(80000.0, 100000.0, 0.2, 0.5) == 1.0);
  CHECK(edge_pk_factor(90000.0, 100000.0, 0.2, 0.5) == Approx(0.75).epsilon(1e-14));
  CHECK(edge_pk_factor(100000.0, 100000.0, 0.2, 0.5) == 0.5);
  CHECK(edge_pk_factor(120000.0, 100000.0, 0.2, 0.5) == 0.5);
  CHECK_THROWS_AS(edge_pk_factor(1.0, 100000.0, 0.0, 0.5), std::invalid_argument);
  CHECK_THROWS_AS(edge_pk_factor(1.0, 100000.0, 0.2, 1.5), std::invalid_argument);
}

TEST_CASE("salvo kill probability closed form", "[endgame]") {
  // Independent rounds: 1 - (1 - 0.8)^2 = 0.96; fully common-mode: 0.8; rho = 0.5: 0.88.
  CHECK(salvo_kill_probability(0.8, 2, 0.0) == Approx(0.96).epsilon(1e-14));
  CHECK(salvo_kill_probability(0.8, 2, 1.0) == Approx(0.8).epsilon(1e-14));
  CHECK(salvo_kill_probability(0.8, 2, 0.5) == Approx(0.88).epsilon(1e-14));
  CHECK(salvo_kill_probability(0.7, 1, 0.3) == Approx(0.7).epsilon(1e-14));
  CHECK(salvo_kill_probability(0.5, 3, 0.0) == Approx(0.875).epsilon(1e-14));
  CHECK_THROWS_AS(salvo_kill_probability(1.2, 2, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(salvo_kill_probability(0.5, 0, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(salvo_kill_probability(0.5, 2, -0.1), std::invalid_argument);
  CHECK_THROWS_AS(salvo_kill_probability(0.5, 2, std::nan("")), std::invalid_argument);
}

TEST_CASE("sampled salvos match marginal Pk, joint kill probabilities and correlation rho", "[endgame]") {
  const int trials = 200000;
  struct setting {
    double pk;
    int n;
    double rho;
  };
  for (const setting& c : {setting{0.8, 2, 0.0}, setting{0.8, 2, 0.5}, setting{0.7, 3, 0.3}, setting{0.6, 4, 1.0}}) {
    INFO("pk " << c.pk << " n " << c.n << " rho " << c.rho);
    int any = 0, all = 0, first = 0, first_two = 0;
    random_stream stream(20261122u, stream_id::endgame, static_cast<std::uint64_t>(c.n * 100 + c.rho * 10));
    for (int t = 0; t < trials; ++t) {
      const std::uint32_t kills = sample_salvo_rounds(c.pk, c.n, c.rho, stream);
      const std::uint32_t full = (std::uint32_t{1} << c.n) - 1u;
      any += kills != 0u;
      all += kills == full;
      first += (kills & 1u) != 0u;
      first_two += (kills & 3u) == 3u;
    }
    // Closed forms of the model (endgame.hpp): P(any) = rho pk + (1 - rho)(1 - (1 - pk)^n);
    // P(all) = rho pk + (1 - rho) pk^n; each round pk; two rounds both: rho pk + (1 - rho) pk^2.
    auto within_4_sigma = [&](int count, double p) {
      const double sigma = std::sqrt(p * (1 - p) / trials);
      return std::abs(static_cast<double>(count) / trials - p) <= 4.0 * sigma + 1e-12;
    };
    CHECK(within_4_sigma(any, salvo_kill_probability(c.pk, c.n, c.rho)));
    CHECK(within_4_sigma(all, c.rho * c.pk + (1 - c.rho) * std::pow(c.pk, c.n)));
    CHECK(within_4_sigma(first, c.pk));
    CHECK(within_4_sigma(first_two, c.rho * c.pk + (1 - c.rho) * c.pk * c.pk));
  }
}

TEST_CASE("a salvo draw uses salvo_size + 1 uniforms whatever the outcome", "[endgame]") {
  random_stream stream(1u, stream_id::endgame, 0u);
  for (int i = 0; i < 100; ++i) {
    const auto before = stream.words_used();
    (void)sample_salvo_kill(0.5, 3, 0.5, stream);
    REQUIRE(stream.words_used() - before == 2u * 4u);  // 4 uniforms, 2 words each
  }
  // Same stream position, same answer (common random numbers across runs).
  random_stream a(9u, stream_id::endgame, 3u), b(9u, stream_id::endgame, 3u);
  for (int i = 0; i < 50; ++i) REQUIRE(sample_salvo_kill(0.7, 2, 0.2, a) == sample_salvo_kill(0.7, 2, 0.2, b));
  CHECK(sample_salvo_kill(0.0, 2, 0.5, a) == false);
  CHECK(sample_salvo_kill(1.0, 2, 0.5, a) == true);
}
