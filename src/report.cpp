#include <samsim/report.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace samsim {
namespace {

nlohmann::json interval_json(const proportion_interval& p) { return {p.lower, p.upper}; }
/// JSON has no NaN or infinity: null.
nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
nlohmann::json interval_json(const interval_estimate& m) { return {m.lower, m.upper}; }
nlohmann::json mean_json(const interval_estimate& m) { return {{"mean", m.estimate}, {"ci", interval_json(m)}}; }
nlohmann::json probability_json(const proportion_interval& p) {
  return {{"estimate", p.estimate}, {"wilson", interval_json(p)}};
}

/// The scenario as the engine ran it: a format 1 scenario as one asset, battery and type.
scenario defended_area(const scenario& sc) {
  scenario ex = sc;
  expand_to_defended_area(ex);
  return ex;
}

template <class T>
const T* at_or_null(const std::vector<T>& v, std::size_t k) {
  return k < v.size() ? &v[k] : nullptr;
}

}  // namespace

nlohmann::json result_to_json(const scenario& sc, const monte_carlo_options& o, const monte_carlo_result& r) {
  const monte_carlo_tally& t = r.tally;
  const monte_carlo_estimates& e = r.estimates;
  nlohmann::json j;
  j["scenario"] = sc.name;
  j["trials"] = t.trials;
  j["trials_requested"] = o.trials;
  j["seed"] = o.seed;
  j["confidence"] = o.confidence;
  j["stopped_early"] = r.stopped_early;
  j["cancelled"] = r.cancelled;
  j["p_leak"] = {{"estimate", e.p_leak_wilson.estimate},
                 {"wilson", interval_json(e.p_leak_wilson)},
                 {"clopper_pearson", interval_json(e.p_leak_clopper_pearson)}};
  nlohmann::json p_at_least = nlohmann::json::array();
  for (std::size_t k = 0; k < e.p_at_least.size(); ++k)
    p_at_least.push_back({{"k", k + 1}, {"estimate", e.p_at_least[k].estimate}, {"wilson", interval_json(e.p_at_least[k])}});
  j["leakers"] = {{"mean", e.mean_leakers.estimate},
                  {"ci", interval_json(e.mean_leakers)},
                  {"histogram", t.leaker_histogram.counts()},
                  {"p_at_least", p_at_least}};
  j["interceptors_used"] = {{"mean", e.mean_interceptors_used.estimate}, {"ci", interval_json(e.mean_interceptors_used)}};
  nlohmann::json by_class = nlohmann::json::object();
  for (std::size_t k = 0; k < sc.classes.size(); ++k) {
    const class_tally c = k < t.by_class.size() ? t.by_class[k] : class_tally{};
    const proportion_interval f =
        k < e.class_leak_fraction.size() ? e.class_leak_fraction[k] : proportion_interval{0.0, 0.0, 1.0};
    by_class[sc.classes[k].name] = {
        {"threats", c.threats}, {"leaked", c.leaked}, {"leak_fraction", f.estimate}, {"wilson", interval_json(f)}};
  }
  j["by_class"] = by_class;
  nlohmann::json causes = nlohmann::json::object();
  for (int c = 0; c < leak_cause_count; ++c)
    causes[std::string(to_string(static_cast<leak_cause>(c)))] = t.causes[static_cast<std::size_t>(c)];
  j["causes"] = causes;
  j["threats"] = {{"total", t.threats}, {"killed", t.killed}};
  j["magazine_exhausted"] = {{"trials", t.trials_magazine_exhausted},
                             {"probability", e.p_magazine_exhausted.estimate},
                             {"wilson", interval_json(e.p_magazine_exhausted)}};
  j["p_no_ready_salvo"] = {{"trials", t.trials_no_ready_salvo},
                           {"probability", e.p_no_ready_salvo.estimate},
                           {"wilson", interval_json(e.p_no_ready_salvo)}};
  // The defended area: per asset, per battery and type, costs.
  const scenario area = defended_area(sc);
  nlohmann::json by_asset = nlohmann::json::object();
  for (std::size_t a = 0; a < area.assets.size(); ++a) {
    const auto* est = at_or_null(e.by_asset, a);
    if (!est) continue;
    by_asset[area.assets[a].name] = {{"value", area.assets[a].value},
                                     {"p_leak", probability_json(est->p_leak)},
                                     {"leakers", mean_json(est->leakers)}};
  }
  j["by_asset"] = by_asset;
  j["value_lost"] = mean_json(e.value_lost);
  nlohmann::json by_battery = nlohmann::json::object();
  const auto layout = stock_layout(area);
  for (std::size_t b = 0; b < area.batteries.size(); ++b) {
    nlohmann::json types = nlohmann::json::object();
    for (std::size_t k = 0; k < layout.size(); ++k) {
      const auto* est = at_or_null(e.by_stock, k);
      if (!est || layout[k].first != static_cast<int>(b)) continue;
      types[area.interceptors[static_cast<std::size_t>(layout[k].second)].name] = {
          {"rounds_fired", mean_json(est->rounds_fired)}, {"p_out_of_rounds", probability_json(est->p_out_of_rounds)}};
    }
    const auto* destroyed = at_or_null(e.p_battery_destroyed, b);
    by_battery[area.batteries[b].name] = {
        {"p_destroyed", probability_json(destroyed ? *destroyed : proportion_interval{0.0, 0.0, 1.0})},
        {"by_interceptor", types}};
  }
  j["by_battery"] = by_battery;
  // No defender cost, no ratio: null (JSON has no NaN; nlohmann would write null anyway, said here for readers).
  j["cost"] = {{"defender", mean_json(e.defender_cost)},
               {"attacker_destroyed", mean_json(e.attacker_cost_destroyed)},
               {"exchange_ratio",
                {{"estimate", finite_or_null(e.exchange_ratio.estimate)},
                 {"ci", {finite_or_null(e.exchange_ratio.lower), finite_or_null(e.exchange_ratio.upper)}}}}};
  j["events_per_trial"] = t.trials > 0 ? static_cast<double>(t.events) / static_cast<double>(t.trials) : 0.0;
  j["elapsed_s"] = r.elapsed_s;
  j["trials_per_second"] = r.trials_per_second;
  return j;
}

