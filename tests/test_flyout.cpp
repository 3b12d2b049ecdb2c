// Tests of flyout.hpp: the flyout table against direct 3-DOF integration, the
// envelope, and intercept prediction against closed-form constant-speed cases.
#include <samsim/flyout.hpp>

#include <samsim/rng.hpp>
#include <samsim/scenario.hpp>

#include "reference_interceptor.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

using namespace samsim;

namespace {

interceptor_kinematics reference_interceptor() { return reference::interceptor(); }
const envelope_limits reference_limits = reference::limits;

const flyout_table& reference_table() {
  static const flyout_table table = flyout_table::build(reference_interceptor(), reference_limits);
  return table;
}

constexpr double g0 = 9.80665;
constexpr double inf = std::numeric_limits<double>::infinity();

// --- Direct integration, independent of the table's triangulation --------------
// Each family member is flown here with the public 3-DOF propagator and the
// point is hit exactly: the ray along the line of sight, and the lofted member
// whose path passes through the point, found by scanning launch elevation and
// bisecting on the height at the point's ground range.

struct arrival {
  bool ok = false;
  double time_s = inf;
  double speed_mps = 0.0;
};

arrival fly_ray_to(double range_m, double height_m, double step_s) {
  const auto k = reference_interceptor();
  const double distance_m = std::hypot(range_m, height_m);
  const Eigen::Vector3d axis = Eigen::Vector3d(range_m, 0.0, height_m) / distance_m;
  point_mass_state s;
  s.mass_kg = k.launch_mass_kg;
  double prev_d = 0.0, prev_v = 0.0;
  for (int j = 1; j * step_s <= 300.0; ++j) {
    s = propagate(k, s, j * step_s - s.time_s, step_s, axis, force_switches{},
                  [](const point_mass_state&) { return Eigen::Vector3d(0.0, 0.0, g0); });
    s.time_s = j * step_s;
    const double d = s.position_enu_m.norm();
    const double v = s.velocity_enu_mps.norm();
    if (d >= distance_m) {
      const double f = (distance_m - prev_d) / (d - prev_d);
      return {true, (j - 1 + f) * step_s, prev_v + f * (v - prev_v)};
    }
    prev_d = d;
    prev_v = v;
  }
  return {};
}

struct crossing {
  bool ok = false;
  double height_m = 0.0;
  double time_s = 0.0;
  double speed_mps = 0.0;
};

crossing fly_loft_to_range(double elevation_rad, double range_m, const flyout_options& o) {
  const auto k = reference_interceptor();
  const Eigen::Vector3d axis(std::cos(elevation_rad), 0.0, std::sin(elevation_rad));
  point_mass_state s;
  s.mass_kg = k.launch_mass_kg;
  point_mass_state prev = s;
  for (int j = 1; j * o.integration_step_s <= o.max_flight_time_s; ++j) {
    s = propagate(k, s, j * o.integration_step_s - s.time_s, o.integration_step_s, axis, force_switches{},
                  [&](const point_mass_state& x) {
                    return x.time_s < o.loft_hold_s ? Eigen::Vector3d(0.0, 0.0, g0) : Eigen::Vector3d::Zero();
                  });
    s.time_s = j * o.integration_step_s;
    if (s.position_enu_m.x() >= range_m) {
      const double f = (range_m - prev.position_enu_m.x()) / (s.position_enu_m.x() - prev.position_enu_m.x());
      return {true, prev.position_enu_m.z() + f * (s.position_enu_m.z() - prev.position_enu_m.z()),
              prev.time_s + f * o.integration_step_s,
              prev.velocity_enu_mps.norm() + f * (s.velocity_enu_mps.norm() - prev.velocity_enu_mps.norm())};
    }
    if (s.position_enu_m.z() < -20000.0) break;  // far below: the sign of (height - h) is settled
    prev = s;
  }
  return {};
}

// Least time over the ray and every lofted member through (range, height) that
// arrives with at least min_speed.
double direct_time_of_flight_s(double range_m, double height_m, const flyout_options& o, double min_speed_mps) {
  double best = inf;
  const arrival ray = fly_ray_to(range_m, height_m, o.integration_step_s);
  if (ray.ok && ray.speed_mps >= min_speed_mps) best = ray.time_s;
  const double deg = 3.14159265358979323846 / 180.0;
  auto miss = [&](double e_rad) {
    const crossing c = fly_loft_to_range(e_rad, range_m, o);
    return c;
  };
  const double scan_deg = 1.0;
  crossing prev = miss(o.loft_min_elevation_deg * deg);
  double prev_e = o.loft_min_elevation_deg * deg;
  for (double e_deg = o.loft_min_elevation_deg + scan_deg; e_deg <= o.loft_max_elevation_deg + 1e-9; e_deg += scan_deg) {
    const double e = e_deg * deg;
    const crossing c = miss(e);
    if (prev.ok && c.ok && (prev.height_m - height_m) * (c.height_m - height_m) <= 0.0) {
      double lo = prev_e, hi = e;
      double g_lo = prev.height_m - height_m;
      crossing mid = c;
      for (int i = 0; i < 40; ++i) {
        const double m = 0.5 * (lo + hi);
        mid = miss(m);
        if (!mid.ok) break;
        if ((mid.height_m - height_m) * g_lo > 0.0) {
          lo = m;
          g_lo = mid.height_m - height_m;
        } else {
          hi = m;
        }
      }
      if (mid.ok && std::abs(mid.height_m - height_m) < 1.0 && mid.speed_mps >= min_speed_mps)
        best = std::min(best, mid.time_s);
    }
    prev = c;
    prev_e = e;
  }
  return best;
}

}  // namespace

