// `samsim run`: the Monte Carlo on one scenario (threads, and MPI ranks when
// started under mpirun); `samsim trace`: one trial's timeline.

#include "checkpoint.hpp"
#include "command.hpp"
#include "interrupt.hpp"
#include "output.hpp"

#include <samsim/engagement.hpp>
#include <samsim/log.hpp>
#include <samsim/monte_carlo.hpp>
#include <samsim/rare_event.hpp>
#include <samsim/report.hpp>
#include <samsim/scenario.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

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
  std::string checkpoint_path;
  std::string resume_path;
  double checkpoint_interval_s = 5.0;
  bool quiet = false;
  // Importance sampling (--rare-event).
  bool rare_event = false;
  std::optional<double> target_relative_error;
  int leakers_at_least = 1;
  std::string rare_event_asset;  ///< the main event's asset (empty: every leaker)
  bool tune_raid_counts = false;
  bool tune_detection = false;
  std::uint64_t pilot_trials = 2000;
  int cross_entropy_iterations = 8;
  std::string biasing_scope = "auto";
  std::vector<std::string> bias_pk;  ///< "TYPE:CLASS=PK" or "CLASS=PK": a fixed law, no tuning

  /// Where checkpoints go: --checkpoint, else the --resume file itself.
  const std::string& checkpoint_file() const { return checkpoint_path.empty() ? resume_path : checkpoint_path; }
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
  check_checkpoint_args(a.checkpoint_path, a.resume_path, a.checkpoint_interval_s);
}

/// The scenario file as JSON (its hash identifies it in checkpoints) and as a validated scenario.
struct loaded_scenario {
  nlohmann::json document;
  scenario sc;
};

loaded_scenario load(const std::string& path) {
  loaded_scenario l;
  l.document = read_scenario_json(path);
  l.sc = parse_scenario(l.document, path);
  return l;
}

/// A run's checkpoint: its identity, and reading and writing its state.
class run_checkpoint {
 public:
  run_checkpoint(const run_args& a, const loaded_scenario& l, const monte_carlo_options& o)
      : path_(a.checkpoint_file()), identity_(run_identity(l.document, l.sc.name, result_options(o))),
        clock_(a.checkpoint_interval_s) {
    if (!a.resume_path.empty()) {
      const nlohmann::json j = read_checkpoint(a.resume_path, "run", identity_);
      resumed_ = state_from_json(j.value("state", nlohmann::json()), a.resume_path);
      check_resumed_state(*resumed_, o, a.resume_path);
      elapsed_before_s_ = j.value("elapsed_s", 0.0);
    }
  }
  /// The state to resume from (null: start at chunk 0).
  const monte_carlo_state* resumed() const { return resumed_ ? &*resumed_ : nullptr; }
  /// Time spent by the sessions before this one.
  double elapsed_before_s() const { return elapsed_before_s_; }
  /// After a merged chunk: writes when the interval has passed (a failure is a warning).
  void periodic(const monte_carlo_state& state, double session_elapsed_s) {
    if (!path_.empty() && clock_.due())
      write_checkpoint_or_warn(path_, "run", identity_, body(state, session_elapsed_s, false));
  }
  /// At the end of the run (complete, stopped early or interrupted). Only an
  /// interrupted run needs it to go on, so only then a failure is an error.
  void final(const monte_carlo_state& state, double session_elapsed_s, bool complete) {
    if (path_.empty()) return;
    if (complete) write_checkpoint_or_warn(path_, "run", identity_, body(state, session_elapsed_s, true));
    else write_checkpoint(path_, "run", identity_, body(state, session_elapsed_s, false));
  }
  const std::string& path() const { return path_; }

 private:
  nlohmann::json body(const monte_carlo_state& state, double session_elapsed_s, bool complete) const {
    return {{"state", state_to_json(state)},
            {"complete", complete},
            {"elapsed_s", elapsed_before_s_ + session_elapsed_s}};
  }

  std::string path_;
  nlohmann::json identity_;
  checkpoint_clock clock_;
  std::optional<monte_carlo_state> resumed_;
  double elapsed_before_s_ = 0.0;
};

