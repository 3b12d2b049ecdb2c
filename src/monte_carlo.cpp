#include <samsim/log.hpp>
#include <samsim/monte_carlo.hpp>

#include "ordered_chunks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <stdexcept>
#include <utility>

namespace samsim {

// ---------------------------------------------------------------------------
// monte_carlo_tally

void monte_carlo_tally::add(const trial_result& result, const trial_workspace& ws) {
  const std::vector<threat_state>& trial_threats = ws.threats;
  const std::vector<threat_outcome>& outcomes = ws.outcomes;
  ++trials;
  if (result.leakers > 0) ++trials_with_leak;
  if (result.magazine_exhausted) ++trials_magazine_exhausted;
  if (result.no_ready_salvo) ++trials_no_ready_salvo;
  threats += static_cast<std::uint64_t>(result.threats);
  events += result.events;
  leakers.add(static_cast<std::uint64_t>(result.leakers));
  interceptors_used.add(static_cast<std::uint64_t>(result.interceptors_used));
  leaker_histogram.add(static_cast<std::uint64_t>(result.leakers));
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const auto k = static_cast<std::size_t>(trial_threats[i].class_index);
    if (by_class.size() <= k) by_class.resize(k + 1);
    ++by_class[k].threats;
    if (outcomes[i].killed) {
      ++killed;
    } else {
      ++by_class[k].leaked;
      ++causes[static_cast<std::size_t>(outcomes[i].cause)];
    }
  }
  if (by_asset.size() < ws.asset_leakers.size()) by_asset.resize(ws.asset_leakers.size());
  for (std::size_t a = 0; a < ws.asset_leakers.size(); ++a) {
    const int n = ws.asset_leakers[a];
    if (n > 0) ++by_asset[a].trials_reached;
    by_asset[a].leakers.add(static_cast<std::uint64_t>(n));
  }
  if (battery_destroyed.size() < ws.battery_destroyed.size()) battery_destroyed.resize(ws.battery_destroyed.size());
  for (std::size_t b = 0; b < ws.battery_destroyed.size(); ++b) battery_destroyed[b] += ws.battery_destroyed[b] ? 1 : 0;
  if (by_stock.size() < ws.stocks.size()) by_stock.resize(ws.stocks.size());
  for (std::size_t k = 0; k < ws.stocks.size(); ++k) {
    if (ws.stocks[k].out_of_rounds) ++by_stock[k].trials_out_of_rounds;
    by_stock[k].rounds_fired.add(static_cast<std::uint64_t>(ws.stocks[k].rounds_fired));
  }
  value_lost.add(result.value_lost);
  cost.add(result.defender_cost, result.attacker_cost_destroyed);
}

void trial_records::add(const trial_result& r) {
  leakers.push_back(r.leakers);
  interceptors_used.push_back(r.interceptors_used);
  first_leak_time_s.push_back(r.first_leak_time_s);
  value_lost.push_back(r.value_lost);
  defender_cost.push_back(r.defender_cost);
}

void trial_records::append(const trial_records& o) {
  leakers.insert(leakers.end(), o.leakers.begin(), o.leakers.end());
  interceptors_used.insert(interceptors_used.end(), o.interceptors_used.begin(), o.interceptors_used.end());
  first_leak_time_s.insert(first_leak_time_s.end(), o.first_leak_time_s.begin(), o.first_leak_time_s.end());
  value_lost.insert(value_lost.end(), o.value_lost.begin(), o.value_lost.end());
  defender_cost.insert(defender_cost.end(), o.defender_cost.begin(), o.defender_cost.end());
}

