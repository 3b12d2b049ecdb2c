// Tests of radar.hpp: the range equation, its inverse, parameter validation,
// the 4/3-earth horizon and the coverage test.
#include <samsim/radar.hpp>
#include <samsim/rng.hpp>
#include <samsim/units.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

using samsim::radar_parameters;

namespace {

radar_parameters example_radar() {
  radar_parameters r;
  r.peak_power_w = 1e6;
  r.antenna_gain = 1000.0;  // 30 dB
  r.frequency_hz = 3e9;
  r.noise_figure = 2.0;
  r.bandwidth_hz = 1e6;
  r.losses = 2.0;
  r.pulses_integrated = 10;
  r.pfa = 1e-6;
  r.scan_period_s = 4.0;
  r.antenna_height_m = 10.0;
  r.max_range_m = 300e3;
  r.min_elevation_rad = samsim::units::deg_to_rad(-1.0);
  r.max_elevation_rad = samsim::units::deg_to_rad(60.0);
  r.confirm_m = 2;
  r.confirm_n = 3;
  r.max_tracks = 8;
  return r;
}

}  // namespace

TEST_CASE("radar equation: hand-computed value", "[radar]") {
  // SNR = Pt G^2 lambda^2 sigma / ((4 pi)^3 R^4 k T0 F B L) with
  // Pt = 1e6 W, G = 1000, f = 3 GHz, F = 2, B = 1 MHz, L = 2, sigma = 1 m^2, R = 100 km:
  //   lambda      = 299792458 / 3e9           = 0.0999308193 m,  lambda^2 = 9.98616865e-3 m^2
  //   numerator   = 1e6 * 1e6 * 9.98616865e-3 = 9.98616865e9
  //   (4 pi)^3    = 1984.40171
  //   k T0        = 1.380649e-23 * 290        = 4.0038821e-21 W/Hz
  //   denominator = 1984.40171 * 1e20 * 4.0038821e-21 * 2 * 1e6 * 2 = 3.17812419e9
  //   SNR         = 9.98616865e9 / 3.17812419e9 = 3.14215810 (4.972 dB)
  const radar_parameters r = example_radar();
  CHECK(samsim::snr_per_pulse(r, 1.0, 100e3) == Approx(3.14215810).epsilon(1e-8));
  CHECK(samsim::radar_snr_constant(r) == Approx(3.14215810 * 1e20).epsilon(1e-8));
  // R^-4 law and linearity in sigma.
  CHECK(samsim::snr_per_pulse(r, 1.0, 200e3) == Approx(3.14215810 / 16.0).epsilon(1e-8));
  CHECK(samsim::snr_per_pulse(r, 5.0, 100e3) == Approx(5.0 * 3.14215810).epsilon(1e-8));
}

TEST_CASE("range_for_snr inverts snr_per_pulse", "[radar]") {
  const radar_parameters r = example_radar();
  for (double rcs : {0.01, 1.0, 100.0}) {
    for (double range_m : {1e3, 37e3, 250e3}) {
      const double snr = samsim::snr_per_pulse(r, rcs, range_m);
      CHECK(samsim::range_for_snr(r, rcs, snr) == Approx(range_m).epsilon(1e-12));
    }
  }
  // 1 m^2 gives SNR 3.14215810 at 100 km (hand computation above), so SNR 1 is at 100 km * 3.14215810^(1/4).
  CHECK(samsim::range_for_snr(r, 1.0, 1.0) == Approx(100e3 * std::pow(3.14215810, 0.25)).epsilon(1e-8));
}

