// Salvo of 1 against salvo of 2 on common random numbers: both doctrines see
// the same raids and the same detections (same seed and trial index), so the
// paired difference in leak-through is far less noisy than two separate runs.

#include "../common/example_battery.hpp"

#include <samsim/engagement.hpp>
#include <samsim/statistics.hpp>

#include <cmath>
#include <cstdio>

int main() {
  samsim::scenario one = example::small_battery_scenario(10);
  one.battery.doctrine.salvo_size = 1;
  samsim::scenario two = one;
  two.battery.doctrine.salvo_size = 2;
  const samsim::engagement_model model_one(one);
  const samsim::engagement_model model_two(two, model_one.flyout());  // same interceptor: reuse the table

  const std::uint64_t seed = 2024;
  const std::uint64_t trials = 4000;
  samsim::trial_workspace ws;
  samsim::running_moments difference;  // leak(salvo 2) - leak(salvo 1), per trial
  std::uint64_t leaks_one = 0;
  std::uint64_t leaks_two = 0;
  for (std::uint64_t t = 0; t < trials; ++t) {
    const bool l1 = samsim::run_trial(model_one, seed, t, ws).leakers > 0;
    const bool l2 = samsim::run_trial(model_two, seed, t, ws).leakers > 0;
    leaks_one += l1;
    leaks_two += l2;
    difference.add(static_cast<double>(l2) - static_cast<double>(l1));
  }
  const auto p1 = samsim::wilson_interval(leaks_one, trials, 0.95);
  const auto p2 = samsim::wilson_interval(leaks_two, trials, 0.95);
  const auto d = difference.mean_interval(0.95);
  std::printf("salvo 1: P(leak) %.4f [%.4f, %.4f]\n", p1.estimate, p1.lower, p1.upper);
  std::printf("salvo 2: P(leak) %.4f [%.4f, %.4f]\n", p2.estimate, p2.lower, p2.upper);
  std::printf("paired difference (salvo 2 - salvo 1): %.4f, 95%% interval [%.4f, %.4f]\n", d.estimate, d.lower,
              d.upper);
  // Two independent runs would give the difference a half-width of about sqrt(h1^2 + h2^2).
  const double h1 = 0.5 * (p1.upper - p1.lower);
  const double h2 = 0.5 * (p2.upper - p2.lower);
  std::printf("half-width of the difference: paired %.4f, independent runs would give about %.4f\n",
              0.5 * (d.upper - d.lower), std::sqrt(h1 * h1 + h2 * h2));
  return 0;
}
