// Tests of scenario.hpp: the example scenarios load with the documented unit
// conversions, and malformed scenarios fail with a scenario_error naming the
// JSON pointer and the reason (docs/scenario.md).
#include <samsim/scenario.hpp>
#include <samsim/units.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

using nlohmann::json;
using samsim::scenario;
using samsim::scenario_error;
using Catch::Matchers::Contains;

namespace {

const std::string scenario_dir = SAMSIM_SCENARIO_DIR;
const std::string reference_path = scenario_dir + "/reference-raid.json";
const std::string defended_path = scenario_dir + "/defended-area.json";

json reference() { return samsim::read_scenario_json(reference_path); }
json defended() { return samsim::read_scenario_json(defended_path); }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The document with the value at `pointer` replaced (or added), or removed for "remove".
json patched(json doc, const std::string& pointer, const std::string& replacement) {
  json op;
  if (replacement == "remove") {
    op = {{"op", "remove"}, {"path", pointer}};
  } else {
    op = {{"op", doc.contains(json::json_pointer(pointer)) ? "replace" : "add"},
          {"path", pointer},
          {"value", json::parse(replacement)}};
  }
  return doc.patch(json::array({op}));
}

// A temporary file removed at scope exit.
struct temp_file {
  std::filesystem::path path;
  explicit temp_file(const std::string& name, const std::string& text)
      : path(std::filesystem::temp_directory_path() /
             ("samsim_test_scenario_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  ~temp_file() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

// Runs f, which must throw scenario_error at `pointer` whose message holds `fragment`.
template <typename F>
void expect_error(F&& f, const std::string& pointer, const std::string& fragment) {
  try {
    f();
    FAIL("no scenario_error thrown");
  } catch (const scenario_error& e) {
    const std::string what = e.what();
    INFO("what(): " << what);
    CHECK(e.json_pointer() == pointer);
    CHECK_THAT(what, Contains(fragment));
    if (!pointer.empty()) CHECK_THAT(what, Contains(": " + pointer + ": "));
    CHECK(what.find('\n') == std::string::npos);
  }
}

// One malformed document: `replacement` (JSON, or "remove") at `patch_pointer`
// must fail at `error_pointer` (nullptr: the patched pointer) with `fragment`.
struct bad_case {
  const char* patch_pointer;
  const char* replacement;
  const char* error_pointer;
  const char* fragment;
};

void check_bad_cases(const json& doc, const std::vector<bad_case>& cases) {
  for (const auto& c : cases) {
    const std::string error_pointer = c.error_pointer ? c.error_pointer : c.patch_pointer;
    INFO("patch " << c.patch_pointer << " <- " << c.replacement);
    const json bad = patched(doc, c.patch_pointer, c.replacement);
    expect_error([&] { samsim::parse_scenario(bad, "bad.json"); }, error_pointer, c.fragment);
  }
}

}  // namespace

TEST_CASE("reference-raid.json loads with units converted at the edge", "[scenario]") {
  const scenario sc = samsim::load_scenario(reference_path);
  CHECK(sc.name == "reference-raid");
  CHECK_THAT(sc.description, Contains("mixed raid"));
  CHECK(sc.defended_asset_en_m.isZero());

  const auto& r = sc.battery.radar;
  CHECK(r.peak_power_w == 2e6);
  // 38 dB -> 10^3.8 = 6309.5734448019 (definition of the decibel).
  CHECK(r.antenna_gain == Approx(6309.573444801933).epsilon(1e-14));
  CHECK(r.noise_figure == Approx(2.5118864315095801).epsilon(1e-14));  // 10^0.4
  CHECK(r.losses == Approx(6.3095734448019325).epsilon(1e-14));        // 10^0.8
  CHECK(r.pulses_integrated == 8);
  CHECK(r.pfa == 1e-6);
  // -1 deg = -pi/180 rad = -0.0174532925199433; 85 deg = 1.4835298641951802 rad.
  CHECK(r.min_elevation_rad == Approx(-0.017453292519943295).epsilon(1e-14));
  CHECK(r.max_elevation_rad == Approx(1.4835298641951802).epsilon(1e-14));
  CHECK(r.confirm_m == 2);
  CHECK(r.confirm_n == 3);
  CHECK(r.max_tracks == 100);

  CHECK(sc.battery.fire_control.max_engaged_targets == 36);
  CHECK(sc.battery.fire_control.launch_interval_s == 3.0);
  CHECK(sc.battery.launchers.count == 16);
  CHECK(sc.battery.launchers.reload_time_s == 600.0);
  CHECK(sc.battery.launchers.reload_rounds == 64);
  const auto& k = sc.battery.interceptor;
  REQUIRE(k.phases.size() == 2);
  CHECK(k.phases[1].thrust_n == 40000.0);
  CHECK(k.phases[1].burn_time_s == 15.0);
  REQUIRE(k.cd_vs_mach.size() == 6);
  CHECK(k.cd_vs_mach[2] == std::pair<double, double>(1.2, 0.55));
  CHECK_FALSE(k.augmented_pn);
  CHECK(sc.battery.envelope.max_range_m == 250000.0);
  CHECK(sc.battery.envelope.min_speed_mps == 400.0);
  CHECK(sc.battery.doctrine.mode == samsim::doctrine_mode::shoot_look_shoot);
  CHECK(sc.battery.doctrine.salvo_size == 2);
  CHECK(sc.battery.kill.edge_start_fraction == 1.0);  // no "edge": disabled
  CHECK(sc.battery.kill.common_mode_correlation == 0.0);

  // nlohmann::json orders object keys alphabetically: that is the class order.
  REQUIRE(sc.classes.size() == 4);
  CHECK(sc.classes[0].name == "ballistic");
  CHECK(sc.classes[1].name == "cruise");
  CHECK(sc.classes[2].name == "drone");
  CHECK(sc.classes[3].name == "strike_aircraft");
  CHECK(sc.class_index("drone") == 2);
  CHECK(sc.class_index("bomber") == -1);
  CHECK(sc.classes[0].trajectory == samsim::trajectory_kind::ballistic);
  CHECK(sc.classes[0].flight_time_s == 300.0);
  CHECK(sc.classes[0].swerling == samsim::swerling_case::sw3);
  CHECK(sc.classes[3].leak_distance_m == 60000.0);
  // by_class {"ballistic": 0.7}, default 0.8.
  REQUIRE(sc.pk_by_class.size() == 4);
  CHECK(sc.pk_by_class == std::vector<double>{0.7, 0.8, 0.8, 0.8});
  CHECK(sc.battery.pk_default == 0.8);

  REQUIRE(sc.raid.class_defaults.size() == 4);
  CHECK(sc.raid.class_defaults[1].height_m.type == samsim::random_value::kind::fixed);
  CHECK(sc.raid.class_defaults[1].height_m.a == 30.0);
  CHECK(sc.raid.class_defaults[3].speed_mps.a == 280.0);

  REQUIRE(sc.raid.groups.size() == 4);
  const auto& drones = sc.raid.groups[2];
  CHECK(drones.class_index == 2);
  CHECK(drones.count.type == samsim::random_count::kind::poisson);
  CHECK(drones.count.mean == 16.0);
  CHECK(drones.launch_time_s.type == samsim::random_value::kind::uniform);
  CHECK(drones.launch_time_s.b == 600.0);
  CHECK(drones.start_range_m.a == 80000.0);
  CHECK_FALSE(drones.height_m.has_value());
  CHECK(drones.aim_en_m.isZero());
  const auto& ballistic = sc.raid.groups[3];
  CHECK(ballistic.class_index == 0);
  CHECK(ballistic.count.type == samsim::random_count::kind::fixed);
  CHECK(ballistic.count.value == 4);
  CHECK(ballistic.bearing_deg.type == samsim::random_value::kind::normal);
  CHECK(ballistic.bearing_deg.a == 0.0);
  CHECK(ballistic.bearing_deg.b == 10.0);
  // Launch times are truncated to [0, 1e7] s.
  CHECK(ballistic.launch_time_s.lower_bound == 0.0);
  CHECK(ballistic.launch_time_s.upper_bound == 1e7);

  CHECK(sc.monte_carlo.trials == 20000u);
  CHECK(sc.monte_carlo.seed == 20261122u);
  CHECK(sc.monte_carlo.confidence == 0.95);
  CHECK(sc.monte_carlo.target_halfwidth == 0.0);

  CHECK_NOTHROW(samsim::validate(sc));
}

TEST_CASE("every example scenario loads", "[scenario]") {
  const scenario saturation = samsim::load_scenario(scenario_dir + "/saturation-raid.json");
  CHECK(saturation.battery.launchers.reload_time_s == 900.0);  // the only change from the reference

  const scenario single = samsim::load_scenario(scenario_dir + "/single-threat.json");
  REQUIRE(single.classes.size() == 1);
  REQUIRE(single.raid.groups.size() == 1);
  CHECK(single.raid.groups[0].count.value == 1);
  CHECK(single.classes[0].swerling == samsim::swerling_case::sw0);
  CHECK(single.pk_by_class == std::vector<double>{0.5});
  // Its documented oracle: (1 - Pk)^(s k) = 0.5^4.
  CHECK(std::pow(1.0 - single.pk_by_class[0],
                 single.battery.doctrine.salvo_size * single.battery.doctrine.max_salvos_per_threat) == 0.0625);

  const scenario small = samsim::load_scenario(scenario_dir + "/small-raid.json");
  CHECK(small.classes.size() == 2);
  CHECK(small.raid.groups[1].count.type == samsim::random_count::kind::uniform);
  CHECK(small.raid.groups[1].count.value == 4);
  CHECK(small.raid.groups[1].count.high == 8);
  CHECK(small.pk_by_class == std::vector<double>{0.75, 0.85});

  for (const auto& entry : std::filesystem::directory_iterator(scenario_dir)) {
    if (entry.path().extension() != ".json") continue;
    INFO(entry.path());
    CHECK_NOTHROW(samsim::load_scenario(entry.path()));
  }
}

TEST_CASE("text, file and document entry points agree", "[scenario]") {
  const std::string text = read_text(reference_path);
  const scenario from_text = samsim::parse_scenario_text(text, "ref");
  const scenario from_doc = samsim::parse_scenario(reference(), "ref");
  CHECK(from_text.name == from_doc.name);
  CHECK(from_text.battery.radar.antenna_gain == from_doc.battery.radar.antenna_gain);
  CHECK(from_text.raid.groups.size() == from_doc.raid.groups.size());
  CHECK(samsim::read_scenario_json(reference_path).at("monte_carlo").at("seed") == 20261122);
}

TEST_CASE("optional keys and forms beyond the reference scenario", "[scenario]") {
  json doc = reference();
  doc["$comment"] = "free text is allowed under $comment";
  doc["battery"]["interceptor"]["kinematics"]["augmented_pn"] = true;
  doc["battery"]["interceptor"]["pk"]["by_class"]["drone"] = {{"lethal_radius_m", 10}, {"miss_sigma_m", 10}};
  doc["battery"]["interceptor"]["pk"]["edge"] = {{"start_fraction", 0.8}, {"factor", 0.5}};
  doc["battery"]["interceptor"]["pk"]["common_mode_correlation"] = 0.25;
  doc["battery"]["radar"]["pulses_integrated"] = 8.0;  // an integral number written with a decimal point
  doc["threat_classes"]["cruise"]["terminal"] = {{"kind", "pop_up"}, {"distance_m", 20000}, {"height_m", 2000}};
  doc["threat_classes"]["cruise"]["height_m"] = {{"normal", {{"mean", 30}, {"sd", 10}}}};
  doc["threat_classes"]["strike_aircraft"]["terminal"] = {{"kind", "dive"}, {"distance_m", 15000}};
  doc["threat_classes"]["ballistic"].erase("flight_time_s");
  doc["threat_classes"]["ballistic"]["apogee_m"] = 110000;
  doc["raid"][0]["count"] = {{"uniform", {10, 30}}};
  doc["raid"][0]["aim_point_m"] = {1000, -500};
  doc["raid"][0]["speed_mps"] = {{"uniform", {220, 260}}};
  doc["raid"][1]["start_range_m"] = {{"normal", {{"mean", 400000}, {"sd", 20000}}}};
  doc["raid"][1]["height_m"] = 9000;
  doc["monte_carlo"]["seed"] = std::numeric_limits<std::uint64_t>::max();
  doc["monte_carlo"]["target_halfwidth"] = 0.01;
  doc["battery"]["doctrine"]["mode"] = "shoot-shoot";

  const scenario sc = samsim::parse_scenario(doc, "extras");
  CHECK(sc.battery.interceptor.augmented_pn);
  CHECK(sc.battery.radar.pulses_integrated == 8);
  CHECK(sc.battery.doctrine.mode == samsim::doctrine_mode::shoot_shoot);
  // Circular normal miss: Pk = 1 - exp(-R^2 / (2 sigma^2)) = 1 - exp(-1/2) for R = sigma.
  CHECK(sc.pk_by_class[2] == Approx(0.39346934028736658).epsilon(1e-14));
  CHECK(sc.pk_by_class[0] == 0.7);  // by_class "ballistic" is untouched
  CHECK(sc.battery.kill.edge_start_fraction == 0.8);
  CHECK(sc.battery.kill.edge_factor == 0.5);
  CHECK(sc.battery.kill.common_mode_correlation == 0.25);

  const auto& cruise = sc.classes[1];
  CHECK(cruise.terminal == samsim::terminal_kind::pop_up);
  CHECK(cruise.terminal_distance_m == 20000.0);
  CHECK(cruise.terminal_height_m == 2000.0);
  const auto& cruise_height = sc.raid.class_defaults[1].height_m;
  CHECK(cruise_height.type == samsim::random_value::kind::normal);
  CHECK(cruise_height.lower_bound == 0.0);
  // Truncated below the pop-up height so a sampled cruise never lies above it.
  CHECK(cruise_height.upper_bound < 2000.0);
  CHECK(cruise_height.upper_bound == Approx(2000.0));
  CHECK(sc.classes[3].terminal == samsim::terminal_kind::dive);
  CHECK(sc.classes[0].apogee_height_m == 110000.0);
  CHECK(sc.classes[0].flight_time_s == 0.0);

  const auto& g0 = sc.raid.groups[0];
  CHECK(g0.count.type == samsim::random_count::kind::uniform);
  CHECK(g0.count.high == 30);
  CHECK(g0.aim_en_m == Eigen::Vector2d(1000, -500));
  REQUIRE(g0.speed_mps.has_value());
  CHECK(g0.speed_mps->b == 260.0);
  const auto& g1 = sc.raid.groups[1];
  // Start ranges are truncated to (leak_distance_m, 1e7]: 60 km for strike aircraft.
  CHECK(g1.start_range_m.lower_bound > 60000.0);
  CHECK(g1.start_range_m.lower_bound == Approx(60000.0));
  CHECK(g1.start_range_m.upper_bound == 1e7);
  REQUIRE(g1.height_m.has_value());
  CHECK(g1.height_m->a == 9000.0);
  CHECK(sc.monte_carlo.seed == 18446744073709551615u);
  CHECK(sc.monte_carlo.target_halfwidth == 0.01);
}

TEST_CASE("a by_class entry overrides the default Pk and unlisted classes take the default", "[scenario]") {
  const scenario sc =
      samsim::parse_scenario(patched(reference(), "/battery/interceptor/pk/by_class", R"({"drone": 0.4})"));
  CHECK(sc.pk_by_class == std::vector<double>{0.8, 0.8, 0.4, 0.8});
}

TEST_CASE("malformed scenarios fail with the pointer and reason", "[scenario]") {
  // Ranges and rules from docs/scenario.md.
  const std::vector<bad_case> cases = {
      // missing required keys
      {"/samsim", "remove", nullptr, "missing required key"},
      {"/name", "remove", nullptr, "missing required key"},
      {"/defended_asset", "remove", nullptr, "missing required key"},
      {"/battery/doctrine", "remove", nullptr, "missing required key"},
      {"/battery/radar/pfa", "remove", nullptr, "missing required key"},
      {"/battery/interceptor/kinematics/launch_mass_kg", "remove", nullptr, "missing required key"},
      {"/threat_classes/cruise/rcs_m2", "remove", nullptr, "missing required key"},
      {"/threat_classes/cruise/speed_mps", "remove", nullptr, "missing required key"},
      {"/threat_classes/ballistic/flight_time_s", "remove", nullptr, "give 'flight_time_s' or 'apogee_m'"},
      {"/raid/0/start_range_m", "remove", nullptr, "missing required key"},
      {"/monte_carlo/seed", "remove", nullptr, "missing required key"},
      // wrong types
      {"/battery/radar/peak_power_w", R"("2 MW")", nullptr, "expected a number, got a string"},
      {"/battery/radar/pulses_integrated", "true", nullptr, "expected an integer, got a boolean"},
      {"/battery/radar/antenna_gain_db", "null", nullptr, "expected a number, got null"},
      {"/name", "42", nullptr, "expected a string, got a number"},
      {"/description", "[]", nullptr, "expected a string, got an array"},
      {"/battery/radar", "[]", nullptr, "expected an object, got an array"},
      {"/threat_classes", "[]", nullptr, "expected an object, got an array"},
      {"/raid", "{}", nullptr, "expected an array of raid groups"},
      {"/raid/0", "5", nullptr, "expected an object, got a number"},
      {"/battery/interceptor/kinematics/augmented_pn", "1", nullptr, "expected a boolean"},
      {"/battery/position_m", "[1, 2, 3]", nullptr, "exactly 2 elements"},
      {"/raid/0/aim_point_m", "[0]", nullptr, "exactly 2 elements"},
      {"/battery/radar/elevation_limits_deg", "-1", nullptr, "expected an array [min, max]"},
      {"/raid/0/launch_time_s", R"("soon")", nullptr, "expected a number or a distribution"},
      {"/$comment", "5", nullptr, "expected a string"},
      // integers
      {"/battery/radar/pulses_integrated", "2.5", nullptr, "expected an integer"},
      {"/monte_carlo/trials", "1000.5", nullptr, "expected an integer"},
      {"/monte_carlo/seed", "-1", nullptr, "must be an integer in [0, 18446744073709551615]"},
      {"/monte_carlo/seed", "1.5", nullptr, "expected an integer"},
      {"/threat_classes/cruise/swerling", "5", nullptr, "must be an integer in [0, 4]"},
      {"/battery/doctrine/salvo_size", "0", nullptr, "must be an integer in [1, 16]"},
      {"/battery/doctrine/salvo_size", "17", nullptr, "must be an integer in [1, 16]"},
      {"/battery/radar/track_confirm/m", "4", nullptr, "must be <= n (3)"},
      {"/battery/radar/track_confirm/n", "65", nullptr, "must be an integer in [1, 64]"},
      {"/battery/radar/pulses_integrated", "5000", nullptr, "must be an integer in [1, 4096]"},
      {"/battery/launchers/count", "0", nullptr, "must be an integer in [1, 100000]"},
      // a key documented as ">= 1" is read into an int: the message names its upper bound
      {"/battery/radar/max_tracks", "4611686018427387904", nullptr, "must be an integer in [1, 2147483647]"},
      {"/battery/fire_control/max_engaged_targets", "1e12", nullptr, "must be an integer in [1, 2147483647]"},
      {"/battery/fire_control/max_interceptors_in_flight", "1", "/battery/doctrine/salvo_size",
       "max_interceptors_in_flight (1)"},
      {"/monte_carlo/trials", "0", nullptr, "must be an integer in [1, 1000000000]"},
      // values out of range
      {"/samsim", "3", nullptr, "unsupported format version (this samsim reads versions 1 and 2)"},
      {"/samsim", "1e300", nullptr, "unsupported format version"},
      {"/samsim", "1.5", nullptr, "unsupported format version"},
      {"/samsim", "0", nullptr, "unsupported format version"},
      {"/name", R"("")", nullptr, "must not be empty"},
      {"/battery/radar/pfa", "0", nullptr, "must be in (0, 1)"},
      {"/battery/radar/pfa", "1", nullptr, "must be in (0, 1)"},
      {"/battery/radar/pfa", "2", nullptr, "must be in (0, 1)"},
      {"/battery/radar/max_range_m", "-1", nullptr, "must be in (0, 10000000]"},
      {"/battery/radar/scan_period_s", "0", nullptr, "must be > 0"},
      {"/battery/radar/noise_figure_db", "-1", nullptr, "must be in [0, 100]"},
      {"/battery/radar/losses_db", "-0.5", nullptr, "must be in [0, 300]"},
      {"/battery/radar/elevation_limits_deg", "[10, 10]", nullptr, "min must be less than max"},
      {"/battery/radar/elevation_limits_deg", "[-91, 10]", "/battery/radar/elevation_limits_deg/0",
       "must be in [-90, 90]"},
      {"/battery/fire_control/reaction_time_s", "-5", nullptr, "must be in [0, 10000000]"},
      {"/battery/interceptor/kinematics/phases", "[]", nullptr, "at least one motor phase"},
      {"/battery/interceptor/kinematics/phases/0/thrust_n", "-1", nullptr, "must be >= 0"},
      {"/battery/interceptor/kinematics/navigation_ratio", "0", nullptr, "must be > 0"},
      {"/battery/interceptor/kinematics/cd_vs_mach", "[[0, 0.3], [1.2, 0.5], [0.9, 0.4]]",
       "/battery/interceptor/kinematics/cd_vs_mach/2/0", "Mach must increase strictly"},
      {"/battery/interceptor/kinematics/cd_vs_mach", "[[0, 0.3]]", nullptr, "at least 2 [mach, cd] rows"},
      {"/battery/interceptor/kinematics/cd_vs_mach", "[[0, 0], [1, 0.3]]",
       "/battery/interceptor/kinematics/cd_vs_mach/0/1", "must be > 0"},
      // Propellant (250000 x 6 + 40000 x 15) / (250 x 9.80665) = 856.56 kg >= 800 kg.
      {"/battery/interceptor/kinematics/launch_mass_kg", "800", "/battery/interceptor/kinematics/phases",
       "total propellant 856.6 kg"},
      {"/battery/interceptor/envelope/min_range_m", "300000", "/battery/interceptor/envelope/max_range_m",
       "greater than min_range_m"},
      {"/battery/interceptor/pk/default", "1.5", nullptr, "must be in [0, 1]"},
      {"/battery/interceptor/pk/default", R"({"lethal_radius_m": 10, "miss_sigma_m": 0})",
       "/battery/interceptor/pk/default/miss_sigma_m", "must be > 0"},
      {"/battery/interceptor/pk/edge", R"({"start_fraction": 0, "factor": 0.5})",
       "/battery/interceptor/pk/edge/start_fraction", "must be in (0, 1]"},
      {"/battery/interceptor/pk/common_mode_correlation", "1.2", nullptr, "must be in [0, 1]"},
      {"/battery/doctrine/mode", R"("shoot-look")", nullptr, "must be 'shoot-look-shoot' or 'shoot-shoot'"},
      {"/threat_classes/cruise/trajectory", R"("cruise")", nullptr, "must be 'straight' or 'ballistic'"},
      {"/threat_classes/cruise/rcs_m2", "0", nullptr, "must be > 0"},
      {"/threat_classes/cruise/leak_distance_m", "-1", nullptr, "must be in [0, 10000000]"},
      {"/threat_classes/cruise/speed_mps", "0", nullptr, "must be in (0, 10000]"},
      {"/threat_classes/cruise/terminal", R"({"kind": "pop_up", "distance_m": 10000, "height_m": 20})",
       "/threat_classes/cruise/terminal/height_m", "must be in (30, 100000]"},
      {"/threat_classes/cruise/terminal", R"({"kind": "dive", "distance_m": 0})",
       "/threat_classes/cruise/terminal/distance_m", "must be in (0, 10000000]"},
      {"/threat_classes/cruise/terminal", R"({"kind": "dive", "distance_m": 5000, "height_m": 400})",
       "/threat_classes/cruise/terminal/height_m", "only used by kind 'pop_up'"},
      {"/threat_classes/ballistic/speed_mps", "1000", nullptr, "not used by ballistic classes"},
      {"/threat_classes/ballistic/apogee_m", "50000", nullptr, "give only one of 'flight_time_s' or 'apogee_m'"},
      {"/threat_classes", "{}", nullptr, "at least one threat class"},
      {"/raid/0/start_range_m", "0", nullptr, "must be in (0, 10000000]"},
      {"/raid/1/start_range_m", "50000", nullptr, "must be in (60000, 10000000] (beyond class 'strike_aircraft'"},
      {"/raid/0/launch_time_s", "-1", nullptr, "must be in [0, 10000000]"},
      {"/raid/3/height_m", "100", nullptr, "only used by straight-trajectory classes"},
      {"/monte_carlo/confidence", "1", nullptr, "must be in (0, 1)"},
      {"/monte_carlo/target_halfwidth", "0.5", nullptr, "must be in (0, 0.5)"},
      // unknown names, with hints
      {"/raid/0/class", R"("cruse")", nullptr, "unknown threat class 'cruse' (did you mean 'cruise'?)"},
      {"/raid/0/class", R"("bomber")", nullptr,
       "unknown threat class 'bomber' (expected one of: ballistic, cruise, drone, strike_aircraft)"},
      {"/battery/interceptor/pk/by_class/cruse", "0.5", nullptr,
       "unknown threat class 'cruse' (did you mean 'cruise'?)"},
      {"/battery/radar/peak_power_W", "2e6", nullptr, "unknown key 'peak_power_W' (did you mean 'peak_power_w'?)"},
      {"/monte_carlo/trails", "5", nullptr, "unknown key 'trails' (did you mean 'trials'?)"},
      {"/raid/0/launch_time_s", R"({"gauss": [0, 1]})", "/raid/0/launch_time_s/gauss", "unknown key 'gauss'"},
      // raid groups, counts and distributions
      {"/raid", "[]", nullptr, "must list at least one raid group"},
      {"/raid/0/count", "-3", nullptr, "must be an integer >= 0"},
      {"/raid/0/count", "100001", nullptr, "huge count"},
      {"/raid/0/count", "1e17", nullptr, "huge count"},                  // beyond 2^53: not "must be >= 0"
      {"/raid/0/count", "18446744073709551615", nullptr, "huge count"},  // beyond int64
      {"/raid/0/count", R"({"poisson": 1e6})", "/raid/0/count/poisson", "huge count"},
      {"/raid/0/count", R"({"uniform": [0, 200000]})", "/raid/0/count/uniform/1", "huge count"},
      {"/raid/0/count", R"({"uniform": [5, 1]})", "/raid/0/count/uniform", "low must be <= high"},
      {"/raid/0/count", R"({"poisson": 3, "uniform": [1, 2]})", nullptr, "give only one of"},
      {"/raid/0/count", R"({"poisson": -1})", "/raid/0/count/poisson", "must be >= 0"},
      {"/raid/0/launch_time_s", R"({"uniform": [5, 1]})", "/raid/0/launch_time_s/uniform",
       "low must be less than high"},
      {"/raid/3/bearing_deg/normal/sd", "0", nullptr, "must be > 0"},
      {"/raid/0/launch_time_s", R"({"normal": {"mean": -10, "sd": 5}})", "/raid/0/launch_time_s/normal/mean",
       "must be in [0, 10000000]"},
      {"/raid/0/speed_mps", R"({"uniform": [0, 300]})", "/raid/0/speed_mps/uniform/0", "must be in (0, 10000]"},
  };
  REQUIRE(cases.size() >= 45);
  check_bad_cases(reference(), cases);
}

TEST_CASE("the error message has the documented one-line format", "[scenario]") {
  try {
    samsim::parse_scenario(patched(reference(), "/battery/radar/pfa", "2"), "examples/x.json");
    FAIL("no error");
  } catch (const scenario_error& e) {
    CHECK(std::string(e.what()) == "examples/x.json: /battery/radar/pfa: must be in (0, 1) (value: 2)");
    CHECK(e.source() == "examples/x.json");
    CHECK(e.json_pointer() == "/battery/radar/pfa");
    CHECK(e.value() == "2");
    CHECK(e.reason() == "must be in (0, 1)");
  }
  try {
    samsim::parse_scenario(patched(reference(), "/monte_carlo/seed", "remove"));
    FAIL("no error");
  } catch (const scenario_error& e) {
    CHECK(std::string(e.what()) == "<memory>: /monte_carlo/seed: missing required key");
    CHECK(e.value().empty());
  }
  // Long values are shown compactly and cut to 60 characters.
  std::vector<int> long_array(40);
  for (int i = 0; i < 40; ++i) long_array[static_cast<std::size_t>(i)] = 1000 + i;
  json doc = reference();
  doc["battery"]["radar"]["pfa"] = long_array;
  try {
    samsim::parse_scenario(doc);
    FAIL("no error");
  } catch (const scenario_error& e) {
    CHECK(e.value().size() == 60);
    CHECK(e.value().substr(0, 15) == "[1000,1001,1002");
    CHECK(e.value().substr(57) == "...");
  }
}

TEST_CASE("non-finite numbers are rejected with their pointer", "[scenario]") {
  for (const double bad : {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN()}) {
    json doc = reference();
    doc["battery"]["radar"]["peak_power_w"] = bad;
    expect_error([&] { samsim::parse_scenario(doc); }, "/battery/radar/peak_power_w", "must be a finite number");
    json count_doc = reference();
    count_doc["raid"][1]["count"] = bad;
    expect_error([&] { samsim::parse_scenario(count_doc); }, "/raid/1/count", "must be a finite number");
  }
  // nlohmann::json refuses 1e999 while parsing; the loader still names the key.
  std::string text = read_text(reference_path);
  const std::string pfa = "\"pfa\": 1e-06";
  REQUIRE(text.find(pfa) != std::string::npos);
  text.replace(text.find(pfa), pfa.size(), "\"pfa\": 1e999");
  expect_error([&] { samsim::parse_scenario_text(text, "inf.json"); }, "/battery/radar/pfa", "must be a finite number");
  std::string in_array = read_text(reference_path);
  const std::string elev = "[-1, 85]";
  REQUIRE(in_array.find(elev) != std::string::npos);
  in_array.replace(in_array.find(elev), elev.size(), "[-1, -1e999]");
  expect_error([&] { samsim::parse_scenario_text(in_array, "inf.json"); }, "/battery/radar/elevation_limits_deg/1",
               "must be a finite number");
}

TEST_CASE("bad text and bad files are scenario errors without a pointer", "[scenario]") {
  const std::string text = read_text(reference_path);
  expect_error([&] { samsim::parse_scenario_text(text.substr(0, text.size() / 2), "half.json"); }, "",
               "invalid JSON at byte");
  expect_error([&] { samsim::parse_scenario_text("samsim = 1\nname = x\n", "ini.json"); }, "", "invalid JSON at byte 1");
  expect_error([&] { samsim::parse_scenario_text("", "empty.json"); }, "", "empty scenario text");
  expect_error([&] { samsim::parse_scenario_text("  \n\t ", "blank.json"); }, "", "empty scenario text");
  expect_error([&] { samsim::parse_scenario_text("[1, 2]", "array.json"); }, "", "expected an object, got an array");
  expect_error([&] { samsim::parse_scenario_text(R"({"samsim": 1, "samsim": 2})", "dup.json"); }, "/samsim",
               "duplicate key 'samsim'");

  expect_error([&] { samsim::load_scenario(scenario_dir + "/no-such-scenario.json"); }, "", "file not found");
  expect_error([&] { samsim::read_scenario_json(scenario_dir + "/no-such-scenario.json"); }, "", "file not found");
  expect_error([&] { samsim::load_scenario(scenario_dir); }, "", "is a directory");
  {
    const temp_file empty("empty.json", "");
    expect_error([&] { samsim::load_scenario(empty.path); }, "", "empty file");
  }
  {
    const temp_file truncated("truncated.json", text.substr(0, 200));
    try {
      samsim::load_scenario(truncated.path);
      FAIL("no error");
    } catch (const scenario_error& e) {
      CHECK(e.source() == truncated.path.string());
      CHECK_THAT(e.what(), Contains(truncated.path.string() + ": invalid JSON at byte 201"));
    }
  }
}

TEST_CASE("validate(scenario) checks scenarios built in code", "[scenario]") {
  const scenario good = samsim::load_scenario(reference_path);
  REQUIRE_NOTHROW(samsim::validate(good));

  scenario sc = good;
  sc.pk_by_class.pop_back();
  CHECK_THROWS_AS(samsim::validate(sc), std::invalid_argument);

  sc = good;
  sc.raid.groups[0].class_index = 9;
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("class index 9"));

  sc = good;
  sc.raid.groups[1].start_range_m = samsim::random_value::fixed(50000.0);  // inside the 60 km leak distance
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("leak_distance_m"));

