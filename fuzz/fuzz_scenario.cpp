// libFuzzer target: the scenario loader (parse_scenario_text, every format it
// reads). The contract under test (docs/scenario.md, error messages): any
// input either loads into a scenario that passes validate(), or fails with a
// scenario_error whose message starts with the source name. Anything else (a
// crash, another exception, a sanitizer report, a hang) is a bug.
#include <samsim/scenario.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  static const std::string source = "fuzz.json";
  try {
    const samsim::scenario sc = samsim::parse_scenario_text(text, source);
    samsim::validate(sc);  // a scenario that loads is one the simulation accepts: the checks in code agree
  } catch (const samsim::scenario_error& e) {
    if (std::strncmp(e.what(), "fuzz.json: ", 11) != 0) {
      std::fprintf(stderr, "scenario_error without the source: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}