namespace {

nlohmann::json rare_estimate_json(const rare_event_estimate& e) {
  return {{"estimate", e.estimate},
          {"standard_error", e.standard_error},
          {"relative_error", finite_or_null(e.relative_error)},
          {"ci", {e.lower, e.upper}},
          {"hits", e.hits},
          {"effective_sample_size", e.effective_sample_size},
          {"max_weight_share", e.max_weight_share}};
}

/// The biased Pk of every (type, class) pair, beside the scenario's.
nlohmann::json kill_pk_json(const scenario& area, const std::vector<double>& kill_pk) {
  nlohmann::json out = nlohmann::json::array();
  const std::size_t classes = area.classes.size();
  for (std::size_t k = 0; k < area.interceptors.size(); ++k)
    for (std::size_t c = 0; c < classes; ++c) {
      const interceptor_type& t = area.interceptors[k];
      const double q = k * classes + c < kill_pk.size() ? kill_pk[k * classes + c] : -1.0;
      out.push_back({{"interceptor", t.name},
                     {"class", area.classes[c].name},
                     {"scenario_pk", c < t.pk_by_class.size() ? t.pk_by_class[c] : t.pk_default},
                     {"biased_pk", q >= 0.0 ? nlohmann::json(q) : nlohmann::json(nullptr)}});
    }
  return out;
}

}  // namespace

