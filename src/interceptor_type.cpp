#include <samsim/interceptor_type.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace samsim {
namespace {

// Node budget of an average_speed table: at most this many nodes, and at most
// this many steps of the reach-gap pass (range nodes x height nodes^2), so
// that the build stays well under a second.
constexpr double max_table_nodes = 4e6;
constexpr double max_reach_gap_steps = 2e7;

// Least distance from the launcher to a point of the envelope [m].
double nearest_envelope_distance_m(const envelope_limits& e) {
  const double r = std::max(0.0, e.min_range_m);
  const double h = std::clamp(0.0, e.min_height_m, e.max_height_m);
  return std::hypot(r, h);
}

// Nodes of a table with step s in both directions (flyout_table's grid: range
// from 0, height from min(0, min height)).
void grid_nodes(const envelope_limits& e, double step_m, double& range_nodes, double& height_nodes) {
  range_nodes = std::max(2.0, std::ceil(e.max_range_m / step_m - 1e-9) + 1.0);
  height_nodes = std::max(2.0, std::ceil((e.max_height_m - std::min(0.0, e.min_height_m)) / step_m - 1e-9) + 1.0);
}

}  // namespace

double average_speed_table_error_bound_s(const interceptor_type& type, double step_m) {
  // Time of flight f = d / v, d = sqrt(r^2 + h^2). Bilinear interpolation on a
  // cell of sides dr, dh <= s errs by at most (dr^2 max|f_rr| + dh^2 max|f_hh|) / 8
  // over the cell, and f_rr = h^2 / (v d^3) <= 1 / (v d), f_hh = r^2 / (v d^3) <= 1 / (v d):
  // at most s^2 / (4 v d_cell), d_cell the least distance from the launcher to
  // the cell, which is >= d_env - sqrt(2) s for a cell holding an envelope point.
  // Everywhere (even where d_cell is 0) the interpolant is a weighted mean of
  // corner values, each within |corner - p| / v <= sqrt(2) s / v of f(p).
  const double v = type.average_speed_mps;
  const double lipschitz_s = std::sqrt(2.0) * step_m / v;
  const double d_cell_m = nearest_envelope_distance_m(type.envelope) - std::sqrt(2.0) * step_m;
  if (!(d_cell_m > 0.0)) return lipschitz_s;
  return std::min(lipschitz_s, step_m * step_m / (4.0 * v * d_cell_m));
}

double average_speed_table_step_m(const interceptor_type& type, const flyout_options& options) {
  const double v = type.average_speed_mps;
  const double eps_s = average_speed_table_error_s;
  const double d_env_m = nearest_envelope_distance_m(type.envelope);
  // Largest s with s^2 / (4 v (d_env - sqrt(2) s)) <= eps, or with sqrt(2) s / v <= eps.
  const double a = 2.0 * std::sqrt(2.0) * v * eps_s;
  const double curvature_step_m = -a + std::sqrt(a * a + 4.0 * v * eps_s * d_env_m);
  const double lipschitz_step_m = v * eps_s / std::sqrt(2.0);
  double step_m = std::max(curvature_step_m, lipschitz_step_m);
  step_m = std::min(step_m, std::max(options.range_step_m, options.height_step_m));
  // Coarser only when the node budget forces it.
  for (;;) {
    double nr = 0.0, nh = 0.0;
    grid_nodes(type.envelope, step_m, nr, nh);
    if (nr * nh <= max_table_nodes && nr * nh * nh <= max_reach_gap_steps) break;
    step_m *= 1.01;
  }
  return step_m;
}

flyout_table build_flyout_table(const interceptor_type& type, const flyout_options& options) {
  switch (type.model) {
    case kinematics_model::three_dof:
      return flyout_table::build(type.kinematics, type.envelope, options);
    case kinematics_model::average_speed: {
      const double v = type.average_speed_mps;
      if (!(std::isfinite(v) && v > 0.0))
        throw std::invalid_argument(fmt::format("interceptor type '{}': average_speed_mps = {} (must be finite and > 0)",
                                                type.name, v));
      validate(type.envelope);
      const double step_m = average_speed_table_step_m(type, options);
      return flyout_table::from_function(type.envelope, step_m, step_m, [v](double r_m, double h_m) {
        return flyout_point{true, std::hypot(r_m, h_m) / v, v};
      });
    }
  }
  throw std::invalid_argument(fmt::format("interceptor type '{}': unknown kinematics model", type.name));
}

void validate(const interceptor_type& t) {
  if (t.name.empty()) throw std::invalid_argument("interceptor type: name must not be empty");
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument(fmt::format("interceptor type '{}': {}", t.name, what));
  };
  // A part's own check, its message prefixed with the type's name.
  const auto part = [&](const auto& check) {
    try {
      check();
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
  };
  if (t.model == kinematics_model::three_dof) {
    part([&] { validate(t.kinematics); });
  } else if (t.model == kinematics_model::average_speed) {
    if (!(std::isfinite(t.average_speed_mps) && t.average_speed_mps > 0.0))
      fail(fmt::format("average_speed_mps = {} must be finite and > 0", t.average_speed_mps));
  } else {
    fail("unknown kinematics model");
  }
  part([&] { validate(t.envelope); });
  if (t.model == kinematics_model::average_speed && t.average_speed_mps < t.envelope.min_speed_mps)
    fail(fmt::format("average_speed_mps = {} is below envelope.min_speed_mps = {}: it would reach nothing",
                     t.average_speed_mps, t.envelope.min_speed_mps));
  part([&] { validate(t.kill); });
  if (!(std::isfinite(t.pk_default) && t.pk_default >= 0.0 && t.pk_default <= 1.0))
    fail(fmt::format("pk_default = {} must be in [0, 1]", t.pk_default));
  for (std::size_t i = 0; i < t.pk_by_class.size(); ++i)
    if (!(t.pk_by_class[i] >= 0.0 && t.pk_by_class[i] <= 1.0))
      fail(fmt::format("pk_by_class[{}] = {} must be in [0, 1]", i, t.pk_by_class[i]));
  if (!(std::isfinite(t.cost_per_round) && t.cost_per_round >= 0.0))
    fail(fmt::format("cost_per_round = {} must be finite and >= 0", t.cost_per_round));
}

}  // namespace samsim
