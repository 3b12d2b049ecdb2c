#pragma once
/// \file interceptor_type.hpp
/// An interceptor type of a defended-area scenario: its kinematics (the 3-DOF
/// model, or a straight flight at a stated mean speed), envelope, single-shot
/// Pk per threat class and cost per round, and the flyout table built from it.

#include <samsim/battery.hpp>
#include <samsim/flyout.hpp>
#include <samsim/interceptor.hpp>

#include <string>
#include <vector>

namespace samsim {

enum class kinematics_model {
  three_dof,      ///< flown by the 3-DOF point-mass model (interceptor.hpp, flyout.hpp)
  average_speed,  ///< flies the slant distance at average_speed_mps and arrives at that speed
};

struct interceptor_type {
  std::string name;
  kinematics_model model = kinematics_model::three_dof;
  interceptor_kinematics kinematics;  ///< three_dof only
  double average_speed_mps = 0.0;     ///< average_speed only: > 0, >= envelope.min_speed_mps
  envelope_limits envelope;
  double pk_default = 0.0;            ///< single-shot Pk of a class without its own entry
  std::vector<double> pk_by_class;    ///< single-shot Pk per scenario class index (resolved at load)
  kill_model kill;
  double cost_per_round = 0.0;        ///< >= 0, in the scenario's cost unit
};

/// Grid step of an average_speed table [m] (the same in range and height):
/// the largest step whose error bound (average_speed_table_error_bound_s) is
/// at most average_speed_table_error_s, but no coarser than the coarser of the
/// options' range and height steps. Its error exceeds the target only where a
/// node budget forces a coarser step (an envelope that comes within a few
/// metres of the launcher, or a huge one). See docs/scenario.md.
double average_speed_table_step_m(const interceptor_type& type, const flyout_options& options = {});

/// Time-of-flight error the average_speed table is built for [s].
inline constexpr double average_speed_table_error_s = 0.01;

/// Upper bound on |table time of flight - slant distance / speed| [s] of an
/// average_speed table with grid step `step_m`, at any point inside the
/// envelope (bilinear interpolation of a cone; float storage adds at most
/// 2^-24 of the time itself).
double average_speed_table_error_bound_s(const interceptor_type& type, double step_m);

/// The type's flyout table: three_dof through flyout_table::build(kinematics,
/// envelope, options); average_speed through flyout_table::from_function, with
/// time of flight sqrt(r^2 + h^2) / speed and arrival speed = speed, on the
/// grid of average_speed_table_step_m(type, options).
flyout_table build_flyout_table(const interceptor_type& type, const flyout_options& options = {});

/// Throws std::invalid_argument naming the field and value when the type is
/// not usable: an empty name, invalid kinematics (per model) or envelope, an
/// average speed that is not finite and > 0 or below envelope.min_speed_mps,
/// a Pk outside [0, 1], an invalid kill model, or a negative cost.
void validate(const interceptor_type& type);

}  // namespace samsim