void monte_carlo_tally::merge(const monte_carlo_tally& o) {
  trials += o.trials;
  trials_with_leak += o.trials_with_leak;
  trials_magazine_exhausted += o.trials_magazine_exhausted;
  trials_no_ready_salvo += o.trials_no_ready_salvo;
  threats += o.threats;
  killed += o.killed;
  events += o.events;
  leakers.merge(o.leakers);
  interceptors_used.merge(o.interceptors_used);
  leaker_histogram.merge(o.leaker_histogram);
  if (by_class.size() < o.by_class.size()) by_class.resize(o.by_class.size());
  for (std::size_t k = 0; k < o.by_class.size(); ++k) {
    by_class[k].threats += o.by_class[k].threats;
    by_class[k].leaked += o.by_class[k].leaked;
  }
  for (std::size_t c = 0; c < causes.size(); ++c) causes[c] += o.causes[c];
  if (by_asset.size() < o.by_asset.size()) by_asset.resize(o.by_asset.size());
  for (std::size_t a = 0; a < o.by_asset.size(); ++a) {
    by_asset[a].trials_reached += o.by_asset[a].trials_reached;
    by_asset[a].leakers.merge(o.by_asset[a].leakers);
  }
  if (battery_destroyed.size() < o.battery_destroyed.size()) battery_destroyed.resize(o.battery_destroyed.size());
  for (std::size_t b = 0; b < o.battery_destroyed.size(); ++b) battery_destroyed[b] += o.battery_destroyed[b];
  if (by_stock.size() < o.by_stock.size()) by_stock.resize(o.by_stock.size());
  for (std::size_t k = 0; k < o.by_stock.size(); ++k) {
    by_stock[k].trials_out_of_rounds += o.by_stock[k].trials_out_of_rounds;
    by_stock[k].rounds_fired.merge(o.by_stock[k].rounds_fired);
  }
  value_lost.merge(o.value_lost);
  cost.merge(o.cost);
  records.append(o.records);
}

namespace {

// Flat layout: fixed scalars, the two integer tallies as count and exact
// 128-bit sums (two words each), the causes, then each length-prefixed vector.
void put128(std::vector<std::uint64_t>& w, uint128 v) {
  w.push_back(static_cast<std::uint64_t>(v));
  w.push_back(static_cast<std::uint64_t>(v >> 64));
}

class word_reader {
 public:
  word_reader(const std::uint64_t* words, std::size_t count) : p_(words), end_(words + count) {}
  std::uint64_t next() {
    if (p_ == end_) throw std::runtime_error("monte_carlo_tally::from_words: truncated message");
    return *p_++;
  }
  uint128 next128() {
    const uint128 lo = next();
    const uint128 hi = next();
    return lo | (hi << 64);
  }
  bool done() const { return p_ == end_; }

 private:
  const std::uint64_t* p_;
  const std::uint64_t* end_;
};

}  // namespace

std::vector<std::uint64_t> monte_carlo_tally::to_words() const {
  std::vector<std::uint64_t> w;
  w.reserve(32 + 2 * by_class.size() + leaker_histogram.counts().size());
  for (std::uint64_t v : {trials, trials_with_leak, trials_magazine_exhausted, trials_no_ready_salvo, threats, killed,
                          events})
    w.push_back(v);
  for (const integer_tally* t : {&leakers, &interceptors_used}) {
    w.push_back(t->count());
    put128(w, t->sum());
    put128(w, t->sum_of_squares());
  }
  for (std::uint64_t c : causes) w.push_back(c);
  w.push_back(by_class.size());
  for (const auto& c : by_class) {
    w.push_back(c.threats);
    w.push_back(c.leaked);
  }
  const auto& h = leaker_histogram.counts();
  w.push_back(h.size());
  w.insert(w.end(), h.begin(), h.end());
  auto put_tally = [&](const integer_tally& t) {
    w.push_back(t.count());
    put128(w, t.sum());
    put128(w, t.sum_of_squares());
  };
  auto put_moments = [&](const running_moments& m) {
    w.push_back(m.count());
    w.push_back(std::bit_cast<std::uint64_t>(m.raw_mean()));
    w.push_back(std::bit_cast<std::uint64_t>(m.sum_of_squared_deviations()));
  };
  w.push_back(by_asset.size());
  for (const auto& a : by_asset) {
    w.push_back(a.trials_reached);
    put_tally(a.leakers);
  }
  w.push_back(battery_destroyed.size());
  w.insert(w.end(), battery_destroyed.begin(), battery_destroyed.end());
  w.push_back(by_stock.size());
  for (const auto& k : by_stock) {
    w.push_back(k.trials_out_of_rounds);
    put_tally(k.rounds_fired);
  }
  put_moments(value_lost);
  put_moments(cost.x());
  put_moments(cost.y());
  w.push_back(std::bit_cast<std::uint64_t>(cost.co_moment()));
  return w;
}

