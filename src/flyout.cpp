// Flyout table construction from the 3-DOF model, and the envelope printout.
#include <samsim/flyout.hpp>

#include <samsim/units.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace samsim {

namespace {

struct trajectory_sample {
  double range_m;
  double height_m;
  double time_s;
  double speed_mps;
};

void require_step(const char* name, double value) {
  if (!(std::isfinite(value) && value > 0.0))
    throw std::invalid_argument(fmt::format("flyout_options.{} = {} (must be finite and > 0)", name, value));
}

}  // namespace

flyout_table::flyout_table(const envelope_limits& limits, double range_step_m, double height_step_m) : limits_(limits) {
  validate(limits);
  require_step("range_step_m", range_step_m);
  require_step("height_step_m", height_step_m);
  grid_height0_m_ = std::min(0.0, limits.min_height_m);
  range_nodes_ = std::max(2, static_cast<int>(std::ceil(limits.max_range_m / range_step_m - 1e-9)) + 1);
  const double span_m = limits.max_height_m - grid_height0_m_;
  height_nodes_ = std::max(2, static_cast<int>(std::ceil(span_m / height_step_m - 1e-9)) + 1);
  inv_range_step_ = (range_nodes_ - 1) / limits.max_range_m;
  inv_height_step_ = (height_nodes_ - 1) / span_m;
  nodes_.assign(static_cast<std::size_t>(range_nodes_) * height_nodes_, node{unreachable, 0.0f});
  compute_bounds();
}

/// Fills a table from flown trajectories (friend of flyout_table).
struct flyout_builder {
  flyout_table& table;
  double range_step_m;
  double height_step_m;

  // Deposits the linear interpolant over one triangle onto the grid nodes it covers.
  void deposit(const trajectory_sample& p0, const trajectory_sample& p1, const trajectory_sample& p2) {
    const double ax = p1.range_m - p0.range_m, az = p1.height_m - p0.height_m;
    const double bx = p2.range_m - p0.range_m, bz = p2.height_m - p0.height_m;
    const double det = ax * bz - bx * az;
    if (!(std::abs(det) > 1e-6)) return;  // degenerate (e.g. both members still at the launcher)
    const double h0 = table.grid_height0_m_;
    const double xmin = std::min({p0.range_m, p1.range_m, p2.range_m});
    const double xmax = std::max({p0.range_m, p1.range_m, p2.range_m});
    const double zmin = std::min({p0.height_m, p1.height_m, p2.height_m});
    const double zmax = std::max({p0.height_m, p1.height_m, p2.height_m});
    const int i0 = std::max(0, static_cast<int>(std::ceil(xmin * table.inv_range_step_ - 1e-9)));
    const int i1 = std::min(table.range_nodes_ - 1, static_cast<int>(std::floor(xmax * table.inv_range_step_ + 1e-9)));
    const int j0 = std::max(0, static_cast<int>(std::ceil((zmin - h0) * table.inv_height_step_ - 1e-9)));
    const int j1 =
        std::min(table.height_nodes_ - 1, static_cast<int>(std::floor((zmax - h0) * table.inv_height_step_ + 1e-9)));
    const double inv_det = 1.0 / det;
    constexpr double eps = 1e-9;
    for (int j = j0; j <= j1; ++j) {
      const double dz = h0 + j * height_step_m - p0.height_m;
      for (int i = i0; i <= i1; ++i) {
        const double dx = i * range_step_m - p0.range_m;
        const double l1 = (dx * bz - bx * dz) * inv_det;
        const double l2 = (ax * dz - dx * az) * inv_det;
        const double l0 = 1.0 - l1 - l2;
        if (l0 < -eps || l1 < -eps || l2 < -eps) continue;
        const double speed_mps = l0 * p0.speed_mps + l1 * p1.speed_mps + l2 * p2.speed_mps;
        if (speed_mps < table.limits_.min_speed_mps) continue;
        const double time_s = l0 * p0.time_s + l1 * p1.time_s + l2 * p2.time_s;
        auto& n = table.nodes_[static_cast<std::size_t>(j) * table.range_nodes_ + i];
        if (time_s < n.time_of_flight_s) {
          n.time_of_flight_s = static_cast<float>(time_s);
          n.speed_mps = static_cast<float>(speed_mps);
        }
      }
    }
  }

  // Two triangles per quadrilateral between neighbouring members a, b and samples j, j+1.
  void deposit_strip(const std::vector<trajectory_sample>& a, const std::vector<trajectory_sample>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t j = 0; j + 1 < n; ++j) {
      deposit(a[j], b[j], b[j + 1]);
      deposit(a[j], b[j + 1], a[j + 1]);
    }
  }
};

