// Leak probability against raid size: the same battery, growing raids, each
// point on the same seed (common random numbers keep the curve smooth).

#include "../common/example_battery.hpp"

#include <samsim/monte_carlo.hpp>

#include <cstdio>

int main() {
  std::printf("%10s %10s   %s\n", "missiles", "P(leak)", "95% Wilson interval");
  double previous = -1.0;
  int not_increasing = 0;
  for (int n : {2, 4, 8, 12, 16, 24, 32}) {
    const samsim::scenario sc = example::small_battery_scenario(n);
    const samsim::engagement_model model(sc);
    samsim::monte_carlo_options options;
    options.trials = 1000;
    options.seed = 11;
    options.threads = 2;
    const auto p = samsim::run_monte_carlo(model, options).estimates.p_leak_wilson;
    std::printf("%10d %10.4f   [%.4f, %.4f]\n", n, p.estimate, p.lower, p.upper);
    if (p.estimate + 0.02 < previous) ++not_increasing;
    previous = p.estimate;
  }
  // A bigger raid against the same battery should not leak less (beyond noise).
  return not_increasing == 0 ? 0 : 1;
}
