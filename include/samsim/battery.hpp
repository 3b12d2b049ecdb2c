#pragma once
/// \file battery.hpp
/// The battery: radar, fire control, launchers, interceptor and fire doctrine.

#include <samsim/interceptor.hpp>
#include <samsim/radar.hpp>

#include <Eigen/Core>

#include <vector>

namespace samsim {

/// Fire-control limits (docs/model.md, battery and fire doctrine).
struct fire_control_parameters {
  int max_engaged_targets = 1;         ///< threats under engagement at once (fire channels)
  int max_interceptors_in_flight = 1;
  double reaction_time_s = 0.0;        ///< track confirmation -> first possible launch
  double launch_interval_s = 0.0;      ///< between any two launches, salvo rounds included
};

/// Launchers and the battery's reload pool.
struct launcher_parameters {
  int count = 1;
  int ready_per_launcher = 1;   ///< rounds a full launcher holds
  double reload_time_s = 0.0;   ///< empty -> full again
  int reload_rounds = 0;        ///< battery pool that reloads draw from
};

/// Largest salvo the engine handles (rounds of one salvo are kept on the stack).
inline constexpr int max_salvo_size = 16;

enum class doctrine_mode { shoot_look_shoot, shoot_shoot };

struct doctrine_parameters {
  doctrine_mode mode = doctrine_mode::shoot_look_shoot;
  int salvo_size = 1;                ///< interceptors per shot opportunity
  double kill_assessment_s = 0.0;    ///< after the last intercept of a salvo
  int max_salvos_per_threat = 1;
};

/// Single-shot kill probability model.
struct kill_model {
  /// Optional lowering toward the envelope's maximum range: Pk falls linearly
  /// from its nominal value at `edge_start_fraction` x max range to
  /// `edge_factor` x nominal at max range. A fraction of 1 disables it.
  double edge_start_fraction = 1.0;
  double edge_factor = 1.0;
  /// Probability that all rounds of a salvo share one kill draw (0: independent).
  double common_mode_correlation = 0.0;
};

struct battery_parameters {
  Eigen::Vector2d position_en_m = Eigen::Vector2d::Zero();  ///< scenario ENU
  radar_parameters radar;
  fire_control_parameters fire_control;
  launcher_parameters launchers;
  interceptor_kinematics interceptor;
  envelope_limits envelope;
  double pk_default = 0.0;           ///< single-shot Pk of a class not listed in the scenario's by_class
  kill_model kill;
  doctrine_parameters doctrine;
};

/// Validates the battery; throws std::invalid_argument naming the field and value.
void validate(const battery_parameters& battery);

}  // namespace samsim