TEST_CASE("flyout table time of flight is within 0.5% of direct integration inside the envelope", "[flyout]") {
  const flyout_table& table = reference_table();
  const flyout_options options;
  random_stream rs(20261122u, std::uint32_t{1001}, 0u);
  int compared = 0;
  double worst = 0.0;
  for (int attempt = 0; attempt < 400 && compared < 30; ++attempt) {
    const double r = 3000.0 + rs.uniform() * 147000.0;
    const double h = 10.0 + rs.uniform() * 29990.0;
    const flyout_point p = table.at(r, h);
    if (!p.reachable) continue;
    const double direct_s = direct_time_of_flight_s(r, h, options, reference_limits.min_speed_mps);
    INFO("point (" << r << " m, " << h << " m): table " << p.time_of_flight_s << " s, direct " << direct_s << " s");
    REQUIRE(direct_s < inf);  // reachable in the table => reachable by direct integration
    CHECK(p.time_of_flight_s == Approx(direct_s).epsilon(0.005));
    worst = std::max(worst, std::abs(p.time_of_flight_s / direct_s - 1.0));
    ++compared;
  }
  CHECK(compared == 30);
  WARN("worst relative tof error over " << compared << " points: " << worst);
}

TEST_CASE("flyout table is accurate next to its outer edge too", "[flyout]") {
  const flyout_table& table = reference_table();
  const flyout_options options;
  for (double h : {500.0, 8000.0, 16000.0, 29000.0}) {
    const double r = table.max_range_at_m(h) - 300.0;
    REQUIRE(r > 0.0);
    const flyout_point p = table.at(r, h);
    REQUIRE(p.reachable);
    const double direct_s = direct_time_of_flight_s(r, h, options, reference_limits.min_speed_mps);
    INFO("point (" << r << " m, " << h << " m): table " << p.time_of_flight_s << " s, direct " << direct_s << " s");
    CHECK(p.time_of_flight_s == Approx(direct_s).epsilon(0.005));
  }
}

TEST_CASE("flyout table matches direct integration at low height and long range", "[flyout]") {
  // Regression: the strip between two neighbouring lofted members ended when the
  // lower one went below the grid, leaving nodes near the ground (e.g. 85 km,
  // 250 m) covered only by a much later member: at(85000, 300) gave 228.7 s
  // where direct integration gives 119 s. Reference: direct_time_of_flight_s
  // (the independent scan over launch elevation above), 0.5% as elsewhere.
  const flyout_table& table = reference_table();
  const flyout_options options;
  for (double r : {60000.0, 65000.0, 70000.0, 72500.0, 76500.0, 78000.0, 81500.0, 83000.0, 85000.0, 87000.0, 88000.0}) {
    const double h = 300.0;
    const flyout_point p = table.at(r, h);
    const double direct_s = direct_time_of_flight_s(r, h, options, reference_limits.min_speed_mps);
    INFO("point (" << r << " m, " << h << " m): table " << p.time_of_flight_s << " s, direct " << direct_s << " s");
    REQUIRE(direct_s < inf);
    REQUIRE(p.reachable);
    CHECK(p.time_of_flight_s == Approx(direct_s).epsilon(0.005));
  }
}

namespace {

// Steepest descent (flight-path angle below the horizontal) of any lofted member
// while it is inside the envelope's heights and at least min_speed fast. The
// members are flown here with the public propagator, every 1 deg of elevation.
double steepest_descent_rad(const flyout_options& o, const envelope_limits& lim) {
  const auto k = reference_interceptor();
  double steepest = 0.0;
  for (double e_deg = o.loft_min_elevation_deg; e_deg <= o.loft_max_elevation_deg + 1e-9; e_deg += 1.0) {
    const double e = e_deg * 3.14159265358979323846 / 180.0;
    const Eigen::Vector3d axis(std::cos(e), 0.0, std::sin(e));
    point_mass_state s;
    s.mass_kg = k.launch_mass_kg;
    for (int j = 1; j * o.integration_step_s <= o.max_flight_time_s; ++j) {
      s = propagate(k, s, j * o.integration_step_s - s.time_s, o.integration_step_s, axis, force_switches{},
                    [&](const point_mass_state& x) {
                      return x.time_s < o.loft_hold_s ? Eigen::Vector3d(0.0, 0.0, g0) : Eigen::Vector3d::Zero();
                    });
      s.time_s = j * o.integration_step_s;
      if (s.position_enu_m.z() < lim.min_height_m && s.velocity_enu_mps.z() < 0.0) break;  // landed
      const Eigen::Vector3d& v = s.velocity_enu_mps;
      if (s.position_enu_m.z() >= lim.min_height_m && s.position_enu_m.z() <= lim.max_height_m &&
          v.norm() >= lim.min_speed_mps)
        steepest = std::max(steepest, std::atan2(-v.z(), v.x()));
    }
  }
  return steepest;
}

}  // namespace

