#pragma once
/// \file flyout.hpp
/// Flyout table: interceptor time of flight and arrival speed to a point
/// (ground range, height) from the launcher, computed once from the 3-DOF
/// model, and intercept prediction against a threat trajectory.
///
/// How the table is built (flyout_table::build):
///  - Direct family: for launch elevations 0..90 deg, the interceptor flies a
///    straight ray from the launcher (lift cancels the component of gravity
///    normal to the ray, well inside the lateral limit; gravity along the ray
///    still decelerates it). This is the collision course on a fixed point.
///  - Lofted family: for launch elevations loft_min..loft_max, the launch axis
///    is held for loft_hold_s, then the interceptor flies a zero-lift gravity
///    turn. The member whose path passes through a point reaches it with no
///    homing command, so "homing on the point" costs nothing extra; this is
///    the idealisation (a real terminal dive would add a little time).
///  - Every trajectory is sampled at the same times t_j = j step. Neighbouring
///    members i, i+1 of a family and samples j, j+1 bound a quadrilateral in
///    (ground range, height), split into two triangles; each grid node inside
///    a triangle gets time and speed by linear interpolation over it. A node
///    keeps the least time over all triangles of both families whose
///    interpolated speed is >= min_speed_mps. So each trajectory is flown once,
///    and the folds of a family (up and down legs) resolve to the earliest time.
///  - A member stops when it leaves the grid (below the lowest row, beyond max
///    range, a ray above the top row or slow after burnout). When one member
///    of a neighbouring pair stops before the other, it is flown on (below
///    ground, past max range) until the other stops too, so the strip between
///    them also covers the wedge between where the first left the grid and the
///    second's later path; otherwise nodes there keep only a much later time
///    from another member (or none).
///  - at() interpolates bilinearly between the four nodes around the point and
///    is reachable only if all four are (the envelope edge is resolved to one
///    grid cell, conservatively) and the point is within the envelope limits.

#include <samsim/interceptor.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <vector>

namespace samsim {

/// Time of flight and arrival speed to one point.
struct flyout_point {
  bool reachable = false;
  double time_of_flight_s = 0.0;
  double speed_mps = 0.0;
};

/// Resolution of the table and of the trajectory families.
struct flyout_options {
  double integration_step_s = 0.1;      ///< RK4 step and trajectory sampling interval
  double range_step_m = 500.0;          ///< grid spacing in ground range (adjusted to divide max range)
  double height_step_m = 250.0;         ///< grid spacing in height (adjusted to divide the height span)
  double ray_elevation_step_deg = 0.5;  ///< direct family: 0, step, ..., 90 deg
  double loft_min_elevation_deg = 2.0;
  double loft_max_elevation_deg = 80.0;
  double loft_elevation_step_deg = 0.5;
  double loft_hold_s = 1.5;             ///< launch axis held before the gravity turn
  double max_flight_time_s = 300.0;
  double stop_speed_fraction = 0.8;     ///< rays stop after burnout below this x min_speed_mps
};

/// Kinematic flyout table on a regular (ground range, height) grid.
class flyout_table {
 public:
  /// A point function for tests and simple models: (ground range, height) -> point.
  using point_function = std::function<flyout_point(double ground_range_m, double height_m)>;

  /// Builds the table from the 3-DOF model (see the file comment). Validates inputs.
  static flyout_table build(const interceptor_kinematics& kinematics, const envelope_limits& limits,
                            const flyout_options& options = {});

  /// A table sampled from a user function at the grid nodes (analytic tests).
  /// Nodes where fn is unreachable or slower than min_speed_mps are unreachable.
  static flyout_table from_function(const envelope_limits& limits, double range_step_m, double height_step_m,
                                    const point_function& fn);

