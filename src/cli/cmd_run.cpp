// `samsim run`: the Monte Carlo on one scenario (threads, and MPI ranks when
// started under mpirun); `samsim trace`: one trial's timeline.

#include "command.hpp"
#include "output.hpp"

#include <samsim/engagement.hpp>
#include <samsim/monte_carlo.hpp>
#include <samsim/report.hpp>
#include <samsim/scenario.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <iostream>
#include <optional>

#ifdef SAMSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace samsim::cli {
namespace {

struct run_args {
  std::string scenario_path;
  std::optional<std::uint64_t> trials;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  std::optional<double> target_halfwidth;
  std::string json_path;
  std::string csv_path;
  bool quiet = false;
};

monte_carlo_options options_for(const scenario& sc, const run_args& a) {
  monte_carlo_options o;
  o.trials = a.trials.value_or(sc.monte_carlo.trials);
  o.seed = a.seed.value_or(sc.monte_carlo.seed);
  o.confidence = sc.monte_carlo.confidence;
  o.target_halfwidth = a.target_halfwidth.value_or(sc.monte_carlo.target_halfwidth);
  o.threads = a.threads;
  return o;
}

void check_args(const run_args& a) {
  if (a.trials && *a.trials == 0) throw usage_error("--trials must be >= 1");
  if (a.threads < 0) throw usage_error("--threads must be >= 0 (0: all cores)");
  if (a.target_halfwidth && !(*a.target_halfwidth >= 0.0 && *a.target_halfwidth < 0.5))
    throw usage_error("--target-halfwidth must be in [0, 0.5) (0: run every trial)");
}

/// Progress on stderr, one line rewritten in place, only when stderr is a terminal.
std::function<void(const monte_carlo_progress&)> progress_printer(bool enabled) {
  if (!enabled || !stderr_is_terminal()) return {};
  return [](const monte_carlo_progress& p) {
    const double rate = p.elapsed_s > 0 ? static_cast<double>(p.trials_done) / p.elapsed_s : 0.0;
    const double eta = rate > 0 ? static_cast<double>(p.trials_planned - p.trials_done) / rate : 0.0;
    std::cerr << fmt::format("\r  {}/{} trials  {:.0f} trials/s  ETA {:.0f} s  P(leak) {:.4f} [{:.4f}, {:.4f}]   ",
                             p.trials_done, p.trials_planned, rate, eta, p.p_leak.estimate, p.p_leak.lower,
                             p.p_leak.upper)
              << std::flush;
    if (p.trials_done >= p.trials_planned) std::cerr << "\n";
  };
}

/// The stated envelope against the flyout table's reach: warned about once, carried in the JSON.
interceptor_reach checked_reach(const engagement_model& model, const run_args& a) {
  const interceptor_reach reach = compare_reach(model.flyout());
  warn_if_reach_short(a.scenario_path, reach);
  return reach;
}

void emit(const scenario& sc, const monte_carlo_options& o, const monte_carlo_result& r, const interceptor_reach& reach,
          const run_args& a) {
  // Every output is formatted before anything is written, so a formatting
  // failure leaves no file behind.
  nlohmann::json j = result_to_json(sc, o, r);
  j["interceptor_reach"] = reach_to_json(reach);
  const std::string json_text = j.dump(2) + "\n";
  const std::string csv_text = format_csv(sc, o, r);
  write_outputs({{a.csv_path, csv_text}, {a.json_path, json_text}});
  if (a.json_path != "-" && a.csv_path != "-") std::cout << format_summary(sc, o, r) << std::flush;
}

#ifdef SAMSIM_HAVE_MPI
bool started_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
         std::getenv("PMIX_RANK") != nullptr;
}

