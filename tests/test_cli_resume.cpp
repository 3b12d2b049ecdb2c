// Checkpoint, resume and interrupts of `samsim run` and `samsim sweep`
// (docs/reliability.md), through the built command line run as a child process
// that the test kills or signals.
//
// The oracle is the command itself run without interruption: a run killed
// with SIGKILL at random moments and resumed each time, or stopped by SIGINT
// or SIGTERM and resumed, must give the same JSON (CSV for sweeps) bit for
// bit, timing fields aside (README, reproducibility: tallies are exact
// integers merged in chunk order). The kill moments are random (a fixed seed
// picks them, but the run's speed decides where they land), the outcome is
// not: every check holds wherever the kills land.
#include "cli_helpers.hpp"
#include "process_helpers.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <csignal>
#include <functional>
#include <random>
#include <string>
#include <vector>

using json = nlohmann::json;
using namespace process_test;

namespace {

std::string scenario_path(const std::string& name) { return std::string(SAMSIM_SCENARIO_DIR) + "/" + name; }

// Fewer trials under the sanitizers, which run the engine about ten times slower.
#if defined(SAMSIM_TEST_SANITIZED)
constexpr int long_run_trials = 12000;
#else
constexpr int long_run_trials = 60000;
#endif

std::vector<std::string> samsim_args(std::vector<std::string> args) {
  args.insert(args.begin(), SAMSIM_CLI_PATH);
  return args;
}

/// Runs samsim to completion; returns how it ended.
ending run_to_end(const cli_test::temp_dir& dir, const std::vector<std::string>& args) {
  const child c = spawn(samsim_args(args), dir / "out.txt", dir / "err.txt");
  const ending e = wait_for(c);
  INFO("samsim " << Catch::Detail::stringify(args) << "\nstderr: " << cli_test::read_text(dir / "err.txt"));
  REQUIRE(e.exited);
  return e;
}

/// `samsim run` with a json output, to completion with exit code 0.
json reference_run(const cli_test::temp_dir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "run");
  args.insert(args.end(), {"--quiet", "--json", dir / "reference.json"});
  const ending e = run_to_end(dir, args);
  INFO("stderr: " << cli_test::read_text(dir / "err.txt"));
  REQUIRE(e.exit_code == 0);
  return read_json(dir / "reference.json");
}

/// An interrupted result is exactly its first `trials` trials: a run of that
/// many gives the same JSON (but for the requested count and the marks).
void check_is_prefix(const cli_test::temp_dir& dir, const json& partial, const std::string& scenario) {
  const auto done = partial.at("trials").get<std::uint64_t>();
  json prefix = without_timing(reference_run(dir, {scenario_path(scenario), "--trials", std::to_string(done)}));
  json cut = without_timing(partial);
  for (const char* key : {"trials_requested", "interrupted", "cancelled"}) {
    cut.erase(key);
    prefix.erase(key);
  }
  CHECK(cut == prefix);
}

/// Sessions of one checkpointed run: each but the last is killed with SIGKILL
/// at a random moment after it made progress of its own (the checkpoint
/// advanced); the last runs to the end, unless the run completed before.
/// `command(k)` is session k's argv. `after_kill` waits for whatever a killed
/// session leaves running. Returns the number of sessions killed mid-run.
int kill_and_resume(const cli_test::temp_dir& dir, int sessions, std::uint64_t seed, int max_delay_ms,
                    const std::string& checkpoint, const std::function<std::vector<std::string>(int)>& command,
                    const std::function<void()>& after_kill = {},
                    const std::function<void(pid_t)>& kill_session = [](pid_t pid) { ::kill(pid, SIGKILL); }) {
  std::mt19937_64 moments(seed);
  std::uniform_int_distribution<int> delay_ms(0, max_delay_ms);
  int killed_mid_run = 0;
  std::uint64_t last_chunk = 0;
  for (int session = 0; session < sessions; ++session) {
    const child c = spawn(command(session), dir / "out.txt", dir / "err.txt");
    INFO("session " << session << " of " << sessions);
    if (session + 1 == sessions) {
      const ending e = wait_for(c);
      INFO("stderr: " << cli_test::read_text(dir / "err.txt"));
      REQUIRE(e.exited);
      REQUIRE(e.exit_code == 0);
      break;
    }
    const bool running = wait_for_progress(c, checkpoint, last_chunk);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(moments)));
    kill_session(c.pid);
    const ending e = wait_for(c);
    INFO("stderr: " << cli_test::read_text(dir / "err.txt"));
    if (e.signal == SIGKILL) {
      ++killed_mid_run;
    } else {
      REQUIRE(e.exited);  // it finished before the kill landed
      REQUIRE(e.exit_code == 0);
    }
    if (after_kill) after_kill();
    const auto v = read_checkpoint(checkpoint);  // whole: it is written atomically (read_checkpoint checks)
    REQUIRE(v.has_value());
    CHECK((v->next_chunk > last_chunk || !running));
    last_chunk = v->next_chunk;
    if (v->complete) break;
  }
  return killed_mid_run;
}

}  // namespace

