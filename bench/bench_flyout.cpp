// Flyout benchmarks: table build for the reference interceptor, one at() lookup,
// one predict_intercept against a straight-line target.
#include <samsim/flyout.hpp>

#include <benchmark/benchmark.h>

namespace {

// The interceptor and envelope of examples/scenarios/reference-raid.json.
samsim::interceptor_kinematics reference_interceptor() {
  samsim::interceptor_kinematics k;
  k.launch_mass_kg = 1800.0;
  k.specific_impulse_s = 250.0;
  k.phases = {{250000.0, 6.0}, {40000.0, 15.0}};
  k.reference_area_m2 = 0.16;
  k.cd_vs_mach = {{0.0, 0.3}, {0.9, 0.35}, {1.2, 0.55}, {2.0, 0.45}, {4.0, 0.32}, {8.0, 0.25}};
  k.max_lateral_accel_mps2 = 300.0;
  k.navigation_ratio = 4.0;
  return k;
}
const samsim::envelope_limits reference_limits{3000.0, 250000.0, 10.0, 30000.0, 400.0};

const samsim::flyout_table& table() {
  static const samsim::flyout_table t = samsim::flyout_table::build(reference_interceptor(), reference_limits);
  return t;
}

void bm_flyout_build(benchmark::State& state) {
  const auto k = reference_interceptor();
  for (auto _ : state) benchmark::DoNotOptimize(samsim::flyout_table::build(k, reference_limits));
  state.SetLabel("reference interceptor, default flyout_options");
}
BENCHMARK(bm_flyout_build)->Unit(benchmark::kMillisecond);

void bm_flyout_at(benchmark::State& state) {
  const auto& t = table();
  double r = 50000.0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(t.at(r, 8000.0));
    r += 1.0;
    if (r > 120000.0) r = 50000.0;
  }
}
BENCHMARK(bm_flyout_at);

void bm_predict_intercept(benchmark::State& state) {
  const auto& t = table();
  // Cruise missile at 250 m/s, 30 m high, from 300 km; launch at 1000 s (inside 50 km).
  auto position = [](double time_s) -> Eigen::Vector3d { return {300000.0 - 250.0 * time_s, 5000.0, 30.0}; };
  double launch_s = 1000.0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(samsim::predict_intercept(t, launch_s, 1e4, position));
    launch_s += 1e-3;
    if (launch_s > 1001.0) launch_s = 1000.0;
  }
}
BENCHMARK(bm_predict_intercept);

}  // namespace
