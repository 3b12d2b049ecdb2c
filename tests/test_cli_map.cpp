// Tests of `samsim map`: the built command line, run through popen, on
// examples/scenarios/defended-area.json (format 2) and reference-raid.json
// (format 1). The reference figures come from the scenario files, read here
// through the library's loader, and from the library's run_trial.
#include <samsim/engagement.hpp>
#include <samsim/scenario.hpp>

#include "cli_helpers.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using cli_test::run_cli;
using cli_test::run_result;

const std::string area_scenario = std::string(SAMSIM_SCENARIO_DIR) + "/defended-area.json";
const std::string reference_scenario = std::string(SAMSIM_SCENARIO_DIR) + "/reference-raid.json";

using cli_test::lines_of;
using cli_test::read_file;

std::filesystem::path scratch(const std::string& name) { return cli_test::scratch_path("samsim_test_cli_map", name); }

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The theatre panel: the whole scenario drawn once (the deployment panel
// repeats the part near the assets at a larger scale).
std::string theatre_of(const std::string& svg) {
  const auto begin = svg.find("<g id=\"theatre\">");
  if (begin == std::string::npos) return {};
  auto end = svg.find("<g id=\"deployment\">", begin);
  if (end == std::string::npos) end = svg.find("<g id=\"legend\">", begin);
  return svg.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

bool well_formed_ish(const std::string& svg) {
  return svg.rfind("<svg", 0) == 0 && svg.size() >= 7 && svg.substr(svg.size() - 7) == "</svg>\n" &&
         count_of(svg, "<svg") == 1 && count_of(svg, "</svg>") == 1 && count_of(svg, "<g ") == count_of(svg, "</g>");
}

}  // namespace

TEST_CASE("samsim map draws every asset, battery and type, one reach circle per battery and type",
          "[cli][map]") {
  const auto path = scratch("area.svg");
  const run_result r = run_cli("map '" + area_scenario + "' --svg '" + path.string() + "'");
  INFO("output:\n" << r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.empty());  // nothing on stdout or stderr when the map goes to a file
  const std::string svg = read_file(path);
  CHECK(well_formed_ish(svg));

  const samsim::scenario sc = samsim::load_scenario(area_scenario);
  for (const auto& a : sc.assets) CHECK(svg.find(">" + a.name + " (") != std::string::npos);  // "city (50)"
  for (const auto& b : sc.batteries) CHECK(svg.find(">" + b.name + "<") != std::string::npos);
  for (const auto& t : sc.interceptors) CHECK(svg.find(">" + t.name + ": ") != std::string::npos);  // legend row

  // One reach circle per (battery, launcher group); defended-area.json has
  // 3 + 3 + 1 groups (west, east: long, medium, short; city_counter_drone).
  std::set<std::pair<std::string, std::string>> expected;
  for (const auto& b : sc.batteries)
    for (const auto& g : b.launchers)
      expected.insert({b.name, sc.interceptors[static_cast<std::size_t>(g.interceptor_type)].name});
  CHECK(expected.size() == 7);
  const std::string theatre = theatre_of(svg);
  REQUIRE(!theatre.empty());
  CHECK(count_of(theatre, "<circle class=\"reach\"") == expected.size());
  for (const auto& [battery, type] : expected)
    CHECK(count_of(theatre, "data-battery=\"" + battery + "\" data-interceptor=\"" + type + "\"") == 1);
  // One radar coverage circle per battery, one start area per raid group, no trial drawn.
  CHECK(count_of(theatre, "<circle class=\"radar\"") == sc.batteries.size());
  CHECK(count_of(theatre, "class=\"raid\"") == sc.raid.groups.size());
  CHECK(count_of(svg, "<polyline") == 0);
  std::filesystem::remove(path);
}

TEST_CASE("samsim map --trial draws one ground track per threat of that trial", "[cli][map]") {
  const std::uint64_t trial = 3;
  const run_result r = run_cli("map '" + area_scenario + "' --svg - --trial " + std::to_string(trial), "2>/dev/null");
  REQUIRE(r.exit_code == 0);
  const std::string& svg = r.output;  // --svg -: the SVG alone on stdout
  CHECK(well_formed_ish(svg));
  // Reference: the same trial run by the library (run_trial is what `run` and `trace` execute).
  const samsim::scenario sc = samsim::load_scenario(area_scenario);
  const samsim::engagement_model model(sc);
  samsim::trial_workspace ws;
  const samsim::trial_result tr = samsim::run_trial(model, sc.monte_carlo.seed, trial, ws);
  REQUIRE(tr.threats > 0);
  const std::string theatre = theatre_of(svg);
  CHECK(count_of(theatre, "<polyline class=\"track\"") == static_cast<std::size_t>(tr.threats));
  CHECK(count_of(theatre, "<polyline") == static_cast<std::size_t>(tr.threats));
  // Leakers ending at one place share one mark: at least one mark when any leaked, never more than the leakers.
  const std::size_t leak_marks = count_of(theatre, "<circle class=\"leak\"");
  CHECK(leak_marks <= static_cast<std::size_t>(tr.leakers));
  CHECK((leak_marks > 0) == (tr.leakers > 0));
  CHECK(svg.find(std::to_string(tr.threats) + " threats") != std::string::npos);
}

TEST_CASE("samsim map draws a format 1 scenario as one asset, one battery and one type", "[cli][map]") {
  const run_result r = run_cli("map '" + reference_scenario + "' --svg - --trial 0", "2>/dev/null");
  REQUIRE(r.exit_code == 0);
  CHECK(well_formed_ish(r.output));
  // expand_to_defended_area's names (scenario.hpp): asset "asset", battery "battery", type "interceptor".
  CHECK(r.output.find(">asset (1)<") != std::string::npos);
  CHECK(r.output.find(">battery<") != std::string::npos);
  CHECK(r.output.find(">interceptor: ") != std::string::npos);
  CHECK(count_of(theatre_of(r.output), "<circle class=\"reach\"") == 1);
}

TEST_CASE("samsim map rejects a bad trial, a missing file and a bad scenario in one line, writing nothing",
          "[cli][map]") {
  const auto path = scratch("bad.svg");
  const auto bad_scenario = scratch("bad.json");
  std::ofstream(bad_scenario) << "{\"samsim\": 2, \"name\": 5}";
  const std::string missing = std::string(SAMSIM_SCENARIO_DIR) + "/no-such-scenario.json";
  // defended-area.json has monte_carlo.trials 20000: trials 0 to 19999.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"'" + area_scenario + "' --trial 20000", "--trial 20000"},
      {"'" + area_scenario + "' --trial -1", "--trial -1"},
      {"'" + missing + "'", missing},
      {"'" + bad_scenario.string() + "'", bad_scenario.string()},
  };
  for (const auto& [args, named] : cases) {
    const run_result r = run_cli("map " + args + " --svg '" + path.string() + "'", "2>&1 >/dev/null");
    INFO("args " << args << ", stderr:\n" << r.output);
    CHECK(r.exit_code != 0);
    const auto lines = lines_of(r.output);
    REQUIRE(lines.size() == 1);
    CHECK(lines.front().find(named) != std::string::npos);
    CHECK(!std::filesystem::exists(path));
  }
  std::filesystem::remove(bad_scenario);
}