TEST_CASE("flyout table time of flight and arrival speed are continuous in range over the whole envelope",
          "[flyout]") {
  // Bounds (derived from the model's kinematics; the numbers come from the
  // reference interceptor itself, computed here):
  //  - Time. Two points at the same height dr apart in range are reached by
  //    neighbouring members of a family, which sweep the height line at their
  //    horizontal speed v cos(gamma): |dT| ~ dr / (v cos gamma) <= dr / (v
  //    cos gamma_max), with v the smaller arrival speed of the two (>= min_speed)
  //    and gamma_max the steepest descent of any lofted member inside the
  //    envelope (steepest_descent_rad, ~79 deg). A ray sweeps faster: its
  //    distance changes by dr cos(e) over dr, so |dT| <= dr / v there.
  //    At the fold on the outer edge of a family (the members' envelope, where
  //    they become tangent to it) the gradient grows like 1 / sqrt(distance to
  //    the edge); at() keeps a point only if all four nodes around it are
  //    reachable, so compared points stay about a cell from the edge, and a
  //    square-root law over one cell exceeds the tangent sweep rate by a small
  //    factor. We allow a factor 2 for it (worst seen: 5.9 dr/v near 126 km,
  //    18 km high, against 1/cos(gamma_max) = 5.3; bound 10.6).
  //  - Speed. Along a member |dv/dt| <= A = thrust/mass (only before burnout)
  //    + g + drag at sea-level density, at the larger speed, the largest Cd and
  //    the burnout mass; across to the neighbouring member the speed changes
  //    by at most A times the time the member needs to move dr (dr / v). So
  //    |dv| <= A (|dT| + dr / v).
  // The defect this guards against gave |dT| = 124 s over 500 m at 300 m height
  // (bound there ~ 10 s).
  const flyout_table& table = reference_table();
  const flyout_options options;
  const interceptor_kinematics k = reference_interceptor();
  const double gamma_max = steepest_descent_rad(options, reference_limits);
  INFO("steepest descent " << gamma_max * 180.0 / 3.14159265358979323846 << " deg");
  REQUIRE(gamma_max < 89.0 * 3.14159265358979323846 / 180.0);  // else the time bound is vacuous
  const double cos_gamma = std::cos(gamma_max);

  double burnout_s = 0.0, propellant_kg = 0.0, max_thrust_accel = 0.0;
  for (const auto& ph : k.phases) {
    burnout_s += ph.burn_time_s;
    propellant_kg += ph.thrust_n * ph.burn_time_s / (k.specific_impulse_s * g0);
    max_thrust_accel = std::max(max_thrust_accel, ph.thrust_n / (k.launch_mass_kg - propellant_kg));
  }
  const double burnout_mass_kg = k.launch_mass_kg - propellant_kg;
  double max_cd = 0.0;
  for (const auto& [mach, cd] : k.cd_vs_mach) max_cd = std::max(max_cd, cd);
  constexpr double sea_level_density = 1.225;  // USSA 1976, kg/m^3; the scan stays above 10 m
  auto max_rate = [&](double speed_mps, double tof_s) {
    const double drag = 0.5 * sea_level_density * speed_mps * speed_mps * max_cd * k.reference_area_m2 / burnout_mass_kg;
    return (tof_s < burnout_s ? max_thrust_accel : 0.0) + g0 + drag;
  };

  int compared = 0;
  double worst_time_ratio = 0.0;
  std::vector<double> heights{reference_limits.min_height_m};
  for (double h = 100.0; h <= reference_limits.max_height_m + 1e-9; h += 100.0) heights.push_back(h);
  for (double h : heights) {
    double last_r = -1.0;
    flyout_point last{};
    for (double r = reference_limits.min_range_m; r <= reference_limits.max_range_m; r += 500.0) {
      const flyout_point p = table.at(r, h);
      if (!p.reachable) continue;
      const double dr = r - last_r;
      if (last.reachable && dr <= 2500.0) {
        const double v_lo = std::min(p.speed_mps, last.speed_mps);
        const double v_hi = std::max(p.speed_mps, last.speed_mps);
        REQUIRE(v_lo >= reference_limits.min_speed_mps);
        const double dt = std::abs(p.time_of_flight_s - last.time_of_flight_s);
        const double dt_bound = 2.0 * dr / (v_lo * cos_gamma);
        const double dv_bound =
            max_rate(v_hi, std::min(p.time_of_flight_s, last.time_of_flight_s)) * (dt + dr / v_lo);
        if (dt > dt_bound || std::abs(p.speed_mps - last.speed_mps) > dv_bound) {
          INFO("height " << h << " m, range " << last_r << " -> " << r << " m: tof " << last.time_of_flight_s << " -> "
                         << p.time_of_flight_s << " s (bound " << dt_bound << "), speed " << last.speed_mps << " -> "
                         << p.speed_mps << " m/s (bound " << dv_bound << ")");
          CHECK(dt <= dt_bound);
          CHECK(std::abs(p.speed_mps - last.speed_mps) <= dv_bound);
        }
        worst_time_ratio = std::max(worst_time_ratio, dt * v_lo / dr);
        ++compared;
      }
      last = p;
      last_r = r;
    }
  }
  // 301 heights x up to ~270 reachable ranges each (max range ~115-141 km).
  CHECK(compared > 50000);
  WARN("compared " << compared << " neighbour pairs; worst |dT| v / dr = " << worst_time_ratio << " (bound "
                   << 2.0 / cos_gamma << ")");
}

