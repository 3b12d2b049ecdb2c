// U.S. Standard Atmosphere 1976, layers 0..7 (geopotential 0..84.852 km).
#include <samsim/atmosphere.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace samsim {
namespace {

// USSA 1976 constants (section 1.2 and Table 4).
constexpr double earth_radius_ussa_m = 6356766.0;
constexpr double g0_mps2 = 9.80665;
constexpr double gas_constant_jpkmolk = 8.31432;   // R* (USSA 1976 value, not CODATA)
constexpr double molar_mass_kgpkmol = 28.9644;     // M0
constexpr double specific_gas_constant = gas_constant_jpkmolk * 1000.0 / molar_mass_kgpkmol;
constexpr double gamma_air = 1.4;
constexpr double top_geometric_m = 86000.0;

struct layer {
  double base_geopotential_m;
  double base_temperature_k;
  double lapse_kpm;
  double base_pressure_pa;
};

// Base pressures follow from integrating the hydrostatic equation from 101325 Pa
// with the layer lapse rates (USSA 1976 Table 4 gives the same values).
constexpr std::array<layer, 7> layers{{
    {0.0, 288.15, -0.0065, 101325.0},
    {11000.0, 216.65, 0.0, 22632.06},
    {20000.0, 216.65, 0.001, 5474.889},
    {32000.0, 228.65, 0.0028, 868.0187},
    {47000.0, 270.65, 0.0, 110.9063},
    {51000.0, 270.65, -0.0028, 66.93887},
    {71000.0, 214.65, -0.002, 3.956420},
}};

}  // namespace

double geopotential_height_m(double geometric_height_m) noexcept {
  return earth_radius_ussa_m * geometric_height_m / (earth_radius_ussa_m + geometric_height_m);
}

atmosphere_state us_standard_atmosphere_1976(double geometric_height_m) noexcept {
  if (std::isnan(geometric_height_m)) {
    const double nan = std::nan("");
    return {nan, nan, nan, nan};
  }
  const double z_m = std::min(std::max(geometric_height_m, -5000.0), top_geometric_m);
  const double h_m = geopotential_height_m(z_m);
  std::size_t i = layers.size() - 1;
  while (i > 0 && h_m < layers[i].base_geopotential_m) --i;
  const layer& l = layers[i];
  const double dh_m = h_m - l.base_geopotential_m;
  const double temperature_k = l.base_temperature_k + l.lapse_kpm * dh_m;
  const double gmr = g0_mps2 / specific_gas_constant;  // g0 M0 / R*
  double pressure_pa = 0.0;
  if (l.lapse_kpm == 0.0) {
    pressure_pa = l.base_pressure_pa * std::exp(-gmr * dh_m / l.base_temperature_k);
  } else {
    pressure_pa = l.base_pressure_pa * std::pow(l.base_temperature_k / temperature_k, gmr / l.lapse_kpm);
  }
  atmosphere_state s;
  s.temperature_k = temperature_k;
  s.speed_of_sound_mps = std::sqrt(gamma_air * specific_gas_constant * temperature_k);
  if (geometric_height_m > top_geometric_m) return s;  // pressure and density 0 above 86 km
  s.pressure_pa = pressure_pa;
  s.density_kgpm3 = pressure_pa / (specific_gas_constant * temperature_k);
  return s;
}

}  // namespace samsim