  sc = good;
  sc.raid.groups[0].count = samsim::random_count::uniform(5, 1);
  CHECK_THROWS_AS(samsim::validate(sc), std::invalid_argument);

  sc = good;
  sc.raid.groups[0].launch_time_s = samsim::random_value::normal(10.0, 0.0);
  CHECK_THROWS_AS(samsim::validate(sc), std::invalid_argument);

  sc = good;
  sc.monte_carlo.trials = 0;
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("trials"));

  sc = good;
  sc.classes[1].name = sc.classes[0].name;
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("duplicate class name"));

  sc = good;
  sc.raid.groups.clear();
  CHECK_THROWS_AS(samsim::validate(sc), std::invalid_argument);
}

// ---- format 2: the defended area ------------------------------------------------

// Class and type indices of defended-area.json: both numbered in name order.
namespace da {
enum cls : std::size_t { anti_radiation, ballistic, cruise, drone, strike_aircraft };
enum type : int { counter_drone, long_range, medium, short_range };
}  // namespace da

TEST_CASE("defended-area.json loads: assets, types, batteries and resolved names", "[scenario][format2]") {
  const scenario sc = samsim::load_scenario(defended_path);
  CHECK(sc.format == 2);
  CHECK(sc.name == "defended-area");

  // Assets in file order, as written in the file.
  REQUIRE(sc.assets.size() == 3);
  CHECK(sc.assets[0].name == "city");
  CHECK(sc.assets[0].value == 50.0);
  CHECK(sc.assets[1].position_en_m == Eigen::Vector2d(-60000, 20000));
  CHECK(sc.assets[2].name == "airbase_east");
  CHECK(sc.assets[2].value == 10.0);
  CHECK(sc.defended_asset_en_m == sc.assets[0].position_en_m);  // documented: the first asset

  // Classes and interceptor types are numbered in name order.
  REQUIRE(sc.classes.size() == 5);
  CHECK(sc.classes[da::anti_radiation].name == "anti_radiation");
  CHECK(sc.classes[da::strike_aircraft].cost == 40.0);
  CHECK(sc.classes[da::drone].cost == 0.02);
  CHECK(sc.classes[da::cruise].priority == 0);  // not in the file: the default
  REQUIRE(sc.interceptors.size() == 4);
  CHECK(sc.interceptor_index("counter_drone") == da::counter_drone);
  CHECK(sc.interceptor_index("long") == da::long_range);
  CHECK(sc.interceptor_index("medium") == da::medium);
  CHECK(sc.interceptor_index("short") == da::short_range);
  CHECK(sc.interceptor_index("nothing") == -1);

  const auto& lng = sc.interceptors[da::long_range];
  CHECK(lng.model == samsim::kinematics_model::average_speed);
  CHECK(lng.average_speed_mps == 1800.0);
  CHECK(lng.envelope.max_range_m == 400000.0);
  CHECK(lng.envelope.max_height_m == 60000.0);
  CHECK(lng.cost_per_round == 2.0);
  CHECK(lng.pk_default == 0.7);
  // by_class {"drone": 0.0, "ballistic": 0.6}; the rest take the default.
  CHECK(lng.pk_by_class == std::vector<double>{0.7, 0.6, 0.7, 0.0, 0.7});
  const auto& medium = sc.interceptors[da::medium];
  CHECK(medium.model == samsim::kinematics_model::three_dof);
  CHECK(medium.kinematics.launch_mass_kg == 1800.0);
  REQUIRE(medium.kinematics.phases.size() == 2);
  CHECK(medium.kinematics.phases[0].thrust_n == 250000.0);
  CHECK(medium.kinematics.cd_vs_mach.size() == 6);
  CHECK(medium.envelope.min_speed_mps == 400.0);
  CHECK(medium.pk_by_class == std::vector<double>{0.8, 0.7, 0.8, 0.0, 0.8});
  const auto& cd = sc.interceptors[da::counter_drone];
  CHECK(cd.average_speed_mps == 600.0);
  CHECK(cd.cost_per_round == 0.02);
  CHECK(cd.pk_by_class == std::vector<double>{0.1, 0.1, 0.5, 0.7, 0.1});
  CHECK(sc.interceptors[da::short_range].pk_by_class == std::vector<double>{0.75, 0.0, 0.75, 0.0, 0.75});

  // Batteries in file order with their launcher groups resolved to type indices.
  REQUIRE(sc.batteries.size() == 3);
  CHECK(sc.battery_index("east") == 1);
  CHECK(sc.asset_index("airbase_west") == 1);
  const auto& west = sc.batteries[0];
  CHECK(west.name == "west");
  CHECK(west.position_en_m == Eigen::Vector2d(-30000, 20000));
  CHECK(west.ready_time_s == 0.0);  // default
  CHECK(west.value == 1.0);         // default
  CHECK(west.radar.scan_period_s == 6.0);
  CHECK(west.radar.max_tracks == 100);
  CHECK(west.fire_control.max_engaged_targets == 36);
  CHECK(west.doctrine.salvo_size == 2);
  CHECK(west.doctrine.max_salvos_per_threat == 2);
  REQUIRE(west.launchers.size() == 3);
  CHECK(west.launchers[0].interceptor_type == da::long_range);
  CHECK(west.launchers[0].launchers.count == 2);
  CHECK(west.launchers[0].launchers.reload_time_s == 1200.0);
  CHECK(west.launchers[0].launchers.reload_rounds == 8);
  CHECK(west.launchers[1].interceptor_type == da::medium);
  CHECK(west.launchers[1].launchers.count == 12);
  CHECK(west.launchers[2].interceptor_type == da::short_range);
  CHECK(sc.batteries[1].ready_time_s == 300.0);
  const auto& city = sc.batteries[2];
  CHECK(city.name == "city_counter_drone");
  CHECK(city.radar.scan_period_s == 1.0);
  // 32 dB -> 10^3.2 = 1584.893192461113 (definition of the decibel).
  CHECK(city.radar.antenna_gain == Approx(1584.893192461113).epsilon(1e-14));
  REQUIRE(city.launchers.size() == 1);
  CHECK(city.launchers[0].interceptor_type == da::counter_drone);
  CHECK(city.launchers[0].launchers.ready_per_launcher == 12);
  CHECK(city.launchers[0].launchers.reload_rounds == 96);
  CHECK(city.doctrine.max_salvos_per_threat == 3);

  CHECK(sc.network.shared_tracks);
  CHECK(sc.network.latency_s == 5.0);
  CHECK(sc.fire_distribution.priority == samsim::priority_rule::asset_value);
  CHECK(sc.fire_distribution.selection == samsim::selection_rule::cheapest);

  // Raid targets: assets by name, and one battery; threats aim at the target's position.
  using kind = samsim::target_ref::kind;
  REQUIRE(sc.raid.groups.size() == 6);
  const std::vector<samsim::target_ref> targets = {{kind::asset, 0},   {kind::asset, 1}, {kind::asset, 0},
                                                   {kind::asset, 1},   {kind::asset, 2}, {kind::battery, 0}};
  for (std::size_t i = 0; i < targets.size(); ++i) {
    INFO("group " << i);
    CHECK(sc.raid.groups[i].target == targets[i]);
  }
  CHECK(sc.raid.groups[4].aim_en_m == Eigen::Vector2d(70000, -10000));  // airbase_east
  CHECK(sc.raid.groups[5].aim_en_m == Eigen::Vector2d(-30000, 20000));  // the west battery
  CHECK(sc.raid.groups[2].class_index == static_cast<int>(da::drone));
  CHECK(sc.monte_carlo.seed == 20261201u);
  CHECK_NOTHROW(samsim::validate(sc));
}