  /// Time of flight and arrival speed to a point; unreachable outside the limits,
  /// or when any of the four surrounding nodes is unreachable. NaN-safe.
  [[gnu::always_inline]] flyout_point at(double ground_range_m, double height_m) const noexcept {
    if (!(ground_range_m >= limits_.min_range_m && ground_range_m <= limits_.max_range_m &&
          height_m >= limits_.min_height_m && height_m <= limits_.max_height_m))
      return {};
    const double fr = ground_range_m * inv_range_step_;
    const double fh = (height_m - grid_height0_m_) * inv_height_step_;
    const int i = std::min(static_cast<int>(fr), range_nodes_ - 2);
    const int j = std::min(static_cast<int>(fh), height_nodes_ - 2);
    const double u = fr - i;
    const double v = fh - j;
    const node* n = nodes_.data() + static_cast<std::ptrdiff_t>(j) * range_nodes_ + i;
    const node& a = n[0];
    const node& b = n[1];
    const node& c = n[range_nodes_];
    const node& d = n[range_nodes_ + 1];
    if (!(std::max(std::max(a.time_of_flight_s, b.time_of_flight_s), std::max(c.time_of_flight_s, d.time_of_flight_s)) <
          unreachable))
      return {};
    const double wa = (1 - u) * (1 - v), wb = u * (1 - v), wc = (1 - u) * v, wd = u * v;
    return {true, wa * a.time_of_flight_s + wb * b.time_of_flight_s + wc * c.time_of_flight_s + wd * d.time_of_flight_s,
            wa * a.speed_mps + wb * b.speed_mps + wc * c.speed_mps + wd * d.speed_mps};
  }

  /// Largest time of flight over reachable nodes: no intercept can take longer.
  double max_time_of_flight_s() const noexcept { return max_time_of_flight_s_; }

  /// A lower bound on the time of flight that at() returns for any point at
  /// ground range >= ground_range_m (any height): the least reachable node
  /// time from that range's cell outward, since at() is a weighted mean of
  /// its cell's corners. +inf where nothing is reachable that far out.
  double min_time_of_flight_beyond_s(double ground_range_m) const noexcept {
    const double fr = ground_range_m * inv_range_step_;
    if (!(fr > 0.0)) return min_tof_from_column_s_.front();
    const int i = fr < static_cast<double>(range_nodes_) ? static_cast<int>(fr) : range_nodes_;
    return min_tof_from_column_s_[static_cast<std::size_t>(i)];
  }

  /// A lower bound on the distance (metres, in the range-height plane) from
  /// a point to every point where at() is reachable: 0 where at() may be,
  /// +inf when nothing is. Resolved to one grid cell. NaN-safe (0).
  double distance_to_reach_m(double ground_range_m, double height_m) const noexcept;

  /// Largest ground range reachable at a height (searched with at() on a
  /// resolution_m scan), or -1 if nothing is reachable at that height.
  double max_range_at_m(double height_m, double resolution_m = 50.0) const noexcept;

  const envelope_limits& limits() const noexcept { return limits_; }
  double range_step_m() const noexcept { return 1.0 / inv_range_step_; }
  double height_step_m() const noexcept { return 1.0 / inv_height_step_; }
  int range_nodes() const noexcept { return range_nodes_; }
  int height_nodes() const noexcept { return height_nodes_; }

 private:
  struct node {
    float time_of_flight_s;
    float speed_mps;
  };
  static constexpr float unreachable = std::numeric_limits<float>::infinity();

  flyout_table(const envelope_limits& limits, double range_step_m, double height_step_m);
  void compute_bounds();
  void compute_reach_gaps();
  friend struct flyout_builder;

