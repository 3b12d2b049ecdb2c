// `samsim sweep`: runs a scenario for each value of one key and reports
// P(at least one leaker) with its interval against the value (CSV + SVG).

#include "checkpoint.hpp"
#include "command.hpp"
#include "interrupt.hpp"
#include "output.hpp"
#include "svg_plot.hpp"

#include <samsim/engagement.hpp>
#include <samsim/monte_carlo.hpp>
#include <samsim/scenario.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <optional>
#include <sstream>

namespace samsim::cli {
namespace {

struct sweep_args {
  std::string scenario_path;
  std::string pointer;
  std::string values;
  std::optional<std::uint64_t> trials;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  std::string csv_path;
  std::string svg_path;
  std::string checkpoint_path;
  std::string resume_path;
  double checkpoint_interval_s = 5.0;
};

/// A sweep's checkpoint: the finished points' states and the state of the point in progress.
class sweep_checkpoint {
 public:
  sweep_checkpoint(const sweep_args& a, nlohmann::json identity, std::size_t points)
      : path_(a.checkpoint_path.empty() ? a.resume_path : a.checkpoint_path), identity_(std::move(identity)),
        clock_(a.checkpoint_interval_s) {
    if (a.resume_path.empty()) return;
    const nlohmann::json j = read_checkpoint(a.resume_path, "sweep", identity_);
    const nlohmann::json done = j.value("points", nlohmann::json::array());
    if (!done.is_array() || done.size() > points)
      throw run_error(fmt::format("{}: not a samsim checkpoint: points is not an array of at most {} states",
                                  a.resume_path, points));
    for (const auto& p : done) finished_.push_back(state_from_json(p, a.resume_path));
    if (const nlohmann::json cur = j.value("current", nlohmann::json()); !cur.is_null())
      current_ = state_from_json(cur, a.resume_path);
  }
  const std::vector<monte_carlo_state>& finished() const { return finished_; }
  /// The state to resume point `k` from (null: from its start).
  const monte_carlo_state* resume_point(std::size_t k) const {
    return (k == finished_.size() && current_) ? &*current_ : nullptr;
  }
  /// After a merged chunk of the point in progress: writes when the interval has passed (a failure is a warning).
  void periodic(const monte_carlo_state& current) {
    if (!path_.empty() && clock_.due()) write_checkpoint_or_warn(path_, "sweep", identity_, body(&current, false));
  }
  /// A point finished: always written (a finished point is never run again); a failure is a warning.
  void point_done(const monte_carlo_state& state, bool last) {
    finished_.push_back(state);
    current_.reset();
    if (!path_.empty()) write_checkpoint_or_warn(path_, "sweep", identity_, body(nullptr, last));
  }
  /// The point in progress was interrupted: the checkpoint must be written.
  void interrupted(const monte_carlo_state& current) {
    if (!path_.empty()) write_checkpoint(path_, "sweep", identity_, body(&current, false));
  }
  const std::string& path() const { return path_; }

 private:
  nlohmann::json body(const monte_carlo_state* current, bool complete) const {
    nlohmann::json points = nlohmann::json::array();
    for (const auto& f : finished_) points.push_back(state_to_json(f));
    return {{"points", points},
            {"current", current ? state_to_json(*current) : nlohmann::json()},
            {"complete", complete}};
  }