TEST_CASE("format 2 optional keys take their documented defaults", "[scenario][format2]") {
  json doc = defended();
  doc["assets"][1].erase("value");
  doc["batteries"][1].erase("ready_time_s");
  doc["batteries"][2]["value"] = 3.5;
  doc.erase("network");
  doc.erase("fire_distribution");
  doc["interceptors"]["long"].erase("cost");
  doc["threat_classes"]["cruise"].erase("cost");
  doc["threat_classes"]["drone"]["priority"] = 2;
  doc["raid"][4].erase("target");
  doc["interceptors"]["medium"]["kinematics"]["augmented_pn"] = true;
  const scenario sc = samsim::parse_scenario(doc, "defaults");
  CHECK(sc.assets[1].value == 1.0);
  CHECK(sc.batteries[1].ready_time_s == 0.0);
  CHECK(sc.batteries[2].value == 3.5);
  CHECK_FALSE(sc.network.shared_tracks);
  CHECK(sc.network.latency_s == 0.0);
  CHECK(sc.fire_distribution.priority == samsim::priority_rule::earliest_arrival);
  CHECK(sc.fire_distribution.selection == samsim::selection_rule::earliest_intercept);
  CHECK(sc.interceptors[da::long_range].cost_per_round == 0.0);
  CHECK(sc.classes[da::cruise].cost == 0.0);
  CHECK(sc.classes[da::drone].priority == 2);
  CHECK(sc.raid.groups[4].target == samsim::target_ref{samsim::target_ref::kind::asset, 0});
  CHECK(sc.raid.groups[4].aim_en_m == Eigen::Vector2d(0, 0));  // the first asset, the city
  CHECK(sc.interceptors[da::medium].kinematics.augmented_pn);

  // Each key of network and fire_distribution is optional on its own.
  doc["network"] = {{"shared_tracks", true}};
  doc["fire_distribution"] = {{"selection", "cheapest"}};
  const scenario partial = samsim::parse_scenario(doc, "partial");
  CHECK(partial.network.shared_tracks);
  CHECK(partial.network.latency_s == 0.0);
  CHECK(partial.fire_distribution.priority == samsim::priority_rule::earliest_arrival);
  CHECK(partial.fire_distribution.selection == samsim::selection_rule::cheapest);
}