monte_carlo_tally monte_carlo_tally::from_words(const std::uint64_t* words, std::size_t count) {
  word_reader r(words, count);
  monte_carlo_tally t;
  t.trials = r.next();
  t.trials_with_leak = r.next();
  t.trials_magazine_exhausted = r.next();
  t.trials_no_ready_salvo = r.next();
  t.threats = r.next();
  t.killed = r.next();
  t.events = r.next();
  for (integer_tally* it : {&t.leakers, &t.interceptors_used}) {
    const std::uint64_t n = r.next();
    const uint128 sum = r.next128();
    const uint128 sum2 = r.next128();
    *it = integer_tally::from_sums(n, sum, sum2);
  }
  for (auto& c : t.causes) c = r.next();
  t.by_class.resize(r.next());
  for (auto& c : t.by_class) {
    c.threats = r.next();
    c.leaked = r.next();
  }
  const std::uint64_t h = r.next();
  for (std::uint64_t v = 0; v < h; ++v) t.leaker_histogram.add_count(v, r.next());
  auto next_tally = [&] {
    const std::uint64_t n = r.next();
    const uint128 sum = r.next128();
    const uint128 sum2 = r.next128();
    return integer_tally::from_sums(n, sum, sum2);
  };
  auto next_double = [&] { return std::bit_cast<double>(r.next()); };
  auto next_moments = [&] {
    const std::uint64_t n = r.next();
    const double mean = next_double();
    const double m2 = next_double();
    return running_moments::from_state(n, mean, m2);
  };
  t.by_asset.resize(r.next());
  for (auto& a : t.by_asset) {
    a.trials_reached = r.next();
    a.leakers = next_tally();
  }
  t.battery_destroyed.resize(r.next());
  for (auto& b : t.battery_destroyed) b = r.next();
  t.by_stock.resize(r.next());
  for (auto& k : t.by_stock) {
    k.trials_out_of_rounds = r.next();
    k.rounds_fired = next_tally();
  }
  t.value_lost = next_moments();
  const running_moments cx = next_moments();
  const running_moments cy = next_moments();
  t.cost = paired_moments::from_state(cx, cy, next_double());
  if (!r.done()) throw std::runtime_error("monte_carlo_tally::from_words: trailing words");
  return t;
}

// ---------------------------------------------------------------------------
// running

std::uint64_t chunk_count(const monte_carlo_options& o) {
  if (o.chunk_trials == 0) throw std::invalid_argument("monte_carlo_options.chunk_trials must be >= 1");
  return (o.trials + o.chunk_trials - 1) / o.chunk_trials;
}

monte_carlo_tally run_chunk(const engagement_model& model, const monte_carlo_options& o, std::uint64_t chunk,
                            trial_workspace& ws) {
  monte_carlo_tally tally;
  tally.by_class.resize(model.scenario_data().classes.size());
  const std::uint64_t first = chunk * o.chunk_trials;
  const std::uint64_t last = std::min(o.trials, first + o.chunk_trials);
  for (std::uint64_t trial = first; trial < last; ++trial) {
    const trial_result r = run_trial(model, o.seed, trial, ws);
    tally.add(r, ws);
    if (o.record_trials) tally.records.add(r);
  }
  return tally;
}

namespace {

/// Fewest trials before the half-width rule may stop a run: below this the
/// Wilson interval of a rare event is too optimistic to trust.
constexpr std::uint64_t min_trials_before_stop = 1000;

bool reached_target(const monte_carlo_tally& t, const monte_carlo_options& o) {
  if (o.target_halfwidth <= 0.0 || t.trials < min_trials_before_stop) return false;
  const proportion_interval w = wilson_interval(t.trials_with_leak, t.trials, o.confidence);
  return 0.5 * (w.upper - w.lower) <= o.target_halfwidth;
}

/// Runs chunks [first, first + count) on `threads` workers; `consume` gets each
/// chunk's tally in chunk order and returns false to stop (ordered_chunks.hpp).
template <class Consume>
void run_ordered(const engagement_model& model, const monte_carlo_options& o, std::uint64_t first,
                 std::uint64_t count, int threads, Consume&& consume) {
  detail::run_ordered_chunks<monte_carlo_tally>(
      first, count, threads, [&](std::uint64_t c, trial_workspace& ws) { return run_chunk(model, o, c, ws); },
      std::forward<Consume>(consume));
}

}  // namespace

