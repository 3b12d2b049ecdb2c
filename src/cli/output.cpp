#include "output.hpp"

#include "command.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <system_error>

namespace samsim::cli {

namespace {

std::filesystem::path temporary_for(const std::filesystem::path& target) {
  std::filesystem::path tmp = target;
  tmp += ".tmp." + std::to_string(::getpid());
  return tmp;
}

void write_temporary(const std::string& path, const std::filesystem::path& tmp, const std::string& content) {
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) throw run_error("cannot write '" + path + "': " + std::strerror(errno));
  out << content;
  out.flush();
  if (!out) throw run_error("cannot write '" + path + "': write failed");
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

}  // namespace samsim::cli
