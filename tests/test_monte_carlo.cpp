// Tests of monte_carlo.hpp: bit-identical tallies for any thread count and
// chunking of the work, the half-width stop rule, cancellation, progress, and
// the exact round trip of tallies through their message form (MPI).
#include <samsim/log.hpp>
#include <samsim/monte_carlo.hpp>
#include <samsim/scenario.hpp>

#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>

#include <atomic>
#include <cmath>
#include <sstream>

using namespace samsim;

namespace {
const engagement_model& small_raid() {
  static const scenario sc = load_scenario(SAMSIM_SCENARIO_DIR "/small-raid.json");
  static const engagement_model model(sc);
  return model;
}
monte_carlo_options options(std::uint64_t trials, int threads) {
  monte_carlo_options o;
  o.trials = trials;
  o.seed = 42;
  o.threads = threads;
  o.chunk_trials = 64;
  return o;
}
}  // namespace

TEST_CASE("the tally is bit-identical for 1, 2, 3 and 5 threads", "[monte_carlo][invariance]") {
  const auto one = run_monte_carlo(small_raid(), options(1000, 1));
  for (int threads : {2, 3, 5}) {
    const auto many = run_monte_carlo(small_raid(), options(1000, threads));
    CHECK(many.tally == one.tally);
    CHECK(many.estimates.p_leak_wilson.lower == one.estimates.p_leak_wilson.lower);
    CHECK(many.estimates.mean_leakers.upper == one.estimates.mean_leakers.upper);
  }
  CHECK(one.tally.trials == 1000);  // the last chunk is partial (1000 = 15 x 64 + 40)
}

TEST_CASE("chunks run separately and merged in order equal one run", "[monte_carlo][invariance]") {
  const auto o = options(700, 1);
  const auto whole = run_monte_carlo(small_raid(), o);
  // As MPI ranks do: blocks of chunks, in any grouping, merged in chunk order.
  monte_carlo_tally merged;
  const std::uint64_t n = chunk_count(o);
  for (std::uint64_t first = 0; first < n; first += 3) {
    bool stopped = false;
    merge_in_order(merged, run_chunks(small_raid(), o, {first, std::min<std::uint64_t>(3, n - first)}), o, stopped);
    CHECK(!stopped);
  }
  merged.by_class.resize(whole.tally.by_class.size());
  CHECK(merged == whole.tally);
}

TEST_CASE("tallies survive their message form exactly", "[monte_carlo]") {
  const auto r = run_monte_carlo(small_raid(), options(300, 2));
  const auto words = r.tally.to_words();
  CHECK(monte_carlo_tally::from_words(words.data(), words.size()) == r.tally);
  CHECK_THROWS(monte_carlo_tally::from_words(words.data(), words.size() - 1));  // truncated message
}

TEST_CASE("the no-ready-salvo count is added, merged, sent and estimated", "[monte_carlo]") {
  // Hand-built trials (small-raid.json may well have none with the flag set):
  // 7 of 50 flagged, in two tallies of 30 and 20 trials.
  const trial_workspace no_threats;  // a trial of no threats
  trial_result flagged;
  flagged.no_ready_salvo = true;
  monte_carlo_tally a, b;
  for (int k = 0; k < 30; ++k) a.add(k < 4 ? flagged : trial_result{}, no_threats);
  for (int k = 0; k < 20; ++k) b.add(k < 3 ? flagged : trial_result{}, no_threats);
  CHECK(a.trials_no_ready_salvo == 4);
  CHECK(a.trials_magazine_exhausted == 0);  // a separate count
  a.merge(b);
  CHECK(a.trials == 50);
  CHECK(a.trials_no_ready_salvo == 7);
  const auto words = a.to_words();
  const monte_carlo_tally back = monte_carlo_tally::from_words(words.data(), words.size());
  CHECK(back.trials_no_ready_salvo == 7);
  CHECK(back == a);
  // Source: tests/data/VALIDATION.md, binomial intervals: 7 of 50, Wilson 95% (0.069508, 0.261862).
  const monte_carlo_estimates e = estimate(a, 0.95);
  CHECK(e.p_no_ready_salvo.estimate == Approx(7.0 / 50.0).epsilon(1e-12));
  CHECK(e.p_no_ready_salvo.lower == Approx(0.069508).margin(5e-7));
  CHECK(e.p_no_ready_salvo.upper == Approx(0.261862).margin(5e-7));
}

