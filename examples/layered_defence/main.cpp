// A layered defence of several assets: the defended-area scenario (two
// long-range batteries with three interceptor types each and a counter-drone
// unit, on a track network) run as a Monte Carlo on every core, reported per
// asset and per battery and interceptor type from monte_carlo_result::estimates.
//
//   example_layered_defence [SCENARIO.json] [TRIALS]
//
// Defaults: examples/scenarios/defended-area.json of this source tree, 4000 trials.

#include "../common/example_args.hpp"

#include <samsim/monte_carlo.hpp>
#include <samsim/scenario.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace {

void print_proportion(const char* label, const samsim::proportion_interval& p) {
  std::printf("  %-34s %8.4f   [%.4f, %.4f]\n", label, p.estimate, p.lower, p.upper);
}

void print_mean(const char* label, const samsim::interval_estimate& m) {
  std::printf("  %-34s %8.3f   [%.3f, %.3f]\n", label, m.estimate, m.lower, m.upper);
}

}  // namespace

int main(int argc, char** argv) {
  const auto args = example::parse_scenario_args(argc, argv, "example_layered_defence", "defended-area.json", 4000);
  if (!args) return 2;
  const std::string& path = args->path;
  const std::uint64_t trials = args->trials;
  try {
    const samsim::scenario sc = samsim::load_scenario(path);
    const samsim::engagement_model model(sc);  // one flyout table per type, the Pd tables: once
    const samsim::scenario& area = model.scenario_data();  // a format 1 file in its defended-area form

    samsim::monte_carlo_options options;
    options.trials = trials;
    options.seed = sc.monte_carlo.seed;
    options.confidence = sc.monte_carlo.confidence;
    options.threads = 0;  // every core; the result does not depend on it
    const samsim::monte_carlo_result result = samsim::run_monte_carlo(model, options);
    const samsim::monte_carlo_estimates& e = result.estimates;

    std::printf("%s: %llu trials, seed %llu, %.0f%% intervals (%.1f s)\n\n", sc.name.c_str(),
                static_cast<unsigned long long>(result.tally.trials), static_cast<unsigned long long>(options.seed),
                100.0 * options.confidence, result.elapsed_s);
    print_proportion("P(at least one leaker anywhere)", e.p_leak_wilson);
    print_mean("mean leakers per trial", e.mean_leakers);

    std::printf("\n  %-16s %6s   %-25s   %s\n", "asset", "value", "P(leak)  Wilson", "mean leakers  Student t");
    for (std::size_t a = 0; a < area.assets.size(); ++a) {
      const auto& est = e.by_asset[a];
      std::printf("  %-16s %6g   %.4f [%.4f, %.4f]   %.3f [%.3f, %.3f]\n", area.assets[a].name.c_str(),
                  area.assets[a].value, est.p_leak.estimate, est.p_leak.lower, est.p_leak.upper,
                  est.leakers.estimate, est.leakers.lower, est.leakers.upper);
    }

    std::printf("\n  %-20s %-14s %-24s    %s\n", "battery", "interceptor", "rounds fired  Student t",
                "P(out of rounds)  Wilson");
    const auto layout = samsim::stock_layout(area);  // (battery, type) in the order of by_stock
    for (std::size_t s = 0; s < layout.size(); ++s) {
      const auto [battery, type] = layout[s];
      const auto& est = e.by_stock[s];
      std::printf("  %-20s %-14s %7.2f [%6.2f, %6.2f]    %.4f [%.4f, %.4f]\n",
                  area.batteries[static_cast<std::size_t>(battery)].name.c_str(),
                  area.interceptors[static_cast<std::size_t>(type)].name.c_str(), est.rounds_fired.estimate,
                  est.rounds_fired.lower, est.rounds_fired.upper, est.p_out_of_rounds.estimate,
                  est.p_out_of_rounds.lower, est.p_out_of_rounds.upper);
    }

    std::printf("\n");
    print_mean("mean value lost per trial", e.value_lost);
    print_mean("mean defender cost per trial", e.defender_cost);
    print_mean("mean attacker cost destroyed", e.attacker_cost_destroyed);
    print_mean("cost exchange ratio (delta method)", e.exchange_ratio);

    // Sanity of what was printed: every interval holds its estimate.
    bool ok = e.p_leak_wilson.lower <= e.p_leak_wilson.estimate && e.p_leak_wilson.estimate <= e.p_leak_wilson.upper;
    for (const auto& a : e.by_asset)
      ok = ok && a.p_leak.lower <= a.p_leak.estimate && a.p_leak.estimate <= a.p_leak.upper;
    return ok ? 0 : 1;
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "example_layered_defence: %s\n", ex.what());
    return 1;
  }
}