TEST_CASE("priority is read in format 1 too, and a format 1 scenario has no batteries", "[scenario]") {
  const scenario sc = samsim::parse_scenario(patched(reference(), "/threat_classes/ballistic/priority", "3"));
  CHECK(sc.classes[0].priority == 3);
  CHECK(sc.classes[1].priority == 0);
  CHECK(sc.format == 1);
  CHECK(sc.batteries.empty());  // a format 1 scenario keeps its format 1 fields only
}

TEST_CASE("malformed format 2 scenarios fail with the pointer and reason", "[scenario][format2]") {
  // Rules from docs/scenario.md (format 2).
  const std::vector<bad_case> cases = {
      // names that name nothing, or a name twice
      {"/batteries/0/launchers/0/interceptor", R"("lng")", nullptr,
       "unknown interceptor type 'lng' (did you mean 'long'?)"},
      {"/batteries/2/launchers/0/interceptor", R"("laser")", nullptr,
       "unknown interceptor type 'laser' (expected one of: counter_drone, long, medium, short)"},
      {"/raid/0/target", R"("citty")", nullptr, "unknown target 'citty': not an asset or a battery (did you mean 'city'?)"},
      {"/raid/5/target", R"("north")", nullptr, "unknown target 'north'"},
      {"/assets/1/name", R"("city")", nullptr, "duplicate asset name 'city' (also at /assets/0/name)"},
      {"/batteries/1/name", R"("west")", nullptr, "duplicate battery name 'west' (also at /batteries/0/name)"},
      {"/batteries/0/name", R"("city")", nullptr, "'city' is also an asset's name (/assets/0/name)"},
      {"/batteries/0/launchers/1/interceptor", R"("long")", nullptr,
       "type 'long' already has launchers in this battery (/batteries/0/launchers/0)"},
      {"/interceptors/long/pk/by_class/drones", "0.5", nullptr, "unknown threat class 'drones' (did you mean 'drone'?)"},
      // unknown keys
      {"/assets/0/valeu", "3", nullptr, "unknown key 'valeu' (did you mean 'value'?)"},
      {"/interceptors/long/costs", "3", nullptr, "unknown key 'costs' (did you mean 'cost'?)"},
      {"/interceptors/long/kinematics/speed_mp", "3", nullptr, "unknown key 'speed_mp' (did you mean 'speed_mps'?)"},
      {"/interceptors/medium/kinematics/speed_mps", "3", nullptr, "unknown key 'speed_mps'"},
      {"/batteries/0/ready_time", "3", nullptr, "unknown key 'ready_time' (did you mean 'ready_time_s'?)"},
      {"/batteries/0/launchers/0/interceptors", R"("long")", nullptr, "did you mean 'interceptor'?"},
      {"/network/latency", "3", nullptr, "unknown key 'latency' (did you mean 'latency_s'?)"},
      {"/fire_distribution/rule", R"("cheapest")", nullptr, "unknown key 'rule'"},
      {"/defended_asset", R"({"position_m": [0, 0]})", nullptr, "'defended_asset' is a format 1 key"},
      {"/battery", "{}", nullptr, "'battery' is a format 1 key"},
      {"/raid/0/aim_point_m", "[0, 0]", nullptr, "not used in format 2"},
      {"/asset", "[]", nullptr, "unknown key 'asset' (did you mean 'assets'?)"},
      // wrong types
      {"/assets", "{}", nullptr, "expected an array of assets, got an object"},
      {"/assets/0", "5", nullptr, "expected an object, got a number"},
      {"/assets/0/name", "5", nullptr, "expected a string, got a number"},
      {"/assets/0/position_m", "[1]", nullptr, "exactly 2 elements"},
      {"/interceptors", "[]", nullptr, "expected an object, got an array"},
      {"/interceptors/long/kinematics", "5", nullptr, "expected an object, got a number"},
      {"/batteries", "{}", nullptr, "expected an array of batteries, got an object"},
      {"/batteries/0/launchers", "{}", nullptr, "expected an array of launcher groups, got an object"},
      {"/batteries/0/launchers/0/interceptor", "1", nullptr, "expected a string, got a number"},
      {"/network/shared_tracks", "1", nullptr, "expected a boolean"},
      {"/network", "true", nullptr, "expected an object, got a boolean"},
      {"/fire_distribution/priority", "1", nullptr, "expected a string, got a number"},
      {"/raid/0/target", "0", nullptr, "expected a string, got a number"},
      {"/threat_classes/cruise/priority", "1.5", nullptr, "expected an integer, got a fractional number"},
      // values out of range
      {"/assets/0/value", "0", nullptr, "must be in (0, 1000000000000000]"},
      {"/batteries/0/value", "-1", nullptr, "must be in (0, 1000000000000000]"},
      {"/interceptors/long/cost", "-1", nullptr, "must be in [0, 1000000000000000]"},
      {"/threat_classes/cruise/cost", "-0.5", nullptr, "must be in [0, 1000000000000000]"},
      {"/threat_classes/cruise/priority", "2000000", nullptr, "must be an integer in [-1000000, 1000000]"},
      {"/batteries/1/ready_time_s", "-5", nullptr, "must be in [0, 10000000]"},
      {"/network/latency_s", "-1", nullptr, "must be in [0, 10000000]"},
      {"/interceptors/long/kinematics/speed_mps", "0", nullptr, "must be in (0, 10000]"},
      {"/interceptors/long/envelope/min_speed_mps", "2000", "/interceptors/long/kinematics/speed_mps",
       "must be >= envelope min_speed_mps (2000)"},
      {"/interceptors/long/kinematics/model", R"("2dof")", nullptr,
       "must be '3dof' or 'average_speed' (did you mean '3dof'?)"},
      {"/interceptors/long/pk/default", "1.5", nullptr, "must be in [0, 1]"},
      {"/interceptors/medium/kinematics/navigation_ratio", "0", nullptr, "must be > 0"},
      {"/fire_distribution/priority", R"("value")", nullptr, "must be 'earliest_arrival' or 'asset_value'"},
      {"/fire_distribution/selection", R"("cheap")", nullptr, "(did you mean 'cheapest'?)"},
      // A salvo is of one type: the long launchers hold 2 x 4 = 8 rounds.
      {"/batteries/0/doctrine/salvo_size", "9", nullptr,
       "must be <= the rounds of every launcher group (/batteries/0/launchers/0: count x ready_per_launcher = 8)"},
      {"/batteries/0/fire_control/max_interceptors_in_flight", "1", "/batteries/0/doctrine/salvo_size",
       "max_interceptors_in_flight (1)"},
      {"/batteries/0/radar/pfa", "2", nullptr, "must be in (0, 1)"},
      {"/batteries/0/launchers/0/count", "0", nullptr, "must be an integer in [1, 100000]"},
      // empty lists
      {"/assets", "[]", nullptr, "must list at least one asset"},
      {"/interceptors", "{}", nullptr, "must define at least one interceptor type"},
      {"/batteries", "[]", nullptr, "must list at least one battery"},
      {"/batteries/0/launchers", "[]", nullptr, "must list at least one launcher group"},
      {"/assets/0/name", R"("")", nullptr, "must not be empty"},
      {"/batteries/0/name", R"("")", nullptr, "must not be empty"},
      // missing required keys
      {"/assets", "remove", nullptr, "missing required key"},
      {"/interceptors", "remove", nullptr, "missing required key"},
      {"/batteries", "remove", nullptr, "missing required key"},
      {"/assets/0/name", "remove", nullptr, "missing required key"},
      {"/assets/0/position_m", "remove", nullptr, "missing required key"},
      {"/interceptors/long/kinematics/model", "remove", nullptr, "missing required key"},
      {"/interceptors/long/kinematics/speed_mps", "remove", nullptr, "missing required key"},
      {"/interceptors/medium/kinematics/phases", "remove", nullptr, "missing required key"},
      {"/interceptors/long/envelope", "remove", nullptr, "missing required key"},
      {"/interceptors/long/pk", "remove", nullptr, "missing required key"},
      {"/batteries/0/name", "remove", nullptr, "missing required key"},
      {"/batteries/0/position_m", "remove", nullptr, "missing required key"},
      {"/batteries/0/radar", "remove", nullptr, "missing required key"},
      {"/batteries/0/fire_control", "remove", nullptr, "missing required key"},
      {"/batteries/0/doctrine", "remove", nullptr, "missing required key"},
      {"/batteries/0/launchers", "remove", nullptr, "missing required key"},
      {"/batteries/0/launchers/0/interceptor", "remove", nullptr, "missing required key"},
      {"/batteries/0/launchers/0/reload_rounds", "remove", nullptr, "missing required key"},
      {"/threat_classes", "remove", nullptr, "missing required key"},
      {"/monte_carlo", "remove", nullptr, "missing required key"},
      // the format number
      {"/samsim", "3", nullptr, "unsupported format version (this samsim reads versions 1 and 2)"},
      {"/samsim", "1e300", nullptr, "unsupported format version"},
      {"/samsim", "1.5", nullptr, "unsupported format version"},
      {"/samsim", R"("2")", nullptr, "expected an integer, got a string"},
  };
  check_bad_cases(defended(), cases);
}