TEST_CASE("run: killed with SIGKILL at random moments and resumed each time, the result is bit-identical",
          "[cli][resume]") {
  const cli_test::temp_dir dir("resume");
  const std::string trials = std::to_string(long_run_trials);
  const std::vector<std::string> common = {"run", scenario_path("small-raid.json"), "--trials", trials, "--quiet"};
  const json reference = reference_run(dir, {scenario_path("small-raid.json"), "--trials", trials, "--threads", "2"});

  const std::string checkpoint = dir / "run.ckpt";
  const std::string output = dir / "result.json";
  const int sessions = 7;
  const int killed = kill_and_resume(dir, sessions, 20240611, 40, checkpoint, [&](int session) {
    std::vector<std::string> args = common;
    // Another thread count in each session: the result does not depend on it.
    args.insert(args.end(), {"--threads", std::to_string(1 + session % 3), "--json", output, "--checkpoint",
                             checkpoint, "--checkpoint-interval", "0"});
    if (session > 0) args.insert(args.end(), {"--resume", checkpoint});
    // A result file appears only when the run is complete.
    CHECK((session == 0 || !std::filesystem::exists(output)));
    return samsim_args(args);
  });
  // Most kills land mid-run (each waits for the session's own progress first).
  CHECK(killed >= sessions - 2);
  const json resumed = read_json(output);
  CHECK(resumed["interrupted"] == false);
  CHECK(without_timing(resumed) == without_timing(reference));
}

TEST_CASE("run: SIGINT and SIGTERM stop at a chunk boundary, write an interrupted result, and it resumes",
          "[cli][resume][interrupt]") {
  const cli_test::temp_dir dir("interrupt");
  const std::string trials = std::to_string(long_run_trials);
  const json reference = reference_run(dir, {scenario_path("small-raid.json"), "--trials", trials, "--threads", "2"});
  for (const int sig : {SIGINT, SIGTERM}) {
    INFO("signal " << sig);
    const std::string checkpoint = dir / ("run-" + std::to_string(sig) + ".ckpt");
    const std::string output = dir / "partial.json";
    const std::string csv = dir / "partial.csv";
    const child c = spawn(samsim_args({"run", scenario_path("small-raid.json"), "--trials", trials, "--threads", "2",
                                       "--quiet", "--json", output, "--csv", csv, "--checkpoint", checkpoint,
                                       "--checkpoint-interval", "0"}),
                          dir / "out.txt", dir / "err.txt");
    REQUIRE(wait_for_progress(c, checkpoint, 1));
    ::kill(c.pid, sig);  // the samsim process alone, as a shell's Ctrl-C or a batch system's SIGTERM
    const ending e = wait_for(c);
    const std::string err = cli_test::read_text(dir / "err.txt");
    INFO("stderr: " << err);
    REQUIRE(e.exited);
    CHECK(e.exit_code == 128 + sig);  // as a shell reports a process ended by the signal
    CHECK(err.find(std::string("interrupted by ") + (sig == SIGINT ? "SIGINT" : "SIGTERM")) != std::string::npos);
    CHECK(err.find("--resume " + checkpoint) != std::string::npos);
    CHECK(temporary_files(dir.path()).empty());
    CHECK(std::filesystem::exists(csv));

    // What it wrote is whole and marked, and stops at a chunk boundary (chunks of 256 trials, docs/cli.md).
    const json partial = read_json(output);
    CHECK(partial["interrupted"] == true);
    CHECK(partial["cancelled"] == true);
    const auto done = partial["trials"].get<std::uint64_t>();
    CHECK(done > 0);
    CHECK(done < static_cast<std::uint64_t>(long_run_trials));
    CHECK(done % 256 == 0);
    CHECK(partial["trials_requested"] == long_run_trials);
    const auto v = read_checkpoint(checkpoint);
    REQUIRE(v.has_value());
    CHECK(!v->complete);
    CHECK(v->trials_done == done);

    check_is_prefix(dir, partial, "small-raid.json");

    // And it resumes to the uninterrupted result.
    const ending r = run_to_end(dir, {"run", scenario_path("small-raid.json"), "--trials", trials, "--threads", "3",
                                      "--quiet", "--json", output, "--resume", checkpoint});
    CHECK(r.exit_code == 0);
    CHECK(without_timing(read_json(output)) == without_timing(reference));
  }
}

