#pragma once
// A small generic battery and cruise-missile raid built in code, shared by the
// examples. Textbook-level numbers, no real system's data.

#include <samsim/scenario.hpp>
#include <samsim/units.hpp>

namespace example {

inline samsim::scenario small_battery_scenario(int cruise_missiles) {
  using namespace samsim;
  scenario sc;
  sc.name = "example: small battery vs cruise missiles";

  radar_parameters& radar = sc.battery.radar;
  radar.peak_power_w = 1.0e6;
  radar.antenna_gain = units::db_to_linear(36.0);
  radar.frequency_hz = 3.0e9;
  radar.noise_figure = units::db_to_linear(4.0);
  radar.bandwidth_hz = 1.0e6;
  radar.losses = units::db_to_linear(6.0);
  radar.pulses_integrated = 8;
  radar.pfa = 1e-6;
  radar.scan_period_s = 4.0;
  radar.antenna_height_m = 20.0;
  radar.max_range_m = 300e3;
  radar.min_elevation_rad = units::deg_to_rad(-1.0);
  radar.max_elevation_rad = units::deg_to_rad(80.0);
  radar.confirm_m = 2;
  radar.confirm_n = 3;
  radar.max_tracks = 20;

  sc.battery.fire_control = {8, 16, 8.0, 2.0};         // channels, in flight, reaction [s], launch interval [s]
  sc.battery.launchers = {4, 4, 300.0, 16};            // launchers, rounds each, reload [s], reload pool
  interceptor_kinematics& k = sc.battery.interceptor;
  k.launch_mass_kg = 900.0;
  k.specific_impulse_s = 240.0;
  k.phases = {{120000.0, 5.0}, {20000.0, 12.0}};
  k.reference_area_m2 = 0.07;
  k.cd_vs_mach = {{0.0, 0.3}, {0.9, 0.35}, {1.2, 0.55}, {2.0, 0.45}, {4.0, 0.32}, {8.0, 0.25}};
  k.max_lateral_accel_mps2 = 300.0;
  k.navigation_ratio = 4.0;
  sc.battery.envelope = {2000.0, 80000.0, 10.0, 20000.0, 300.0};
  sc.battery.pk_default = 0.8;
  sc.battery.doctrine = {doctrine_mode::shoot_look_shoot, 2, 4.0, 2};

  threat_class cruise;
  cruise.name = "cruise";
  cruise.trajectory = trajectory_kind::straight;
  cruise.rcs_m2 = 0.1;
  cruise.swerling = swerling_case::sw1;
  cruise.leak_distance_m = 0.0;
  sc.classes = {cruise};
  sc.pk_by_class = {0.8};
  sc.raid.class_defaults = {{random_value::fixed(30.0), random_value::fixed(250.0)}};  // height [m], speed [m/s]

  raid_group group;
  group.class_index = 0;
  group.count = random_count::fixed(cruise_missiles);
  group.launch_time_s = random_value::uniform(0.0, 120.0);
  group.bearing_deg = random_value::uniform(-30.0, 30.0);
  group.start_range_m = random_value::fixed(60e3);
  sc.raid.groups = {group};

  sc.monte_carlo.trials = 2000;
  sc.monte_carlo.seed = 7;
  sc.monte_carlo.confidence = 0.95;
  validate(sc);
  return sc;
}

}  // namespace example
