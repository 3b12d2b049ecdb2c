#pragma once
// Shared by the engine's oracle tests (test_engagement.cpp, test_defended_area.cpp) and test_sensor.cpp:
// a radar that detects their targets with Pd = 1 in practice, a 4-sigma
// proportion check, and a trial's timeline.

#include <samsim/engagement.hpp>
#include <samsim/radar.hpp>
#include <samsim/units.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

namespace engagement_oracles {

/// A radar that sees 1e4 m^2 targets at ~80 dB SNR (Pd = 1 in practice) out
/// to the 4/3-earth horizon (~143 km for a 1 km high target and its 10 m
/// antenna), confirms on the first detection (1-of-1) and holds 1000 tracks.
inline samsim::radar_parameters pd_one_radar() {
  samsim::radar_parameters r;
  r.peak_power_w = 1e6;
  r.antenna_gain = samsim::units::db_to_linear(40.0);
  r.frequency_hz = 3e9;
  r.noise_figure = 1.0;
  r.bandwidth_hz = 1e6;
  r.losses = 1.0;
  r.pulses_integrated = 10;
  r.pfa = 1e-6;
  r.scan_period_s = 2.0;
  r.antenna_height_m = 10.0;
  r.max_range_m = 1e6;
  r.min_elevation_rad = samsim::units::deg_to_rad(-5.0);
  r.max_elevation_rad = samsim::units::deg_to_rad(89.0);
  r.confirm_m = 1;
  r.confirm_n = 1;
  r.max_tracks = 1000;
  return r;
}

/// k of n within 4 binomial standard errors of p (two-sided false-failure rate 6.3e-5).
inline void check_proportion(std::uint64_t k, std::uint64_t n, double p) {
  const double se = std::sqrt(p * (1.0 - p) / static_cast<double>(n));
  const double observed = static_cast<double>(k) / static_cast<double>(n);
  INFO("observed " << k << "/" << n << " = " << observed << ", expected p = " << p);
  CHECK(std::abs(observed - p) <= 4.0 * se);
}

/// Trial `trial`'s timeline; its result in *result when given.
inline std::vector<samsim::trace_event> trace_of(const samsim::engagement_model& m, std::uint64_t seed,
                                                 std::uint64_t trial, samsim::trial_workspace& ws,
                                                 samsim::trial_result* result = nullptr) {
  std::vector<samsim::trace_event> events;
  const samsim::trial_result r = samsim::run_trial(m, seed, trial, ws, &events);
  if (result) *result = r;
  return events;
}

}  // namespace engagement_oracles
