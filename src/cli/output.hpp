#pragma once
// Output helpers shared by the subcommands: files are written to a temporary
// name beside the target and renamed into place, so an interrupted or failed
// run never leaves a half-written file.

#include <samsim/flyout.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace samsim::cli {

/// Writes `content` to `path` atomically ("-" writes to stdout). Throws run_error on failure.
void write_output(const std::string& path, const std::string& content);

/// Writes several files as one: every file goes to a temporary name first and
/// all are renamed only when all were written, so a failure leaves none of
/// them. Entries with an empty path are skipped; "-" goes to stdout at the end.
void write_outputs(const std::vector<std::pair<std::string, std::string>>& path_and_content);

/// True when stderr is a terminal (progress lines are shown only then).
bool stderr_is_terminal();

/// Logs one warning line (samsim's logger, stderr by default) when the
/// scenario's stated envelope limits exceed what its flyout table reaches,
/// with both figures in km. Nothing when they do not.
void warn_if_reach_short(const std::string& scenario_path, const interceptor_reach& reach);

}  // namespace samsim::cli
