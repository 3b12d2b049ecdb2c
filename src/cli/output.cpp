#include "output.hpp"

#include "command.hpp"

#include <fcntl.h>
#include <samsim/log.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <system_error>

namespace samsim::cli {

namespace {

std::filesystem::path temporary_for(const std::filesystem::path& target) {
  std::filesystem::path tmp = target;
  tmp += ".tmp." + std::to_string(::getpid());
  return tmp;
}

// The content reaches the disk (fsync) before the rename makes it visible, so
// after a crash or a power cut the target holds the old file or the new one,
// never an empty or partial one.
void write_temporary(const std::string& path, const std::filesystem::path& tmp, const std::string& content) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw run_error("cannot write '" + path + "': " + std::strerror(errno));
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = errno;
      ::close(fd);
      throw run_error("cannot write '" + path + "': " + std::strerror(e));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 && errno != EINVAL) {  // EINVAL: a file system without fsync (pipes, some FUSE)
    const int e = errno;
    ::close(fd);
    throw run_error("cannot write '" + path + "': " + std::strerror(e));
  }
  if (::close(fd) != 0) throw run_error("cannot write '" + path + "': " + std::strerror(errno));
}

}  // namespace

void write_output(const std::string& path, const std::string& content) { write_outputs({{path, content}}); }

void write_outputs(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::filesystem::path> written;
  std::vector<std::filesystem::path> renamed;
  auto discard = [&] {
    std::error_code ec;
    for (const auto& tmp : written) std::filesystem::remove(tmp, ec);
    for (const auto& done : renamed) std::filesystem::remove(done, ec);  // all or nothing
  };
  try {
    for (const auto& [path, content] : files) {
      if (path.empty() || path == "-") continue;
      const std::filesystem::path tmp = temporary_for(path);
      written.push_back(tmp);
      write_temporary(path, tmp, content);
    }
    std::size_t k = 0;
    for (const auto& [path, content] : files) {
      if (path.empty() || path == "-") continue;
      std::error_code ec;
      std::filesystem::rename(written[k], path, ec);
      if (ec) throw run_error("cannot write '" + path + "': " + ec.message());
      renamed.emplace_back(path);
      ++k;
    }
  } catch (...) {
    discard();
    throw;
  }
  for (const auto& [path, content] : files)
    if (path == "-") std::cout << content << std::flush;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void warn_if_reach_short(const std::string& scenario_path, const interceptor_reach& reach) {
  std::string what;
  if (reach.range_short())
    what = fmt::format("max_range_m {:.2f} km, but its kinematics reach {:.2f} km", reach.stated_max_range_m / 1000.0,
                       reach.reached_max_range_m / 1000.0);
  if (reach.height_short())
    what += fmt::format("{}max_height_m {:.2f} km, but its kinematics reach {:.2f} km", what.empty() ? "" : "; ",
                        reach.stated_max_height_m / 1000.0, reach.reached_max_height_m / 1000.0);
  if (what.empty()) return;
  logger()->warn("{}: the interceptor envelope states {}: no intercept beyond the reach is feasible", scenario_path,
                 what);
}

}  // namespace samsim::cli
