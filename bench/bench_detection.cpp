// Cost of one Pd: the interpolated table (hot loop) and the exact path, per Swerling case.
#include <samsim/detection.hpp>
#include <samsim/rng.hpp>
#include <samsim/units.hpp>

#include <benchmark/benchmark.h>

#include <vector>

namespace {

// Per-pulse SNRs as the Monte Carlo sees them: C sigma / R^4, spread over -20..40 dB.
std::vector<double> snr_samples(std::size_t count) {
  samsim::random_stream rng(1u, samsim::stream_id::user, 0u);
  std::vector<double> out(count);
  for (auto& s : out) s = samsim::units::db_to_linear(-20.0 + 60.0 * rng.uniform());
  return out;
}

void bm_table_lookup(benchmark::State& state) {
  const auto sw = static_cast<samsim::swerling_case>(state.range(0));
  const samsim::pd_table table(sw, static_cast<int>(state.range(1)), 1e-6);
  const auto snr = snr_samples(4096);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(table(snr[i]));
    i = (i + 1) & 4095;
  }
  state.SetItemsProcessed(state.iterations());
}

void bm_pd_exact(benchmark::State& state) {
  const auto sw = static_cast<samsim::swerling_case>(state.range(0));
  const int pulses = static_cast<int>(state.range(1));
  const auto snr = snr_samples(256);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(samsim::pd_exact(sw, snr[i], pulses, 1e-6));
    i = (i + 1) & 255;
  }
  state.SetItemsProcessed(state.iterations());
}

void bm_table_build(benchmark::State& state) {
  const auto sw = static_cast<samsim::swerling_case>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(samsim::pd_table(sw, static_cast<int>(state.range(1)), 1e-6));
}

void cases(benchmark::internal::Benchmark* b) {
  b->ArgNames({"swerling", "pulses"});
  for (int sw = 0; sw <= 4; ++sw)
    for (int n : {1, 10}) b->Args({sw, n});
}

}  // namespace

BENCHMARK(bm_table_lookup)->Apply(cases);
BENCHMARK(bm_pd_exact)->Apply(cases);
BENCHMARK(bm_table_build)->Apply(cases)->Unit(benchmark::kMillisecond);
