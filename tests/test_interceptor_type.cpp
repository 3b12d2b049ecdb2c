// Tests of interceptor_type.hpp: the flyout table of each kinematics model
// (average_speed against its closed form, three_dof as flyout_table::build)
// and validate(interceptor_type).
#include <samsim/interceptor_type.hpp>

#include "reference_interceptor.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

using samsim::interceptor_type;
using samsim::kinematics_model;
using Catch::Matchers::Contains;

namespace {

// The average_speed types of examples/scenarios/defended-area.json.
interceptor_type average_speed_type(const std::string& name, double speed_mps, samsim::envelope_limits envelope) {
  interceptor_type t;
  t.name = name;
  t.model = kinematics_model::average_speed;
  t.average_speed_mps = speed_mps;
  t.envelope = envelope;
  t.pk_default = 0.7;
  return t;
}

std::vector<interceptor_type> example_types() {
  return {average_speed_type("long", 1800.0, {10000.0, 400000.0, 500.0, 60000.0, 0.0}),
          average_speed_type("short", 1000.0, {1000.0, 40000.0, 5.0, 20000.0, 0.0}),
          average_speed_type("counter_drone", 600.0, {300.0, 12000.0, 5.0, 6000.0, 0.0})};
}

// Largest |table - closed form| over points between the nodes: cell centres,
// and points a third and two thirds across, over the whole envelope.
double largest_error_s(const samsim::flyout_table& table, const interceptor_type& t) {
  const auto& e = t.envelope;
  const double dr = table.range_step_m(), dh = table.height_step_m();
  double worst = 0.0;
  for (const double fr : {1.0 / 3.0, 0.5, 2.0 / 3.0})
    for (const double fh : {1.0 / 3.0, 0.5, 2.0 / 3.0})
      for (double r = (std::floor(e.min_range_m / dr) + fr) * dr; r <= e.max_range_m; r += dr)
        for (double h = (std::floor(e.min_height_m / dh) + fh) * dh; h <= e.max_height_m; h += dh) {
          if (r < e.min_range_m || h < e.min_height_m) continue;
          const samsim::flyout_point p = table.at(r, h);
          REQUIRE(p.reachable);
          // MODEL.md section 8: an average_speed type flies the slant distance at its speed.
          worst = std::max(worst, std::abs(p.time_of_flight_s - std::hypot(r, h) / t.average_speed_mps));
        }
  return worst;
}

}  // namespace

TEST_CASE("average_speed tables match slant distance / speed between the nodes", "[interceptor_type]") {
  for (const auto& t : example_types()) {
    INFO(t.name);
    const samsim::flyout_table table = samsim::build_flyout_table(t);
    const double worst = largest_error_s(table, t);
    // The stated error, plus float storage of the node times (2^-24 relative, tof <= 224 s here).
    CHECK(worst <= samsim::average_speed_table_error_s + 224.0 * 0x1p-24);
    // Curvature bound of bilinear interpolation of d / v (docs/scenario.md):
    // s^2 / (4 v d_cell) with d_cell = sqrt(min_range^2 + min_height^2) - sqrt(2) s.
    const double s = std::max(table.range_step_m(), table.height_step_m());
    const double d_cell = std::hypot(t.envelope.min_range_m, t.envelope.min_height_m) - std::sqrt(2.0) * s;
    REQUIRE(d_cell > 0.0);
    CHECK(worst <= s * s / (4.0 * t.average_speed_mps * d_cell) + 224.0 * 0x1p-24);
    CHECK(worst > 0.0);  // the points are between nodes: interpolation error is not zero

    // Arrival speed is the stated speed; reach is exactly the envelope limits.
    const auto& e = t.envelope;
    const samsim::flyout_point corner = table.at(e.max_range_m, e.max_height_m);
    REQUIRE(corner.reachable);
    CHECK(corner.speed_mps == t.average_speed_mps);
    CHECK(corner.time_of_flight_s == Approx(std::hypot(e.max_range_m, e.max_height_m) / t.average_speed_mps)
                                         .epsilon(1e-6));
    CHECK(table.at(e.min_range_m, e.min_height_m).reachable);
    CHECK_FALSE(table.at(e.max_range_m + 1.0, e.max_height_m).reachable);
    CHECK_FALSE(table.at(e.min_range_m - 1.0, e.max_height_m).reachable);
    CHECK_FALSE(table.at(e.max_range_m, e.min_height_m - 1.0).reachable);
    CHECK_FALSE(table.at(e.max_range_m, e.max_height_m + 1.0).reachable);
  }
}

