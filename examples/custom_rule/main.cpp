// A fire-distribution rule of one's own, plugged into the engine: the
// long-range type is kept for ballistic missiles. Under the built-in rule of
// defended-area.json the east battery spends its eight long rounds on the
// strike aircraft as soon as it is ready, and has none left when the
// ballistic missiles arrive at airbase_east; the medium type can only meet
// them low in their fall. The program runs the
// defended-area scenario with the built-in rule and with this one on common
// random numbers (same seed, same trial indices: the same raids and the same
// detections), and prints what changes with intervals, including the paired
// difference per trial, which common random numbers make far tighter than the
// difference of two independent runs.
//
//   example_custom_rule [SCENARIO.json] [TRIALS]
//
// Defaults: examples/scenarios/defended-area.json of this source tree, 4000
// trials. The scenario needs an interceptor type "long" and a class "ballistic".

#include "../common/example_args.hpp"

#include <samsim/engagement.hpp>
#include <samsim/fire_distribution.hpp>
#include <samsim/scenario.hpp>
#include <samsim/statistics.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

/// The scenario's own rule, except that one interceptor type is reserved for
/// some threat classes: at any other threat its options are removed before
/// the scenario's rule chooses, and fire is held when nothing else can shoot
/// yet (the engine asks again at the next decision time). Service order is
/// the scenario's.
class reserved_type_rule final : public samsim::fire_distribution_rule {
 public:
  reserved_type_rule(const samsim::fire_distribution_settings& settings, int reserved_type,
                     std::vector<bool> reserved_for_class)
      : scenario_rule_(samsim::make_fire_distribution_rule(settings)),
        reserved_type_(reserved_type),
        reserved_for_class_(std::move(reserved_for_class)) {}

  bool served_before(const samsim::threat_view& a, const samsim::threat_view& b) const override {
    return scenario_rule_->served_before(a, b);
  }

  int choose(const samsim::threat_view& threat, const samsim::shooter_option* options, int count) const override {
    if (reserved_for_class_[static_cast<std::size_t>(threat.class_index)])
      return scenario_rule_->choose(threat, options, count);
    // Pure: local buffers only (one rule object serves every thread at once).
    std::vector<samsim::shooter_option> kept;
    std::vector<int> index;
    for (int i = 0; i < count; ++i) {
      if (options[i].interceptor_type == reserved_type_) continue;
      kept.push_back(options[i]);
      index.push_back(i);
    }
    if (kept.empty()) return -1;
    const int k = scenario_rule_->choose(threat, kept.data(), static_cast<int>(kept.size()));
    return k < 0 ? -1 : index[static_cast<std::size_t>(k)];
  }

 private:
  std::shared_ptr<const samsim::fire_distribution_rule> scenario_rule_;
  int reserved_type_;
  std::vector<bool> reserved_for_class_;
};

/// What one trial gives per model: rounds per type, leak per asset, costs.
struct trial_figures {
  std::vector<std::uint64_t> rounds_by_type;
  std::vector<bool> asset_leaked;
  double defender_cost = 0.0;
  double value_lost = 0.0;
};

trial_figures run_one(const samsim::engagement_model& model, std::uint64_t seed, std::uint64_t trial,
                      samsim::trial_workspace& ws) {
  const samsim::scenario& sc = model.scenario_data();
  const samsim::trial_result r = samsim::run_trial(model, seed, trial, ws);
  trial_figures f;
  f.rounds_by_type.assign(sc.interceptors.size(), 0);
  for (const samsim::stock_result& s : ws.stocks)
    f.rounds_by_type[static_cast<std::size_t>(s.interceptor_type)] += static_cast<std::uint64_t>(s.rounds_fired);
  for (int leakers : ws.asset_leakers) f.asset_leaked.push_back(leakers > 0);
  f.defender_cost = r.defender_cost;
  f.value_lost = r.value_lost;
  return f;
}

