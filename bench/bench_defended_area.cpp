// How the cost of a trial grows with the defence: k copies (k = 1, 2, 4, 8)
// of the reference battery, each with its own asset and its own copy of the
// reference raid, placed 3,000 km apart so that they never interact. Every
// radar still looks at every threat and every decision pass asks every
// battery, so this measures what the defended-area engine adds per battery.
// The ratio to report is us_per_copy(k) / us_per_copy(1) (linear: 1).
//
//   build/bench/bench_defended_area --benchmark_repetitions=3
#include <samsim/engagement.hpp>
#include <samsim/scenario.hpp>

#include <benchmark/benchmark.h>

#include <map>
#include <memory>

namespace {

constexpr double spacing_m = 3.0e6;

/// The reference raid's defended area, replicated k times along the east axis.
samsim::scenario copies(int k) {
  samsim::scenario one = samsim::load_scenario(SAMSIM_SCENARIO_DIR "/reference-raid.json");
  samsim::expand_to_defended_area(one);
  samsim::scenario sc = one;
  sc.format = 2;
  sc.assets.clear();
  sc.batteries.clear();
  sc.raid.groups.clear();
  for (int c = 0; c < k; ++c) {
    const Eigen::Vector2d offset(c * spacing_m, 0.0);
    samsim::asset a = one.assets[0];
    a.name = "asset" + std::to_string(c);
    a.position_en_m += offset;
    sc.assets.push_back(a);
    samsim::battery_site b = one.batteries[0];
    b.name = "battery" + std::to_string(c);
    b.position_en_m += offset;
    sc.batteries.push_back(b);
    for (samsim::raid_group g : one.raid.groups) {
      g.aim_en_m += offset;
      g.target = samsim::target_ref{samsim::target_ref::kind::asset, c};
      sc.raid.groups.push_back(g);
    }
  }
  return sc;
}

/// One model per k, sharing the one interceptor type's flyout table.
const samsim::engagement_model& model(int k) {
  static std::map<int, std::unique_ptr<samsim::engagement_model>> models;
  static const samsim::engagement_model base(copies(1));
  auto& m = models[k];
  if (!m) m = std::make_unique<samsim::engagement_model>(copies(k), base.flyout_tables());
  return *m;
}

void BM_defended_area_copies(benchmark::State& state) {
  const int k = static_cast<int>(state.range(0));
  const auto& m = model(k);
  samsim::trial_workspace ws;
  std::uint64_t trial = 0, leakers = 0;
  for (auto _ : state) {
    const auto r = samsim::run_trial(m, 20261122u, trial++, ws);
    leakers += static_cast<std::uint64_t>(r.leakers);
    benchmark::DoNotOptimize(r);
  }
  // Time per copy is the reported time / copies. The copies are independent
  // raids on the same trial streams, so leakers per copy stay near the single
  // battery's (a check that the copies do not interact).
  state.counters["copies"] = k;
  state.counters["leakers_per_copy"] = static_cast<double>(leakers) / static_cast<double>(trial) / k;
}
BENCHMARK(BM_defended_area_copies)->Arg(1)->Arg(2)->Arg(4)->Arg(8)->Unit(benchmark::kMicrosecond);

}  // namespace