flyout_table flyout_table::build(const interceptor_kinematics& k, const envelope_limits& limits,
                                 const flyout_options& o) {
  validate(k);
  require_step("integration_step_s", o.integration_step_s);
  require_step("ray_elevation_step_deg", o.ray_elevation_step_deg);
  require_step("loft_elevation_step_deg", o.loft_elevation_step_deg);
  require_step("max_flight_time_s", o.max_flight_time_s);
  if (!(o.loft_min_elevation_deg <= o.loft_max_elevation_deg))
    throw std::invalid_argument(fmt::format("flyout_options.loft_max_elevation_deg = {} (must be >= loft_min_elevation_deg = {})",
                                            o.loft_max_elevation_deg, o.loft_min_elevation_deg));
  flyout_table table(limits, o.range_step_m, o.height_step_m);
  flyout_builder builder{table, table.range_step_m(), table.height_step_m()};

  double burnout_s = 0.0;
  for (const auto& p : k.phases) burnout_s += p.burn_time_s;
  const double range_limit_m = limits.max_range_m + table.range_step_m();
  const double ground_m = table.grid_height0_m_ - table.height_step_m();
  const force_switches forces{};
  const Eigen::Vector3d lift_against_gravity(0.0, 0.0, units::standard_gravity_mps2);

  // One family member: its samples, and the state after the last one so that
  // it can be flown on (extended) past the point where it left the grid.
  struct member {
    std::vector<trajectory_sample> samples;
    point_mass_state state;
    Eigen::Vector3d axis = Eigen::Vector3d::UnitX();
    double hold_s = 0.0;
    bool ray = false;
    std::size_t natural_size = 0;  ///< samples up to the member's own stop
    bool extendable = false;       ///< stopped before max_flight_time_s (may be flown on)
  };
  // Advances a member by one sample; false when max_flight_time_s is reached.
  auto step = [&](member& m) {
    const double t_next = static_cast<double>(m.samples.size()) * o.integration_step_s;
    if (t_next > o.max_flight_time_s + 1e-9) return false;
    auto demand = [&](const point_mass_state& x) -> Eigen::Vector3d {
      return x.time_s < m.hold_s ? lift_against_gravity : Eigen::Vector3d::Zero();
    };
    m.state = propagate(k, m.state, t_next - m.state.time_s, o.integration_step_s, m.axis, forces, demand);
    m.state.time_s = t_next;
    m.samples.push_back({m.state.position_enu_m.x(), m.state.position_enu_m.z(), t_next, m.state.velocity_enu_mps.norm()});
    return true;
  };
  // Flies one member: straight ray (hold for the whole flight) or lofted (hold,
  // then zero lift), until it leaves the grid (beyond max range, below the
  // lowest row, a ray above the top row or slow after burnout) or max time.
  auto fly = [&](double elevation_rad, bool ray, member& m) {
    m.samples.clear();
    m.axis = Eigen::Vector3d(std::cos(elevation_rad), 0.0, std::sin(elevation_rad));
    m.hold_s = ray ? std::numeric_limits<double>::infinity() : o.loft_hold_s;
    m.ray = ray;
    m.state = point_mass_state{};
    m.state.mass_kg = k.launch_mass_kg;
    m.samples.push_back({0.0, 0.0, 0.0, 0.0});
    m.extendable = false;
    while (step(m)) {
      const trajectory_sample& q = m.samples.back();
      if (q.range_m > range_limit_m || q.height_m < ground_m ||
          (ray && (q.height_m > limits.max_height_m + table.height_step_m() ||
                   (q.time_s > burnout_s && q.speed_mps < o.stop_speed_fraction * limits.min_speed_mps)))) {
        m.extendable = true;
        break;
      }
    }
    m.natural_size = m.samples.size();
  };
  // Flies a member on to `size` samples (or max time). A ray whose velocity
  // turns back along its axis is not flown on: past that it retraces itself.
  auto extend = [&](member& m, std::size_t size) {
    while (m.extendable && m.samples.size() < size) {
      if (m.ray && !(m.state.velocity_enu_mps.dot(m.axis) > 0.0)) m.extendable = false;
      else if (!step(m)) m.extendable = false;
    }
  };
  // The strip between neighbouring members a and b covers the region between
  // their paths only while both are sampled. When one member leaves the grid
  // (e.g. hits the ground) earlier than its neighbour, the wedge between the
  // point where it left and the neighbour's later path is still swept by the
  // members between them, so the one that stopped first is flown on (below
  // ground, past max range) until the other stops too. Without this the wedge
  // stays empty and its nodes keep only a later time from another family or a
  // distant member (e.g. 256 s instead of 119 s at 85 km, 250 m).
  auto deposit_pair = [&](member& a, member& b) {
    const std::size_t size = std::max(a.natural_size, b.natural_size);
    extend(a, size);
    extend(b, size);
    builder.deposit_strip(a.samples, b.samples);
  };

  member previous;
  member current;
  const int rays = std::max(1, static_cast<int>(std::lround(90.0 / o.ray_elevation_step_deg)));
  for (int i = 0; i <= rays; ++i) {
    fly(units::deg_to_rad(90.0 * i / rays), true, current);
    if (i > 0) deposit_pair(previous, current);
    std::swap(previous, current);
  }
  const double loft_span_deg = o.loft_max_elevation_deg - o.loft_min_elevation_deg;
  const int lofts = static_cast<int>(std::lround(loft_span_deg / o.loft_elevation_step_deg));
  for (int i = 0; i <= lofts; ++i) {
    const double e_deg = o.loft_min_elevation_deg + (lofts > 0 ? loft_span_deg * i / lofts : 0.0);
    fly(units::deg_to_rad(e_deg), false, current);
    if (i > 0) deposit_pair(previous, current);
    std::swap(previous, current);
  }

  table.compute_bounds();
  return table;
}

