#include <samsim/engagement.hpp>
#include <samsim/endgame.hpp>
#include <samsim/event_queue.hpp>
#include <samsim/radar.hpp>
#include <samsim/rare_event.hpp>
#include <samsim/rng.hpp>
#include <samsim/shooter.hpp>
#include <samsim/tracking.hpp>

#include "builtin_order.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <iterator>
#include <numeric>
#include <stdexcept>
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
    case leak_cause::battery_out_of_action: return "battery_out_of_action";
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
    case trace_kind::network_track: return "network_track";
    case trace_kind::launch_blocked: return "launch_blocked";
    case trace_kind::interceptor_launch: return "interceptor_launch";
    case trace_kind::intercept_kill: return "intercept_kill";
    case trace_kind::intercept_miss: return "intercept_miss";
    case trace_kind::kill_assessment: return "kill_assessment";
    case trace_kind::reload_start: return "reload_start";
    case trace_kind::reload_complete: return "reload_complete";
    case trace_kind::leak: return "leak";
    case trace_kind::battery_out_of_action: return "battery_out_of_action";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------
// engagement_model

namespace {

scenario expanded(const scenario& sc) {
  scenario s = sc;
  expand_to_defended_area(s);
  return s;
}

std::vector<flyout_table> build_tables(const scenario& expanded_sc) {
  std::vector<flyout_table> tables;
  tables.reserve(expanded_sc.interceptors.size());
  for (const interceptor_type& type : expanded_sc.interceptors) tables.push_back(build_flyout_table(type));
  return tables;
}

std::vector<flyout_table> one_table(flyout_table table) {
  std::vector<flyout_table> v;
  v.push_back(std::move(table));
  return v;
}

}  // namespace

engagement_model::engagement_model(const scenario& sc) : scenario_(expanded(sc)) { init(build_tables(scenario_)); }

engagement_model::engagement_model(const scenario& sc, std::vector<flyout_table> tables) : scenario_(expanded(sc)) {
  init(std::move(tables));
}

engagement_model::engagement_model(const scenario& sc, flyout_table flyout)
    : engagement_model(sc, one_table(std::move(flyout))) {}

void engagement_model::init(std::vector<flyout_table> tables) {
  if (tables.size() != scenario_.interceptors.size())
    throw std::invalid_argument(fmt::format("engagement_model: {} flyout tables for {} interceptor types",
                                            tables.size(), scenario_.interceptors.size()));
  types_.clear();
  for (flyout_table& table : tables) {
    type_data d{std::move(table)};
    const flyout_table& t = d.table;
    const envelope_limits& lim = t.limits();
    for (const envelope_row& row : envelope_table(t, t.height_step_m(), 0.5 * t.range_step_m())) {
      if (!row.reachable) continue;
      d.max_reach_range_m = std::max(d.max_reach_range_m, row.max_range_m + t.range_step_m());
      d.max_reach_height_m = std::max(d.max_reach_height_m, row.height_m + t.height_step_m());
    }
    d.max_reach_range_m = std::min(d.max_reach_range_m, lim.max_range_m);
    d.max_reach_height_m = std::min(d.max_reach_height_m, lim.max_height_m);
    d.tof_gradient_s_per_m = measure_tof_gradient(t);
    types_.push_back(std::move(d));
  }
  sensors_.clear();
  pd_tables_.clear();
  for (const battery_site& b : scenario_.batteries)
    sensors_.emplace_back(b.radar, b.position_en_m, scenario_.classes, pd_tables_);
  rule_ = make_fire_distribution_rule(scenario_.fire_distribution);
  builtin_rule_ = true;
}

std::vector<flyout_table> engagement_model::flyout_tables() const {
  std::vector<flyout_table> v;
  for (const type_data& d : types_) v.push_back(d.table);
  return v;
}

