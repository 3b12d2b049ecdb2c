// Tests of rng.hpp: Philox known answers, the stream layout, and independence
// of a trial's draws from the order and thread in which trials run.
#include <samsim/rng.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

using samsim::random_stream;
using samsim::stream_id;

TEST_CASE("Philox4x32-10 reproduces Random123's published known-answer vectors", "[rng]") {
  // Source: Random123 1.09, examples/kat_vectors, rows "philox4x32 10":
  // counter[4] key[2] -> output[4].
  struct kat {
    std::array<std::uint32_t, 4> ctr;
    std::array<std::uint32_t, 2> key;
    std::array<std::uint32_t, 4> out;
  };
  const std::array<kat, 3> vectors{{
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  }};
  for (const auto& v : vectors) {
    random_stream::philox::ctr_type c = {{v.ctr[0], v.ctr[1], v.ctr[2], v.ctr[3]}};
    random_stream::philox::key_type k = {{v.key[0], v.key[1]}};
    const auto r = random_stream::philox{}(c, k);
    for (int i = 0; i < 4; ++i) CHECK(r.v[i] == v.out[i]);
  }
}

TEST_CASE("random_stream maps (seed, stream, trial) onto Philox key and counter as documented", "[rng]") {
  // The all-zero vector above: seed 0, stream 0, trial 0, block 0.
  random_stream zero(0u, std::uint32_t{0}, 0u);
  CHECK(zero.next_u32() == 0x6627e8d5u);
  CHECK(zero.next_u32() == 0xe169c58du);
  CHECK(zero.next_u32() == 0xbc57ac4cu);
  CHECK(zero.next_u32() == 0x9b00dbd8u);
  CHECK(zero.words_used() == 4);

  // The all-ones vector: key = (seed lo, stream) = (ffffffff, ffffffff);
  // counter = (block, trial lo, trial hi, seed hi) = all ones, so block 0xffffffff.
  random_stream ones(~std::uint64_t{0}, std::uint32_t{0xffffffff}, ~std::uint64_t{0});
  ones.seek_word(std::uint64_t{0xffffffff} * 4);
  CHECK(ones.next_u32() == 0x408f276du);
  CHECK(ones.next_u32() == 0x41c83b0eu);
}

TEST_CASE("uniform draws lie in the open interval (0, 1) and use 53 bits", "[rng]") {
  random_stream s(20261122u, stream_id::detection, 7u);
  double lo = 1.0;
  double hi = 0.0;
  double sum = 0.0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double u = s.uniform();
    REQUIRE(u > 0.0);
    REQUIRE(u < 1.0);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum += u;
  }
  // Mean of U(0,1) is 1/2 with sd 1/sqrt(12 n); 5 sigma: false-failure rate < 1e-6.
  CHECK(std::abs(sum / n - 0.5) < 5.0 / std::sqrt(12.0 * n));
  // The smallest value a 53-bit draw can take is 2^-54; a draw of exactly 0 would be a bug.
  CHECK(lo >= 0x1p-54);
  CHECK(hi <= 1.0 - 0x1p-53);
  // 53 bits: uniform() is two words, high word first.
  random_stream a(1u, stream_id::raid, 2u);
  random_stream b(1u, stream_id::raid, 2u);
  const std::uint64_t w = b.next_u64();
  CHECK(a.uniform() == static_cast<double>(w >> 11) * 0x1p-53);
  // The largest draw is 1 - 2^-53, strictly below 1: k 2^-53 with k = 2^53 - 1 is exact.
  CHECK(static_cast<double>((std::uint64_t{1} << 53) - 1) * 0x1p-53 < 1.0);
}

TEST_CASE("streams, trials and seeds give distinct sequences", "[rng]") {
  auto first = [](std::uint64_t seed, stream_id st, std::uint64_t trial) {
    random_stream s(seed, st, trial);
    return s.next_u64();
  };
  const auto base = first(5, stream_id::raid, 10);
  CHECK(base != first(5, stream_id::detection, 10));
  CHECK(base != first(5, stream_id::raid, 11));
  CHECK(base != first(6, stream_id::raid, 10));
  CHECK(base != first(5 + (std::uint64_t{1} << 32), stream_id::raid, 10));  // seed high bits count
  CHECK(base != first(5, stream_id::raid, 10 + (std::uint64_t{1} << 32)));  // trial high bits count
}

TEST_CASE("a trial's draws do not depend on thread or trial order", "[rng][invariance]") {
  const std::uint64_t seed = 99;
  const int trials = 64;
  const int draws = 100;
  auto run_trial = [&](int trial) {
    random_stream s(seed, stream_id::endgame, static_cast<std::uint64_t>(trial));
    std::vector<double> out(draws);
    for (auto& x : out) x = s.uniform();
    return out;
  };
  std::vector<std::vector<double>> forward(trials);
  for (int t = 0; t < trials; ++t) forward[t] = run_trial(t);

  std::vector<std::vector<double>> reversed(trials);
  for (int t = trials - 1; t >= 0; --t) reversed[t] = run_trial(t);
  CHECK(forward == reversed);

  std::vector<std::vector<double>> threaded(trials);
  std::vector<std::thread> pool;
  for (int w = 0; w < 4; ++w)
    pool.emplace_back([&, w] {
      for (int t = w; t < trials; t += 4) threaded[t] = run_trial(t);
    });
  for (auto& th : pool) th.join();
  CHECK(forward == threaded);
}

TEST_CASE("seek_word jumps to the same word as drawing up to it", "[rng]") {
  random_stream a(3u, stream_id::tracking, 4u);
  std::vector<std::uint32_t> words(11);
  for (auto& w : words) w = a.next_u32();
  for (std::uint64_t i = 0; i < words.size(); ++i) {
    random_stream b(3u, stream_id::tracking, 4u);
    b.seek_word(i);
    CHECK(b.words_used() == i);
    CHECK(b.next_u32() == words[i]);
  }
}
