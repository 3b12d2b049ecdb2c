#pragma once
/// \file engagement.hpp
/// One trial: a sampled raid against the defended area (every battery, every
/// interceptor type, every asset) on one event-driven timeline
/// (detect -> track -> distribute fire -> fly out -> intercept or leak).
///
/// `engagement_model` holds everything computed once per scenario (Pd tables,
/// one flyout table per interceptor type, each radar's constants, the
/// fire-distribution rule); `run_trial` is a pure function of the model, the
/// master seed and the trial index. Ties in time are broken by a fixed event
/// priority and then by the order events were scheduled, so a trial's
/// timeline is the same whatever ran before it. A format 1 scenario (one
/// battery) is run as the defended area of one asset, one battery and one
/// interceptor type (expand_to_defended_area).

#include <samsim/detection.hpp>
#include <samsim/fire_distribution.hpp>
#include <samsim/flyout.hpp>
#include <samsim/scenario.hpp>
#include <samsim/sensor.hpp>
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
  battery_out_of_action,  ///< never fired at, and every battery that had its track was put out of action
};
inline constexpr int leak_cause_count = 7;
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
  int killer_battery = -1;  ///< battery whose round killed it (-1: none)
  int killer_type = -1;     ///< interceptor type of that round
};

/// Per-trial totals.
struct trial_result {
  int threats = 0;
  int leakers = 0;
  int interceptors_used = 0;
  double first_leak_time_s = std::numeric_limits<double>::infinity();
  int rounds_left = 0;              ///< ready + reloading + pool at the end, every battery and type
  bool magazine_exhausted = false;  ///< every round of every battery gone (ready, reloading and pool) at some time
  /// At some decision time a feasible shot at a threat was refused because the
  /// ready rounds on the launchers were fewer than the salvo size (rounds in
  /// reload or in the pool do not count): the `no_interceptor` block.
  bool no_ready_salvo = false;
  std::uint64_t events = 0;         ///< events processed
  double value_lost = 0.0;          ///< sum of the values of the assets reached by at least one leaker
  double defender_cost = 0.0;       ///< rounds fired x their type's cost per round
  double attacker_cost_destroyed = 0.0;  ///< killed threats x their class's cost
};

/// Kinds of entries in a trial's timeline.
enum class trace_kind : std::uint8_t {
  threat_launch,
  detection,         ///< a look that detected the threat
  track_confirmed,
  track_waiting,     ///< confirmed, but no track slot free
  track_acquired,    ///< a slot came free for a waiting threat
  network_track,     ///< a battery gets another battery's track over the network
  launch_blocked,    ///< a shot opportunity refused (value: the leak_cause code)
  interceptor_launch,
  intercept_kill,
  intercept_miss,
  kill_assessment,
  reload_start,
  reload_complete,
  leak,
  battery_out_of_action,  ///< a leaker reached a battery (battery: which)
};
std::string_view to_string(trace_kind kind);

/// One entry of a trial's timeline.
struct trace_event {
  double time_s = 0.0;
  trace_kind kind = trace_kind::threat_launch;
  int threat = -1;       ///< index into the trial's threats, -1 if none
  int launcher = -1;     ///< launcher index within its battery, -1 if none
  int interceptor = -1;  ///< interceptor serial number in the trial, -1 if none
  double value = 0.0;    ///< kind-specific: Pd of a detection, intercept time of a launch, rounds loaded...
  int battery = -1;      ///< the battery concerned (radar, launcher or shooter), -1 if none
  int interceptor_type = -1;  ///< interceptor type of a launch or reload, -1 if none
};

/// Everything about a scenario that does not change from trial to trial.
class engagement_model {
 public:
  /// Validates nothing itself: pass a validated scenario. A format 1
  /// scenario is expanded to its defended-area form. Builds one flyout table
  /// per interceptor type and the Pd tables of every radar.
  explicit engagement_model(const scenario& sc);
  /// Reuses already built flyout tables, one per interceptor type in the
  /// scenario's order (sweeps that do not touch the interceptors; tests).
  engagement_model(const scenario& sc, std::vector<flyout_table> tables);
  /// The same for a scenario of one interceptor type.
  engagement_model(const scenario& sc, flyout_table flyout);

  /// The scenario as run: a format 1 scenario in its defended-area form.
  const scenario& scenario_data() const { return scenario_; }

