#include <samsim/battery.hpp>

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace samsim {
namespace {

template <class T>
void require(bool ok, const char* field, T value, const char* rule) {
  if (!ok) throw std::invalid_argument(fmt::format("{} = {} {}", field, value, rule));
}

void require_finite_at_least(const char* field, double value, double lo) {
  require(std::isfinite(value) && value >= lo, field, value, lo == 0.0 ? "must be >= 0" : "is out of range");
}

// Salvo size against the rounds that can hold it and the interceptors in flight.
void validate_salvo(const doctrine_parameters& d, int magazine, const fire_control_parameters& fc) {
  require(d.salvo_size <= magazine, "doctrine.salvo_size", d.salvo_size, "exceeds the rounds the launchers hold");
  require(d.salvo_size <= fc.max_interceptors_in_flight, "doctrine.salvo_size", d.salvo_size,
          "exceeds fire_control.max_interceptors_in_flight");
}

}  // namespace

void validate(const fire_control_parameters& fc) {
  require(fc.max_engaged_targets >= 1, "fire_control.max_engaged_targets", fc.max_engaged_targets, "must be >= 1");
  require(fc.max_interceptors_in_flight >= 1, "fire_control.max_interceptors_in_flight",
          fc.max_interceptors_in_flight, "must be >= 1");
  require_finite_at_least("fire_control.reaction_time_s", fc.reaction_time_s, 0.0);
  require_finite_at_least("fire_control.launch_interval_s", fc.launch_interval_s, 0.0);
}

void validate(const launcher_parameters& l) {
  require(l.count >= 1, "launchers.count", l.count, "must be >= 1");
  require(l.ready_per_launcher >= 1, "launchers.ready_per_launcher", l.ready_per_launcher, "must be >= 1");
  require_finite_at_least("launchers.reload_time_s", l.reload_time_s, 0.0);
  require(l.reload_rounds >= 0, "launchers.reload_rounds", l.reload_rounds, "must be >= 0");
}

void validate(const doctrine_parameters& d) {
  require(d.salvo_size >= 1 && d.salvo_size <= max_salvo_size, "doctrine.salvo_size", d.salvo_size,
          "must be in [1, 16]");
  require(d.max_salvos_per_threat >= 1, "doctrine.max_salvos_per_threat", d.max_salvos_per_threat, "must be >= 1");
  require_finite_at_least("doctrine.kill_assessment_s", d.kill_assessment_s, 0.0);
}

void validate(const kill_model& k) {
  require(k.edge_start_fraction > 0.0 && k.edge_start_fraction <= 1.0, "pk.edge.start_fraction",
          k.edge_start_fraction, "must be in (0, 1]");
  require(k.edge_factor >= 0.0 && k.edge_factor <= 1.0, "pk.edge.factor", k.edge_factor, "must be in [0, 1]");
  require(k.common_mode_correlation >= 0.0 && k.common_mode_correlation <= 1.0, "pk.common_mode_correlation",
          k.common_mode_correlation, "must be in [0, 1]");
}

void validate(const battery_parameters& b) {
  require(b.position_en_m.allFinite(), "battery.position_m", b.position_en_m.norm(), "must be finite");
  validate(b.fire_control);
  validate(b.launchers);
  const auto& e = b.envelope;
  require(std::isfinite(e.min_range_m) && e.min_range_m >= 0.0, "envelope.min_range_m", e.min_range_m, "must be >= 0");
  require(std::isfinite(e.max_range_m) && e.max_range_m > e.min_range_m, "envelope.max_range_m", e.max_range_m,
          "must be > min_range_m");
  require(std::isfinite(e.min_height_m) && e.min_height_m >= 0.0, "envelope.min_height_m", e.min_height_m,
          "must be >= 0");
  require(std::isfinite(e.max_height_m) && e.max_height_m > e.min_height_m, "envelope.max_height_m",
          e.max_height_m, "must be > min_height_m");
  require_finite_at_least("envelope.min_speed_mps", e.min_speed_mps, 0.0);
  require(std::isfinite(b.pk_default) && b.pk_default >= 0.0 && b.pk_default <= 1.0, "pk.default", b.pk_default,
          "must be in [0, 1]");
  validate(b.kill);
  validate(b.doctrine);
  validate_salvo(b.doctrine, b.launchers.count * b.launchers.ready_per_launcher, b.fire_control);
}

void validate(const battery_site& s) {
  if (s.name.empty()) throw std::invalid_argument("battery: name must not be empty");
  try {
    require(s.position_en_m.allFinite(), "position_m", s.position_en_m.norm(), "must be finite");
    require_finite_at_least("ready_time_s", s.ready_time_s, 0.0);
    require(std::isfinite(s.value) && s.value > 0.0, "value", s.value, "must be finite and > 0");
    validate(s.fire_control);
    validate(s.doctrine);
    require(!s.launchers.empty(), "launchers", s.launchers.size(), "(groups) must be >= 1");
    for (std::size_t i = 0; i < s.launchers.size(); ++i) {
      const launcher_group& g = s.launchers[i];
      validate(g.launchers);
      for (std::size_t j = 0; j < i; ++j)
        if (s.launchers[j].interceptor_type == g.interceptor_type)
          throw std::invalid_argument(fmt::format("launchers[{}]: interceptor type {} already has launchers[{}]", i,
                                                  g.interceptor_type, j));
      // A salvo is of one type: each type's rounds must hold one.
      validate_salvo(s.doctrine, g.launchers.count * g.launchers.ready_per_launcher, s.fire_control);
    }
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("battery '{}': {}", s.name, e.what()));
  }
}

}  // namespace samsim