TEST_CASE("run: resume refuses a checkpoint of another run and says what differs", "[cli][resume]") {
  const cli_test::temp_dir dir("resume-refused");
  const json sc = read_json(scenario_path("single-threat.json"));
  const std::string scenario = dir / "sc.json";
  cli_test::write_text(scenario, sc.dump(2));
  const std::string checkpoint = dir / "run.ckpt";
  const std::vector<std::string> base = {"run", scenario, "--trials", "600", "--seed", "5", "--quiet",
                                         "--json", dir / "r.json"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  REQUIRE(run_to_end(dir, with({"--checkpoint", checkpoint})).exit_code == 0);
  const json complete_result = without_timing(read_json(dir / "r.json"));
  auto refused = [&](const std::vector<std::string>& args, const std::string& expected) {
    const ending e = run_to_end(dir, args);
    const std::string err = cli_test::read_text(dir / "err.txt");
    INFO("stderr: " << err << "\nexpected to contain: " << expected);
    CHECK(e.exit_code == 1);
    CHECK(err.find(expected) != std::string::npos);
  };

  SECTION("another seed, another trial count, another half-width target") {
    refused({"run", scenario, "--trials", "600", "--seed", "6", "--quiet", "--resume", checkpoint},
            "seed: checkpoint 5, this run 6");
    refused({"run", scenario, "--trials", "700", "--seed", "5", "--quiet", "--resume", checkpoint},
            "trials: checkpoint 600, this run 700");
    refused({"run", scenario, "--trials", "600", "--seed", "5", "--target-halfwidth", "0.01", "--quiet", "--resume",
             checkpoint},
            "target_halfwidth: checkpoint 0.0, this run 0.01");
  }
  SECTION("a changed scenario; a reformatted one is the same scenario") {
    json changed = sc;
    changed["battery"]["doctrine"]["salvo_size"] = 1;
    cli_test::write_text(scenario, changed.dump(2));
    refused(with({"--resume", checkpoint}), "scenario/hash: checkpoint \"fnv1a64:");
    cli_test::write_text(scenario, sc.dump(-1) + "\n\n");
    CHECK(run_to_end(dir, with({"--resume", checkpoint})).exit_code == 0);
  }
  SECTION("another samsim version") {
    json ck = read_json(checkpoint);
    ck["identity"]["samsim_version"] = "0.0.1";
    cli_test::write_text(checkpoint, ck.dump());
    refused(with({"--resume", checkpoint}),
            std::string("samsim_version: checkpoint \"0.0.1\", this run \"") + SAMSIM_VERSION_STRING + "\"");
  }
  SECTION("not a checkpoint, a missing file, a sweep's checkpoint") {
    cli_test::write_text(checkpoint, "{\"samsim_checkpoint\": 1, \"kind\": \"run\", \"identity\"");
    refused(with({"--resume", checkpoint}), "is not a samsim checkpoint");
    refused(with({"--resume", dir / "nosuch.ckpt"}), "nosuch.ckpt' does not exist");
    cli_test::write_text(checkpoint, R"({"samsim_checkpoint": 1, "kind": "sweep"})");
    refused(with({"--resume", checkpoint}), "is a checkpoint of 'samsim sweep', not of 'samsim run'");
  }
  SECTION("a tally that does not add up") {
    json ck = read_json(checkpoint);
    ck["state"]["tally"][0] = 599;  // the trial count (monte_carlo_tally::to_words: the first word)
    cli_test::write_text(checkpoint, ck.dump());
    refused(with({"--resume", checkpoint}), "inconsistent run state");
    ck["state"]["tally"].erase(ck["state"]["tally"].size() - 1);
    cli_test::write_text(checkpoint, ck.dump());
    refused(with({"--resume", checkpoint}), "not a samsim checkpoint");
  }
  SECTION("a complete checkpoint gives the complete result again") {
    REQUIRE(run_to_end(dir, with({"--resume", checkpoint})).exit_code == 0);
    CHECK(without_timing(read_json(dir / "r.json")) == complete_result);
  }
}

#ifdef SAMSIM_MPIRUN
namespace {

/// The processes other than this one with `needle` in their command line (/proc/PID/cmdline).
std::vector<pid_t> processes_mentioning(const std::string& needle) {
  std::vector<pid_t> found;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos || std::stoi(name) == ::getpid()) continue;
    std::string cmdline = cli_test::read_text(e.path() / "cmdline");
    for (char& ch : cmdline)
      if (ch == '\0') ch = ' ';
    if (cmdline.find(needle) != std::string::npos) found.push_back(static_cast<pid_t>(std::stoi(name)));
  }
  return found;
}
bool process_mentions(const std::string& needle) { return !processes_mentioning(needle).empty(); }