TEST_CASE("format 2 keys in a format 1 file are named as such", "[scenario]") {
  const json ref = reference();
  expect_error([&] { samsim::parse_scenario(patched(ref, "/assets", "[]")); }, "/assets",
               "'assets' is a format 2 key (\"samsim\": 2)");
  expect_error([&] { samsim::parse_scenario(patched(ref, "/network", "{}")); }, "/network", "'network' is a format 2 key");
  expect_error([&] { samsim::parse_scenario(patched(ref, "/raid/0/target", R"("city")")); }, "/raid/0/target",
               "'target' is a format 2 key");
  expect_error([&] { samsim::parse_scenario(patched(ref, "/threat_classes/cruise/cost", "1")); },
               "/threat_classes/cruise/cost", "'cost' is a format 2 key");
}

TEST_CASE("two interceptor types of one name are a duplicate key", "[scenario][format2]") {
  std::string text = read_text(defended_path);
  const std::string key = "\"short\": {";
  REQUIRE(text.find(key) != std::string::npos);
  text.replace(text.find(key), key.size(), "\"long\": {");
  expect_error([&] { samsim::parse_scenario_text(text, "dup.json"); }, "/interceptors/long", "duplicate key 'long'");
}

TEST_CASE("expand_to_defended_area writes a format 1 scenario as one asset, type and battery", "[scenario][format2]") {
  const scenario ref = samsim::load_scenario(reference_path);
  scenario sc = ref;
  samsim::expand_to_defended_area(sc);
  CHECK(sc.format == 1);
  REQUIRE(sc.assets.size() == 1);
  CHECK(sc.assets[0].name == "asset");
  CHECK(sc.assets[0].position_en_m == ref.defended_asset_en_m);
  CHECK(sc.assets[0].value == 1.0);

  REQUIRE(sc.interceptors.size() == 1);
  const auto& t = sc.interceptors[0];
  CHECK(t.name == "interceptor");
  CHECK(t.model == samsim::kinematics_model::three_dof);
  // The numbers of reference-raid.json's interceptor.
  CHECK(t.kinematics.launch_mass_kg == 1800.0);
  CHECK(t.kinematics.phases.size() == ref.battery.interceptor.phases.size());
  CHECK(t.kinematics.cd_vs_mach == ref.battery.interceptor.cd_vs_mach);
  CHECK(t.envelope.max_range_m == 250000.0);
  CHECK(t.envelope.min_speed_mps == 400.0);
  CHECK(t.pk_default == ref.battery.pk_default);
  CHECK(t.pk_by_class == ref.pk_by_class);
  CHECK(t.kill.common_mode_correlation == ref.battery.kill.common_mode_correlation);
  CHECK(t.kill.edge_start_fraction == ref.battery.kill.edge_start_fraction);
  CHECK(t.cost_per_round == 0.0);

  REQUIRE(sc.batteries.size() == 1);
  const auto& b = sc.batteries[0];
  CHECK(b.name == "battery");
  CHECK(b.position_en_m == ref.battery.position_en_m);
  CHECK(b.ready_time_s == 0.0);
  CHECK(b.value == 1.0);
  CHECK(b.radar.peak_power_w == 2e6);
  CHECK(b.radar.antenna_gain == ref.battery.radar.antenna_gain);
  CHECK(b.radar.scan_period_s == 6.0);
  CHECK(b.radar.max_tracks == 100);
  CHECK(b.fire_control.max_engaged_targets == 36);
  CHECK(b.fire_control.launch_interval_s == 3.0);
  CHECK(b.doctrine.salvo_size == ref.battery.doctrine.salvo_size);
  CHECK(b.doctrine.mode == ref.battery.doctrine.mode);
  REQUIRE(b.launchers.size() == 1);
  CHECK(b.launchers[0].interceptor_type == 0);
  CHECK(b.launchers[0].launchers.count == 16);
  CHECK(b.launchers[0].launchers.reload_time_s == 600.0);
  CHECK(b.launchers[0].launchers.reload_rounds == 64);

  CHECK_FALSE(sc.network.shared_tracks);
  CHECK(sc.fire_distribution.priority == samsim::priority_rule::earliest_arrival);
  CHECK(sc.fire_distribution.selection == samsim::selection_rule::earliest_intercept);
  REQUIRE(sc.raid.groups.size() == ref.raid.groups.size());
  for (std::size_t i = 0; i < sc.raid.groups.size(); ++i) {
    CHECK(sc.raid.groups[i].target == samsim::target_ref{samsim::target_ref::kind::asset, 0});
    CHECK(sc.raid.groups[i].aim_en_m == ref.raid.groups[i].aim_en_m);
  }
  // The format 1 fields stay, and the expanded scenario is valid.
  CHECK(sc.battery.launchers.count == 16);
  CHECK(sc.pk_by_class == ref.pk_by_class);
  CHECK_NOTHROW(samsim::validate(sc));

  // A second call, or a format 2 scenario, is left as it is.
  sc.batteries[0].name = "renamed";
  samsim::expand_to_defended_area(sc);
  CHECK(sc.batteries.size() == 1);
  CHECK(sc.batteries[0].name == "renamed");
  scenario area = samsim::load_scenario(defended_path);
  samsim::expand_to_defended_area(area);
  CHECK(area.assets.size() == 3);
  CHECK(area.interceptors.size() == 4);
  CHECK(area.batteries.size() == 3);
  CHECK(area.raid.groups[5].target == samsim::target_ref{samsim::target_ref::kind::battery, 0});
}

