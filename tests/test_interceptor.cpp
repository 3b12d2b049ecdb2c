// Tests of interceptor.hpp: parameter validation, the 3-DOF equations of motion
// against closed forms, and proportional navigation against Zarchan's zero-lag
// closed forms (P. Zarchan, Tactical and Strategic Missile Guidance, ch. 2 and 8).
#include <samsim/interceptor.hpp>

#include <samsim/units.hpp>

#include "reference_interceptor.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

using namespace samsim;

namespace {

interceptor_kinematics reference_interceptor() { return reference::interceptor(); }

constexpr double g0 = 9.80665;
constexpr double ft_m = 0.3048;
const Eigen::Vector3d no_demand = Eigen::Vector3d::Zero();

}  // namespace

TEST_CASE("validate accepts the reference interceptor and rejects non-physical parameters by name", "[interceptor]") {
  CHECK_NOTHROW(validate(reference_interceptor()));
  using Catch::Matchers::Contains;
  auto k = reference_interceptor();
  k.launch_mass_kg = -1.0;
  CHECK_THROWS_WITH(validate(k), Contains("launch_mass_kg") && Contains("-1"));
  k = reference_interceptor();
  k.launch_mass_kg = std::nan("");
  CHECK_THROWS_WITH(validate(k), Contains("launch_mass_kg") && Contains("nan"));
  k = reference_interceptor();
  k.phases[1].burn_time_s = 80.0;  // (250e3 x 6 + 40e3 x 80) N s / (250 s g0) = 1917 kg >= 1800 kg
  CHECK_THROWS_WITH(validate(k), Contains("propellant") && Contains("1800"));
  k = reference_interceptor();
  k.phases[0].burn_time_s = std::nan("");
  CHECK_THROWS_WITH(validate(k), Contains("phases[0].burn_time_s"));
  k = reference_interceptor();
  k.cd_vs_mach[3].first = 1.1;  // 1.2 then 1.1: Mach not increasing
  CHECK_THROWS_WITH(validate(k), Contains("cd_vs_mach[3].mach") && Contains("1.1"));
  k = reference_interceptor();
  k.cd_vs_mach[2].second = std::nan("");
  CHECK_THROWS_WITH(validate(k), Contains("cd_vs_mach[2].cd"));
  k = reference_interceptor();
  k.navigation_ratio = 0.0;
  CHECK_THROWS_WITH(validate(k), Contains("navigation_ratio") && Contains("0"));
  k = reference_interceptor();
  k.navigation_ratio = -3.0;
  CHECK_THROWS_AS(validate(k), std::invalid_argument);
  k = reference_interceptor();
  k.reference_area_m2 = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(validate(k), Contains("reference_area_m2"));
  k = reference_interceptor();
  k.specific_impulse_s = 0.0;
  CHECK_THROWS_WITH(validate(k), Contains("specific_impulse_s"));
  k = reference_interceptor();
  k.max_lateral_accel_mps2 = std::nan("");
  CHECK_THROWS_WITH(validate(k), Contains("max_lateral_accel_mps2"));
  CHECK_THROWS_AS(fly_against(k, [](double) { return target_state{}; }), std::invalid_argument);

  envelope_limits e{3000.0, 250000.0, 10.0, 30000.0, 400.0};
  CHECK_NOTHROW(validate(e));
  e.max_range_m = 2000.0;
  CHECK_THROWS_WITH(validate(e), Contains("max_range_m"));
}

TEST_CASE("Cd is linear in Mach between rows and clamped at the ends", "[interceptor]") {
  const auto k = reference_interceptor();
  CHECK(drag_coefficient(k, 0.45) == Approx(0.325).epsilon(1e-12));  // halfway 0.30 -> 0.35
  CHECK(drag_coefficient(k, 1.6) == Approx(0.50).epsilon(1e-12));   // halfway 0.55 -> 0.45
  CHECK(drag_coefficient(k, 1.2) == Approx(0.55).epsilon(1e-12));
  CHECK(drag_coefficient(k, 12.0) == 0.25);
  CHECK(drag_coefficient(k, -1.0) == 0.30);
  CHECK(thrust_at_n(k, 0.0) == 250000.0);
  CHECK(thrust_at_n(k, 5.999) == 250000.0);
  CHECK(thrust_at_n(k, 6.0) == 40000.0);
  CHECK(thrust_at_n(k, 21.0) == 0.0);
  CHECK(next_phase_boundary_s(k, 3.0) == 6.0);
  CHECK(next_phase_boundary_s(k, 6.0) == 21.0);
  CHECK(std::isinf(next_phase_boundary_s(k, 21.0)));
}