/// Timing over every session of a resumed run.
void add_earlier_sessions(monte_carlo_result& r, double elapsed_before_s) {
  r.elapsed_s += elapsed_before_s;
  r.trials_per_second = r.elapsed_s > 0.0 ? static_cast<double>(r.tally.trials) / r.elapsed_s : 0.0;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Progress on stderr, one line rewritten in place, only when stderr is a terminal.
/// `trials_before`: trials a resumed run had done before this session (not counted in its rate).
std::function<void(const monte_carlo_progress&)> progress_printer(bool enabled, std::uint64_t trials_before) {
  if (!enabled || !stderr_is_terminal()) return {};
  return [trials_before](const monte_carlo_progress& p) {
    const double rate =
        p.elapsed_s > 0 ? static_cast<double>(p.trials_done - std::min(p.trials_done, trials_before)) / p.elapsed_s
                        : 0.0;
    const double eta = rate > 0 ? static_cast<double>(p.trials_planned - p.trials_done) / rate : 0.0;
    std::cerr << fmt::format("\r  {}/{} trials  {:.0f} trials/s  ETA {:.0f} s  P(leak) {:.4f} [{:.4f}, {:.4f}]   ",
                             p.trials_done, p.trials_planned, rate, eta, p.p_leak.estimate, p.p_leak.lower,
                             p.p_leak.upper)
              << std::flush;
    if (p.trials_done >= p.trials_planned) std::cerr << "\n";
  };
}

/// The stated envelope of every interceptor type against its flyout table's
/// reach: warned about once per type, carried in the JSON (one object for a
/// format 1 scenario, one per type name for a defended area).
nlohmann::json checked_reach(const engagement_model& model, const run_args& a) {
  const scenario& area = model.scenario_data();
  nlohmann::json by_type = nlohmann::json::object();
  for (std::size_t k = 0; k < area.interceptors.size(); ++k) {
    const interceptor_reach reach = compare_reach(model.flyout(static_cast<int>(k)));
    const std::string where =
        area.format == 2 ? fmt::format("{} (interceptor {})", a.scenario_path, area.interceptors[k].name) : a.scenario_path;
    warn_if_reach_short(where, reach);
    if (area.format != 2) return reach_to_json(reach);
    by_type[area.interceptors[k].name] = reach_to_json(reach);
  }
  return by_type;
}

void emit(const scenario& sc, const monte_carlo_options& o, const monte_carlo_result& r, const nlohmann::json& reach,
          const run_args& a, bool interrupted) {
  // Every output is formatted before anything is written, so a formatting
  // failure leaves no file behind.
  nlohmann::json j = result_to_json(sc, o, r);
  j["interceptor_reach"] = reach;
  j["interrupted"] = interrupted;
  const std::string json_text = j.dump(2) + "\n";
  const std::string csv_text = format_csv(sc, o, r);
  write_outputs({{a.csv_path, csv_text}, {a.json_path, json_text}});
  if (a.json_path != "-" && a.csv_path != "-") std::cout << format_summary(sc, o, r) << std::flush;
}

/// After an interrupted run's outputs are written: says where it stopped; the exit code to return.
int report_interrupt(const interrupt_guard& guard, const monte_carlo_result& r, const monte_carlo_options& o,
                     const run_checkpoint& checkpoint) {
  std::cerr << fmt::format("samsim: interrupted by {} after {} of {} trials{}\n", guard.signal_name(),
                           r.tally.trials, o.trials,
                           checkpoint.path().empty()
                               ? " (no --checkpoint: a new run starts from the beginning)"
                               : fmt::format("; continue with --resume {}", checkpoint.path()));
  return guard.exit_code();
}

#ifdef SAMSIM_HAVE_MPI
bool started_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
         std::getenv("PMIX_RANK") != nullptr;
}

/// Runs body(rank, size) between MPI_Init and MPI_Finalize and returns its
/// status; an exception thrown on every rank (a bad scenario) is reported by
/// rank 0 alone, status 1.
template <class Body>
int mpi_session(Body&& body) {
  MPI_Init(nullptr, nullptr);
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int status = 0;
  try {
    status = body(rank, size);
  } catch (const std::exception& e) {
    if (rank == 0) std::cerr << "samsim: error: " << e.what() << "\n";
    status = 1;
  }
  MPI_Finalize();
  return status;
}

