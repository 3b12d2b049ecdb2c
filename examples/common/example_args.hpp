#pragma once
// Command-line arguments of the examples that read a scenario file:
// `[SCENARIO.json] [TRIALS]`, defaulting to a file of examples/scenarios/ in
// this source tree (SAMSIM_EXAMPLE_SCENARIO_DIR, set by examples/CMakeLists.txt).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace example {

struct scenario_args {
  std::string path;
  std::uint64_t trials = 0;
};

/// The scenario path and trial count, or nullopt (after one line on stderr) when TRIALS is not a number >= 2.
inline std::optional<scenario_args> parse_scenario_args(int argc, char** argv, const char* program,
                                                        const char* default_file, std::uint64_t default_trials) {
  scenario_args a;
  a.path = argc > 1 ? argv[1] : std::string(SAMSIM_EXAMPLE_SCENARIO_DIR) + "/" + default_file;
  a.trials = default_trials;
  if (argc > 2) {
    char* end = nullptr;
    const long long n = std::strtoll(argv[2], &end, 10);
    if (end == argv[2] || *end != '\0' || n < 2) {
      std::fprintf(stderr, "%s: TRIALS must be a whole number >= 2 (got '%s')\n", program, argv[2]);
      return std::nullopt;
    }
    a.trials = static_cast<std::uint64_t>(n);
  }
  return a;
}

}  // namespace example