TEST_CASE("validate(scenario) checks format 2 scenarios built in code", "[scenario][format2]") {
  const scenario good = samsim::load_scenario(defended_path);
  REQUIRE_NOTHROW(samsim::validate(good));

  scenario sc = good;
  sc.raid.groups[5].target.index = 7;
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("target battery index 7"));
  sc = good;
  sc.raid.groups[0].aim_en_m = {1.0, 1.0};
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("not its target's position"));
  sc = good;
  sc.interceptors[0].pk_by_class.pop_back();
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("pk_by_class has 4 entries for 5 classes"));
  sc = good;
  sc.batteries[0].launchers[0].interceptor_type = 9;
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("interceptor_type 9"));
  sc = good;
  sc.batteries[1].launchers[1].interceptor_type = sc.batteries[1].launchers[0].interceptor_type;
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("already has launchers[0]"));
  sc = good;
  sc.batteries[1].name = "west";
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("'west' is taken"));
  sc = good;
  sc.assets[2].value = 0.0;
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("value"));
  sc = good;
  sc.batteries[2].ready_time_s = -1.0;
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("ready_time_s"));
  sc = good;
  sc.network.latency_s = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("latency_s"));
  sc = good;
  sc.interceptors[1].average_speed_mps = -5.0;
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("average_speed_mps"));
  sc = good;
  sc.format = 3;
  CHECK_THROWS_WITH(samsim::validate(sc), Contains("format 3"));
}

