#include <samsim/report.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace samsim {
namespace {

nlohmann::json interval_json(const proportion_interval& p) { return {p.lower, p.upper}; }
nlohmann::json interval_json(const interval_estimate& m) { return {m.lower, m.upper}; }

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
  j["events_per_trial"] = t.trials > 0 ? static_cast<double>(t.events) / static_cast<double>(t.trials) : 0.0;
  j["elapsed_s"] = r.elapsed_s;
  j["trials_per_second"] = r.trials_per_second;
  return j;
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
  line("");
  std::uint64_t leaked_total = 0;
  for (auto c : t.causes) leaked_total += c;
  line(fmt::format("  {:<20} {:>10} {:>14}", "leak cause", "threats", "share of leaks"));
  for (int c = 0; c < leak_cause_count; ++c) {
    const std::uint64_t n = t.causes[static_cast<std::size_t>(c)];
    line(fmt::format("  {:<20} {:>10} {:>14.4f}", to_string(static_cast<leak_cause>(c)), n,
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
  (void)o;
  return s;
}

std::string format_trace(const scenario& sc, const std::vector<threat_state>& threats,
                         const std::vector<threat_outcome>& outcomes, const std::vector<trace_event>& events,
                         const trial_result& result) {
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
      case trace_kind::interceptor_launch: detail = fmt::format("intercept at {:.2f} s", ev.value); break;
      case trace_kind::launch_blocked:
      case trace_kind::leak: detail = std::string(to_string(static_cast<leak_cause>(static_cast<int>(ev.value)))); break;
      case trace_kind::kill_assessment: detail = ev.value > 0.5 ? "killed" : "alive"; break;
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
    s += fmt::format("  threat {:>3} {:<16} {:<8} at {:>8.2f} s  {}  interceptors {}\n", i,
                     sc.classes[static_cast<std::size_t>(threats[i].class_index)].name,
                     o.killed ? "killed" : "leaked", o.end_time_s, o.killed ? "" : to_string(o.cause),
                     o.interceptors_used);
  }
  return s;
}

}  // namespace samsim
