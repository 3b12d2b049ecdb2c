#pragma once
/// \file atmosphere.hpp
/// U.S. Standard Atmosphere 1976 (NOAA/NASA/USAF), the seven geopotential
/// layers from 0 to 84.852 km geopotential (86 km geometric). Above 86 km the
/// model returns zero pressure and density (the interceptor never flies there
/// aerodynamically: dynamic pressure at 86 km is below 1e-5 of sea level).

namespace samsim {

/// Atmospheric state at one height. SI units.
struct atmosphere_state {
  double temperature_k = 0.0;
  double pressure_pa = 0.0;
  double density_kgpm3 = 0.0;
  double speed_of_sound_mps = 0.0;
};

/// Geopotential height H = r0 z / (r0 + z), r0 = 6356.766 km (USSA 1976 eq. 18).
double geopotential_height_m(double geometric_height_m) noexcept;

/// USSA 1976 at a geometric height. Heights below -5 km are clamped to -5 km
/// (the standard's lower limit, first layer extended); above 86 km, temperature
/// stays at the 86 km value and pressure and density are 0. NaN gives NaN.
/// Temperature is the molecular-scale temperature, equal to the kinetic
/// temperature below 80 km (USSA 1976 section 1.2.5).
atmosphere_state us_standard_atmosphere_1976(double geometric_height_m) noexcept;

}  // namespace samsim