// ---- runaway inputs --------------------------------------------------------------

TEST_CASE("a threat whose flight needs more than 10^6 radar looks is refused", "[scenario][runaway]") {
  const json ref = reference();
  // reference-raid.json: the drone group (raid/2) starts 80 km out, leaks at 0 m, the radar
  // looks every 6 s: looks = 80000 / v / 6, so the limit of 1e6 falls at v = 0.01333 m/s.
  const auto at = [&](const char* pointer, const char* value) { return patched(ref, pointer, value); };
  expect_error([&] { samsim::parse_scenario(at("/threat_classes/drone/speed_mps", "1e-6")); },
               "/threat_classes/drone/speed_mps", "more than the limit of 1000000 looks per threat per radar");
  try {
    samsim::parse_scenario(at("/threat_classes/drone/speed_mps", "1e-6"), "slow.json");
    FAIL("no error");
  } catch (const scenario_error& e) {
    CHECK(e.value() == "1e-06");
    // 80000 m / 1e-6 m/s = 8e10 s; / 6 s = 1.333e10 looks.
    CHECK_THAT(e.reason(), Contains("8e+10 s") && Contains("1.333e+10 looks") && Contains("scan_period_s 6") &&
                               Contains("(raid group 2)"));
  }
  expect_error([&] { samsim::parse_scenario(at("/threat_classes/drone/speed_mps", "0.013")); },
               "/threat_classes/drone/speed_mps", "1.026e+06 looks");  // 80000 / 0.013 / 6
  CHECK_NOTHROW(samsim::parse_scenario(at("/threat_classes/drone/speed_mps", "0.014")));  // 952381 looks
  // A group's own speed is blamed where it is written.
  expect_error([&] { samsim::parse_scenario(at("/raid/2/speed_mps", "0.001")); }, "/raid/2/speed_mps", "looks");
  // The slowest speed a distribution can draw counts: a uniform's low end,
  expect_error([&] { samsim::parse_scenario(at("/raid/2/speed_mps", R"({"uniform": [0.005, 50]})")); },
               "/raid/2/speed_mps", "down to 0.005 m/s");
  // and a normal's lowest quantile: the smallest uniform a stream draws is 2^-54 = 5.6e-17, so
  // N(50, 20) truncated at 0 (2.5 sd below the mean) can draw speeds next to 0, while N(50, 5)
  // draws nothing below about 50 - 8.2 x 5 = 9 m/s (Phi(-8.2) = 1.2e-16): 80000 / 9 / 6 = 1500 looks.
  expect_error(
      [&] { samsim::parse_scenario(at("/threat_classes/drone/speed_mps", R"({"normal": {"mean": 50, "sd": 20}})")); },
      "/threat_classes/drone/speed_mps", "looks");
  CHECK_NOTHROW(samsim::parse_scenario(at("/threat_classes/drone/speed_mps", R"({"normal": {"mean": 50, "sd": 5}})")));
  // The longest start range counts: 80 km -> 1e7 m at 0.6 m/s is 1e7 / 0.6 / 6 = 2.78e6 looks.
  json far = at("/raid/2/start_range_m", R"({"uniform": [1000, 10000000]})");
  far["threat_classes"]["drone"]["speed_mps"] = 0.6;
  expect_error([&] { samsim::parse_scenario(far); }, "/threat_classes/drone/speed_mps", "2.778e+06 looks");

  // A ballistic flight (300 s here) against a radar looking every 0.1 ms: 3e6 looks, blamed on the radar.
  json ballistic_only = at("/raid", "remove");
  ballistic_only["raid"] = json::array({ref["raid"][3]});
  ballistic_only["battery"]["radar"]["scan_period_s"] = 1e-4;
  expect_error([&] { samsim::parse_scenario(ballistic_only); }, "/battery/radar/scan_period_s", "3e+06 looks");
  ballistic_only["battery"]["radar"]["scan_period_s"] = 4e-4;  // 750000 looks
  CHECK_NOTHROW(samsim::parse_scenario(ballistic_only));
}

