#pragma once
/// \file units.hpp
/// SI constants and the only conversions between decibels, degrees and SI.
/// Everything inside samsim is SI (m, s, rad, W, Hz, m^2, kg); dB and degrees
/// appear only at the edges (scenario files, command line) and pass through here.

#include <cmath>
#include <numbers>

namespace samsim::units {

inline constexpr double pi = std::numbers::pi;
/// Speed of light in vacuum [m/s] (exact, SI 2019).
inline constexpr double speed_of_light_mps = 299792458.0;
/// Boltzmann constant [J/K] (exact, SI 2019).
inline constexpr double boltzmann_jpk = 1.380649e-23;
/// Standard noise reference temperature T0 [K] (IEEE Std 145).
inline constexpr double noise_reference_temperature_k = 290.0;
/// Mean earth radius [m].
inline constexpr double earth_radius_m = 6371000.0;
/// Effective earth radius factor for standard refraction.
inline constexpr double effective_earth_factor = 4.0 / 3.0;
/// 4/3 effective earth radius [m].
inline constexpr double effective_earth_radius_m = effective_earth_factor * earth_radius_m;
/// Standard gravity [m/s^2] (exact, CGPM 1901).
inline constexpr double standard_gravity_mps2 = 9.80665;

/// Power ratio in decibels to linear: 10^(dB/10).
inline double db_to_linear(double value_db) { return std::pow(10.0, value_db / 10.0); }
/// Linear power ratio to decibels: 10 log10(x).
inline double linear_to_db(double value_linear) { return 10.0 * std::log10(value_linear); }

inline constexpr double deg_to_rad(double angle_deg) { return angle_deg * (pi / 180.0); }
inline constexpr double rad_to_deg(double angle_rad) { return angle_rad * (180.0 / pi); }

/// Wavelength [m] of a carrier at frequency_hz.
inline constexpr double wavelength_m(double frequency_hz) { return speed_of_light_mps / frequency_hz; }

}  // namespace samsim::units
