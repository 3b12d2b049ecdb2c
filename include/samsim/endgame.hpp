#pragma once
/// \file endgame.hpp
/// Endgame: single-shot kill probability and salvos.
///
/// Salvo model with common-mode correlation rho in [0, 1]: with probability
/// rho every round of the salvo shares one Bernoulli(pk) draw (a common cause:
/// a bad track, a countermeasure, a fuze setting), otherwise the rounds draw
/// independently. Each round's marginal kill probability stays pk, and (when
/// every round has the same pk) rho is the Pearson correlation between any two
/// rounds' kill indicators:
///   P(salvo kills) = rho pk + (1 - rho) (1 - (1 - pk)^n).

#include <samsim/rng.hpp>

#include <cstdint>

namespace samsim {

/// Circular-normal (2-D Gaussian miss, sigma per axis) kill probability with a
/// cookie-cutter lethal radius: Pk = 1 - exp(-Rl^2 / (2 sigma^2)).
/// sigma = 0 gives 1 for Rl > 0. Throws std::invalid_argument on negative or NaN input.
double pk_circular_normal(double lethal_radius_m, double miss_sigma_m);

/// Pk lowering toward the envelope edge: a factor 1 inside (1 - outer_fraction)
/// max range, falling linearly to edge_factor at max range (and edge_factor
/// beyond). Models the slower, less agile interceptor at the end of its flyout.
/// Throws std::invalid_argument unless max_range > 0, outer_fraction in (0, 1],
/// edge_factor in [0, 1].
double edge_pk_factor(double ground_range_m, double max_range_m, double outer_fraction, double edge_factor);

/// Probability that at least one round of a salvo of salvo_size kills (model above).
/// Throws std::invalid_argument unless pk and correlation are in [0, 1] and
/// 1 <= salvo_size <= 32.
double salvo_kill_probability(double pk, int salvo_size, double common_mode_correlation);

/// Draws one salvo; bit i of the result is set when round i kills. Always uses
/// salvo_size + 1 uniforms (the common-mode choice first), so the number of
/// draws does not depend on the outcome. Same argument checks.
std::uint32_t sample_salvo_rounds(double pk, int salvo_size, double common_mode_correlation,
                                  random_stream& endgame_stream);

/// As above, with each round's own Pk (rounds at different intercept ranges,
/// see edge_pk_factor). Under common mode the shared draw is compared with each
/// round's Pk, so every round keeps its marginal. Uses salvo_size + 1 uniforms.
std::uint32_t sample_salvo_rounds(const double* pk_per_round, int salvo_size, double common_mode_correlation,
                                  random_stream& endgame_stream);

/// Probability that a salvo drawn by sample_salvo_rounds gives exactly the
/// kill pattern `kills` (bit i: round i killed), marginal over the
/// common-mode choice:
///   rho max(0, min_{killed} pk_i - max_{missed} pk_i) + (1 - rho) prod_i P_i,
/// with P_i = pk_i for a killed round and 1 - pk_i for a missed one (min over
/// no round is 1, max over none 0). The likelihood ratio of a salvo drawn
/// under other Pks is the ratio of two of these. Same argument checks.
double salvo_pattern_probability(const double* pk_per_round, int salvo_size, double common_mode_correlation,
                                 std::uint32_t kills);

/// Draws one salvo: true when at least one round kills (sample_salvo_rounds != 0).
bool sample_salvo_kill(double pk, int salvo_size, double common_mode_correlation, random_stream& endgame_stream);

}  // namespace samsim
