// The smallest complete use of samsim: a scenario built in code, a Monte
// Carlo run, and P(at least one leaker) with its interval.

#include "../common/example_battery.hpp"

#include <samsim/monte_carlo.hpp>

#include <cstdio>

int main() {
  const samsim::scenario sc = example::small_battery_scenario(12);
  const samsim::engagement_model model(sc);  // builds the flyout and Pd tables once

  samsim::monte_carlo_options options;
  options.trials = sc.monte_carlo.trials;
  options.seed = sc.monte_carlo.seed;
  options.threads = 2;
  const samsim::monte_carlo_result result = samsim::run_monte_carlo(model, options);

  const auto& p = result.estimates.p_leak_wilson;
  std::printf("%s\n", sc.name.c_str());
  std::printf("P(at least one leaker) = %.4f  (95%% Wilson interval %.4f to %.4f, %llu trials)\n", p.estimate,
              p.lower, p.upper, static_cast<unsigned long long>(result.tally.trials));
  std::printf("mean leakers = %.3f, mean interceptors used = %.2f\n", result.estimates.mean_leakers.estimate,
              result.estimates.mean_interceptors_used.estimate);
  return p.lower <= p.estimate && p.estimate <= p.upper ? 0 : 1;
}