std::vector<std::string> mpirun_args(int ranks, std::vector<std::string> args) {
  // Open MPI 4 on one machine without a network, as tests/mpi_compare.cmake runs it.
  std::vector<std::string> out = {SAMSIM_MPIRUN, "--oversubscribe", "--allow-run-as-root", "--mca", "btl",
                                  "self,vader", "-np", std::to_string(ranks), SAMSIM_CLI_PATH};
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

}  // namespace

// Hidden from the default run ([.]): tests/cli_tests.cmake runs it alone (RUN_SERIAL), as the other MPI tests.
TEST_CASE("run under MPI: killed at random moments and resumed on other rank counts, gives the one-process bits",
          "[.][mpi][resume]") {
  const cli_test::temp_dir dir("resume-mpi");
  // Longer than the others: mpirun and its ranks take a while to start, and each session should
  // still have trials left when it is killed.
  const std::string trials = std::to_string(3 * long_run_trials);
  const json reference = reference_run(dir, {scenario_path("small-raid.json"), "--trials", trials, "--threads", "1"});
  const std::string checkpoint = dir / "run.ckpt";
  const std::string output = dir / "result.json";
  const std::vector<int> ranks = {2, 3, 1, 3, 2};
  const int killed = kill_and_resume(
      dir, static_cast<int>(ranks.size()), 977, 60, checkpoint,
      [&](int session) {
        std::vector<std::string> args = {"run", scenario_path("small-raid.json"), "--trials", trials, "--threads",
                                         "1", "--quiet", "--json", output, "--checkpoint", checkpoint,
                                         "--checkpoint-interval", "0"};
        if (session > 0) args.insert(args.end(), {"--resume", checkpoint});
        return mpirun_args(ranks[static_cast<std::size_t>(session)], args);
      },
      [&] {
        // Every process of the job is gone before the next session writes the checkpoint.
        for (int k = 0; k < 2000 && process_mentions(checkpoint); ++k)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        REQUIRE(!process_mentions(checkpoint));
      },
      [&](pid_t mpirun) {
        // The whole job at once, as a batch system or a lost machine ends it: mpirun and every
        // rank (each has the checkpoint path on its command line). Killing mpirun alone left
        // the ranks running on for a moment, long enough on a fast machine to finish the run,
        // and the test then saw too few sessions killed mid-run.
        ::kill(mpirun, SIGKILL);
        for (const pid_t rank : processes_mentioning(checkpoint)) ::kill(rank, SIGKILL);
      });
  CHECK(killed >= 2);
  CHECK(without_timing(read_json(output)) == without_timing(reference));
}

TEST_CASE("run under MPI: SIGTERM to mpirun stops every rank at a round boundary with an interrupted result",
          "[.][mpi][interrupt]") {
  const cli_test::temp_dir dir("interrupt-mpi");
  // Long enough that the signal always lands before the end (an idle machine runs small-raid.json's
  // 60,000 trials on two ranks in under 4 s); the run stops at the next round boundary anyway.
  const std::string trials = std::to_string(50 * long_run_trials);
  const std::string checkpoint = dir / "run.ckpt";
  const std::string output = dir / "partial.json";
  const std::vector<std::string> args = {"run", scenario_path("small-raid.json"), "--trials", trials, "--threads",
                                         "1", "--quiet", "--json", output, "--checkpoint", checkpoint,
                                         "--checkpoint-interval", "0"};
  const child c = spawn(mpirun_args(2, args), dir / "out.txt", dir / "err.txt");
  REQUIRE(wait_for_progress(c, checkpoint, 1));
  ::kill(c.pid, SIGTERM);  // mpirun forwards it to the ranks
  const ending e = wait_for(c);
  const std::string err = cli_test::read_text(dir / "err.txt");
  INFO("stderr: " << err);
  REQUIRE(e.exited);
  CHECK(e.exit_code != 0);
  CHECK(err.find("interrupted by SIGTERM") != std::string::npos);
  const json partial = read_json(output);
  CHECK(partial["interrupted"] == true);
  const auto v = read_checkpoint(checkpoint);
  REQUIRE(v.has_value());
  CHECK(!v->complete);
  CHECK(v->trials_done == partial["trials"].get<std::uint64_t>());
  CHECK(v->trials_done % 256 == 0);
  check_is_prefix(dir, partial, "small-raid.json");
}
#endif

