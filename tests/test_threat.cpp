// Tests of threat.hpp: closed-form trajectories against the analytic expressions.
#include <samsim/threat.hpp>
#include <samsim/units.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace samsim;

namespace {
threat_class straight_class(double leak_distance_m) {
  threat_class c;
  c.name = "cruise";
  c.trajectory = trajectory_kind::straight;
  c.rcs_m2 = 0.1;
  c.leak_distance_m = leak_distance_m;
  return c;
}
threat_state state_at(double range_m, double bearing_deg, double height_m, double speed_mps, double launch_s) {
  threat_state s;
  const double b = units::deg_to_rad(bearing_deg);
  s.start_en_m = range_m * Eigen::Vector2d(std::sin(b), std::cos(b));
  s.aim_en_m = Eigen::Vector2d::Zero();
  s.height_m = height_m;
  s.speed_mps = speed_mps;
  s.launch_time_s = launch_s;
  return s;
}
}  // namespace

TEST_CASE("straight threat: constant speed and height along the ground track", "[threat]") {
  // Start 100 km due east (bearing 90 deg), 250 m/s, 30 m: x(t) = 100000 - 250 (t - 10).
  const threat_trajectory tr(straight_class(0.0), state_at(100e3, 90.0, 30.0, 250.0, 10.0));
  CHECK(tr.launch_time_s() == 10.0);
  CHECK(tr.arrival_time_s() == Approx(10.0 + 100e3 / 250.0));
  CHECK(tr.leak_time_s() == Approx(410.0));
  const Eigen::Vector3d p = tr.position_enu_m(110.0);
  CHECK(p.x() == Approx(100e3 - 250.0 * 100.0));
  CHECK(p.y() == Approx(0.0).margin(1e-6));
  CHECK(p.z() == 30.0);
  const Eigen::Vector3d v = tr.velocity_enu_mps(110.0);
  CHECK(v.x() == Approx(-250.0));
  CHECK(v.y() == Approx(0.0).margin(1e-9));
  CHECK(v.z() == 0.0);
  // Before launch it sits at its start point; after arrival at the aim point, with zero velocity.
  CHECK(tr.position_enu_m(0.0).x() == Approx(100e3));
  CHECK(tr.position_enu_m(1000.0).norm() == Approx(30.0));
  CHECK(tr.velocity_enu_mps(1000.0).norm() == 0.0);
}

TEST_CASE("bearing is clockwise from north, seen from the aim point", "[threat]") {
  // Bearing 0: start due north of the aim point; bearing 180: due south.
  const threat_trajectory north(straight_class(0.0), state_at(50e3, 0.0, 100.0, 200.0, 0.0));
  CHECK(north.position_enu_m(0.0).y() == Approx(50e3));
  CHECK(north.velocity_enu_mps(1.0).y() == Approx(-200.0));
  const threat_trajectory south(straight_class(0.0), state_at(50e3, 180.0, 100.0, 200.0, 0.0));
  CHECK(south.position_enu_m(0.0).y() == Approx(-50e3));
}

TEST_CASE("leak time: leak_distance_m before the aim point", "[threat]") {
  // Aircraft from 450 km at 280 m/s with a 60 km stand-off: leaks after (450 - 60) km / 280 m/s.
  const threat_trajectory tr(straight_class(60e3), state_at(450e3, 10.0, 8000.0, 280.0, 5.0));
  CHECK(tr.leak_time_s() == Approx(5.0 + 390e3 / 280.0));
  CHECK(tr.position_enu_m(tr.leak_time_s()).head<2>().norm() == Approx(60e3));
}

TEST_CASE("ballistic threat: vacuum parabola set by flight time or apogee", "[threat]") {
  threat_class c = straight_class(0.0);
  c.trajectory = trajectory_kind::ballistic;
  c.flight_time_s = 300.0;
  const threat_trajectory tr(c, state_at(280e3, 0.0, 0.0, 0.0, 200.0));
  const double g = units::standard_gravity_mps2;
  // z(tau) = (g T / 2) tau - g tau^2 / 2; apogee g T^2 / 8 at tau = T / 2 (flat-earth vacuum ballistics).
  CHECK(tr.max_height_m() == Approx(g * 300.0 * 300.0 / 8.0));
  CHECK(tr.position_enu_m(350.0).z() == Approx(g * 300.0 * 300.0 / 8.0));
  CHECK(tr.position_enu_m(250.0).z() == Approx(0.5 * g * 300.0 * 50.0 - 0.5 * g * 50.0 * 50.0));
  CHECK(tr.position_enu_m(350.0).y() == Approx(140e3));  // half the ground range at half the time
  CHECK(tr.velocity_enu_mps(350.0).z() == Approx(0.0).margin(1e-9));
  CHECK(tr.velocity_enu_mps(500.0 - 1e-9).z() == Approx(-0.5 * g * 300.0));
  CHECK(tr.position_enu_m(500.0).z() == Approx(0.0).margin(1e-6));
  CHECK(tr.leak_time_s() == Approx(500.0));

  // The same arc from its apogee: T = sqrt(8 H / g).
  threat_class by_apogee = c;
  by_apogee.flight_time_s = 0.0;
  by_apogee.apogee_height_m = g * 300.0 * 300.0 / 8.0;
  const threat_trajectory tr2(by_apogee, state_at(280e3, 0.0, 0.0, 0.0, 200.0));
  CHECK(tr2.arrival_time_s() == Approx(500.0));
}

