#pragma once
/// \file engagement.hpp
/// One trial: a sampled raid against the battery on one event-driven timeline
/// (detect -> track -> assign -> fly out -> intercept or leak).
///
/// `engagement_model` holds everything computed once per scenario (Pd tables,
/// the flyout table, radar constants); `run_trial` is a pure function of the
/// model, the master seed and the trial index. Ties in time are broken by a
/// fixed event priority and then by the order events were scheduled, so a
/// trial's timeline is the same whatever ran before it.

#include <samsim/detection.hpp>
#include <samsim/flyout.hpp>
#include <samsim/scenario.hpp>
#include <samsim/threat.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

namespace samsim {

/// Why a threat leaked: the thing that stopped the defence (docs/model.md, leak causes).
enum class leak_cause : std::uint8_t {
  never_detected = 0,  ///< no M-of-N confirmation before it leaked
  not_tracked,         ///< confirmable, but no track slot came free
  outside_envelope,    ///< tracked, but no shot at it was ever feasible and blocked by resources
                       ///< (out of reach, or the reaction time left no time)
  no_fire_channel,     ///< a feasible shot found the fire channels, the interceptors in flight
                       ///< or the launch interval taken
  no_interceptor,      ///< no salvo ready on the launchers
  survived,            ///< fired at, and every shot missed
};
inline constexpr int leak_cause_count = 6;
/// Name as used in reports and JSON ("never_detected", ...).
std::string_view to_string(leak_cause cause);

/// What happened to one threat in one trial.
struct threat_outcome {
  bool killed = false;
  leak_cause cause = leak_cause::never_detected;  ///< meaningful when !killed
  double end_time_s = 0.0;      ///< kill time, or leak time
  double confirm_time_s = std::numeric_limits<double>::infinity();  ///< track confirmation (inf: never)
  int interceptors_used = 0;
  int salvos = 0;
};

/// Per-trial totals.
struct trial_result {
  int threats = 0;
  int leakers = 0;
  int interceptors_used = 0;
  double first_leak_time_s = std::numeric_limits<double>::infinity();
  int rounds_left = 0;              ///< ready + reloading + pool at the end
  bool magazine_exhausted = false;  ///< every round gone (ready, reloading and pool) at some time
  /// At some decision time a feasible shot at a threat was refused because the
  /// ready rounds on the launchers were fewer than the salvo size (rounds in
  /// reload or in the pool do not count): the `no_interceptor` block.
  bool no_ready_salvo = false;
  std::uint64_t events = 0;         ///< events processed
};

/// Kinds of entries in a trial's timeline.
enum class trace_kind : std::uint8_t {
  threat_launch,
  detection,         ///< a look that detected the threat
  track_confirmed,
  track_waiting,     ///< confirmed, but no track slot free
  track_acquired,    ///< a slot came free for a waiting threat
  launch_blocked,    ///< a shot opportunity refused (value: the leak_cause code)
  interceptor_launch,
  intercept_kill,
  intercept_miss,
  kill_assessment,
  reload_start,
  reload_complete,
  leak,
};
std::string_view to_string(trace_kind kind);

/// One entry of a trial's timeline.
struct trace_event {
  double time_s = 0.0;
  trace_kind kind = trace_kind::threat_launch;
  int threat = -1;       ///< index into the trial's threats, -1 if none
  int launcher = -1;     ///< launcher index, -1 if none
  int interceptor = -1;  ///< interceptor serial number in the trial, -1 if none
  double value = 0.0;    ///< kind-specific: Pd of a detection, intercept time of a launch, rounds loaded...
};

/// Everything about a scenario that does not change from trial to trial.
class engagement_model {
 public:
  /// Validates nothing itself: pass a validated scenario. Builds the flyout table and Pd tables.
  explicit engagement_model(const scenario& sc);
  /// Reuses an already built flyout table (sweeps that do not touch the interceptor).
  engagement_model(const scenario& sc, flyout_table flyout);

  const scenario& scenario_data() const { return scenario_; }
  const flyout_table& flyout() const { return flyout_; }

  // Per-class data for the hot loop.
  struct class_data {
    double snr_per_r4 = 0.0;  ///< per-pulse SNR x R^4 [m^4]: radar constant x mean RCS
    int pd_table_index = 0;   ///< into pd_tables()
    double pk = 0.0;
  };
  const std::vector<class_data>& classes() const { return class_data_; }
  const std::vector<pd_table>& pd_tables() const { return pd_tables_; }
  const coverage_checker& coverage() const { return coverage_; }
  /// Largest ground range and height at which the flyout table reaches anything
  /// (plus one grid cell): beyond them no intercept can be feasible.
  double max_reach_range_m() const { return max_reach_range_m_; }
  double max_reach_height_m() const { return max_reach_height_m_; }
  /// Bound on |grad tof| of the flyout table [s/m], measured on its nodes:
  /// with a threat's speed bound it limits how fast intercept timing can change.
  double tof_gradient_bound_s_per_m() const { return tof_gradient_s_per_m_; }
  /// That bound for any table: the largest difference between reachable
  /// neighbouring nodes per direction, over the grid step (a bilinear cell's
  /// gradient is bounded by its edge differences), combined in quadrature.
  static double measure_tof_gradient(const flyout_table& table);

 private:
  void build_class_data();

  scenario scenario_;
  flyout_table flyout_;
  coverage_checker coverage_;
  double max_reach_range_m_ = 0.0;
  double max_reach_height_m_ = 0.0;
  double tof_gradient_s_per_m_ = 0.0;
  std::vector<pd_table> pd_tables_;
  std::vector<class_data> class_data_;
};

/// Reusable buffers for run_trial: allocate once per thread, reuse every trial.
struct trial_workspace {
  std::vector<threat_state> threats;
  std::vector<threat_trajectory> trajectories;
  std::vector<threat_outcome> outcomes;
  struct internal;
  std::shared_ptr<internal> state;  ///< engine bookkeeping, grown on first use
};

/// Runs trial `trial_index` of the Monte Carlo with master seed `seed`.
/// Fills `ws.threats`, `ws.trajectories` and `ws.outcomes` (one per threat).
/// With a non-null `trace`, appends the trial's timeline to it.
trial_result run_trial(const engagement_model& model, std::uint64_t seed, std::uint64_t trial_index,
                       trial_workspace& ws, std::vector<trace_event>* trace = nullptr);

}  // namespace samsim