  std::string path_;
  nlohmann::json identity_;
  checkpoint_clock clock_;
  std::vector<monte_carlo_state> finished_;
  std::optional<monte_carlo_state> current_;
};

/// The result of a point finished in an earlier session, from its state.
monte_carlo_result finished_result(const monte_carlo_state& s, const monte_carlo_options& o, const std::string& path) {
  check_resumed_state(s, o, path);
  monte_carlo_result r;
  r.tally = s.tally;
  r.stopped_early = s.stopped_early;
  r.next_chunk = s.next_chunk;
  r.estimates = estimate(r.tally, o.confidence);
  return r;
}

std::vector<nlohmann::json> parse_values(const std::string& list) {
  std::vector<nlohmann::json> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    if (b == std::string::npos) throw usage_error("--values has an empty item: '" + list + "'");
    item = item.substr(b, e - b + 1);
    nlohmann::json v = nlohmann::json::parse(item, nullptr, false);
    out.push_back(v.is_discarded() ? nlohmann::json(item) : v);
  }
  if (out.empty()) throw usage_error("--values needs at least one value");
  return out;
}

void sweep_command(const sweep_args& a) {
  if (a.trials && *a.trials == 0) throw usage_error("--trials must be >= 1");
  if (a.threads < 0) throw usage_error("--threads must be >= 0 (0: all cores)");
  check_checkpoint_args(a.checkpoint_path, a.resume_path, a.checkpoint_interval_s);
  const std::vector<nlohmann::json> values = parse_values(a.values);
  nlohmann::json::json_pointer ptr;
  try {
    ptr = nlohmann::json::json_pointer(a.pointer);
  } catch (const std::exception&) {
    throw usage_error("--set '" + a.pointer + "' is not a JSON pointer (for example /battery/doctrine/salvo_size)");
  }
  const nlohmann::json base = read_scenario_json(a.scenario_path);
  if (!base.contains(ptr)) throw usage_error(fmt::format("--set {}: no such key in {}", a.pointer, a.scenario_path));

  // Every point is validated before any runs, so a bad value fails fast.
  std::vector<scenario> scenarios;
  for (const auto& v : values) {
    nlohmann::json doc = base;
    doc[ptr] = v;
    scenarios.push_back(parse_scenario(doc, fmt::format("{} (with {} = {})", a.scenario_path, a.pointer, v.dump())));
  }

  // The sweep's identity: the base scenario, the key, the values and the options that fix every point.
  const monte_carlo_options defaults;
  sweep_checkpoint checkpoint(a,
                              run_identity(base, scenarios.front().name,
                                           {{"pointer", a.pointer},
                                            {"values", values},
                                            {"trials", a.trials ? nlohmann::json(*a.trials) : nlohmann::json()},
                                            {"seed", a.seed ? nlohmann::json(*a.seed) : nlohmann::json()},
                                            {"chunk_trials", defaults.chunk_trials}}),
                              scenarios.size());
  const interrupt_guard guard;
  bool interrupted = false;

  const bool numeric = std::all_of(values.begin(), values.end(), [](const nlohmann::json& v) { return v.is_number(); });
  plot_series series;
  series.label = "P(at least one leaker), Wilson interval band";
  std::string csv = "value,trials,p_leak,wilson_lower,wilson_upper,clopper_pearson_lower,clopper_pearson_upper,"
                    "mean_leakers,mean_leakers_lower,mean_leakers_upper,mean_interceptors_used\n";
  std::optional<engagement_model> previous;
  nlohmann::json previous_interceptor;
  // With --csv -, stdout carries the CSV alone; the table goes to stderr.
  std::ostream& table = a.csv_path == "-" ? std::cerr : std::cout;
  table << fmt::format("samsim sweep: {} over {}\n", scenarios.front().name, a.pointer);
  table << fmt::format("  {:>14} {:>9} {:>10}   {:<22} {:>12}\n", "value", "trials", "P(leak)", "Wilson interval",
                           "mean leakers");
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    const scenario& sc = scenarios[k];
    nlohmann::json doc = base;
    doc[ptr] = values[k];
    // The flyout tables depend only on the interceptors (kinematics and envelope): battery.interceptor in
    // format 1, the interceptors object in format 2. Reuse them when that is unchanged.
    const nlohmann::json interceptor =
        sc.format == 2 ? doc.value("interceptors", nlohmann::json()) : doc["battery"].value("interceptor", nlohmann::json());
    monte_carlo_options o;
    o.trials = a.trials.value_or(sc.monte_carlo.trials);
    o.seed = a.seed.value_or(sc.monte_carlo.seed);
    o.confidence = sc.monte_carlo.confidence;
    o.target_halfwidth = sc.monte_carlo.target_halfwidth;
    o.threads = a.threads;
    monte_carlo_result r;
    if (k < checkpoint.finished().size()) {
      r = finished_result(checkpoint.finished()[k], o, a.resume_path);
    } else {
      const engagement_model model = (previous && interceptor == previous_interceptor)
                                         ? engagement_model(sc, previous->flyout_tables())
                                         : engagement_model(sc);
      o.cancel = guard.flag();
      o.resume = checkpoint.resume_point(k);
      if (o.resume) check_resumed_state(*o.resume, o, a.resume_path);
      o.chunk_merged = [&](const monte_carlo_state& state) { checkpoint.periodic(state); };
      r = run_monte_carlo(model, o);
      if (r.cancelled) {
        checkpoint.interrupted(state_of(r));
        interrupted = true;
        table << fmt::format("  {:>14} interrupted after {} of {} trials\n", values[k].dump(), r.tally.trials,
                             o.trials);
        break;
      }
      checkpoint.point_done(state_of(r), k + 1 == scenarios.size());
      previous_interceptor = interceptor;
      previous.emplace(model);
    }
    const auto& e = r.estimates;
    csv += fmt::format("{},{},{:.10g},{:.10g},{:.10g},{:.10g},{:.10g},{:.10g},{:.10g},{:.10g},{:.10g}\n",
                       values[k].is_string() ? values[k].get<std::string>() : values[k].dump(), r.tally.trials,
                       e.p_leak_wilson.estimate, e.p_leak_wilson.lower, e.p_leak_wilson.upper,
                       e.p_leak_clopper_pearson.lower, e.p_leak_clopper_pearson.upper, e.mean_leakers.estimate,
                       e.mean_leakers.lower, e.mean_leakers.upper, e.mean_interceptors_used.estimate);
    table << fmt::format("  {:>14} {:>9} {:>10.5f}   [{:.5f}, {:.5f}]   {:>12.4f}\n", values[k].dump(),
                             r.tally.trials, e.p_leak_wilson.estimate, e.p_leak_wilson.lower, e.p_leak_wilson.upper,
                             e.mean_leakers.estimate)
              << std::flush;
    series.x.push_back(numeric ? values[k].get<double>() : static_cast<double>(k));
    series.y.push_back(e.p_leak_wilson.estimate);
    series.band_low.push_back(e.p_leak_wilson.lower);
    series.band_high.push_back(e.p_leak_wilson.upper);
  }
  if (!a.csv_path.empty()) write_output(a.csv_path, csv);
  if (!a.svg_path.empty()) {
    plot_spec plot;
    plot.title = fmt::format("{}: P(at least one leaker) vs {}", scenarios.front().name, a.pointer);
    plot.x_label = numeric ? a.pointer : a.pointer + " (value index)";
    plot.y_label = "P(at least one leaker)";
    plot.series.push_back(series);
    plot.y_max = 1.0;
    write_output(a.svg_path, svg_line_plot(plot));
  }
  if (interrupted) {
    std::cerr << fmt::format("samsim: interrupted by {} after {} of {} points{}\n", guard.signal_name(),
                             checkpoint.finished().size(), scenarios.size(),
                             checkpoint.path().empty()
                                 ? " (no --checkpoint: a new sweep starts from the beginning)"
                                 : fmt::format("; continue with --resume {}", checkpoint.path()));
    throw exit_with_code{guard.exit_code()};
  }
}

