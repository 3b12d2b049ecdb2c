#pragma once
// Registration of the samsim subcommands: each src/cli/cmd_*.cpp adds its own
// subcommand through a static `registrar`, so commands stay independent.

#include <CLI/CLI.hpp>

#include <functional>
#include <stdexcept>
#include <string>

namespace samsim::cli {

/// Adds one subcommand (with its callback) to the application.
using setup_fn = std::function<void(CLI::App& app)>;

struct registrar {
  /// `order` fixes where the subcommand appears in --help.
  registrar(int order, setup_fn setup);
};

/// Bad command-line arguments: printed as one line, exit code 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A failure while running (bad scenario, unreadable file): one line, exit code 1.
struct run_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A command that ends with a given exit code after it has reported why (an
/// interrupted run: 128 + the signal). Thrown so that destructors run.
struct exit_with_code {
  int code = 1;
};

}  // namespace samsim::cli