TEST_CASE("flyout table respects the envelope limits and is NaN-safe", "[flyout]") {
  const flyout_table& table = reference_table();
  CHECK(table.at(20000.0, 5000.0).reachable);
  CHECK_FALSE(table.at(2999.0, 5000.0).reachable);   // inside min range
  CHECK_FALSE(table.at(20000.0, 30001.0).reachable); // above max height
  CHECK_FALSE(table.at(20000.0, 5.0).reachable);     // below min height
  CHECK_FALSE(table.at(std::nan(""), 5000.0).reachable);
  CHECK_FALSE(table.at(20000.0, std::nan("")).reachable);
  CHECK_FALSE(table.at(249000.0, 10000.0).reachable); // beyond kinematic reach of this interceptor
  CHECK(table.max_time_of_flight_s() > 100.0);
  CHECK(table.max_time_of_flight_s() <= flyout_options{}.max_flight_time_s);
  // Time of flight grows with range along a height (a sanity property of any flyout).
  double prev = 0.0;
  for (double r = 5000.0; r < 100000.0; r += 5000.0) {
    const auto p = table.at(r, 10000.0);
    REQUIRE(p.reachable);
    CHECK(p.time_of_flight_s > prev);
    prev = p.time_of_flight_s;
  }
}

TEST_CASE("envelope_table reports max range and time of flight per height consistent with at()", "[flyout]") {
  const flyout_table& table = reference_table();
  const auto rows = envelope_table(table, 5000.0, 50.0);
  REQUIRE(rows.size() == 7);  // 10 m, 5010, ..., 25010, 30000
  CHECK(rows.front().height_m == 10.0);
  CHECK(rows.back().height_m == 30000.0);
  for (const auto& row : rows) {
    INFO("height " << row.height_m);
    REQUIRE(row.reachable);
    CHECK(row.min_range_m == Approx(3000.0));
    CHECK(table.at(row.max_range_m, row.height_m).reachable);
    CHECK_FALSE(table.at(row.max_range_m + 50.0, row.height_m).reachable);
    CHECK(row.time_of_flight_s == table.at(row.max_range_m, row.height_m).time_of_flight_s);
    CHECK(row.arrival_speed_mps >= 400.0);
  }
}

namespace {

// Constant-speed interceptor: tof = slant range / v, everywhere within the limits.
constexpr double interceptor_speed_mps = 1000.0;
const envelope_limits analytic_limits{3000.0, 100000.0, 0.0, 20000.0, 0.0};

const flyout_table& constant_speed_table() {
  static const flyout_table table =
      flyout_table::from_function(analytic_limits, 250.0, 250.0, [](double r, double h) {
        return flyout_point{true, std::hypot(r, h) / interceptor_speed_mps, interceptor_speed_mps};
      });
  return table;
}

// Earliest root t >= t_launch of |p0 + v t| = vm (t - t_launch): the quadratic
// (|v|^2 - vm^2) t^2 + 2 (p0.v + vm^2 tL) t + |p0|^2 - vm^2 tL^2 = 0.
double closed_form_intercept_s(const Eigen::Vector3d& p0, const Eigen::Vector3d& v, double t_launch) {
  const double vm = interceptor_speed_mps;
  const double a = v.squaredNorm() - vm * vm;
  const double b = 2.0 * (p0.dot(v) + vm * vm * t_launch);
  const double c = p0.squaredNorm() - vm * vm * t_launch * t_launch;
  if (std::abs(a) < 1e-9) return -c / b >= t_launch ? -c / b : inf;  // equal speeds: linear
  const double disc = b * b - 4 * a * c;
  if (disc < 0) return inf;
  double best = inf;
  for (double root : {(-b - std::sqrt(disc)) / (2 * a), (-b + std::sqrt(disc)) / (2 * a)})
    if (root >= t_launch && root < best) best = root;
  return best;
}

}  // namespace

TEST_CASE("from_function tables interpolate the function bilinearly", "[flyout]") {
  const flyout_table& table = constant_speed_table();
  // Bilinear error of sqrt(r^2 + h^2) over a 250 m cell is <= 250^2 / (8 r) / v (<= 2.6 ms at 3 km).
  random_stream rs(7u, std::uint32_t{1002}, 0u);
  for (int i = 0; i < 2000; ++i) {
    const double r = 3000.0 + rs.uniform() * 97000.0;
    const double h = rs.uniform() * 20000.0;
    const auto p = table.at(r, h);
    REQUIRE(p.reachable);
    REQUIRE(std::abs(p.time_of_flight_s - std::hypot(r, h) / interceptor_speed_mps) < 250.0 * 250.0 / (8.0 * r) / 1000.0 * 1.01 + 1e-5);
  }
}