TEST_CASE("format 2 counts looks on the radar that looks most often", "[scenario][runaway][format2]") {
  // defended-area.json: the drone group (raid/2) starts 80 km from the city; the counter-drone
  // radar (batteries/2) looks every 1 s: 80000 / 0.05 / 1 = 1.6e6 looks (2.7e5 on the 6 s radars).
  const json doc = defended();
  expect_error([&] { samsim::parse_scenario(patched(doc, "/threat_classes/drone/speed_mps", "0.05")); },
               "/threat_classes/drone/speed_mps", "1.6e+06 looks of a radar with scan_period_s 1");
  CHECK_NOTHROW(samsim::parse_scenario(patched(doc, "/threat_classes/drone/speed_mps", "0.1")));  // 8e5 looks
  json fast_radar = doc;
  fast_radar["raid"] = json::array({doc["raid"][4]});  // the ballistic group alone: 300 s of flight
  fast_radar["batteries"][1]["radar"]["scan_period_s"] = 1e-4;
  expect_error([&] { samsim::parse_scenario(fast_radar); }, "/batteries/1/radar/scan_period_s", "3e+06 looks");
}

TEST_CASE("ballistic flights outside the flat-earth model are refused", "[scenario][runaway]") {
  json doc = reference();
  doc["threat_classes"]["ballistic"].erase("flight_time_s");
  // The issue's example: an apogee of 1e7 m.
  expect_error([&] { samsim::parse_scenario(patched(doc, "/threat_classes/ballistic/apogee_m", "1e7")); },
               "/threat_classes/ballistic/apogee_m",
               "must be in (0, 300000] (beyond it the flat-earth constant-g ballistic model does not hold)");
  CHECK_NOTHROW(samsim::parse_scenario(patched(doc, "/threat_classes/ballistic/apogee_m", "300000")));
  // Flight time to a 300 km apogee: sqrt(8 x 300000 / 9.80665) = 494.70 s.
  const json ref = reference();
  expect_error([&] { samsim::parse_scenario(patched(ref, "/threat_classes/ballistic/flight_time_s", "600")); },
               "/threat_classes/ballistic/flight_time_s", "must be in (0, 494.7");
  CHECK_NOTHROW(samsim::parse_scenario(patched(ref, "/threat_classes/ballistic/flight_time_s", "494.7")));
  // Ground range: the ballistic group is raid/3.
  expect_error([&] { samsim::parse_scenario(patched(ref, "/raid/3/start_range_m", "1200000")); },
               "/raid/3/start_range_m", "must be in (0, 1000000]");
  expect_error([&] { samsim::parse_scenario(patched(ref, "/raid/3/start_range_m", R"({"uniform": [1e5, 2e6]})")); },
               "/raid/3/start_range_m/uniform/1", "is outside the flat-earth model");
  // A normal range is truncated at 1000 km.
  const scenario sc =
      samsim::parse_scenario(patched(ref, "/raid/3/start_range_m", R"({"normal": {"mean": 900000, "sd": 100000}})"));
  CHECK(sc.raid.groups[3].start_range_m.upper_bound == 1e6);
  // A straight class may still start 1e7 m out.
  CHECK_NOTHROW(samsim::parse_scenario(patched(ref, "/raid/0/start_range_m", "1e7")));

  // The same limits for scenarios built in code.
  scenario code = samsim::load_scenario(reference_path);
  code.classes[0].flight_time_s = 0.0;
  code.classes[0].apogee_height_m = 1e7;
  CHECK_THROWS_WITH(samsim::validate(code), Contains("apogee_height_m") && Contains("300000"));
  code = samsim::load_scenario(reference_path);
  code.raid.groups[3].start_range_m = samsim::random_value::fixed(2e6);
  CHECK_THROWS_WITH(samsim::validate(code), Contains("raid group 3 start_range_m") && Contains("1000000"));
  code = samsim::load_scenario(reference_path);
  code.raid.class_defaults[2].speed_mps = samsim::random_value::fixed(1e-6);
  CHECK_THROWS_WITH(samsim::validate(code), Contains("raid group 2 speed_mps") && Contains("looks"));
}

TEST_CASE("a raid that can draw more threats than a trial supports is refused", "[scenario][runaway]") {
  // Each threat of a trial draws from its own sub-stream: at most 2^20 - 1 = 1048575 (rng.hpp).
  json doc = reference();
  json group = doc["raid"][0];  // cruise, 300 km at 250 m/s
  group["count"] = 100000;
  doc["raid"] = json::array();
  for (int i = 0; i < 10; ++i) doc["raid"].push_back(group);
  group["count"] = 48575;
  doc["raid"].push_back(group);  // 1000000 + 48575 = 1048575
  CHECK_NOTHROW(samsim::parse_scenario(doc));
  doc["raid"][10]["count"] = 48576;
  expect_error([&] { samsim::parse_scenario(doc); }, "/raid/10/count", "a trial supports at most 1048575");
  // A Poisson count counts with its largest draw: Poisson(48000) exceeds 48575 with
  // probability about P(Z > 575 / sqrt(48000) = 2.6) = 5e-3, far above 2^-53.
  doc["raid"][10]["count"] = {{"poisson", 48000}};
  expect_error([&] { samsim::parse_scenario(doc); }, "/raid/10/count", "a trial supports at most 1048575");
  doc["raid"][10]["count"] = {{"uniform", {0, 48576}}};
  expect_error([&] { samsim::parse_scenario(doc); }, "/raid/10/count", "this group up to 48576");
}
