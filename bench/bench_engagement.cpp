// Cost of the hot parts of a trial: one whole trial of the reference raid,
// raid sampling, the event queue, and the intercept prediction it relies on.
#include <samsim/engagement.hpp>
#include <samsim/event_queue.hpp>
#include <samsim/monte_carlo.hpp>
#include <samsim/rng.hpp>
#include <samsim/scenario.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

const samsim::engagement_model& reference_model() {
  static const samsim::scenario sc = samsim::load_scenario(SAMSIM_SCENARIO_DIR "/reference-raid.json");
  static const samsim::engagement_model model(sc);
  return model;
}

void BM_reference_trial(benchmark::State& state) {
  const auto& model = reference_model();
  samsim::trial_workspace ws;
  std::uint64_t trial = 0;
  std::uint64_t threats = 0, events = 0;
  for (auto _ : state) {
    const auto r = samsim::run_trial(model, 20261122u, trial++, ws);
    threats += static_cast<std::uint64_t>(r.threats);
    events += r.events;
    benchmark::DoNotOptimize(r);
  }
  state.counters["threats_per_trial"] = static_cast<double>(threats) / static_cast<double>(trial);
  state.counters["events_per_trial"] = static_cast<double>(events) / static_cast<double>(trial);
  state.counters["trials_per_s"] = benchmark::Counter(static_cast<double>(trial), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_reference_trial);

void BM_sample_reference_raid(benchmark::State& state) {
  const auto& sc = reference_model().scenario_data();
  std::vector<samsim::threat_state> out;
  std::uint64_t trial = 0;
  for (auto _ : state) {
    samsim::sample_raid(sc.raid, 1u, trial++, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_sample_reference_raid);

void BM_engagement_model_build(benchmark::State& state) {
  const auto& sc = reference_model().scenario_data();
  for (auto _ : state) {
    samsim::engagement_model m(sc);
    benchmark::DoNotOptimize(&m);
  }
  state.SetLabel("flyout table + Pd tables");
}
BENCHMARK(BM_engagement_model_build)->Unit(benchmark::kMillisecond);

/// The event queue run_trial uses (samsim::event_queue) in a steady state
/// like a reference trial's: about 100 events queued, each pop followed by a
/// push a random delay later. The delays come from a long precomputed list,
/// so the branch predictor cannot learn the sequence (a short repeating one
/// flatters branchy code).
void BM_event_queue_push_pop(benchmark::State& state) {
  constexpr std::size_t queued = 100;
  std::vector<double> delays(std::size_t{1} << 16);
  samsim::random_stream rng(1, 1, 0);
  for (double& d : delays) d = -100.0 * std::log(rng.uniform());
  samsim::event_queue<int> queue;
  for (std::size_t k = 0; k < queued; ++k) queue.push(delays[k], static_cast<unsigned>(k % 7), 0);
  std::size_t next = queued;
  for (auto _ : state) {
    const auto e = queue.pop();
    queue.push(e.time_s() + delays[next++ & (delays.size() - 1)], static_cast<unsigned>(next % 7), e.payload);
  }
  benchmark::DoNotOptimize(queue.top().time_s());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetLabel("items = pop + push, 100 queued");
}
BENCHMARK(BM_event_queue_push_pop);

void BM_monte_carlo_1000_trials(benchmark::State& state) {
  const auto& model = reference_model();
  for (auto _ : state) {
    samsim::monte_carlo_options o;
    o.trials = 1000;
    o.seed = 3;
    o.threads = static_cast<int>(state.range(0));
    benchmark::DoNotOptimize(samsim::run_monte_carlo(model, o));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 1000);
}
BENCHMARK(BM_monte_carlo_1000_trials)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
