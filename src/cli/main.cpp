// The samsim command line: subcommands register themselves (command.hpp).

#include "command.hpp"

#include <samsim/log.hpp>

#include <algorithm>
#include <exception>
#include <iostream>
#include <utility>
#include <vector>

namespace samsim::cli {
namespace {
std::vector<std::pair<int, setup_fn>>& registry() {
  static std::vector<std::pair<int, setup_fn>> commands;
  return commands;
}
}  // namespace

registrar::registrar(int order, setup_fn setup) { registry().emplace_back(order, std::move(setup)); }

}  // namespace samsim::cli

int main(int argc, char** argv) {
  using namespace samsim::cli;
  CLI::App app{"samsim: Monte Carlo engagement analysis of a generic surface-to-air missile battery", "samsim"};
  app.set_version_flag("--version", std::string("samsim ") + SAMSIM_VERSION_STRING);
  app.require_subcommand(1);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Log what the run does (to stderr)");
  app.parse_complete_callback([&] {
    if (verbose) samsim::logger()->set_level(spdlog::level::debug);
  });
  auto& commands = registry();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, setup] : commands) setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "samsim: " << e.what() << "\n";
    std::cerr << "run 'samsim --help' for usage\n";
    return 2;
  } catch (const exit_with_code& e) {
    return e.code;
  } catch (const usage_error& e) {
    std::cerr << "samsim: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "samsim: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