const registrar sweep_reg{40, [](CLI::App& app) {
  auto a = std::make_shared<sweep_args>();
  auto* sub = app.add_subcommand("sweep", "Run a scenario for each value of one key; CSV and SVG of P(leak)");
  sub->add_option("scenario", a->scenario_path, "Scenario file (JSON)")->required();
  sub->add_option("--set", a->pointer, "JSON pointer of the key to vary, e.g. /raid/0/count")->required();
  sub->add_option("--values", a->values, "Comma-separated values, e.g. 10,20,40")->required();
  sub->add_option("--trials", a->trials, "Trials per point (default: the scenario's)");
  sub->add_option("--seed", a->seed, "Master seed (default: the scenario's; the same for every point)");
  sub->add_option("--threads", a->threads, "Worker threads (0: all cores)");
  sub->add_option("--csv", a->csv_path, "Write the sweep as CSV to FILE ('-': stdout)");
  sub->add_option("--svg", a->svg_path, "Write a plot of P(leak) with its interval band to FILE");
  sub->add_option("--checkpoint", a->checkpoint_path,
                  "Write the sweep's state to FILE after each point, every --checkpoint-interval seconds and at "
                  "the end");
  sub->add_option("--resume", a->resume_path,
                  "Continue the sweep checkpointed in FILE (same scenario, key, values and options); checkpoints "
                  "go on to FILE unless --checkpoint names another");
  sub->add_option("--checkpoint-interval", a->checkpoint_interval_s, "Seconds between checkpoints within a point")
      ->capture_default_str();
  sub->callback([a] { sweep_command(*a); });
}};

}  // namespace
}  // namespace samsim::cli