void flyout_table::compute_bounds() {
  max_time_of_flight_s_ = 0.0;
  min_tof_from_column_s_.assign(static_cast<std::size_t>(range_nodes_) + 1, std::numeric_limits<double>::infinity());
  for (int i = range_nodes_ - 1; i >= 0; --i) {
    double column_min = min_tof_from_column_s_[static_cast<std::size_t>(i) + 1];
    for (int j = 0; j < height_nodes_; ++j) {
      const node& n = nodes_[static_cast<std::size_t>(j) * range_nodes_ + i];
      if (!(n.time_of_flight_s < unreachable)) continue;
      column_min = std::min(column_min, static_cast<double>(n.time_of_flight_s));
      max_time_of_flight_s_ = std::max(max_time_of_flight_s_, static_cast<double>(n.time_of_flight_s));
    }
    min_tof_from_column_s_[static_cast<std::size_t>(i)] = column_min;
  }
  compute_reach_gaps();
}

void flyout_table::compute_reach_gaps() {
  // A cell is good when at() can be reachable in it: all four corners are.
  // Per row, the column distance (in whole cells between them) from every
  // cell to the nearest good cell of that row, by two sweeps; then per cell
  // the least rectangle-to-rectangle distance over all rows.
  const int nc = range_nodes_ - 1, nrow = height_nodes_ - 1;
  const auto reachable = [&](int i, int j) {
    return nodes_[static_cast<std::size_t>(j) * range_nodes_ + i].time_of_flight_s < unreachable;
  };
  const auto good = [&](int i, int j) {
    return reachable(i, j) && reachable(i + 1, j) && reachable(i, j + 1) && reachable(i + 1, j + 1);
  };
  constexpr int none = std::numeric_limits<int>::max();
  std::vector<int> column_gap(static_cast<std::size_t>(nc) * nrow, none);
  for (int j = 0; j < nrow; ++j) {
    int* gap = column_gap.data() + static_cast<std::ptrdiff_t>(j) * nc;
    int last_good = -1;
    for (int i = 0; i < nc; ++i) {
      if (good(i, j)) last_good = i;
      if (last_good >= 0) gap[i] = std::max(0, i - last_good - 1);
    }
    last_good = -1;
    for (int i = nc - 1; i >= 0; --i) {
      if (good(i, j)) last_good = i;
      if (last_good >= 0) gap[i] = std::min(gap[i], std::max(0, last_good - i - 1));
    }
  }
  const double dr = range_step_m(), dh = height_step_m();
  reach_gap_m_.assign(static_cast<std::size_t>(nc) * nrow, std::numeric_limits<float>::infinity());
  for (int j = 0; j < nrow; ++j)
    for (int i = 0; i < nc; ++i) {
      double best2 = std::numeric_limits<double>::infinity();
      for (int k = 0; k < nrow; ++k) {
        const int g = column_gap[static_cast<std::size_t>(k) * nc + i];
        if (g == none) continue;
        const double dx = g * dr, dy = std::max(0, std::abs(k - j) - 1) * dh;
        best2 = std::min(best2, dx * dx + dy * dy);
      }
      // Stored as float, rounded down so that it stays a lower bound.
      const double gap_m = std::sqrt(best2) * (1.0 - 1e-6);
      float stored = static_cast<float>(gap_m);
      if (static_cast<double>(stored) > gap_m) stored = std::nextafter(stored, 0.0f);
      reach_gap_m_[static_cast<std::size_t>(j) * nc + i] = stored;
    }
}