nlohmann::json rare_event_to_json(const scenario& sc, const rare_event_options& o, const rare_event_result& r) {
  const scenario area = defended_area(sc);
  nlohmann::json j;
  j["scenario"] = sc.name;
  j["method"] = "importance_sampling";
  j["trials"] = r.tally.trials;
  j["trials_requested"] = o.trials;
  j["seed"] = o.seed;
  j["confidence"] = o.confidence;
  j["event"] = {{"leakers_at_least", o.leaker_threshold},
                {"asset", o.target_asset >= 0 ? nlohmann::json(area.assets[static_cast<std::size_t>(o.target_asset)].name)
                                              : nlohmann::json(nullptr)}};
  j["target_relative_error"] = o.target_relative_error;
  j["stopped_early"] = r.stopped_early;
  j["cancelled"] = r.cancelled;
  j["p_leak"] = rare_estimate_json(r.p_leak);
  j["effective_sample_size"] = r.p_leak.effective_sample_size;
  nlohmann::json by_asset = nlohmann::json::object();
  for (std::size_t a = 0; a < area.assets.size() && a < r.by_asset.size(); ++a)
    by_asset[area.assets[a].name] = {{"value", area.assets[a].value},
                                     {"p_leak", rare_estimate_json(r.by_asset[a])},
                                     {"effective_sample_size", r.by_asset[a].effective_sample_size}};
  j["by_asset"] = by_asset;
  j["weights"] = {{"mean", r.mean_weight},
                  {"standard_error", r.weight_standard_error},
                  {"effective_sample_size_all_trials", r.effective_sample_size_all_trials}};
  nlohmann::json raid_mean = nlohmann::json::array();
  for (std::size_t g = 0; g < r.law.raid_mean.size(); ++g)
    if (r.law.raid_mean[g] >= 0.0)
      raid_mean.push_back({{"group", g}, {"scenario_mean", area.raid.groups[g].count.mean}, {"biased_mean", r.law.raid_mean[g]}});
  nlohmann::json miss_scale = nlohmann::json::array();
  for (std::size_t k = 0; k < r.law.detection_miss_scale.size(); ++k)
    if (r.law.detection_miss_scale[k] >= 0.0)
      miss_scale.push_back({{"battery", area.batteries[k / area.classes.size()].name},
                            {"class", area.classes[k % area.classes.size()].name},
                            {"miss_scale", r.law.detection_miss_scale[k]}});
  j["biasing"] = {{"scope", std::string(to_string(r.law.scope))},
                  {"tuned", o.fixed_law == nullptr},
                  {"kill_pk", kill_pk_json(area, r.law.kill_pk)},
                  {"raid_mean", raid_mean},
                  {"detection_miss_scale", miss_scale}};
  nlohmann::json steps = nlohmann::json::array();
  for (const cross_entropy_step& s : r.tuning) {
    nlohmann::json pk = nlohmann::json::array();
    for (const double q : s.kill_pk) pk.push_back(q >= 0.0 ? nlohmann::json(q) : nlohmann::json(nullptr));
    steps.push_back({{"iteration", s.iteration},
                     {"scope", std::string(to_string(s.scope))},
                     {"trials", s.trials},
                     {"level", s.level},
                     {"elite", s.elite},
                     {"hits", s.hits},
                     {"kill_pk", pk},
                     {"raid_mean", s.raid_mean},
                     {"detection_miss_scale", s.detection_miss_scale}});
  }
  j["tuning"] = {{"pilot_trials", r.pilot_trials_run}, {"iterations", steps}};
  j["warnings"] = r.warnings;
  j["elapsed_s"] = r.elapsed_s;
  j["trials_per_second"] = r.elapsed_s > 0.0 ? static_cast<double>(r.tally.trials + r.pilot_trials_run) / r.elapsed_s : 0.0;
  return j;
}

