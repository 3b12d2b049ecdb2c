// Tests of `samsim envelope`: the built command line, run through popen, on
// examples/scenarios/reference-raid.json.
#include <samsim/flyout.hpp>
#include <samsim/scenario.hpp>

#include "cli_helpers.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using cli_test::run_cli;
using cli_test::run_result;

const std::string reference_scenario = std::string(SAMSIM_SCENARIO_DIR) + "/reference-raid.json";

using cli_test::lines_of;
using cli_test::read_file;

// A scratch file name unique to this process.
std::filesystem::path scratch(const std::string& name) { return cli_test::scratch_path("samsim_test_cli_envelope", name); }

}  // namespace

TEST_CASE("samsim envelope prints max range per height consistent with the flyout table", "[cli][envelope]") {
  // Step 9990 m from min height 10 m puts a row at exactly 10000 m.
  const run_result r = run_cli("envelope '" + reference_scenario + "' --height-step-m 9990");
  INFO("output:\n" << r.output);
  REQUIRE(r.exit_code == 0);
  // Reference: the library's flyout table for the same scenario, built here.
  const samsim::scenario sc = samsim::load_scenario(reference_scenario);
  const samsim::flyout_table table = samsim::flyout_table::build(sc.battery.interceptor, sc.battery.envelope);
  const double expected_km = table.max_range_at_m(10000.0) / 1000.0;
  REQUIRE(expected_km > 0.0);
  bool found = false;
  for (const std::string& line : lines_of(r.output)) {
    std::istringstream in(line);
    double height_m = 0, min_km = 0, max_km = 0, tof_s = 0, speed = 0;
    if (!(in >> height_m >> min_km >> max_km >> tof_s >> speed)) continue;  // header lines
    if (height_m != 10000.0) continue;
    found = true;
    CHECK(max_km == Approx(expected_km).margin(0.005 + 1e-9));  // printed to 0.01 km
    CHECK(min_km == Approx(sc.battery.envelope.min_range_m / 1000.0).margin(0.005 + 1e-9));  // the scenario's min range
    CHECK(speed >= sc.battery.envelope.min_speed_mps);
    // The time of flight at the largest range (before rounding), printed to 0.1 s.
    const samsim::flyout_point p = table.at(expected_km * 1000.0, 10000.0);
    REQUIRE(p.reachable);
    CHECK(tof_s == Approx(p.time_of_flight_s).margin(0.05 + 1e-9));
  }
  CHECK(found);
}

TEST_CASE("samsim envelope writes CSV with one row per height step and an SVG", "[cli][envelope]") {
  const auto csv_path = scratch("envelope.csv");
  const auto svg_path = scratch("envelope.svg");
  const double step_m = 1000.0;
  const run_result r = run_cli("envelope '" + reference_scenario + "' --height-step-m 1000 --csv '" +
                               csv_path.string() + "' --svg '" + svg_path.string() + "'");
  INFO("output:\n" << r.output);
  REQUIRE(r.exit_code == 0);

  // Heights: min, min + step, ... below max, then max (envelope_table's documented rows),
  // from the scenario's envelope limits.
  const samsim::scenario sc = samsim::load_scenario(reference_scenario);
  const auto& lim = sc.battery.envelope;
  int expected_rows = 0;
  for (double h = lim.min_height_m; h < lim.max_height_m; h += step_m) ++expected_rows;
  ++expected_rows;  // the max-height row
  CHECK(expected_rows == 31);  // 10, 1010, ..., 29010 m and 30000 m for reference-raid.json

  const auto csv = lines_of(read_file(csv_path));
  REQUIRE(!csv.empty());
  CHECK(csv.front() == "height_m,min_range_km,max_range_km,time_of_flight_s,arrival_speed_mps");
  CHECK(static_cast<int>(csv.size()) == 1 + expected_rows);
  if (csv.size() > 1) {
    CHECK(csv[1].rfind("10,", 0) == 0);
    CHECK(csv.back().rfind("30000,", 0) == 0);
  }
  for (std::size_t i = 1; i < csv.size(); ++i) CHECK(std::count(csv[i].begin(), csv[i].end(), ',') == 4);

  const std::string svg = read_file(svg_path);
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(svg.find("<polyline") != std::string::npos);
  std::filesystem::remove(csv_path);
  std::filesystem::remove(svg_path);
}

