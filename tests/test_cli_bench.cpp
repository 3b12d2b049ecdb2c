// Tests of `samsim bench`: it runs, reports every figure, and its JSON is complete.
#include "cli_helpers.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using cli_test::run_cli;

TEST_CASE("samsim bench reports speed and memory as a table and as JSON", "[cli][bench]") {
  const std::string scenario = std::string(SAMSIM_SCENARIO_DIR) + "/small-raid.json";
  const auto table = run_cli("bench '" + scenario + "' --trials 300 --threads 2 --compare-threads");
  INFO(table.output);
  REQUIRE(table.exit_code == 0);
  CHECK(table.output.find("trials/s") != std::string::npos);
  CHECK(table.output.find("speed-up 2 threads vs 1") != std::string::npos);
  CHECK(table.output.find("peak resident memory") != std::string::npos);

  const auto json = run_cli("bench '" + scenario + "' --trials 300 --threads 2 --compare-threads --json -", "");
  REQUIRE(json.exit_code == 0);
  const auto doc = nlohmann::json::parse(json.output);
  REQUIRE(doc["runs"].size() == 2);
  for (const auto& run : doc["runs"]) {
    CHECK(run["trials"] == 300);
    CHECK(run["trials_per_second"].get<double>() > 0.0);
    // Consistency of the derived figures: us/trial = 1e6 / (trials/s).
    CHECK(run["us_per_trial"].get<double>() == Approx(1e6 / run["trials_per_second"].get<double>()).epsilon(1e-9));
    CHECK(run["events_per_trial"].get<double>() > run["threats_per_trial"].get<double>());
  }
  // The same seed and trials on 1 and 2 threads: the same estimate.
  CHECK(doc["runs"][0]["p_leak"] == doc["runs"][1]["p_leak"]);
  CHECK(doc["peak_resident_mib"].get<double>() > 0.0);
  CHECK(doc["speedup"].get<double>() > 0.0);
}

TEST_CASE("samsim bench rejects bad arguments with exit code 2", "[cli][bench]") {
  const std::string scenario = std::string(SAMSIM_SCENARIO_DIR) + "/small-raid.json";
  CHECK(run_cli("bench '" + scenario + "' --trials 0").exit_code == 2);
  CHECK(run_cli("bench '" + scenario + "' --threads -3").exit_code == 2);
  CHECK(run_cli("bench /nonexistent/raid.json").exit_code == 1);
}