std::string format_rare_event_summary(const scenario& sc, const rare_event_options& o, const rare_event_result& r) {
  const scenario area = defended_area(sc);
  const int pct = static_cast<int>(std::lround(o.confidence * 100.0));
  std::string s;
  auto line = [&](const std::string& text) { s += text + "\n"; };
  line(fmt::format("samsim run: {} (--rare-event)", sc.name));
  line(fmt::format("  importance sampling, {} scope ({}): {} trials (requested at most {}) + {} pilot trials, seed {}, "
                   "{}% normal intervals{}",
                   to_string(r.law.scope), o.fixed_law ? "fixed biasing" : "tuned by cross-entropy", r.tally.trials,
                   o.trials, r.pilot_trials_run, o.seed, pct,
                   r.stopped_early ? fmt::format(", stopped at relative error {}", o.target_relative_error)
                                   : (r.cancelled ? ", CANCELLED" : "")));
  line(fmt::format("  {:.3f} s ({:.3f} s tuning)", r.elapsed_s, r.tuning_s));
  line("");
  line(fmt::format("  {:<28} {:>12} {:>11} {:>9}   {:<28} {:>10}", "quantity", "estimate", "std error", "rel err",
                   "interval", "ESS"));
  auto row = [&](const std::string& what, const rare_event_estimate& e) {
    line(fmt::format("  {:<28} {:>12.5g} {:>11.3g} {:>9.4f}   [{:.5g}, {:.5g}]{:>10.1f}", what, e.estimate,
                     e.standard_error, e.relative_error, e.lower, e.upper, e.effective_sample_size));
  };
  const std::string event =
      o.target_asset >= 0
          ? fmt::format("P({} reached{})", area.assets[static_cast<std::size_t>(o.target_asset)].name,
                        o.leaker_threshold > 1 ? fmt::format(" by >= {}", o.leaker_threshold) : std::string())
          : (o.leaker_threshold == 1 ? std::string("P(at least one leaker)")
                                     : fmt::format("P(leakers >= {})", o.leaker_threshold));
  row(event, r.p_leak);
  if (area.assets.size() > 1 || sc.format == 2)
    for (std::size_t a = 0; a < area.assets.size() && a < r.by_asset.size(); ++a)
      row(fmt::format("P(leak) {}", area.assets[a].name), r.by_asset[a]);
  line("");
  line(fmt::format("  mean weight {:.5f} +- {:.5f} (1 under a correct law)", r.mean_weight, r.weight_standard_error));
  const std::size_t classes = area.classes.size();
  for (std::size_t k = 0; k < area.interceptors.size(); ++k)
    for (std::size_t c = 0; c < classes; ++c) {
      const double q = r.law.kill_pk[k * classes + c];
      if (q < 0.0) continue;
      const interceptor_type& t = area.interceptors[k];
      line(fmt::format("  biased Pk {} vs {}: {:.4f} (scenario {:.4f})", t.name, area.classes[c].name, q,
                       c < t.pk_by_class.size() ? t.pk_by_class[c] : t.pk_default));
    }
  for (std::size_t g = 0; g < r.law.raid_mean.size(); ++g)
    if (r.law.raid_mean[g] >= 0.0)
      line(fmt::format("  biased mean count of raid group {}: {:.4g} (scenario {:.4g})", g, r.law.raid_mean[g],
                       area.raid.groups[g].count.mean));
  for (std::size_t k = 0; k < r.law.detection_miss_scale.size(); ++k)
    if (r.law.detection_miss_scale[k] >= 0.0)
      line(fmt::format("  detection miss scale {} vs {}: {:.4g}", area.batteries[k / classes].name,
                       area.classes[k % classes].name, r.law.detection_miss_scale[k]));
  for (const std::string& w : r.warnings) line("  WARNING: " + w);
  return s;
}

nlohmann::json reach_to_json(const interceptor_reach& reach) {
  return {{"stated_max_range_m", reach.stated_max_range_m},   {"reached_max_range_m", reach.reached_max_range_m},
          {"stated_max_height_m", reach.stated_max_height_m}, {"reached_max_height_m", reach.reached_max_height_m},
          {"range_short", reach.range_short()},              {"height_short", reach.height_short()}};
}