TEST_CASE("samsim envelope rejects a bad height step with exit code 2", "[cli][envelope]") {
  for (const char* step : {"0", "-500", "nan"}) {
    const run_result r = run_cli("envelope '" + reference_scenario + "' --height-step-m " + step);
    INFO("step " << step << ", output:\n" << r.output);
    CHECK(r.exit_code == 2);
  }
}

TEST_CASE("samsim envelope reports a missing scenario file in one line with exit code 1", "[cli][envelope]") {
  const std::string missing = std::string(SAMSIM_SCENARIO_DIR) + "/no-such-scenario.json";
  const run_result r = run_cli("envelope '" + missing + "'");
  INFO("output:\n" << r.output);
  CHECK(r.exit_code == 1);
  const auto lines = lines_of(r.output);
  REQUIRE(lines.size() == 1);
  CHECK(lines.front().find(missing) != std::string::npos);
}

TEST_CASE("samsim envelope warns in one line when the stated reach is never attained", "[cli][envelope][reach]") {
  // reference-raid.json states max_range_m 250 km; docs/model.md section 20:
  // its kinematics reach 140.95 km (at 10 m), less higher up.
  const run_result out = run_cli("envelope '" + reference_scenario + "' --height-step-m 9990", "2>/dev/null");
  const run_result err = run_cli("envelope '" + reference_scenario + "' --height-step-m 9990", "2>&1 >/dev/null");
  INFO("stderr:\n" << err.output);
  REQUIRE(out.exit_code == 0);
  REQUIRE(err.exit_code == 0);
  const auto lines = lines_of(err.output);
  REQUIRE(lines.size() == 1);
  const std::string& warning = lines.front();
  CHECK(warning.rfind("samsim [warning] " + reference_scenario + ": ", 0) == 0);
  CHECK(warning.find("max_range_m 250.00 km") != std::string::npos);
  CHECK(warning.find("max_height_m") == std::string::npos);  // reachable at the 30 km ceiling
  // The reached figure: at least the largest range of the printed table (whose
  // heights are among those the reach looks at), and that of model.md section 20.
  const std::string marker = "reach ";
  const auto at = warning.find(marker);
  REQUIRE(at != std::string::npos);
  const double reached_km = std::stod(warning.substr(at + marker.size()));
  CHECK(reached_km == Approx(140.95).margin(0.5));
  double printed_max_km = 0.0;
  for (const std::string& line : lines_of(out.output)) {
    std::istringstream in(line);
    double height_m = 0, min_km = 0, max_km = 0;
    if (in >> height_m >> min_km >> max_km) printed_max_km = std::max(printed_max_km, max_km);
  }
  CHECK(printed_max_km > 0.0);
  CHECK(reached_km >= printed_max_km - 0.005);
  CHECK(out.output.find("[warning]") == std::string::npos);  // stdout: the table alone
}

TEST_CASE("samsim envelope prints no warning when the kinematics reach the stated limits", "[cli][envelope][reach]") {
  // reference-raid.json with max_range_m 100 km: within the reach at every height
  // (115 km or more, docs/model.md section 20).
  const auto path = scratch("within.json");
  {
    std::ifstream in(reference_scenario);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    const std::string from = "\"max_range_m\": 250000", to = "\"max_range_m\": 100000";
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    s.replace(at, from.size(), to);
    std::ofstream(path) << s;
  }
  const run_result err = run_cli("envelope '" + path.string() + "' --height-step-m 9990", "2>&1 >/dev/null");
  INFO("stderr:\n" << err.output);
  CHECK(err.exit_code == 0);
  CHECK(err.output.empty());
  std::filesystem::remove(path);
}