TEST_CASE("terminal pop-up and dive are piecewise linear in distance to go", "[threat]") {
  threat_class c = straight_class(0.0);
  c.terminal = terminal_kind::pop_up;
  c.terminal_distance_m = 10e3;
  c.terminal_height_m = 1000.0;
  // 100 km at 250 m/s, cruise 30 m: distance to go d(t) = 100000 - 250 t.
  const threat_trajectory tr(c, state_at(100e3, 0.0, 30.0, 250.0, 0.0));
  CHECK(tr.position_enu_m(0.0).z() == 30.0);
  CHECK(tr.position_enu_m(360.0).z() == Approx(30.0));                     // d = 10 km: pop-up starts
  CHECK(tr.position_enu_m(380.0).z() == Approx(1000.0));                   // d = 5 km: top
  CHECK(tr.position_enu_m(370.0).z() == Approx(0.5 * (30.0 + 1000.0)));   // d = 7.5 km: halfway up
  CHECK(tr.position_enu_m(390.0).z() == Approx(500.0));                    // d = 2.5 km: halfway down
  CHECK(tr.velocity_enu_mps(370.0).z() == Approx(250.0 * 970.0 / 5000.0)); // climb rate = v dh/dd
  CHECK(tr.velocity_enu_mps(390.0).z() == Approx(-250.0 * 1000.0 / 5000.0));
  CHECK(tr.max_height_m() == 1000.0);

  c.terminal = terminal_kind::dive;
  c.terminal_height_m = 0.0;
  const threat_trajectory dive(c, state_at(100e3, 0.0, 3000.0, 250.0, 0.0));
  CHECK(dive.position_enu_m(380.0).z() == Approx(1500.0));  // d = 5 km: half of 3000 m
  CHECK(dive.velocity_enu_mps(380.0).z() == Approx(-250.0 * 3000.0 / 10e3));
}

TEST_CASE("threat class validation names the field", "[threat]") {
  threat_class c = straight_class(0.0);
  c.rcs_m2 = -1.0;
  CHECK_THROWS_WITH(validate(c), Catch::Contains("rcs_m2"));
  c = straight_class(0.0);
  c.trajectory = trajectory_kind::ballistic;
  CHECK_THROWS_WITH(validate(c), Catch::Contains("flight_time_s"));
  c.flight_time_s = 100.0;
  CHECK_NOTHROW(validate(c));
  c.apogee_height_m = 1000.0;
  CHECK_THROWS_WITH(validate(c), Catch::Contains("not both"));
}

TEST_CASE("max_speed_mps bounds the speed over the whole flight", "[threat]") {
  threat_class c = straight_class(0.0);
  c.terminal = terminal_kind::pop_up;
  c.terminal_distance_m = 8e3;
  c.terminal_height_m = 2000.0;
  const threat_trajectory pop(c, state_at(50e3, 30.0, 50.0, 300.0, 0.0));
  threat_class b = straight_class(0.0);
  b.trajectory = trajectory_kind::ballistic;
  b.flight_time_s = 250.0;
  const threat_trajectory bal(b, state_at(200e3, 0.0, 0.0, 0.0, 0.0));
  for (const threat_trajectory* tr : {&pop, &bal}) {
    double fastest = 0.0;
    for (double t = 0.0; t < tr->arrival_time_s(); t += 0.25) fastest = std::max(fastest, tr->velocity_enu_mps(t).norm());
    CHECK(fastest <= tr->max_speed_mps() * (1.0 + 1e-12));
    CHECK(fastest >= 0.99 * tr->max_speed_mps());  // and it is attained (not a loose bound)
  }
}
