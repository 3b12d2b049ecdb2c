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

json reference() { return samsim::read_scenario_json(reference_path); }

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
  struct bad_case {
    const char* patch_pointer;
    const char* replacement;  // JSON, or "remove"
    const char* error_pointer;  // nullptr: the patched pointer
    const char* fragment;
  };
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
      {"/battery/fire_control/max_interceptors_in_flight", "1", "/battery/doctrine/salvo_size",
       "max_interceptors_in_flight (1)"},
      {"/monte_carlo/trials", "0", nullptr, "must be an integer in [1, 1000000000]"},
      // values out of range
      {"/samsim", "2", nullptr, "unsupported format version"},
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
  const json ref = reference();
  for (const auto& c : cases) {
    const std::string error_pointer = c.error_pointer ? c.error_pointer : c.patch_pointer;
    INFO("patch " << c.patch_pointer << " <- " << c.replacement);
    const json doc = patched(ref, c.patch_pointer, c.replacement);
    expect_error([&] { samsim::parse_scenario(doc, "bad.json"); }, error_pointer, c.fragment);
  }
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
