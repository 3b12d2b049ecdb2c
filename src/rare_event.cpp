// Importance sampling of rare leaks: the biased law, trial weights, weighted
// tallies and estimates, cross-entropy tuning from pilot runs, and the run.
#include <samsim/log.hpp>
#include <samsim/rare_event.hpp>
#include <samsim/statistics.hpp>

#include "ordered_chunks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace samsim {

std::string_view to_string(biasing_scope scope) {
  switch (scope) {
    case biasing_scope::every_threat: return "every_threat";
    case biasing_scope::one_threat: return "one_threat";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------
// the law

namespace {

/// The scenario's single-shot Pk of (type, class).
double scenario_pk(const scenario& sc, std::size_t type, std::size_t cls) {
  const interceptor_type& t = sc.interceptors[type];
  return cls < t.pk_by_class.size() ? t.pk_by_class[cls] : t.pk_default;
}

bool biasable(double pk) { return pk > 0.0 && pk < 1.0; }

/// Largest detection miss scale accepted (and the tuned one).
constexpr double max_miss_scale = 1000.0;
/// Least tuned detection miss scale.
constexpr double min_tuned_miss_scale = 0.01;

/// Largest biased Poisson mean accepted for a group of scenario mean `mean`:
/// a raid the engine can still run (the loader bounds the scenario's raid).
double max_biased_mean(double mean) { return 4.0 * mean + 10.0; }

}  // namespace

importance_law make_importance_law(const engagement_model& model, importance_law law) {
  const scenario& sc = model.scenario_data();
  const std::size_t types = sc.interceptors.size(), classes = sc.classes.size();
  if (law.classes != static_cast<int>(classes))
    throw std::invalid_argument(fmt::format("importance law: {} threat classes, the scenario has {}", law.classes, classes));
  if (law.kill_pk.size() != types * classes)
    throw std::invalid_argument(fmt::format("importance law: {} kill Pk entries, the scenario needs {} ({} types x {} classes)",
                                            law.kill_pk.size(), types * classes, types, classes));
  for (std::size_t k = 0; k < types; ++k) {
    for (std::size_t c = 0; c < classes; ++c) {
      double& q = law.kill_pk[k * classes + c];
      if (std::isnan(q))
        throw std::invalid_argument(fmt::format("importance law: biased Pk of interceptor '{}' against class '{}' is NaN",
                                                sc.interceptors[k].name, sc.classes[c].name));
      if (q < 0.0) continue;
      if (!(q > 0.0 && q < 1.0))
        throw std::invalid_argument(
            fmt::format("importance law: biased Pk {} of interceptor '{}' against class '{}' (must be in (0, 1))", q,
                        sc.interceptors[k].name, sc.classes[c].name));
      if (!biasable(scenario_pk(sc, k, c))) q = -1.0;  // a certain kill or miss has no other law
    }
  }
  const std::vector<raid_group>& groups = sc.raid.groups;
  if (!law.raid_mean.empty() && law.raid_mean.size() != groups.size())
    throw std::invalid_argument(
        fmt::format("importance law: {} raid means, the scenario has {} raid groups", law.raid_mean.size(), groups.size()));
  law.raid = sc.raid;
  law.biases_raid = false;
  for (std::size_t g = 0; g < law.raid_mean.size(); ++g) {
    const double m = law.raid_mean[g];
    if (std::isnan(m)) throw std::invalid_argument(fmt::format("importance law: raid mean of group {} is NaN", g));
    if (m < 0.0) continue;
    if (groups[g].count.type != random_count::kind::poisson)
      throw std::invalid_argument(fmt::format("importance law: raid group {} has no Poisson count to bias", g));
    const double base = groups[g].count.mean;
    if (!(m > 0.0 && m <= max_biased_mean(base)))
      throw std::invalid_argument(fmt::format(
          "importance law: biased mean {} of raid group {} (scenario mean {}) must be in (0, {}]", m, g, base,
          max_biased_mean(base)));
    if (base <= 0.0) throw std::invalid_argument(fmt::format("importance law: raid group {} has mean 0", g));
    law.raid.groups[g].count.mean = m;
    law.biases_raid = true;
  }
  const std::size_t batteries = sc.batteries.size();
  if (!law.detection_miss_scale.empty() && law.detection_miss_scale.size() != batteries * classes)
    throw std::invalid_argument(fmt::format(
        "importance law: {} detection miss scales, the scenario needs {} ({} batteries x {} classes)",
        law.detection_miss_scale.size(), batteries * classes, batteries, classes));
  law.biases_detection = false;
  for (std::size_t k = 0; k < law.detection_miss_scale.size(); ++k) {
    const double m = law.detection_miss_scale[k];
    if (std::isnan(m))
      throw std::invalid_argument(fmt::format("importance law: detection miss scale of battery '{}' against class '{}' is NaN",
                                              sc.batteries[k / classes].name, sc.classes[k % classes].name));
    if (m < 0.0) continue;
    if (!(m > 0.0 && m <= max_miss_scale))
      throw std::invalid_argument(fmt::format(
          "importance law: detection miss scale {} of battery '{}' against class '{}' (must be in (0, {}])", m,
          sc.batteries[k / classes].name, sc.classes[k % classes].name, max_miss_scale));
    law.biases_detection = true;
  }
  return law;
}

importance_law unbiased_law(const engagement_model& model, biasing_scope scope) {
  const scenario& sc = model.scenario_data();
  importance_law law;
  law.scope = scope;
  law.classes = static_cast<int>(sc.classes.size());
  law.kill_pk.assign(sc.interceptors.size() * sc.classes.size(), -1.0);
  return make_importance_law(model, law);
}

namespace {

/// The law tuning starts from: every biasable pair at its scenario Pk, (with
/// tune_raid_counts) every Poisson group at its scenario mean and (with
/// tune_detection) every detection miss scale at 1. Its weights are 1 (to
/// rounding), but its draws count as biased ones.
importance_law starting_law(const engagement_model& model, biasing_scope scope, bool tune_raid_counts,
                            bool tune_detection) {
  const scenario& sc = model.scenario_data();
  importance_law law = unbiased_law(model, scope);
  const std::size_t classes = sc.classes.size();
  for (std::size_t k = 0; k < sc.interceptors.size(); ++k)
    for (std::size_t c = 0; c < classes; ++c) {
      const double p = scenario_pk(sc, k, c);
      if (biasable(p)) law.kill_pk[k * classes + c] = p;
    }
  if (tune_raid_counts) {
    bool any = false;
    for (const raid_group& g : sc.raid.groups) {
      const bool poisson = g.count.type == random_count::kind::poisson && g.count.mean > 0.0;
      law.raid_mean.push_back(poisson ? g.count.mean : -1.0);
      any = any || poisson;
    }
    if (!any) law.raid_mean.clear();
  }
  if (tune_detection) law.detection_miss_scale.assign(sc.batteries.size() * classes, 1.0);
  return make_importance_law(model, law);
}

}  // namespace

std::uint64_t pilot_trial_index(biasing_scope scope, int iteration, std::uint64_t k) {
  return rare_event_pilot_base + (static_cast<std::uint64_t>(scope) << 48) +
         (static_cast<std::uint64_t>(iteration) << 40) + k;
}

double trial_log_weight(const importance_law& law, const engagement_model& model, const trial_workspace& ws,
                        const importance_record& record) {
  double log_w = 0.0;
  const std::vector<double>& lr = record.threat_log_ratio;
  if (law.scope == biasing_scope::every_threat) {
    for (const double x : lr) log_w -= x;
  } else if (!lr.empty()) {
    // Mixture over the threats: dQ/dP = mean_j L_j, by log-sum-exp.
    const double top = *std::max_element(lr.begin(), lr.end());
    if (top == std::numeric_limits<double>::infinity()) return -std::numeric_limits<double>::infinity();
    double sum = 0.0;
    for (const double x : lr) sum += std::exp(x - top);
    log_w = -(top + std::log(sum) - std::log(static_cast<double>(lr.size())));
  }
  if (law.biases_raid) {
    const std::vector<raid_group>& groups = model.scenario_data().raid.groups;
    for (std::size_t g = 0; g < law.raid_mean.size(); ++g) {
      if (law.raid_mean[g] < 0.0) continue;
      const double n = static_cast<double>(std::count_if(ws.threats.begin(), ws.threats.end(), [&](const threat_state& t) {
        return t.group_index == static_cast<int>(g);
      }));
      const double p = groups[g].count.mean, q = law.raid_mean[g];
      log_w += n * std::log(p / q) - p + q;  // Poisson(p) / Poisson(q) at n
    }
  }
  return log_w;
}

// ---------------------------------------------------------------------------
// weighted tallies and estimates

void weighted_tally::add(bool in_event, double weight) {
  ++trials;
  if (!in_event) return;
  ++hits;
  sum += weight;
  sum_sq += weight * weight;
  max = std::max(max, weight);
}

void weighted_tally::merge(const weighted_tally& o) {
  trials += o.trials;
  hits += o.hits;
  sum += o.sum;
  sum_sq += o.sum_sq;
  max = std::max(max, o.max);
}

rare_event_estimate estimate(const weighted_tally& t, double confidence) {
  rare_event_estimate e;
  const double z = two_sided_normal_quantile(confidence, "rare_event estimate");
  e.hits = t.hits;
  if (t.trials == 0) return e;
  const double n = static_cast<double>(t.trials);
  e.estimate = t.sum / n;
  const double var = t.trials > 1 ? std::max(0.0, (t.sum_sq - n * e.estimate * e.estimate) / (n - 1.0)) : 0.0;
  e.standard_error = std::sqrt(var / n);
  e.relative_error = e.estimate > 0.0 ? e.standard_error / e.estimate : std::numeric_limits<double>::infinity();
  e.lower = std::max(0.0, e.estimate - z * e.standard_error);
  e.upper = e.estimate + z * e.standard_error;
  e.effective_sample_size = t.sum_sq > 0.0 ? t.sum * t.sum / t.sum_sq : 0.0;
  e.max_weight_share = t.sum > 0.0 ? t.max / t.sum : 0.0;
  return e;
}

std::vector<std::uint64_t> rare_event_tally::to_words() const {
  std::vector<std::uint64_t> w;
  w.reserve(9 + 5 * by_asset.size());
  auto put_double = [&](double x) { w.push_back(std::bit_cast<std::uint64_t>(x)); };
  auto put = [&](const weighted_tally& t) {
    w.push_back(t.trials);
    w.push_back(t.hits);
    put_double(t.sum);
    put_double(t.sum_sq);
    put_double(t.max);
  };
  put(leak);
  w.push_back(by_asset.size());
  for (const weighted_tally& a : by_asset) put(a);
  w.push_back(trials);
  put_double(weight_sum);
  put_double(weight_sum_sq);
  return w;
}

rare_event_tally rare_event_tally::from_words(const std::uint64_t* words, std::size_t count) {
  std::size_t k = 0;
  auto next = [&] {
    if (k >= count) throw std::runtime_error("rare_event_tally::from_words: too few words");
    return words[k++];
  };
  auto get = [&] {
    weighted_tally t;
    t.trials = next();
    t.hits = next();
    t.sum = std::bit_cast<double>(next());
    t.sum_sq = std::bit_cast<double>(next());
    t.max = std::bit_cast<double>(next());
    return t;
  };
  rare_event_tally t;
  t.leak = get();
  const std::uint64_t assets = next();
  if (assets > count) throw std::runtime_error("rare_event_tally::from_words: bad asset count");
  for (std::uint64_t a = 0; a < assets; ++a) t.by_asset.push_back(get());
  t.trials = next();
  t.weight_sum = std::bit_cast<double>(next());
  t.weight_sum_sq = std::bit_cast<double>(next());
  if (k != count) throw std::runtime_error("rare_event_tally::from_words: trailing words");
  return t;
}

void rare_event_tally::merge(const rare_event_tally& o) {
  leak.merge(o.leak);
  if (by_asset.size() < o.by_asset.size()) by_asset.resize(o.by_asset.size());
  for (std::size_t a = 0; a < o.by_asset.size(); ++a) by_asset[a].merge(o.by_asset[a]);
  trials += o.trials;
  weight_sum += o.weight_sum;
  weight_sum_sq += o.weight_sum_sq;
}

// ---------------------------------------------------------------------------
// running trials under a law

namespace {

/// Runs one trial under `law`, leaving its record in `rec`; returns log dP/dQ.
double run_biased_trial(const engagement_model& model, const importance_law& law, std::uint64_t seed,
                        std::uint64_t trial, trial_workspace& ws, importance_record& rec, trial_result& result) {
  ws.biasing = &law;
  ws.importance = &rec;
  try {
    result = run_trial(model, seed, trial, ws);
  } catch (...) {
    ws.biasing = nullptr;
    ws.importance = nullptr;
    throw;
  }
  ws.biasing = nullptr;
  ws.importance = nullptr;
  return trial_log_weight(law, model, ws, rec);
}

void check_options(const engagement_model& model, const rare_event_options& o) {
  if (o.trials == 0) throw std::invalid_argument("rare_event_options.trials must be >= 1");
  if (!(o.confidence > 0.0 && o.confidence < 1.0))
    throw std::invalid_argument("rare_event_options.confidence must be in (0, 1)");
  if (!(o.target_relative_error >= 0.0))
    throw std::invalid_argument("rare_event_options.target_relative_error must be >= 0 (0: off)");
  if (o.leaker_threshold < 1) throw std::invalid_argument("rare_event_options.leaker_threshold must be >= 1");
  if (o.chunk_trials == 0) throw std::invalid_argument("rare_event_options.chunk_trials must be >= 1");
  if (o.target_asset >= static_cast<int>(model.scenario_data().assets.size()))
    throw std::invalid_argument(fmt::format("rare_event_options.target_asset {} (the scenario has {} assets)",
                                            o.target_asset, model.scenario_data().assets.size()));
  if (!o.fixed_law) {
    if (o.pilot_trials < 10) throw std::invalid_argument("rare_event_options.pilot_trials must be >= 10");
    if (o.pilot_trials >= (std::uint64_t{1} << 40))
      throw std::invalid_argument("rare_event_options.pilot_trials must be < 2^40");
    if (o.cross_entropy_iterations < 1 || o.cross_entropy_iterations > 200)
      throw std::invalid_argument("rare_event_options.cross_entropy_iterations must be in 1..200");
    if (!(o.elite_fraction > 0.0 && o.elite_fraction < 1.0))
      throw std::invalid_argument("rare_event_options.elite_fraction must be in (0, 1)");
    if (!(o.smoothing > 0.0 && o.smoothing <= 1.0))
      throw std::invalid_argument("rare_event_options.smoothing must be in (0, 1]");
  }
}

/// What the main event counts in a finished trial: its leakers, or those that reached the target asset.
int event_count(const trial_result& r, const trial_workspace& ws, const rare_event_options& o) {
  return o.target_asset < 0 ? r.leakers : ws.asset_leakers[static_cast<std::size_t>(o.target_asset)];
}

/// What the cross-entropy update needs of each pilot trial, in trial order.
struct pilot_sample {
  std::size_t cells = 0;
  std::vector<int> count;          ///< the event's count: leakers, or leakers that reached the target asset
  std::vector<double> score;       ///< count + missed biased rounds / (biased rounds + 1)
  std::vector<double> log_weight;  ///< log dP/dQ
  std::vector<std::uint32_t> rounds, kills;  ///< [trial * cells + cell]
  std::size_t groups = 0;                    ///< raid groups (0 unless the law biases raid counts)
  std::vector<std::uint32_t> group_counts;   ///< [trial * groups + group]: threats drawn
  std::size_t looks = 0;                     ///< (battery, class) cells (0 unless the law biases detection)
  std::vector<double> misses, expected_misses;  ///< [trial * looks + cell]: biased misses, scenario 1 - Pd summed

  void append(const pilot_sample& o) {
    cells = o.cells;
    groups = o.groups;
    group_counts.insert(group_counts.end(), o.group_counts.begin(), o.group_counts.end());
    looks = o.looks;
    misses.insert(misses.end(), o.misses.begin(), o.misses.end());
    expected_misses.insert(expected_misses.end(), o.expected_misses.begin(), o.expected_misses.end());
    count.insert(count.end(), o.count.begin(), o.count.end());
    score.insert(score.end(), o.score.begin(), o.score.end());
    log_weight.insert(log_weight.end(), o.log_weight.begin(), o.log_weight.end());
    rounds.insert(rounds.end(), o.rounds.begin(), o.rounds.end());
    kills.insert(kills.end(), o.kills.begin(), o.kills.end());
  }
  std::size_t size() const { return score.size(); }
};

pilot_sample run_pilot(const engagement_model& model, const importance_law& law, const rare_event_options& o,
                       int iteration) {
  pilot_sample all;
  all.cells = law.kill_pk.size();
  all.groups = law.raid_mean.size();
  all.looks = law.detection_miss_scale.size();
  const std::uint64_t chunks = (o.pilot_trials + o.chunk_trials - 1) / o.chunk_trials;
  detail::run_ordered_chunks<pilot_sample>(
      0, chunks, detail::resolve_threads(o.threads),
      [&](std::uint64_t c, trial_workspace& ws) {
        pilot_sample s;
        s.cells = law.kill_pk.size();
        s.groups = law.raid_mean.size();
        s.looks = law.detection_miss_scale.size();
        importance_record rec;
        trial_result r;
        const std::uint64_t last = std::min(o.pilot_trials, (c + 1) * o.chunk_trials);
        for (std::uint64_t k = c * o.chunk_trials; k < last; ++k) {
          const double lw = run_biased_trial(model, law, o.seed, pilot_trial_index(law.scope, iteration, k), ws, rec, r);
          // Biased draws, and those that went the threat's way (a missed round, a missed look).
          std::uint64_t rounds = 0, kills = 0;
          for (std::size_t cell = 0; cell < s.cells; ++cell) {
            rounds += rec.biased_rounds[cell];
            kills += rec.biased_kills[cell];
          }
          for (std::size_t cell = 0; cell < s.looks; ++cell) {
            rounds += rec.biased_looks[cell];
            kills += rec.biased_looks[cell] - rec.biased_misses[cell];
            s.misses.push_back(rec.biased_misses[cell]);
            s.expected_misses.push_back(rec.scenario_misses[cell]);
          }
          const int n = event_count(r, ws, o);
          s.count.push_back(n);
          s.score.push_back(n + static_cast<double>(rounds - kills) / static_cast<double>(rounds + 1));
          s.log_weight.push_back(lw);
          s.rounds.insert(s.rounds.end(), rec.biased_rounds.begin(), rec.biased_rounds.end());
          s.kills.insert(s.kills.end(), rec.biased_kills.begin(), rec.biased_kills.end());
          const std::size_t at = s.group_counts.size();
          s.group_counts.resize(at + s.groups, 0);
          for (const threat_state& t : ws.threats)
            if (static_cast<std::size_t>(t.group_index) < s.groups) ++s.group_counts[at + static_cast<std::size_t>(t.group_index)];
        }
        return s;
      },
      [&](pilot_sample&& s) {
        all.append(s);
        return true;
      });
  return all;
}

/// Relative variance per trial of y = w 1{A} in a pilot: n sum y^2 / (sum y)^2 - 1
/// (infinity when no trial reached the event).
double relative_variance(const pilot_sample& s, int threshold) {
  double sum = 0.0, sum_sq = 0.0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.count[i] < threshold) continue;
    const double y = std::exp(s.log_weight[i]);
    sum += y;
    sum_sq += y * y;
  }
  if (!(sum > 0.0)) return std::numeric_limits<double>::infinity();
  return static_cast<double>(s.size()) * sum_sq / (sum * sum) - 1.0;
}

/// Least distance of a tuned Pk from 0 and 1 (unless the scenario's own is nearer).
constexpr double tuned_pk_margin = 1e-3;
/// Least tuned Poisson mean, as a fraction of the scenario's.
constexpr double tuned_mean_floor = 0.01;

/// Trials in the event that make the event itself the elite (with fewer, and
/// fewer than elite_fraction of the pilot, the score quantile decides).
constexpr std::uint64_t min_event_elite = 50;

/// One cross-entropy update from a pilot: the elite are the trials in the
/// event when there are min_event_elite of them (or elite_fraction of the
/// pilot), else the trials whose score reaches the (1 - elite_fraction)
/// quantile; each pair's Pk becomes the weighted kill frequency of the
/// elite's biased rounds, smoothed.
cross_entropy_step update_law(const engagement_model& model, importance_law& law, const pilot_sample& s,
                              const rare_event_options& o, int iteration) {
  const scenario& sc = model.scenario_data();
  const std::size_t n = s.size();
  const double threshold = o.leaker_threshold;
  cross_entropy_step step;
  step.iteration = iteration;
  step.scope = law.scope;
  step.trials = n;
  for (std::size_t i = 0; i < n; ++i)
    if (s.count[i] >= o.leaker_threshold) ++step.hits;
  const auto wanted = static_cast<std::uint64_t>(std::ceil(o.elite_fraction * static_cast<double>(n)));
  double level = threshold;
  if (step.hits < std::min(wanted, min_event_elite)) {
    std::vector<double> sorted = s.score;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(wanted - 1), sorted.end(),
                     std::greater<>());
    level = std::min(threshold, sorted[wanted - 1]);
  }
  step.level = level;
  // A level of 0 would take every trial: the elite must have missed at least once.
  auto in_elite = [&](std::size_t i) { return s.score[i] >= level && s.score[i] > 0.0; };
  double top = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i)
    if (in_elite(i)) {
      ++step.elite;
      top = std::max(top, s.log_weight[i]);
    }
  const std::size_t cells = s.cells, classes = static_cast<std::size_t>(law.classes);
  if (step.elite > 0 && std::isfinite(top)) {
    std::vector<double> killed(cells, 0.0), drawn(cells, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      if (!in_elite(i)) continue;
      const double w = std::exp(s.log_weight[i] - top);  // weights relative to the largest: the ratio is what counts
      for (std::size_t c = 0; c < cells; ++c) {
        killed[c] += w * s.kills[i * cells + c];
        drawn[c] += w * s.rounds[i * cells + c];
      }
    }
    for (std::size_t c = 0; c < cells; ++c) {
      double& q = law.kill_pk[c];
      if (q < 0.0 || !(drawn[c] > 0.0)) continue;
      const double p = scenario_pk(sc, c / classes, c % classes);
      const double updated = o.smoothing * (killed[c] / drawn[c]) + (1.0 - o.smoothing) * q;
      q = std::clamp(updated, std::min(p, tuned_pk_margin), std::max(p, 1.0 - tuned_pk_margin));
    }
    // A Poisson mean becomes the elite's weighted mean count (the cross-entropy
    // update of a Poisson law), smoothed, within make_importance_law's bounds.
    double weight = 0.0;
    std::vector<double> counted(s.groups, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      if (!in_elite(i)) continue;
      const double w = std::exp(s.log_weight[i] - top);
      weight += w;
      for (std::size_t g = 0; g < s.groups; ++g) counted[g] += w * s.group_counts[i * s.groups + g];
    }
    for (std::size_t g = 0; g < s.groups; ++g) {
      double& m = law.raid_mean[g];
      if (m < 0.0) continue;
      const double base = sc.raid.groups[g].count.mean;
      const double updated = o.smoothing * (counted[g] / weight) + (1.0 - o.smoothing) * m;
      m = std::clamp(updated, tuned_mean_floor * base, max_biased_mean(base));
    }
    // A miss scale becomes the elite's weighted misses over their weighted
    // scenario miss probabilities (matching the expected misses; an
    // approximation of the cross-entropy update where the bounds bind).
    for (std::size_t c = 0; c < s.looks; ++c) {
      double& m = law.detection_miss_scale[c];
      if (m < 0.0) continue;
      double missed = 0.0, expected = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        if (!in_elite(i)) continue;
        const double w = std::exp(s.log_weight[i] - top);
        missed += w * s.misses[i * s.looks + c];
        expected += w * s.expected_misses[i * s.looks + c];
      }
      if (!(expected > 0.0)) continue;
      m = std::clamp(o.smoothing * (missed / expected) + (1.0 - o.smoothing) * m, min_tuned_miss_scale, max_miss_scale);
    }
    if (s.groups > 0 || s.looks > 0) law = make_importance_law(model, law);
  }
  step.kill_pk = law.kill_pk;
  step.raid_mean = law.raid_mean;
  step.detection_miss_scale = law.detection_miss_scale;
  return step;
}

