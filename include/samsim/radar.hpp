#pragma once
/// \file radar.hpp
/// Radar parameters, the monostatic radar range equation, and coverage
/// (4/3-earth line of sight, instrumented range, elevation limits).
/// All quantities SI and linear; dB values are converted at the scenario edge.

#include <cmath>

namespace samsim {

/// Swerling target fluctuation model (0 = non-fluctuating).
enum class swerling_case : int { sw0 = 0, sw1 = 1, sw2 = 2, sw3 = 3, sw4 = 4 };

/// One search radar. Gains and losses are linear power ratios.
struct radar_parameters {
  double peak_power_w = 0.0;
  double antenna_gain = 0.0;       ///< linear (not dB)
  double frequency_hz = 0.0;
  double noise_figure = 0.0;       ///< linear (not dB), >= 1
  double bandwidth_hz = 0.0;
  double losses = 0.0;             ///< linear (not dB), >= 1
  int pulses_integrated = 1;       ///< N, noncoherently integrated per look
  double pfa = 1e-6;               ///< false-alarm probability per detection cell
  double scan_period_s = 0.0;      ///< time between looks at a target
  double antenna_height_m = 0.0;   ///< above local ground
  double max_range_m = 0.0;        ///< instrumented range (slant)
  double min_elevation_rad = 0.0;
  double max_elevation_rad = 0.0;
  int confirm_m = 1;               ///< M of M-of-N track confirmation
  int confirm_n = 1;               ///< N of M-of-N track confirmation
  int max_tracks = 1;              ///< track slots
};

/// Throws std::invalid_argument naming the first bad field and its value,
/// e.g. "pfa = 2 must be in (0, 1)".
void validate(const radar_parameters& radar);

/// C such that the per-pulse SNR is C sigma / R^4 [m^-2 * m^4]:
/// C = Pt G^2 lambda^2 / ((4 pi)^3 k T0 F B L), T0 = 290 K.
double radar_snr_constant(const radar_parameters& radar);

/// Per-pulse SNR (linear) of a target of RCS `rcs_m2` at slant range `slant_range_m` (> 0).
double snr_per_pulse(const radar_parameters& radar, double rcs_m2, double slant_range_m);

/// Slant range [m] at which a target of RCS `rcs_m2` gives per-pulse SNR `snr` (linear, > 0).
double range_for_snr(const radar_parameters& radar, double rcs_m2, double snr);

/// 4/3-earth radar horizon [m] of ground range: sqrt(2 Re ha) + sqrt(2 Re ht),
/// heights below 0 taken as 0.
double radar_horizon_m(double antenna_height_m, double target_height_m);

/// Flat-geometry slant range and elevation from the antenna to a target.
struct look_geometry {
  double slant_range_m = 0.0;
  double elevation_rad = 0.0;
};

/// slant = sqrt(d^2 + (ht - ha)^2), elevation = atan2(ht - ha, d).
inline look_geometry target_geometry(double antenna_height_m, double ground_range_m, double target_height_m) {
  const double dh = target_height_m - antenna_height_m;
  return {std::hypot(ground_range_m, dh), std::atan2(dh, ground_range_m)};
}

/// True iff the target is within the horizon, the instrumented (slant) range
/// and the elevation limits.
bool in_coverage(const radar_parameters& radar, double ground_range_m, double target_height_m);

}  // namespace samsim
