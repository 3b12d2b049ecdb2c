#pragma once
/// \file sensor.hpp
/// One battery's radar against the scenario's threat classes: what is fixed
/// per scenario (coverage, SNR constant per class, which Pd table to read),
/// and the look-by-look detection of one threat up to its M-of-N
/// confirmation (docs/model.md, radar detection and tracking). Pure: no
/// threads, no I/O; the random draws come from the stream the caller passes.

#include <samsim/detection.hpp>
#include <samsim/radar.hpp>
#include <samsim/rng.hpp>
#include <samsim/threat.hpp>
#include <samsim/tracking.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace samsim {

class sensor_model {
 public:
  /// What the look loop needs of one class.
  struct class_data {
    double snr_per_r4 = 0.0;  ///< per-pulse SNR x R^4 [m^4]: radar constant x mean RCS
    int pd_table_index = 0;   ///< into the table list passed at construction
  };

  /// Builds the per-class data of `radar` at `position_en_m`. Pd tables are
  /// shared: a (Swerling case, pulses, Pfa) already in `tables` is reused,
  /// any other is built and appended.
  sensor_model(const radar_parameters& radar, const Eigen::Vector2d& position_en_m,
               const std::vector<threat_class>& classes, std::vector<pd_table>& tables);

  const radar_parameters& radar() const { return radar_; }
  const coverage_checker& coverage() const { return coverage_; }
  const class_data& of_class(int k) const { return classes_[static_cast<std::size_t>(k)]; }
  /// Antenna position, scenario ENU [m] (height: the antenna height).
  const Eigen::Vector3d& antenna_enu_m() const { return antenna_enu_m_; }
  /// Ground position, scenario ENU [m] (height 0): positions relative to the battery.
  const Eigen::Vector3d& site_enu_m() const { return site_enu_m_; }

  /// What may_see needs of one threat, whichever the radar: a defended area
  /// tests every radar against every threat, so this is computed once per
  /// threat (reach_of) and the test per radar needs no square root.
  struct threat_reach {
    Eigen::Vector2d launch_en_m;          ///< ground position at launch, scenario ENU [m]
    double launch_time_s = 0.0;
    double target_horizon_m = 0.0;        ///< the target's share of the radar horizon at its top height [m]
    double max_ground_speed_mps = 0.0;
  };
  static threat_reach reach_of(const threat_trajectory& traj) {
    const Eigen::Vector3d p = traj.position_enu_m(traj.launch_time_s());
    return {Eigen::Vector2d(p.x(), p.y()), traj.launch_time_s(), radar_horizon_m(0.0, traj.max_height_m()),
            traj.max_ground_speed_mps()};
  }

  /// Whether some look in [from_s, until_s) may see the threat: false when it
  /// stays beyond the radar's reach (the horizon for its top height, or the
  /// maximum range) the whole time, its ground distance from the radar
  /// falling at most at its top ground speed from launch on. confirm_time_s
  /// then returns +infinity without a draw, so a caller may skip it (and the
  /// random stream it would have set up).
  bool may_see(const threat_reach& t, double from_s, double until_s) const {
    if (!(until_s > from_s)) return false;
    // The same sum radar_horizon_m(antenna, top height) makes.
    const double reach_m = std::min(coverage_.antenna_horizon_m() + t.target_horizon_m, radar_.max_range_m);
    // Distance at launch less the most it can shrink by until_s, compared
    // squared (both sides >= 0), with a margin far above the rounding.
    const double far_m = (reach_m + t.max_ground_speed_mps * (until_s - t.launch_time_s)) * (1.0 + 1e-9) + 1e-3;
    const double dx = t.launch_en_m.x() - site_enu_m_.x(), dy = t.launch_en_m.y() - site_enu_m_.y();
    return !(dx * dx + dy * dy > far_m * far_m);
  }
  bool may_see(const threat_trajectory& traj, double from_s, double until_s) const {
    return may_see(reach_of(traj), from_s, until_s);
  }

  /// Looks at a threat at phase_s + k x scan period for every look in
  /// [from_s, until_s), each visible look detecting it with the Pd of its SNR
  /// (one uniform of `draws` per visible look), until M-of-N confirmation.
  /// Calls on_detection(time_s, pd) for every detection. Returns the
  /// confirmation time, or +infinity.
  template <class OnDetection>
  double confirm_time_s(const threat_trajectory& traj, int class_index, const pd_table& pd, double phase_s,
                        double from_s, double until_s, random_stream& draws, OnDetection&& on_detection) const {
    return confirm_time_by(traj, class_index, pd, phase_s, from_s, until_s,
                           [&draws](double pd_value) { return draws.uniform() < pd_value; }, on_detection);
  }

  /// The same look loop with each visible look decided by detects(pd) (true:
  /// detected), which makes the look's draw: importance sampling decides the
  /// looks under a biased Pd (rare_event.hpp).
  template <class Detects, class OnDetection>
  double confirm_time_by(const threat_trajectory& traj, int class_index, const pd_table& pd, double phase_s,
                         double from_s, double until_s, Detects&& detects, OnDetection&& on_detection) const;

 private:
  radar_parameters radar_;
  coverage_checker coverage_;
  std::vector<class_data> classes_;
  Eigen::Vector3d antenna_enu_m_;
  Eigen::Vector3d site_enu_m_;
};

template <class Detects, class OnDetection>
double sensor_model::confirm_time_by(const threat_trajectory& traj, int class_index, const pd_table& pd,
                                     double phase_s, double from_s, double until_s, Detects&& detects,
                                     OnDetection&& on_detection) const {
  const double period_s = radar_.scan_period_s;
  const double ha = radar_.antenna_height_m;
  const class_data& cls = of_class(class_index);
  // No look can see the threat beyond this ground distance from the radar.
  const double reach_m = std::min(radar_horizon_m(ha, traj.max_height_m()), radar_.max_range_m);
  const double speed_mps = std::max(traj.max_ground_speed_mps(), 1e-9);
  m_of_n_window window(radar_.confirm_m, radar_.confirm_n);
  double horizon_height_m = std::numeric_limits<double>::quiet_NaN(), horizon_m = 0.0;
  double k = std::ceil((from_s - phase_s) / period_s);
  for (double t = phase_s + k * period_s; t < until_s; t = phase_s + k * period_s) {
    const Eigen::Vector3d p = traj.position_enu_m(t) - site_enu_m_;
    const double d_m = std::sqrt(p.x() * p.x() + p.y() * p.y());
    if (d_m > reach_m) {
      // Ground distance falls at most at the ground speed: skip looks that cannot see it.
      k += std::max(1.0, std::floor((d_m - reach_m) / speed_mps / period_s));
      continue;
    }
    k += 1.0;
    if (p.z() != horizon_height_m) {  // most threats fly level: one square root per threat
      horizon_height_m = p.z();
      horizon_m = coverage_.horizon_m(horizon_height_m);
    }
    if (!coverage_.within(d_m, p.z(), horizon_m)) continue;  // hidden looks neither count nor break the window
    const double dz = p.z() - ha;
    const double r2 = d_m * d_m + dz * dz;
    const double snr = cls.snr_per_r4 / (r2 * r2);
    const double pd_value = pd(snr);
    const bool detected = detects(pd_value);
    if (detected) on_detection(t, pd_value);
    if (window.record_look(detected)) return t;
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace samsim
