// Radar range equation and coverage (radar.hpp).
#include <samsim/radar.hpp>
#include <samsim/units.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>

namespace samsim {
namespace {

[[noreturn]] void bad(std::string_view field, double value, std::string_view requirement) {
  throw std::invalid_argument(fmt::format("{} = {} must be {}", field, value, requirement));
}

void positive(std::string_view field, double value) {
  if (!(value > 0.0 && std::isfinite(value))) bad(field, value, "positive and finite");
}

void at_least_one(std::string_view field, double value) {
  if (!(value >= 1.0 && std::isfinite(value))) bad(field, value, ">= 1 and finite");
}

}  // namespace

void validate(const radar_parameters& radar) {
  positive("peak_power_w", radar.peak_power_w);
  positive("antenna_gain", radar.antenna_gain);
  positive("frequency_hz", radar.frequency_hz);
  at_least_one("noise_figure", radar.noise_figure);
  positive("bandwidth_hz", radar.bandwidth_hz);
  at_least_one("losses", radar.losses);
  if (radar.pulses_integrated < 1 || radar.pulses_integrated > 4096)
    bad("pulses_integrated", radar.pulses_integrated, "in [1, 4096]");
  if (!(radar.pfa > 0.0 && radar.pfa < 1.0)) bad("pfa", radar.pfa, "in (0, 1)");
  positive("scan_period_s", radar.scan_period_s);
  if (!(radar.antenna_height_m >= 0.0 && std::isfinite(radar.antenna_height_m)))
    bad("antenna_height_m", radar.antenna_height_m, ">= 0 and finite");
  positive("max_range_m", radar.max_range_m);
  const double half_pi = units::pi / 2.0;
  if (!(radar.min_elevation_rad >= -half_pi && radar.min_elevation_rad < half_pi))
    bad("min_elevation_rad", radar.min_elevation_rad, "in [-pi/2, pi/2)");
  if (!(radar.max_elevation_rad > radar.min_elevation_rad && radar.max_elevation_rad <= half_pi))
    bad("max_elevation_rad", radar.max_elevation_rad, "in (min_elevation_rad, pi/2]");
  if (radar.confirm_n < 1 || radar.confirm_n > 64) bad("confirm_n", radar.confirm_n, "in [1, 64]");
  if (radar.confirm_m < 1 || radar.confirm_m > radar.confirm_n)
    bad("confirm_m", radar.confirm_m, "in [1, confirm_n]");
  if (radar.max_tracks < 1) bad("max_tracks", radar.max_tracks, ">= 1");
}

double radar_snr_constant(const radar_parameters& radar) {
  const double lambda_m = units::wavelength_m(radar.frequency_hz);
  const double four_pi = 4.0 * units::pi;
  const double noise_w = units::boltzmann_jpk * units::noise_reference_temperature_k * radar.noise_figure *
                         radar.bandwidth_hz;
  return radar.peak_power_w * radar.antenna_gain * radar.antenna_gain * lambda_m * lambda_m /
         (four_pi * four_pi * four_pi * noise_w * radar.losses);
}

double snr_per_pulse(const radar_parameters& radar, double rcs_m2, double slant_range_m) {
  const double r2 = slant_range_m * slant_range_m;
  return radar_snr_constant(radar) * rcs_m2 / (r2 * r2);
}

double range_for_snr(const radar_parameters& radar, double rcs_m2, double snr) {
  return std::sqrt(std::sqrt(radar_snr_constant(radar) * rcs_m2 / snr));
}

double radar_horizon_m(double antenna_height_m, double target_height_m) {
  const double two_re = 2.0 * units::effective_earth_radius_m;
  return std::sqrt(two_re * std::max(antenna_height_m, 0.0)) + std::sqrt(two_re * std::max(target_height_m, 0.0));
}

bool in_coverage(const radar_parameters& radar, double ground_range_m, double target_height_m) {
  if (!(ground_range_m <= radar_horizon_m(radar.antenna_height_m, target_height_m))) return false;
  const look_geometry g = target_geometry(radar.antenna_height_m, ground_range_m, target_height_m);
  return g.slant_range_m <= radar.max_range_m && g.elevation_rad >= radar.min_elevation_rad &&
         g.elevation_rad <= radar.max_elevation_rad;
}

}  // namespace samsim
