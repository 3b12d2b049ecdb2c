// Endgame kill probability and salvo sampling.
#include <samsim/endgame.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace samsim {
namespace {

void check_salvo(double pk, int salvo_size, double rho) {
  if (!(pk >= 0.0 && pk <= 1.0)) throw std::invalid_argument(fmt::format("pk = {} (must be in [0, 1])", pk));
  if (salvo_size < 1 || salvo_size > 32)
    throw std::invalid_argument(fmt::format("salvo_size = {} (must be in 1..32)", salvo_size));
  if (!(rho >= 0.0 && rho <= 1.0))
    throw std::invalid_argument(fmt::format("common_mode_correlation = {} (must be in [0, 1])", rho));
}

}  // namespace

double pk_circular_normal(double lethal_radius_m, double miss_sigma_m) {
  if (!(lethal_radius_m >= 0.0))
    throw std::invalid_argument(fmt::format("lethal_radius_m = {} (must be >= 0)", lethal_radius_m));
  if (!(miss_sigma_m >= 0.0)) throw std::invalid_argument(fmt::format("miss_sigma_m = {} (must be >= 0)", miss_sigma_m));
  if (miss_sigma_m == 0.0) return lethal_radius_m > 0.0 ? 1.0 : 0.0;
  const double x = lethal_radius_m / miss_sigma_m;
  return -std::expm1(-0.5 * x * x);
}

double edge_pk_factor(double ground_range_m, double max_range_m, double outer_fraction, double edge_factor) {
  if (!(max_range_m > 0.0)) throw std::invalid_argument(fmt::format("max_range_m = {} (must be > 0)", max_range_m));
  if (!(outer_fraction > 0.0 && outer_fraction <= 1.0))
    throw std::invalid_argument(fmt::format("outer_fraction = {} (must be in (0, 1])", outer_fraction));
  if (!(edge_factor >= 0.0 && edge_factor <= 1.0))
    throw std::invalid_argument(fmt::format("edge_factor = {} (must be in [0, 1])", edge_factor));
  const double start_m = (1.0 - outer_fraction) * max_range_m;
  if (!(ground_range_m > start_m)) return 1.0;
  if (ground_range_m >= max_range_m) return edge_factor;
  return 1.0 - (1.0 - edge_factor) * (ground_range_m - start_m) / (max_range_m - start_m);
}

double salvo_kill_probability(double pk, int salvo_size, double rho) {
  check_salvo(pk, salvo_size, rho);
  return rho * pk + (1.0 - rho) * (1.0 - std::pow(1.0 - pk, salvo_size));
}

std::uint32_t sample_salvo_rounds(double pk, int salvo_size, double rho, random_stream& stream) {
  check_salvo(pk, salvo_size, rho);
  double pk_rounds[32];
  for (int i = 0; i < salvo_size; ++i) pk_rounds[i] = pk;
  return sample_salvo_rounds(pk_rounds, salvo_size, rho, stream);
}

std::uint32_t sample_salvo_rounds(const double* pk_per_round, int salvo_size, double rho, random_stream& stream) {
  for (int i = 0; i < salvo_size; ++i) check_salvo(pk_per_round[i], salvo_size, rho);
  if (salvo_size < 1) check_salvo(0.0, salvo_size, rho);
  const bool common = stream.uniform() < rho;
  std::uint32_t kills = 0;
  if (common) {
    // One shared draw decides every round, each against its own Pk.
    const double u = stream.uniform();
    for (int i = 1; i < salvo_size; ++i) (void)stream.uniform();  // keep the draw count fixed
    for (int i = 0; i < salvo_size; ++i)
      if (u < pk_per_round[i]) kills |= std::uint32_t{1} << i;
  } else {
    for (int i = 0; i < salvo_size; ++i)
      if (stream.uniform() < pk_per_round[i]) kills |= std::uint32_t{1} << i;
  }
  return kills;
}

double salvo_pattern_probability(const double* pk_per_round, int salvo_size, double rho, std::uint32_t kills) {
  for (int i = 0; i < salvo_size; ++i) check_salvo(pk_per_round[i], salvo_size, rho);
  if (salvo_size < 1) check_salvo(0.0, salvo_size, rho);
  double independent = 1.0;
  double least_killed = 1.0, most_missed = 0.0;
  for (int i = 0; i < salvo_size; ++i) {
    const double pk = pk_per_round[i];
    if (((kills >> i) & 1u) != 0) {
      independent *= pk;
      least_killed = std::min(least_killed, pk);
    } else {
      independent *= 1.0 - pk;
      most_missed = std::max(most_missed, pk);
    }
  }
  if (rho == 0.0) return independent;
  return rho * std::max(0.0, least_killed - most_missed) + (1.0 - rho) * independent;
}

bool sample_salvo_kill(double pk, int salvo_size, double rho, random_stream& stream) {
  return sample_salvo_rounds(pk, salvo_size, rho, stream) != 0u;
}

}  // namespace samsim
