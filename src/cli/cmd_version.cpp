// `samsim version`: the library version the command was built with.
#include "command.hpp"

#include <samsim/version.hpp>

#include <iostream>

namespace {
const samsim::cli::registrar version_reg{1000, [](CLI::App& app) {
  auto* sub = app.add_subcommand("version", "Print the samsim library version");
  sub->callback([] { std::cout << "samsim " << samsim::version() << "\n"; });
}};
}  // namespace