/// MPI run: chunks are dealt in rounds; in each round rank r runs a contiguous
/// block of chunks, rank 0 gathers every chunk's tally and merges them in chunk
/// order (applying the stop rule), then tells the others whether to go on.
/// The merged tally is exactly the one a single process computes.
int run_mpi(const run_args& a) {
  MPI_Init(nullptr, nullptr);
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int status = 0;
  try {
    const scenario sc = load_scenario(a.scenario_path);
    const engagement_model model(sc);
    const interceptor_reach reach = rank == 0 ? checked_reach(model, a) : interceptor_reach{};
    monte_carlo_options o = options_for(sc, a);
    const std::uint64_t chunks = chunk_count(o);
    const int threads = a.threads > 0 ? a.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const std::uint64_t per_rank = 4 * static_cast<std::uint64_t>(threads);
    const auto start = std::chrono::steady_clock::now();
    monte_carlo_result result;
    result.tally.by_class.resize(sc.classes.size());
    auto progress = progress_printer(!a.quiet && rank == 0);
    for (std::uint64_t base = 0; base < chunks; base += per_rank * static_cast<std::uint64_t>(size)) {
      const std::uint64_t first = std::min(chunks, base + per_rank * static_cast<std::uint64_t>(rank));
      const std::uint64_t last = std::min(chunks, first + per_rank);
      std::vector<std::uint64_t> words;
      for (const auto& t : run_chunks(model, o, {first, last - first})) {
        const auto w = t.to_words();
        words.push_back(w.size());
        words.insert(words.end(), w.begin(), w.end());
      }
      int my_count = static_cast<int>(words.size());
      std::vector<int> counts(static_cast<std::size_t>(size));
      MPI_Gather(&my_count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
      std::vector<int> displs(static_cast<std::size_t>(size), 0);
      std::vector<std::uint64_t> all;
      if (rank == 0) {
        for (int r = 1; r < size; ++r) displs[static_cast<std::size_t>(r)] = displs[static_cast<std::size_t>(r - 1)] + counts[static_cast<std::size_t>(r - 1)];
        all.resize(static_cast<std::size_t>(displs.back() + counts.back()));
      }
      MPI_Gatherv(words.data(), my_count, MPI_UINT64_T, all.data(), counts.data(), displs.data(), MPI_UINT64_T, 0,
                  MPI_COMM_WORLD);
      int stop = 0;
      if (rank == 0) {
        std::vector<monte_carlo_tally> ordered;
        for (std::size_t p = 0; p < all.size();) {
          const std::size_t n = static_cast<std::size_t>(all[p]);
          ordered.push_back(monte_carlo_tally::from_words(all.data() + p + 1, n));
          p += n + 1;
        }
        bool stopped = false;
        merge_in_order(result.tally, ordered, o, stopped);
        result.stopped_early = stopped;
        stop = stopped ? 1 : 0;
        if (progress) {
          monte_carlo_progress pr;
          pr.trials_done = result.tally.trials;
          pr.trials_planned = o.trials;
          pr.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          pr.p_leak = wilson_interval(result.tally.trials_with_leak, result.tally.trials, o.confidence);
          progress(pr);
        }
      }
      MPI_Bcast(&stop, 1, MPI_INT, 0, MPI_COMM_WORLD);
      if (stop) break;
    }
    if (rank == 0) {
      result.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      result.trials_per_second = result.elapsed_s > 0 ? static_cast<double>(result.tally.trials) / result.elapsed_s : 0;
      result.estimates = estimate(result.tally, o.confidence);
      emit(sc, o, result, reach, a);
    }
  } catch (const std::exception& e) {
    if (rank == 0) std::cerr << "samsim: error: " << e.what() << "\n";
    status = 1;
  }
  MPI_Finalize();
  return status;
}
#endif

void run_command(const run_args& a) {
  check_args(a);
#ifdef SAMSIM_HAVE_MPI
  if (started_by_mpirun()) {
    const int status = run_mpi(a);
    std::exit(status);
  }
#endif
  const scenario sc = load_scenario(a.scenario_path);
  const engagement_model model(sc);
  const interceptor_reach reach = checked_reach(model, a);
  monte_carlo_options o = options_for(sc, a);
  o.progress = progress_printer(!a.quiet);
  const monte_carlo_result r = run_monte_carlo(model, o);
  emit(sc, o, r, reach, a);
}

struct trace_args {
  std::string scenario_path;
  std::uint64_t trial = 0;
  std::optional<std::uint64_t> seed;
};

void trace_command(const trace_args& a) {
  const scenario sc = load_scenario(a.scenario_path);
  const engagement_model model(sc);
  const std::uint64_t seed = a.seed.value_or(sc.monte_carlo.seed);
  trial_workspace ws;
  std::vector<trace_event> events;
  const trial_result r = run_trial(model, seed, a.trial, ws, &events);
  std::cout << fmt::format("samsim trace: {}, seed {}, trial {}\n\n", sc.name, seed, a.trial);
  std::cout << format_trace(sc, ws.threats, ws.outcomes, events, r) << std::flush;
}

const registrar run_reg{20, [](CLI::App& app) {
  auto a = std::make_shared<run_args>();
  auto* sub = app.add_subcommand("run", "Run the Monte Carlo on a scenario and report leak-through estimates");
  sub->add_option("scenario", a->scenario_path, "Scenario file (JSON)")->required();
  sub->add_option("--trials", a->trials, "Number of trials (default: the scenario's monte_carlo.trials)");
  sub->add_option("--seed", a->seed, "Master seed (default: the scenario's monte_carlo.seed)");
  sub->add_option("--threads", a->threads, "Worker threads (0: all cores)")->capture_default_str();
  sub->add_option("--target-halfwidth", a->target_halfwidth,
                  "Stop once the P(leak) Wilson interval half-width is at most this (0: off)");
  sub->add_option("--json", a->json_path, "Write the result as JSON to FILE ('-': stdout, instead of the table)");
  sub->add_option("--csv", a->csv_path, "Write the estimates as CSV to FILE");
  sub->add_flag("--quiet", a->quiet, "No progress line");
  sub->callback([a] { run_command(*a); });
}};

const registrar trace_reg{30, [](CLI::App& app) {
  auto a = std::make_shared<trace_args>();
  auto* sub = app.add_subcommand("trace", "Print the timeline of one trial, exactly as it runs inside 'run'");
  sub->add_option("scenario", a->scenario_path, "Scenario file (JSON)")->required();
  sub->add_option("--trial", a->trial, "Trial index")->required();
  sub->add_option("--seed", a->seed, "Master seed (default: the scenario's monte_carlo.seed)");
  sub->callback([a] { trace_command(*a); });
}};

}  // namespace
}  // namespace samsim::cli