TEST_CASE("validate accepts good parameters and names the bad field and value", "[radar]") {
  CHECK_NOTHROW(samsim::validate(example_radar()));
  auto r = example_radar();
  r.pfa = 2.0;
  CHECK_THROWS_WITH(samsim::validate(r), "pfa = 2 must be in (0, 1)");
  r = example_radar();
  r.pfa = 0.0;
  CHECK_THROWS_AS(samsim::validate(r), std::invalid_argument);
  r = example_radar();
  r.peak_power_w = -5.0;
  CHECK_THROWS_WITH(samsim::validate(r), Catch::StartsWith("peak_power_w = -5"));
  r = example_radar();
  r.antenna_gain = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(samsim::validate(r), Catch::StartsWith("antenna_gain = nan"));
  r = example_radar();
  r.frequency_hz = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(samsim::validate(r), Catch::StartsWith("frequency_hz = inf"));
  r = example_radar();
  r.noise_figure = 0.5;  // a linear noise figure below 1 is impossible (likely dB confusion)
  CHECK_THROWS_WITH(samsim::validate(r), Catch::StartsWith("noise_figure = 0.5"));
  r = example_radar();
  r.losses = 0.0;
  CHECK_THROWS_WITH(samsim::validate(r), Catch::StartsWith("losses = 0"));
  r = example_radar();
  r.pulses_integrated = 0;
  CHECK_THROWS_WITH(samsim::validate(r), Catch::StartsWith("pulses_integrated = 0"));
  r = example_radar();
  r.max_elevation_rad = r.min_elevation_rad;
  CHECK_THROWS_WITH(samsim::validate(r), Catch::StartsWith("max_elevation_rad"));
  r = example_radar();
  r.confirm_m = 4;  // more than confirm_n = 3
  CHECK_THROWS_WITH(samsim::validate(r), Catch::StartsWith("confirm_m = 4"));
  r = example_radar();
  r.confirm_n = 65;
  CHECK_THROWS_WITH(samsim::validate(r), Catch::StartsWith("confirm_n = 65"));
  r = example_radar();
  r.max_tracks = 0;
  CHECK_THROWS_WITH(samsim::validate(r), Catch::StartsWith("max_tracks = 0"));
  r = example_radar();
  r.scan_period_s = 0.0;
  CHECK_THROWS_WITH(samsim::validate(r), Catch::StartsWith("scan_period_s = 0"));
  r = example_radar();
  r.antenna_height_m = -1.0;
  CHECK_THROWS_WITH(samsim::validate(r), Catch::StartsWith("antenna_height_m = -1"));
}

TEST_CASE("radar horizon on the 4/3 earth", "[radar]") {
  // Formula (docs/model.md section 4): d = sqrt(2 Re ha) + sqrt(2 Re ht), with
  // the effective radius Re = 4/3 x 6371 km, written out here rather than taken
  // from units.hpp. 1e-6 relative tells Re = 6371 km from 6378 km (5.5e-4 apart).
  const double mean_earth_radius_m = 6371e3;
  const double refraction_factor = 4.0 / 3.0;
  const double re_m = refraction_factor * mean_earth_radius_m;
  const auto horizon_m = [re_m](double ha_m, double ht_m) { return std::sqrt(2 * re_m * ha_m) + std::sqrt(2 * re_m * ht_m); };
  const std::pair<double, double> heights_m[] = {{10.0, 30.0}, {10.0, 0.0}, {0.0, 30.0}, {25.0, 10000.0}, {3.5, 18000.0}};
  for (const auto& [ha_m, ht_m] : heights_m) {
    INFO("antenna " << ha_m << " m, target " << ht_m << " m");
    CHECK(samsim::radar_horizon_m(ha_m, ht_m) == Approx(horizon_m(ha_m, ht_m)).epsilon(1e-6));
  }
  // Source: tests/data/VALIDATION.md: antenna 10 m, target 30 m:
  // 13.034 km + 22.576 km = 35.610 km, given to the metre.
  CHECK(samsim::radar_horizon_m(10.0, 30.0) == Approx(35610.0).margin(0.5));
  CHECK(samsim::radar_horizon_m(10.0, 0.0) == Approx(13034.0).margin(0.5));
  CHECK(samsim::radar_horizon_m(0.0, 30.0) == Approx(22576.0).margin(0.5));
  // Heights below 0 count as 0.
  CHECK(samsim::radar_horizon_m(10.0, -50.0) == samsim::radar_horizon_m(10.0, 0.0));
  CHECK(samsim::radar_horizon_m(0.0, 0.0) == 0.0);
}