struct tuned_law {
  importance_law law;
  std::vector<cross_entropy_step> steps;
  std::uint64_t pilot_trials = 0;
  bool reached_event = false;
  double relative_variance = std::numeric_limits<double>::infinity();  ///< of the last pilot, under the tuned law
};

/// Relative change of every Pk and raid mean below which an update counts as settled.
constexpr double settled_change = 0.05;

/// Cross-entropy iterations for one scope, then one pilot under the tuned law
/// (iteration index cross_entropy_iterations) to measure its relative variance.
/// Stops after the second iteration whose elite is the event itself, or
/// after two updates in a row that each moved no Pk by more than 5%.
tuned_law tune(const engagement_model& model, const rare_event_options& o, biasing_scope scope) {
  tuned_law t;
  t.law = starting_law(model, scope, o.tune_raid_counts, o.tune_detection);
  int at_event = 0, settled = 0;
  for (int it = 0; it < o.cross_entropy_iterations && at_event < 2 && settled < 2; ++it) {
    const pilot_sample s = run_pilot(model, t.law, o, it);
    t.pilot_trials += s.size();
    const importance_law before = t.law;
    t.steps.push_back(update_law(model, t.law, s, o, it));
    if (t.steps.back().level >= o.leaker_threshold) ++at_event;
    bool small_change = true;
    auto compare = [&](const std::vector<double>& old_values, const std::vector<double>& new_values) {
      for (std::size_t c = 0; c < old_values.size(); ++c)
        if (old_values[c] >= 0.0 && std::abs(new_values[c] - old_values[c]) > settled_change * old_values[c])
          small_change = false;
    };
    compare(before.kill_pk, t.law.kill_pk);
    compare(before.raid_mean, t.law.raid_mean);
    compare(before.detection_miss_scale, t.law.detection_miss_scale);
    settled = small_change ? settled + 1 : 0;
  }
  t.reached_event = at_event > 0;
  const pilot_sample check = run_pilot(model, t.law, o, o.cross_entropy_iterations);
  t.pilot_trials += check.size();
  t.relative_variance = relative_variance(check, o.leaker_threshold);
  return t;
}

