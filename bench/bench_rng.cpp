// Cost of random numbers in the Monte Carlo hot loop: raw Philox draws, stream
// construction, and one sample of each sampling.hpp distribution.
#include <samsim/rng.hpp>
#include <samsim/sampling.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <limits>

namespace {

namespace sampling = samsim::sampling;
using samsim::random_stream;
using samsim::stream_id;

constexpr std::uint64_t seed = 20240917u;
constexpr double inf = std::numeric_limits<double>::infinity();

// A fixed table of uniforms, so the sampler benchmarks time the sampler only.
const std::array<double, 4096>& uniforms() {
  static const auto table = [] {
    std::array<double, 4096> t{};
    random_stream s(seed, stream_id::user, 0);
    for (auto& u : t) u = s.uniform();
    return t;
  }();
  return table;
}

void bm_uniform(benchmark::State& state) {
  random_stream s(seed, stream_id::detection, 1);
  for (auto _ : state) benchmark::DoNotOptimize(s.uniform());
}
BENCHMARK(bm_uniform);

void bm_next_u32(benchmark::State& state) {
  random_stream s(seed, stream_id::detection, 1);
  for (auto _ : state) benchmark::DoNotOptimize(s.next_u32());
}
BENCHMARK(bm_next_u32);

void bm_construct_stream(benchmark::State& state) {
  std::uint64_t trial = 0;
  for (auto _ : state) {
    random_stream s(seed, stream_id::detection, trial++);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(bm_construct_stream);

void bm_construct_stream_and_draw(benchmark::State& state) {
  std::uint64_t trial = 0;
  for (auto _ : state) {
    random_stream s(seed, stream_id::detection, trial++);
    benchmark::DoNotOptimize(s.uniform());
  }
}
BENCHMARK(bm_construct_stream_and_draw);

template <class F>
void run_sampler(benchmark::State& state, F f) {
  const auto& u = uniforms();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f(u[i]));
    i = (i + 1) & (u.size() - 1);
  }
}

void bm_table_lookup_only(benchmark::State& state) {
  run_sampler(state, [](double u) { return u; });
}
BENCHMARK(bm_table_lookup_only);

void bm_uniform_sample(benchmark::State& state) {
  run_sampler(state, [](double u) { return sampling::uniform(u, -2.0, 5.0); });
}
BENCHMARK(bm_uniform_sample);

void bm_uniform_int(benchmark::State& state) {
  run_sampler(state, [](double u) { return sampling::uniform_int(u, 0, 359); });
}
BENCHMARK(bm_uniform_int);

void bm_exponential(benchmark::State& state) {
  run_sampler(state, [](double u) { return sampling::exponential(u, 0.2); });
}
BENCHMARK(bm_exponential);

void bm_standard_normal(benchmark::State& state) {
  run_sampler(state, [](double u) { return sampling::standard_normal(u); });
}
BENCHMARK(bm_standard_normal);

void bm_normal(benchmark::State& state) {
  run_sampler(state, [](double u) { return sampling::normal(u, 3.0, 2.0); });
}
BENCHMARK(bm_normal);

void bm_normal_unchecked(benchmark::State& state) {
  run_sampler(state, [](double u) { return sampling::unchecked::normal(u, 3.0, 2.0); });
}
BENCHMARK(bm_normal_unchecked);

void bm_normal_cdf(benchmark::State& state) {
  run_sampler(state, [](double u) { return sampling::normal_cdf(u, 0.5, 0.2); });
}
BENCHMARK(bm_normal_cdf);

void bm_truncated_normal(benchmark::State& state) {
  const double lo = static_cast<double>(state.range(0));
  const double hi = static_cast<double>(state.range(1));
  run_sampler(state, [=](double u) {
    return sampling::truncated_normal(u, 0.0, 1.0, lo, hi >= 1000 ? inf : hi);
  });
}
// Straddling the mean, one-sided, a far tail and the log-space tail beyond 30 sd.
BENCHMARK(bm_truncated_normal)->Args({-1, 2})->Args({0, 1000})->Args({8, 9})->Args({40, 41});

void bm_gamma(benchmark::State& state) {
  run_sampler(state, [](double u) { return sampling::gamma(u, 2.5, 3.0); });
}
BENCHMARK(bm_gamma);

void bm_chi_square_rcs(benchmark::State& state) {
  const int dof = static_cast<int>(state.range(0));
  run_sampler(state, [=](double u) { return sampling::chi_square_rcs(u, dof, 10.0); });
}
BENCHMARK(bm_chi_square_rcs)->Arg(2)->Arg(4);

void bm_poisson(benchmark::State& state) {
  const double mean = static_cast<double>(state.range(0)) / 1000.0;
  run_sampler(state, [=](double u) { return sampling::poisson(u, mean); });
}
// Argument is mean * 1000: 0.5, 5, 30, 40, 1000, 1e6.
BENCHMARK(bm_poisson)->Arg(500)->Arg(5000)->Arg(30000)->Arg(40000)->Arg(1000000)->Arg(1000000000);

}  // namespace