std::string format_summary(const scenario& sc, const monte_carlo_options& o, const monte_carlo_result& r) {
  const monte_carlo_tally& t = r.tally;
  const monte_carlo_estimates& e = r.estimates;
  const int pct = static_cast<int>(std::lround(o.confidence * 100.0));
  std::string s;
  auto line = [&](const std::string& text) { s += text + "\n"; };
  line(fmt::format("samsim run: {}", sc.name));
  line(fmt::format("  trials {} (requested {}), seed {}, {}% intervals{}", t.trials, o.trials, o.seed, pct,
                   r.stopped_early ? ", stopped at the half-width target" : (r.cancelled ? ", CANCELLED" : "")));
  line("");
  line(fmt::format("  {:<34} {:>10}   {:<26} {}", "quantity", "estimate", "Wilson interval", "Clopper-Pearson"));
  line(fmt::format("  {:<34} {:>10.5f}   [{:.5f}, {:.5f}]       [{:.5f}, {:.5f}]", "P(at least one leaker)",
                   e.p_leak_wilson.estimate, e.p_leak_wilson.lower, e.p_leak_wilson.upper,
                   e.p_leak_clopper_pearson.lower, e.p_leak_clopper_pearson.upper));
  for (std::size_t k = 1; k < e.p_at_least.size() && k < 5; ++k)
    line(fmt::format("  {:<34} {:>10.5f}   [{:.5f}, {:.5f}]", fmt::format("P(leakers >= {})", k + 1),
                     e.p_at_least[k].estimate, e.p_at_least[k].lower, e.p_at_least[k].upper));
  line(fmt::format("  {:<34} {:>10.4f}   [{:.4f}, {:.4f}]   (Student t)", "mean leakers per trial",
                   e.mean_leakers.estimate, e.mean_leakers.lower, e.mean_leakers.upper));
  line(fmt::format("  {:<34} {:>10.3f}   [{:.3f}, {:.3f}]   (Student t)", "mean interceptors used",
                   e.mean_interceptors_used.estimate, e.mean_interceptors_used.lower, e.mean_interceptors_used.upper));
  line(fmt::format("  {:<34} {:>10.5f}   [{:.5f}, {:.5f}]", "P(magazine exhausted)", e.p_magazine_exhausted.estimate,
                   e.p_magazine_exhausted.lower, e.p_magazine_exhausted.upper));
  line(fmt::format("  {:<34} {:>10.5f}   [{:.5f}, {:.5f}]", "P(no ready salvo when wanted)",
                   e.p_no_ready_salvo.estimate, e.p_no_ready_salvo.lower, e.p_no_ready_salvo.upper));
  line("");
  line(fmt::format("  {:<20} {:>10} {:>10} {:>14}   {}", "class", "threats", "leaked", "leak fraction",
                   "Wilson interval"));
  for (std::size_t k = 0; k < sc.classes.size(); ++k) {
    const class_tally c = k < t.by_class.size() ? t.by_class[k] : class_tally{};
    const proportion_interval f =
        k < e.class_leak_fraction.size() ? e.class_leak_fraction[k] : proportion_interval{0.0, 0.0, 1.0};
    line(fmt::format("  {:<20} {:>10} {:>10} {:>14.5f}   [{:.5f}, {:.5f}]", sc.classes[k].name, c.threats, c.leaked,
                     f.estimate, f.lower, f.upper));
  }
  const scenario area = defended_area(sc);
  if (area.assets.size() > 1 || area.batteries.size() > 1 || area.interceptors.size() > 1 || sc.format == 2) {
    line("");
    line(fmt::format("  {:<20} {:>8} {:>10}   {:<22} {:>10}   {}", "asset", "value", "P(leak)", "Wilson interval",
                     "leakers", "Student t"));
    for (std::size_t a = 0; a < area.assets.size() && a < e.by_asset.size(); ++a) {
      const auto& est = e.by_asset[a];
      line(fmt::format("  {:<20} {:>8.4g} {:>10.5f}   [{:.5f}, {:.5f}]   {:>10.4f}   [{:.4f}, {:.4f}]",
                       area.assets[a].name, area.assets[a].value, est.p_leak.estimate, est.p_leak.lower,
                       est.p_leak.upper, est.leakers.estimate, est.leakers.lower, est.leakers.upper));
    }
    line("");
    line(fmt::format("  {:<20} {:<14} {:>12}   {:<18} {:>14}   {}", "battery", "interceptor", "rounds fired",
                     "Student t", "P(out of rounds)", "Wilson interval"));
    const auto layout = stock_layout(area);
    for (std::size_t b = 0; b < area.batteries.size(); ++b) {
      const proportion_interval d =
          b < e.p_battery_destroyed.size() ? e.p_battery_destroyed[b] : proportion_interval{0.0, 0.0, 1.0};
      line(fmt::format("  {:<20} P(destroyed) {:.5f} [{:.5f}, {:.5f}]", area.batteries[b].name, d.estimate, d.lower,
                       d.upper));
      for (std::size_t k = 0; k < layout.size() && k < e.by_stock.size(); ++k) {
        if (layout[k].first != static_cast<int>(b)) continue;
        const auto& est = e.by_stock[k];
        line(fmt::format("  {:<20} {:<14} {:>12.3f}   [{:.3f}, {:.3f}]   {:>14.5f}   [{:.5f}, {:.5f}]", "",
                         area.interceptors[static_cast<std::size_t>(layout[k].second)].name, est.rounds_fired.estimate,
                         est.rounds_fired.lower, est.rounds_fired.upper, est.p_out_of_rounds.estimate,
                         est.p_out_of_rounds.lower, est.p_out_of_rounds.upper));
      }
    }
    line("");
    line(fmt::format("  {:<34} {:>10.4f}   [{:.4f}, {:.4f}]   (Student t)", "mean value lost", e.value_lost.estimate,
                     e.value_lost.lower, e.value_lost.upper));
    line(fmt::format("  {:<34} {:>10.4f}   [{:.4f}, {:.4f}]   (Student t)", "mean defender cost",
                     e.defender_cost.estimate, e.defender_cost.lower, e.defender_cost.upper));
    line(fmt::format("  {:<34} {:>10.4f}   [{:.4f}, {:.4f}]   (Student t)", "mean attacker cost destroyed",
                     e.attacker_cost_destroyed.estimate, e.attacker_cost_destroyed.lower,
                     e.attacker_cost_destroyed.upper));
    line(fmt::format("  {:<34} {:>10.4f}   [{:.4f}, {:.4f}]   (delta method)", "cost exchange ratio",
                     e.exchange_ratio.estimate, e.exchange_ratio.lower, e.exchange_ratio.upper));
  }
  line("");
  std::uint64_t leaked_total = 0;
  for (auto c : t.causes) leaked_total += c;
  line(fmt::format("  {:<22} {:>10} {:>14}", "leak cause", "threats", "share of leaks"));
  for (int c = 0; c < leak_cause_count; ++c) {
    const std::uint64_t n = t.causes[static_cast<std::size_t>(c)];
    line(fmt::format("  {:<22} {:>10} {:>14.4f}", to_string(static_cast<leak_cause>(c)), n,
                     leaked_total ? static_cast<double>(n) / static_cast<double>(leaked_total) : 0.0));
  }
  line("");
  line(fmt::format("  {:.1f} trials/s, {:.2f} s elapsed, {:.1f} events per trial", r.trials_per_second, r.elapsed_s,
                   t.trials ? static_cast<double>(t.events) / static_cast<double>(t.trials) : 0.0));
  return s;
}

