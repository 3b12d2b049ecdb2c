// Inputs that fuzzing (fuzz/fuzz_scenario.cpp, docs/reliability.md) showed to
// break the loader's contract (docs/scenario.md, error messages: bad input is
// a one-line scenario_error naming the source, the pointer and the value;
// never a crash), kept as regression tests.
#include <samsim/scenario.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace {

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

void expect_scenario_error(const std::string& text, const std::string& fragment) {
  try {
    (void)samsim::parse_scenario_text(text, "deep.json");
    FAIL("accepted");
  } catch (const samsim::scenario_error& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).rfind("deep.json: ", 0) == 0);
    CHECK(std::string(e.what()).find(fragment) != std::string::npos);
  }
}

}  // namespace

// Found by a long fuzz run's reasoning about its stack traces (scripts/fuzz-scenario.sh with
// -max_len large): the message's value is the compact JSON of the offending value
// (nlohmann::json::dump, recursive), and 200000 nested arrays overflow the stack:
// `samsim run` died with SIGSEGV (exit 139) on each of these three files.
// The loader now refuses nesting deeper than 256 levels while it parses.
TEST_CASE("deeply nested JSON is a scenario error, not a stack overflow", "[scenario][fuzz]") {
  const std::size_t depth = 200000;
  expect_scenario_error(nested_arrays(depth), "nested");
  expect_scenario_error("{\"samsim\": " + nested_arrays(depth) + "}", "nested");
  expect_scenario_error("{\"samsim\": 1, \"name\": " + nested_arrays(depth) + "}", "nested");
  // Below the limit a nested value is an ordinary error, its value shown (cut to 60 characters).
  expect_scenario_error("{\"samsim\": 1, \"name\": " + nested_arrays(100) + "}", "/name: expected a string");
}
