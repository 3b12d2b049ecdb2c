#pragma once
/// \file radar.hpp
/// Radar parameters, the monostatic radar range equation, and coverage
/// (4/3-earth line of sight, instrumented range, elevation limits).
/// All quantities SI and linear; dB values are converted at the scenario edge.

#include <samsim/units.hpp>

#include <algorithm>
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

/// The in_coverage() test with everything that does not depend on the target
/// precomputed, for the look loop: one square root per call, no atan2.
/// Agrees with in_coverage() (elevation compared through its tangent, valid
/// for limits strictly inside (-90, 90) degrees; 90 is handled exactly).
class coverage_checker {
 public:
  explicit coverage_checker(const radar_parameters& radar)
      : antenna_height_m_(radar.antenna_height_m),
        antenna_horizon_m_(std::sqrt(2.0 * units::effective_earth_radius_m * std::max(0.0, radar.antenna_height_m))),
        max_range2_m2_(radar.max_range_m * radar.max_range_m),
        min_elevation_rad_(radar.min_elevation_rad),
        max_elevation_rad_(radar.max_elevation_rad),
        tan_min_(std::tan(radar.min_elevation_rad)),
        tan_max_(std::tan(radar.max_elevation_rad)) {}

  bool operator()(double ground_range_m, double target_height_m) const noexcept {
    return within(ground_range_m, target_height_m, horizon_m(target_height_m));
  }

  /// The antenna's share of the horizon: radar_horizon_m(antenna height, 0).
  double antenna_horizon_m() const noexcept { return antenna_horizon_m_; }

  /// Radar horizon for a target at this height: the largest ground range at
  /// which the 4/3-earth line of sight clears the ground.
  double horizon_m(double target_height_m) const noexcept {
    return antenna_horizon_m_ + std::sqrt(2.0 * units::effective_earth_radius_m * std::max(0.0, target_height_m));
  }

  /// operator() with the horizon for this height already computed
  /// (horizon_m(target_height_m)): a look loop at constant height computes it once.
  bool within(double ground_range_m, double target_height_m, double horizon_m) const noexcept {
    if (!(ground_range_m <= horizon_m)) return false;
    const double dh = target_height_m - antenna_height_m_;
    if (ground_range_m * ground_range_m + dh * dh > max_range2_m2_) return false;
    if (ground_range_m <= 0.0) {  // straight above or below: elevation +-90 deg (0 when level)
      const double el = dh > 0.0 ? units::pi / 2 : (dh < 0.0 ? -units::pi / 2 : 0.0);
      return el >= min_elevation_rad_ && el <= max_elevation_rad_;
    }
    // atan2(dh, d) in [min, max] <=> dh in [d tan(min), d tan(max)] for d > 0 and limits in (-90, 90) deg.
    const bool above_min = min_elevation_rad_ <= -units::pi / 2 || dh >= ground_range_m * tan_min_;
    const bool below_max = max_elevation_rad_ >= units::pi / 2 || dh <= ground_range_m * tan_max_;
    return above_min && below_max;
  }

 private:
  double antenna_height_m_;
  double antenna_horizon_m_;
  double max_range2_m2_;
  double min_elevation_rad_;
  double max_elevation_rad_;
  double tan_min_;
  double tan_max_;
};

}  // namespace samsim
