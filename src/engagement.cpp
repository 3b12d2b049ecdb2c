#include <samsim/engagement.hpp>
#include <samsim/endgame.hpp>
#include <samsim/event_queue.hpp>
#include <samsim/radar.hpp>
#include <samsim/rng.hpp>
#include <samsim/tracking.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <stdexcept>
#include <cmath>
#include <utility>

namespace samsim {

std::string_view to_string(leak_cause cause) {
  switch (cause) {
    case leak_cause::never_detected: return "never_detected";
    case leak_cause::not_tracked: return "not_tracked";
    case leak_cause::outside_envelope: return "outside_envelope";
    case leak_cause::no_fire_channel: return "no_fire_channel";
    case leak_cause::no_interceptor: return "no_interceptor";
    case leak_cause::survived: return "survived";
  }
  return "unknown";
}

std::string_view to_string(trace_kind kind) {
  switch (kind) {
    case trace_kind::threat_launch: return "threat_launch";
    case trace_kind::detection: return "detection";
    case trace_kind::track_confirmed: return "track_confirmed";
    case trace_kind::track_waiting: return "track_waiting";
    case trace_kind::track_acquired: return "track_acquired";
    case trace_kind::launch_blocked: return "launch_blocked";
    case trace_kind::interceptor_launch: return "interceptor_launch";
    case trace_kind::intercept_kill: return "intercept_kill";
    case trace_kind::intercept_miss: return "intercept_miss";
    case trace_kind::kill_assessment: return "kill_assessment";
    case trace_kind::reload_start: return "reload_start";
    case trace_kind::reload_complete: return "reload_complete";
    case trace_kind::leak: return "leak";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------
// engagement_model

namespace {
// This engine runs one battery: a format 2 scenario (several batteries) is refused here.
const scenario& one_battery(const scenario& sc) {
  if (sc.format != 1) throw std::invalid_argument("format 2 scenarios need the defended-area engine");
  return sc;
}
}  // namespace

engagement_model::engagement_model(const scenario& sc)
    : engagement_model(sc, flyout_table::build(one_battery(sc).battery.interceptor, sc.battery.envelope)) {}

engagement_model::engagement_model(const scenario& sc, flyout_table flyout)
    : scenario_(one_battery(sc)), flyout_(std::move(flyout)), coverage_(scenario_.battery.radar) {
  build_class_data();
  const envelope_limits& lim = flyout_.limits();
  for (const envelope_row& row : envelope_table(flyout_, flyout_.height_step_m(), 0.5 * flyout_.range_step_m())) {
    if (!row.reachable) continue;
    max_reach_range_m_ = std::max(max_reach_range_m_, row.max_range_m + flyout_.range_step_m());
    max_reach_height_m_ = std::max(max_reach_height_m_, row.height_m + flyout_.height_step_m());
  }
  max_reach_range_m_ = std::min(max_reach_range_m_, lim.max_range_m);
  max_reach_height_m_ = std::min(max_reach_height_m_, lim.max_height_m);
  tof_gradient_s_per_m_ = measure_tof_gradient(flyout_);
}

double engagement_model::measure_tof_gradient(const flyout_table& table) {
  // Sample the table just inside each node (so at() interpolates nothing) and
  // take the largest difference between reachable neighbours per direction;
  // a bilinear cell's gradient is bounded by its edge differences.
  const envelope_limits& lim = table.limits();
  const double dr = table.range_step_m(), dh = table.height_step_m();
  const int nr = table.range_nodes(), nh = table.height_nodes();
  const double eps_r = 1e-6 * dr, eps_h = 1e-6 * dh;
  auto node = [&](int i, int j) {
    const double r = std::min(i * dr + eps_r, lim.max_range_m - eps_r);
    const double h = std::min(lim.min_height_m + j * dh + eps_h, lim.max_height_m - eps_h);
    return table.at(r, h);
  };
  double gr = 0.0, gh = 0.0;
  for (int j = 0; j < nh; ++j) {
    for (int i = 0; i < nr; ++i) {
      const flyout_point p = node(i, j);
      if (!p.reachable) continue;
      if (i + 1 < nr) {
        const flyout_point q = node(i + 1, j);
        if (q.reachable) gr = std::max(gr, std::abs(q.time_of_flight_s - p.time_of_flight_s) / dr);
      }
      if (j + 1 < nh) {
        const flyout_point q = node(i, j + 1);
        if (q.reachable) gh = std::max(gh, std::abs(q.time_of_flight_s - p.time_of_flight_s) / dh);
      }
    }
  }
  return std::sqrt(gr * gr + gh * gh);
}

void engagement_model::build_class_data() {
  const radar_parameters& radar = scenario_.battery.radar;
  const double c_m4_per_m2 = radar_snr_constant(radar);
  class_data_.clear();
  pd_tables_.clear();
  std::vector<swerling_case> table_cases;
  for (std::size_t k = 0; k < scenario_.classes.size(); ++k) {
    const threat_class& cls = scenario_.classes[k];
    class_data d;
    d.snr_per_r4 = c_m4_per_m2 * cls.rcs_m2;
    auto it = std::find(table_cases.begin(), table_cases.end(), cls.swerling);
    if (it == table_cases.end()) {
      table_cases.push_back(cls.swerling);
      pd_tables_.emplace_back(cls.swerling, radar.pulses_integrated, radar.pfa);
      it = table_cases.end() - 1;
    }
    d.pd_table_index = static_cast<int>(it - table_cases.begin());
    d.pk = k < scenario_.pk_by_class.size() ? scenario_.pk_by_class[k] : scenario_.battery.pk_default;
    class_data_.push_back(d);
  }
}

// ---------------------------------------------------------------------------
// run_trial

namespace {

enum class event_type : std::uint8_t { intercept, kill_assessment, reload_complete, leak, confirm, ready, wake };

/// What an event refers to: a threat, and an interceptor serial (intercept)
/// or a launcher index (reload).
struct event_payload {
  int threat;
  int aux;
};
using event_queue_t = event_queue<event_payload>;
using event = event_queue_t::entry;

constexpr std::uint8_t no_block = 255;
constexpr std::uint8_t nfc_block = static_cast<std::uint8_t>(leak_cause::no_fire_channel);
constexpr double infinity = std::numeric_limits<double>::infinity();
/// Step of the search for the next launch time at which an intercept becomes feasible.
constexpr double feasibility_scan_step_s = 1.0;
/// Least delay before an infeasible shot is tried again.
constexpr double min_retry_step_s = 0.1;

struct threat_runtime {
  double leak_time_s = 0.0;
  double ready_time_s = infinity;
  double next_feasible_s = -infinity;  ///< no launch is feasible before this
  bool tracked = false;
  bool waiting_slot = false;
  bool leaked = false;
  bool killed = false;        ///< physically killed
  bool known_killed = false;  ///< seen killed at a kill assessment
  bool awaiting_assessment = false;
  bool holds_channel = false;
  int pending_assessments = 0;
  std::uint8_t last_block = no_block;
};

/// What the intercept searches against one threat left behind (kept apart
/// from threat_runtime, which decision passes walk and should stay small).
struct search_memory {
  /// The last search's answer, or the resume record next_feasible_launch left.
  intercept_prediction last;
  /// The launch time `last` answers (a repeated question at the same launch
  /// is answered from it); infinity when it answers none.
  double answers_launch_s = infinity;
  /// A search for any launch at or after this may resume from `last`.
  double resume_launch_s = infinity;
};

}  // namespace

struct trial_workspace::internal {
  event_queue_t queue;
  std::vector<threat_runtime> rt;
  std::vector<search_memory> searches;  ///< per threat
  std::vector<int> slot_queue;  ///< FIFO of threats waiting for a track slot, from slot_head
  std::size_t slot_head = 0;
  std::vector<int> launcher_rounds;
  std::vector<int> candidates;
  /// Threats that may be fired at now (eligible()), by (leak time, index): kept
  /// up to date at the events that change eligibility, so a decision pass
  /// looks at these alone.
  std::vector<int> eligible;
  std::vector<std::uint8_t> kill_flags;  ///< per interceptor serial
};

namespace {

class trial_engine {
 public:
  trial_engine(const engagement_model& model, std::uint64_t seed, std::uint64_t trial, trial_workspace& ws,
               std::vector<trace_event>* trace)
      : model_(model),
        sc_(model.scenario_data()),
        bat_(sc_.battery),
        seed_(seed),
        trial_(trial),
        ws_(ws),
        st_(*ws.state),
        trace_(trace),
        slots_(bat_.radar.max_tracks) {
    battery_enu_m_ = Eigen::Vector3d(bat_.position_en_m.x(), bat_.position_en_m.y(), 0.0);
  }

  trial_result run() {
    sample_threats();
    detect_and_confirm();
    setup_battery();
    loop();
    return finish();
  }

 private:
  // ---- set-up ------------------------------------------------------------
  void sample_threats() {
    sample_raid(sc_.raid, seed_, trial_, ws_.threats);
    const std::size_t n = ws_.threats.size();
    if (n >= max_sub_streams)  // validation bounds the raid well below this; a Poisson count can still exceed it
      throw std::length_error(fmt::format("trial {} (seed {}): {} threats, more than the {} a trial supports", trial_,
                                          seed_, n, max_sub_streams - 1));
    ws_.trajectories.clear();
    ws_.outcomes.assign(n, threat_outcome{});
    st_.rt.assign(n, threat_runtime{});
    st_.searches.assign(n, search_memory{});
    for (std::size_t i = 0; i < n; ++i) {
      const threat_state& t = ws_.threats[i];
      ws_.trajectories.emplace_back(sc_.classes[static_cast<std::size_t>(t.class_index)], t);
      st_.rt[i].leak_time_s = ws_.trajectories[i].leak_time_s();
      record(t.launch_time_s, trace_kind::threat_launch, static_cast<int>(i));
    }
    result_.threats = static_cast<int>(n);
    unresolved_ = static_cast<int>(n);
  }

  /// Position relative to the battery, ENU metres.
  Eigen::Vector3d relative_position(int i, double t_s) const {
    return ws_.trajectories[static_cast<std::size_t>(i)].position_enu_m(t_s) - battery_enu_m_;
  }

  /// Looks at every threat from its launch until confirmation or its leak.
  /// Each threat draws from its own detection sub-stream, so its detections
  /// do not depend on the other threats.
  void detect_and_confirm() {
    const radar_parameters& radar = bat_.radar;
    const double period_s = radar.scan_period_s;
    random_stream phase_stream(seed_, stream_id::scan_phase, trial_);
    const double phase_s = phase_stream.uniform() * period_s;
    const double ha = radar.antenna_height_m;
    const coverage_checker& coverage = model_.coverage();
    for (std::size_t i = 0; i < ws_.threats.size(); ++i) {
      const threat_trajectory& traj = ws_.trajectories[i];
      const auto& cls = model_.classes()[static_cast<std::size_t>(ws_.threats[i].class_index)];
      const pd_table& pd = model_.pd_tables()[static_cast<std::size_t>(cls.pd_table_index)];
      const double t_end = st_.rt[i].leak_time_s;
      // No look can see the threat beyond this ground distance from the radar.
      const double reach_m = std::min(radar_horizon_m(ha, traj.max_height_m()), radar.max_range_m);
      const double speed_mps = std::max(traj.max_ground_speed_mps(), 1e-9);
      random_stream det(seed_, sub_stream(stream_id::detection, static_cast<std::uint32_t>(i)), trial_);
      m_of_n_window window(radar.confirm_m, radar.confirm_n);
      double horizon_height_m = std::numeric_limits<double>::quiet_NaN(), horizon_m = 0.0;
      double k = std::ceil((traj.launch_time_s() - phase_s) / period_s);
      for (double t = phase_s + k * period_s; t < t_end; t = phase_s + k * period_s) {
        const Eigen::Vector3d p = relative_position(static_cast<int>(i), t);
        const double d_m = std::sqrt(p.x() * p.x() + p.y() * p.y());
        if (d_m > reach_m) {
          // Ground distance falls at most at the ground speed: skip looks that cannot see it.
          k += std::max(1.0, std::floor((d_m - reach_m) / speed_mps / period_s));
          continue;
        }
        k += 1.0;
        if (p.z() != horizon_height_m) {  // most threats fly level: one square root per threat
          horizon_height_m = p.z();
          horizon_m = coverage.horizon_m(horizon_height_m);
        }
        if (!coverage.within(d_m, p.z(), horizon_m)) continue;  // hidden looks neither count nor break the window
        const double dz = p.z() - ha;
        const double r2 = d_m * d_m + dz * dz;
        const double snr = cls.snr_per_r4 / (r2 * r2);
        const double pd_value = pd(snr);
        const bool detected = det.uniform() < pd_value;
        if (detected) record(t, trace_kind::detection, static_cast<int>(i), -1, -1, pd_value);
        if (window.record_look(detected)) {
          ws_.outcomes[i].confirm_time_s = t;
          push(t, event_type::confirm, static_cast<int>(i));
          break;
        }
      }
      push(t_end, event_type::leak, static_cast<int>(i));
    }
  }

  void setup_battery() {
    const auto& l = bat_.launchers;
    st_.launcher_rounds.assign(static_cast<std::size_t>(l.count), l.ready_per_launcher);
    ready_rounds_ = l.count * l.ready_per_launcher;
    pool_rounds_ = l.reload_rounds;
    reloading_rounds_ = 0;
    st_.kill_flags.clear();
    st_.slot_queue.clear();
    st_.slot_head = 0;
    st_.eligible.clear();
  }

  // ---- events ------------------------------------------------------------
  void push(double t_s, event_type type, int threat, int aux = -1) {
    st_.queue.push(t_s, static_cast<unsigned>(type), event_payload{threat, aux});
  }

  void record(double t_s, trace_kind kind, int threat, int launcher = -1, int interceptor = -1,
              double value = 0.0) {
    if (trace_) trace_->push_back(trace_event{t_s, kind, threat, launcher, interceptor, value});
  }

  void loop() {
    auto& queue = st_.queue;
    while (!queue.empty() && unresolved_ > 0) {
      const double t = queue.top().time_s();
      // Handle every event at this instant, then decide launches once.
      while (!queue.empty() && queue.top().time_s() == t) {
        handle(queue.pop(), t);
        ++result_.events;
      }
      assign(t);
    }
  }

  void handle(const event& e, double t) {
    const int threat = e.payload.threat, aux = e.payload.aux;
    switch (static_cast<event_type>(e.priority())) {
      case event_type::confirm: on_confirm(threat, t); break;
      case event_type::leak: on_leak(threat, t); break;
      case event_type::intercept: on_intercept(threat, aux, t); break;
      case event_type::kill_assessment: on_kill_assessment(threat, t); break;
      case event_type::reload_complete: on_reload_complete(aux, threat, t); break;
      case event_type::ready: refresh_eligible(threat, t); break;
      case event_type::wake: break;  // assign() runs after every instant
    }
  }

  void start_track(int i, double t) {
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    r.tracked = true;
    r.waiting_slot = false;
    r.ready_time_s = t + bat_.fire_control.reaction_time_s;
    push(r.ready_time_s, event_type::ready, i);
    refresh_eligible(i, t);
  }

  void on_confirm(int i, double t) {
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    if (r.leaked) return;
    if (slots_.try_acquire()) {
      record(t, trace_kind::track_confirmed, i);
      start_track(i, t);
    } else {
      r.waiting_slot = true;
      st_.slot_queue.push_back(i);
      record(t, trace_kind::track_waiting, i);
    }
  }

  /// A track ends (kill or leak): the slot goes to the longest-waiting threat.
  void release_track(double t) {
    slots_.release();
    while (st_.slot_head < st_.slot_queue.size()) {
      const int j = st_.slot_queue[st_.slot_head++];
      const threat_runtime& w = st_.rt[static_cast<std::size_t>(j)];
      if (!w.waiting_slot) continue;  // leaked while waiting
      if (w.leak_time_s <= t) continue;  // leaks at this instant: it never got a track
      const bool acquired = slots_.try_acquire();
      assert(acquired);
      (void)acquired;
      record(t, trace_kind::track_acquired, j);
      start_track(j, t);
      break;
    }
  }

  void release_channel(threat_runtime& r) {
    if (r.holds_channel) {
      r.holds_channel = false;
      --engaged_;
    }
  }

  void on_leak(int i, double t) {
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    if (r.killed) return;
    r.leaked = true;
    refresh_eligible(i, t);
    --unresolved_;
    threat_outcome& out = ws_.outcomes[static_cast<std::size_t>(i)];
    out.killed = false;
    out.end_time_s = t;
    if (out.interceptors_used > 0) {
      out.cause = leak_cause::survived;
    } else if (!r.tracked) {
      out.cause = std::isfinite(out.confirm_time_s) ? leak_cause::not_tracked : leak_cause::never_detected;
    } else if (r.last_block != no_block) {
      out.cause = static_cast<leak_cause>(r.last_block);
    } else {
      out.cause = leak_cause::outside_envelope;  // tracked, never a feasible shot (e.g. reaction time too long)
    }
    ++result_.leakers;
    result_.first_leak_time_s = std::min(result_.first_leak_time_s, t);
    record(t, trace_kind::leak, i, -1, -1, static_cast<double>(out.cause));
    r.waiting_slot = false;
    release_channel(r);
    if (r.tracked) release_track(t);
  }

  void on_intercept(int i, int serial, double t) {
    --in_flight_;
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    if (r.killed || r.leaked) {
      record(t, trace_kind::intercept_miss, i, -1, serial, 0.0);
      return;
    }
    if (st_.kill_flags[static_cast<std::size_t>(serial)]) {
      r.killed = true;
      --unresolved_;
      threat_outcome& out = ws_.outcomes[static_cast<std::size_t>(i)];
      out.killed = true;
      out.end_time_s = t;
      record(t, trace_kind::intercept_kill, i, -1, serial);
      release_track(t);
    } else {
      record(t, trace_kind::intercept_miss, i, -1, serial, 1.0);
    }
  }

  void on_kill_assessment(int i, double t) {
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    --r.pending_assessments;
    r.awaiting_assessment = false;
    if (r.killed) r.known_killed = true;
    refresh_eligible(i, t);
    record(t, trace_kind::kill_assessment, i, -1, -1, r.killed ? 1.0 : 0.0);
    if (r.leaked) return;
    const int salvos = ws_.outcomes[static_cast<std::size_t>(i)].salvos;
    if (r.killed) {
      release_channel(r);
    } else if (salvos >= bat_.doctrine.max_salvos_per_threat && r.pending_assessments == 0) {
      release_channel(r);  // its last shot is assessed; it will leak as a survivor
    } else if (r.pending_assessments == 0 && !salvo_feasible(i, t, 1) && !std::isfinite(r.next_feasible_s)) {
      release_channel(r);  // no further shot can ever be feasible: this was its last
    }
  }

  void on_reload_complete(int launcher, int rounds, double t) {
    st_.launcher_rounds[static_cast<std::size_t>(launcher)] += rounds;
    ready_rounds_ += rounds;
    reloading_rounds_ -= rounds;
    record(t, trace_kind::reload_complete, -1, launcher, -1, rounds);
  }

  // ---- fire control --------------------------------------------------------
  /// Whether threat i may be fired at, from time t on, as far as its own state goes.
  bool eligible(int i, double t) const {
    const threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    if (!r.tracked || r.leaked || r.known_killed || r.ready_time_s > t) return false;
    if (ws_.outcomes[static_cast<std::size_t>(i)].salvos >= bat_.doctrine.max_salvos_per_threat) return false;
    if (bat_.doctrine.mode == doctrine_mode::shoot_look_shoot && r.awaiting_assessment) return false;
    return true;
  }

  /// Brings threat i's place in the eligible list up to date after its state
  /// changed at time t. The list is in priority order: earliest arrival at the
  /// leak point first, ties by threat index.
  bool refresh_eligible(int i, double t) {
    auto& list = st_.eligible;
    auto before = [this](int a, int b) {
      const double ta = st_.rt[static_cast<std::size_t>(a)].leak_time_s;
      const double tb = st_.rt[static_cast<std::size_t>(b)].leak_time_s;
      return ta != tb ? ta < tb : a < b;
    };
    const auto at = std::lower_bound(list.begin(), list.end(), i, before);
    const bool listed = at != list.end() && *at == i;
    const bool now = eligible(i, t);
    int& count = eligible_by_block_[block_slot(st_.rt[static_cast<std::size_t>(i)].last_block)];
    if (now && !listed) {
      list.insert(at, i);
      ++count;
    } else if (!now && listed) {
      list.erase(at);
      --count;
    }
    return now;
  }

  /// Where a block reason (a leak_cause value, or no_block) is counted.
  static std::size_t block_slot(std::uint8_t reason) { return reason & 7u; }

  /// Sets threat i's last block reason, keeping eligible_by_block_ in step
  /// (`listed`: i is in the eligible list).
  void set_last_block(threat_runtime& r, std::uint8_t reason, bool listed) {
    if (listed) {
      --eligible_by_block_[block_slot(r.last_block)];
      ++eligible_by_block_[block_slot(reason)];
    }
    r.last_block = reason;
  }

  intercept_prediction predict(int i, double launch_time_s) {
    const threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    const double latest_s = r.leak_time_s;
    intercept_search_options search;
    search_memory& m = st_.searches[static_cast<std::size_t>(i)];
    if (launch_time_s == m.answers_launch_s) return m.last;  // asked again at the same instant
    if (launch_time_s >= m.resume_launch_s) search.resume_after(m.last);
    const double speed_mps = ws_.trajectories[static_cast<std::size_t>(i)].max_speed_mps();
    search.f_lipschitz = 1.0 + speed_mps * model_.tof_gradient_bound_s_per_m();
    search.max_target_speed_mps = speed_mps;
    search.reach_range_m = model_.max_reach_range_m();
    search.reach_height_m = model_.max_reach_height_m();
    search.time_tolerance_s = 1e-4;
    const intercept_prediction p = predict_intercept(
        model_.flyout(), launch_time_s, latest_s, [this, i](double t_s) { return relative_position(i, t_s); },
        search);
    m.last = p;
    m.answers_launch_s = launch_time_s;
    m.resume_launch_s = launch_time_s;
    return p;
  }

  /// Earliest launch time after `t_from` at which an intercept may be feasible.
  /// An intercept at time tI needs a launch at g(tI) = tI - tof(p(tI)). The
  /// scan samples the threat's remaining flight every feasibility_scan_step_s,
  /// jumping over stretches where it is provably beyond the table's reach (its
  /// distance to the reach falls at most at its speed), and returns g at the
  /// first sample inside the envelope with g > t_from, after locating the
  /// envelope entry between the last outside sample and it by bisection.
  ///
  /// What the scan saw also tells a later intercept search where to start: at
  /// every sample before the one it returns, the threat was out of reach or a
  /// launch at t_from or later would have f = launch + tof - t > 0. So a
  /// search for any launch from t_from on may resume at that sample (kept in
  /// the threat's resume record, with its table lookup).
  double next_feasible_launch(int i, double t_from) {
    const threat_trajectory& traj = ws_.trajectories[static_cast<std::size_t>(i)];
    const double t_end = st_.rt[static_cast<std::size_t>(i)].leak_time_s;
    const double speed_mps = std::max(traj.max_speed_mps(), 1e-9);
    const flyout_table& table = model_.flyout();
    auto sample = [&](double t_i) {
      const Eigen::Vector3d p = relative_position(i, t_i);
      const double d_m = std::sqrt(p.x() * p.x() + p.y() * p.y());
      const flyout_point fp = table.at(d_m, p.z());
      return intercept_probe{t_i, fp.reachable, fp.time_of_flight_s, d_m, p.z()};
    };
    auto resume_at = [&](const intercept_probe& q) {
      search_memory& m = st_.searches[static_cast<std::size_t>(i)];
      m.last = intercept_prediction{};
      m.last.clear_until_s = q.time_s;
      m.last.clear_probe = q;
      m.answers_launch_s = infinity;
      m.resume_launch_s = t_from;
      return q.time_s - q.time_of_flight_s;
    };
    double previous_outside = -infinity;
    for (double t_i = t_from; t_i <= t_end;) {
      const Eigen::Vector3d p = relative_position(i, t_i);
      const double d_m = std::sqrt(p.x() * p.x() + p.y() * p.y());
      const double beyond_m = std::max(d_m - model_.max_reach_range_m(), p.z() - model_.max_reach_height_m());
      if (beyond_m > 0.0) {
        previous_outside = t_i;
        t_i += std::max(feasibility_scan_step_s, beyond_m / speed_mps);
        continue;
      }
      const flyout_point fp = table.at(d_m, p.z());
      if (fp.reachable && t_i - fp.time_of_flight_s > t_from) {
        intercept_probe in{t_i, true, fp.time_of_flight_s, d_m, p.z()};
        if (previous_outside > t_from) {
          // Entry into the envelope between the last outside sample and this one.
          double out_s = previous_outside;
          for (int k = 0; k < 30 && in.time_s - out_s > 0.01; ++k) {
            const intercept_probe q = sample(0.5 * (in.time_s + out_s));
            if (q.reachable && q.time_s - q.time_of_flight_s > t_from)
              in = q;
            else
              out_s = q.time_s;
          }
        }
        return resume_at(in);
      }
      previous_outside = t_i;
      t_i += feasibility_scan_step_s;
    }
    return infinity;
  }

  void block(int i, leak_cause cause, double t) {
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    if (r.last_block != static_cast<std::uint8_t>(cause))
      record(t, trace_kind::launch_blocked, i, -1, -1, static_cast<double>(cause));
    set_last_block(r, static_cast<std::uint8_t>(cause), true);  // only decision passes block, and only listed threats
  }

  /// No feasible intercept now. This is the threat's leak cause only if no
  /// shortage of resources ever blocked a feasible shot at it: the cause is
  /// what stopped the defence while it still could have fired.
  void block_outside(int i, double t) {
    const std::uint8_t reason = st_.rt[static_cast<std::size_t>(i)].last_block;
    if (reason == no_block || reason == static_cast<std::uint8_t>(leak_cause::outside_envelope))
      block(i, leak_cause::outside_envelope, t);
  }

  /// Whether every round of a salvo fired from `t` (one launch interval
  /// apart) has a feasible intercept; fills rounds_. When not, caches the
  /// next launch time at which one may be and schedules a wake-up for it.
  bool salvo_feasible(int i, double t, int rounds) {
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    if (r.next_feasible_s > t) return false;
    for (int k = 0; k < rounds; ++k) {
      rounds_[static_cast<std::size_t>(k)] = predict(i, t + k * bat_.fire_control.launch_interval_s);
      if (!rounds_[static_cast<std::size_t>(k)].feasible) {
        if (k == 0) {
          // At least a minimum retry step, so a search that lands just short cannot spin in place.
          r.next_feasible_s = std::max(next_feasible_launch(i, t), t + min_retry_step_s);
          if (std::isfinite(r.next_feasible_s)) push(r.next_feasible_s, event_type::wake, -1);
        }
        return false;
      }
    }
    return true;
  }

  /// The resource that stops a salvo at `t`, if any (checked before the
  /// costlier intercept prediction).
  std::uint8_t resource_shortage(bool holds_channel, double t) const {
    const auto& fc = bat_.fire_control;
    const int salvo = bat_.doctrine.salvo_size;
    if (t < next_launch_s_) return static_cast<std::uint8_t>(leak_cause::no_fire_channel);  // launch interval
    if (!holds_channel && engaged_ >= fc.max_engaged_targets)
      return static_cast<std::uint8_t>(leak_cause::no_fire_channel);
    if (in_flight_ + salvo > fc.max_interceptors_in_flight) return static_cast<std::uint8_t>(leak_cause::no_fire_channel);
    if (ready_rounds_ < salvo) return static_cast<std::uint8_t>(leak_cause::no_interceptor);
    return no_block;
  }

  /// One wake-up when the launch interval ends (not one per decision pass).
  void wake_for_launch_interval(double t) {
    if (t < next_launch_s_ && launch_wake_s_ != next_launch_s_) {
      push(next_launch_s_, event_type::wake, -1);
      launch_wake_s_ = next_launch_s_;
    }
  }

  void assign(double t) {
    if (st_.eligible.empty()) return;
    wake_for_launch_interval(t);
    const int salvo = bat_.doctrine.salvo_size;
#ifndef NDEBUG
    for (std::uint8_t reason : {no_block, static_cast<std::uint8_t>(leak_cause::outside_envelope), nfc_block,
                                static_cast<std::uint8_t>(leak_cause::no_interceptor)})
      assert(eligible_by_block_[block_slot(reason)] ==
             std::count_if(st_.eligible.begin(), st_.eligible.end(),
                           [&](int i) { return st_.rt[static_cast<std::size_t>(i)].last_block == reason; }));
#endif
    // When the shortage does not depend on whether a threat holds a fire
    // channel (a launch interval, every interceptor slot in flight, or no
    // ready round while channels are free), every eligible threat gets the
    // same reason. If each already carries it, the pass below would only skip
    // them all: a large raid's decision passes then cost nothing instead of a
    // walk over every waiting threat.
    std::uint8_t common = resource_shortage(true, t);
    if (common != resource_shortage(false, t)) common = no_block;
    if (common != no_block &&
        eligible_by_block_[block_slot(common)] == static_cast<int>(st_.eligible.size()))
      return;
    // A copy: launching changes the eligible list.
    auto& cand = st_.candidates;
    cand.assign(st_.eligible.begin(), st_.eligible.end());
    for (const int i : cand) {
      threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
      const std::uint8_t shortage = resource_shortage(r.holds_channel, t);
      if (shortage != no_block) {
        // Attribute the shortage only when a shot was feasible; an unchanged reason needs no prediction.
        if (r.last_block == shortage) continue;
        if (salvo_feasible(i, t, 1))
          block(i, static_cast<leak_cause>(shortage), t);
        else
          block_outside(i, t);
        continue;
      }
      if (!salvo_feasible(i, t, salvo)) {
        block_outside(i, t);
        continue;
      }
      launch_salvo(i, t);
      wake_for_launch_interval(t);
    }
  }

  int take_round(double launch_time_s) {
    auto& rounds = st_.launcher_rounds;
    for (std::size_t l = 0; l < rounds.size(); ++l) {
      if (rounds[l] == 0) continue;
      --rounds[l];
      --ready_rounds_;
      if (rounds[l] == 0) {
        // An empty launcher reloads at once from the pool (what is left of it).
        const int load = std::min(bat_.launchers.ready_per_launcher, pool_rounds_);
        if (load > 0) {
          pool_rounds_ -= load;
          reloading_rounds_ += load;
          push(launch_time_s + bat_.launchers.reload_time_s, event_type::reload_complete, load,
               static_cast<int>(l));
          record(launch_time_s, trace_kind::reload_start, -1, static_cast<int>(l), -1, load);
        }
      }
      return static_cast<int>(l);
    }
    assert(false && "take_round called without a ready round");
    return -1;
  }

  void launch_salvo(int i, double t) {
    const auto& fc = bat_.fire_control;
    const auto& doc = bat_.doctrine;
    const int salvo = doc.salvo_size;
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    threat_outcome& out = ws_.outcomes[static_cast<std::size_t>(i)];
    if (!r.holds_channel) {
      r.holds_channel = true;
      ++engaged_;
    }
    const auto& cls = model_.classes()[static_cast<std::size_t>(ws_.threats[static_cast<std::size_t>(i)].class_index)];
    // Each threat's kill draws come from its own endgame sub-stream, salvo after salvo.
    // A salvo uses salvo + 1 uniforms of two words each, whatever its outcome.
    random_stream endgame(seed_, sub_stream(stream_id::endgame, static_cast<std::uint32_t>(i)), trial_);
    endgame.seek_word(static_cast<std::uint64_t>(out.salvos) * 2u * static_cast<std::uint64_t>(salvo + 1));
    double pk_rounds[max_salvo_size];
    const kill_model& km = bat_.kill;
    for (int k = 0; k < salvo; ++k) {
      pk_rounds[k] = cls.pk;
      if (km.edge_start_fraction < 1.0)
        pk_rounds[k] *= edge_pk_factor(rounds_[static_cast<std::size_t>(k)].ground_range_m,
                                       model_.max_reach_range_m(), 1.0 - km.edge_start_fraction, km.edge_factor);
    }
    const std::uint32_t kills = sample_salvo_rounds(pk_rounds, salvo, km.common_mode_correlation, endgame);
    double last_intercept_s = t;
    for (int k = 0; k < salvo; ++k) {
      const double launch_s = t + k * fc.launch_interval_s;
      const int launcher = take_round(launch_s);
      const int serial = static_cast<int>(st_.kill_flags.size());
      st_.kill_flags.push_back(((kills >> k) & 1u) != 0 ? 1 : 0);
      const intercept_prediction& p = rounds_[static_cast<std::size_t>(k)];
      ++in_flight_;
      push(p.intercept_time_s, event_type::intercept, i, serial);
      record(launch_s, trace_kind::interceptor_launch, i, launcher, serial, p.intercept_time_s);
      last_intercept_s = std::max(last_intercept_s, p.intercept_time_s);
    }
    push(last_intercept_s + doc.kill_assessment_s, event_type::kill_assessment, i);
    ++out.salvos;
    out.interceptors_used += salvo;
    result_.interceptors_used += salvo;
    ++r.pending_assessments;
    r.awaiting_assessment = true;
    set_last_block(r, no_block, refresh_eligible(i, t));
    next_launch_s_ = t + salvo * fc.launch_interval_s;
    if (ready_rounds_ + reloading_rounds_ + pool_rounds_ == 0) result_.magazine_exhausted = true;
  }

  trial_result finish() {
    result_.rounds_left = ready_rounds_ + reloading_rounds_ + pool_rounds_;
    if (trace_) {
      std::stable_sort(trace_->begin() + static_cast<std::ptrdiff_t>(trace_start_), trace_->end(),
                       [](const trace_event& a, const trace_event& b) { return a.time_s < b.time_s; });
    }
    return result_;
  }

  const engagement_model& model_;
  const scenario& sc_;
  const battery_parameters& bat_;
  std::uint64_t seed_;
  std::uint64_t trial_;
  trial_workspace& ws_;
  trial_workspace::internal& st_;
  std::vector<trace_event>* trace_;
  std::size_t trace_start_ = trace_ ? trace_->size() : 0;
  track_slots slots_;
  Eigen::Vector3d battery_enu_m_;
  trial_result result_;
  int unresolved_ = 0;
  std::array<int, 8> eligible_by_block_{};  ///< eligible threats per last block reason (block_slot)
  int engaged_ = 0;
  int in_flight_ = 0;
  int ready_rounds_ = 0;
  int pool_rounds_ = 0;
  int reloading_rounds_ = 0;
  double next_launch_s_ = -infinity;
  double launch_wake_s_ = -infinity;
  intercept_prediction rounds_[max_salvo_size];
};

}  // namespace

trial_result run_trial(const engagement_model& model, std::uint64_t seed, std::uint64_t trial_index,
                       trial_workspace& ws, std::vector<trace_event>* trace) {
  if (!ws.state) ws.state = std::make_shared<trial_workspace::internal>();
  ws.state->queue.clear();
  trial_engine engine(model, seed, trial_index, ws, trace);
  return engine.run();
}

}  // namespace samsim