void engagement_model::set_rule(std::shared_ptr<const fire_distribution_rule> rule) {
  if (!rule) throw std::invalid_argument("engagement_model::set_rule: null rule");
  rule_ = std::move(rule);
  builtin_rule_ = false;
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

// ---------------------------------------------------------------------------
// run_trial

namespace {

enum class event_type : std::uint8_t {
  intercept,
  kill_assessment,
  reload_complete,
  leak,
  confirm,
  ready,
  wake,
  network,
};

/// What an event refers to: a threat, and an interceptor serial (intercept),
/// a battery (confirm, ready, network, kill assessment) or a launcher of the
/// defended area (reload; then `threat` holds the rounds).
struct event_payload {
  int threat;
  int aux;
};
using event_queue_t = event_queue<event_payload>;
using event = event_queue_t::entry;

constexpr std::uint8_t no_block = 255;
constexpr std::uint8_t nfc_block = static_cast<std::uint8_t>(leak_cause::no_fire_channel);
constexpr std::uint8_t no_round_block = static_cast<std::uint8_t>(leak_cause::no_interceptor);
constexpr double infinity = std::numeric_limits<double>::infinity();
/// Step of the search for the next launch time at which an intercept becomes feasible.
constexpr double feasibility_scan_step_s = 1.0;
/// The intercept search's tolerance on times [s]. The next-feasible-launch
/// scan locates an envelope entry to this, and an infeasible shot is not
/// tried again sooner than this after the last try (so a search that lands
/// just short of a root cannot spin in place).
constexpr double search_tolerance_s = 1e-4;

std::uint8_t block_code(fire_shortage s) {
  switch (s) {
    case fire_shortage::fire_channel: return nfc_block;
    case fire_shortage::interceptor: return no_round_block;
    case fire_shortage::none: break;
  }
  return no_block;
}

/// Per threat.
struct threat_runtime {
  double leak_time_s = 0.0;
  int rank = 0;           ///< position in the service order of the trial (fire_distribution_rule)
  int owner = -1;         ///< battery whose salvo at it awaits assessment: the threat is that battery's
  int target_battery = -1;  ///< battery it attacks, -1 for an asset
  int target_asset = -1;
  bool accessed = false;  ///< some battery has had its track
  int access_count = 0;   ///< batteries that have had its track (trial_workspace::internal::access_list)
  bool confirmed_by_lost_battery = false;  ///< a radar confirmed it after its battery was put out of action
  bool leaked = false;
  bool killed = false;        ///< physically killed
  bool known_killed = false;  ///< seen killed at a kill assessment
  std::uint8_t last_block = no_block;
  bool held = false;  ///< the rule held fire at it with a feasible shot: decided again at every pass
  /// Its last decision found no shortage at any of its batteries and not even
  /// one feasible round: only the geometry stopped it. Until the threat itself changes
  /// (a wake-up at its next feasible launch, a new track, a change of who may
  /// fire at it), no battery's resources can change that decision.
  bool out_of_reach = false;
  std::uint64_t endgame_words = 0;  ///< words of its endgame stream used so far
  /// When its state last changed, and when it was last decided, on the
  /// engine's one counter of changes and decisions (needs_decision).
  std::uint64_t changed_stamp = 0;
  std::uint64_t decided_stamp = 0;
  bool listed = false;   ///< eligible (eligible()): in the eligible lists of its batteries
};

/// One battery's picture of one threat.
struct track_access {
  double access_s = infinity;  ///< when the battery first had its track (own, or network)
  double ready_s = infinity;   ///< access + reaction time: may fire from then
  bool slot_held = false;      ///< own track holding a slot of the battery's radar
  bool waiting_slot = false;
  bool holds_channel = false;
  bool network_pending = false;  ///< a network track is on its way
  int salvos = 0;
  int pending_assessments = 0;
  int shot_base = -1;  ///< its first shot_memory in trial_workspace::internal::shots, from access on
};

/// What the intercept searches of one shooter (battery, type) against one
/// threat left behind.
struct shot_memory {
  double next_feasible_s = -infinity;  ///< no single round is feasible before this
  double next_salvo_s = -infinity;     ///< no whole salvo is feasible before this
  /// Tries in a row that found no feasible salvo: each doubles the least
  /// delay before the next (search_tolerance_s x 2^misses, at most
  /// feasibility_scan_step_s), so a search that keeps landing just short of
  /// a root at the edge of the envelope cannot spin in 0.1 ms steps.
  int misses = 0;
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
  std::vector<track_access> access;  ///< [threat * batteries + battery]
  /// [threat * batteries + k], k < access_count: the batteries that have had
  /// the threat's track, in battery order (loops over a threat's batteries
  /// visit these alone, so far-apart batteries cost nothing).
  std::vector<int> access_list;
  std::vector<std::uint8_t> pass_common;  ///< per battery: its common shortage in the current decision pass
  std::vector<std::uint64_t> pass_common_of;  ///< per battery: the pass pass_common was computed for
  /// The intercept searches' memory of every (threat, stock) pair whose
  /// battery has had the threat's track: a battery's stocks get theirs when
  /// it gains the track (track_access::shot_base), so the table grows with
  /// the tracks a trial has, not with threats x stocks.
  std::vector<shot_memory> shots;
  std::vector<shooter> shooters;     ///< per battery
  std::vector<track_slots> slots;    ///< per battery
  std::vector<std::vector<int>> slot_queues;  ///< per battery: threats waiting for a slot, in service order
  std::vector<std::pair<int, int>> confirmed_now;  ///< (threat, battery) confirmed at the current instant
  std::vector<std::uint8_t> out_of_action;  ///< per battery
  std::vector<double> out_of_action_s;      ///< per battery: when it was put out of action (inf: never)
  /// A decision pass's work: the ranks of the threats to look at (the
  /// threats that changed, and the eligible threats of the batteries that
  /// changed), one bit per rank (rank_words words), served in rank order.
  /// A set of ranks as bits: joining is an OR, and the pass finds its next
  /// rank by counting zeros, with no comparison for the branch predictor
  /// to miss.
  std::vector<std::uint64_t> pass_bits;
  std::vector<std::uint64_t> source_of_pass;  ///< per battery: the pass whose work has its eligible threats
  /// The ranks of the threats that changed (or were held) since the last
  /// pass visited them: the next pass looks at them (bits as pass_bits).
  std::vector<std::uint64_t> pending_bits;
  std::vector<std::uint64_t> listed_bits;  ///< the ranks of the threats listed as eligible (threat_runtime::listed)
  /// Batteries that changed since the last pass, once each
  /// (changed_battery_flag): the next pass looks at their eligible threats.
  std::vector<int> changed_batteries;
  std::vector<std::uint8_t> changed_battery_flag;  ///< per battery
  /// Per battery: the ranks of the eligible threats whose track it has had
  /// (a superset of those it may fire at), less those out of reach
  /// (threat_runtime::out_of_reach): a change to the battery cannot change
  /// their decision, so a pass that looks at the battery's threats skips
  /// them. Bits as pass_bits, rank_words words per battery.
  std::vector<std::uint64_t> battery_bits;
  /// Batteries whose radar has threats waiting for a track slot, in battery order.
  std::vector<int> slot_waiting_batteries;
  std::vector<int> order;  ///< threats in service order (rank)
  /// The built-in rule's ranking (rank_threats): each threat's key, and a
  /// number that orders as the key does, for the bucket sort.
  struct ranked {
    detail::rank_key key;
    double order_s;
  };
  std::vector<ranked> rank_keys, rank_scratch;
  std::vector<std::uint32_t> rank_counts;
  std::vector<detail::rank_key> group_keys;  ///< per raid group: priority and value (place_groups)
  std::vector<double> group_place;           ///< per raid group: its place in the built-in order
  std::vector<threat_view> views;  ///< per threat: what the rule sees of it (fixed for the trial)
  std::vector<std::uint8_t> kill_flags;  ///< per interceptor serial
  std::vector<int> serial_stock;         ///< per interceptor serial: global stock index
  std::vector<double> phase_s;         ///< per battery: the trial's look phase
  std::vector<double> launch_wake_s;   ///< per battery: the launch-interval wake-up already scheduled
  std::vector<shooter_option> options;
  std::vector<int> option_stock;       ///< per option: its global stock index
  std::vector<int> stock_base;     ///< per battery: its first global stock index; [batteries] = stocks
  std::vector<int> launcher_base;  ///< per battery: its first launcher in the defended-area numbering
  std::vector<int> stock_battery;  ///< per global stock index: its battery
  std::vector<int> stock_type;     ///< per global stock index: its interceptor type
  std::vector<double> stock_pk;    ///< [stock * classes + class]: the type's Pk against the class
  /// Per battery: when its state last changed, on the counter of changes and
  /// decisions that also stamps each threat (threat_runtime::changed_stamp,
  /// decided_stamp): a decision pass decides again only for threats with a
  /// change after their last decision (needs_decision).
  std::vector<std::uint64_t> battery_changed;
  std::vector<intercept_prediction> option_rounds;  ///< [option * max_salvo_size + round]
};

namespace {

class trial_engine {
 public:
  trial_engine(const engagement_model& model, std::uint64_t seed, std::uint64_t trial, trial_workspace& ws,
               std::vector<trace_event>* trace)
      : model_(model),
        sc_(model.scenario_data()),
        rule_(model.rule()),
        seed_(seed),
        trial_(trial),
        ws_(ws),
        st_(*ws.state),
        trace_(trace),
        batteries_(static_cast<int>(sc_.batteries.size())) {}

  trial_result run() {
    setup_defence();
    sample_threats();
    detect_and_confirm();
    loop();
    return finish();
  }

 private:
  // ---- set-up ------------------------------------------------------------
  void setup_defence() {
    const auto nb = static_cast<std::size_t>(batteries_);
    st_.shooters.resize(nb);
    st_.slot_queues.resize(nb);
    st_.out_of_action.assign(nb, 0);
    st_.out_of_action_s.assign(nb, infinity);
    st_.slots.clear();
    stock_base_.assign(nb + 1, 0);
    launcher_base_.assign(nb + 1, 0);
    for (std::size_t b = 0; b < nb; ++b) {
      const battery_site& site = sc_.batteries[b];
      st_.shooters[b].reset(site);
      st_.slots.emplace_back(site.radar.max_tracks);
      st_.slot_queues[b].clear();
      stock_base_[b + 1] = stock_base_[b] + st_.shooters[b].stocks();
      int launchers = 0;
      for (int s = 0; s < st_.shooters[b].stocks(); ++s) launchers += st_.shooters[b].stock_at(s).launchers;
      launcher_base_[b + 1] = launcher_base_[b] + launchers;
      for (int s = 0; s < st_.shooters[b].stocks(); ++s) {
        const shooter::stock& k = st_.shooters[b].stock_at(s);
        rounds_left_ += k.ready + k.pool;
      }
    }
    stocks_ = stock_base_[nb];
    const std::size_t classes = sc_.classes.size();
    st_.stock_battery.resize(static_cast<std::size_t>(stocks_));
    st_.stock_type.resize(static_cast<std::size_t>(stocks_));
    st_.stock_pk.resize(static_cast<std::size_t>(stocks_) * classes);
    for (std::size_t b = 0; b < nb; ++b)
      for (int s = 0; s < st_.shooters[b].stocks(); ++s) {
        const auto g = static_cast<std::size_t>(stock_base_[b] + s);
        const int type = st_.shooters[b].stock_at(s).interceptor_type;
        st_.stock_battery[g] = static_cast<int>(b);
        st_.stock_type[g] = type;
        const interceptor_type& it = sc_.interceptors[static_cast<std::size_t>(type)];
        for (std::size_t k = 0; k < classes; ++k)
          st_.stock_pk[g * classes + k] = k < it.pk_by_class.size() ? it.pk_by_class[k] : it.pk_default;
      }
    st_.battery_changed.assign(nb, 0);
    st_.confirmed_now.clear();
    st_.changed_batteries.clear();
    st_.changed_battery_flag.assign(nb, 0);
    st_.source_of_pass.assign(nb, 0);
    st_.slot_waiting_batteries.clear();
    st_.kill_flags.clear();
    st_.serial_stock.clear();
    st_.options.resize(static_cast<std::size_t>(stocks_));
    st_.option_stock.resize(static_cast<std::size_t>(stocks_));
    st_.launch_wake_s.assign(nb, -infinity);
    st_.pass_common.assign(nb, no_block);
    st_.pass_common_of.assign(nb, 0);
    st_.option_rounds.resize(static_cast<std::size_t>(stocks_) * max_salvo_size);
    ws_.asset_leakers.assign(sc_.assets.size(), 0);
    ws_.battery_destroyed.assign(nb, 0);
  }

  void sample_threats() {
    sample_raid(law_ && law_->biases_raid ? law_->raid : sc_.raid, seed_, trial_, ws_.threats);
    const std::size_t n = ws_.threats.size();
    if (n >= max_sub_streams)  // validation bounds the raid well below this; a Poisson count can still exceed it
      throw std::length_error(fmt::format("trial {} (seed {}): {} threats, more than the {} a trial supports", trial_,
                                          seed_, n, max_sub_streams - 1));
    if (law_) start_importance_record(n);
    ws_.trajectories.clear();
    ws_.outcomes.assign(n, threat_outcome{});
    st_.rt.assign(n, threat_runtime{});
    st_.access.assign(n * static_cast<std::size_t>(batteries_), track_access{});
    st_.access_list.resize(n * static_cast<std::size_t>(batteries_));
    st_.shots.clear();
    rank_words_ = (n + 63) / 64;
    st_.pass_bits.assign(rank_words_, 0);
    st_.pending_bits.assign(rank_words_, 0);
    st_.listed_bits.assign(rank_words_, 0);
    st_.battery_bits.assign(rank_words_ * static_cast<std::size_t>(batteries_), 0);
    for (std::size_t i = 0; i < n; ++i) {
      const threat_state& t = ws_.threats[i];
      ws_.trajectories.emplace_back(sc_.classes[static_cast<std::size_t>(t.class_index)], t);
      threat_runtime& r = st_.rt[i];
      r.leak_time_s = ws_.trajectories[i].leak_time_s();
      const target_ref& target = sc_.raid.groups[static_cast<std::size_t>(t.group_index)].target;
      (target.type == target_ref::kind::battery ? r.target_battery : r.target_asset) = target.index;
      record(t.launch_time_s, trace_kind::threat_launch, static_cast<int>(i));
    }
    rank_threats();
    result_.threats = static_cast<int>(n);
    unresolved_ = static_cast<int>(n);
  }

  /// A biased trial: every threat's ratio starts at 1; with the one_threat
  /// scope, the threat to bias is drawn uniformly from its own stream.
  void start_importance_record(std::size_t n) {
    importance_record& rec = *importance_;
    rec.threat_log_ratio.assign(n, 0.0);
    rec.biased_rounds.assign(law_->kill_pk.size(), 0);
    rec.biased_kills.assign(law_->kill_pk.size(), 0);
    rec.biased_looks.assign(law_->detection_miss_scale.size(), 0);
    rec.biased_misses.assign(law_->detection_miss_scale.size(), 0);
    rec.scenario_misses.assign(law_->detection_miss_scale.size(), 0.0);
    rec.focus_threat = -1;
    if (law_->scope == biasing_scope::one_threat && n > 0) {
      random_stream pick(seed_, stream_id::rare_event, trial_);
      const auto k = static_cast<std::size_t>(pick.uniform() * static_cast<double>(n));
      rec.focus_threat = static_cast<int>(std::min(k, n - 1));
    }
  }

  /// The kill draws of a salvo in a biased trial. A biased threat draws its
  /// rounds with the law's Pk (times the same edge factor); every threat's
  /// ratio L_i gains P_Q(pattern) / P_P(pattern) of the pattern drawn, so the
  /// record holds dQ_i/dP of its draws whichever law made them.
  std::uint32_t sample_biased_salvo(int i, const shooter_option& o, const intercept_prediction* rounds,
                                    const double* pk_rounds, random_stream& endgame) {
    const kill_model& km = sc_.interceptors[static_cast<std::size_t>(o.interceptor_type)].kill;
    const double rho = km.common_mode_correlation;
    const int salvo = o.salvo_size;
    const std::size_t cell = static_cast<std::size_t>(o.interceptor_type) * static_cast<std::size_t>(law_->classes) +
                             static_cast<std::size_t>(ws_.threats[static_cast<std::size_t>(i)].class_index);
    const double q = law_->kill_pk[cell];
    if (!(q >= 0.0) || !(o.pk > 0.0 && o.pk < 1.0)) return sample_salvo_rounds(pk_rounds, salvo, rho, endgame);
    double q_rounds[max_salvo_size];
    const double reach_m = model_.max_reach_range_m(o.interceptor_type);
    for (int k = 0; k < salvo; ++k) {
      q_rounds[k] = q;
      if (km.edge_start_fraction < 1.0)
        q_rounds[k] *= edge_pk_factor(rounds[k].ground_range_m, reach_m, 1.0 - km.edge_start_fraction, km.edge_factor);
    }
    importance_record& rec = *importance_;
    const bool biased = law_->scope == biasing_scope::every_threat || rec.focus_threat == i;
    const std::uint32_t kills = sample_salvo_rounds(biased ? q_rounds : pk_rounds, salvo, rho, endgame);
    rec.threat_log_ratio[static_cast<std::size_t>(i)] += std::log(salvo_pattern_probability(q_rounds, salvo, rho, kills) /
                                                                   salvo_pattern_probability(pk_rounds, salvo, rho, kills));
    if (biased) {
      rec.biased_rounds[cell] += static_cast<std::uint32_t>(salvo);
      rec.biased_kills[cell] += static_cast<std::uint32_t>(std::popcount(kills));
    }
    return kills;
  }

  /// How a biased trial decides the looks of battery b's radar at threat i:
  /// one uniform of `det` per look, as in a plain trial, compared with the
  /// law's Pd (biased_pd) when the threat is biased; every threat's ratio
  /// gains the look's P_Q / P_P.
  auto biased_looks(int b, int i, random_stream& det) {
    const std::size_t cell = static_cast<std::size_t>(b) * static_cast<std::size_t>(law_->classes) +
                             static_cast<std::size_t>(ws_.threats[static_cast<std::size_t>(i)].class_index);
    const double scale = law_->detection_miss_scale[cell];
    const bool biased = law_->scope == biasing_scope::every_threat || importance_->focus_threat == i;
    return [this, &det, cell, scale, biased, i](double p) {
      const double u = det.uniform();
      if (!(scale >= 0.0) || !(p > 0.0 && p < 1.0)) return u < p;
      const double q = biased_pd(p, scale);
      const bool detected = u < (biased ? q : p);
      importance_record& rec = *importance_;
      rec.threat_log_ratio[static_cast<std::size_t>(i)] += detected ? std::log(q / p) : std::log((1.0 - q) / (1.0 - p));
      if (biased) {
        ++rec.biased_looks[cell];
        if (!detected) ++rec.biased_misses[cell];
        rec.scenario_misses[cell] += 1.0 - p;
      }
      return detected;
    };
  }

  threat_view view(int i) const {
    const threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    const threat_state& t = ws_.threats[static_cast<std::size_t>(i)];
    threat_view v;
    v.index = i;
    v.class_index = t.class_index;
    v.priority = sc_.classes[static_cast<std::size_t>(t.class_index)].priority;
    v.leak_time_s = r.leak_time_s;
    v.target = sc_.raid.groups[static_cast<std::size_t>(t.group_index)].target;
    v.target_value = r.target_battery >= 0 ? sc_.batteries[static_cast<std::size_t>(r.target_battery)].value
                                           : sc_.assets[static_cast<std::size_t>(r.target_asset)].value;
    return v;
  }

  /// Each raid group's place in the built-in order, as a number: every
  /// threat of a group has the group's class and target, so its priority and
  /// target value, and the built-in order compares those before the leak
  /// time. The place is the count of groups strictly before it (equal for
  /// groups that tie), so places order as the rank keys' first words do.
  void place_groups(priority_rule rule) {
    const auto& groups = sc_.raid.groups;
    auto& key = st_.group_keys;
    key.clear();
    for (const raid_group& g : groups) {
      threat_view v;
      v.priority = sc_.classes[static_cast<std::size_t>(g.class_index)].priority;
      v.target_value = g.target.type == target_ref::kind::battery
                           ? sc_.batteries[static_cast<std::size_t>(g.target.index)].value
                           : sc_.assets[static_cast<std::size_t>(g.target.index)].value;
      const detail::rank_key k = detail::builtin_rank_key(rule, v);  // leak time 0, index 0
      key.push_back({k.w0, k.w1 >> 32 << 32, 0});                   // priority and value only
    }
    auto& place = st_.group_place;
    place.assign(groups.size(), 0.0);
    for (std::size_t g = 0; g < groups.size(); ++g)
      for (std::size_t h = 0; h < groups.size(); ++h) place[g] += detail::rank_key_less(key[h], key[g]) ? 1.0 : 0.0;
  }

  /// The service order of the trial: the rule's order, ties by index. Threats
  /// keep their order for the whole trial (their priorities, targets and
  /// leak times do not change), so it is computed once, as a rank.
  void rank_threats() {
    auto& order = st_.order;
    order.resize(ws_.threats.size());
    auto& views = st_.views;
    views.clear();
    for (std::size_t i = 0; i < order.size(); ++i) views.push_back(view(static_cast<int>(i)));
    if (model_.builtin_rule()) {
      // The built-in order as keys, sorted by buckets (detail/merge_sort.hpp):
      // no virtual call per comparison, and few mispredicted branches.
      const priority_rule rule = sc_.fire_distribution.priority;
      auto& keys = st_.rank_keys;
      const std::size_t n = views.size();
      keys.resize(n);
      st_.rank_scratch.resize(n);
      st_.rank_counts.resize(2 * n + 2);
      place_groups(rule);
      double lo = infinity, hi = -infinity;
      for (const threat_view& v : views) {
        lo = std::min(lo, v.leak_time_s);
        hi = std::max(hi, v.leak_time_s);
      }
      // A number that orders as the key (less implies <=) for the bucket
      // sort: the group's place times a span wider than the leak times',
      // plus the leak time from the earliest. A span of (hi - lo) + 1 keeps
      // the groups' ranges 1 s apart, far above the rounding of numbers
      // below 2^40; beyond (or with no finite span), the merge sort.
      const double span = (hi - lo) + 1.0;
      bool spread = n > 0 && std::isfinite(span) && static_cast<double>(sc_.raid.groups.size()) * span < 0x1p40;
      for (std::size_t i = 0; i < n; ++i) {
        const threat_view& v = views[i];
        const auto g = static_cast<std::size_t>(ws_.threats[i].group_index);
        const detail::rank_key k = detail::builtin_rank_key(rule, v);
        // The threat's priority and value are its group's (checked: a place is only valid then).
        spread &= k.w0 == st_.group_keys[g].w0 && (k.w1 >> 32) == (st_.group_keys[g].w1 >> 32);
        keys[i] = {k, st_.group_place[g] * span + (v.leak_time_s - lo)};
      }
      using ranked = trial_workspace::internal::ranked;
      auto less = [](const ranked& a, const ranked& b) { return detail::rank_key_less(a.key, b.key); };
      if (spread)
        detail::time_bucket_sort(
            keys.data(), n, st_.rank_scratch.data(), st_.rank_counts.data(),
            [](const ranked& r) { return r.order_s; }, less);
      else
        detail::merge_sort(keys.data(), n, st_.rank_scratch.data(), less);
      for (std::size_t k = 0; k < n; ++k) order[k] = static_cast<int>(keys[k].key.w2 & 0xffff'ffffu);
    } else {
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [this, &views](int a, int b) {
        const threat_view& va = views[static_cast<std::size_t>(a)];
        const threat_view& vb = views[static_cast<std::size_t>(b)];
        if (rule_.served_before(va, vb)) return true;
        return a < b && !rule_.served_before(vb, va);  // ties by index
      });
    }
    for (std::size_t k = 0; k < order.size(); ++k) st_.rt[static_cast<std::size_t>(order[k])].rank = static_cast<int>(k);
  }

  /// Threat i's position relative to battery b's site, ENU metres, as a
  /// function of time: the trajectory and the site are looked up once, for
  /// the many positions of one intercept search or feasibility scan.
  auto relative_track(int i, int b) const {
    return [&traj = ws_.trajectories[static_cast<std::size_t>(i)],
            site = model_.sensors()[static_cast<std::size_t>(b)].site_enu_m()](double t_s) -> Eigen::Vector3d {
      return traj.position_enu_m(t_s) - site;
    };
  }

  /// Random stream of battery b's radar: battery 0 keeps the streams of a
  /// one-battery scenario; the others have their own (rng.hpp).
  random_stream phase_stream(int b) const {
    return b == 0 ? random_stream(seed_, stream_id::scan_phase, trial_)
                  : random_stream(seed_, sub_stream(stream_id::scan_phase, static_cast<std::uint32_t>(b)), trial_);
  }
  random_stream detection_stream(int b, int i) const {
    const std::uint32_t id = b == 0 ? sub_stream(stream_id::detection, static_cast<std::uint32_t>(i))
                                    : battery_detection_stream(static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(i));
    return random_stream(seed_, id, trial_);
  }

  /// Every radar looks at every threat from its launch (or the battery's
  /// ready time) until confirmation or its leak. Each (radar, threat) draws
  /// from its own sub-stream, so its detections depend on nothing else.
  void detect_and_confirm() {
    auto& phase_s = st_.phase_s;
    phase_s.resize(static_cast<std::size_t>(batteries_));
    for (std::size_t b = 0; b < phase_s.size(); ++b)
      phase_s[b] = phase_stream(static_cast<int>(b)).uniform() * sc_.batteries[b].radar.scan_period_s;
    for (std::size_t i = 0; i < ws_.threats.size(); ++i) {
      const threat_trajectory& traj = ws_.trajectories[i];
      const int cls = ws_.threats[i].class_index;
      const double t_end = st_.rt[i].leak_time_s;
      const sensor_model::threat_reach reach = sensor_model::reach_of(traj);
      for (int b = 0; b < batteries_; ++b) {
        const sensor_model& sensor = model_.sensors()[static_cast<std::size_t>(b)];
        const double from_s = std::max(traj.launch_time_s(), sc_.batteries[static_cast<std::size_t>(b)].ready_time_s);
        if (!sensor.may_see(reach, from_s, t_end)) continue;  // a radar far away: no look could see it
        const pd_table& pd = model_.pd_tables()[static_cast<std::size_t>(sensor.of_class(cls).pd_table_index)];
        random_stream det = detection_stream(b, static_cast<int>(i));
        auto on_detection = [&](double t, double pd_value) {
          record(t, trace_kind::detection, static_cast<int>(i), -1, -1, pd_value, b);
        };
        const double phase = phase_s[static_cast<std::size_t>(b)];
        const double confirm_s =
            law_ && law_->biases_detection
                ? sensor.confirm_time_by(traj, cls, pd, phase, from_s, t_end, biased_looks(b, static_cast<int>(i), det),
                                         on_detection)
                : sensor.confirm_time_s(traj, cls, pd, phase, from_s, t_end, det, on_detection);
        if (std::isfinite(confirm_s))
          st_.queue.push_to_run(confirm_s, static_cast<unsigned>(event_type::confirm),
                                event_payload{static_cast<int>(i), b});
      }
      st_.queue.push_to_run(t_end, static_cast<unsigned>(event_type::leak), event_payload{static_cast<int>(i), -1});
    }
    // Known before the first event: one sort, and the heap holds only what the engagement adds.
    st_.queue.sort_run();
  }

  // ---- events ------------------------------------------------------------
  void push(double t_s, event_type type, int threat, int aux = -1) {
    st_.queue.push(t_s, static_cast<unsigned>(type), event_payload{threat, aux});
  }

  void record(double t_s, trace_kind kind, int threat, int launcher = -1, int interceptor = -1, double value = 0.0,
              int battery = -1, int type = -1) {
    if (trace_) [[unlikely]]
      append_trace(trace_event{t_s, kind, threat, launcher, interceptor, value, battery, type});
  }
  /// Out of line and cold: a traced trial is rare, and the many record()
  /// sites then cost the untraced ones a test, not the trace's code.
  [[gnu::noinline, gnu::cold]] void append_trace(const trace_event& e) { trace_->push_back(e); }

  void loop() {
    auto& queue = st_.queue;
    event e{};
    while (!queue.empty() && unresolved_ > 0) {
      e = queue.pop();
      const double t = e.time_s();
      // Handle every event at this instant, then decide launches once.
      do {
        handle(e, t);
        ++result_.events;
      } while (queue.pop_at(t, e));
      if (!st_.slot_waiting_batteries.empty() || !st_.confirmed_now.empty()) grant_track_slots(t);
      assign(t);
    }
  }

  void handle(const event& e, double t) {
    const int threat = e.payload.threat, aux = e.payload.aux;
    switch (static_cast<event_type>(e.priority())) {
      case event_type::confirm: on_confirm(threat, aux, t); break;
      case event_type::leak: on_leak(threat, t); break;
      case event_type::intercept: on_intercept(threat, aux, t); break;
      case event_type::kill_assessment: on_kill_assessment(threat, aux, t); break;
      case event_type::reload_complete: on_reload_complete(aux, threat, t); break;
      case event_type::ready: refresh_eligible(threat, t); break;
      case event_type::wake:  // for a threat's next feasible launch, or a battery's launch interval
        if (threat >= 0) changed(threat);
        if (aux >= 0) battery_changed(aux);
        break;
      case event_type::network: on_network(threat, aux, t); break;
    }
  }

  /// The batteries that have had threat i's track, in battery order (access_count of them).
  int* accessed_by(int i) {
    return st_.access_list.data() + static_cast<std::size_t>(i) * static_cast<std::size_t>(batteries_);
  }
  const int* accessed_by(int i) const {
    return st_.access_list.data() + static_cast<std::size_t>(i) * static_cast<std::size_t>(batteries_);
  }
  struct battery_range {
    const int* first;
    const int* last;
    const int* begin() const { return first; }
    const int* end() const { return last; }
  };
  battery_range batteries_of(int i) const {
    const int* p = accessed_by(i);
    return {p, p + st_.rt[static_cast<std::size_t>(i)].access_count};
  }

  track_access& access(int i, int b) {
    return st_.access[static_cast<std::size_t>(i) * static_cast<std::size_t>(batteries_) + static_cast<std::size_t>(b)];
  }
  const track_access& access(int i, int b) const {
    return st_.access[static_cast<std::size_t>(i) * static_cast<std::size_t>(batteries_) + static_cast<std::size_t>(b)];
  }
  shot_memory& shot(int i, int g) {
    const int b = battery_of_stock(g);
    const int base = access(i, b).shot_base;
    assert(base >= 0 && "a shot is only searched by a battery that has the track");
    return st_.shots[static_cast<std::size_t>(base + g - stock_base_[static_cast<std::size_t>(b)])];
  }
  const battery_site& site(int b) const { return sc_.batteries[static_cast<std::size_t>(b)]; }
  shooter& shooter_of(int b) { return st_.shooters[static_cast<std::size_t>(b)]; }
  bool out_of_action(int b) const { return st_.out_of_action[static_cast<std::size_t>(b)] != 0; }

  /// Battery b has the threat's track from t (its own, or over the network):
  /// it may fire after its reaction time. A battery still setting up gets it
  /// at its ready time.
  void gain_access(int i, int b, double t) {
    track_access& a = access(i, b);
    if (std::isfinite(a.access_s)) return;
    a.access_s = std::max(t, site(b).ready_time_s);
    a.ready_s = a.access_s + site(b).fire_control.reaction_time_s;
    a.shot_base = static_cast<int>(st_.shots.size());
    st_.shots.resize(st_.shots.size() + static_cast<std::size_t>(shooter_of(b).stocks()));
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    r.accessed = true;
    int* list = accessed_by(i);
    int k = r.access_count++;
    for (; k > 0 && list[k - 1] > b; --k) list[k] = list[k - 1];
    list[k] = b;
    // Already eligible: the new battery lists it (refresh_eligible lists it
    // at every battery only when it becomes eligible).
    if (in_battery_lists(st_.rt[static_cast<std::size_t>(i)])) list_in_battery(b, i, true);
    push(a.ready_s, event_type::ready, i, b);
    refresh_eligible(i, t);
  }

  void start_track(int i, int b, double t) {
    track_access& a = access(i, b);
    a.slot_held = true;
    a.waiting_slot = false;
    gain_access(i, b, t);
    if (!sc_.network.shared_tracks) return;
    // The other batteries get the track latency_s after its confirmation here.
    for (int other = 0; other < batteries_; ++other) {
      track_access& o = access(i, other);
      if (other == b || out_of_action(other) || std::isfinite(o.access_s) || o.network_pending) continue;
      o.network_pending = true;
      push(t + sc_.network.latency_s, event_type::network, i, other);
    }
  }

  void on_network(int i, int b, double t) {
    const threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    access(i, b).network_pending = false;
    if (r.leaked || r.killed || out_of_action(b) || std::isfinite(access(i, b).access_s)) return;
    record(t, trace_kind::network_track, i, -1, -1, 0.0, b);
    gain_access(i, b, t);
  }

  /// Service order (the rule's, fixed for the trial as a rank): track slots and fire alike.
  bool served_before(int a, int b) const {
    return st_.rt[static_cast<std::size_t>(a)].rank < st_.rt[static_cast<std::size_t>(b)].rank;
  }

  /// A confirmed threat joins its battery's slot queue; slots are granted once
  /// every event of the instant is handled (grant_track_slots), so threats
  /// confirmed at the same look are served in priority order, not in event order.
  void on_confirm(int i, int b, double t) {
    changed(i);
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    if (r.leaked) return;
    if (out_of_action(b)) {
      r.confirmed_by_lost_battery = true;
      return;
    }
    double& first = ws_.outcomes[static_cast<std::size_t>(i)].confirm_time_s;
    first = std::min(first, t);
    (void)t;
    access(i, b).waiting_slot = true;
    auto& q = st_.slot_queues[static_cast<std::size_t>(b)];
    if (q.empty()) {
      auto& w = st_.slot_waiting_batteries;
      w.insert(std::lower_bound(w.begin(), w.end(), b), b);
    }
    q.insert(std::lower_bound(q.begin(), q.end(), i, [this](int x, int y) { return served_before(x, y); }), i);
    st_.confirmed_now.emplace_back(i, b);
  }

  /// Gives free track slots to waiting threats in priority order, radar by
  /// radar. A waiting threat that leaked never gets one.
  void grant_track_slots(double t) {
    auto& waiting_batteries = st_.slot_waiting_batteries;
    // Granting a slot changes no slot queue: the list stands during the loop.
    for (const int b : waiting_batteries) {
      auto& q = st_.slot_queues[static_cast<std::size_t>(b)];
      track_slots& slots = st_.slots[static_cast<std::size_t>(b)];
      std::size_t taken = 0;
      while (taken < q.size() && slots.in_use() < slots.capacity()) {
        const int j = q[taken++];
        if (!waiting(j, b)) continue;  // leaked, killed or battery lost while waiting
        const bool acquired = slots.try_acquire();
        assert(acquired);
        (void)acquired;
        const bool now = std::any_of(st_.confirmed_now.begin(), st_.confirmed_now.end(),
                                     [&](const std::pair<int, int>& c) { return c.first == j && c.second == b; });
        record(t, now ? trace_kind::track_confirmed : trace_kind::track_acquired, j, -1, -1, 0.0, b);
        start_track(j, b, t);
      }
      // Drop dead entries at the head too, so the queue holds only live waiters there.
      while (taken < q.size() && !waiting(q[taken], b)) ++taken;
      q.erase(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(taken));
    }
    std::erase_if(waiting_batteries, [this](int b) { return st_.slot_queues[static_cast<std::size_t>(b)].empty(); });
    for (const auto& [j, b] : st_.confirmed_now)
      if (waiting(j, b)) record(t, trace_kind::track_waiting, j, -1, -1, 0.0, b);
    st_.confirmed_now.clear();
  }

  /// Threat i still waits for a slot of battery b's radar.
  bool waiting(int i, int b) const {
    const threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    return access(i, b).waiting_slot && !r.leaked && !r.killed;
  }

  /// A track ends (kill or leak): every slot it holds is free for the next grant.
  void release_tracks(int i) {
    for (const int b : batteries_of(i)) {
      track_access& a = access(i, b);
      if (a.slot_held) {
        a.slot_held = false;
        st_.slots[static_cast<std::size_t>(b)].release();
      }
    }
  }

  void release_channel(int i, int b) {
    track_access& a = access(i, b);
    if (a.holds_channel) {
      a.holds_channel = false;
      shooter_of(b).release_channel();
      battery_changed(b);
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
    out.cause = leak_cause_of(i);
    ++result_.leakers;
    result_.first_leak_time_s = std::min(result_.first_leak_time_s, t);
    record(t, trace_kind::leak, i, -1, -1, static_cast<double>(out.cause));
    for (const int b : batteries_of(i)) release_channel(i, b);
    release_tracks(i);
    if (r.target_asset >= 0) ++ws_.asset_leakers[static_cast<std::size_t>(r.target_asset)];
    if (r.target_battery >= 0 && !out_of_action(r.target_battery)) put_out_of_action(r.target_battery, t);
  }

  leak_cause leak_cause_of(int i) const {
    const threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    const threat_outcome& out = ws_.outcomes[static_cast<std::size_t>(i)];
    if (out.interceptors_used > 0) return leak_cause::survived;
    if (!r.accessed) {
      // A radar whose battery was out of action would have confirmed it: the loss stopped the defence.
      if (r.confirmed_by_lost_battery) return leak_cause::battery_out_of_action;
      return std::isfinite(out.confirm_time_s) ? leak_cause::not_tracked : leak_cause::never_detected;
    }
    bool some_in_action = false;
    for (const int b : batteries_of(i))
      if (!out_of_action(b)) some_in_action = true;
    if (!some_in_action) return leak_cause::battery_out_of_action;
    // Tracked, never a feasible shot blocked by a shortage (e.g. reaction time too long): outside_envelope.
    return r.last_block != no_block ? static_cast<leak_cause>(r.last_block) : leak_cause::outside_envelope;
  }

  /// A leaker reached battery b: its radar, tracks and launchers stop for the
  /// rest of the trial; its interceptors in flight will miss.
  void put_out_of_action(int b, double t) {
    battery_changed(b);
    st_.out_of_action[static_cast<std::size_t>(b)] = 1;
    st_.out_of_action_s[static_cast<std::size_t>(b)] = t;
    ws_.battery_destroyed[static_cast<std::size_t>(b)] = 1;
    record(t, trace_kind::battery_out_of_action, -1, -1, -1, 0.0, b);
    for (int i = 0; i < static_cast<int>(ws_.threats.size()); ++i) {
      track_access& a = access(i, b);
      release_channel(i, b);
      a.waiting_slot = false;
      threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
      if (r.owner == b) r.owner = -1;
      a.pending_assessments = 0;
      refresh_eligible(i, t);
    }
  }

  void on_intercept(int i, int serial, double t) {
    const int g = st_.serial_stock[static_cast<std::size_t>(serial)];
    const int b = battery_of_stock(g);
    shooter_of(b).interceptor_arrived();
    battery_changed(b);
    changed(i);
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    if (r.killed || r.leaked) {
      record(t, trace_kind::intercept_miss, i, -1, serial, 0.0, b, type_of_stock(g));
      return;
    }
    if (out_of_action(b)) {  // its battery is gone: no guidance, a miss
      record(t, trace_kind::intercept_miss, i, -1, serial, 2.0, b, type_of_stock(g));
      return;
    }
    if (st_.kill_flags[static_cast<std::size_t>(serial)]) {
      r.killed = true;
      --unresolved_;
      threat_outcome& out = ws_.outcomes[static_cast<std::size_t>(i)];
      out.killed = true;
      out.end_time_s = t;
      out.killer_battery = b;
      out.killer_type = type_of_stock(g);
      result_.attacker_cost_destroyed +=
          sc_.classes[static_cast<std::size_t>(ws_.threats[static_cast<std::size_t>(i)].class_index)].cost;
      record(t, trace_kind::intercept_kill, i, -1, serial, 0.0, b, out.killer_type);
      release_tracks(i);
    } else {
      record(t, trace_kind::intercept_miss, i, -1, serial, 1.0, b, type_of_stock(g));
    }
  }

  void on_kill_assessment(int i, int b, double t) {
    if (out_of_action(b)) return;  // the battery is gone: put_out_of_action freed the threat
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    track_access& a = access(i, b);
    --a.pending_assessments;
    if (a.pending_assessments == 0 && r.owner == b) r.owner = -1;
    if (r.killed) r.known_killed = true;
    refresh_eligible(i, t);
    record(t, trace_kind::kill_assessment, i, -1, -1, r.killed ? 1.0 : 0.0, b);
    if (r.leaked) return;
    // The channel is held to the assessment of the last shot at the threat:
    // while a later salvo is still to be assessed (shoot-shoot), keep it.
    if (a.pending_assessments > 0) return;
    if (r.killed || a.salvos >= site(b).doctrine.max_salvos_per_threat || !can_fire_again(i, b, t))
      release_channel(i, b);  // its last shot is assessed: it was killed, or will leak as a survivor
  }

  /// Whether some salvo of battery b at threat i is feasible now or may
  /// become feasible later.
  bool can_fire_again(int i, int b, double t) {
    const int salvo = site(b).doctrine.salvo_size;
    for (int s = 0; s < shooter_of(b).stocks(); ++s) {
      const int g = stock_base_[static_cast<std::size_t>(b)] + s;
      if (pk_against(i, g) <= 0.0) continue;
      if (salvo_feasible(i, g, t, salvo, scratch_rounds_)) return true;
      const shot_memory& m = shot(i, g);
      if (std::isfinite(m.next_feasible_s) && std::isfinite(m.next_salvo_s)) return true;
    }
    return false;
  }

  void on_reload_complete(int launcher, int rounds, double t) {
    const int b = static_cast<int>(std::upper_bound(launcher_base_.begin(), launcher_base_.end(), launcher) -
                                   launcher_base_.begin()) - 1;
    if (out_of_action(b)) return;
    const int local = launcher - launcher_base_[static_cast<std::size_t>(b)];
    shooter_of(b).reload_complete(local, rounds);
    battery_changed(b);
    record(t, trace_kind::reload_complete, -1, local, -1, rounds, b);
  }

  // ---- fire control --------------------------------------------------------
  int battery_of_stock(int g) const { return st_.stock_battery[static_cast<std::size_t>(g)]; }
  int type_of_stock(int g) const { return st_.stock_type[static_cast<std::size_t>(g)]; }
  double pk_against(int i, int g) const {
    const auto k = static_cast<std::size_t>(ws_.threats[static_cast<std::size_t>(i)].class_index);
    return st_.stock_pk[static_cast<std::size_t>(g) * sc_.classes.size() + k];
  }

  /// Whether battery b may fire at threat i from time t on, as far as the
  /// threat's and the battery's own state go (not its resources).
  bool eligible_at(int i, int b, double t) const {
    if (out_of_action(b)) return false;
    const track_access& a = access(i, b);
    if (a.ready_s > t) return false;
    const battery_site& s = site(b);
    if (a.salvos >= s.doctrine.max_salvos_per_threat) return false;
    const int owner = st_.rt[static_cast<std::size_t>(i)].owner;
    if (owner >= 0 && (owner != b || s.doctrine.mode == doctrine_mode::shoot_look_shoot)) return false;
    return true;
  }

  /// Whether some battery may fire at threat i from time t on.
  bool eligible(int i, double t) const {
    const threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    if (!r.accessed || r.leaked || r.known_killed) return false;
    for (const int b : batteries_of(i))
      if (eligible_at(i, b, t)) return true;
    return false;
  }

  /// Brings threat i's eligibility up to date after its state changed at
  /// time t: its flag, the count, and its rank in the lists of its batteries.
  bool refresh_eligible(int i, double t) {
    changed(i);
    const bool now = eligible(i, t);
    if (now != st_.rt[static_cast<std::size_t>(i)].listed) list_eligible(i, now);
    return now;
  }
  /// Lists threat i as eligible (now) or not, everywhere.
  [[gnu::noinline]] void list_eligible(int i, bool now) {
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    r.listed = now;
    set_rank_bit(st_.listed_bits.data(), r.rank, now);
    eligible_count_ += now ? 1 : -1;
    sync_battery_lists(i);
    eligible_by_block_[block_slot(r.last_block)] += now ? 1 : -1;
  }
  /// Whether threat i belongs in its batteries' lists (battery_bits).
  static bool in_battery_lists(const threat_runtime& r) { return r.listed && !r.out_of_reach; }
  /// Puts threat i into its batteries' lists, or takes it out, as in_battery_lists says.
  void sync_battery_lists(int i) {
    const bool in = in_battery_lists(st_.rt[static_cast<std::size_t>(i)]);
    for (const int b : batteries_of(i)) list_in_battery(b, i, in);
  }

  /// Puts threat i's rank into battery b's list of eligible ranks, or takes it out.
  void list_in_battery(int b, int i, bool in) { set_rank_bit(battery_words(b), st_.rt[static_cast<std::size_t>(i)].rank, in); }
  /// Sets or clears a rank's bit in a set of ranks (pass_bits and the like).
  static void set_rank_bit(std::uint64_t* words, int rank, bool on) {
    const auto r = static_cast<std::size_t>(rank);
    std::uint64_t& word = words[r / 64];
    const std::uint64_t bit = std::uint64_t{1} << (r % 64);
    word = (word & ~bit) | (on ? bit : 0);
  }
  std::uint64_t* battery_words(int b) {
    return st_.battery_bits.data() + static_cast<std::size_t>(b) * rank_words_;
  }

  /// Where a block reason (a leak_cause value, or no_block) is counted.
  static std::size_t block_slot(std::uint8_t reason) { return reason & 7u; }

  /// Sets threat i's last block reason, keeping eligible_by_block_ in step
  /// (`listed`: i is listed as eligible, threat_runtime::listed).
  void set_last_block(threat_runtime& r, std::uint8_t reason, bool listed) {
    if (listed) {
      --eligible_by_block_[block_slot(r.last_block)];
      ++eligible_by_block_[block_slot(reason)];
    }
    r.last_block = reason;
  }

  /// The answer, kept in the shot's memory: valid until that shot is searched
  /// again or a new track grows the table of shots (gain_access); copy it.
  const intercept_prediction& predict(int i, int g, double launch_time_s) {
    const threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    const int b = battery_of_stock(g);
    const engagement_model::type_data& type = model_.types()[static_cast<std::size_t>(type_of_stock(g))];
    intercept_search_options search;
    shot_memory& m = shot(i, g);
    if (launch_time_s == m.answers_launch_s) return m.last;  // asked again at the same instant
    if (launch_time_s >= m.resume_launch_s) search.resume_after(m.last);
    const double speed_mps = ws_.trajectories[static_cast<std::size_t>(i)].max_speed_mps();
    search.f_lipschitz = 1.0 + speed_mps * type.tof_gradient_s_per_m;
    search.max_target_speed_mps = speed_mps;
    search.reach_range_m = type.max_reach_range_m;
    search.reach_height_m = type.max_reach_height_m;
    search.time_tolerance_s = search_tolerance_s;
    m.last = predict_intercept(type.table, launch_time_s, r.leak_time_s, relative_track(i, b), search);
    m.answers_launch_s = launch_time_s;
    m.resume_launch_s = launch_time_s;
    return m.last;
  }

  /// Earliest launch time after `t_from` at which an intercept by stock g may
  /// be feasible. An intercept at time tI needs a launch at g(tI) = tI -
  /// tof(p(tI)). The scan samples the threat's remaining flight every
  /// feasibility_scan_step_s, jumping over stretches where it is provably
  /// beyond the table's reach (its distance to the reach falls at most at its
  /// speed) and stepping without a lookup over samples provably outside the
  /// envelope (flyout_table::distance_to_reach_m, likewise), and returns g at
  /// the first sample inside the envelope with g > t_from, after locating the
  /// envelope entry between the last outside sample and it by bisection, to
  /// the search tolerance.
  ///
  /// What the scan saw also tells a later intercept search where to start: at
  /// every sample before the one it returns, the threat was out of reach or a
  /// launch at t_from or later would have f = launch + tof - t > 0. So a
  /// search for any launch from t_from on may resume at that sample (kept in
  /// the shot's resume record, with its table lookup).
  double next_feasible_launch(int i, int g, double t_from) {
    const threat_trajectory& traj = ws_.trajectories[static_cast<std::size_t>(i)];
    const double t_end = st_.rt[static_cast<std::size_t>(i)].leak_time_s;
    const double speed_mps = std::max(traj.max_speed_mps(), 1e-9);
    const int b = battery_of_stock(g);
    const engagement_model::type_data& type = model_.types()[static_cast<std::size_t>(type_of_stock(g))];
    const flyout_table& table = type.table;
    const auto relative_position = relative_track(i, b);
    auto sample = [&](double t_i) {
      const Eigen::Vector3d p = relative_position(t_i);
      const double d_m = std::sqrt(p.x() * p.x() + p.y() * p.y());
      const flyout_point fp = table.at(d_m, p.z());
      return intercept_probe{t_i, fp.reachable, fp.time_of_flight_s, d_m, p.z()};
    };
    auto resume_at = [&](const intercept_probe& q) {
      shot_memory& m = shot(i, g);
      m.last = intercept_prediction{};
      m.last.clear_until_s = q.time_s;
      m.last.clear_probe = q;
      m.answers_launch_s = infinity;
      m.resume_launch_s = t_from;
      return q.time_s - q.time_of_flight_s;
    };
    double previous_outside = -infinity;
    for (double t_i = t_from; t_i <= t_end;) {
      const Eigen::Vector3d p = relative_position(t_i);
      const double d_m = std::sqrt(p.x() * p.x() + p.y() * p.y());
      const double beyond_m = std::max(d_m - type.max_reach_range_m, p.z() - type.max_reach_height_m);
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
          for (int k = 0; k < 60 && in.time_s - out_s > search_tolerance_s; ++k) {
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
      if (!fp.reachable) {
        // Samples the threat cannot reach the envelope by (at its top speed,
        // from the table's lower bound on the distance to it) and at which it
        // is still inside the reach box (beyond_m <= 0 changes as slowly):
        // this loop would only step over them. The grid is kept, so what the
        // scan returns is unchanged.
        const double safe_m = std::min(table.distance_to_reach_m(d_m, p.z()), -beyond_m) * (1.0 - 1e-9);
        const double safe_until_s = previous_outside + safe_m / speed_mps;
        while (t_i < safe_until_s && t_i <= t_end) {
          previous_outside = t_i;
          t_i += feasibility_scan_step_s;
        }
      }
    }
    return infinity;
  }

  void block(int i, std::uint8_t cause, double t) {
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    if (cause == no_round_block) result_.no_ready_salvo = true;
    if (r.last_block != cause) record(t, trace_kind::launch_blocked, i, -1, -1, static_cast<double>(cause));
    set_last_block(r, cause, true);  // only decision passes block, and only listed threats
  }

  /// No feasible intercept now. This is the threat's leak cause only if no
  /// shortage of resources ever blocked a feasible shot at it: the cause is
  /// what stopped the defence while it still could have fired.
  void block_outside(int i, double t) {
    const std::uint8_t reason = st_.rt[static_cast<std::size_t>(i)].last_block;
    if (reason == no_block || reason == static_cast<std::uint8_t>(leak_cause::outside_envelope))
      block(i, static_cast<std::uint8_t>(leak_cause::outside_envelope), t);
  }

  /// Whether every round of a salvo of stock g fired from `t` (one launch
  /// interval apart) has a feasible intercept; fills rounds[0..count). When
  /// round k is not, the salvo cannot start before the next feasible launch
  /// of round k less k launch intervals: that time is cached and a wake-up
  /// scheduled for it (infinity, and no wake-up, when round k never becomes
  /// feasible).
  bool salvo_feasible(int i, int g, double t, int count, intercept_prediction* rounds) {
    shot_memory& m = shot(i, g);
    if (m.next_feasible_s > t || (count > 1 && m.next_salvo_s > t)) return false;
    const double interval_s = site(battery_of_stock(g)).fire_control.launch_interval_s;
    for (int k = 0; k < count; ++k) {
      const double launch_s = t + k * interval_s;
      rounds[k] = predict(i, g, launch_s);
      if (!rounds[k].feasible) {
        shot_memory& mm = shot(i, g);
        const double least_delay_s =
            std::min(feasibility_scan_step_s, search_tolerance_s * static_cast<double>(1 << std::min(mm.misses, 20)));
        ++mm.misses;
        const double next_s = std::max(next_feasible_launch(i, g, launch_s) - k * interval_s, t + least_delay_s);
        shot_memory& m2 = shot(i, g);
        (k == 0 ? m2.next_feasible_s : m2.next_salvo_s) = next_s;
        if (std::isfinite(next_s)) push(next_s, event_type::wake, i);
        return false;
      }
    }
    shot(i, g).misses = 0;
    return true;
  }

  /// One wake-up when battery b's launch interval ends (after its launch; not one per decision pass).
  void wake_for_launch_interval(int b, double t) {
    const double next_s = st_.shooters[static_cast<std::size_t>(b)].next_launch_s();
    double& woken_s = st_.launch_wake_s[static_cast<std::size_t>(b)];
    if (t < next_s && woken_s != next_s) {
      push(next_s, event_type::wake, -1, b);
      woken_s = next_s;
    }
  }

  /// Battery b's common shortage in this pass (computed at its first use).
  std::uint8_t common_of(int b, double t) {
    const auto k = static_cast<std::size_t>(b);
    if (st_.pass_common_of[k] != pass_id_) {
      st_.pass_common[k] = block_code(st_.shooters[k].common_shortage(t));
      st_.pass_common_of[k] = pass_id_;
    }
    return st_.pass_common[k];
  }

  /// The block reason every eligible threat would get now, whatever its
  /// channel and whichever battery or type: when each battery in action has
  /// the same common shortage. no_block otherwise.
  std::uint8_t common_block(double t) {
    std::uint8_t common = no_block;
    bool first = true;
    for (int b = 0; b < batteries_; ++b) {
      if (out_of_action(b)) continue;
      const std::uint8_t c = common_of(b, t);
      if (c == no_block || (!first && c != common)) return no_block;
      common = c;
      first = false;
    }
    return common;
  }

  /// Whether every eligible threat carries one block reason (not no_block):
  /// only then may common_block skip the pass.
  bool every_eligible_blocked() const {
    // Every slot tested, no early exit: the counts change from pass to pass,
    // and a branch per slot would be mispredicted.
    const int n = eligible_count_;
    bool any = false;
    for (std::size_t k = 0; k < eligible_by_block_.size(); ++k)
      any |= (k != block_slot(no_block)) & (eligible_by_block_[k] == n);
    return any;
  }

  void assign(double t) {
    if (eligible_count_ == 0) return;
    ++pass_id_;
#ifndef NDEBUG
    assert(eligible_count_ == std::count_if(st_.rt.begin(), st_.rt.end(), [](const threat_runtime& r) { return r.listed; }));
    for (std::uint8_t reason : {no_block, static_cast<std::uint8_t>(leak_cause::outside_envelope), nfc_block,
                                no_round_block})
      assert(eligible_by_block_[block_slot(reason)] ==
             std::count_if(st_.rt.begin(), st_.rt.end(),
                           [&](const threat_runtime& r) { return r.listed && r.last_block == reason; }));
#endif
    // When the shortage is the same for every eligible threat (a launch
    // interval, every interceptor slot in flight, or no ready salvo while
    // channels are free, at every battery), and each already carries it, the
    // pass below would only skip them all: a large raid's decision passes then
    // cost nothing instead of a walk over every waiting threat.
    if (every_eligible_blocked()) {
      const std::uint8_t common = common_block(t);
      if (common != no_block && eligible_by_block_[block_slot(common)] == eligible_count_) return;
    }
    pass_cursor_ = -1;
    collect_work();
    in_pass_ = true;
    for (int rank = next_work(); rank >= 0; rank = next_work()) {
      pass_cursor_ = rank;
      const int i = st_.order[static_cast<std::size_t>(rank)];
      if (!st_.rt[static_cast<std::size_t>(i)].listed || !needs_decision(i)) continue;
      const int fired_by = decide(i, t);
      if (st_.rt[static_cast<std::size_t>(i)].held) mark_pending(i);  // decided again at the next pass
      if (fired_by < 0) continue;
      wake_for_launch_interval(fired_by, t);
      if (shooter_of(fired_by).next_launch_s() <= t) {
        // A zero launch interval lets another salvo go at this very instant:
        // serve again from the top of the order (a shoot-shoot threat just
        // fired at may take its next salvo before lower-priority threats).
        // Every eligible threat that may need a decision: the batteries'
        // lists, and the threats out of reach that changed (joined this
        // pass, or pending for the next).
        drop_served_work();
        pass_cursor_ = -1;
        add_pending_to_work();
        for (int b = 0; b < batteries_; ++b) merge_into_work(battery_words(b));
      }
    }
    in_pass_ = false;
  }

  // ---- what changed since a threat was last decided -------------------------
  // A threat's decision is a function of its own state, its batteries' state
  // and the time; the time alone matters only at the wake-ups the engine
  // schedules for it (its next feasible launch, a launch interval's end). So
  // a decision pass decides again only for a threat whose state, or one of
  // whose batteries' state, changed since its last decision (a wake-up naming
  // it counts as a change), or at which the rule held fire: for every other
  // one it would find the same shortage or the same infeasible shot as last
  // time. This keeps a pass's cost to what changed, not to every waiting
  // threat of every battery.
  //
  // The stamps say exactly which threats need a decision; the pass's work
  // list holds a superset of them, so a pass never walks the waiting threats
  // of batteries where nothing happened: the threats that changed since the
  // last pass, and the eligible threats of the batteries that changed. A
  // change during the pass to a threat (or battery) later in the service
  // order joins this pass's work list; to one already served, the next's.
  void changed(int i) {
    st_.rt[static_cast<std::size_t>(i)].changed_stamp = ++change_count_;
    const int rank = st_.rt[static_cast<std::size_t>(i)].rank;
    if (!in_pass_ || rank <= pass_cursor_)
      mark_pending(i);
    else
      join_pass(rank);
  }
  /// A rank after the cursor joins the current pass's work.
  void join_pass(int rank) { set_rank_bit(st_.pass_bits.data(), rank, true); }
  void battery_changed(int b) {
    st_.battery_changed[static_cast<std::size_t>(b)] = ++change_count_;
    std::uint8_t& flag = st_.changed_battery_flag[static_cast<std::size_t>(b)];
    if (!flag) {
      flag = 1;
      st_.changed_batteries.push_back(b);
    }
    if (in_pass_) add_source(b);
  }
  void mark_pending(int i) { set_rank_bit(st_.pending_bits.data(), st_.rt[static_cast<std::size_t>(i)].rank, true); }
  /// Battery b's eligible threats after the cursor join the pass (once a
  /// pass: a threat that joins b's list later changes, and joins by changed()).
  void add_source(int b) {
    std::uint64_t& of = st_.source_of_pass[static_cast<std::size_t>(b)];
    if (of == pass_id_) return;
    of = pass_id_;
    merge_into_work(battery_words(b));
  }
  /// The ranks of a battery's list join the pass's work. Those at or before
  /// the cursor join too, but next_work never returns them, and a restart
  /// from the top drops them first (drop_served_work): as if only the ranks
  /// after the cursor had joined.
  void merge_into_work(const std::uint64_t* bits) {
    const std::size_t from = pass_cursor_ < 0 ? 0 : static_cast<std::size_t>(pass_cursor_) / 64;
    std::uint64_t* work = st_.pass_bits.data();
    for (std::size_t w = from; w < rank_words_; ++w) work[w] |= bits[w];
  }
  /// Takes the ranks up to the cursor out of the pass's work.
  void drop_served_work() {
    if (pass_cursor_ < 0) return;
    const auto c = static_cast<std::size_t>(pass_cursor_);
    std::uint64_t* work = st_.pass_bits.data();
    std::fill(work, work + c / 64, 0);
    work[c / 64] &= ~std::uint64_t{0} << (c % 64) << 1;  // keeps the bits after c (none when c % 64 is 63)
  }
  /// The listed pending threats join the pass's work (they stay pending).
  void add_pending_to_work() {
    for (std::size_t w = 0; w < rank_words_; ++w) st_.pass_bits[w] |= listed_pending(w);
  }
  /// Word w of the set of pending threats that are listed as eligible.
  std::uint64_t listed_pending(std::size_t w) const { return st_.pending_bits[w] & st_.listed_bits[w]; }
  /// Starts a pass's work: what changed since the last pass.
  void collect_work() {
    for (std::size_t w = 0; w < rank_words_; ++w) {
      st_.pass_bits[w] = listed_pending(w);
      st_.pending_bits[w] = 0;
    }
    for (const int b : st_.changed_batteries) {
      st_.changed_battery_flag[static_cast<std::size_t>(b)] = 0;
      add_source(b);
    }
    st_.changed_batteries.clear();
  }
  /// The pass's next rank after the cursor, or -1.
  int next_work() const {
    const auto first = static_cast<std::size_t>(pass_cursor_ + 1);
    std::size_t w = first / 64;
    if (w >= rank_words_) return -1;
    const std::uint64_t* work = st_.pass_bits.data();
    std::uint64_t bits = work[w] & (~std::uint64_t{0} << (first % 64));
    while (bits == 0) {
      if (++w == rank_words_) return -1;
      bits = work[w];
    }
    return static_cast<int>(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
  }
  bool needs_decision(int i) const {
    const threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    const std::uint64_t decided = r.decided_stamp;
    if (r.held || r.changed_stamp > decided) return true;
    if (r.out_of_reach) return false;
    for (const int b : batteries_of(i))
      if (st_.battery_changed[static_cast<std::size_t>(b)] > decided) return true;
    return false;
  }

  /// Collects the shooters that can launch a feasible salvo at threat i now,
  /// lets the rule choose, and launches; otherwise records why not. Returns
  /// the battery that fired, or -1.
  int decide(int i, double t) {
    const bool was_out_of_reach = st_.rt[static_cast<std::size_t>(i)].out_of_reach;
    const int fired_by = decide_shots(i, t);
    if (st_.rt[static_cast<std::size_t>(i)].out_of_reach != was_out_of_reach) sync_battery_lists(i);
    return fired_by;
  }
  int decide_shots(int i, double t) {
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    r.held = false;
    r.out_of_reach = false;
    r.decided_stamp = ++change_count_;
    int count = 0;
    std::uint8_t shortage_found = no_block;
    // Some shooter is short of what the threat's recorded reason already
    // names: the reason stands (a threat short of two things at two shooters
    // keeps the one it has, rather than trading it at every decision pass).
    bool keeps_reason = false;
    bool short_somewhere = false;  // some shooter lacked a resource, or could fire one round: not only the geometry
    for (const int b : batteries_of(i)) {
      if (!eligible_at(i, b, t)) continue;
      // A shortage this battery has for every stock and channel, and the
      // threat already carries: nothing new to learn from it (no prediction).
      const std::uint8_t common = common_of(b, t);
      if (common != no_block && common == r.last_block) {
        keeps_reason = true;
        short_somewhere = true;
        continue;
      }
      const bool holds = access(i, b).holds_channel;
      shooter& sh = shooter_of(b);
      for (int s = 0; s < sh.stocks(); ++s) {
        const int g = stock_base_[static_cast<std::size_t>(b)] + s;
        const double pk = pk_against(i, g);
        if (pk <= 0.0) continue;  // this type cannot engage this class
        const std::uint8_t shortage = block_code(sh.shortage(s, holds, t));
        if (shortage != no_block) {
          short_somewhere = true;
          // Attribute a shortage only when a shot was feasible, and only the
          // first one found; an unchanged reason needs no prediction.
          if (shortage == r.last_block)
            keeps_reason = true;
          else if (!keeps_reason && shortage_found == no_block && salvo_feasible(i, g, t, 1, scratch_rounds_))
            shortage_found = shortage;
          continue;
        }
        intercept_prediction* rounds = &st_.option_rounds[static_cast<std::size_t>(count) * max_salvo_size];
        if (!salvo_feasible(i, g, t, sh.salvo_size(), rounds)) {
          // A first round that is feasible (a later one is not) would make a
          // shortage at this stock count: the decision then depends on resources.
          if (!(shot(i, g).next_feasible_s > t)) short_somewhere = true;
          continue;
        }
        shooter_option& o = st_.options[static_cast<std::size_t>(count++)];
        const shooter::stock& k = sh.stock_at(s);
        o.battery = b;
        o.interceptor_type = k.interceptor_type;
        o.salvo_size = sh.salvo_size();
        o.first_intercept_s = rounds[0].intercept_time_s;
        o.last_intercept_s = rounds[0].intercept_time_s;
        for (int q = 1; q < o.salvo_size; ++q) o.last_intercept_s = std::max(o.last_intercept_s, rounds[q].intercept_time_s);
        o.salvo_cost = o.salvo_size * sc_.interceptors[static_cast<std::size_t>(k.interceptor_type)].cost_per_round;
        o.pk = pk;
        o.ready_rounds = k.ready;
        o.pool_rounds = k.pool;
        st_.option_stock[static_cast<std::size_t>(count - 1)] = g;
      }
    }
    if (count > 0) {
      const int pick = rule_.choose(st_.views[static_cast<std::size_t>(i)], st_.options.data(), count);
      if (pick >= 0 && pick < count) {
        launch_salvo(i, pick, t);
        return st_.options[static_cast<std::size_t>(pick)].battery;
      }
      r.held = true;  // the rule holds fire at it for now: ask again at the next pass
      return -1;
    }
    r.out_of_reach = !short_somewhere;
    if (keeps_reason) return -1;
    if (shortage_found != no_block)
      block(i, shortage_found, t);
    else
      block_outside(i, t);
    return -1;
  }

  void launch_salvo(int i, int pick, double t) {
    const shooter_option& o = st_.options[static_cast<std::size_t>(pick)];
    const int b = o.battery;
    const int g = st_.option_stock[static_cast<std::size_t>(pick)];
    const int s = g - stock_base_[static_cast<std::size_t>(b)];
    const intercept_prediction* rounds = &st_.option_rounds[static_cast<std::size_t>(pick) * max_salvo_size];
    const battery_site& bs = site(b);
    const int salvo = o.salvo_size;
    shooter& sh = shooter_of(b);
    battery_changed(b);
    threat_runtime& r = st_.rt[static_cast<std::size_t>(i)];
    threat_outcome& out = ws_.outcomes[static_cast<std::size_t>(i)];
    track_access& a = access(i, b);
    if (!a.holds_channel) {
      a.holds_channel = true;
      sh.take_channel();
    }
    const interceptor_type& type = sc_.interceptors[static_cast<std::size_t>(o.interceptor_type)];
    // Each threat's kill draws come from its own endgame sub-stream, salvo after salvo.
    // A salvo uses salvo + 1 uniforms of two words each, whatever its outcome.
    random_stream endgame(seed_, sub_stream(stream_id::endgame, static_cast<std::uint32_t>(i)), trial_);
    endgame.seek_word(r.endgame_words);
    r.endgame_words += 2u * static_cast<std::uint64_t>(salvo + 1);
    double pk_rounds[max_salvo_size];
    const kill_model& km = type.kill;
    const double reach_m = model_.max_reach_range_m(o.interceptor_type);
    for (int k = 0; k < salvo; ++k) {
      pk_rounds[k] = o.pk;
      if (km.edge_start_fraction < 1.0)
        pk_rounds[k] *= edge_pk_factor(rounds[k].ground_range_m, reach_m, 1.0 - km.edge_start_fraction, km.edge_factor);
    }
    const std::uint32_t kills = law_ ? sample_biased_salvo(i, o, rounds, pk_rounds, endgame)
                                     : sample_salvo_rounds(pk_rounds, salvo, km.common_mode_correlation, endgame);
    double last_intercept_s = t;
    for (int k = 0; k < salvo; ++k) {
      const double launch_s = t + k * bs.fire_control.launch_interval_s;
      shooter::reload started;
      const int launcher = sh.take_round(s, launch_s, started);
      if (started.launcher >= 0) {
        push(started.done_s, event_type::reload_complete, started.rounds,
             launcher_base_[static_cast<std::size_t>(b)] + started.launcher);
        record(launch_s, trace_kind::reload_start, -1, started.launcher, -1, started.rounds, b, o.interceptor_type);
      }
      const int serial = static_cast<int>(st_.kill_flags.size());
      st_.kill_flags.push_back(((kills >> k) & 1u) != 0 ? 1 : 0);
      st_.serial_stock.push_back(g);
      sh.interceptor_launched();
      push(rounds[k].intercept_time_s, event_type::intercept, i, serial);
      record(launch_s, trace_kind::interceptor_launch, i, launcher, serial, rounds[k].intercept_time_s, b,
             o.interceptor_type);
      last_intercept_s = std::max(last_intercept_s, rounds[k].intercept_time_s);
    }
    push(last_intercept_s + bs.doctrine.kill_assessment_s, event_type::kill_assessment, i, b);
    ++out.salvos;
    out.interceptors_used += salvo;
    result_.interceptors_used += salvo;
    result_.defender_cost += salvo * type.cost_per_round;
    ++a.salvos;
    ++a.pending_assessments;
    r.owner = b;
    sh.salvo_launched(s, t);
    set_last_block(r, no_block, refresh_eligible(i, t));
    rounds_left_ -= salvo;
    if (rounds_left_ == 0) result_.magazine_exhausted = true;
  }

  trial_result finish() {
    int left = 0;
    ws_.stocks.clear();
    for (int b = 0; b < batteries_; ++b) {
      const shooter& sh = st_.shooters[static_cast<std::size_t>(b)];
      left += sh.rounds_left();
      for (int s = 0; s < sh.stocks(); ++s) {
        const shooter::stock& k = sh.stock_at(s);
        ws_.stocks.push_back(stock_result{b, k.interceptor_type, k.fired, k.out_of_rounds});
      }
    }
    result_.rounds_left = left;
    for (std::size_t a = 0; a < sc_.assets.size(); ++a)
      if (ws_.asset_leakers[a] > 0) result_.value_lost += sc_.assets[a].value;
    if (trace_) {
      // The looks were drawn up front: a lost battery's radar saw nothing after its loss.
      trace_->erase(std::remove_if(trace_->begin() + static_cast<std::ptrdiff_t>(trace_start_), trace_->end(),
                                   [this](const trace_event& e) {
                                     return e.kind == trace_kind::detection &&
                                            e.time_s >= st_.out_of_action_s[static_cast<std::size_t>(e.battery)];
                                   }),
                    trace_->end());
      std::stable_sort(trace_->begin() + static_cast<std::ptrdiff_t>(trace_start_), trace_->end(),
                       [](const trace_event& a, const trace_event& b) { return a.time_s < b.time_s; });
    }
    return result_;
  }

  const engagement_model& model_;
  const scenario& sc_;
  const fire_distribution_rule& rule_;
  std::uint64_t seed_;
  std::uint64_t trial_;
  trial_workspace& ws_;
  trial_workspace::internal& st_;
  std::vector<trace_event>* trace_;
  std::size_t trace_start_ = trace_ ? trace_->size() : 0;
  const importance_law* law_ = ws_.biasing;       ///< null: a plain trial
  importance_record* importance_ = ws_.importance;
  int batteries_ = 0;
  int stocks_ = 0;
  std::vector<int>& stock_base_ = st_.stock_base;
  std::vector<int>& launcher_base_ = st_.launcher_base;
  trial_result result_;
  int unresolved_ = 0;
  int rounds_left_ = 0;  ///< ready + reloading + pool over every battery and type
  std::uint64_t change_count_ = 0;  ///< counts changes and decisions (threat_runtime::changed_stamp, battery_changed)
  std::uint64_t pass_id_ = 0;       ///< counts decision passes (common_of)
  bool in_pass_ = false;            ///< a decision pass is under way
  int pass_cursor_ = -1;            ///< the rank the pass serves (-1: none yet)
  std::size_t rank_words_ = 0;        ///< words of a set of ranks (pass_bits, battery_bits)
  std::array<int, 8> eligible_by_block_{};  ///< eligible threats per last block reason (block_slot)
  int eligible_count_ = 0;                  ///< threats that may be fired at now (threat_runtime::listed)
  intercept_prediction scratch_rounds_[max_salvo_size];
};

}  // namespace

std::vector<std::pair<int, int>> stock_layout(const scenario& expanded) {
  std::vector<std::pair<int, int>> layout;
  shooter sh;
  for (std::size_t b = 0; b < expanded.batteries.size(); ++b) {
    sh.reset(expanded.batteries[b]);
    for (int s = 0; s < sh.stocks(); ++s) layout.emplace_back(static_cast<int>(b), sh.stock_at(s).interceptor_type);
  }
  return layout;
}

trial_result run_trial(const engagement_model& model, std::uint64_t seed, std::uint64_t trial_index,
                       trial_workspace& ws, std::vector<trace_event>* trace) {
  if (ws.biasing && !ws.importance)
    throw std::invalid_argument("run_trial: a biased trial (trial_workspace::biasing) needs trial_workspace::importance");
  if (!ws.state) ws.state = std::make_shared<trial_workspace::internal>();
  ws.state->queue.clear();
  trial_engine engine(model, seed, trial_index, ws, trace);
  return engine.run();
}

}  // namespace samsim