  /// What the engine keeps of one interceptor type.
  struct type_data {
    flyout_table table;
    /// Largest ground range and height at which the table reaches anything
    /// (plus one grid cell): beyond them no intercept can be feasible.
    double max_reach_range_m = 0.0;
    double max_reach_height_m = 0.0;
    /// Bound on |grad tof| of the table [s/m] (measure_tof_gradient).
    double tof_gradient_s_per_m = 0.0;
  };
  const std::vector<type_data>& types() const { return types_; }
  /// The flyout table of type k (default: the first).
  const flyout_table& flyout(int k = 0) const { return types_[static_cast<std::size_t>(k)].table; }
  /// Every table, in type order (to build another model with the same types).
  std::vector<flyout_table> flyout_tables() const;
  double max_reach_range_m(int k = 0) const { return types_[static_cast<std::size_t>(k)].max_reach_range_m; }
  double max_reach_height_m(int k = 0) const { return types_[static_cast<std::size_t>(k)].max_reach_height_m; }
  double tof_gradient_bound_s_per_m(int k = 0) const { return types_[static_cast<std::size_t>(k)].tof_gradient_s_per_m; }
  /// That bound for any table: the largest difference between reachable
  /// neighbouring nodes per direction, over the grid step (a bilinear cell's
  /// gradient is bounded by its edge differences), combined in quadrature.
  static double measure_tof_gradient(const flyout_table& table);

  /// Each battery's radar against each threat class, in battery order.
  const std::vector<sensor_model>& sensors() const { return sensors_; }
  const std::vector<pd_table>& pd_tables() const { return pd_tables_; }

  /// The fire-distribution rule every trial uses: the scenario's built-in
  /// rule unless replaced. Set it before running trials.
  const fire_distribution_rule& rule() const { return *rule_; }
  /// Whether rule() is the scenario's built-in rule (not one set_rule gave).
  bool builtin_rule() const { return builtin_rule_; }
  void set_rule(std::shared_ptr<const fire_distribution_rule> rule);

 private:
  void init(std::vector<flyout_table> tables);

  scenario scenario_;
  std::vector<type_data> types_;
  std::vector<sensor_model> sensors_;
  std::vector<pd_table> pd_tables_;
  std::shared_ptr<const fire_distribution_rule> rule_;
  bool builtin_rule_ = true;  ///< rule_ is the scenario's built-in rule (the engine ranks threats inline)
};

/// What one battery and interceptor type did in a trial.
struct stock_result {
  int battery = 0;
  int interceptor_type = 0;
  int rounds_fired = 0;
  bool out_of_rounds = false;  ///< ready rounds plus pool fell below one salvo at some time
};

struct importance_law;     // rare_event.hpp
struct importance_record;  // rare_event.hpp

/// Reusable buffers for run_trial: allocate once per thread, reuse every trial.
struct trial_workspace {
  std::vector<threat_state> threats;
  std::vector<threat_trajectory> trajectories;
  std::vector<threat_outcome> outcomes;
  std::vector<int> asset_leakers;        ///< per asset: leakers that reached it
  std::vector<std::uint8_t> battery_destroyed;  ///< per battery: put out of action by a leaker
  std::vector<stock_result> stocks;      ///< per (battery, type) in battery order, then type order within it
  /// Importance sampling (rare_event.hpp): with a law, run_trial draws the
  /// kills (and the looks and raid counts it biases) under it and fills
  /// *importance with the draws' likelihood ratios. Both null (the default):
  /// a plain trial.
  const importance_law* biasing = nullptr;
  importance_record* importance = nullptr;
  struct internal;
  std::shared_ptr<internal> state;  ///< engine bookkeeping, grown on first use
};

/// The (battery, interceptor type) pairs of an expanded scenario in the order
/// of trial_workspace::stocks: battery by battery, each battery's types in
/// type order (shooter::reset sorts them).
std::vector<std::pair<int, int>> stock_layout(const scenario& expanded);

/// Runs trial `trial_index` of the Monte Carlo with master seed `seed`.
/// Fills `ws.threats`, `ws.trajectories` and `ws.outcomes` (one per threat),
/// and the per-asset, per-battery and per-stock results.
/// With a non-null `trace`, appends the trial's timeline to it.
trial_result run_trial(const engagement_model& model, std::uint64_t seed, std::uint64_t trial_index,
                       trial_workspace& ws, std::vector<trace_event>* trace = nullptr);

}  // namespace samsim
