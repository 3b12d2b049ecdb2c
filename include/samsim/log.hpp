#pragma once
/// \file log.hpp
/// samsim's logger: a named spdlog logger ("samsim") that an embedding program
/// can replace. Physics code does not log; the Monte Carlo driver and the
/// command line do. By default messages at warning level and above go to
/// stderr.

#include <spdlog/logger.h>

#include <memory>

namespace samsim {

/// The logger samsim writes to (never null).
std::shared_ptr<spdlog::logger> logger();

/// Replaces samsim's logger (for example with one writing to the embedding
/// program's sinks); null restores the default.
void set_logger(std::shared_ptr<spdlog::logger> replacement);

}  // namespace samsim