TEST_CASE("burnout mass is launch mass minus integrated mass flow, burnout speed obeys the rocket equation",
          "[interceptor]") {
  const auto k = reference_interceptor();
  // Mass flow = thrust / (Isp g0): (250 kN x 6 s + 40 kN x 15 s) / (250 s x 9.80665 m/s^2) = 856.55 kg.
  const double propellant_kg = (250000.0 * 6.0 + 40000.0 * 15.0) / (250.0 * g0);
  CHECK(total_propellant_kg(k) == Approx(propellant_kg).epsilon(1e-14));
  point_mass_state s;
  s.mass_kg = k.launch_mass_kg;
  const force_switches thrust_only{true, false, false};
  // A step of 7 ms does not divide 6 s: propagate must land on the phase boundary.
  const auto burnout = propagate(k, s, 25.0, 0.007, Eigen::Vector3d::UnitX(), thrust_only,
                                 [](const point_mass_state&) { return no_demand; });
  CHECK(burnout.mass_kg == Approx(1800.0 - propellant_kg).epsilon(1e-12));
  // Tsiolkovsky: dv = Isp g0 ln(m0 / m1) with thrust only, along x.
  const double dv_mps = 250.0 * g0 * std::log(1800.0 / (1800.0 - propellant_kg));
  CHECK(burnout.velocity_enu_mps.x() == Approx(dv_mps).epsilon(1e-9));
  CHECK(burnout.velocity_enu_mps.tail<2>().norm() == 0.0);
}

TEST_CASE("with thrust and drag off the flight is the vacuum parabola", "[interceptor]") {
  const auto k = reference_interceptor();
  point_mass_state s;
  s.position_enu_m = {100.0, -200.0, 1000.0};
  s.velocity_enu_mps = {300.0, 100.0, 400.0};
  s.mass_kg = k.launch_mass_kg;
  const double t = 37.3;
  const auto end = propagate(k, s, t, 0.05, Eigen::Vector3d::UnitZ(), force_switches{false, false, true},
                             [](const point_mass_state&) { return no_demand; });
  // x = x0 + vx t, z = z0 + vz t - g0 t^2 / 2 (flat earth).
  const Eigen::Vector3d expected(100.0 + 300.0 * t, -200.0 + 100.0 * t, 1000.0 + 400.0 * t - 0.5 * g0 * t * t);
  CHECK((end.position_enu_m - expected).norm() / expected.norm() < 1e-6);
  CHECK(end.velocity_enu_mps.z() == Approx(400.0 - g0 * t).epsilon(1e-9));
  CHECK(end.mass_kg == k.launch_mass_kg);
}

TEST_CASE("drag alone at sea level follows v = v0 / (1 + k v0 t)", "[interceptor]") {
  auto k = reference_interceptor();
  k.cd_vs_mach = {{0.0, 0.4}};  // constant Cd
  point_mass_state s;
  s.velocity_enu_mps = {1000.0, 0.0, 0.0};
  s.mass_kg = 1000.0;
  // dv/dt = -k v^2, k = rho Cd S / (2 m), rho(0) = 1.2250 kg/m^3 (USSA 1976 Table I).
  const double kd = 0.5 * 1.2250 * 0.4 * 0.16 / 1000.0;
  const double t = 20.0;
  const auto end = propagate(k, s, t, 0.01, Eigen::Vector3d::UnitX(), force_switches{false, true, false},
                             [](const point_mass_state&) { return no_demand; });
  CHECK(end.velocity_enu_mps.x() == Approx(1000.0 / (1.0 + kd * 1000.0 * t)).epsilon(2e-5));
  CHECK(end.position_enu_m.x() == Approx(std::log(1.0 + kd * 1000.0 * t) / kd).epsilon(2e-5));
}

TEST_CASE("lateral acceleration is perpendicular to velocity and limited", "[interceptor]") {
  const auto k = reference_interceptor();
  const Eigen::Vector3d axis = Eigen::Vector3d(1.0, 1.0, 0.0).normalized();
  const Eigen::Vector3d a = achieved_lateral_accel_enu_mps2(k, axis, {1000.0, 0.0, 2000.0});
  CHECK(std::abs(a.dot(axis)) < 1e-9);
  CHECK(a.norm() == Approx(300.0));
  const Eigen::Vector3d small = achieved_lateral_accel_enu_mps2(k, axis, {0.0, 0.0, 50.0});
  CHECK(small.z() == Approx(50.0));
}