/// Sums over a block of trials, for both models and their paired difference.
struct block_sums {
  std::vector<samsim::integer_tally> rounds[2];
  std::vector<std::uint64_t> leaks[2];
  samsim::running_moments cost[2], value[2];
  std::vector<samsim::running_moments> rounds_diff, leak_diff;
  samsim::running_moments cost_diff, value_diff;

  block_sums(std::size_t types, std::size_t assets) {
    for (int m = 0; m < 2; ++m) {
      rounds[m].resize(types);
      leaks[m].assign(assets, 0);
    }
    rounds_diff.resize(types);
    leak_diff.resize(assets);
  }
  void add(const trial_figures& base, const trial_figures& own) {
    const trial_figures* f[2] = {&base, &own};
    for (int m = 0; m < 2; ++m) {
      for (std::size_t t = 0; t < rounds[m].size(); ++t) rounds[m][t].add(f[m]->rounds_by_type[t]);
      for (std::size_t a = 0; a < leaks[m].size(); ++a) leaks[m][a] += f[m]->asset_leaked[a] ? 1 : 0;
      cost[m].add(f[m]->defender_cost);
      value[m].add(f[m]->value_lost);
    }
    for (std::size_t t = 0; t < rounds_diff.size(); ++t)
      rounds_diff[t].add(static_cast<double>(own.rounds_by_type[t]) - static_cast<double>(base.rounds_by_type[t]));
    for (std::size_t a = 0; a < leak_diff.size(); ++a)
      leak_diff[a].add(static_cast<double>(own.asset_leaked[a]) - static_cast<double>(base.asset_leaked[a]));
    cost_diff.add(own.defender_cost - base.defender_cost);
    value_diff.add(own.value_lost - base.value_lost);
  }
  void merge(const block_sums& o) {
    for (int m = 0; m < 2; ++m) {
      for (std::size_t t = 0; t < rounds[m].size(); ++t) rounds[m][t].merge(o.rounds[m][t]);
      for (std::size_t a = 0; a < leaks[m].size(); ++a) leaks[m][a] += o.leaks[m][a];
      cost[m].merge(o.cost[m]);
      value[m].merge(o.value[m]);
    }
    for (std::size_t t = 0; t < rounds_diff.size(); ++t) rounds_diff[t].merge(o.rounds_diff[t]);
    for (std::size_t a = 0; a < leak_diff.size(); ++a) leak_diff[a].merge(o.leak_diff[a]);
    cost_diff.merge(o.cost_diff);
    value_diff.merge(o.value_diff);
  }
};

/// Both models on trials [0, trials) over every core. Blocks of a fixed size
/// are merged in block order, so the result does not depend on the thread count.
block_sums run_paired(const samsim::engagement_model& base, const samsim::engagement_model& own, std::uint64_t seed,
                      std::uint64_t trials) {
  const samsim::scenario& sc = base.scenario_data();
  constexpr std::uint64_t block_trials = 250;
  const std::uint64_t blocks = (trials + block_trials - 1) / block_trials;
  std::vector<block_sums> sums(blocks, block_sums(sc.interceptors.size(), sc.assets.size()));
  std::atomic<std::uint64_t> next{0};
  auto worker = [&] {
    samsim::trial_workspace ws;
    for (std::uint64_t b = next++; b < blocks; b = next++)
      for (std::uint64_t t = b * block_trials; t < std::min(trials, (b + 1) * block_trials); ++t) {
        const trial_figures f_base = run_one(base, seed, t, ws);
        const trial_figures f_own = run_one(own, seed, t, ws);
        sums[b].add(f_base, f_own);
      }
  };
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker);
  for (auto& th : pool) th.join();
  block_sums total(sc.interceptors.size(), sc.assets.size());
  for (const auto& s : sums) total.merge(s);
  return total;
}

