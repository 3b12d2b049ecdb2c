// Tests of atmosphere.hpp against U.S. Standard Atmosphere 1976 (NOAA/NASA/USAF,
// Washington 1976), Table I "Geometric altitude, metric units" (temperature,
// pressure, density, speed of sound; 5 significant figures in the table).
#include <samsim/atmosphere.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using samsim::us_standard_atmosphere_1976;

TEST_CASE("USSA 1976 matches Table I at tabulated geometric heights", "[atmosphere]") {
  struct row {
    double z_m, t_k, p_pa, rho_kgpm3, a_mps;
  };
  // U.S. Standard Atmosphere 1976, Table I (geometric altitude, metric units).
  const row table_i[] = {
      {0.0, 288.150, 1.01325e5, 1.2250e0, 340.29},      {5000.0, 255.676, 5.4048e4, 7.3643e-1, 320.55},
      {10000.0, 223.252, 2.6500e4, 4.1351e-1, 299.53},  {20000.0, 216.650, 5.5293e3, 8.8910e-2, 295.07},
      {30000.0, 226.509, 1.1970e3, 1.8410e-2, 301.71},  {40000.0, 250.350, 2.8714e2, 3.9957e-3, 317.19},
      {50000.0, 270.650, 7.9779e1, 1.0269e-3, 329.80},  {60000.0, 247.021, 2.1958e1, 3.0968e-4, 315.07},
      {70000.0, 219.585, 5.2209e0, 8.2829e-5, 297.06},  {80000.0, 198.639, 1.0524e0, 1.8458e-5, 282.54},
  };
  for (const row& r : table_i) {
    INFO("z = " << r.z_m << " m");
    const auto s = us_standard_atmosphere_1976(r.z_m);
    // 5 significant figures: half a unit in the last place is <= 5e-5 relative
    // at the worst (leading digit 1); 1.5e-4 allows for the table's own rounding.
    CHECK(s.temperature_k == Approx(r.t_k).epsilon(2e-5));
    CHECK(s.pressure_pa == Approx(r.p_pa).epsilon(1.5e-4));
    CHECK(s.density_kgpm3 == Approx(r.rho_kgpm3).epsilon(1.5e-4));
    CHECK(s.speed_of_sound_mps == Approx(r.a_mps).epsilon(5e-5));
  }
}

TEST_CASE("USSA 1976 layer bases: 11 km geopotential is the tropopause at 216.65 K", "[atmosphere]") {
  // USSA 1976 Table 4: H = 11 km', T = 216.65 K, P = 22632.06 Pa. Geometric z = r0 H / (r0 - H).
  const double r0_m = 6356766.0;
  const double z_m = r0_m * 11000.0 / (r0_m - 11000.0);
  CHECK(samsim::geopotential_height_m(z_m) == Approx(11000.0).epsilon(1e-12));
  const auto s = us_standard_atmosphere_1976(z_m);
  CHECK(s.temperature_k == Approx(216.65).epsilon(1e-9));
  CHECK(s.pressure_pa == Approx(22632.06).epsilon(1e-6));
  // Continuity across every layer base (a wrong base pressure would jump).
  for (double base_h_m : {11000.0, 20000.0, 32000.0, 47000.0, 51000.0, 71000.0}) {
    const double zb = r0_m * base_h_m / (r0_m - base_h_m);
    const auto below = us_standard_atmosphere_1976(zb - 1e-3);
    const auto above = us_standard_atmosphere_1976(zb + 1e-3);
    INFO("layer base " << base_h_m << " m geopotential");
    CHECK(above.pressure_pa == Approx(below.pressure_pa).epsilon(1e-6));
    CHECK(above.temperature_k == Approx(below.temperature_k).epsilon(1e-6));
  }
}

TEST_CASE("USSA 1976 density falls monotonically and is zero above 86 km", "[atmosphere]") {
  double previous = us_standard_atmosphere_1976(0.0).density_kgpm3;
  for (double z = 500.0; z <= 86000.0; z += 500.0) {
    const double rho = us_standard_atmosphere_1976(z).density_kgpm3;
    REQUIRE(rho < previous);
    REQUIRE(rho > 0.0);
    previous = rho;
  }
  CHECK(us_standard_atmosphere_1976(86000.5).density_kgpm3 == 0.0);
  CHECK(us_standard_atmosphere_1976(200000.0).pressure_pa == 0.0);
  CHECK(us_standard_atmosphere_1976(200000.0).speed_of_sound_mps > 0.0);
  CHECK(std::isnan(us_standard_atmosphere_1976(std::nan("")).density_kgpm3));
  // Below sea level the first layer continues (Table I lists -5 km: 320.676 K).
  CHECK(us_standard_atmosphere_1976(-5000.0).temperature_k == Approx(320.676).epsilon(2e-5));
}
