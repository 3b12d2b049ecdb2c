// Flyout benchmarks: table build for the reference interceptor, one at() lookup,
// one predict_intercept against a straight-line target (plain scan, engine
// options, and resumed from an earlier launch's search).
#include <samsim/engagement.hpp>
#include <samsim/flyout.hpp>
#include <samsim/interceptor_type.hpp>

#include "../tests/reference_interceptor.hpp"

#include <benchmark/benchmark.h>

#include <vector>

namespace {

samsim::interceptor_kinematics reference_interceptor() { return reference::interceptor(); }
const samsim::envelope_limits reference_limits = reference::limits;

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

// average_speed tables of examples/scenarios/defended-area.json's types (range 0: long, 1: short, 2: counter_drone).
void bm_average_speed_build(benchmark::State& state) {
  struct spec {
    const char* name;
    double speed_mps;
    samsim::envelope_limits envelope;
  };
  static const spec specs[] = {{"long", 1800.0, {10000.0, 400000.0, 500.0, 60000.0, 0.0}},
                               {"short", 1000.0, {1000.0, 40000.0, 5.0, 20000.0, 0.0}},
                               {"counter_drone", 600.0, {300.0, 12000.0, 5.0, 6000.0, 0.0}}};
  const spec& s = specs[state.range(0)];
  samsim::interceptor_type t;
  t.name = s.name;
  t.model = samsim::kinematics_model::average_speed;
  t.average_speed_mps = s.speed_mps;
  t.envelope = s.envelope;
  for (auto _ : state) benchmark::DoNotOptimize(samsim::build_flyout_table(t));
  state.SetLabel(s.name);
}
BENCHMARK(bm_average_speed_build)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

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

// The same target with the options the engine uses (Lipschitz jumps with the
// table's gradient bound, secant steps, reach skips): a first shot, and a
// salvo's second round 3 s later resumed where the first search stopped.
samsim::intercept_search_options engine_options(double speed_mps) {
  static const double gradient_s_per_m = samsim::engagement_model::measure_tof_gradient(table());
  samsim::intercept_search_options o;
  o.f_lipschitz = 1.0 + speed_mps * gradient_s_per_m;
  o.max_target_speed_mps = speed_mps;
  o.time_tolerance_s = 1e-4;
  return o;
}

void bm_predict_intercept_engine(benchmark::State& state) {
  const auto& t = table();
  auto position = [](double time_s) -> Eigen::Vector3d { return {300000.0 - 250.0 * time_s, 5000.0, 30.0}; };
  const auto options = engine_options(250.0);
  double launch_s = 1000.0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(samsim::predict_intercept(t, launch_s, 1e4, position, options));
    launch_s += 1e-3;
    if (launch_s > 1001.0) launch_s = 1000.0;
  }
}
BENCHMARK(bm_predict_intercept_engine);

void bm_predict_intercept_resumed(benchmark::State& state) {
  const auto& t = table();
  auto position = [](double time_s) -> Eigen::Vector3d { return {300000.0 - 250.0 * time_s, 5000.0, 30.0}; };
  double launch_s = 1000.0;
  std::vector<samsim::intercept_search_options> resumed;
  for (int k = 0; k < 1000; ++k) {
    auto o = engine_options(250.0);
    o.resume_after(samsim::predict_intercept(t, launch_s + k * 1e-3, 1e4, position, o));
    resumed.push_back(o);
  }
  std::size_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(samsim::predict_intercept(t, launch_s + k * 1e-3 + 3.0, 1e4, position, resumed[k]));
    if (++k == resumed.size()) k = 0;
  }
}
BENCHMARK(bm_predict_intercept_resumed);

}  // namespace
