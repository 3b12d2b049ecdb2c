#pragma once
// Running the built `samsim` as a child process that a test can signal or kill
// at a moment it chooses (cli_helpers.hpp runs it to completion through the shell).

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace process_test {

/// A started child: its pid (also its process group: signals reach every process it started).
struct child {
  pid_t pid = -1;
};

/// Starts `argv` with stdout and stderr sent to the two files, in a process group of its own.
inline child spawn(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  child c;
  const int rc = posix_spawn(&c.pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  REQUIRE(rc == 0);
  return c;
}

/// How a child ended.
struct ending {
  bool exited = false;
  int exit_code = -1;
  int signal = 0;  ///< the signal that ended it (when !exited)
};

/// Waits for the child to end (and its process group's other members, which get SIGKILL after it has).
inline ending wait_for(const child& c) {
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(c.pid, &status, 0);
  } while (r < 0 && errno == EINTR);
  REQUIRE(r == c.pid);
  ending e;
  e.exited = WIFEXITED(status);
  e.exit_code = e.exited ? WEXITSTATUS(status) : -1;
  e.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return e;
}

/// True once the child has ended (reaps nothing: it stays waitable).
inline bool has_ended(const child& c) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(c.pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == c.pid;
}

/// The state recorded in a checkpoint file, if the file exists. A file that
/// exists must be a complete checkpoint: they are written atomically.
struct checkpoint_view {
  std::uint64_t next_chunk = 0;
  std::uint64_t trials_done = 0;
  bool complete = false;
};

inline std::optional<checkpoint_view> read_checkpoint(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  INFO("checkpoint " << path << ":\n" << ss.str().substr(0, 2000));
  REQUIRE(!j.is_discarded());
  checkpoint_view v;
  const nlohmann::json& state = j.contains("points") ? j.at("current") : j.at("state");
  if (j.contains("points")) {
    // A sweep: progress is points finished x a large number + the current point's chunks.
    v.next_chunk = j.at("points").size() * 1000000 + (state.is_null() ? 0 : state.at("next_chunk").get<std::uint64_t>());
  } else {
    v.next_chunk = state.at("next_chunk").get<std::uint64_t>();
    v.trials_done = state.at("trials_done").get<std::uint64_t>();
  }
  v.complete = j.at("complete").get<bool>();
  return v;
}

/// Polls until the checkpoint shows progress past `after` (or the child ends, or 120 s pass).
/// Returns whether progress was seen while the child was still running.
inline bool wait_for_progress(const child& c, const std::filesystem::path& checkpoint, std::uint64_t after) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    if (has_ended(c)) return false;
    if (const auto v = read_checkpoint(checkpoint); v && v->next_chunk > after) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  FAIL("no checkpoint progress within 120 s");
  return false;
}

/// The parsed JSON of a file (which must exist and be JSON).
inline nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  INFO("file " << path);
  REQUIRE(in.good());
  std::ostringstream ss;
  ss << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  REQUIRE(!j.is_discarded());
  return j;
}

/// A run result without the fields that measure time (they differ run to run).
inline nlohmann::json without_timing(nlohmann::json j) {
  REQUIRE(j.contains("elapsed_s"));
  REQUIRE(j.contains("trials_per_second"));
  j.erase("elapsed_s");
  j.erase("trials_per_second");
  return j;
}

/// Files in `dir` whose name contains ".tmp." (left-over temporary outputs).
inline std::vector<std::string> temporary_files(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos) out.push_back(e.path().string());
  return out;
}

}  // namespace process_test