std::vector<monte_carlo_tally> run_chunks(const engagement_model& model, const monte_carlo_options& o,
                                          chunk_range range) {
  std::vector<monte_carlo_tally> out;
  out.reserve(range.count);
  run_ordered(model, o, range.first, range.count, detail::resolve_threads(o.threads), [&](monte_carlo_tally&& t) {
    out.push_back(std::move(t));
    return !(o.cancel && o.cancel->load());
  });
  return out;
}

std::size_t merge_in_order(monte_carlo_tally& total, const std::vector<monte_carlo_tally>& chunks,
                           const monte_carlo_options& o, bool& stopped_early) {
  std::size_t used = 0;
  for (const auto& c : chunks) {
    total.merge(c);
    ++used;
    if (reached_target(total, o)) {
      stopped_early = true;
      break;
    }
  }
  return used;
}

monte_carlo_result run_monte_carlo(const engagement_model& model, const monte_carlo_options& o) {
  if (o.trials == 0) throw std::invalid_argument("monte_carlo_options.trials must be >= 1");
  if (!(o.confidence > 0.0 && o.confidence < 1.0))
    throw std::invalid_argument("monte_carlo_options.confidence must be in (0, 1)");
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  const std::uint64_t chunks = chunk_count(o);
  monte_carlo_state state;
  if (o.resume) {
    check_state(*o.resume, o);
    state = *o.resume;
  }
  state.tally.by_class.resize(std::max(state.tally.by_class.size(), model.scenario_data().classes.size()));
  monte_carlo_result result;
  const auto log = logger();
  log->debug("monte carlo '{}': {} trials, seed {}, {} threads, chunks of {}{}", model.scenario_data().name, o.trials,
             o.seed, detail::resolve_threads(o.threads), o.chunk_trials,
             o.resume ? fmt::format(", resumed at chunk {} ({} trials done)", state.next_chunk, state.tally.trials)
                      : std::string());
  const std::uint64_t first = state.stopped_early ? chunks : state.next_chunk;
  run_ordered(model, o, first, chunks - first, detail::resolve_threads(o.threads), [&](monte_carlo_tally&& t) {
    state.tally.merge(t);
    ++state.next_chunk;
    state.stopped_early = reached_target(state.tally, o);
    if (o.progress) {
      monte_carlo_progress p;
      p.trials_done = state.tally.trials;
      p.trials_planned = o.trials;
      p.elapsed_s = elapsed();
      p.p_leak = wilson_interval(state.tally.trials_with_leak, state.tally.trials, o.confidence);
      o.progress(p);
    }
    if (o.chunk_merged) o.chunk_merged(state);
    if (state.stopped_early) return false;
    if (o.cancel && o.cancel->load()) {
      result.cancelled = state.next_chunk < chunks;
      return false;
    }
    return true;
  });
  result.tally = std::move(state.tally);
  result.stopped_early = state.stopped_early;
  result.next_chunk = state.next_chunk;
  result.records = std::move(result.tally.records);
  result.tally.records = {};
  result.elapsed_s = elapsed();
  result.trials_per_second = result.elapsed_s > 0.0 ? static_cast<double>(result.tally.trials) / result.elapsed_s : 0.0;
  result.estimates = estimate(result.tally, o.confidence);
  log->debug("monte carlo '{}': {} trials in {:.3f} s ({:.0f} trials/s){}", model.scenario_data().name,
             result.tally.trials, result.elapsed_s, result.trials_per_second,
             result.stopped_early ? ", stopped at the half-width target" : (result.cancelled ? ", cancelled" : ""));
  return result;
}

monte_carlo_state state_of(const monte_carlo_result& r) { return {r.tally, r.next_chunk, r.stopped_early}; }