TEST_CASE("predict_intercept matches the closed-form constant-speed intercept", "[flyout][predict]") {
  const flyout_table& table = constant_speed_table();
  struct scenario {
    Eigen::Vector3d p0, v;
    double t_launch;
  };
  const scenario cases[] = {
      {{150000.0, 0.0, 50.0}, {-250.0, 0.0, 0.0}, 100.0},          // sea-skimmer head-on, enters at max range
      {{90000.0, -40000.0, 8000.0}, {0.0, 280.0, 0.0}, 20.0},      // crossing aircraft
      {{60000.0, 20000.0, 15000.0}, {-1500.0, -300.0, -300.0}, 5.0},  // fast diving threat
      {{5000.0, 5000.0, 3000.0}, {200.0, 150.0, 0.0}, 0.0},        // receding, slower than the interceptor
      {{400000.0, 0.0, 10000.0}, {-2000.0, 0.0, 0.0}, 120.0},     // fast, enters late
  };
  for (const auto& c : cases) {
    auto position = [&](double t) -> Eigen::Vector3d { return c.p0 + c.v * t; };
    const double expected = closed_form_intercept_s(c.p0, c.v, c.t_launch);
    REQUIRE(expected < inf);
    const Eigen::Vector3d at_intercept = position(expected);
    REQUIRE(std::hypot(at_intercept.x(), at_intercept.y()) <= analytic_limits.max_range_m);
    REQUIRE(at_intercept.z() >= analytic_limits.min_height_m);
    REQUIRE(at_intercept.z() <= analytic_limits.max_height_m);
    const auto pred = predict_intercept(table, c.t_launch, 1e4, position);
    INFO("p0 " << c.p0.transpose() << " v " << c.v.transpose() << " launch " << c.t_launch);
    REQUIRE(pred.feasible);
    // Table tof error <= 2.6 ms (bilinear bound above); the root moves by at most that / (1 - |v|/vm) ~ 10 ms.
    CHECK(pred.intercept_time_s == Approx(expected).margin(0.02));
    CHECK(pred.time_of_flight_s == Approx(pred.intercept_time_s - c.t_launch).margin(1e-9));
    CHECK(pred.height_m == Approx(position(pred.intercept_time_s).z()).margin(1e-6));
  }
}

TEST_CASE("predict_intercept reports none when no intercept exists", "[flyout][predict]") {
  const flyout_table& table = constant_speed_table();
  auto never_inside = [](double t) -> Eigen::Vector3d { return {80000.0 - 200.0 * t, 0.0, 25000.0}; };  // too high
  CHECK_FALSE(predict_intercept(table, 0.0, 1e4, never_inside).feasible);
  auto outrunning = [](double t) -> Eigen::Vector3d { return {20000.0 + 1500.0 * t, 0.0, 5000.0}; };  // faster than 1000 m/s
  CHECK_FALSE(predict_intercept(table, 0.0, 1e4, outrunning).feasible);
  // A head-on target met at t = 205 s (launch at 110 s, 2000 m/s closing: 300 km + 110 km
  // = 2000 t, ground range 95 km) is not met before latest = 200 s.
  auto head_on = [](double t) -> Eigen::Vector3d { return {300000.0 - 1000.0 * t, 0.0, 5000.0}; };
  const double expected = closed_form_intercept_s({300000.0, 0.0, 5000.0}, {-1000.0, 0.0, 0.0}, 110.0);
  CHECK(expected == Approx(205.0).margin(0.2));  // the 5 km height adds ~0.13 s
  CHECK_FALSE(predict_intercept(table, 110.0, 200.0, head_on).feasible);
  const auto pred = predict_intercept(table, 110.0, 210.0, head_on);
  REQUIRE(pred.feasible);
  CHECK(pred.intercept_time_s == Approx(expected).margin(0.02));
  // Launched too early: the interceptor would reach the envelope edge before the
  // target enters it (launch 0, target enters at max range at t = 800 s).
  auto slow_far = [](double t) -> Eigen::Vector3d { return {260000.0 - 200.0 * t, 0.0, 5000.0}; };
  CHECK_FALSE(predict_intercept(table, 0.0, 1e4, slow_far).feasible);
  CHECK(predict_intercept(table, 750.0, 1e4, slow_far).feasible);
}

TEST_CASE("predict_intercept finds a short window through a corner of the envelope", "[flyout][predict]") {
  const flyout_table& table = constant_speed_table();
  // A fast climbing target clips the corner (max range 100 km, max height 20 km):
  // ground range 100 km at t = 1/6 s, height 20 km at t = 0.5 s, so it is inside for
  // 1/3 s, less than the 1 s maximum scan step. Launch so that the intercept falls
  // at t = 0.3 s, inside the window.
  const Eigen::Vector3d p0(100500.0, 0.0, 19500.0), v(-3000.0, 0.0, 1000.0);
  auto position = [&](double t) -> Eigen::Vector3d { return p0 + v * t; };
  const double t_launch = 0.3 - position(0.3).norm() / interceptor_speed_mps;
  const double expected = closed_form_intercept_s(p0, v, t_launch);
  REQUIRE(expected == Approx(0.3).margin(1e-9));
  const auto pred = predict_intercept(table, t_launch, 1e4, position);
  REQUIRE(pred.feasible);
  CHECK(pred.intercept_time_s == Approx(expected).margin(0.02));
  // Launched 1 s later there is no intercept inside the window.
  CHECK_FALSE(predict_intercept(table, t_launch + 1.0, 1e4, position).feasible);
}