  envelope_limits limits_{};
  double grid_height0_m_ = 0.0;
  double inv_range_step_ = 1.0;
  double inv_height_step_ = 1.0;
  int range_nodes_ = 2;
  int height_nodes_ = 2;
  double max_time_of_flight_s_ = 0.0;
  std::vector<double> min_tof_from_column_s_;  ///< [i]: least reachable time in range columns >= i; [range_nodes] = inf
  std::vector<node> nodes_;  ///< row-major: height index, then range index
  std::vector<float> reach_gap_m_;  ///< per cell (row-major): lower bound on the distance to a reachable point
};

/// One line of the envelope printout.
struct envelope_row {
  double height_m = 0.0;
  bool reachable = false;           ///< anything reachable at this height
  double min_range_m = 0.0;         ///< least reachable ground range
  double max_range_m = 0.0;         ///< largest reachable ground range
  double time_of_flight_s = 0.0;    ///< to (max_range_m, height_m)
  double arrival_speed_mps = 0.0;   ///< at (max_range_m, height_m)
};

/// Envelope per height: heights from min to max height every height_step_m
/// (the last row at max height), ranges resolved to range_resolution_m.
std::vector<envelope_row> envelope_table(const flyout_table& table, double height_step_m,
                                         double range_resolution_m = 50.0);

/// The envelope limits a scenario states beside what its flyout table
/// reaches. The kinematics may stop short of the stated max range or height;
/// intercepts beyond the reach are then never feasible, whatever the limits
/// say. One table is one interceptor type: a battery with several types
/// compares each type's table.
struct interceptor_reach {
  double stated_max_range_m = 0.0;    ///< envelope_limits::max_range_m
  double reached_max_range_m = 0.0;   ///< largest reachable ground range at any height (0: nothing reachable)
  double stated_max_height_m = 0.0;   ///< envelope_limits::max_height_m
  double reached_max_height_m = 0.0;  ///< greatest height with anything reachable (0: nothing reachable)
  /// What counts as short: the table resolves its edge to grid cells, so a
  /// reach this close to the stated limit is not short of it (two range cells
  /// plus the range resolution; three height cells).
  double range_tolerance_m = 0.0;
  double height_tolerance_m = 0.0;

  bool range_short() const noexcept { return stated_max_range_m - reached_max_range_m > range_tolerance_m; }
  bool height_short() const noexcept { return stated_max_height_m - reached_max_height_m > height_tolerance_m; }
  /// Either stated limit exceeds what the kinematics reach.
  bool short_of_stated() const noexcept { return range_short() || height_short(); }
};

/// Compares a table's stated limits with its reach: the envelope (envelope_table)
/// on every height row of the table's grid, ranges resolved to range_resolution_m
/// (as `samsim envelope` prints them). Pure: no I/O.
interceptor_reach compare_reach(const flyout_table& table, double range_resolution_m = 50.0);

/// One table lookup of the search, kept so that a later search can reuse it.
struct intercept_probe {
  double time_s = std::numeric_limits<double>::quiet_NaN();  ///< NaN: none
  bool reachable = false;
  double time_of_flight_s = 0.0;
  double ground_range_m = 0.0;
  double height_m = 0.0;
};

/// Result of intercept prediction. Times absolute; position of the intercept point.
struct intercept_prediction {
  bool feasible = false;
  double intercept_time_s = 0.0;
  double time_of_flight_s = 0.0;
  double ground_range_m = 0.0;
  double height_m = 0.0;
  /// The search found f > 0 at every reachable point it looked at before this
  /// time (the intercept time, or where it stopped): see
  /// intercept_search_options::resume_after.
  double clear_until_s = -std::numeric_limits<double>::infinity();
  /// The lookup at clear_until_s when the search made one there, and -df/dt
  /// there from its last two probes (0 when unknown).
  intercept_probe clear_probe;
  double clear_slope = 0.0;
};

/// Search settings for predict_intercept.
struct intercept_search_options {
  double max_scan_step_s = 1.0;    ///< longest forward scan step
  double min_scan_step_s = 1e-3;   ///< shortest (for very fast targets)
  double time_tolerance_s = 1e-6;  ///< root search stops at this bracket width or |f| below it
  int max_bisections = 60;         ///< iteration cap per bisection
  /// A bound L on |df/dt| along the threat's path while it is inside the
  /// envelope (f = launch + tof(p(t)) - t; L = 1 + max threat speed x max
  /// |grad tof|). When set (> 0), the scan jumps f/L ahead while it is far from
  /// the root: f cannot reach 0 sooner. 0: no jumps.
  double f_lipschitz = 0.0;
  /// With a bound on the threat's speed (> 0) and the table's reach (largest
  /// ground range and height it reaches anything at), the scan jumps over
  /// stretches where the threat is provably beyond reach: its distance to the
  /// reach shrinks at most at its speed.
  double max_target_speed_mps = 0.0;
  double reach_range_m = std::numeric_limits<double>::infinity();
  double reach_height_m = std::numeric_limits<double>::infinity();
  /// Where the scan starts, when later than the launch: the clear_until_s of
  /// an earlier search against the same threat path (and table) with a launch
  /// time no later than this one. f = launch + tof - t only grows with the
  /// launch time, so where that search saw f > 0 this one has f > 0 too, and
  /// the earliest root cannot lie there. A salvo's second round and every
  /// later shot at a threat start where the previous search stopped instead
  /// of at their own launch.
  double resume_from_s = -std::numeric_limits<double>::infinity();
  /// The earlier search's lookup at resume_from_s and its slope there: the
  /// scan starts from them instead of looking the table up again.
  intercept_probe resume_probe;
  double resume_slope = 0.0;

