#pragma once
// SIGINT and SIGTERM during a long run: the first one sets a flag that the
// Monte Carlo checks at each chunk boundary (monte_carlo_options::cancel), so
// the run stops cleanly and writes what it has; a second one ends the process
// at once (the default action: output files are written atomically, so even
// then none is half-written).

#include <atomic>

namespace samsim::cli {

/// Installs the handlers for its lifetime (the previous ones come back after).
class interrupt_guard {
 public:
  interrupt_guard();
  ~interrupt_guard();
  interrupt_guard(const interrupt_guard&) = delete;
  interrupt_guard& operator=(const interrupt_guard&) = delete;

  /// Set by the first SIGINT or SIGTERM.
  const std::atomic<bool>* flag() const;
  /// The signal received (0: none yet).
  int signal_number() const;
  /// The exit code of a run stopped by that signal: 128 + its number, as a shell reports it.
  int exit_code() const { return 128 + signal_number(); }
  /// "SIGINT" or "SIGTERM".
  const char* signal_name() const;
};

}  // namespace samsim::cli