/// Whether every trial of the scenario has exactly one threat (both scopes are then the same law).
bool always_one_threat(const scenario& sc) {
  std::int64_t total = 0;
  for (const raid_group& g : sc.raid.groups) {
    if (g.count.type != random_count::kind::fixed) return false;
    total += g.count.value;
  }
  return total == 1;
}

void warn_about(std::vector<std::string>& warnings, const std::string& what, const rare_event_estimate& e) {
  if (e.hits == 0) {
    warnings.push_back(fmt::format("{}: no trial reached the event; the estimate 0 says only that it is rare "
                                   "under this biasing", what));
    return;
  }
  if (e.effective_sample_size < 100.0)
    warnings.push_back(fmt::format("{}: effective sample size {:.1f} is below 100: the weights are degenerate and the "
                                   "interval may be too narrow",
                                   what, e.effective_sample_size));
  if (e.max_weight_share > 0.5)
    warnings.push_back(fmt::format("{}: one trial carries {:.0f}% of the estimate's weight", what,
                                   100.0 * e.max_weight_share));
}

}  // namespace

rare_event_tally run_rare_event_chunk(const engagement_model& model, const importance_law& law,
                                      const rare_event_options& o, std::uint64_t chunk, trial_workspace& ws) {
  rare_event_tally t;
  const std::size_t assets = model.scenario_data().assets.size();
  t.by_asset.resize(assets);
  importance_record rec;
  trial_result r;
  const std::uint64_t last = std::min(o.trials, (chunk + 1) * o.chunk_trials);
  for (std::uint64_t trial = chunk * o.chunk_trials; trial < last; ++trial) {
    const double w = std::exp(run_biased_trial(model, law, o.seed, trial, ws, rec, r));
    ++t.trials;
    t.weight_sum += w;
    t.weight_sum_sq += w * w;
    t.leak.add(event_count(r, ws, o) >= o.leaker_threshold, w);
    for (std::size_t a = 0; a < assets; ++a) t.by_asset[a].add(ws.asset_leakers[a] > 0, w);
  }
  return t;
}

