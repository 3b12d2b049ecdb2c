// Trials and seconds to 10% relative error on the MODEL 10 rare-event oracle
// (examples/scenarios/rare-oracle.json: ten threats, each leaking with
// 0.1^6 = 1e-6; P(at least one) = 1 - (1 - 1e-6)^10 ~ 1e-5), by importance
// sampling tuned by cross-entropy, against what plain Monte Carlo would need:
// (1 - p) / (p 0.1^2) ~ 1e7 trials, timed at the plain run's measured speed.
//
//   build/bench/bench_rare_event
//
// Counters: is_trials and pilot_trials (the run and its tuning), is_seconds
// (both), relative_error reached, plain_trials (needed), plain_us_per_trial
// (measured on plain_measured trials), plain_seconds (needed, estimated), and
// the factors plain_trials / (is_trials + pilot_trials) and plain_seconds /
// is_seconds. Arg: threads.
#include <samsim/monte_carlo.hpp>
#include <samsim/rare_event.hpp>
#include <samsim/scenario.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>

namespace {

constexpr double target_relative_error = 0.1;
constexpr std::uint64_t plain_measured = 20000;

const samsim::engagement_model& oracle() {
  static const samsim::engagement_model model(samsim::load_scenario(SAMSIM_SCENARIO_DIR "/rare-oracle.json"));
  return model;
}

void BM_rare_oracle_to_10_percent(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const samsim::engagement_model& model = oracle();
  const double p = 1.0 - std::pow(1.0 - 1e-6, 10);  // MODEL 10
  const double plain_trials = (1.0 - p) / (p * target_relative_error * target_relative_error);
  for (auto _ : state) {
    samsim::monte_carlo_options plain;
    plain.trials = plain_measured;
    plain.seed = 1;
    plain.threads = threads;
    const samsim::monte_carlo_result mc = samsim::run_monte_carlo(model, plain);
    const double plain_s_per_trial = mc.elapsed_s / static_cast<double>(mc.tally.trials);

    samsim::rare_event_options o;
    o.trials = 100'000'000;
    o.target_relative_error = target_relative_error;
    o.seed = 20261122;
    o.threads = threads;
    const samsim::rare_event_result r = samsim::run_rare_event(model, o);
    const double is_trials = static_cast<double>(r.tally.trials + r.pilot_trials_run);

    state.counters["is_trials"] = static_cast<double>(r.tally.trials);
    state.counters["pilot_trials"] = static_cast<double>(r.pilot_trials_run);
    state.counters["is_seconds"] = r.elapsed_s;
    state.counters["tuning_seconds"] = r.tuning_s;
    state.counters["estimate"] = r.p_leak.estimate;
    state.counters["relative_error"] = r.p_leak.relative_error;
    state.counters["plain_trials"] = plain_trials;
    state.counters["plain_us_per_trial"] = 1e6 * plain_s_per_trial;
    state.counters["plain_seconds"] = plain_trials * plain_s_per_trial;
    state.counters["trial_factor"] = plain_trials / is_trials;
    state.counters["time_factor"] = plain_trials * plain_s_per_trial / r.elapsed_s;
  }
}
BENCHMARK(BM_rare_oracle_to_10_percent)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
