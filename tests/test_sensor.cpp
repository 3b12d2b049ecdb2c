// Tests of sensor.hpp's may_see, the test that lets a defended area skip a
// radar's look loop for a threat it cannot see. The skip is exact only if the
// test is conservative: when it says no, no point of the threat's path in the
// interval may lie within the radar's reach. The reference here is the
// geometry itself (ground distance of sampled positions against the 4/3-earth
// horizon of radar.hpp for the threat's top height, capped by the maximum
// range), not the code under test.
#include "engagement_oracles.hpp"

#include <samsim/detection.hpp>
#include <samsim/radar.hpp>
#include <samsim/rng.hpp>
#include <samsim/sensor.hpp>
#include <samsim/threat.hpp>
#include <samsim/units.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace samsim;

namespace {

/// The oracles' radar (10 m antenna), its range capped at 300 km so that the
/// cap binds for the ballistic class (apogee about 70 km).
radar_parameters test_radar() {
  radar_parameters r = engagement_oracles::pd_one_radar();
  r.max_range_m = 300e3;
  return r;
}

std::vector<threat_class> test_classes() {
  threat_class cruise;
  cruise.name = "cruise";
  cruise.trajectory = trajectory_kind::straight;
  cruise.rcs_m2 = 0.1;
  threat_class ballistic = cruise;
  ballistic.name = "ballistic";
  ballistic.trajectory = trajectory_kind::ballistic;
  ballistic.flight_time_s = 240.0;
  return {cruise, ballistic};
}

}  // namespace

TEST_CASE("may_see: a no means no point of the path within the radar's reach", "[sensor]") {
  const radar_parameters radar = test_radar();
  const std::vector<threat_class> classes = test_classes();
  std::vector<pd_table> tables;
  random_stream u(20261202u, stream_id::raid, 0);
  int said_no = 0, said_yes = 0;
  for (int k = 0; k < 400; ++k) {
    const Eigen::Vector2d site(2e6 * (u.uniform() - 0.5), 2e6 * (u.uniform() - 0.5));
    const sensor_model sensor(radar, site, classes, tables);
    threat_state s;
    s.class_index = k % 2;
    s.launch_time_s = 100.0 * u.uniform();
    s.start_en_m = Eigen::Vector2d(2e6 * (u.uniform() - 0.5), 2e6 * (u.uniform() - 0.5));
    s.aim_en_m = Eigen::Vector2d(2e5 * (u.uniform() - 0.5), 2e5 * (u.uniform() - 0.5));
    if (s.class_index == 1) s.aim_en_m = s.start_en_m + 5e5 * Eigen::Vector2d(u.uniform() - 0.5, u.uniform() - 0.5);
    s.height_m = 10.0 + 9000.0 * u.uniform();
    s.speed_mps = 100.0 + 900.0 * u.uniform();
    const threat_trajectory traj(classes[static_cast<std::size_t>(s.class_index)], s);
    const double from_s = traj.launch_time_s() + 60.0 * u.uniform();
    const double until_s = std::min(traj.leak_time_s(), from_s + 600.0 * u.uniform());
    // The reach for the threat's top height: no look beyond it can see it.
    const double reach_m = std::min(radar_horizon_m(radar.antenna_height_m, traj.max_height_m()), radar.max_range_m);
    double closest_m = INFINITY;
    for (double t = from_s; t < until_s; t += 0.25) {
      const Eigen::Vector3d p = traj.position_enu_m(t);
      closest_m = std::min(closest_m, std::hypot(p.x() - site.x(), p.y() - site.y()));
    }
    if (sensor.may_see(traj, from_s, until_s)) {
      ++said_yes;
    } else {
      ++said_no;
      INFO("threat " << k << ": closest " << closest_m << " m, reach " << reach_m << " m");
      CHECK(closest_m > reach_m);
    }
  }
  // The sites and threats are spread over 2,000 km: most pairs are far
  // apart, some are close. A test that always said yes would pass the check
  // above and skip nothing.
  CHECK(said_no > 100);
  CHECK(said_yes > 5);
}

TEST_CASE("may_see: a threat inside the reach, an empty interval, a radar far away", "[sensor]") {
  const radar_parameters radar = test_radar();
  const std::vector<threat_class> classes = test_classes();
  std::vector<pd_table> tables;
  const sensor_model near(radar, Eigen::Vector2d::Zero(), classes, tables);
  const sensor_model far(radar, Eigen::Vector2d(3e6, 0.0), classes, tables);
  threat_state s;
  s.start_en_m = Eigen::Vector2d(0.0, 100e3);
  s.height_m = 1000.0;
  s.speed_mps = 250.0;
  const threat_trajectory traj(classes[0], s);
  // 100 km away at 1 km: inside the 300 km range and the horizon
  // (sqrt(2 x 4/3 x 6371 km x 10 m) + sqrt(2 x 4/3 x 6371 km x 1 km) = 13.0 + 130.4 km).
  CHECK(near.may_see(traj, 0.0, 100.0));
  CHECK_FALSE(near.may_see(traj, 50.0, 50.0));  // no look in [50, 50)
  // 3,000 km away: 400 s at 250 m/s closes only 100 km of it.
  CHECK_FALSE(far.may_see(traj, 0.0, 400.0));
}
