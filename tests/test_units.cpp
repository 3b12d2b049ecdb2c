// Tests of units.hpp against exact definitions.
#include <samsim/units.hpp>

#include <catch2/catch.hpp>

using namespace samsim::units;

TEST_CASE("decibel conversions are inverse and exact at decades", "[units]") {
  CHECK(db_to_linear(0.0) == 1.0);
  CHECK(db_to_linear(10.0) == Approx(10.0).epsilon(1e-15));
  CHECK(db_to_linear(-30.0) == Approx(1e-3).epsilon(1e-15));
  CHECK(db_to_linear(3.0) == Approx(1.9952623149688795).epsilon(1e-15));  // 10^0.3
  for (double x : {1e-9, 0.5, 3.7, 1e6}) CHECK(db_to_linear(linear_to_db(x)) == Approx(x).epsilon(1e-14));
}

TEST_CASE("angle conversions and physical constants", "[units]") {
  CHECK(deg_to_rad(180.0) == Approx(pi));
  CHECK(rad_to_deg(pi / 2) == Approx(90.0));
  // 4/3 earth: 4/3 x 6371 km (docs/model.md, radar horizon).
  CHECK(effective_earth_radius_m == Approx(8494666.6666667));
  // 3 GHz carrier: lambda = c / f = 0.0999308 m.
  CHECK(wavelength_m(3e9) == Approx(0.0999308193).epsilon(1e-9));
  CHECK(boltzmann_jpk * noise_reference_temperature_k == Approx(4.0038821e-21).epsilon(1e-7));
}