void check_state(const monte_carlo_state& s, const monte_carlo_options& o) {
  const std::uint64_t chunks = chunk_count(o);
  const monte_carlo_tally& t = s.tally;
  auto fail = [](const std::string& what) { throw std::invalid_argument("inconsistent run state: " + what); };
  if (s.next_chunk > chunks)
    fail(fmt::format("next chunk {} is past the run's {} chunks", s.next_chunk, chunks));
  const std::uint64_t expected = std::min(o.trials, s.next_chunk * o.chunk_trials);
  if (t.trials != expected)
    fail(fmt::format("{} trials merged, but chunks [0, {}) of {} trials hold {}", t.trials, s.next_chunk,
                     o.chunk_trials, expected));
  if (t.trials_with_leak > t.trials || t.trials_magazine_exhausted > t.trials)
    fail("more trials with a leak or an empty magazine than trials");
  if (t.leakers.count() != t.trials || t.interceptors_used.count() != t.trials || t.leaker_histogram.total() != t.trials)
    fail("the per-trial tallies do not count every trial once");
  if (t.leaker_histogram.at_least(1) != t.trials_with_leak)
    fail("the leaker histogram disagrees with the trials with a leak");
  if (t.killed > t.threats) fail("more threats killed than threats");
  std::uint64_t leaked = 0, class_threats = 0, class_leaked = 0;
  for (std::uint64_t c : t.causes) leaked += c;
  for (const auto& c : t.by_class) {
    class_threats += c.threats;
    class_leaked += c.leaked;
  }
  if (leaked + t.killed != t.threats || class_threats != t.threats || class_leaked != leaked)
    fail("threats, kills, causes and classes do not add up");
  if (t.leakers.sum() != leaked) fail("the leakers per trial do not add up to the leaked threats");
  // The rule is checked after every merged chunk: a state meets the target exactly when it is marked stopped.
  if (s.stopped_early != reached_target(t, o))
    fail(s.stopped_early ? "marked stopped at the half-width target, which it does not meet"
                         : "meets the half-width target but is not marked stopped");
}

// ---------------------------------------------------------------------------
// estimates

monte_carlo_estimates estimate(const monte_carlo_tally& t, double confidence) {
  monte_carlo_estimates e;
  e.trials = t.trials;
  e.confidence = confidence;
  if (t.trials == 0) return e;
  e.p_leak_wilson = wilson_interval(t.trials_with_leak, t.trials, confidence);
  e.p_leak_clopper_pearson = clopper_pearson_interval(t.trials_with_leak, t.trials, confidence);
  // P(leakers >= k) for k = 1 ... the largest count seen, from the top down
  // by one running sum: asking the histogram for each k would cost the square
  // of the number of leakers (minutes for a raid of a million threats).
  const auto& h = t.leaker_histogram.counts();
  if (h.size() > 1) {
    e.p_at_least.resize(h.size() - 1);
    std::uint64_t at_least = 0;
    for (std::size_t k = h.size() - 1; k >= 1; --k) {
      at_least += h[k];
      e.p_at_least[k - 1] = wilson_interval(at_least, t.trials, confidence);
    }
  }
  auto mean_or_point = [&](const integer_tally& it) {
    if (it.count() >= 2) return it.mean_interval(confidence);
    const double m = it.mean();
    return interval_estimate{m, m, m};
  };
  e.mean_leakers = mean_or_point(t.leakers);
  e.mean_interceptors_used = mean_or_point(t.interceptors_used);
  e.p_magazine_exhausted = wilson_interval(t.trials_magazine_exhausted, t.trials, confidence);
  e.p_no_ready_salvo = wilson_interval(t.trials_no_ready_salvo, t.trials, confidence);
  for (const auto& c : t.by_class) {
    e.class_leak_fraction.push_back(c.threats > 0 ? wilson_interval(c.leaked, c.threats, confidence)
                                                  : proportion_interval{0.0, 0.0, 1.0});
  }
  for (const auto& a : t.by_asset)
    e.by_asset.push_back({wilson_interval(a.trials_reached, t.trials, confidence), mean_or_point(a.leakers)});
  for (const std::uint64_t d : t.battery_destroyed) e.p_battery_destroyed.push_back(wilson_interval(d, t.trials, confidence));
  for (const auto& k : t.by_stock)
    e.by_stock.push_back({mean_or_point(k.rounds_fired), wilson_interval(k.trials_out_of_rounds, t.trials, confidence)});
  auto moments_or_point = [&](const running_moments& m) {
    if (m.count() >= 2) return m.mean_interval(confidence);
    const double v = m.mean();
    return interval_estimate{v, v, v};
  };
  e.value_lost = moments_or_point(t.value_lost);
  e.defender_cost = moments_or_point(t.cost.x());
  e.attacker_cost_destroyed = moments_or_point(t.cost.y());
  e.exchange_ratio = t.cost.ratio_interval(confidence);
  return e;
}

}  // namespace samsim
