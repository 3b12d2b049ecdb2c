#include <samsim/log.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>

#include <atomic>
#include <mutex>

namespace samsim {
namespace {

std::shared_ptr<spdlog::logger> make_default() {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto log = std::make_shared<spdlog::logger>("samsim", sink);
  log->set_level(spdlog::level::warn);
  log->set_pattern("samsim [%l] %v");
  return log;
}

std::mutex& guard() {
  static std::mutex m;
  return m;
}

std::shared_ptr<spdlog::logger>& current() {
  static std::shared_ptr<spdlog::logger> log = make_default();
  return log;
}

}  // namespace

std::shared_ptr<spdlog::logger> logger() {
  std::lock_guard lock(guard());
  return current();
}

void set_logger(std::shared_ptr<spdlog::logger> replacement) {
  std::lock_guard lock(guard());
  current() = replacement ? std::move(replacement) : make_default();
}

}  // namespace samsim
