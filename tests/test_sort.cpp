// The sorts a trial runs at its start (detail/merge_sort.hpp) and the keys
// of the built-in service order (src/builtin_order.hpp). Oracle: std::sort
// with the same strict total order; a total order has one sorted result, so
// the two must agree element for element.
#include <samsim/detail/merge_sort.hpp>

#include "../src/builtin_order.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

using samsim::detail::from_ordered_bits;
using samsim::detail::merge_sort;
using samsim::detail::ordered_bits;
using samsim::detail::time_bucket_sort;

namespace {
struct item {
  double time_s;
  unsigned priority;
  int id;  // unique: the order is total
};
bool item_less(const item& a, const item& b) {
  if (a.time_s != b.time_s) return a.time_s < b.time_s;
  if (a.priority != b.priority) return a.priority < b.priority;
  return a.id < b.id;
}
bool same_order(const std::vector<item>& a, const std::vector<item>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a[k].id != b[k].id) return false;
  return true;
}

// Arrays of several shapes: spread times, few distinct times (ties), one
// time, +0 and -0, infinities, a spread of hundreds of orders of magnitude.
std::vector<item> make_items(std::mt19937_64& gen, std::size_t n, int shape) {
  std::uniform_real_distribution<double> spread(-50.0, 400.0);
  std::uniform_int_distribution<int> few(0, 6), prio(0, 3);
  std::vector<item> v;
  for (std::size_t k = 0; k < n; ++k) {
    double t = 0.0;
    switch (shape) {
      case 0: t = spread(gen); break;
      case 1: t = few(gen) * 5.0; break;
      case 2: t = 7.25; break;
      case 3: t = few(gen) % 2 == 0 ? 0.0 : -0.0; break;
      case 4: t = few(gen) == 0 ? std::numeric_limits<double>::infinity() : spread(gen); break;
      default: t = std::ldexp(1.0, few(gen) * 150 - 450) * (few(gen) % 2 == 0 ? 1 : -1); break;
    }
    v.push_back(item{t, static_cast<unsigned>(prio(gen)), static_cast<int>(k)});
  }
  std::shuffle(v.begin(), v.end(), gen);
  return v;
}
}  // namespace

TEST_CASE("ordered_bits: integer order is the order of the doubles, -0 equal to +0", "[sort]") {
  std::mt19937_64 gen(20261203);
  std::uniform_real_distribution<double> u(-1e6, 1e6);
  std::uniform_int_distribution<int> e(-1000, 1000);
  std::vector<double> xs = {0.0, -0.0, 1.0, -1.0, std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::denorm_min(),
                            -std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max()};
  for (int k = 0; k < 2000; ++k) xs.push_back(std::ldexp(u(gen), e(gen)));
  for (std::size_t a = 0; a < xs.size(); a += 7)
    for (std::size_t b = 0; b < xs.size(); b += 3) {
      REQUIRE((xs[a] < xs[b]) == (ordered_bits(xs[a]) < ordered_bits(xs[b])));
      REQUIRE((xs[a] == xs[b]) == (ordered_bits(xs[a]) == ordered_bits(xs[b])));
    }
  for (double x : xs) REQUIRE(from_ordered_bits(ordered_bits(x)) == x);
  CHECK(std::signbit(from_ordered_bits(ordered_bits(-0.0))) == false);
}

TEST_CASE("merge_sort and time_bucket_sort agree with std::sort", "[sort]") {
  std::mt19937_64 gen(20261204);
  for (int shape = 0; shape < 6; ++shape)
    for (std::size_t n : {0u, 1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 16u, 31u, 48u, 96u, 97u, 250u, 1000u}) {
      for (int rep = 0; rep < 4; ++rep) {
        const std::vector<item> input = make_items(gen, n, shape);
        std::vector<item> expected = input;
        std::sort(expected.begin(), expected.end(), item_less);
        std::vector<item> scratch(n);
        std::vector<std::uint32_t> counts(2 * n + 2);

        std::vector<item> by_merge = input;
        merge_sort(by_merge.data(), n, scratch.data(), item_less);
        INFO("shape " << shape << ", n " << n);
        REQUIRE(same_order(by_merge, expected));

        std::vector<item> by_bucket = input;
        time_bucket_sort(
            by_bucket.data(), n, scratch.data(), counts.data(), [](const item& x) { return x.time_s; }, item_less);
        REQUIRE(same_order(by_bucket, expected));
      }
    }
}

TEST_CASE("time_bucket_sort: a bucket of many equal times is sorted by merge_sort", "[sort]") {
  // 200 elements at 3 instants and 20 spread ones: the buckets of the three
  // instants hold about 67 each, above the insertion sort's limit of 24.
  std::mt19937_64 gen(20261205);
  std::uniform_real_distribution<double> spread(0.0, 100.0);
  std::uniform_int_distribution<int> instant(0, 2), prio(0, 3);
  std::vector<item> v;
  for (int k = 0; k < 200; ++k) v.push_back(item{10.0 * instant(gen), static_cast<unsigned>(prio(gen)), k});
  for (int k = 200; k < 220; ++k) v.push_back(item{spread(gen), 0, k});
  std::shuffle(v.begin(), v.end(), gen);
  std::vector<item> expected = v;
  std::sort(expected.begin(), expected.end(), item_less);
  std::vector<item> scratch(v.size());
  std::vector<std::uint32_t> counts(2 * v.size() + 2);
  time_bucket_sort(
      v.data(), v.size(), scratch.data(), counts.data(), [](const item& x) { return x.time_s; }, item_less);
  CHECK(same_order(v, expected));
}

TEST_CASE("builtin_rank_key orders as builtin_served_before with ties by index", "[sort]") {
  // The oracle is the rule's comparison itself (builtin_served_before, the
  // engine's order for any rule: served first, ties by the lower index).
  std::mt19937_64 gen(20261206);
  std::uniform_int_distribution<int> prio(-3, 3), value_pick(0, 4), time_pick(0, 30);
  const double values[] = {0.0, -0.0, 1.0, 2.5, 1e9};
  for (samsim::priority_rule rule : {samsim::priority_rule::earliest_arrival, samsim::priority_rule::asset_value})
    for (int rep = 0; rep < 50; ++rep) {
      std::vector<samsim::threat_view> views(60);
      for (std::size_t i = 0; i < views.size(); ++i) {
        views[i].index = static_cast<int>(i);
        views[i].priority = prio(gen);
        views[i].target_value = values[value_pick(gen)];
        views[i].leak_time_s = time_pick(gen) == 0 ? -0.0 : 0.5 * time_pick(gen);
      }
      std::vector<int> expected(views.size());
      for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = static_cast<int>(i);
      std::sort(expected.begin(), expected.end(), [&](int a, int b) {
        const auto& va = views[static_cast<std::size_t>(a)];
        const auto& vb = views[static_cast<std::size_t>(b)];
        if (samsim::detail::builtin_served_before(rule, va, vb)) return true;
        return a < b && !samsim::detail::builtin_served_before(rule, vb, va);
      });
      std::vector<samsim::detail::rank_key> keys, scratch(views.size());
      for (const auto& v : views) keys.push_back(samsim::detail::builtin_rank_key(rule, v));
      merge_sort(keys.data(), keys.size(), scratch.data(), samsim::detail::rank_key_less);
      for (std::size_t k = 0; k < keys.size(); ++k) REQUIRE(static_cast<int>(keys[k].w2 & 0xffffffffu) == expected[k]);
    }
}