TEST_CASE("predict_intercept ends when a target crosses more than a cell per shortest scan step", "[flyout][predict]") {
  // Regression (property-test seeds 1389 and 100913): the scan shrinks its
  // step while the threat crosses more than one grid cell per step, down to
  // min_scan_step_s. At t ~ 77 s, prev.t + 1e-3 - prev.t can round to a bit
  // more than 1e-3, and the shrinking loop never ended. A target whose ground
  // range swings by +-10 km at 400 km/s crosses 1.6 cells of 250 m per
  // millisecond, so every step of the scan shrinks to the floor; launches
  // spread over 1 s put prev.t at thousands of different values.
  const flyout_table& table = constant_speed_table();
  auto position = [](double t) -> Eigen::Vector3d {
    return {50000.0 + 10000.0 * std::sin(40.0 * t), 0.0, 5000.0};
  };
  intercept_search_options search;
  search.min_scan_step_s = 1e-3;
  // The closest the target comes is 40 km (40 s of flight), the farthest
  // 60.2 km (60.2 s): no intercept falls within 5 s of a launch...
  for (int k = 0; k < 100; ++k) {
    const double launch_s = 77.0 + 0.01 * k;
    CHECK_FALSE(predict_intercept(table, launch_s, launch_s + 5.0, position, search).feasible);
  }
  // ...and every launch has one within 61 s (f = launch + tof - t < 0 by then).
  for (int k = 0; k < 20; ++k) {
    const double launch_s = 77.0 + 0.05 * k;
    const auto pred = predict_intercept(table, launch_s, launch_s + 80.0, position, search);
    REQUIRE(pred.feasible);
    // A root of f: |df/dt| <= 1 + 400 km/s / 1000 m/s over the 1e-6 s bracket,
    // plus the table's bilinear error (under 1 ms out here).
    const Eigen::Vector3d p = position(pred.intercept_time_s);
    CHECK(std::abs(launch_s + p.norm() / interceptor_speed_mps - pred.intercept_time_s) < 0.01);
  }
}

TEST_CASE("the in-code reference interceptor is the one in reference-raid.json", "[flyout]") {
  // tests/reference_interceptor.hpp copies the scenario's numbers; this keeps the copy honest.
  const samsim::scenario sc = samsim::load_scenario(SAMSIM_SCENARIO_DIR "/reference-raid.json");
  const interceptor_kinematics& k = sc.battery.interceptor;
  const interceptor_kinematics r = reference_interceptor();
  CHECK(k.launch_mass_kg == r.launch_mass_kg);
  CHECK(k.specific_impulse_s == r.specific_impulse_s);
  REQUIRE(k.phases.size() == r.phases.size());
  for (std::size_t i = 0; i < k.phases.size(); ++i) {
    CHECK(k.phases[i].thrust_n == r.phases[i].thrust_n);
    CHECK(k.phases[i].burn_time_s == r.phases[i].burn_time_s);
  }
  CHECK(k.reference_area_m2 == r.reference_area_m2);
  CHECK(k.cd_vs_mach == r.cd_vs_mach);
  CHECK(k.max_lateral_accel_mps2 == r.max_lateral_accel_mps2);
  CHECK(k.navigation_ratio == r.navigation_ratio);
  const envelope_limits& e = sc.battery.envelope;
  CHECK(e.min_range_m == reference_limits.min_range_m);
  CHECK(e.max_range_m == reference_limits.max_range_m);
  CHECK(e.min_height_m == reference_limits.min_height_m);
  CHECK(e.max_height_m == reference_limits.max_height_m);
  CHECK(e.min_speed_mps == reference_limits.min_speed_mps);
}

TEST_CASE("min_time_of_flight_beyond_s bounds at() from below, tightly at the nodes", "[flyout]") {
  // Constant-speed table: the least node time at ground range >= r is the
  // h = 0 node of r's cell, (250 m x floor(r / 250 m)) / v.
  const flyout_table& table = constant_speed_table();
  random_stream rs(7u, std::uint32_t{1003}, 0u);
  for (int k = 0; k < 500; ++k) {
    const double r = rs.uniform() * 99000.0;
    const double bound = table.min_time_of_flight_beyond_s(r);
    CHECK(bound == static_cast<double>(static_cast<float>(250.0 * std::floor(r / 250.0) / interceptor_speed_mps)));
    for (int m = 0; m < 20; ++m) {
      const double r2 = std::max(r, 3000.0) + rs.uniform() * (100000.0 - std::max(r, 3000.0));
      const auto p = table.at(r2, rs.uniform() * 20000.0);
      REQUIRE(p.reachable);
      REQUIRE(p.time_of_flight_s >= bound);
    }
  }
  CHECK(table.min_time_of_flight_beyond_s(-5.0) == table.min_time_of_flight_beyond_s(0.0));
  CHECK(table.min_time_of_flight_beyond_s(1e6) == inf);
}

namespace {

// A random straight-line threat against the constant-speed table: from 105 to
// 255 km out, 100 to 2000 m/s, heading roughly at the launcher.
struct random_threat {
  Eigen::Vector3d p0, v;
  double speed_mps, launch_s;
  Eigen::Vector3d at(double t) const { return p0 + v * t; }
};

random_threat draw_threat(random_stream& rs) {
  const double bearing = rs.uniform() * 6.283185307179586;
  const double r0 = 105000.0 + rs.uniform() * 150000.0;
  const double speed = 100.0 + rs.uniform() * 1900.0;
  const double heading = bearing + 3.141592653589793 + (rs.uniform() - 0.5) * 1.2;
  const Eigen::Vector3d p0(r0 * std::sin(bearing), r0 * std::cos(bearing), 50.0 + rs.uniform() * 19000.0);
  const Eigen::Vector3d v(speed * std::sin(heading), speed * std::cos(heading), 0.0);
  return {p0, v, speed, rs.uniform() * 200.0};
}

// The options the engine uses: Lipschitz jumps, secant steps, reach skips.
intercept_search_options accelerated_options(double speed_mps) {
  intercept_search_options o;
  o.f_lipschitz = 1.0 + speed_mps / interceptor_speed_mps * 1.01;
  o.max_target_speed_mps = speed_mps;
  o.time_tolerance_s = 1e-4;
  return o;
}

// Whether a point is inside the analytic limits by at least `margin_m`.
bool well_inside(const Eigen::Vector3d& p, double margin_m) {
  const double r = std::hypot(p.x(), p.y());
  return r >= analytic_limits.min_range_m + margin_m && r <= analytic_limits.max_range_m - margin_m &&
         p.z() >= analytic_limits.min_height_m + margin_m && p.z() <= analytic_limits.max_height_m - margin_m;
}

}  // namespace

