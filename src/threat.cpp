#include <samsim/threat.hpp>
#include <samsim/units.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace samsim {
namespace {

void require(bool ok, const char* field, double value, const char* rule) {
  if (!ok || std::isnan(value)) throw std::invalid_argument(fmt::format("{} = {} {}", field, value, rule));
}

}  // namespace

void validate(const threat_class& cls) {
  require(std::isfinite(cls.rcs_m2) && cls.rcs_m2 > 0.0, "rcs_m2", cls.rcs_m2, "must be > 0");
  const int sw = static_cast<int>(cls.swerling);
  require(sw >= 0 && sw <= 4, "swerling", sw, "must be 0..4");
  require(std::isfinite(cls.leak_distance_m) && cls.leak_distance_m >= 0.0, "leak_distance_m",
          cls.leak_distance_m, "must be >= 0");
  require(std::isfinite(cls.cost) && cls.cost >= 0.0, "cost", cls.cost, "must be >= 0");
  if (cls.trajectory == trajectory_kind::ballistic) {
    const bool by_time = cls.flight_time_s > 0.0 && std::isfinite(cls.flight_time_s);
    const bool by_apogee = cls.apogee_height_m > 0.0 && std::isfinite(cls.apogee_height_m);
    require(by_time != by_apogee, "flight_time_s", cls.flight_time_s,
            "or apogee_height_m must be set (> 0), not both");
    // Outside these the flat-earth constant-g parabola no longer describes the flight.
    if (by_time && !(cls.flight_time_s <= max_ballistic_flight_time_s()))
      throw std::invalid_argument(fmt::format(
          "flight_time_s = {} must be <= {:.1f} (apogee g T^2 / 8 <= {} m, the flat-earth ballistic model's limit)",
          cls.flight_time_s, max_ballistic_flight_time_s(), max_ballistic_apogee_m));
    if (by_apogee && !(cls.apogee_height_m <= max_ballistic_apogee_m))
      throw std::invalid_argument(fmt::format("apogee_height_m = {} must be <= {} (the flat-earth ballistic model's limit)",
                                              cls.apogee_height_m, max_ballistic_apogee_m));
  } else if (cls.terminal != terminal_kind::none) {
    require(std::isfinite(cls.terminal_distance_m) && cls.terminal_distance_m > 0.0, "terminal_distance_m",
            cls.terminal_distance_m, "must be > 0");
    if (cls.terminal == terminal_kind::pop_up)
      require(std::isfinite(cls.terminal_height_m) && cls.terminal_height_m > 0.0, "terminal_height_m",
              cls.terminal_height_m, "must be > 0");
  }
}

threat_trajectory::threat_trajectory(const threat_class& cls, const threat_state& state)
    : kind_(cls.trajectory),
      terminal_(cls.terminal),
      launch_time_s_(state.launch_time_s),
      start_en_m_(state.start_en_m),
      terminal_distance_m_(cls.terminal_distance_m),
      terminal_height_m_(cls.terminal_height_m) {
  const Eigen::Vector2d to_aim = state.aim_en_m - state.start_en_m;
  ground_range_m_ = to_aim.norm();
  if (ground_range_m_ > 0.0) direction_en_ = to_aim / ground_range_m_;
  const double g = units::standard_gravity_mps2;
  if (kind_ == trajectory_kind::ballistic) {
    // Vacuum parabola over flat earth: apogee H = g T^2 / 8, initial climb rate g T / 2.
    flight_time_s_ = cls.flight_time_s > 0.0 ? cls.flight_time_s : std::sqrt(8.0 * cls.apogee_height_m / g);
    ground_speed_mps_ = ground_range_m_ / flight_time_s_;
    vertical_speed0_mps_ = 0.5 * g * flight_time_s_;
    max_height_m_ = g * flight_time_s_ * flight_time_s_ / 8.0;
    cruise_height_m_ = 0.0;
  } else {
    ground_speed_mps_ = state.speed_mps;
    cruise_height_m_ = state.height_m;
    flight_time_s_ = ground_range_m_ / ground_speed_mps_;
    max_height_m_ = terminal_ == terminal_kind::pop_up ? std::max(cruise_height_m_, terminal_height_m_)
                                                       : cruise_height_m_;
  }
  // Speed bound: the steepest climb or descent happens at the ballistic launch
  // and impact, or on the steeper leg of a terminal manoeuvre.
  double max_climb_rate_mps = vertical_speed0_mps_;
  if (kind_ == trajectory_kind::straight && terminal_ != terminal_kind::none && terminal_distance_m_ > 0.0) {
    const double up = std::abs(terminal_height_m_ - cruise_height_m_) / (0.5 * terminal_distance_m_);
    const double down = terminal_ == terminal_kind::pop_up ? terminal_height_m_ / (0.5 * terminal_distance_m_)
                                                           : cruise_height_m_ / terminal_distance_m_;
    max_climb_rate_mps = ground_speed_mps_ * std::max(terminal_ == terminal_kind::pop_up ? up : 0.0, down);
  }
  max_speed_mps_ = std::hypot(ground_speed_mps_, max_climb_rate_mps);
  const double leak_fraction = ground_range_m_ > 0.0
                                   ? std::clamp((ground_range_m_ - cls.leak_distance_m) / ground_range_m_, 0.0, 1.0)
                                   : 0.0;
  leak_time_s_ = launch_time_s_ + leak_fraction * flight_time_s_;
}

double threat_trajectory::climb_rate_at_distance_to_go(double d_m) const {
  // dh/dt = dh/dd * dd/dt with dd/dt = -ground speed.
  const double dt = terminal_distance_m_;
  const double v = ground_speed_mps_;
  switch (terminal_) {
    case terminal_kind::none:
      return 0.0;
    case terminal_kind::dive:
      return d_m >= dt ? 0.0 : -v * cruise_height_m_ / dt;
    case terminal_kind::pop_up:
      if (d_m >= dt) return 0.0;
      if (d_m >= 0.5 * dt) return -v * (cruise_height_m_ - terminal_height_m_) / (0.5 * dt);
      return -v * terminal_height_m_ / (0.5 * dt);
  }
  return 0.0;
}

Eigen::Vector3d threat_trajectory::velocity_enu_mps(double t_s) const {
  const double tau = t_s - launch_time_s_;
  if (tau < 0.0 || tau > flight_time_s_) return Eigen::Vector3d::Zero();
  const Eigen::Vector2d v_ground = direction_en_ * ground_speed_mps_;
  double vz_mps;
  if (kind_ == trajectory_kind::ballistic) {
    vz_mps = vertical_speed0_mps_ - units::standard_gravity_mps2 * tau;
  } else {
    vz_mps = climb_rate_at_distance_to_go(ground_range_m_ - ground_speed_mps_ * tau);
  }
  return {v_ground.x(), v_ground.y(), vz_mps};
}

}  // namespace samsim
