#pragma once
/// \file battery.hpp
/// The battery: radar, fire control, launchers, interceptor and fire doctrine.
/// battery_parameters is the one battery of a format 1 scenario; battery_site
/// is one of the batteries of a defended-area scenario, whose launcher groups
/// each hold one interceptor type (interceptor_type.hpp).

#include <samsim/interceptor.hpp>
#include <samsim/radar.hpp>

#include <Eigen/Core>

#include <string>
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

/// Launchers of one interceptor type in a battery_site.
struct launcher_group {
  int interceptor_type = 0;  ///< index into the scenario's interceptors
  launcher_parameters launchers;  ///< reload_rounds: this type's pool in this battery
};

/// One battery of a defended-area scenario.
struct battery_site {
  std::string name;
  Eigen::Vector2d position_en_m = Eigen::Vector2d::Zero();  ///< scenario ENU (radar and launchers)
  double ready_time_s = 0.0;  ///< no look or launch before this time (set-up after a move)
  double value = 1.0;         ///< > 0: ranks threats aimed at it under the asset_value priority
  radar_parameters radar;
  fire_control_parameters fire_control;
  doctrine_parameters doctrine;
  std::vector<launcher_group> launchers;  ///< at least one; one group per interceptor type
};

/// Validates a site without its radar (validate(radar_parameters)) and without
/// checking interceptor_type indices (the scenario's validate does): name,
/// position, ready time, value, fire control, doctrine, at least one launcher
/// group, each type at most once, and a salvo that each type's rounds can hold.
/// Throws std::invalid_argument naming the field and value.
void validate(const battery_site& site);

/// The parts on their own (the messages name the same fields as validate(battery_parameters)).
void validate(const fire_control_parameters& fire_control);
void validate(const launcher_parameters& launchers);
void validate(const doctrine_parameters& doctrine);
void validate(const kill_model& kill);

}  // namespace samsim