std::string format_csv(const scenario& sc, const monte_carlo_options& o, const monte_carlo_result& r) {
  const monte_carlo_estimates& e = r.estimates;
  std::string s = "quantity,estimate,lower,upper,method\n";
  auto row = [&](const std::string& q, double est, double lo, double hi, const char* method) {
    s += fmt::format("{},{:.10g},{:.10g},{:.10g},{}\n", q, est, lo, hi, method);
  };
  row("p_leak", e.p_leak_wilson.estimate, e.p_leak_wilson.lower, e.p_leak_wilson.upper, "wilson");
  row("p_leak", e.p_leak_clopper_pearson.estimate, e.p_leak_clopper_pearson.lower, e.p_leak_clopper_pearson.upper,
      "clopper_pearson");
  for (std::size_t k = 0; k < e.p_at_least.size(); ++k)
    row(fmt::format("p_leakers_at_least_{}", k + 1), e.p_at_least[k].estimate, e.p_at_least[k].lower,
        e.p_at_least[k].upper, "wilson");
  row("mean_leakers", e.mean_leakers.estimate, e.mean_leakers.lower, e.mean_leakers.upper, "student_t");
  row("mean_interceptors_used", e.mean_interceptors_used.estimate, e.mean_interceptors_used.lower,
      e.mean_interceptors_used.upper, "student_t");
  row("p_magazine_exhausted", e.p_magazine_exhausted.estimate, e.p_magazine_exhausted.lower,
      e.p_magazine_exhausted.upper, "wilson");
  row("p_no_ready_salvo", e.p_no_ready_salvo.estimate, e.p_no_ready_salvo.lower, e.p_no_ready_salvo.upper, "wilson");
  for (std::size_t k = 0; k < sc.classes.size() && k < e.class_leak_fraction.size(); ++k)
    row("leak_fraction_" + sc.classes[k].name, e.class_leak_fraction[k].estimate, e.class_leak_fraction[k].lower,
        e.class_leak_fraction[k].upper, "wilson");
  const scenario area = defended_area(sc);
  for (std::size_t a = 0; a < area.assets.size() && a < e.by_asset.size(); ++a)
    row("p_leak_asset_" + area.assets[a].name, e.by_asset[a].p_leak.estimate, e.by_asset[a].p_leak.lower,
        e.by_asset[a].p_leak.upper, "wilson");
  row("mean_value_lost", e.value_lost.estimate, e.value_lost.lower, e.value_lost.upper, "student_t");
  row("mean_defender_cost", e.defender_cost.estimate, e.defender_cost.lower, e.defender_cost.upper, "student_t");
  row("mean_attacker_cost_destroyed", e.attacker_cost_destroyed.estimate, e.attacker_cost_destroyed.lower,
      e.attacker_cost_destroyed.upper, "student_t");
  row("cost_exchange_ratio", e.exchange_ratio.estimate, e.exchange_ratio.lower, e.exchange_ratio.upper,
      "delta_method");
  (void)o;
  return s;
}