TEST_CASE("predict_intercept with every acceleration finds the closed-form intercept", "[flyout][predict]") {
  // Reference: the closed-form earliest root of |p0 + v t| = vm (t - launch).
  // Where it lies well inside the limits, the accelerated search (the
  // engine's options) must find it; the plain cell-by-cell scan must agree
  // on feasibility everywhere.
  const flyout_table& table = constant_speed_table();
  random_stream rs(7u, std::uint32_t{1004}, 0u);
  int compared = 0;
  for (int k = 0; k < 400; ++k) {
    const random_threat th = draw_threat(rs);
    auto position = [&](double t) { return th.at(t); };
    intercept_search_options plain;
    plain.time_tolerance_s = 1e-4;
    const auto a = predict_intercept(table, th.launch_s, 1e4, position, plain);
    const auto b = predict_intercept(table, th.launch_s, 1e4, position, accelerated_options(th.speed_mps));
    INFO("threat " << k << " p0 " << th.p0.transpose() << " v " << th.v.transpose() << " launch " << th.launch_s);
    REQUIRE(a.feasible == b.feasible);
    if (a.feasible) CHECK(b.intercept_time_s == Approx(a.intercept_time_s).margin(1e-3));
    const double expected = closed_form_intercept_s(th.p0, th.v, th.launch_s);
    if (expected < inf && well_inside(th.at(expected), 1000.0)) {
      ++compared;
      REQUIRE(b.feasible);
      // Table error <= 2.6 ms of time of flight (bilinear bound above), moved by at most 1 / (1 - |v|/vm).
      CHECK(b.intercept_time_s == Approx(expected).margin(0.02));
    }
  }
  CHECK(compared > 100);  // the comparison covered real intercepts
}

TEST_CASE("predict_intercept resumed from an earlier launch's search finds the same intercept", "[flyout][predict]") {
  // f = launch + tof - t grows with the launch, so a later launch may start
  // where an earlier search stopped seeing f > 0 (clear_until_s). It must find
  // what a search from its own launch finds (to the 1e-4 s tolerance), and
  // f must be > 0 at every reachable point before clear_until_s.
  const flyout_table& table = constant_speed_table();
  random_stream rs(7u, std::uint32_t{1005}, 0u);
  int feasible = 0, checked_clear = 0;
  for (int k = 0; k < 400; ++k) {
    const random_threat th = draw_threat(rs);
    auto position = [&](double t) { return th.at(t); };
    const intercept_search_options opt = accelerated_options(th.speed_mps);
    const auto first = predict_intercept(table, th.launch_s, 1e4, position, opt);
    if (first.feasible) CHECK(first.clear_until_s <= first.intercept_time_s);
    // f is monotone for threats slower than the interceptor: then "f > 0 before
    // clear_until_s" holds exactly, not only at the scan's resolution.
    if (th.speed_mps < 0.9 * interceptor_speed_mps && std::isfinite(first.clear_until_s)) {
      ++checked_clear;
      for (int s = 0; s < 50; ++s) {
        const double t = th.launch_s + (first.clear_until_s - th.launch_s) * s / 50.0;
        const Eigen::Vector3d p = th.at(t);
        const flyout_point fp = table.at(std::hypot(p.x(), p.y()), p.z());
        if (fp.reachable) REQUIRE(th.launch_s + fp.time_of_flight_s - t > 0.0);
      }
    }
    for (const double later_s : {0.0, 0.1, 3.0, 30.0}) {
      const double launch2 = th.launch_s + later_s;
      intercept_search_options resumed = opt;
      resumed.resume_after(first);
      const auto fresh = predict_intercept(table, launch2, 1e4, position, opt);
      const auto again = predict_intercept(table, launch2, 1e4, position, resumed);
      INFO("threat " << k << " launch " << th.launch_s << " + " << later_s << " resumed from " << first.clear_until_s);
      REQUIRE(fresh.feasible == again.feasible);
      if (!fresh.feasible) continue;
      ++feasible;
      CHECK(again.intercept_time_s == Approx(fresh.intercept_time_s).margin(1e-3));
    }
  }
  CHECK(feasible > 400);
  CHECK(checked_clear > 50);
}

