#pragma once
/// \file threat.hpp
/// Threat classes and their closed-form trajectories.
///
/// Frame: local East-North-Up metres of the scenario. A threat starts at
/// `start_range_m` from its aim point on a bearing (clockwise from north, seen
/// from the aim point) and flies toward the aim point. It leaks when it comes
/// within `leak_distance_m` (ground distance) of the aim point alive.

#include <samsim/radar.hpp>
#include <samsim/units.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <string>

namespace samsim {

enum class trajectory_kind { straight, ballistic };

/// Optional terminal manoeuvre of a straight-flying threat.
enum class terminal_kind {
  none,    ///< constant height to the aim point
  pop_up,  ///< climb linearly from cruise height at `terminal_distance_m` to
           ///< `terminal_height_m` at half that distance, then dive linearly to 0 at the aim point
  dive,    ///< descend linearly from cruise height at `terminal_distance_m` to 0 at the aim point
};

/// Everything a threat class fixes (per-threat values come from the raid).
struct threat_class {
  std::string name;
  trajectory_kind trajectory = trajectory_kind::straight;
  double rcs_m2 = 0.0;                       ///< mean radar cross-section
  swerling_case swerling = swerling_case::sw0;
  double leak_distance_m = 0.0;              ///< ground distance to the aim point at which it leaks
  terminal_kind terminal = terminal_kind::none;
  double terminal_distance_m = 0.0;
  double terminal_height_m = 0.0;
  /// Ballistic only: flight time from launch to the aim point; when zero,
  /// derived from `apogee_height_m` as sqrt(8 H / g).
  double flight_time_s = 0.0;
  double apogee_height_m = 0.0;
  double cost = 0.0;  ///< >= 0, in the scenario's cost unit: counts as attacker cost destroyed when killed
  /// Service order for track slots and fire: higher first, then earliest
  /// arrival at the leak point (docs/model.md, priority).
  int priority = 0;
};

/// Validity of the ballistic model (a vacuum parabola over a flat earth with
/// constant g): limits on the apogee height and the ground range
/// (docs/scenario.md says why these).
inline constexpr double max_ballistic_apogee_m = 300000.0;
inline constexpr double max_ballistic_ground_range_m = 1000000.0;
/// The flight time of a parabola whose apogee is max_ballistic_apogee_m: sqrt(8 H / g) [s].
inline double max_ballistic_flight_time_s() {
  return std::sqrt(8.0 * max_ballistic_apogee_m / units::standard_gravity_mps2);
}

/// One sampled threat: a class and the numbers the raid drew for it.
struct threat_state {
  int class_index = 0;
  double launch_time_s = 0.0;
  Eigen::Vector2d start_en_m = Eigen::Vector2d::Zero();  ///< ground start point, scenario ENU
  Eigen::Vector2d aim_en_m = Eigen::Vector2d::Zero();    ///< ground aim point, scenario ENU
  double height_m = 0.0;                                 ///< cruise height (straight)
  double speed_mps = 0.0;                                ///< ground speed (straight)
  int group_index = 0;                                   ///< raid group it belongs to (its target)
};

/// Closed-form kinematics of one threat, precomputed from its class and state.
class threat_trajectory {
 public:
  threat_trajectory() = default;
  threat_trajectory(const threat_class& cls, const threat_state& state);

  double launch_time_s() const { return launch_time_s_; }
  /// Time at which the aim point is reached (impact or overflight).
  double arrival_time_s() const { return launch_time_s_ + flight_time_s_; }
  /// Time at which the threat comes within leak_distance_m of its aim point.
  double leak_time_s() const { return leak_time_s_; }
  /// Position at time t [s], scenario ENU metres; clamped to the launch point
  /// before launch and to the aim point after arrival.
  Eigen::Vector3d position_enu_m(double t_s) const;
  /// Velocity at time t [s], scenario ENU m/s (zero outside the flight).
  Eigen::Vector3d velocity_enu_mps(double t_s) const;
  /// Upper bound of the ground speed over the flight [m/s].
  double max_ground_speed_mps() const { return ground_speed_mps_; }
  /// Upper bound of the speed (3-D) over the flight [m/s].
  double max_speed_mps() const { return max_speed_mps_; }
  /// Upper bound of the height over the flight [m].
  double max_height_m() const { return max_height_m_; }

 private:
  double height_at_distance_to_go(double d_m) const;
  double climb_rate_at_distance_to_go(double d_m) const;

  trajectory_kind kind_ = trajectory_kind::straight;
  terminal_kind terminal_ = terminal_kind::none;
  double launch_time_s_ = 0.0;
  double flight_time_s_ = 0.0;
  double leak_time_s_ = 0.0;
  Eigen::Vector2d start_en_m_ = Eigen::Vector2d::Zero();
  Eigen::Vector2d direction_en_ = Eigen::Vector2d::UnitY();  ///< unit, start -> aim
  double ground_range_m_ = 0.0;
  double ground_speed_mps_ = 0.0;
  double cruise_height_m_ = 0.0;
  double terminal_distance_m_ = 0.0;
  double terminal_height_m_ = 0.0;
  double vertical_speed0_mps_ = 0.0;  ///< ballistic: initial climb rate
  double max_height_m_ = 0.0;
  double max_speed_mps_ = 0.0;
};

// Inline: evaluated many times per intercept prediction in the Monte Carlo hot loop.
inline double threat_trajectory::height_at_distance_to_go(double d_m) const {
  const double dt = terminal_distance_m_;
  switch (terminal_) {
    case terminal_kind::none:
      return cruise_height_m_;
    case terminal_kind::dive:
      return d_m >= dt ? cruise_height_m_ : cruise_height_m_ * d_m / dt;
    case terminal_kind::pop_up:
      if (d_m >= dt) return cruise_height_m_;
      if (d_m >= 0.5 * dt)  // climb from cruise height at dt to the pop-up height at dt/2
        return terminal_height_m_ + (cruise_height_m_ - terminal_height_m_) * (d_m - 0.5 * dt) / (0.5 * dt);
      return terminal_height_m_ * d_m / (0.5 * dt);  // dive to 0 at the aim point
  }
  return cruise_height_m_;
}

inline Eigen::Vector3d threat_trajectory::position_enu_m(double t_s) const {
  const double tau = std::clamp(t_s - launch_time_s_, 0.0, flight_time_s_);
  const double flown_m = ground_speed_mps_ * tau;
  const Eigen::Vector2d ground = start_en_m_ + direction_en_ * flown_m;
  double z_m;
  if (kind_ == trajectory_kind::ballistic) {
    z_m = std::max(0.0, vertical_speed0_mps_ * tau - 0.5 * units::standard_gravity_mps2 * tau * tau);
  } else {
    z_m = height_at_distance_to_go(ground_range_m_ - flown_m);
  }
  return {ground.x(), ground.y(), z_m};
}

/// Validates a class; throws std::invalid_argument naming the field and value.
void validate(const threat_class& cls);

}  // namespace samsim