rare_event_result tune_rare_event(const engagement_model& model, const rare_event_options& o) {
  check_options(model, o);
  const auto start = std::chrono::steady_clock::now();
  const scenario& sc = model.scenario_data();
  rare_event_result result;
  if (o.fixed_law) {
    result.law = make_importance_law(model, *o.fixed_law);
  } else {
    std::vector<biasing_scope> scopes;
    if (!o.automatic_scope) scopes = {o.scope};
    else if (always_one_threat(sc)) scopes = {biasing_scope::one_threat};
    else scopes = {biasing_scope::one_threat, biasing_scope::every_threat};
    std::vector<tuned_law> tuned;
    for (const biasing_scope scope : scopes) {
      tuned.push_back(tune(model, o, scope));
      const tuned_law& t = tuned.back();
      result.pilot_trials_run += t.pilot_trials;
      result.tuning.insert(result.tuning.end(), t.steps.begin(), t.steps.end());
      logger()->debug("rare event '{}': {} scope tuned in {} iterations, relative variance per trial {:.4g}", sc.name,
                      to_string(scope), t.steps.size(), t.relative_variance);
    }
    std::size_t best = 0;
    for (std::size_t k = 1; k < tuned.size(); ++k)
      if (tuned[k].relative_variance < tuned[best].relative_variance) best = k;
    result.law = tuned[best].law;
    if (!tuned[best].reached_event)
      result.warnings.push_back(fmt::format(
          "cross-entropy tuning did not reach the event in {} iterations of {} trials: the biasing may be too weak "
          "(more --pilot-trials or iterations)",
          o.cross_entropy_iterations, o.pilot_trials));
  }
  result.tuning_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.elapsed_s = result.tuning_s;
  return result;
}