  /// Resume from an earlier search against the same threat path and table,
  /// whose launch was no later than the one this search is for.
  void resume_after(const intercept_prediction& earlier) {
    resume_from_s = earlier.clear_until_s;
    resume_probe = earlier.clear_probe;
    resume_slope = earlier.clear_slope;
  }
};

/// Earliest t in [launch_time_s, latest_time_s] with launch_time_s + tof(p(t)) = t
/// and p(t) inside the envelope, where p = position_enu_m(t) is the threat
/// position (Eigen::Vector3d, ENU relative to the launcher).
///
/// f(t) = launch + tof(p(t)) - t is defined only inside the envelope. The scan
/// runs forward from launch to min(latest, launch + max tof) with steps chosen
/// so the threat moves at most one grid cell (in ground range and in height)
/// per step, at most max_scan_step_s: a stretch inside the table's envelope
/// (which is itself resolved to one cell) is therefore never stepped over
/// unless the threat's path through it is shorter than a cell. A sign change
/// of f between two reachable scan points is bisected; when the threat enters
/// or leaves the envelope between scan points, the boundary crossing is first
/// bisected on reachability and f is checked at it, so a root just inside the
/// edge is found. Two roots inside one scan step (f dipping below zero and back
/// within a cell) are not resolved. No allocation.
///
/// With the options' bounds set (as the engine sets them), the scan moves
/// faster without changing what it can find:
///  - far from the root it jumps f/L ahead (f cannot reach 0 sooner);
///  - near it, secant steps aim at the root; one that lands past it brackets
///    it, and one that lands short is kept only when f > 0 provably held over
///    the stretch or the stretch is no longer than a scan step;
///  - outside the envelope it skips the time the threat needs to cover
///    flyout_table::distance_to_reach_m at its top speed;
///  - an envelope crossing is located only as far as a root could lie
///    between it and the reachable probe (|f| > L x the remaining interval
///    proves none does);
///  - resume_after() starts the scan where an earlier launch's search stopped
///    seeing f > 0, from its last lookup and slope there.
/// The answer is any t within time_tolerance_s of the root (|f| or the
/// bracket), so two searches by different paths agree to that tolerance, not
/// bit for bit.
template <class PositionFn>
intercept_prediction predict_intercept(const flyout_table& table, double launch_time_s, double latest_time_s,
                                       PositionFn&& position_enu_m, const intercept_search_options& search = {}) {
  struct probe {
    double t;
    bool reachable;
    double f;
    double range_m;
    double height_m;
    double tof_s;
  };
  auto eval = [&](double t) {
    const Eigen::Vector3d p = position_enu_m(t);
    probe q{t, false, 0.0, std::sqrt(p.x() * p.x() + p.y() * p.y()), p.z(), 0.0};
    const flyout_point fp = table.at(q.range_m, q.height_m);
    q.reachable = fp.reachable;
    q.tof_s = fp.time_of_flight_s;
    q.f = launch_time_s + fp.time_of_flight_s - t;
    return q;
  };
  // Earliest reachable point with f <= 0 the scan has passed without a root (a
  // conservative time before it): where a later launch must look again.
  double clear_s = std::numeric_limits<double>::infinity();
  // `clear`: the scan saw f > 0 up to this probe (q itself may have f slightly
  // below 0); `slope`: -df/dt there, 0 when unknown.
  auto answer = [&](const probe& q, const probe& clear, double slope) {
    intercept_prediction p;
    p.feasible = true;
    p.intercept_time_s = q.t;
    p.time_of_flight_s = q.t - launch_time_s;
    p.ground_range_m = q.range_m;
    p.height_m = q.height_m;
    p.clear_until_s = std::min(clear_s, clear.t);
    if (!(clear_s < clear.t)) {
      p.clear_probe = {clear.t, clear.reachable, clear.tof_s, clear.range_m, clear.height_m};
      p.clear_slope = slope > 0.0 ? slope : 0.0;
    }
    return p;
  };
  auto none = [&](double stopped_s) {
    intercept_prediction p;
    p.clear_until_s = std::min(clear_s, stopped_s);
    return p;
  };
  auto secant_slope = [](const probe& a, const probe& b) { return b.t > a.t ? (a.f - b.f) / (b.t - a.t) : 0.0; };
  // Root of f in [a, b], both reachable, f(a) and f(b) of opposite sign (or f(b) == 0).
  // Illinois false position (superlinear on the smooth f of a table), with a
  // bisection step whenever it stalls; stops on the bracket width or on |f|.
  auto bisect_root = [&](probe a, probe b) -> intercept_prediction {
    if (a.f == 0.0) return answer(a, a, secant_slope(a, b));
    if (b.f == 0.0) return answer(b, b, secant_slope(a, b));
    double fa = a.f, fb = b.f;
    int side = 0;
    for (int i = 0; i < search.max_bisections && b.t - a.t > search.time_tolerance_s; ++i) {
      double t = (fa != fb) ? b.t - fb * (b.t - a.t) / (fb - fa) : 0.5 * (a.t + b.t);
      if (!(t > a.t && t < b.t) || i % 8 == 7) t = 0.5 * (a.t + b.t);
      const probe m = eval(t);
      if (!m.reachable) return none(a.t);  // envelope not convex within the step: sub-cell, give up here
      if (std::abs(m.f) <= search.time_tolerance_s) return answer(m, m.f > 0.0 ? m : a, secant_slope(a, b));
      if ((m.f > 0.0) == (a.f > 0.0)) {
        a = m;
        fa = m.f;
        if (side == -1) fb *= 0.5;  // Illinois: halve the stale end's weight
        side = -1;
      } else {
        b = m;
        fb = m.f;
        if (side == +1) fa *= 0.5;
        side = +1;
      }
    }
    return answer(b, a, secant_slope(a, b));
  };
  // Boundary between a reachable and an unreachable probe: the reachable side.
  // It stops early once |f(in)| exceeds L times the distance to `out`: f then
  // keeps its sign from `in` to the boundary, so no root lies between, and
  // `in` answers every question the boundary point would.
  auto bisect_edge = [&](probe in, probe out) {
    for (int i = 0; i < search.max_bisections && std::abs(out.t - in.t) > search.time_tolerance_s; ++i) {
      if (search.f_lipschitz > 0.0 && std::abs(in.f) > search.f_lipschitz * std::abs(out.t - in.t)) break;
      const probe m = eval(0.5 * (in.t + out.t));
      if (m.reachable)
        in = m;
      else
        out = m;
    }
    return in;
  };
  auto opposite = [](const probe& a, const probe& b) { return (a.f > 0.0) != (b.f > 0.0) || b.f == 0.0; };
  // The threat enters the envelope between an unreachable probe `out` and a
  // reachable one `in`. True when f > 0 at every point of that step, so the
  // entry point cannot bracket a root with `in` (f(in) > 0 too) and need not
  // be located. Every point of the step is at ground range >= r_lo (the range
  // changes at most at the threat's speed from either end), and there the
  // time of flight is at least the table's bound beyond r_lo, while t <=
  // in.t. A margin of a microsecond (plus 1e-9 relative) covers rounding.
  auto entry_stays_positive = [&](const probe& out, const probe& in) {
    if (!(search.max_target_speed_mps > 0.0)) return false;
    const double r_lo = 0.5 * (out.range_m + in.range_m - search.max_target_speed_mps * std::abs(in.t - out.t));
    const double tof_lo_s = table.min_time_of_flight_beyond_s(r_lo);
    const double elapsed_s = std::max(in.t, out.t) - launch_time_s;
    return tof_lo_s - elapsed_s > 1e-6 + 1e-9 * (std::abs(tof_lo_s) + std::abs(in.t) + std::abs(launch_time_s));
  };

  const double end_s = std::min(latest_time_s, launch_time_s + table.max_time_of_flight_s());
  if (!(end_s >= launch_time_s)) return {};
  const double start_s = std::max(launch_time_s, search.resume_from_s);
  if (!(start_s <= end_s)) return none(start_s);
  const double inv_dr = 1.0 / table.range_step_m();
  const double inv_dh = 1.0 / table.height_step_m();
  // Grid cells the threat moved between two probes (the larger of range and height).
  auto cells_between = [&](const probe& a, const probe& b) {
    return std::max(std::abs(b.range_m - a.range_m) * inv_dr, std::abs(b.height_m - a.height_m) * inv_dh);
  };
  const intercept_probe& cached = search.resume_probe;
  const bool from_cache = cached.time_s == start_s;
  probe prev;
  if (from_cache) {  // the same lookup eval(start_s) would make
    prev = {start_s, cached.reachable, launch_time_s + cached.time_of_flight_s - start_s, cached.ground_range_m,
            cached.height_m, cached.time_of_flight_s};
  } else {
    prev = eval(start_s);
  }
  if (prev.reachable && std::abs(prev.f) <= search.time_tolerance_s) return answer(prev, prev, 0.0);
  if (prev.reachable && prev.f < 0.0) clear_s = start_s;
  double step_s = search.max_scan_step_s;
  probe before = prev;  // the probe before prev (for a slope estimate)
  if (from_cache && search.resume_slope > 0.0 && prev.reachable) {
    before = prev;  // a stand-in one second earlier carrying the earlier search's slope
    before.t = prev.t - 1.0;
    before.f = prev.f + search.resume_slope;
  }
  double secant_outside_s = std::numeric_limits<double>::infinity();  // earliest secant aim that was unreachable
  // f/L and distance/speed as products: a division's latency sits in the
  // chain of dependent steps that each probe waits on. Each reciprocal is
  // shrunk by 2^-50 (far above its rounding error), so that a product never
  // exceeds the quotient it stands for: a jump stays within its bound.
  constexpr double below_one = 1.0 - 0x1p-50;
  const double inv_lipschitz = search.f_lipschitz > 0.0 ? below_one / search.f_lipschitz : 0.0;
  const double inv_target_speed = search.max_target_speed_mps > 0.0 ? below_one / search.max_target_speed_mps : 0.0;
  // Moves the scan on to `q`, noting where it first passes a reachable f <= 0.
  auto advance = [&](const probe& q) {
    if (q.reachable && !(q.f > 0.0)) clear_s = std::min(clear_s, prev.t);
    before = prev;
    prev = q;
  };
  while (prev.t < end_s) {
    if (search.f_lipschitz > 0.0 && prev.reachable && prev.f > 0.0) {
      if (prev.f > 2.0 * step_s * search.f_lipschitz) {
        // Far from the root (more than two scan steps of f/L away): f stays
        // positive for f/L, so jump there if the threat is still inside the
        // envelope. Closer, the secant steps below take over: a bracket they
        // find spans at most about two scan steps' worth of f.
        const probe jump = eval(std::min(prev.t + prev.f * inv_lipschitz, end_s));
        if (jump.reachable) {
          if (opposite(prev, jump)) return bisect_root(prev, jump);
          advance(jump);
          continue;
        }
      } else if (before.reachable && before.t < prev.t && before.f > prev.f) {
        // Near the root: up to three secant steps aimed at it from this side
        // (the first never closer than f/L, where f cannot have crossed yet).
        // One that lands past the root brackets it. Steps that land short
        // are kept when f > 0 provably holds up to there (both ends'
        // Lipschitz cones cover the stretch) or the stretch is no longer
        // than a scan step, which is all the scan itself checks.
        probe lo = prev, lo_before = before;
        for (int k = 0; k < 3; ++k) {
          // The secant step lo.f / slope, slope = (lo_before.f - lo.f) / (lo.t - lo_before.t) > 0,
          // with one division (lo.t > lo_before.t here).
          const double df = lo_before.f - lo.f;
          if (!(df > 0.0)) break;
          const double floor_s = k == 0 ? lo.f * inv_lipschitz : 0.0;
          const double t_try = std::min(lo.t + std::max(lo.f * (lo.t - lo_before.t) / df, floor_s), end_s);
          if (!(t_try > lo.t) || t_try >= secant_outside_s) break;
          const probe q = eval(t_try);
          if (!q.reachable) {
            secant_outside_s = q.t;  // the root estimate left the envelope: do not aim there again
            break;
          }
          if (opposite(lo, q)) return bisect_root(lo, q);
          if (q.f <= search.time_tolerance_s) return answer(q, q, secant_slope(lo, q));
          lo_before = lo;
          lo = q;
        }
        if (lo.t > prev.t) {
          const double dt = lo.t - prev.t;
          const bool covered = dt * search.f_lipschitz <= prev.f + lo.f;
          const bool one_step = dt <= search.max_scan_step_s && cells_between(prev, lo) <= 1.0;
          if (covered || one_step) {
            advance(lo);
            before = lo_before;
            continue;
          }
        }
      }
    }
    if (!prev.reachable && search.max_target_speed_mps > 0.0) {
      const double beyond_m = std::max({prev.range_m - search.reach_range_m, prev.height_m - search.reach_height_m,
                                        table.distance_to_reach_m(prev.range_m, prev.height_m)});
      if (beyond_m > 0.0) {
        const double t_skip = std::min(prev.t + beyond_m * inv_target_speed, end_s);
        if (t_skip > prev.t + search.min_scan_step_s) {
          advance(eval(t_skip));
          continue;
        }
      }
    }
    double t_next = std::min(prev.t + step_s, end_s);
    probe next = eval(t_next);
    double cells = cells_between(prev, next);
    while (cells > 1.0 && t_next - prev.t > search.min_scan_step_s) {
      const double dt_s = std::max(search.min_scan_step_s, 0.9 * (t_next - prev.t) / cells);
      t_next = prev.t + dt_s;
      next = eval(t_next);
      cells = cells_between(prev, next);
      // At the floor, stop: prev.t + min_scan_step_s - prev.t can round to a
      // little more than min_scan_step_s, and the loop would never end.
      if (dt_s == search.min_scan_step_s) break;
    }
    if (prev.reachable && next.reachable) {
      if (opposite(prev, next)) return bisect_root(prev, next);
    } else if (prev.reachable) {
      const probe edge = bisect_edge(prev, next);
      if (opposite(prev, edge)) return bisect_root(prev, edge);
    } else if (next.reachable && !(next.f > 0.0 && entry_stays_positive(prev, next))) {
      const probe edge = bisect_edge(next, prev);
      if (edge.f == 0.0) return answer(edge, edge, 0.0);
      if (edge.f < 0.0) clear_s = std::min(clear_s, prev.t);
      if (opposite(edge, next)) return bisect_root(edge, next);
    }
    // Next proposal: aim for about 0.9 cell per step.
    const double dt = t_next - prev.t;
    step_s = cells > 0.0 ? std::min(search.max_scan_step_s, std::max(search.min_scan_step_s, 0.9 * dt / cells))
                         : search.max_scan_step_s;
    advance(next);
  }
  return none(end_s);
}

}  // namespace samsim
