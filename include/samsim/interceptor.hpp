#pragma once
/// \file interceptor.hpp
/// 3-DOF point-mass interceptor with proportional navigation.
///
/// Frame: local ENU metres (x east, y north, z up), flat earth, gravity -g0 z.
/// Forces: thrust along the velocity, drag 0.5 rho V^2 Cd(Mach) S against it,
/// gravity, and a lateral (perpendicular to velocity) acceleration from
/// guidance, limited in magnitude to max_lateral_accel_mps2. Integration is
/// fixed-step RK4; steps are shortened to land on motor phase boundaries so
/// the thrust discontinuity never falls inside a step.

#include <Eigen/Core>

#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

namespace samsim {

/// One motor phase: constant thrust for a burn time.
struct thrust_phase {
  double thrust_n = 0.0;
  double burn_time_s = 0.0;
};

/// Interceptor airframe, propulsion and guidance parameters.
struct interceptor_kinematics {
  double launch_mass_kg = 0.0;
  double specific_impulse_s = 0.0;          ///< mass flow = thrust / (Isp g0)
  std::vector<thrust_phase> phases;          ///< boost, then sustain, ...
  double reference_area_m2 = 0.0;
  std::vector<std::pair<double, double>> cd_vs_mach;  ///< (Mach, Cd), Mach increasing
  double max_lateral_accel_mps2 = 0.0;
  double navigation_ratio = 4.0;             ///< N'
  bool augmented_pn = false;                 ///< add N'/2 x target acceleration
};

/// Kinematic envelope limits (docs/model.md: where the interceptor can engage).
struct envelope_limits {
  double min_range_m = 0.0;   ///< ground range from the launcher
  double max_range_m = 0.0;
  double min_height_m = 0.0;
  double max_height_m = 0.0;
  double min_speed_mps = 0.0;  ///< arrival speed needed for a kill
};

/// Throws std::invalid_argument naming the parameter and its value when the
/// interceptor is not physical: non-positive or NaN mass, Isp, area, lateral
/// limit or N'; negative thrust or burn time; propellant >= launch mass; an
/// empty Cd table, Mach not strictly increasing, or negative Cd.
void validate(const interceptor_kinematics& kinematics);

/// Throws std::invalid_argument unless 0 <= min_range < max_range,
/// min_height < max_height, min_speed >= 0, all finite.
void validate(const envelope_limits& limits);

/// Total propellant burnt over all phases [kg]: sum thrust burn_time / (Isp g0).
double total_propellant_kg(const interceptor_kinematics& kinematics) noexcept;

/// Thrust at a time since launch [N]: the phase containing it, 0 after burnout.
double thrust_at_n(const interceptor_kinematics& kinematics, double time_since_launch_s) noexcept;

/// Time since launch of the next phase start/end strictly after t, or +inf.
double next_phase_boundary_s(const interceptor_kinematics& kinematics, double time_since_launch_s) noexcept;

/// Cd at a Mach number: linear in Mach between table rows, clamped at the ends.
double drag_coefficient(const interceptor_kinematics& kinematics, double mach) noexcept;

/// Which forces act; tests switch them off to compare with closed forms.
struct force_switches {
  bool thrust = true;
  bool drag = true;
  bool gravity = true;
};

/// Point-mass state. time_s is time since launch (it selects the motor phase).
struct point_mass_state {
  Eigen::Vector3d position_enu_m = Eigen::Vector3d::Zero();
  Eigen::Vector3d velocity_enu_mps = Eigen::Vector3d::Zero();
  double mass_kg = 0.0;
  double time_s = 0.0;
};

/// Time derivative of a point_mass_state.
struct point_mass_rate {
  Eigen::Vector3d velocity_enu_mps = Eigen::Vector3d::Zero();
  Eigen::Vector3d acceleration_enu_mps2 = Eigen::Vector3d::Zero();
  double mass_rate_kgps = 0.0;
};

/// Body axis used for thrust and for "lateral": the velocity direction, or
/// launch_axis_enu (unit) while the interceptor is (almost) at rest on the launcher.
Eigen::Vector3d body_axis_enu(const Eigen::Vector3d& velocity_enu_mps, const Eigen::Vector3d& launch_axis_enu) noexcept;

/// The part of a demanded acceleration the airframe delivers: its component
/// perpendicular to the body axis, scaled down to max_lateral_accel_mps2.
Eigen::Vector3d achieved_lateral_accel_enu_mps2(const interceptor_kinematics& kinematics,
                                                const Eigen::Vector3d& body_axis_enu,
                                                const Eigen::Vector3d& demanded_accel_enu_mps2) noexcept;

/// Equations of motion for a given thrust and a demanded acceleration (made
/// lateral and limited here). forces.thrust is not consulted: thrust_n is.
point_mass_rate point_mass_derivative(const interceptor_kinematics& kinematics, const point_mass_state& state,
                                      double thrust_n, const Eigen::Vector3d& demanded_accel_enu_mps2,
                                      const Eigen::Vector3d& launch_axis_enu, const force_switches& forces) noexcept;

/// One classical RK4 step of length step_s. demand(state) returns the demanded
/// acceleration (ENU) and is evaluated at each of the four stages, so guidance
/// is continuous, not held over the step. Thrust is that of the motor phase at
/// mid-step, held over the step: steps must not straddle a phase boundary
/// (propagate and fly_against shorten steps to land on them).
template <class DemandFn>
point_mass_state rk4_step(const interceptor_kinematics& kinematics, const point_mass_state& s, double step_s,
                          const Eigen::Vector3d& launch_axis_enu, const force_switches& forces, DemandFn&& demand) {
  const double thrust_n = forces.thrust ? thrust_at_n(kinematics, s.time_s + 0.5 * step_s) : 0.0;
  auto rate = [&](const point_mass_state& x) {
    return point_mass_derivative(kinematics, x, thrust_n, demand(x), launch_axis_enu, forces);
  };
  auto advance = [&](const point_mass_rate& k, double h) {
    point_mass_state x;
    x.position_enu_m = s.position_enu_m + h * k.velocity_enu_mps;
    x.velocity_enu_mps = s.velocity_enu_mps + h * k.acceleration_enu_mps2;
    x.mass_kg = s.mass_kg + h * k.mass_rate_kgps;
    x.time_s = s.time_s + h;
    return x;
  };
  const point_mass_rate k1 = rate(s);
  const point_mass_rate k2 = rate(advance(k1, 0.5 * step_s));
  const point_mass_rate k3 = rate(advance(k2, 0.5 * step_s));
  const point_mass_rate k4 = rate(advance(k3, step_s));
  const double w = step_s / 6.0;
  point_mass_state out;
  out.position_enu_m = s.position_enu_m +
                       w * (k1.velocity_enu_mps + 2.0 * k2.velocity_enu_mps + 2.0 * k3.velocity_enu_mps + k4.velocity_enu_mps);
  out.velocity_enu_mps = s.velocity_enu_mps + w * (k1.acceleration_enu_mps2 + 2.0 * k2.acceleration_enu_mps2 +
                                                   2.0 * k3.acceleration_enu_mps2 + k4.acceleration_enu_mps2);
  out.mass_kg = s.mass_kg + w * (k1.mass_rate_kgps + 2.0 * k2.mass_rate_kgps + 2.0 * k3.mass_rate_kgps + k4.mass_rate_kgps);
  out.time_s = s.time_s + step_s;
  return out;
}

/// Propagates from state for duration_s with RK4 steps of at most step_s,
/// shortened to land on motor phase boundaries. Returns the final state.
template <class DemandFn>
point_mass_state propagate(const interceptor_kinematics& kinematics, point_mass_state state, double duration_s,
                           double step_s, const Eigen::Vector3d& launch_axis_enu, const force_switches& forces,
                           DemandFn&& demand) {
  const double end_s = state.time_s + duration_s;
  while (state.time_s < end_s) {
    double h = std::min(step_s, end_s - state.time_s);
    if (forces.thrust) h = std::min(h, next_phase_boundary_s(kinematics, state.time_s) - state.time_s);
    if (h <= 1e-12) {  // landed on end or boundary up to rounding
      state.time_s = std::min(end_s, state.time_s + 1e-12);
      continue;
    }
    state = rk4_step(kinematics, state, h, launch_axis_enu, forces, demand);
  }
  return state;
}

/// Target state at one time, ENU relative to the launcher.
struct target_state {
  Eigen::Vector3d position_enu_m = Eigen::Vector3d::Zero();
  Eigen::Vector3d velocity_enu_mps = Eigen::Vector3d::Zero();
  Eigen::Vector3d acceleration_enu_mps2 = Eigen::Vector3d::Zero();  ///< used by augmented PN only
};

/// A target trajectory: absolute time [s] -> target_state.
using target_trajectory = std::function<target_state(double time_s)>;

/// True 3-D proportional navigation (Zarchan ch. 2 in vector form):
///   Omega = r x v / |r|^2 (LOS rate), Vc = -r.v/|r|, a = N' Vc Omega x r/|r|,
/// with r, v the target-minus-interceptor position and velocity. The command is
/// perpendicular to the line of sight; augmented PN adds N'/2 times the target
/// acceleration's component normal to the LOS. The airframe then delivers only
/// its component perpendicular to the interceptor velocity (no thrust control),
/// which for small lead angles is the whole command.
Eigen::Vector3d proportional_navigation_enu_mps2(const Eigen::Vector3d& relative_position_enu_m,
                                                 const Eigen::Vector3d& relative_velocity_enu_mps,
                                                 const Eigen::Vector3d& target_accel_enu_mps2, double navigation_ratio,
                                                 bool augmented) noexcept;

/// Settings of one interceptor-versus-target flight.
struct engagement_options {
  double step_s = 0.01;                   ///< RK4 step (shortened at motor phase boundaries)
  double launch_time_s = 0.0;             ///< absolute time of launch; the target is queried at launch + t
  double max_flight_time_s = 300.0;       ///< give up after this time of flight
  Eigen::Vector3d launch_position_enu_m = Eigen::Vector3d::Zero();
  Eigen::Vector3d launch_velocity_enu_mps = Eigen::Vector3d::Zero();
  Eigen::Vector3d launch_axis_enu = Eigen::Vector3d::UnitZ();  ///< thrust axis while at rest (unit)
  double guidance_start_s = 0.0;          ///< before it, fly straight along launch_axis_enu (lift cancels gravity)
  force_switches forces;
  bool stop_below_ground = true;          ///< end the flight if z < 0
  bool record_history = false;
};

/// One recorded instant (the state at the start of each step, and the last).
struct flight_sample {
  double time_of_flight_s = 0.0;
  Eigen::Vector3d position_enu_m = Eigen::Vector3d::Zero();
  Eigen::Vector3d velocity_enu_mps = Eigen::Vector3d::Zero();
  double mass_kg = 0.0;
  Eigen::Vector3d lateral_accel_enu_mps2 = Eigen::Vector3d::Zero();  ///< achieved, not demanded
};

/// Why a flight ended.
enum class flight_end { closest_approach, max_time, ground };

/// Outcome of fly_against.
struct engagement_result {
  flight_end end = flight_end::max_time;
  double miss_distance_m = 0.0;    ///< at closest approach (least range seen if none)
  double time_of_flight_s = 0.0;   ///< of closest approach (or of the end)
  double closing_speed_mps = 0.0;  ///< -d|r|/dt at the last step before closest approach
  std::vector<flight_sample> history;
};

/// Flies one interceptor (launch mass, at launch_position) under PN against a
/// target until closest approach: the first step after which the range rate
/// turns from closing to opening. The miss is then the least distance between
/// cubic Hermite interpolants of both positions over that step. Validates the
/// kinematics first (std::invalid_argument).
engagement_result fly_against(const interceptor_kinematics& kinematics, const target_trajectory& target,
                              const engagement_options& options = {});

}  // namespace samsim
