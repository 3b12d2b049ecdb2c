#pragma once
// Checkpoints of `samsim run` and `samsim sweep` (docs/reliability.md): where
// a run stands (monte_carlo_state: the merged tally of a prefix of chunks and
// the next chunk), and the identity of the run it belongs to (samsim version,
// the scenario's hash, the options that fix the result). A checkpoint is
// resumed only by a run with the same identity; otherwise the resume is
// refused with every field that differs.

#include <samsim/monte_carlo.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace samsim::cli {

/// "fnv1a64:<16 hex digits>" of the document's canonical text (keys sorted,
/// no whitespace): a reformatted file keeps its hash, any changed value does not.
std::string scenario_hash(const nlohmann::json& document);

/// The identity every checkpoint records: {"samsim_version", "scenario": {"name", "hash"}} plus `options`.
nlohmann::json run_identity(const nlohmann::json& document, const std::string& scenario_name,
                            const nlohmann::json& options);

/// The options of a run that fix its result (the thread and process counts do not).
nlohmann::json result_options(const monte_carlo_options& options);

/// A run state as JSON ({"next_chunk", "trials_done", "stopped_early", "tally": [words]}) and back.
nlohmann::json state_to_json(const monte_carlo_state& state);
/// Throws run_error naming `where` (the file) when the object is not a state.
monte_carlo_state state_from_json(const nlohmann::json& j, const std::string& where);

/// Checks the checkpoint options of a command; throws usage_error.
void check_checkpoint_args(const std::string& checkpoint_path, const std::string& resume_path, double interval_s);

/// check_state for a state read from `path`: throws run_error naming the file and what does not add up.
void check_resumed_state(const monte_carlo_state& state, const monte_carlo_options& options, const std::string& path);

/// Writes a checkpoint of `kind` ("run" or "sweep") atomically: {"samsim_checkpoint": 1,
/// "kind", "identity", ...body}.
void write_checkpoint(const std::string& path, const std::string& kind, const nlohmann::json& identity,
                      const nlohmann::json& body);

/// write_checkpoint for the checkpoints a run takes on the way: a failure
/// (disk full, say) is a warning on stderr and the run goes on (a throw from
/// inside the Monte Carlo's merge would end it); the final checkpoint of an
/// interrupted run uses write_checkpoint and fails the command instead.
void write_checkpoint_or_warn(const std::string& path, const std::string& kind, const nlohmann::json& identity,
                              const nlohmann::json& body);

/// Reads a checkpoint of `kind` and checks it against `identity`; throws
/// run_error when the file is missing, not a checkpoint, or of another run
/// (the message lists every field that differs, with both values).
nlohmann::json read_checkpoint(const std::string& path, const std::string& kind, const nlohmann::json& identity);

/// Decides when the next periodic checkpoint is due: at most one per interval.
class checkpoint_clock {
 public:
  explicit checkpoint_clock(double interval_s) : interval_s_(interval_s), last_(std::chrono::steady_clock::now()) {}
  /// True (and restarts the interval) when interval_s has passed since the last time it was true.
  bool due() {
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - last_).count() < interval_s_) return false;
    last_ = now;
    return true;
  }

 private:
  double interval_s_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace samsim::cli