std::uint64_t rare_event_chunk_count(const rare_event_options& o) {
  if (o.chunk_trials == 0) throw std::invalid_argument("rare_event_options.chunk_trials must be >= 1");
  return (o.trials + o.chunk_trials - 1) / o.chunk_trials;
}

std::vector<rare_event_tally> run_rare_event_chunks(const engagement_model& model, const importance_law& law,
                                                    const rare_event_options& o, chunk_range range) {
  std::vector<rare_event_tally> out;
  out.reserve(range.count);
  detail::run_ordered_chunks<rare_event_tally>(
      range.first, range.count, detail::resolve_threads(o.threads),
      [&](std::uint64_t c, trial_workspace& ws) { return run_rare_event_chunk(model, law, o, c, ws); },
      [&](rare_event_tally&& t) {
        out.push_back(std::move(t));
        return true;
      });
  return out;
}

bool rare_event_target_reached(const rare_event_tally& t, const rare_event_options& o) {
  if (o.target_relative_error <= 0.0 || t.trials < rare_event_min_trials_before_stop ||
      t.leak.hits < rare_event_min_hits_before_stop)
    return false;
  return estimate(t.leak, o.confidence).relative_error <= o.target_relative_error;
}

void finish_rare_event(const engagement_model& model, const rare_event_options& o, rare_event_tally total,
                       rare_event_result& result) {
  const scenario& sc = model.scenario_data();
  result.tally = std::move(total);
  const rare_event_tally& t = result.tally;
  result.p_leak = estimate(t.leak, o.confidence);
  result.by_asset.clear();
  for (const weighted_tally& a : t.by_asset) result.by_asset.push_back(estimate(a, o.confidence));
  if (t.trials > 0) {
    const double n = static_cast<double>(t.trials);
    result.mean_weight = t.weight_sum / n;
    const double var =
        t.trials > 1 ? std::max(0.0, (t.weight_sum_sq - n * result.mean_weight * result.mean_weight) / (n - 1.0)) : 0.0;
    result.weight_standard_error = std::sqrt(var / n);
    result.effective_sample_size_all_trials = t.weight_sum_sq > 0.0 ? t.weight_sum * t.weight_sum / t.weight_sum_sq : 0.0;
  }
  warn_about(result.warnings,
             o.target_asset < 0 ? fmt::format("P(leakers >= {})", o.leaker_threshold)
                                : fmt::format("P(asset '{}' reached by >= {})",
                                              sc.assets[static_cast<std::size_t>(o.target_asset)].name,
                                              o.leaker_threshold),
             result.p_leak);
  for (std::size_t a = 0; a < result.by_asset.size() && sc.assets.size() > 1; ++a)
    if (static_cast<int>(a) != o.target_asset)
      warn_about(result.warnings, fmt::format("asset '{}'", sc.assets[a].name), result.by_asset[a]);
  if (std::abs(result.mean_weight - 1.0) > 4.0 * result.weight_standard_error && t.trials >= 2)
    result.warnings.push_back(fmt::format(
        "the mean weight {:.4g} is more than 4 standard errors ({:.2g}) from 1: the biasing reaches parts of the "
        "scenario's law too rarely, and the estimates may be too low",
        result.mean_weight, result.weight_standard_error));
}