namespace {

// Zarchan's linearised engagement (ch. 2): closing speed Vc constant, LOS angle
// small, acceleration normal to the LOS. The closed forms are exact for that
// linear model. The 3-DOF engagement here is nonlinear, but its departure from
// the linear model is of second order in the heading error (Vc varies as
// cos(HE)); the linear model is homogeneous of degree 1 in HE and in nT. So we
// fly a heading error (or target manoeuvre) 1000 times smaller than Zarchan's,
// where the nonlinear terms are ~1e-7 relative, and scale the command by 1000:
// the closed form then applies to within integration error.
// Geometry (planar, z = 5 km, gravity, thrust and drag off so speeds stay
// constant): interceptor at the origin flying +x at Vm = 3000 ft/s, target
// head-on at range Vc tF flying -x at 1000 ft/s, so Vc = 4000 ft/s, tF = 10 s.
constexpr double scale = 1000.0;
constexpr double vm_mps = 3000.0 * ft_m;
constexpr double vt_mps = 1000.0 * ft_m;
constexpr double tf_s = 10.0;
constexpr double zarchan_g_mps2 = 32.2 * ft_m;  // Zarchan's g (32.2 ft/s^2)

engagement_options zarchan_options(double step_s, double heading_error_rad) {
  engagement_options o;
  o.step_s = step_s;
  o.max_flight_time_s = 12.0;
  o.launch_position_enu_m = {0.0, 0.0, 5000.0};
  o.launch_velocity_enu_mps = vm_mps * Eigen::Vector3d(std::cos(heading_error_rad), std::sin(heading_error_rad), 0.0);
  o.launch_axis_enu = Eigen::Vector3d::UnitX();
  o.forces = {false, false, false};
  o.record_history = true;
  return o;
}

interceptor_kinematics zarchan_interceptor(double navigation_ratio, bool augmented = false) {
  auto k = reference_interceptor();
  k.navigation_ratio = navigation_ratio;
  k.augmented_pn = augmented;
  k.max_lateral_accel_mps2 = 1e6;  // zero-lag, unlimited
  return k;
}

target_trajectory zarchan_target(double nt_mps2) {
  const double r0_m = (vm_mps + vt_mps) * tf_s;
  return [=](double t) {
    target_state s;
    s.position_enu_m = {r0_m - vt_mps * t, 0.5 * nt_mps2 * t * t, 5000.0};
    s.velocity_enu_mps = {-vt_mps, nt_mps2 * t, 0.0};
    s.acceleration_enu_mps2 = {0.0, nt_mps2, 0.0};
    return s;
  };
}

// Achieved lateral acceleration (y component, ENU) at the history sample nearest t.
double command_at(const engagement_result& r, double t) {
  const flight_sample* best = &r.history.front();
  for (const auto& s : r.history)
    if (std::abs(s.time_of_flight_s - t) < std::abs(best->time_of_flight_s - t)) best = &s;
  return best->lateral_accel_enu_mps2.y();
}

}  // namespace

TEST_CASE("PN heading-error response matches Zarchan's zero-lag closed form", "[interceptor][zarchan]") {
  // Zarchan ch. 2: nc(t) = -Vm HE N' / tF (1 - t/tF)^(N'-2); for Vm = 3000 ft/s,
  // HE = -20 deg, tF = 10 s, N' = 4: 13.008, 7.317, 3.252, 0.813 g at t = 0, 2.5, 5, 7.5 s.
  const double he_rad = units::deg_to_rad(-20.0);
  const double published_g[] = {13.008, 7.317, 3.252, 0.813};
  for (int n_prime : {3, 4, 5}) {
    INFO("N' = " << n_prime);
    const auto r = fly_against(zarchan_interceptor(n_prime), zarchan_target(0.0), zarchan_options(1e-3, he_rad / scale));
    REQUIRE(r.end == flight_end::closest_approach);
    CHECK(r.time_of_flight_s == Approx(tf_s).epsilon(1e-6));
    for (int i = 0; i < 4; ++i) {
      const double t = 2.5 * i;
      const double closed_form = -vm_mps * he_rad * n_prime / tf_s * std::pow(1.0 - t / tf_s, n_prime - 2);
      const double simulated = scale * command_at(r, t);
      INFO("t = " << t << " s, closed form " << closed_form / zarchan_g_mps2 << " g, simulated "
                  << simulated / zarchan_g_mps2 << " g");
      CHECK(simulated == Approx(closed_form).epsilon(0.005));
      if (n_prime == 4) CHECK(simulated / zarchan_g_mps2 == Approx(published_g[i]).epsilon(0.005));
    }
  }
}

