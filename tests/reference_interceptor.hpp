#pragma once
// The interceptor and envelope of examples/scenarios/reference-raid.json, in
// code, for the interceptor tests and benchmarks (one copy of the numbers).

#include <samsim/interceptor.hpp>

namespace reference {

inline samsim::interceptor_kinematics interceptor() {
  samsim::interceptor_kinematics k;
  k.launch_mass_kg = 1800.0;
  k.specific_impulse_s = 250.0;
  k.phases = {{250000.0, 6.0}, {40000.0, 15.0}};
  k.reference_area_m2 = 0.16;
  k.cd_vs_mach = {{0.0, 0.3}, {0.9, 0.35}, {1.2, 0.55}, {2.0, 0.45}, {4.0, 0.32}, {8.0, 0.25}};
  k.max_lateral_accel_mps2 = 300.0;
  k.navigation_ratio = 4.0;
  return k;
}

inline const samsim::envelope_limits limits{3000.0, 250000.0, 10.0, 30000.0, 400.0};

}  // namespace reference