rare_event_result run_rare_event(const engagement_model& model, const rare_event_options& o) {
  const auto start = std::chrono::steady_clock::now();
  rare_event_result result = tune_rare_event(model, o);
  // The run: trials 0, 1, ... under the law, merged in chunk order.
  rare_event_tally total;
  total.by_asset.resize(model.scenario_data().assets.size());
  const importance_law& law = result.law;
  detail::run_ordered_chunks<rare_event_tally>(
      0, rare_event_chunk_count(o), detail::resolve_threads(o.threads),
      [&](std::uint64_t c, trial_workspace& ws) { return run_rare_event_chunk(model, law, o, c, ws); },
      [&](rare_event_tally&& t) {
        total.merge(t);
        result.stopped_early = rare_event_target_reached(total, o);
        if (o.progress) o.progress(total.trials, estimate(total.leak, o.confidence));
        if (result.stopped_early) return false;
        if (o.cancel && o.cancel->load()) {
          result.cancelled = total.trials < o.trials;
          return false;
        }
        return true;
      });
  finish_rare_event(model, o, std::move(total), result);
  result.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  logger()->debug("rare event '{}': {} trials ({} pilot) in {:.3f} s, P = {:.4g} +- {:.2g}",
                  model.scenario_data().name, result.tally.trials, result.pilot_trials_run, result.elapsed_s,
                  result.p_leak.estimate, result.p_leak.standard_error);
  return result;
}

}  // namespace samsim