TEST_CASE("target geometry is flat: slant range and elevation", "[radar]") {
  // A 3-4-5 triangle: antenna at 0 m, target 4 km out at 3 km.
  const auto g = samsim::target_geometry(0.0, 4000.0, 3000.0);
  CHECK(g.slant_range_m == Approx(5000.0).epsilon(1e-12));
  CHECK(g.elevation_rad == Approx(std::atan(0.75)).epsilon(1e-12));
  // Below the antenna: negative elevation.
  const auto low = samsim::target_geometry(100.0, 1000.0, 0.0);
  CHECK(low.elevation_rad == Approx(-std::atan(0.1)).epsilon(1e-12));
  CHECK(low.slant_range_m == Approx(std::sqrt(1000.0 * 1000.0 + 100.0 * 100.0)).epsilon(1e-12));
}

TEST_CASE("in_coverage combines horizon, instrumented range and elevation limits", "[radar]") {
  radar_parameters r = example_radar();  // antenna 10 m, max range 300 km, elevation -1..60 deg
  // Target at 30 m: horizon 35.610 km (tests/data/VALIDATION.md).
  CHECK(samsim::in_coverage(r, 35000.0, 30.0));
  CHECK_FALSE(samsim::in_coverage(r, 36200.0, 30.0));  // beyond the horizon, well inside 300 km
  // A high target beyond the instrumented range but above the horizon.
  CHECK(samsim::radar_horizon_m(10.0, 20000.0) > 310e3);
  CHECK(samsim::in_coverage(r, 290e3, 10000.0));
  CHECK_FALSE(samsim::in_coverage(r, 305e3, 10000.0));
  // Slant range, not ground range, is limited: ground 299 km at 30 km height is slant > 300 km.
  CHECK_FALSE(samsim::in_coverage(r, 299e3, 30000.0));
  // Above the maximum elevation (60 deg): almost overhead.
  CHECK_FALSE(samsim::in_coverage(r, 1000.0, 5000.0));
  CHECK(samsim::in_coverage(r, 5000.0, 5000.0));  // 45 deg
  // Below the minimum elevation: raise it to +1 deg; a target at antenna height is at 0 deg.
  r.min_elevation_rad = samsim::units::deg_to_rad(1.0);
  CHECK_FALSE(samsim::in_coverage(r, 10000.0, 10.0));
  CHECK(samsim::in_coverage(r, 10000.0, 400.0));  // atan(390 / 10000) = 2.2 deg
}

TEST_CASE("coverage_checker agrees with in_coverage", "[radar]") {
  // The fast test is in_coverage() rearranged (tangent of elevation, squared
  // range); on random points off the boundaries both must give the same answer.
  samsim::radar_parameters r;
  r.antenna_height_m = 25.0;
  r.max_range_m = 300e3;
  r.min_elevation_rad = samsim::units::deg_to_rad(-1.0);
  r.max_elevation_rad = samsim::units::deg_to_rad(85.0);
  const samsim::coverage_checker fast(r);
  samsim::random_stream s(12u, samsim::stream_id::user, 0u);
  int agree = 0, visible = 0;
  const int n = 200000;
  for (int k = 0; k < n; ++k) {
    const double d = 400e3 * s.uniform();
    const double h = -100.0 + 120e3 * s.uniform() * s.uniform();
    const bool a = samsim::in_coverage(r, d, h);
    agree += a == fast(d, h);
    visible += a;
  }
  CHECK(agree == n);
  CHECK(visible > n / 10);  // the sample exercises both answers
  CHECK(fast(0.0, 1000.0) == samsim::in_coverage(r, 0.0, 1000.0));  // straight up: 90 deg > 85 deg limit
}