template <class Interval>
void print_row(const std::string& label, const Interval& base, const Interval& own,
               const samsim::interval_estimate& diff, const char* number) {
  const std::string f = std::string("  %-26s ") + number + " [" + number + ", " + number + "]   " + number + " [" +
                        number + ", " + number + "]   %+9.4f [%+.4f, %+.4f]\n";
  std::printf(f.c_str(), label.c_str(), base.estimate, base.lower, base.upper, own.estimate, own.lower, own.upper,
              diff.estimate, diff.lower, diff.upper);
}

}  // namespace

int main(int argc, char** argv) {
  const auto args = example::parse_scenario_args(argc, argv, "example_custom_rule", "defended-area.json", 4000);
  if (!args) return 2;
  const std::string& path = args->path;
  const std::uint64_t trials = args->trials;
  try {
    const samsim::scenario sc = samsim::load_scenario(path);
    const samsim::engagement_model base(sc);
    const samsim::scenario& area = base.scenario_data();
    const int long_type = area.interceptor_index("long");
    const int ballistic = area.class_index("ballistic");
    if (long_type < 0 || ballistic < 0) {
      std::fprintf(stderr, "example_custom_rule: %s needs an interceptor type 'long' and a class 'ballistic'\n",
                   path.c_str());
      return 1;
    }
    std::vector<bool> reserved_for(area.classes.size(), false);
    reserved_for[static_cast<std::size_t>(ballistic)] = true;

    // The same scenario and flyout tables, with the rule replaced.
    samsim::engagement_model own(area, base.flyout_tables());
    own.set_rule(std::make_shared<reserved_type_rule>(area.fire_distribution, long_type, reserved_for));

    const std::uint64_t seed = sc.monte_carlo.seed;
    const double confidence = sc.monte_carlo.confidence;
    const block_sums s = run_paired(base, own, seed, trials);
    const std::uint64_t n = trials;

    std::printf("%s: %llu trials, seed %llu for both rules (common random numbers), %.0f%% intervals\n",
                sc.name.c_str(), static_cast<unsigned long long>(n), static_cast<unsigned long long>(seed),
                100.0 * confidence);
    std::printf("built-in rule: priority %s, selection %s\n",
                std::string(samsim::to_string(area.fire_distribution.priority)).c_str(),
                std::string(samsim::to_string(area.fire_distribution.selection)).c_str());
    std::printf("own rule:      the type 'long' is kept for ballistic missiles: at any other threat it is left\n"
                "               out and the built-in rule chooses among the other types (holding fire while\n"
                "               only 'long' could shoot); the same service order\n\n");
    std::printf("  %-26s %-27s %-27s %s\n", "", "built-in", "own rule", "own - built-in (paired)");

    std::printf("  rounds fired per trial (Student t)\n");
    for (std::size_t t = 0; t < area.interceptors.size(); ++t)
      print_row("  " + area.interceptors[t].name, s.rounds[0][t].mean_interval(confidence),
                s.rounds[1][t].mean_interval(confidence), s.rounds_diff[t].mean_interval(confidence), "%7.3f");
    std::printf("  P(leak) per asset (Wilson; difference: Student t)\n");
    for (std::size_t a = 0; a < area.assets.size(); ++a)
      print_row("  " + area.assets[a].name, samsim::wilson_interval(s.leaks[0][a], n, confidence),
                samsim::wilson_interval(s.leaks[1][a], n, confidence), s.leak_diff[a].mean_interval(confidence),
                "%7.4f");
    std::printf("  per trial (Student t)\n");
    print_row("  defender cost", s.cost[0].mean_interval(confidence), s.cost[1].mean_interval(confidence),
              s.cost_diff.mean_interval(confidence), "%7.3f");
    print_row("  value lost", s.value[0].mean_interval(confidence), s.value[1].mean_interval(confidence),
              s.value_diff.mean_interval(confidence), "%7.3f");

    return 0;
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "example_custom_rule: %s\n", ex.what());
    return 1;
  }
}