namespace {

/// `samsim sweep` of small-raid.json over the raid size, with the given extra arguments.
std::vector<std::string> sweep_args(const std::string& csv, std::vector<std::string> extra) {
  std::vector<std::string> args = {"sweep",    scenario_path("small-raid.json"),      "--set", "/raid/0/count",
                                   "--values", "4,6,8,10",                            "--trials",
                                   std::to_string(long_run_trials / 4),               "--csv", csv};
  args.insert(args.end(), extra.begin(), extra.end());
  return samsim_args(args);
}

std::vector<std::string> csv_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("sweep: killed at random moments and resumed, or interrupted after k points, gives the same CSV",
          "[cli][resume][sweep]") {
  const cli_test::temp_dir dir("resume-sweep");
  const std::string reference_csv = dir / "reference.csv";
  {
    const child c = spawn(sweep_args(reference_csv, {"--threads", "2"}), dir / "out.txt", dir / "err.txt");
    const ending e = wait_for(c);
    REQUIRE(e.exited);
    REQUIRE(e.exit_code == 0);
  }
  const std::string reference = cli_test::read_text(reference_csv);
  REQUIRE(csv_lines(reference).size() == 5);  // the header and the four points

  SECTION("SIGKILL at random moments") {
    const std::string checkpoint = dir / "sweep.ckpt";
    const std::string csv = dir / "sweep.csv";
    const int killed = kill_and_resume(dir, 6, 31337, 40, checkpoint, [&](int session) {
      std::vector<std::string> extra = {"--threads", std::to_string(1 + session % 2), "--checkpoint", checkpoint,
                                        "--checkpoint-interval", "0"};
      if (session > 0) extra.insert(extra.end(), {"--resume", checkpoint});
      CHECK((session == 0 || !std::filesystem::exists(csv)));
      return sweep_args(csv, extra);
    });
    CHECK(killed >= 4);
    CHECK(cli_test::read_text(csv) == reference);
  }
  SECTION("SIGTERM after a finished point keeps it and continues from there") {
    const std::string checkpoint = dir / "sweep.ckpt";
    const std::string csv = dir / "partial.csv";
    const child c =
        spawn(sweep_args(csv, {"--threads", "2", "--checkpoint", checkpoint}), dir / "out.txt", dir / "err.txt");
    // Progress counts finished points in millions (process_helpers.hpp): wait for the first one.
    REQUIRE(wait_for_progress(c, checkpoint, 999999));
    ::kill(c.pid, SIGTERM);
    const ending e = wait_for(c);
    const std::string err = cli_test::read_text(dir / "err.txt");
    INFO("stderr: " << err);
    REQUIRE(e.exited);
    CHECK(e.exit_code == 128 + SIGTERM);
    CHECK(err.find("interrupted by SIGTERM after") != std::string::npos);
    const auto v = read_checkpoint(checkpoint);
    REQUIRE(v.has_value());
    const std::size_t points = v->next_chunk / 1000000;
    REQUIRE(points >= 1);
    REQUIRE(points < 4);
    // The CSV holds the finished points, each exactly as in the uninterrupted sweep.
    const auto partial = csv_lines(cli_test::read_text(csv));
    const auto full = csv_lines(reference);
    REQUIRE(partial.size() == points + 1);
    for (std::size_t k = 0; k < partial.size(); ++k) CHECK(partial[k] == full[k]);
    CHECK(temporary_files(dir.path()).empty());

    const child r = spawn(sweep_args(csv, {"--threads", "1", "--resume", checkpoint}), dir / "out.txt",
                          dir / "err.txt");
    const ending re = wait_for(r);
    REQUIRE(re.exited);
    CHECK(re.exit_code == 0);
    CHECK(cli_test::read_text(csv) == reference);
    // The finished points were not run again: their table rows come from the checkpoint, the same rows.
    const std::string table = cli_test::read_text(dir / "out.txt");
    CHECK(table.find("interrupted") == std::string::npos);
  }
}