/// Rank 0 runs finish() (the outputs) and every rank ends with its status (an
/// interrupt is reported by all). A failure is reported here, not by
/// mpi_session: the other ranks wait for this status.
template <class Finish>
int rank_0_status(int rank, Finish&& finish) {
  int status = 0;
  if (rank == 0) {
    try {
      status = finish();
    } catch (const exit_with_code& e) {
      status = e.code;
    } catch (const std::exception& e) {
      std::cerr << "samsim: error: " << e.what() << "\n";
      status = 1;
    }
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return status;
}

/// Every rank's chunk tallies, gathered on rank 0 in rank order (the chunk
/// order, as each rank runs a contiguous block of a round); empty elsewhere.
/// Tally: to_words() and from_words(words, count), an exact round trip.
template <class Tally>
std::vector<Tally> gather_on_rank_0(const std::vector<Tally>& mine, int rank, int size) {
  std::vector<std::uint64_t> words;
  for (const Tally& t : mine) {
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
    for (int r = 1; r < size; ++r)
      displs[static_cast<std::size_t>(r)] = displs[static_cast<std::size_t>(r - 1)] + counts[static_cast<std::size_t>(r - 1)];
    all.resize(static_cast<std::size_t>(displs.back() + counts.back()));
  }
  MPI_Gatherv(words.data(), my_count, MPI_UINT64_T, all.data(), counts.data(), displs.data(), MPI_UINT64_T, 0,
              MPI_COMM_WORLD);
  std::vector<Tally> ordered;
  for (std::size_t p = 0; p < all.size();) {
    const auto n = static_cast<std::size_t>(all[p]);
    ordered.push_back(Tally::from_words(all.data() + p + 1, n));
    p += n + 1;
  }
  return ordered;
}

/// MPI run: chunks are dealt in rounds; in each round rank r runs a contiguous
/// block of chunks, rank 0 gathers every chunk's tally and merges them in chunk
/// order (applying the stop rule), then tells the others whether to go on.
/// The merged tally is exactly the one a single process computes.
int run_mpi(const run_args& a) {
  return mpi_session([&](int rank, int size) {
    const loaded_scenario l = load(a.scenario_path);
    const scenario& sc = l.sc;
    const engagement_model model(sc);
    const nlohmann::json reach = rank == 0 ? checked_reach(model, a) : nlohmann::json();
    monte_carlo_options o = options_for(sc, a);
    const std::uint64_t chunks = chunk_count(o);
    const int threads = a.threads > 0 ? a.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const std::uint64_t per_rank = 4 * static_cast<std::uint64_t>(threads);
    // Rank 0 alone reads and writes the checkpoint, and tells the others where to start.
    std::optional<run_checkpoint> checkpoint;
    std::uint64_t start_chunk = 0;
    std::string failure;
    if (rank == 0) {
      try {
        checkpoint.emplace(a, l, o);
        if (const monte_carlo_state* s = checkpoint->resumed()) start_chunk = s->stopped_early ? chunks : s->next_chunk;
      } catch (const std::exception& e) {
        failure = e.what();
      }
    }
    std::uint64_t start_message[2] = {start_chunk, failure.empty() ? 0u : 1u};
    MPI_Bcast(start_message, 2, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    if (start_message[1] != 0) throw run_error(failure);
    start_chunk = start_message[0];

    const interrupt_guard guard;
    const auto start = std::chrono::steady_clock::now();
    monte_carlo_result result;
    monte_carlo_state state;
    if (rank == 0 && checkpoint->resumed()) state = *checkpoint->resumed();
    state.tally.by_class.resize(std::max(state.tally.by_class.size(), sc.classes.size()));
    auto progress = progress_printer(!a.quiet && rank == 0, state.tally.trials);
    bool interrupted = false;
    for (std::uint64_t base = start_chunk; base < chunks; base += per_rank * static_cast<std::uint64_t>(size)) {
      const std::uint64_t first = std::min(chunks, base + per_rank * static_cast<std::uint64_t>(rank));
      const std::uint64_t last = std::min(chunks, first + per_rank);
      // A round is never cut short (no cancel flag here): rank 0 merges whole, contiguous rounds only.
      const std::vector<monte_carlo_tally> ordered = gather_on_rank_0(run_chunks(model, o, {first, last - first}), rank, size);
      // Bit 1: rank 0 reached the half-width target; bit 2: some rank got SIGINT or SIGTERM.
      int my_stop = guard.flag()->load() ? 2 : 0;
      if (rank == 0) {
        bool stopped = false;
        state.next_chunk += merge_in_order(state.tally, ordered, o, stopped);
        state.stopped_early = stopped;
        if (stopped) my_stop |= 1;
        if (progress) {
          monte_carlo_progress pr;
          pr.trials_done = state.tally.trials;
          pr.trials_planned = o.trials;
          pr.elapsed_s = seconds_since(start);
          pr.p_leak = wilson_interval(state.tally.trials_with_leak, state.tally.trials, o.confidence);
          progress(pr);
        }
        checkpoint->periodic(state, seconds_since(start));
      }
      int stop = 0;
      MPI_Allreduce(&my_stop, &stop, 1, MPI_INT, MPI_BOR, MPI_COMM_WORLD);
      if (stop & 1) break;
      if (stop & 2) {
        interrupted = true;  // rank 0 checks below whether chunks were left
        break;
      }
    }
    return rank_0_status(rank, [&] {
      interrupted = interrupted && state.next_chunk < chunks;
      result.tally = state.tally;
      result.stopped_early = state.stopped_early;
      result.next_chunk = state.next_chunk;
      result.cancelled = interrupted;
      result.elapsed_s = seconds_since(start);
      add_earlier_sessions(result, checkpoint->elapsed_before_s());
      result.estimates = estimate(result.tally, o.confidence);
      emit(sc, o, result, reach, a, interrupted);
      checkpoint->final(state, seconds_since(start), !interrupted);
      return interrupted ? report_interrupt(guard, result, o, *checkpoint) : 0;
    });
  });
}
#endif

// ---- --rare-event ----------------------------------------------------------

/// Most trials a relative-error target may run to when --trials does not say.
constexpr std::uint64_t rare_event_default_max_trials = 100'000'000;
constexpr double rare_event_default_target = 0.1;

void check_rare_event_args(const run_args& a) {
  if (!a.rare_event) {
    if (a.target_relative_error || !a.bias_pk.empty() || a.biasing_scope != "auto" || a.leakers_at_least != 1 ||
        !a.rare_event_asset.empty() || a.tune_raid_counts || a.tune_detection)
      throw usage_error("--target-relative-error, --bias-pk, --biasing-scope, --leakers-at-least, --rare-event-asset, "
                        "--tune-raid-counts and --tune-detection need --rare-event");
    return;
  }
  if (!a.checkpoint_path.empty() || !a.resume_path.empty())
    throw usage_error("--rare-event runs have no checkpoints (--checkpoint, --resume)");
  if (a.target_halfwidth) throw usage_error("--rare-event stops on --target-relative-error, not --target-halfwidth");
  if (!a.csv_path.empty()) throw usage_error("--rare-event writes no CSV (use --json)");
  if (a.target_relative_error && !(*a.target_relative_error >= 0.0 && *a.target_relative_error < 1.0))
    throw usage_error("--target-relative-error must be in [0, 1) (0: run every trial)");
  if (a.leakers_at_least < 1) throw usage_error("--leakers-at-least must be >= 1");
  if (a.pilot_trials < 10) throw usage_error("--pilot-trials must be >= 10");
  if (a.cross_entropy_iterations < 1 || a.cross_entropy_iterations > 200)
    throw usage_error("--cross-entropy-iterations must be in 1..200");
}

/// The fixed law of --bias-pk entries "TYPE:CLASS=PK" (TYPE may be left out
/// when the scenario has one interceptor type).
importance_law law_from_args(const engagement_model& model, const run_args& a, biasing_scope scope) {
  const scenario& area = model.scenario_data();
  importance_law law = unbiased_law(model, scope);
  for (const std::string& entry : a.bias_pk) {
    const auto eq = entry.find('=');
    if (eq == std::string::npos) throw usage_error(fmt::format("--bias-pk '{}': expected TYPE:CLASS=PK", entry));
    const std::string pair = entry.substr(0, eq), value = entry.substr(eq + 1);
    const auto colon = pair.find(':');
    std::string type_name = colon == std::string::npos ? std::string() : pair.substr(0, colon);
    const std::string class_name = colon == std::string::npos ? pair : pair.substr(colon + 1);
    if (type_name.empty()) {
      if (area.interceptors.size() != 1)
        throw usage_error(fmt::format("--bias-pk '{}': name the interceptor type (TYPE:CLASS=PK), the scenario has {}",
                                      entry, area.interceptors.size()));
      type_name = area.interceptors[0].name;
    }
    auto type_it = std::find_if(area.interceptors.begin(), area.interceptors.end(),
                                [&](const interceptor_type& t) { return t.name == type_name; });
    if (type_it == area.interceptors.end())
      throw usage_error(fmt::format("--bias-pk '{}': no interceptor type '{}'", entry, type_name));
    auto class_it = std::find_if(area.classes.begin(), area.classes.end(),
                                 [&](const threat_class& c) { return c.name == class_name; });
    if (class_it == area.classes.end())
      throw usage_error(fmt::format("--bias-pk '{}': no threat class '{}'", entry, class_name));
    double pk = 0.0;
    try {
      std::size_t used = 0;
      pk = std::stod(value, &used);
      if (used != value.size()) throw std::invalid_argument(value);
    } catch (const std::exception&) {
      throw usage_error(fmt::format("--bias-pk '{}': '{}' is not a number", entry, value));
    }
    if (!(pk > 0.0 && pk < 1.0)) throw usage_error(fmt::format("--bias-pk '{}': the Pk must be in (0, 1)", entry));
    const auto k = static_cast<std::size_t>(type_it - area.interceptors.begin());
    const auto c = static_cast<std::size_t>(class_it - area.classes.begin());
    law.kill_pk[k * area.classes.size() + c] = pk;
  }
  try {
    return make_importance_law(model, law);
  } catch (const std::invalid_argument& e) {
    throw usage_error(fmt::format("--bias-pk: {}", e.what()));
  }
}

/// What a --rare-event run does, from the arguments; a fixed law (--bias-pk) goes to *fixed.
rare_event_options rare_event_options_for(const engagement_model& model, const run_args& a,
                                          std::optional<importance_law>& fixed) {
  const scenario& area = model.scenario_data();
  rare_event_options o;
  o.seed = a.seed.value_or(area.monte_carlo.seed);
  o.confidence = area.monte_carlo.confidence;
  o.threads = a.threads;
  o.target_relative_error = a.target_relative_error.value_or(a.trials ? 0.0 : rare_event_default_target);
  o.trials = a.trials.value_or(o.target_relative_error > 0.0 ? rare_event_default_max_trials : area.monte_carlo.trials);
  o.leaker_threshold = a.leakers_at_least;
  if (!a.rare_event_asset.empty()) {
    const std::vector<asset>& assets = area.assets;
    const auto it = std::find_if(assets.begin(), assets.end(), [&](const asset& x) { return x.name == a.rare_event_asset; });
    if (it == assets.end()) throw usage_error(fmt::format("--rare-event-asset '{}': no such asset", a.rare_event_asset));
    o.target_asset = static_cast<int>(it - assets.begin());
  }
  o.pilot_trials = a.pilot_trials;
  o.cross_entropy_iterations = a.cross_entropy_iterations;
  o.tune_raid_counts = a.tune_raid_counts;
  o.tune_detection = a.tune_detection;
  if (a.biasing_scope == "one_threat" || a.biasing_scope == "every_threat") {
    o.automatic_scope = false;
    o.scope = a.biasing_scope == "one_threat" ? biasing_scope::one_threat : biasing_scope::every_threat;
  } else if (a.biasing_scope != "auto") {
    throw usage_error(fmt::format("--biasing-scope '{}': expected auto, one_threat or every_threat", a.biasing_scope));
  }
  if (!a.bias_pk.empty()) {
    fixed = law_from_args(model, a, o.scope);
    o.fixed_law = &*fixed;
  }
  return o;
}

/// Warnings on stderr, then the JSON and the summary; throws exit_with_code for an interrupted run.
void emit_rare_event(const scenario& sc, const rare_event_options& o, const rare_event_result& r,
                     const nlohmann::json& reach, const run_args& a, const interrupt_guard& guard) {
  for (const std::string& w : r.warnings) logger()->warn("{}: {}", a.scenario_path, w);
  nlohmann::json j = rare_event_to_json(sc, o, r);
  j["interceptor_reach"] = reach;
  j["interrupted"] = r.cancelled;
  write_outputs({{a.json_path, j.dump(2) + "\n"}});
  if (a.json_path != "-") std::cout << format_rare_event_summary(sc, o, r) << std::flush;
  if (r.cancelled) {
    std::cerr << fmt::format("samsim: interrupted by {} after {} trials\n", guard.signal_name(), r.tally.trials);
    throw exit_with_code{guard.exit_code()};
  }
}

void rare_event_command(const run_args& a) {
  const loaded_scenario l = load(a.scenario_path);
  const engagement_model model(l.sc);
  const nlohmann::json reach = checked_reach(model, a);
  std::optional<importance_law> fixed;
  rare_event_options o = rare_event_options_for(model, a, fixed);
  const interrupt_guard guard;
  o.cancel = guard.flag();
  if (!a.quiet && stderr_is_terminal())
    o.progress = [&](std::uint64_t done, const rare_event_estimate& e) {
      std::cerr << fmt::format("\r  {} trials  P {:.4g} +- {:.2g} (relative error {:.3f})   ", done, e.estimate,
                               e.standard_error, e.relative_error)
                << std::flush;
    };
  const rare_event_result r = run_rare_event(model, o);
  if (o.progress) std::cerr << "\n";
  emit_rare_event(l.sc, o, r, reach, a, guard);
}

#ifdef SAMSIM_HAVE_MPI
/// --rare-event under MPI: every rank tunes the same law (tuning is
/// deterministic, so no message is needed), then the run's chunks are dealt
/// in rounds as in run_mpi and rank 0 merges them in chunk order with the
/// relative-error rule: the result is the single-process one.
int rare_event_mpi(const run_args& a) {
  return mpi_session([&](int rank, int size) {
    const loaded_scenario l = load(a.scenario_path);
    const engagement_model model(l.sc);
    const nlohmann::json reach = rank == 0 ? checked_reach(model, a) : nlohmann::json();
    std::optional<importance_law> fixed;
    const rare_event_options o = rare_event_options_for(model, a, fixed);
    const interrupt_guard guard;
    const auto start = std::chrono::steady_clock::now();
    rare_event_result result = tune_rare_event(model, o);
    const std::uint64_t chunks = rare_event_chunk_count(o);
    const int threads = a.threads > 0 ? a.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const std::uint64_t per_rank = 4 * static_cast<std::uint64_t>(threads);
    rare_event_tally total;
    total.by_asset.resize(model.scenario_data().assets.size());
    std::uint64_t merged = 0;
    for (std::uint64_t base = 0; base < chunks; base += per_rank * static_cast<std::uint64_t>(size)) {
      const std::uint64_t first = std::min(chunks, base + per_rank * static_cast<std::uint64_t>(rank));
      const std::uint64_t last = std::min(chunks, first + per_rank);
      const auto ordered = gather_on_rank_0(run_rare_event_chunks(model, result.law, o, {first, last - first}), rank, size);
      int my_stop = guard.flag()->load() ? 2 : 0;  // bit 1: the target is reached; bit 2: an interrupt
      if (rank == 0)
        for (const rare_event_tally& t : ordered) {
          total.merge(t);
          ++merged;
          if (rare_event_target_reached(total, o)) {
            result.stopped_early = true;
            my_stop |= 1;
            break;
          }
        }
      int stop = 0;
      MPI_Allreduce(&my_stop, &stop, 1, MPI_INT, MPI_BOR, MPI_COMM_WORLD);
      if (stop & 1) break;
      if (stop & 2) {
        result.cancelled = true;  // rank 0 checks below whether chunks were left
        break;
      }
    }
    return rank_0_status(rank, [&] {
      result.cancelled = result.cancelled && !result.stopped_early && merged < chunks;
      finish_rare_event(model, o, std::move(total), result);
      result.elapsed_s = seconds_since(start);
      emit_rare_event(l.sc, o, result, reach, a, guard);
      return 0;
    });
  });
}
#endif

void run_command(const run_args& a) {
  check_args(a);
  check_rare_event_args(a);
#ifdef SAMSIM_HAVE_MPI
  if (a.rare_event && started_by_mpirun()) std::exit(rare_event_mpi(a));
#endif
  if (a.rare_event) return rare_event_command(a);
#ifdef SAMSIM_HAVE_MPI
  if (started_by_mpirun()) {
    const int status = run_mpi(a);
    std::exit(status);
  }
#endif
  const loaded_scenario l = load(a.scenario_path);
  const scenario& sc = l.sc;
  const engagement_model model(sc);
  const nlohmann::json reach = checked_reach(model, a);
  monte_carlo_options o = options_for(sc, a);
  run_checkpoint checkpoint(a, l, o);
  const interrupt_guard guard;
  const auto start = std::chrono::steady_clock::now();
  o.progress = progress_printer(!a.quiet, checkpoint.resumed() ? checkpoint.resumed()->tally.trials : 0);
  o.cancel = guard.flag();
  o.resume = checkpoint.resumed();
  o.chunk_merged = [&](const monte_carlo_state& s) { checkpoint.periodic(s, seconds_since(start)); };
  monte_carlo_result r = run_monte_carlo(model, o);
  add_earlier_sessions(r, checkpoint.elapsed_before_s());
  // Outputs first: a complete run's result matters more than its last checkpoint.
  emit(sc, o, r, reach, a, r.cancelled);
  checkpoint.final(state_of(r), seconds_since(start), !r.cancelled);
  if (r.cancelled) throw exit_with_code{report_interrupt(guard, r, o, checkpoint)};
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
  sub->add_option("--checkpoint", a->checkpoint_path,
                  "Write the run's state to FILE every --checkpoint-interval seconds and at the end");
  sub->add_option("--resume", a->resume_path,
                  "Continue the run checkpointed in FILE (same scenario and options); checkpoints go on to FILE "
                  "unless --checkpoint names another");
  sub->add_option("--checkpoint-interval", a->checkpoint_interval_s, "Seconds between checkpoints")
      ->capture_default_str();
  sub->add_flag("--quiet", a->quiet, "No progress line");
  sub->add_flag("--rare-event", a->rare_event,
                "Importance sampling for rare leaks, tuned by cross-entropy (docs/rare-events.md)");
  sub->add_option("--target-relative-error", a->target_relative_error,
                  "--rare-event: stop once the estimate's relative error is at most this (default 0.1 unless --trials "
                  "is given; 0: run every trial)");
  sub->add_option("--leakers-at-least", a->leakers_at_least,
                  "--rare-event: the event is at least this many leakers in a trial")
      ->capture_default_str();
  sub->add_option("--rare-event-asset", a->rare_event_asset,
                  "--rare-event: the event is this asset reached (tuning and stopping follow it)");
  sub->add_flag("--tune-raid-counts", a->tune_raid_counts,
                "--rare-event: tune the mean of every Poisson raid group too");
  sub->add_flag("--tune-detection", a->tune_detection,
                "--rare-event: tune a detection miss scale per battery and threat class too");
  sub->add_option("--pilot-trials", a->pilot_trials, "--rare-event: trials per cross-entropy pilot")
      ->capture_default_str();
  sub->add_option("--cross-entropy-iterations", a->cross_entropy_iterations,
                  "--rare-event: cross-entropy iterations at most")
      ->capture_default_str();
  sub->add_option("--biasing-scope", a->biasing_scope,
                  "--rare-event: auto, one_threat (a mixture over the threats) or every_threat")
      ->capture_default_str();
  sub->add_option("--bias-pk", a->bias_pk,
                  "--rare-event: fix the biased Pk of a pair, TYPE:CLASS=PK (TYPE optional with one type); "
                  "repeatable; no tuning")
      ->take_all();
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