double flyout_table::distance_to_reach_m(double ground_range_m, double height_m) const noexcept {
  if (!(std::isfinite(ground_range_m) && std::isfinite(height_m))) return 0.0;
  // What at() can reach lies inside the limits' rectangle. With c the point
  // of the rectangle nearest to p, (p - c).(x - c) <= 0 for every x in it, so
  // |p - x|^2 >= |p - c|^2 + |c - x|^2: the two distances add in quadrature.
  const double r = std::clamp(ground_range_m, limits_.min_range_m, limits_.max_range_m);
  const double h = std::clamp(height_m, limits_.min_height_m, limits_.max_height_m);
  const double outside2_m2 = (ground_range_m - r) * (ground_range_m - r) + (height_m - h) * (height_m - h);
  const int i = std::min(static_cast<int>(r * inv_range_step_), range_nodes_ - 2);
  const int j = std::min(static_cast<int>((h - grid_height0_m_) * inv_height_step_), height_nodes_ - 2);
  const double cell_m = reach_gap_m_[static_cast<std::size_t>(j) * (range_nodes_ - 1) + i];
  return std::sqrt(outside2_m2 + cell_m * cell_m);
}

flyout_table flyout_table::from_function(const envelope_limits& limits, double range_step_m, double height_step_m,
                                         const point_function& fn) {
  flyout_table table(limits, range_step_m, height_step_m);
  const double dr = table.range_step_m();
  const double dh = table.height_step_m();
  for (int j = 0; j < table.height_nodes_; ++j)
    for (int i = 0; i < table.range_nodes_; ++i) {
      const flyout_point p = fn(i * dr, table.grid_height0_m_ + j * dh);
      if (!p.reachable || !(p.speed_mps >= limits.min_speed_mps) || !std::isfinite(p.time_of_flight_s)) continue;
      auto& n = table.nodes_[static_cast<std::size_t>(j) * table.range_nodes_ + i];
      n = node{static_cast<float>(p.time_of_flight_s), static_cast<float>(p.speed_mps)};
    }
  table.compute_bounds();
  return table;
}

double flyout_table::max_range_at_m(double height_m, double resolution_m) const noexcept {
  if (!(resolution_m > 0.0)) return -1.0;
  for (double r = limits_.max_range_m; r >= limits_.min_range_m; r -= resolution_m)
    if (at(r, height_m).reachable) return r;
  return -1.0;
}

std::vector<envelope_row> envelope_table(const flyout_table& table, double height_step_m, double range_resolution_m) {
  if (!(height_step_m > 0.0 && range_resolution_m > 0.0))
    throw std::invalid_argument(fmt::format("envelope_table: height_step_m = {}, range_resolution_m = {} (must be > 0)",
                                            height_step_m, range_resolution_m));
  const envelope_limits& lim = table.limits();
  std::vector<envelope_row> rows;
  for (double h = lim.min_height_m;; h += height_step_m) {
    const double height_m = std::min(h, lim.max_height_m);
    envelope_row row;
    row.height_m = height_m;
    const double r_max = table.max_range_at_m(height_m, range_resolution_m);
    if (r_max >= 0.0) {
      row.reachable = true;
      row.max_range_m = r_max;
      const flyout_point p = table.at(r_max, height_m);
      row.time_of_flight_s = p.time_of_flight_s;
      row.arrival_speed_mps = p.speed_mps;
      for (double r = lim.min_range_m; r <= r_max; r += range_resolution_m)
        if (table.at(r, height_m).reachable) {
          row.min_range_m = r;
          break;
        }
    }
    rows.push_back(row);
    if (height_m >= lim.max_height_m) break;
  }
  return rows;
}

interceptor_reach compare_reach(const flyout_table& table, double range_resolution_m) {
  const envelope_limits& lim = table.limits();
  interceptor_reach reach;
  reach.stated_max_range_m = lim.max_range_m;
  reach.stated_max_height_m = lim.max_height_m;
  // at() is reachable only inside a cell whose four nodes are, so the reach
  // it shows ends up to one cell short of the last reachable node, itself up
  // to a cell inside the true edge; the range scan adds its resolution, and
  // the rows, sitting on node heights, one more cell in height.
  reach.range_tolerance_m = 2.0 * table.range_step_m() + range_resolution_m;
  reach.height_tolerance_m = 3.0 * table.height_step_m();
  for (const envelope_row& row : envelope_table(table, table.height_step_m(), range_resolution_m)) {
    if (!row.reachable) continue;
    reach.reached_max_range_m = std::max(reach.reached_max_range_m, row.max_range_m);
    reach.reached_max_height_m = std::max(reach.reached_max_height_m, row.height_m);
  }
  return reach;
}

}  // namespace samsim