TEST_CASE("an average_speed envelope reaching the launcher stays within its node budget", "[interceptor_type]") {
  // min range and height 0: the cone's apex is in the envelope, so the
  // curvature bound fails there; every point is still within sqrt(2) s / v
  // (the interpolant is a mean of corner values, each within |corner - p| / v).
  const interceptor_type t = average_speed_type("apex", 1800.0, {0.0, 400000.0, 0.0, 60000.0, 0.0});
  const samsim::flyout_table table = samsim::build_flyout_table(t);
  CHECK(static_cast<double>(table.range_nodes()) * table.height_nodes() <= 4e6);
  const double s = std::max(table.range_step_m(), table.height_step_m());
  const double lipschitz_s = std::sqrt(2.0) * s / t.average_speed_mps;
  for (const double r : {0.3 * s, 0.5 * s, 1.5 * s, 10.5 * s})
    for (const double h : {0.2 * s, 0.5 * s, 2.5 * s}) {
      const samsim::flyout_point p = table.at(r, h);
      REQUIRE(p.reachable);
      CHECK(std::abs(p.time_of_flight_s - std::hypot(r, h) / t.average_speed_mps) <= lipschitz_s);
    }
}

TEST_CASE("a three_dof type's table is flyout_table::build of its kinematics", "[interceptor_type]") {
  interceptor_type t;
  t.name = "medium";
  t.model = kinematics_model::three_dof;
  t.kinematics = reference::interceptor();
  t.envelope = reference::limits;
  const samsim::flyout_table mine = samsim::build_flyout_table(t);
  const samsim::flyout_table direct = samsim::flyout_table::build(t.kinematics, t.envelope);
  REQUIRE(mine.range_nodes() == direct.range_nodes());
  REQUIRE(mine.height_nodes() == direct.height_nodes());
  for (const double r : {5000.0, 50250.0, 120000.0})
    for (const double h : {100.0, 10125.0, 25000.0}) {
      const auto a = mine.at(r, h), b = direct.at(r, h);
      CHECK(a.reachable == b.reachable);
      CHECK(a.time_of_flight_s == b.time_of_flight_s);
      CHECK(a.speed_mps == b.speed_mps);
    }
}

TEST_CASE("validate(interceptor_type) names the type and the field", "[interceptor_type]") {
  const interceptor_type good = example_types().front();
  REQUIRE_NOTHROW(samsim::validate(good));

  interceptor_type t = good;
  t.average_speed_mps = 0.0;
  CHECK_THROWS_WITH(samsim::validate(t), Contains("'long'") && Contains("average_speed_mps"));
  t = good;
  t.envelope.min_speed_mps = 2000.0;  // above the 1800 m/s it arrives at
  CHECK_THROWS_WITH(samsim::validate(t), Contains("below envelope.min_speed_mps"));
  t = good;
  t.envelope.max_range_m = t.envelope.min_range_m;
  CHECK_THROWS_WITH(samsim::validate(t), Contains("envelope.max_range_m"));
  t = good;
  t.cost_per_round = -1.0;
  CHECK_THROWS_WITH(samsim::validate(t), Contains("cost_per_round"));
  t = good;
  t.pk_by_class = {0.5, 1.5};
  CHECK_THROWS_WITH(samsim::validate(t), Contains("pk_by_class[1]"));
  t = good;
  t.kill.edge_factor = 2.0;
  CHECK_THROWS_WITH(samsim::validate(t), Contains("pk.edge.factor"));
  t = good;
  t.name.clear();
  CHECK_THROWS_AS(samsim::validate(t), std::invalid_argument);
  t = good;
  t.model = kinematics_model::three_dof;  // with no 3-DOF kinematics set
  CHECK_THROWS_WITH(samsim::validate(t), Contains("launch_mass_kg"));
  t.kinematics = reference::interceptor();
  CHECK_NOTHROW(samsim::validate(t));
}
