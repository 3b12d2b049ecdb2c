// `samsim bench`: speed of the Monte Carlo on a scenario, as an analyst sees
// it: trials per second, cost per trial and per threat, events per trial, peak
// memory; with --compare-threads, 1 thread and T threads in the same run.

#include "command.hpp"
#include "output.hpp"

#include <samsim/engagement.hpp>
#include <samsim/monte_carlo.hpp>
#include <samsim/scenario.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <chrono>
#include <iostream>
#include <thread>

namespace samsim::cli {
namespace {

struct bench_args {
  std::string scenario_path;
  std::uint64_t trials = 20000;
  int threads = 1;
  bool compare_threads = false;
  std::string json_path;
};

double peak_resident_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

nlohmann::json measure(const engagement_model& model, const scenario& sc, std::uint64_t trials, int threads) {
  monte_carlo_options o;
  o.trials = trials;
  o.seed = sc.monte_carlo.seed;
  o.confidence = sc.monte_carlo.confidence;
  o.threads = threads;
  const monte_carlo_result r = run_monte_carlo(model, o);
  const double us_per_trial = 1e6 * r.elapsed_s / static_cast<double>(r.tally.trials);
  const double threats = static_cast<double>(r.tally.threats) / static_cast<double>(r.tally.trials);
  return {{"threads", threads},
          {"trials", r.tally.trials},
          {"elapsed_s", r.elapsed_s},
          {"trials_per_second", r.trials_per_second},
          {"us_per_trial", us_per_trial},
          {"ns_per_threat_trial", 1e3 * us_per_trial / threats},
          {"threats_per_trial", threats},
          {"events_per_trial", static_cast<double>(r.tally.events) / static_cast<double>(r.tally.trials)},
          {"p_leak", r.estimates.p_leak_wilson.estimate}};
}

void bench_command(const bench_args& a) {
  if (a.trials == 0) throw usage_error("--trials must be >= 1");
  if (a.threads < 0) throw usage_error("--threads must be >= 0 (0: all cores)");
  const int threads = a.threads > 0 ? a.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const scenario sc = load_scenario(a.scenario_path);
  const auto t0 = std::chrono::steady_clock::now();
  const engagement_model model(sc);
  const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  nlohmann::json report;
  report["scenario"] = sc.name;
  report["model_build_s"] = build_s;
  report["hardware_threads"] = std::thread::hardware_concurrency();
  nlohmann::json runs = nlohmann::json::array();
  if (a.compare_threads && threads > 1) runs.push_back(measure(model, sc, a.trials, 1));
  runs.push_back(measure(model, sc, a.trials, threads));
  report["runs"] = runs;
  if (runs.size() == 2)
    report["speedup"] = runs[1]["trials_per_second"].get<double>() / runs[0]["trials_per_second"].get<double>();
  report["peak_resident_mib"] = peak_resident_mib();

  if (a.json_path != "-") {
    std::cout << fmt::format("samsim bench: {} (model build {:.3f} s)\n", sc.name, build_s);
    std::cout << fmt::format("  {:>7} {:>9} {:>12} {:>12} {:>14} {:>10} {:>10}\n", "threads", "trials", "trials/s",
                             "us/trial", "ns/threat", "threats", "events");
    for (const auto& r : runs)
      std::cout << fmt::format("  {:>7} {:>9} {:>12.1f} {:>12.2f} {:>14.1f} {:>10.2f} {:>10.1f}\n",
                               r["threads"].get<int>(), r["trials"].get<std::uint64_t>(),
                               r["trials_per_second"].get<double>(), r["us_per_trial"].get<double>(),
                               r["ns_per_threat_trial"].get<double>(), r["threats_per_trial"].get<double>(),
                               r["events_per_trial"].get<double>());
    if (report.contains("speedup"))
      std::cout << fmt::format("  speed-up {} threads vs 1: {:.2f}x\n", threads, report["speedup"].get<double>());
    std::cout << fmt::format("  peak resident memory {:.1f} MiB\n", report["peak_resident_mib"].get<double>());
  }
  if (!a.json_path.empty()) write_output(a.json_path, report.dump(2) + "\n");
}

const registrar bench_reg{45, [](CLI::App& app) {
  auto a = std::make_shared<bench_args>();
  auto* sub = app.add_subcommand("bench", "Measure Monte Carlo speed on a scenario (trials/s, cost per trial, memory)");
  sub->add_option("scenario", a->scenario_path, "Scenario file (JSON)")->required();
  sub->add_option("--trials", a->trials, "Trials per measurement")->capture_default_str();
  sub->add_option("--threads", a->threads, "Worker threads (0: all cores)")->capture_default_str();
  sub->add_flag("--compare-threads", a->compare_threads, "Also run on 1 thread and report the speed-up");
  sub->add_option("--json", a->json_path, "Write the measurements as JSON to FILE ('-': stdout only)");
  sub->callback([a] { bench_command(*a); });
}};

}  // namespace
}  // namespace samsim::cli