TEST_CASE("PN response to a step target manoeuvre matches Zarchan's closed form", "[interceptor][zarchan]") {
  // Zarchan ch. 2: nc / nT = N' / (N' - 2) [1 - (1 - t/tF)^(N'-2)], interceptor on a collision course.
  const double nt_mps2 = 3.0 * zarchan_g_mps2 / scale;
  for (int n_prime : {3, 4, 5}) {
    INFO("N' = " << n_prime);
    const auto r = fly_against(zarchan_interceptor(n_prime), zarchan_target(nt_mps2), zarchan_options(1e-3, 0.0));
    REQUIRE(r.end == flight_end::closest_approach);
    CHECK(std::abs(command_at(r, 0.0)) < 1e-9 * nt_mps2 * 1e3);
    for (double t : {2.5, 5.0, 7.5, 9.0}) {
      const double closed_form = n_prime / (n_prime - 2.0) * (1.0 - std::pow(1.0 - t / tf_s, n_prime - 2));
      INFO("t = " << t << " s");
      CHECK(command_at(r, t) / nt_mps2 == Approx(closed_form).epsilon(0.005));
    }
  }
}

TEST_CASE("augmented PN response to a step manoeuvre matches Zarchan's closed form", "[interceptor][zarchan]") {
  // Zarchan ch. 8 (augmented PN, zero lag): nc / nT = 0.5 N' (1 - t/tF)^(N'-2).
  const double nt_mps2 = 3.0 * zarchan_g_mps2 / scale;
  for (int n_prime : {3, 4, 5}) {
    INFO("N' = " << n_prime);
    const auto r = fly_against(zarchan_interceptor(n_prime, true), zarchan_target(nt_mps2), zarchan_options(1e-3, 0.0));
    for (double t : {0.0, 2.5, 5.0, 7.5}) {
      const double closed_form = 0.5 * n_prime * std::pow(1.0 - t / tf_s, n_prime - 2);
      INFO("t = " << t << " s");
      CHECK(command_at(r, t) / nt_mps2 == Approx(closed_form).epsilon(0.005));
    }
  }
}

TEST_CASE("PN miss distance tends to zero as the step shrinks (zero-lag PN has zero miss)", "[interceptor][zarchan]") {
  // Zarchan ch. 2: zero-lag PN against heading error gives zero miss for N' > 2.
  // The full -20 deg heading error, flown nonlinearly.
  const double he_rad = units::deg_to_rad(-20.0);
  for (int n_prime : {3, 4, 5}) {
    INFO("N' = " << n_prime);
    const double coarse = fly_against(zarchan_interceptor(n_prime), zarchan_target(0.0), zarchan_options(0.05, he_rad)).miss_distance_m;
    const double fine = fly_against(zarchan_interceptor(n_prime), zarchan_target(0.0), zarchan_options(1e-3, he_rad)).miss_distance_m;
    INFO("miss at 50 ms " << coarse << " m, at 1 ms " << fine << " m");
    CHECK(fine < 0.01);
    CHECK(fine <= coarse);
  }
}

TEST_CASE("the reference interceptor launched at a crossing target hits it", "[interceptor]") {
  const auto k = reference_interceptor();
  // Target at 20 km range, 5 km height, crossing at 250 m/s.
  target_trajectory target = [](double t) {
    target_state s;
    s.position_enu_m = {20000.0, -3000.0 + 250.0 * t, 5000.0};
    s.velocity_enu_mps = {0.0, 250.0, 0.0};
    return s;
  };
  engagement_options o;
  o.step_s = 0.005;
  o.launch_axis_enu = Eigen::Vector3d(20000.0, 0.0, 5000.0).normalized();
  o.guidance_start_s = 1.0;
  o.record_history = true;
  const auto r = fly_against(k, target, o);
  REQUIRE(r.end == flight_end::closest_approach);
  CHECK(r.miss_distance_m < 1.0);
  CHECK(r.time_of_flight_s > 10.0);
  CHECK(r.time_of_flight_s < 40.0);
  for (const auto& s : r.history) REQUIRE(s.lateral_accel_enu_mps2.norm() <= 300.0 * (1 + 1e-12));
  // Mass never below burnout mass.
  CHECK(r.history.back().mass_kg >= 1800.0 - total_propellant_kg(k) - 1e-9);
}