TEST_CASE("distance_to_reach_m bounds the distance to every reachable point from below", "[flyout]") {
  // Reachable only inside a disc of 60 km slant range (and the limits): the
  // bound must never exceed the distance to a reachable point (sampled on a
  // 100 m grid). Inside the limits it must be within a cell diagonal (559 m)
  // of the distance to the disc, so that it is of use; outside them, at
  // least the distance to the limits' rectangle.
  const envelope_limits limits{3000.0, 100000.0, 0.0, 20000.0, 0.0};
  const flyout_table table = flyout_table::from_function(limits, 500.0, 250.0, [](double r, double h) {
    return flyout_point{std::hypot(r, h) <= 60000.0, std::hypot(r, h) / 1000.0, 1000.0};
  });
  std::vector<Eigen::Vector2d> reachable;
  for (double r = 0.0; r <= 100000.0; r += 100.0)
    for (double h = 0.0; h <= 20000.0; h += 100.0)
      if (table.at(r, h).reachable) reachable.emplace_back(r, h);
  REQUIRE(reachable.size() > 1000);
  random_stream rs(7u, std::uint32_t{1006}, 0u);
  int positive = 0;
  for (int k = 0; k < 400; ++k) {
    const Eigen::Vector2d q(rs.uniform() * 140000.0 - 10000.0, rs.uniform() * 40000.0 - 10000.0);
    const double bound = table.distance_to_reach_m(q.x(), q.y());
    double nearest = inf;
    for (const auto& x : reachable) nearest = std::min(nearest, (x - q).norm());
    INFO("point " << q.transpose() << " bound " << bound << " nearest sample " << nearest);
    REQUIRE(bound <= nearest);
    const double r = std::clamp(q.x(), limits.min_range_m, limits.max_range_m);
    const double h = std::clamp(q.y(), limits.min_height_m, limits.max_height_m);
    if (r == q.x() && h == q.y())
      CHECK(bound >= std::max(0.0, std::hypot(r, h) - 60000.0) - 560.0);
    else
      CHECK(bound >= std::hypot(q.x() - r, q.y() - h) * (1.0 - 1e-12));
    if (bound > 0.0) ++positive;
  }
  CHECK(positive > 100);
  CHECK(table.distance_to_reach_m(30000.0, 5000.0) == 0.0);
  CHECK(table.distance_to_reach_m(std::nan(""), 5000.0) == 0.0);
}

TEST_CASE("compare_reach reports the stated limits beside what the table reaches", "[flyout][reach]") {
  const envelope_limits limits{1000.0, 100e3, 0.0, 20e3, 300.0};
  constexpr double step_m = 250.0;  // grid of the tables below, in range and height
  auto table_of = [&](auto reachable) {
    return flyout_table::from_function(limits, step_m, step_m, [reachable](double r, double h) {
      return flyout_point{reachable(r, h), std::hypot(r, h) / 1000.0, 1000.0};
    });
  };
  SECTION("a 60 km hemisphere: the range falls short, the height does not") {
    const interceptor_reach reach = compare_reach(table_of([](double r, double h) { return std::hypot(r, h) <= 60e3; }));
    CHECK(reach.stated_max_range_m == 100e3);
    CHECK(reach.stated_max_height_m == 20e3);
    // at() needs all four nodes of its cell, so the edge resolves to about a cell
    // in range and in height; the scan adds up to 50 m.
    CHECK(reach.reached_max_range_m <= 60e3);
    CHECK(reach.reached_max_range_m >= 60e3 - 2 * step_m - 50.0);
    CHECK(reach.reached_max_height_m == 20e3);  // hypot(1 km, 20 km) < 60 km: the top row is reachable
    CHECK(reach.range_short());
    CHECK_FALSE(reach.height_short());
    CHECK(reach.short_of_stated());
  }
  SECTION("a 12 km ceiling: the height falls short, the range does not") {
    const interceptor_reach reach = compare_reach(table_of([](double, double h) { return h <= 12e3; }));
    CHECK(reach.reached_max_range_m == 100e3);
    CHECK(reach.reached_max_height_m <= 12e3);
    CHECK(reach.reached_max_height_m >= 12e3 - 2 * step_m);
    CHECK_FALSE(reach.range_short());
    CHECK(reach.height_short());
    CHECK(reach.short_of_stated());
  }
  SECTION("reachable everywhere: the reach is the stated envelope") {
    const interceptor_reach reach = compare_reach(table_of([](double, double) { return true; }));
    CHECK(reach.reached_max_range_m == 100e3);
    CHECK(reach.reached_max_height_m == 20e3);
    CHECK_FALSE(reach.short_of_stated());
  }
  SECTION("a reach less than a grid cell short of the stated limits is not short") {
    const interceptor_reach reach = compare_reach(
        table_of([](double r, double h) { return r <= 100e3 - 0.8 * step_m && h <= 20e3 - 0.8 * step_m; }));
    CHECK(reach.reached_max_range_m < 100e3);
    CHECK(reach.reached_max_height_m < 20e3);
    CHECK_FALSE(reach.range_short());
    CHECK_FALSE(reach.height_short());
  }
  SECTION("a reach five grid cells short is short") {
    const interceptor_reach reach =
        compare_reach(table_of([](double r, double h) { return r <= 100e3 - 5 * step_m && h <= 20e3 - 5 * step_m; }));
    CHECK(reach.range_short());
    CHECK(reach.height_short());
  }
  SECTION("nothing reachable") {
    const interceptor_reach reach = compare_reach(table_of([](double, double) { return false; }));
    CHECK(reach.reached_max_range_m == 0.0);
    CHECK(reach.reached_max_height_m == 0.0);
    CHECK(reach.range_short());
    CHECK(reach.height_short());
  }
}

TEST_CASE("compare_reach: reference-raid.json states 250 km, its kinematics reach about 141 km", "[flyout][reach]") {
  // docs/model.md section 20: `samsim envelope` gives 140.95 km at 10 m, 115.45 km at the 30 km ceiling.
  const interceptor_reach reach = compare_reach(reference_table());
  CHECK(reach.stated_max_range_m == 250e3);
  CHECK(reach.reached_max_range_m == Approx(140.95e3).margin(250.0));
  CHECK(reach.range_short());
  CHECK(reach.stated_max_height_m == 30e3);
  CHECK(reach.reached_max_height_m == 30e3);  // reachable (to 115 km) at the ceiling
  CHECK_FALSE(reach.height_short());
}
