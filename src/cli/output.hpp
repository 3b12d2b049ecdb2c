#pragma once
// Output helpers shared by the subcommands: files are written to a temporary
// name beside the target and renamed into place, so an interrupted or failed
// run never leaves a half-written file.

#include <filesystem>
#include <string>

namespace samsim::cli {

/// Writes `content` to `path` atomically ("-" writes to stdout). Throws run_error on failure.
void write_output(const std::string& path, const std::string& content);

/// True when stderr is a terminal (progress lines are shown only then).
bool stderr_is_terminal();

}  // namespace samsim::cli