TEST_CASE("P(leakers >= k) is given for every k up to the largest count, a million included", "[monte_carlo]") {
  // 50 trials: 40 with no leaker, 5 with 1, 4 with 3, 1 with 1,000,000.
  monte_carlo_tally t;
  t.trials = 50;
  t.trials_with_leak = 10;
  t.leaker_histogram.add_count(0, 40);
  t.leaker_histogram.add_count(1, 5);
  t.leaker_histogram.add_count(3, 4);
  t.leaker_histogram.add_count(1'000'000, 1);
  const monte_carlo_estimates e = estimate(t, 0.95);
  REQUIRE(e.p_at_least.size() == 1'000'000);
  // Source: the Wilson score interval's closed form (E. B. Wilson, JASA 22 (1927) 209-212),
  // z = 1.959963984540054 for 95%:
  // (p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n).
  auto check = [&](std::size_t k, double successes) {
    INFO("k = " << k);
    const double n = 50.0, z = 1.959963984540054, p = successes / n;
    const double centre = p + z * z / (2 * n), half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
    const proportion_interval& w = e.p_at_least[k - 1];
    CHECK(w.estimate == Approx(p).epsilon(1e-12));
    CHECK(w.lower == Approx((centre - half) / (1 + z * z / n)).epsilon(1e-9));
    CHECK(w.upper == Approx((centre + half) / (1 + z * z / n)).epsilon(1e-9));
  };
  check(1, 10);
  check(2, 5);
  check(3, 5);
  check(4, 1);
  check(500'000, 1);
  check(1'000'000, 1);
}

TEST_CASE("the half-width stop is decided at chunk boundaries, whatever the threads", "[monte_carlo][stopping]") {
  auto o = options(100000, 1);
  o.target_halfwidth = 0.02;
  const auto one = run_monte_carlo(small_raid(), o);
  o.threads = 4;
  const auto four = run_monte_carlo(small_raid(), o);
  CHECK(one.stopped_early);
  CHECK(one.tally == four.tally);
  const double halfwidth = 0.5 * (one.estimates.p_leak_wilson.upper - one.estimates.p_leak_wilson.lower);
  CHECK(halfwidth <= 0.02);
  CHECK(one.tally.trials % o.chunk_trials == 0);
  CHECK(one.tally.trials >= 1000);  // the rule waits for at least 1000 trials
  // One chunk fewer would not have met the target (the stop is the first chunk that does).
  auto shorter = options(one.tally.trials - o.chunk_trials, 1);
  const auto before = run_monte_carlo(small_raid(), shorter);
  const double hw_before = 0.5 * (before.estimates.p_leak_wilson.upper - before.estimates.p_leak_wilson.lower);
  CHECK((hw_before > 0.02 || before.tally.trials < 1000));
}

TEST_CASE("progress is reported after every chunk and cancellation stops the run", "[monte_carlo]") {
  std::atomic<bool> cancel{false};
  std::uint64_t last_done = 0;
  int calls = 0;
  auto o = options(5000, 2);
  o.cancel = &cancel;
  o.progress = [&](const monte_carlo_progress& p) {
    ++calls;
    CHECK(p.trials_done > last_done);
    CHECK(p.trials_planned == 5000);
    CHECK(p.p_leak.lower <= p.p_leak.estimate);
    last_done = p.trials_done;
    if (p.trials_done >= 640) cancel = true;
  };
  const auto r = run_monte_carlo(small_raid(), o);
  CHECK(r.cancelled);
  CHECK(r.tally.trials == 640);  // the chunk that set the flag is the last one merged
  CHECK(calls == 10);
}

TEST_CASE("the driver logs through the replaceable samsim logger", "[monte_carlo][log]") {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto mine = std::make_shared<spdlog::logger>("mine", sink);
  mine->set_level(spdlog::level::debug);
  samsim::set_logger(mine);
  (void)run_monte_carlo(small_raid(), options(100, 1));
  samsim::set_logger(nullptr);  // back to the default
  CHECK(captured.str().find("100 trials") != std::string::npos);
  CHECK(samsim::logger().get() != mine.get());
}

TEST_CASE("a run resumed from the state after any chunk equals the run that never stopped", "[monte_carlo][resume]") {
  for (const double target : {0.0, 0.02}) {
    auto o = options(target > 0 ? 100000 : 1000, 2);
    o.target_halfwidth = target;
    std::vector<monte_carlo_state> states;
    o.chunk_merged = [&](const monte_carlo_state& s) { states.push_back(s); };
    const auto whole = run_monte_carlo(small_raid(), o);
    REQUIRE(states.size() == whole.next_chunk);
    CHECK(states.back() == state_of(whole));
    CHECK(whole.stopped_early == (target > 0));
    o.chunk_merged = nullptr;
    for (std::size_t k : {std::size_t{0}, std::size_t{3}, states.size() / 2, states.size() - 1}) {
      INFO("target " << target << ", resumed after chunk " << k);
      o.resume = &states[k];
      o.threads = 1 + static_cast<int>(k % 3);
      const auto resumed = run_monte_carlo(small_raid(), o);
      CHECK(resumed.tally == whole.tally);
      CHECK(resumed.stopped_early == whole.stopped_early);
      CHECK(resumed.next_chunk == whole.next_chunk);
      CHECK(resumed.estimates.p_leak_wilson.upper == whole.estimates.p_leak_wilson.upper);
    }
  }
}

TEST_CASE("check_state refuses a state that cannot be a prefix of the run", "[monte_carlo][resume]") {
  auto o = options(1000, 1);
  std::vector<monte_carlo_state> states;
  o.chunk_merged = [&](const monte_carlo_state& s) { states.push_back(s); };
  (void)run_monte_carlo(small_raid(), o);
  const monte_carlo_state good = states[4];  // chunks 0-4 of 64 trials: 320 trials
  CHECK_NOTHROW(check_state(good, o));
  auto broken = [&](auto&& edit) {
    monte_carlo_state s = good;
    edit(s);
    return s;
  };
  CHECK_THROWS_AS(check_state(broken([](auto& s) { s.next_chunk = 5 + 1; }), o), std::invalid_argument);
  CHECK_THROWS_AS(check_state(broken([](auto& s) { s.next_chunk = 1000; }), o), std::invalid_argument);
  CHECK_THROWS_AS(check_state(broken([](auto& s) { ++s.tally.killed; }), o), std::invalid_argument);
  CHECK_THROWS_AS(check_state(broken([](auto& s) { ++s.tally.trials_with_leak; }), o), std::invalid_argument);
  CHECK_THROWS_AS(check_state(broken([](auto& s) { s.stopped_early = true; }), o), std::invalid_argument);
  o.chunk_trials = 32;  // the same trials in other chunks are another run
  CHECK_THROWS_AS(check_state(good, o), std::invalid_argument);
}

TEST_CASE("per-trial records are in trial order, the same for any thread count, and agree with the tally",
          "[monte_carlo][records]") {
  auto o = options(1000, 1);
  o.record_trials = true;
  const auto one = run_monte_carlo(small_raid(), o);
  o.threads = 3;
  const auto three = run_monte_carlo(small_raid(), o);
  REQUIRE(one.records.size() == 1000);
  CHECK(three.records == one.records);
  CHECK(one.tally.records.size() == 0);  // moved to the result
  // Entry k is trial k: run_trial replays it (engagement.hpp: a trial is a pure function of seed and index).
  trial_workspace ws;
  for (std::uint64_t k : {0u, 63u, 64u, 999u}) {
    const trial_result r = run_trial(small_raid(), o.seed, k, ws);
    CHECK(one.records.leakers[k] == r.leakers);
    CHECK(one.records.interceptors_used[k] == r.interceptors_used);
    CHECK(one.records.first_leak_time_s[k] == r.first_leak_time_s);
  }
  std::uint64_t with_leak = 0, leakers = 0;
  for (std::size_t k = 0; k < one.records.size(); ++k) {
    with_leak += one.records.leakers[k] > 0;
    leakers += static_cast<std::uint64_t>(one.records.leakers[k]);
    CHECK((one.records.leakers[k] > 0) == std::isfinite(one.records.first_leak_time_s[k]));
  }
  CHECK(with_leak == one.tally.trials_with_leak);
  CHECK(leakers == one.tally.leakers.sum());
  // Off by default: nothing recorded.
  CHECK(run_monte_carlo(small_raid(), options(300, 2)).records.size() == 0);
}
