#pragma once
// Running the built `samsim` command from a test: its exit code and output.

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace cli_test {

struct run_result {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr together, unless the caller redirected stderr
};

/// Runs `samsim <args>` through the shell; `redirect` is appended (default: stderr joins stdout).
inline run_result run_cli(const std::string& args, const std::string& redirect = "2>&1") {
  const std::string command = std::string("'") + SAMSIM_CLI_PATH + "' " + args + " " + redirect;
  run_result result;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace cli_test
