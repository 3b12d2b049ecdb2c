// 3-DOF point-mass interceptor: validation, equations of motion, PN, fly_against.
#include <samsim/interceptor.hpp>

#include <samsim/atmosphere.hpp>
#include <samsim/units.hpp>

#include <Eigen/Geometry>
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace samsim {
namespace {

[[noreturn]] void reject(std::string_view parameter, double value, std::string_view rule) {
  throw std::invalid_argument(fmt::format("{} = {} ({})", parameter, value, rule));
}

void require_positive(std::string_view parameter, double value) {
  if (!(std::isfinite(value) && value > 0.0)) reject(parameter, value, "must be finite and > 0");
}

void require_non_negative(std::string_view parameter, double value) {
  if (!(std::isfinite(value) && value >= 0.0)) reject(parameter, value, "must be finite and >= 0");
}

}  // namespace

void validate(const interceptor_kinematics& k) {
  require_positive("interceptor.launch_mass_kg", k.launch_mass_kg);
  require_positive("interceptor.specific_impulse_s", k.specific_impulse_s);
  for (std::size_t i = 0; i < k.phases.size(); ++i) {
    require_non_negative(fmt::format("interceptor.phases[{}].thrust_n", i), k.phases[i].thrust_n);
    require_non_negative(fmt::format("interceptor.phases[{}].burn_time_s", i), k.phases[i].burn_time_s);
  }
  const double propellant_kg = total_propellant_kg(k);
  if (!(propellant_kg < k.launch_mass_kg))
    throw std::invalid_argument(fmt::format(
        "interceptor.phases: total propellant {} kg (sum thrust x burn_time / (Isp g0)) must be < "
        "interceptor.launch_mass_kg = {}",
        propellant_kg, k.launch_mass_kg));
  require_positive("interceptor.reference_area_m2", k.reference_area_m2);
  if (k.cd_vs_mach.empty()) throw std::invalid_argument("interceptor.cd_vs_mach is empty (needs >= 1 row)");
  for (std::size_t i = 0; i < k.cd_vs_mach.size(); ++i) {
    require_non_negative(fmt::format("interceptor.cd_vs_mach[{}].mach", i), k.cd_vs_mach[i].first);
    require_non_negative(fmt::format("interceptor.cd_vs_mach[{}].cd", i), k.cd_vs_mach[i].second);
    if (i > 0 && !(k.cd_vs_mach[i].first > k.cd_vs_mach[i - 1].first))
      reject(fmt::format("interceptor.cd_vs_mach[{}].mach", i), k.cd_vs_mach[i].first,
             fmt::format("Mach must increase strictly; previous row has {}", k.cd_vs_mach[i - 1].first));
  }
  require_positive("interceptor.max_lateral_accel_mps2", k.max_lateral_accel_mps2);
  require_positive("interceptor.navigation_ratio", k.navigation_ratio);
}

void validate(const envelope_limits& e) {
  require_non_negative("envelope.min_range_m", e.min_range_m);
  require_positive("envelope.max_range_m", e.max_range_m);
  if (!(e.max_range_m > e.min_range_m))
    reject("envelope.max_range_m", e.max_range_m, fmt::format("must exceed min_range_m = {}", e.min_range_m));
  if (!std::isfinite(e.min_height_m)) reject("envelope.min_height_m", e.min_height_m, "must be finite");
  if (!(std::isfinite(e.max_height_m) && e.max_height_m > e.min_height_m))
    reject("envelope.max_height_m", e.max_height_m, fmt::format("must be finite and exceed min_height_m = {}", e.min_height_m));
  require_non_negative("envelope.min_speed_mps", e.min_speed_mps);
}

double total_propellant_kg(const interceptor_kinematics& k) noexcept {
  double impulse_ns = 0.0;
  for (const auto& p : k.phases) impulse_ns += p.thrust_n * p.burn_time_s;
  return impulse_ns / (k.specific_impulse_s * units::standard_gravity_mps2);
}

double thrust_at_n(const interceptor_kinematics& k, double t_s) noexcept {
  if (t_s < 0.0) return 0.0;
  double start_s = 0.0;
  for (const auto& p : k.phases) {
    if (t_s < start_s + p.burn_time_s) return p.thrust_n;
    start_s += p.burn_time_s;
  }
  return 0.0;
}

double next_phase_boundary_s(const interceptor_kinematics& k, double t_s) noexcept {
  double boundary_s = 0.0;
  if (t_s < boundary_s) return boundary_s;
  for (const auto& p : k.phases) {
    boundary_s += p.burn_time_s;
    if (boundary_s > t_s) return boundary_s;
  }
  return std::numeric_limits<double>::infinity();
}

double drag_coefficient(const interceptor_kinematics& k, double mach) noexcept {
  const auto& table = k.cd_vs_mach;
  if (table.empty()) return 0.0;
  if (!(mach > table.front().first)) return table.front().second;
  if (mach >= table.back().first) return table.back().second;
  std::size_t i = 1;
  while (table[i].first < mach) ++i;
  const auto& [m0, c0] = table[i - 1];
  const auto& [m1, c1] = table[i];
  return c0 + (c1 - c0) * (mach - m0) / (m1 - m0);
}

Eigen::Vector3d body_axis_enu(const Eigen::Vector3d& velocity_enu_mps, const Eigen::Vector3d& launch_axis_enu) noexcept {
  const double speed_mps = velocity_enu_mps.norm();
  if (speed_mps > 1e-9) return velocity_enu_mps / speed_mps;
  return launch_axis_enu;
}

Eigen::Vector3d achieved_lateral_accel_enu_mps2(const interceptor_kinematics& k, const Eigen::Vector3d& axis_enu,
                                                const Eigen::Vector3d& demanded_accel_enu_mps2) noexcept {
  Eigen::Vector3d lateral = demanded_accel_enu_mps2 - demanded_accel_enu_mps2.dot(axis_enu) * axis_enu;
  const double magnitude = lateral.norm();
  if (magnitude > k.max_lateral_accel_mps2) lateral *= k.max_lateral_accel_mps2 / magnitude;
  return lateral;
}

point_mass_rate point_mass_derivative(const interceptor_kinematics& k, const point_mass_state& s, double thrust_n,
                                      const Eigen::Vector3d& demanded_accel_enu_mps2,
                                      const Eigen::Vector3d& launch_axis_enu, const force_switches& forces) noexcept {
  const Eigen::Vector3d axis = body_axis_enu(s.velocity_enu_mps, launch_axis_enu);
  double axial_accel_mps2 = 0.0;
  point_mass_rate r;
  if (thrust_n != 0.0) {
    axial_accel_mps2 += thrust_n / s.mass_kg;
    r.mass_rate_kgps = -thrust_n / (k.specific_impulse_s * units::standard_gravity_mps2);
  }
  if (forces.drag) {
    const double speed_mps = s.velocity_enu_mps.norm();
    const atmosphere_state air = us_standard_atmosphere_1976(s.position_enu_m.z());
    if (air.density_kgpm3 > 0.0) {
      const double cd = drag_coefficient(k, speed_mps / air.speed_of_sound_mps);
      axial_accel_mps2 -= 0.5 * air.density_kgpm3 * speed_mps * speed_mps * cd * k.reference_area_m2 / s.mass_kg;
    }
  }
  r.velocity_enu_mps = s.velocity_enu_mps;
  r.acceleration_enu_mps2 = axial_accel_mps2 * axis + achieved_lateral_accel_enu_mps2(k, axis, demanded_accel_enu_mps2);
  if (forces.gravity) r.acceleration_enu_mps2.z() -= units::standard_gravity_mps2;
  return r;
}

Eigen::Vector3d proportional_navigation_enu_mps2(const Eigen::Vector3d& r, const Eigen::Vector3d& v,
                                                 const Eigen::Vector3d& target_accel_enu_mps2, double navigation_ratio,
                                                 bool augmented) noexcept {
  const double range_sq = r.squaredNorm();
  if (!(range_sq > 0.0)) return Eigen::Vector3d::Zero();
  const double range_m = std::sqrt(range_sq);
  const Eigen::Vector3d los = r / range_m;
  const Eigen::Vector3d los_rate_radps = r.cross(v) / range_sq;
  const double closing_speed_mps = -r.dot(v) / range_m;
  Eigen::Vector3d a = navigation_ratio * closing_speed_mps * los_rate_radps.cross(los);
  if (augmented) {
    const Eigen::Vector3d normal_accel = target_accel_enu_mps2 - target_accel_enu_mps2.dot(los) * los;
    a += 0.5 * navigation_ratio * normal_accel;
  }
  return a;
}

namespace {

// Cubic Hermite interpolant of a relative position over one step, s in [0, 1].
Eigen::Vector3d hermite(const Eigen::Vector3d& p0, const Eigen::Vector3d& v0, const Eigen::Vector3d& p1,
                        const Eigen::Vector3d& v1, double h, double s) {
  const double s2 = s * s;
  const double s3 = s2 * s;
  return (2 * s3 - 3 * s2 + 1) * p0 + (s3 - 2 * s2 + s) * h * v0 + (-2 * s3 + 3 * s2) * p1 + (s3 - s2) * h * v1;
}

}  // namespace

engagement_result fly_against(const interceptor_kinematics& k, const target_trajectory& target,
                              const engagement_options& o) {
  validate(k);
  if (!(o.step_s > 0.0 && std::isfinite(o.step_s))) reject("engagement_options.step_s", o.step_s, "must be finite and > 0");
  auto demand = [&](const point_mass_state& x) -> Eigen::Vector3d {
    if (x.time_s < o.guidance_start_s)  // hold the launch axis: lift cancels gravity normal to it
      return o.forces.gravity ? Eigen::Vector3d(0.0, 0.0, units::standard_gravity_mps2) : Eigen::Vector3d::Zero();
    const target_state t = target(o.launch_time_s + x.time_s);
    return proportional_navigation_enu_mps2(t.position_enu_m - x.position_enu_m, t.velocity_enu_mps - x.velocity_enu_mps,
                                            t.acceleration_enu_mps2, k.navigation_ratio, k.augmented_pn);
  };
  auto sample = [&](const point_mass_state& x) {
    flight_sample f;
    f.time_of_flight_s = x.time_s;
    f.position_enu_m = x.position_enu_m;
    f.velocity_enu_mps = x.velocity_enu_mps;
    f.mass_kg = x.mass_kg;
    f.lateral_accel_enu_mps2 =
        achieved_lateral_accel_enu_mps2(k, body_axis_enu(x.velocity_enu_mps, o.launch_axis_enu), demand(x));
    return f;
  };

  engagement_result result;
  point_mass_state s;
  s.position_enu_m = o.launch_position_enu_m;
  s.velocity_enu_mps = o.launch_velocity_enu_mps;
  s.mass_kg = k.launch_mass_kg;
  target_state tgt = target(o.launch_time_s);
  Eigen::Vector3d rel_p = tgt.position_enu_m - s.position_enu_m;
  Eigen::Vector3d rel_v = tgt.velocity_enu_mps - s.velocity_enu_mps;
  bool was_closing = rel_p.dot(rel_v) < 0.0;
  result.miss_distance_m = rel_p.norm();
  while (s.time_s < o.max_flight_time_s) {
    if (o.record_history) result.history.push_back(sample(s));
    double h = std::min(o.step_s, o.max_flight_time_s - s.time_s);
    if (o.forces.thrust) h = std::min(h, next_phase_boundary_s(k, s.time_s) - s.time_s);
    h = std::max(h, 1e-9);
    const point_mass_state next = rk4_step(k, s, h, o.launch_axis_enu, o.forces, demand);
    const target_state tgt_next = target(o.launch_time_s + next.time_s);
    const Eigen::Vector3d rel_p1 = tgt_next.position_enu_m - next.position_enu_m;
    const Eigen::Vector3d rel_v1 = tgt_next.velocity_enu_mps - next.velocity_enu_mps;
    const bool closing = rel_p1.dot(rel_v1) < 0.0;
    if (was_closing && !closing) {
      // Golden-section search of |r(s)| on the Hermite interpolant over the step.
      constexpr double inv_phi = 0.6180339887498949;
      double a = 0.0;
      double b = 1.0;
      for (int i = 0; i < 60; ++i) {
        const double c = b - inv_phi * (b - a);
        const double d = a + inv_phi * (b - a);
        if (hermite(rel_p, rel_v, rel_p1, rel_v1, h, c).squaredNorm() <
            hermite(rel_p, rel_v, rel_p1, rel_v1, h, d).squaredNorm())
          b = d;
        else
          a = c;
      }
      const double s_min = 0.5 * (a + b);
      result.end = flight_end::closest_approach;
      result.miss_distance_m = hermite(rel_p, rel_v, rel_p1, rel_v1, h, s_min).norm();
      result.time_of_flight_s = s.time_s + s_min * h;
      result.closing_speed_mps = -rel_p.dot(rel_v) / rel_p.norm();
      if (o.record_history) result.history.push_back(sample(next));
      return result;
    }
    s = next;
    rel_p = rel_p1;
    rel_v = rel_v1;
    was_closing = closing;
    result.miss_distance_m = std::min(result.miss_distance_m, rel_p.norm());
    if (o.stop_below_ground && s.position_enu_m.z() < 0.0) {
      result.end = flight_end::ground;
      break;
    }
  }
  if (result.end != flight_end::ground) result.end = flight_end::max_time;
  result.time_of_flight_s = s.time_s;
  if (o.record_history) result.history.push_back(sample(s));
  return result;
}

}  // namespace samsim