std::string format_trace(const scenario& sc, const std::vector<threat_state>& threats,
                         const std::vector<threat_outcome>& outcomes, const std::vector<trace_event>& events,
                         const trial_result& result) {
  const scenario area = defended_area(sc);
  auto shooter_name = [&](int battery, int type) {
    std::string n = battery >= 0 ? area.batteries[static_cast<std::size_t>(battery)].name : "-";
    if (type >= 0) n += "/" + area.interceptors[static_cast<std::size_t>(type)].name;
    return n;
  };
  std::string s;
  s += fmt::format("{:>10}  {:<18} {:>6} {:<16} {:>8} {:>11}  {}\n", "time_s", "event", "threat", "class", "launcher",
                   "interceptor", "detail");
  for (const trace_event& ev : events) {
    std::string cls = "-";
    if (ev.threat >= 0 && static_cast<std::size_t>(ev.threat) < threats.size())
      cls = sc.classes[static_cast<std::size_t>(threats[static_cast<std::size_t>(ev.threat)].class_index)].name;
    std::string detail;
    switch (ev.kind) {
      case trace_kind::detection: detail = fmt::format("Pd {:.4f}", ev.value); break;
      case trace_kind::interceptor_launch:
        detail = fmt::format("intercept at {:.2f} s, {}", ev.value, shooter_name(ev.battery, ev.interceptor_type));
        break;
      case trace_kind::intercept_kill: detail = shooter_name(ev.battery, ev.interceptor_type); break;
      case trace_kind::intercept_miss:
        detail = shooter_name(ev.battery, ev.interceptor_type) + (ev.value > 1.5 ? ", its battery out of action" : "");
        break;
      case trace_kind::track_confirmed:
      case trace_kind::track_waiting:
      case trace_kind::track_acquired:
      case trace_kind::network_track:
      case trace_kind::battery_out_of_action: detail = shooter_name(ev.battery, -1); break;
      case trace_kind::launch_blocked:
      case trace_kind::leak: detail = std::string(to_string(static_cast<leak_cause>(static_cast<int>(ev.value)))); break;
      case trace_kind::kill_assessment:
        detail = fmt::format("{}, {}", ev.value > 0.5 ? "killed" : "alive", shooter_name(ev.battery, -1));
        break;
      case trace_kind::reload_start:
      case trace_kind::reload_complete: detail = fmt::format("{} rounds", static_cast<int>(ev.value)); break;
      default: break;
    }
    s += fmt::format("{:>10.2f}  {:<18} {:>6} {:<16} {:>8} {:>11}  {}\n", ev.time_s, to_string(ev.kind),
                     ev.threat >= 0 ? std::to_string(ev.threat) : "-", cls,
                     ev.launcher >= 0 ? std::to_string(ev.launcher) : "-",
                     ev.interceptor >= 0 ? std::to_string(ev.interceptor) : "-", detail);
  }
  s += fmt::format("\n{} threats, {} leaked, {} interceptors used, {} rounds left{}{}\n", result.threats, result.leakers,
                   result.interceptors_used, result.rounds_left,
                   result.magazine_exhausted ? " (magazine exhausted)" : "",
                   result.no_ready_salvo ? " (no ready salvo when one was wanted)" : "");
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const threat_outcome& o = outcomes[i];
    s += fmt::format("  threat {:>3} {:<16} {:<8} at {:>8.2f} s  {}  interceptors {}{}\n", i,
                     sc.classes[static_cast<std::size_t>(threats[i].class_index)].name,
                     o.killed ? "killed" : "leaked", o.end_time_s,
                     o.killed ? "by " + shooter_name(o.killer_battery, o.killer_type) : std::string(to_string(o.cause)),
                     o.interceptors_used, o.salvos > 0 ? fmt::format(" in {} salvos", o.salvos) : "");
  }
  return s;
}

}  // namespace samsim
