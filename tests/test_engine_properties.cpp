// Property tests of the engine (engagement.hpp): valid random scenarios, each
// made from one seed within the limits of docs/scenario.md, run for a few
// trials each. No trial may crash or hang, and every trial must keep the
// invariants of docs/model.md (sections 11, 12 and 21) listed in
// property_names below, checked from its result, its outcomes, its per-stock
// and per-asset results and its timeline (trace).
//
// Two generators, alternating by seed (odd seeds format 1, even seeds
// format 2; SAMSIM_PROPERTY_FORMAT=1 or 2 makes every seed one format):
// * format 1: one battery (random radar, fire control, launchers and
//   reloads, doctrine, Pk model), threat classes and a raid aimed at the
//   asset or at random points. A seed gives the same format 1 scenario as
//   before the defended-area generator was added, so an old reproducer still
//   works with SAMSIM_PROPERTY_FORMAT=1 (or as is, for an odd seed).
// * format 2, the defended area: 1-3 assets of random value, 1-3 interceptor
//   types (some with Pk 0 against some classes, random costs), 1-4 batteries
//   each with its own radar, fire control, doctrine, ready time and launcher
//   groups of 1-3 types, a shared track network with latency or none, a
//   random fire-distribution rule (earliest_arrival / asset_value x
//   earliest_intercept / cheapest), class priorities and costs, and raid
//   groups aimed at assets or at batteries (a leaker at a battery puts it out
//   of action).
// Both are checked by the same code, on the scenario as the engine runs it
// (a format 1 scenario expanded to its one-battery defended area): every
// limit per battery, every stock per (battery, interceptor type).
//
// Each interceptor type is an analytic flyout table (tof and arrival speed of
// a round that decelerates linearly with distance, random per type), as in
// tests/test_engagement.cpp: flying a 3-DOF table per type would cost
// 0.1-0.5 s each, and the engine's rules do not depend on where the table
// comes from. Radars of one scenario mostly share their pulses and Pfa: the
// engine builds one Pd table per (Swerling case, pulses, Pfa), which is most
// of a scenario's cost here, so that a defended area costs about 1.3 format 1
// scenarios rather than one per battery.
//
// A second test case breaks each property on purpose (a changed scenario or
// record of a real trial) and requires its check to fail.
//
// Scale: SAMSIM_PROPERTY_SCENARIOS (default 2000; 250 under the sanitizers)
// scenarios from SAMSIM_PROPERTY_SEED (default 1), SAMSIM_PROPERTY_TRIALS
// (default 3) trials each. A failure names the scenario seed and format;
// rerun one scenario with SAMSIM_PROPERTY_SEED=<seed> SAMSIM_PROPERTY_SCENARIOS=1.
// The counts are deterministic: a given build passes or fails the same way.
// A hang ends the program after 60 s with the scenario's seed (seeds 1389 and
// 100913 once hung in predict_intercept; tests/test_flyout.cpp has the case).
// A property listed in known_failures is reported but does not fail the test
// (SAMSIM_PROPERTY_STRICT=1 makes it fail); each entry gives its reproducer.
#include <samsim/engagement.hpp>
#include <samsim/units.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace samsim;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return (v && *v) ? std::strtoull(v, nullptr, 10) : fallback;
}

/// Draws from one seed, the same on every platform (no std distributions, whose output is implementation-defined).
class draws {
 public:
  explicit draws(std::uint64_t seed) : gen_(seed) {}
  double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }
  double log_uniform(double lo, double hi) { return std::exp(uniform(std::log(lo), std::log(hi))); }
  int integer(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(unit() * (hi - lo + 1) * (1.0 - 1e-12));
  }
  bool chance(double p) { return unit() < p; }

 private:
  double unit() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  std::mt19937_64 gen_;
};

/// Interceptor model of a type: speed v0 at launch, falling by k per metre flown.
struct analytic_interceptor {
  double v0_mps = 1000.0;
  double decel_per_m = 0.0;  ///< dv/ds [1/s]
  flyout_point at(double range_m, double height_m) const {
    const double d = std::hypot(range_m, height_m);
    const double v = v0_mps - decel_per_m * d;
    if (!(v > 50.0)) return {};
    const double tof = decel_per_m > 0 ? std::log(v0_mps / v) / decel_per_m : d / v0_mps;
    return {true, tof, v};
  }
};

struct generated {
  scenario sc;
  std::vector<analytic_interceptor> interceptors;  ///< one per interceptor type, in type order
};

random_value some_value(draws& d, double lo, double hi) {
  switch (d.integer(0, 2)) {
    case 0:
      return random_value::fixed(d.uniform(lo, hi));
    default: {
      const double a = d.uniform(lo, hi);
      const double b = d.uniform(lo, hi);
      return a == b ? random_value::fixed(a) : random_value::uniform(std::min(a, b), std::max(a, b));
    }
  }
}

// The parts both generators draw. Their draw order is the format 1
// generator's: changing it changes every format 1 scenario (and its seeds).

void random_radar(draws& d, radar_parameters& r) {
  r.peak_power_w = d.log_uniform(1e4, 1e7);
  r.antenna_gain = units::db_to_linear(d.uniform(20.0, 45.0));
  r.frequency_hz = d.log_uniform(1e9, 1e10);
  r.noise_figure = units::db_to_linear(d.uniform(0.0, 8.0));
  r.bandwidth_hz = d.log_uniform(1e5, 1e7);
  r.losses = units::db_to_linear(d.uniform(0.0, 12.0));
  r.pulses_integrated = d.integer(1, 16);
  r.pfa = d.log_uniform(1e-9, 1e-3);
  r.scan_period_s = d.uniform(0.5, 10.0);
  r.antenna_height_m = d.uniform(0.0, 50.0);
  r.max_range_m = d.uniform(20e3, 400e3);
  r.min_elevation_rad = units::deg_to_rad(d.uniform(-5.0, 0.0));
  r.max_elevation_rad = units::deg_to_rad(d.uniform(30.0, 90.0));
  r.confirm_n = d.integer(1, 5);
  r.confirm_m = d.integer(1, r.confirm_n);
  r.max_tracks = d.integer(1, 12);
}

void random_launchers(draws& d, launcher_parameters& l) {
  l.count = d.integer(1, 6);
  l.ready_per_launcher = d.integer(1, 6);
  l.reload_time_s = d.chance(0.2) ? 0.0 : d.uniform(1.0, 600.0);
  l.reload_rounds = d.chance(0.3) ? 0 : d.integer(1, 30);
}

/// Fire control and doctrine of a battery whose smallest launcher group holds `magazine` rounds.
void random_fire_control(draws& d, int magazine, fire_control_parameters& fc, doctrine_parameters& doctrine) {
  fc.max_engaged_targets = d.integer(1, 8);
  doctrine.mode = d.chance(0.5) ? doctrine_mode::shoot_look_shoot : doctrine_mode::shoot_shoot;
  doctrine.salvo_size = d.integer(1, std::min(4, magazine));
  fc.max_interceptors_in_flight = d.integer(doctrine.salvo_size, 16);
  fc.reaction_time_s = d.chance(0.2) ? 0.0 : d.uniform(0.0, 20.0);
  fc.launch_interval_s = d.chance(0.2) ? 0.0 : d.uniform(0.0, 5.0);
  doctrine.kill_assessment_s = d.chance(0.2) ? 0.0 : d.uniform(0.0, 10.0);
  doctrine.max_salvos_per_threat = d.integer(1, 4);
}

/// An envelope and the analytic interceptor that flies in it.
void random_envelope(draws& d, envelope_limits& e, analytic_interceptor& in) {
  e.min_range_m = d.uniform(0.0, 5e3);
  e.max_range_m = e.min_range_m + d.uniform(5e3, 150e3);
  e.min_height_m = d.uniform(0.0, 100.0);
  e.max_height_m = e.min_height_m + d.uniform(1e3, 30e3);
  in.v0_mps = d.uniform(600.0, 2000.0);
  in.decel_per_m = d.chance(0.3) ? 0.0 : d.uniform(0.0, 0.5) * in.v0_mps / e.max_range_m;
  e.min_speed_mps = d.chance(0.5) ? 0.0 : d.uniform(0.0, in.v0_mps);
}

void random_kill(draws& d, kill_model& kill) {
  if (d.chance(0.3)) {
    kill.edge_start_fraction = d.uniform(0.01, 1.0);
    kill.edge_factor = d.uniform(0.0, 1.0);
  }
  if (d.chance(0.3)) kill.common_mode_correlation = d.uniform(0.0, 1.0);
}

/// Threat class k; `swerling` is the scenario's usual Swerling case.
void random_class(draws& d, int k, swerling_case swerling, threat_class& c, threat_class_defaults& defaults) {
  c.name = "class" + std::to_string(k);
  c.rcs_m2 = d.log_uniform(0.01, 100.0);
  c.swerling = d.chance(0.85) ? swerling : static_cast<swerling_case>(d.integer(0, 4));
  c.leak_distance_m = d.chance(0.5) ? 0.0 : d.uniform(0.0, 5e3);
  if (d.chance(0.7)) {
    c.trajectory = trajectory_kind::straight;
    defaults.height_m = some_value(d, 10.0, 15e3);
    defaults.speed_mps = some_value(d, 50.0, 1000.0);
    const double top = defaults.height_m.type == random_value::kind::fixed ? defaults.height_m.a : defaults.height_m.b;
    switch (d.integer(0, 2)) {
      case 1:
        c.terminal = terminal_kind::dive;
        c.terminal_distance_m = d.uniform(100.0, 20e3);
        break;
      case 2:
        if (top < 19e3) {
          c.terminal = terminal_kind::pop_up;
          c.terminal_distance_m = d.uniform(100.0, 20e3);
          c.terminal_height_m = d.uniform(top + 10.0, 20e3);
        }
        break;
      default:
        break;
    }
  } else {
    c.trajectory = trajectory_kind::ballistic;
    if (d.chance(0.5)) c.flight_time_s = d.uniform(60.0, 0.99 * max_ballistic_flight_time_s());  // loader limit
    else c.apogee_height_m = d.uniform(5e3, 300e3);
    defaults.height_m = random_value::fixed(0.0);
    defaults.speed_mps = random_value::fixed(0.0);
  }
}

/// A raid group of one of sc's classes; its aim point and target are the caller's.
raid_group random_group(draws& d, const scenario& sc, int classes) {
  raid_group grp;
  grp.class_index = d.integer(0, classes - 1);
  const threat_class& c = sc.classes[static_cast<std::size_t>(grp.class_index)];
  switch (d.integer(0, 2)) {
    case 0:
      grp.count = random_count::fixed(d.integer(0, 8));
      break;
    case 1:
      grp.count = random_count::poisson(d.uniform(0.0, 6.0));
      break;
    default: {
      const int lo = d.integer(0, 4);
      grp.count = random_count::uniform(lo, d.integer(lo, 8));
    }
  }
  grp.launch_time_s = some_value(d, 0.0, 120.0);
  grp.bearing_deg = d.chance(0.3) ? random_value::normal(d.uniform(-180.0, 180.0), d.uniform(1.0, 30.0))
                                  : some_value(d, -180.0, 180.0);
  grp.start_range_m = some_value(d, c.leak_distance_m + 1e3, 150e3);
  if (c.trajectory == trajectory_kind::straight && c.terminal != terminal_kind::pop_up && d.chance(0.2))
    grp.height_m = some_value(d, 10.0, 15e3);
  if (c.trajectory == trajectory_kind::straight && d.chance(0.2)) grp.speed_mps = some_value(d, 50.0, 1000.0);
  return grp;
}

/// A valid format 1 scenario, small enough that a trial takes well under a millisecond.
generated random_scenario(std::uint64_t seed) {
  draws d(seed);
  generated g;
  scenario& sc = g.sc;
  sc.name = "property-" + std::to_string(seed);
  sc.defended_asset_en_m = {d.uniform(-2e3, 2e3), d.uniform(-2e3, 2e3)};
  battery_parameters& b = sc.battery;
  b.position_en_m = sc.defended_asset_en_m + Eigen::Vector2d(d.uniform(-5e3, 5e3), d.uniform(-5e3, 5e3));
  random_radar(d, b.radar);
  random_launchers(d, b.launchers);
  random_fire_control(d, b.launchers.count * b.launchers.ready_per_launcher, b.fire_control, b.doctrine);

  // Interceptor: the kinematics are not flown (the table is analytic), but the scenario must validate.
  b.interceptor.launch_mass_kg = 100.0;
  b.interceptor.specific_impulse_s = 200.0;
  b.interceptor.phases = {{1000.0, 1.0}};
  b.interceptor.reference_area_m2 = 0.01;
  b.interceptor.cd_vs_mach = {{0.0, 0.3}, {5.0, 0.3}};
  b.interceptor.max_lateral_accel_mps2 = 100.0;
  g.interceptors.resize(1);
  random_envelope(d, b.envelope, g.interceptors[0]);
  b.pk_default = d.uniform(0.0, 1.0);
  random_kill(d, b.kill);

  // One Swerling case for most scenarios' classes: the engine builds one Pd table per case (about 30 ms),
  // which is most of a scenario's cost here.
  const int classes = d.integer(1, 3);
  const auto swerling = static_cast<swerling_case>(d.integer(0, 4));
  for (int k = 0; k < classes; ++k) {
    threat_class c;
    threat_class_defaults defaults;
    random_class(d, k, swerling, c, defaults);
    sc.classes.push_back(c);
    sc.pk_by_class.push_back(d.chance(0.5) ? b.pk_default : d.uniform(0.0, 1.0));
    sc.raid.class_defaults.push_back(defaults);
  }

  const int groups = d.integer(1, 3);
  for (int k = 0; k < groups; ++k) {
    raid_group grp = random_group(d, sc, classes);
    grp.aim_en_m = d.chance(0.8) ? sc.defended_asset_en_m
                                 : Eigen::Vector2d(d.uniform(-10e3, 10e3), d.uniform(-10e3, 10e3));
    sc.raid.groups.push_back(grp);
  }
  sc.monte_carlo.trials = 10;
  sc.monte_carlo.seed = seed;
  return g;
}

/// A valid format 2 (defended-area) scenario of the same small size per battery.
generated random_area_scenario(std::uint64_t seed) {
  draws d(seed);
  generated g;
  scenario& sc = g.sc;
  sc.format = 2;
  sc.name = "property-area-" + std::to_string(seed);
  const int assets = d.integer(1, 3);
  for (int k = 0; k < assets; ++k)
    sc.assets.push_back(asset{"asset" + std::to_string(k), Eigen::Vector2d(d.uniform(-20e3, 20e3), d.uniform(-20e3, 20e3)),
                              d.chance(0.3) ? 1.0 : d.log_uniform(0.1, 100.0)});
  sc.defended_asset_en_m = sc.assets.front().position_en_m;  // as the loader sets it

  const int classes = d.integer(1, 3);
  const auto swerling = static_cast<swerling_case>(d.integer(0, 4));
  for (int k = 0; k < classes; ++k) {
    threat_class c;
    threat_class_defaults defaults;
    random_class(d, k, swerling, c, defaults);
    c.priority = d.chance(0.7) ? 0 : d.integer(-1, 2);
    c.cost = d.chance(0.4) ? 0.0 : d.log_uniform(1.0, 1e4);
    sc.classes.push_back(c);
    sc.raid.class_defaults.push_back(defaults);
  }

  // Types named in name order, as the loader numbers them.
  const int types = d.integer(1, 3);
  g.interceptors.resize(static_cast<std::size_t>(types));
  for (int k = 0; k < types; ++k) {
    interceptor_type t;
    t.name = "type" + std::to_string(k);
    t.model = kinematics_model::average_speed;  // validates; the table flown is the analytic one
    random_envelope(d, t.envelope, g.interceptors[static_cast<std::size_t>(k)]);
    t.average_speed_mps = g.interceptors[static_cast<std::size_t>(k)].v0_mps;
    t.pk_default = d.uniform(0.0, 1.0);
    random_kill(d, t.kill);
    for (int c = 0; c < classes; ++c) {
      const int pick = d.integer(0, 5);  // 1 in 6: this type cannot engage the class
      t.pk_by_class.push_back(pick == 0 ? 0.0 : pick < 3 ? t.pk_default : d.uniform(0.0, 1.0));
    }
    t.cost_per_round = d.chance(0.25) ? 0.0 : d.log_uniform(0.1, 1e4);
    sc.interceptors.push_back(t);
  }

  const int batteries = d.integer(1, 4);
  for (int k = 0; k < batteries; ++k) {
    battery_site b;
    b.name = "battery" + std::to_string(k);
    b.position_en_m = sc.assets[static_cast<std::size_t>(d.integer(0, assets - 1))].position_en_m +
                      Eigen::Vector2d(d.uniform(-15e3, 15e3), d.uniform(-15e3, 15e3));
    b.ready_time_s = d.chance(0.5) ? 0.0 : d.uniform(0.0, 150.0);
    b.value = d.chance(0.3) ? 1.0 : d.log_uniform(0.1, 100.0);
    random_radar(d, b.radar);
    if (k > 0 && d.chance(0.8)) {  // one Pd table per Swerling case for most scenarios (see the header)
      b.radar.pulses_integrated = sc.batteries.front().radar.pulses_integrated;
      b.radar.pfa = sc.batteries.front().radar.pfa;
    }
    // 1-3 launcher groups of distinct types, in random order.
    std::vector<int> order(static_cast<std::size_t>(types));
    for (int t = 0; t < types; ++t) order[static_cast<std::size_t>(t)] = t;
    for (int t = types - 1; t > 0; --t) std::swap(order[static_cast<std::size_t>(t)], order[static_cast<std::size_t>(d.integer(0, t))]);
    const int groups = d.integer(1, types);
    int smallest = std::numeric_limits<int>::max();
    for (int q = 0; q < groups; ++q) {
      launcher_group lg;
      lg.interceptor_type = order[static_cast<std::size_t>(q)];
      random_launchers(d, lg.launchers);
      smallest = std::min(smallest, lg.launchers.count * lg.launchers.ready_per_launcher);
      b.launchers.push_back(lg);
    }
    random_fire_control(d, smallest, b.fire_control, b.doctrine);
    sc.batteries.push_back(b);
  }
  sc.network.shared_tracks = d.chance(0.6);
  sc.network.latency_s = d.chance(0.3) ? 0.0 : d.uniform(0.0, 20.0);
  sc.fire_distribution.priority = d.chance(0.5) ? priority_rule::asset_value : priority_rule::earliest_arrival;
  sc.fire_distribution.selection = d.chance(0.5) ? selection_rule::cheapest : selection_rule::earliest_intercept;

  const int groups = d.integer(1, 4);
  for (int k = 0; k < groups; ++k) {
    raid_group grp = random_group(d, sc, classes);
    if (d.chance(0.35)) {
      grp.target = target_ref{target_ref::kind::battery, d.integer(0, batteries - 1)};
      grp.aim_en_m = sc.batteries[static_cast<std::size_t>(grp.target.index)].position_en_m;
    } else {
      grp.target = target_ref{target_ref::kind::asset, d.integer(0, assets - 1)};
      grp.aim_en_m = sc.assets[static_cast<std::size_t>(grp.target.index)].position_en_m;
    }
    sc.raid.groups.push_back(grp);
  }
  sc.monte_carlo.trials = 10;
  sc.monte_carlo.seed = seed;
  return g;
}

engagement_model model_of(const generated& g) {
  scenario expanded_sc = g.sc;
  expand_to_defended_area(expanded_sc);
  std::vector<flyout_table> tables;
  for (std::size_t k = 0; k < expanded_sc.interceptors.size(); ++k) {
    const envelope_limits& lim = expanded_sc.interceptors[k].envelope;
    // About 100 x 40 nodes whatever the envelope's size.
    const double range_step = std::max(50.0, lim.max_range_m / 100.0);
    const double height_step = std::max(25.0, (lim.max_height_m - lim.min_height_m) / 40.0);
    const analytic_interceptor in = g.interceptors[k];
    tables.push_back(flyout_table::from_function(lim, range_step, height_step,
                                                 [in](double r, double h) { return in.at(r, h); }));
  }
  return engagement_model(g.sc, std::move(tables));
}

/// Largest number of half-open intervals [start, end) open at once (closing before opening at equal times).
int max_overlap(const std::vector<std::pair<double, double>>& intervals) {
  std::vector<std::pair<double, int>> edges;
  for (auto [a, b] : intervals) {
    if (!(b > a)) continue;
    edges.emplace_back(a, +1);
    edges.emplace_back(b, -1);
  }
  std::sort(edges.begin(), edges.end());
  int open = 0, most = 0;
  for (auto [t, delta] : edges) most = std::max(most, open += delta);
  return most;
}

/// The properties, by name. Each trial of each scenario checks all of them. "Stock": one battery's rounds
/// of one interceptor type (its launcher group and that group's reload pool).
const std::vector<std::string> property_names = {
    "leakers_at_most_threats",     // result.leakers <= result.threats, and killed + leaked = threats
    "causes_add_up_to_leakers",    // every leaked threat has one cause; sum over causes = leakers
    "leak_cause_consistent",       // survived <=> fired at; never_detected/not_tracked: no confirmation/track;
                                   // battery_out_of_action: some battery lost by then; a shortage or
                                   // outside_envelope cause is the threat's last recorded block
    "rounds_within_magazine",      // per stock: rounds fired (trace = stock result) <= launchers x ready + pool;
                                   // totals agree with the outcomes; rounds left conserved
    "launcher_never_below_empty",  // per launcher, launches <= rounds it held (initial + reloads); each stock's
                                   // pool not overdrawn; launchers numbered stock by stock in type order
    "whole_salvos",                // per (threat, battery): salvos of salvo_size consecutive rounds of one type,
                                   // one launch interval apart, at most max_salvos_per_threat of them
    "engaged_within_channels",     // per battery: threats certainly holding its fire channel <= max_engaged_targets
    "in_flight_within_limit",      // per battery: rounds between launch and intercept <= max_interceptors_in_flight
    "launch_interval_kept",        // per battery: any two of its launches at least launch_interval_s apart
    "launch_after_reaction",       // a battery's launch at a threat no earlier than the first track it could use
                                   // (own, or another's + latency_s when shared) and its ready time, + reaction
    "battery_ready_and_in_action",  // no look before ready_time_s, no salvo before it nor once out of action;
                                    // a lost battery's rounds kill nothing after; losses = leakers at batteries
    "one_battery_per_threat",      // from a salvo to its assessment no other battery fires at the threat (nor the
                                   // same battery in shoot-look-shoot)
    "intercept_before_leak",       // every round's planned intercept is before its threat's leak
    "no_shot_without_pk",          // no round of a type at a class against which its Pk is 0
    "timeline_consistent",         // sorted in time; one threat_launch per threat; each fate has its event,
                                   // with the killer's battery and type
    "asset_accounting",            // per-asset leakers by target; with the leakers at batteries they add up to the
                                   // leakers; value lost = sum of the values of the assets with a leaker
    "costs_add_up",                // defender cost = sum of rounds x cost per round; attacker cost = kills x cost
    "trace_replays_trial",         // run_trial with and without a trace, fresh or reused workspace: the same trial
    "magazine_flag_consistent",    // magazine exhausted <=> no rounds left; a stock that fired all it had is
                                   // flagged out of rounds
};

/// Properties that fail on the current engine and are reported without failing the test (each with its
/// reproducer and diagnosis). SAMSIM_PROPERTY_STRICT=1 makes them fail too.
const std::set<std::string> known_failures = {};

/// How often the limits the properties are about actually bound (a generator that never reaches them would
/// make the properties vacuous).
struct coverage {
  std::uint64_t channels_full = 0, in_flight_full = 0, magazine_exhausted = 0, interval_binding = 0, reloads = 0,
                kills = 0;
  std::array<std::uint64_t, leak_cause_count> causes{};
  // Defended-area scenarios.
  std::uint64_t batteries_lost = 0;      ///< trials with a battery put out of action
  std::uint64_t lost_rounds_missed = 0;  ///< rounds in flight when their battery was lost (miss value 2)
  std::uint64_t network_launches = 0;    ///< salvos at a threat the battery's own radar never tracked
  std::uint64_t late_battery_fired = 0;  ///< salvos by a battery with a ready time after the threat's launch
  std::uint64_t handovers = 0;           ///< threats fired at by two or more batteries
  std::uint64_t several_types = 0;       ///< trials in which one battery fired two or more types
  std::uint64_t channels_full_area = 0;  ///< a battery of a multi-battery scenario with all channels taken
};

struct failure_log {
  std::map<std::string, std::uint64_t> count;
  std::map<std::string, std::string> first;
  void add(const std::string& property, const std::string& where) {
    if (count[property]++ == 0) first[property] = where;
  }
};

/// What the trace says of one round.
struct round_record {
  double launch_s = 0.0, intercept_s = 0.0;
  int threat = -1, battery = -1, type = -1, launcher = -1, serial = -1;
};

/// One battery's rounds of one type, as the checks replay them.
struct stock_replay {
  int battery = 0, type = 0, first_launcher = 0;
  launcher_parameters launchers;
  int fired = 0, pool_taken = 0;
  int magazine() const { return launchers.count * launchers.ready_per_launcher + launchers.reload_rounds; }
};

/// One salvo reconstructed from the trace: salvo_size rounds of consecutive serials.
struct salvo_record {
  int threat = -1, battery = -1, type = -1;
  double start_s = 0.0, last_intercept_s = 0.0;
};

/// One trial as run: its result, timeline and workspace outputs.
struct trial_record {
  trial_result result;
  std::vector<trace_event> trace;
  std::vector<threat_outcome> outcomes;
  std::vector<threat_state> threats;
  std::vector<double> leak_times_s;  ///< per threat, from its trajectory
  std::vector<stock_result> stocks;
  std::vector<int> asset_leakers;
  std::vector<std::uint8_t> destroyed;
};

trial_record record_trial(const engagement_model& m, std::uint64_t trial, trial_workspace& ws) {
  trial_record rec;
  rec.result = run_trial(m, m.scenario_data().monte_carlo.seed, trial, ws, &rec.trace);
  rec.outcomes = ws.outcomes;
  rec.threats = ws.threats;
  for (const threat_trajectory& t : ws.trajectories) rec.leak_times_s.push_back(t.leak_time_s());
  rec.stocks = ws.stocks;
  rec.asset_leakers = ws.asset_leakers;
  rec.destroyed = ws.battery_destroyed;
  return rec;
}

/// Counts checks and records failures under one trial's name.
struct checker {
  failure_log& log;
  std::uint64_t& checks;
  std::string where;
  void operator()(bool ok, const std::string& property, const std::string& detail) const {
    ++checks;
    if (!ok) log.add(property, where + ": " + detail);
  }
};

/// Checks every property but trace_replays_trial on one trial's record, against `ex`, the scenario as run (a
/// format 1 scenario expanded).
void check_record(const scenario& ex, const trial_record& rec, const checker& expect, coverage& seen) {
  const trial_result& r = rec.result;
  const std::vector<trace_event>& trace = rec.trace;
  const std::vector<threat_outcome>& outcomes = rec.outcomes;
  const std::vector<threat_state>& threats = rec.threats;
  const std::vector<stock_result>& stock_results = rec.stocks;
  const std::vector<int>& asset_leakers = rec.asset_leakers;
  const std::vector<std::uint8_t>& destroyed = rec.destroyed;
  const int n = r.threats;
  const int nb = static_cast<int>(ex.batteries.size());
  const auto un = static_cast<std::size_t>(std::max(0, n));
  const auto ub = static_cast<std::size_t>(nb);
  const double tol = 1e-9;
  auto slack = [&](double t) { return tol * std::max(1.0, std::abs(t)); };
  auto at = [&](int i, int b) { return static_cast<std::size_t>(i) * ub + static_cast<std::size_t>(b); };
  auto battery_of = [&](int b) -> const battery_site& { return ex.batteries[static_cast<std::size_t>(b)]; };
  auto pk_of = [&](int type, int cls) {
    const interceptor_type& t = ex.interceptors[static_cast<std::size_t>(type)];
    return static_cast<std::size_t>(cls) < t.pk_by_class.size() ? t.pk_by_class[static_cast<std::size_t>(cls)]
                                                                 : t.pk_default;
  };
  auto target_of = [&](int i) -> const target_ref& {
    return ex.raid.groups[static_cast<std::size_t>(threats[static_cast<std::size_t>(i)].group_index)].target;
  };

  // The stocks as shooter.hpp lays them out: battery by battery, types in type order, each type's launchers
  // numbered consecutively.
  std::vector<stock_replay> stocks;
  std::vector<int> stock_base(ub + 1, 0), launcher_base(ub + 1, 0);
  for (int b = 0; b < nb; ++b) {
    std::vector<launcher_group> groups = battery_of(b).launchers;
    std::sort(groups.begin(), groups.end(),
              [](const launcher_group& x, const launcher_group& y) { return x.interceptor_type < y.interceptor_type; });
    int first = 0;
    for (const launcher_group& lg : groups) {
      stocks.push_back(stock_replay{b, lg.interceptor_type, first, lg.launchers});
      first += lg.launchers.count;
    }
    stock_base[static_cast<std::size_t>(b) + 1] = static_cast<int>(stocks.size());
    launcher_base[static_cast<std::size_t>(b) + 1] = launcher_base[static_cast<std::size_t>(b)] + first;
  }
  auto stock_index = [&](int b, int type) {
    if (b < 0 || b >= nb) return -1;
    for (int s = stock_base[static_cast<std::size_t>(b)]; s < stock_base[static_cast<std::size_t>(b) + 1]; ++s)
      if (stocks[static_cast<std::size_t>(s)].type == type) return s;
    return -1;
  };

  // Counts.
  int killed = 0, leaked = 0, used = 0;
  std::array<int, leak_cause_count> causes{};
  bool causes_valid = true;
  for (const auto& o : outcomes) {
    used += o.interceptors_used;
    if (o.killed) {
      ++killed;
    } else {
      ++leaked;
      const int c = static_cast<int>(o.cause);
      if (c < 0 || c >= leak_cause_count) causes_valid = false;
      else ++causes[static_cast<std::size_t>(c)];
    }
  }
  expect(r.leakers <= n && killed + leaked == n && static_cast<int>(outcomes.size()) == n, "leakers_at_most_threats",
         std::to_string(r.leakers) + " leakers, " + std::to_string(killed) + " killed of " + std::to_string(n));
  int cause_sum = 0;
  for (int c : causes) cause_sum += c;
  expect(causes_valid && cause_sum == r.leakers && leaked == r.leakers, "causes_add_up_to_leakers",
         std::to_string(cause_sum) + " causes for " + std::to_string(r.leakers) + " leakers");

  // One pass over the timeline.
  bool sorted = true;
  for (std::size_t k = 1; k < trace.size(); ++k) sorted = sorted && trace[k - 1].time_s <= trace[k].time_s;
  const double end_time = trace.empty() ? 0.0 : trace.back().time_s;
  std::vector<int> threat_launches(un, 0);
  std::vector<round_record> rounds;
  std::vector<int> ready(static_cast<std::size_t>(launcher_base[ub]), 0);
  for (const stock_replay& s : stocks)
    for (int l = 0; l < s.launchers.count; ++l)
      ready[static_cast<std::size_t>(launcher_base[static_cast<std::size_t>(s.battery)] + s.first_launcher + l)] =
          s.launchers.ready_per_launcher;
  std::vector<double> track_start(un * ub, inf), network_s(un * ub, inf), first_assessment(un * ub, inf);
  std::vector<std::uint8_t> confirmed(un, 0), tracked(un, 0);
  std::vector<int> last_block(un, -1);
  std::vector<double> leak_s(un, inf), lost_s(ub, inf);
  std::vector<int> loss_events(ub, 0), kill_events(un, 0);
  std::vector<std::pair<int, int>> killer(un, {-1, -1});
  std::vector<std::pair<int, double>> detections, kills_by;  // (battery, time)
  std::vector<std::pair<int, double>> track_events, reloads_done;
  bool launcher_ok = true, fates_ok = true;
  std::string launcher_detail, fate_detail;
  int lost_rounds_missed = 0;
  for (const auto& e : trace) {
    const bool has_threat = e.threat >= 0 && e.threat < n;
    const bool has_battery = e.battery >= 0 && e.battery < nb;
    const auto i = static_cast<std::size_t>(std::max(0, e.threat));
    switch (e.kind) {
      case trace_kind::threat_launch:
        if (has_threat) ++threat_launches[i];
        break;
      case trace_kind::detection:
        detections.emplace_back(e.battery, e.time_s);
        break;
      case trace_kind::track_waiting:
        if (has_threat) confirmed[i] = 1;
        track_events.emplace_back(e.battery, e.time_s);
        break;
      case trace_kind::track_confirmed:
      case trace_kind::track_acquired:
        if (has_threat) confirmed[i] = tracked[i] = 1;
        if (has_threat && has_battery) track_start[at(e.threat, e.battery)] = std::min(track_start[at(e.threat, e.battery)], e.time_s);
        track_events.emplace_back(e.battery, e.time_s);
        break;
      case trace_kind::network_track:
        if (has_threat) tracked[i] = 1;
        if (has_threat && has_battery) network_s[at(e.threat, e.battery)] = std::min(network_s[at(e.threat, e.battery)], e.time_s);
        track_events.emplace_back(e.battery, e.time_s);
        break;
      case trace_kind::launch_blocked:
        if (has_threat) last_block[i] = static_cast<int>(e.value);
        break;
      case trace_kind::interceptor_launch: {
        const int s = stock_index(e.battery, e.interceptor_type);
        if (!has_threat || s < 0) {
          launcher_ok = false;
          launcher_detail = "a launch without a valid threat, battery or stock";
          break;
        }
        stock_replay& st = stocks[static_cast<std::size_t>(s)];
        if (e.launcher < st.first_launcher || e.launcher >= st.first_launcher + st.launchers.count) {
          launcher_ok = false;
          launcher_detail = "battery " + std::to_string(e.battery) + " launched type " +
                            std::to_string(e.interceptor_type) + " from launcher " + std::to_string(e.launcher);
          break;
        }
        rounds.push_back(round_record{e.time_s, e.value, e.threat, e.battery, e.interceptor_type, e.launcher, e.interceptor});
        ++st.fired;
        if (--ready[static_cast<std::size_t>(launcher_base[static_cast<std::size_t>(e.battery)] + e.launcher)] < 0) {
          launcher_ok = false;
          launcher_detail = "battery " + std::to_string(e.battery) + " launcher " + std::to_string(e.launcher) +
                            " fired a round it did not hold at t = " + std::to_string(e.time_s);
        }
        break;
      }
      case trace_kind::reload_start: {
        const int s = stock_index(e.battery, e.interceptor_type);
        if (s < 0) {
          launcher_ok = false;
          launcher_detail = "a reload of no stock";
          break;
        }
        stocks[static_cast<std::size_t>(s)].pool_taken += static_cast<int>(e.value);
        break;
      }
      case trace_kind::reload_complete:
        if (has_battery && e.launcher >= 0 &&
            e.launcher < launcher_base[static_cast<std::size_t>(e.battery) + 1] - launcher_base[static_cast<std::size_t>(e.battery)])
          ready[static_cast<std::size_t>(launcher_base[static_cast<std::size_t>(e.battery)] + e.launcher)] += static_cast<int>(e.value);
        reloads_done.emplace_back(e.battery, e.time_s);
        break;
      case trace_kind::kill_assessment:
        if (has_threat && has_battery)
          first_assessment[at(e.threat, e.battery)] = std::min(first_assessment[at(e.threat, e.battery)], e.time_s);
        break;
      case trace_kind::intercept_kill:
        if (has_threat) {
          ++kill_events[i];
          killer[i] = {e.battery, e.interceptor_type};
        }
        kills_by.emplace_back(e.battery, e.time_s);
        break;
      case trace_kind::intercept_miss:
        if (e.value == 2.0) ++lost_rounds_missed;
        break;
      case trace_kind::leak:
        if (has_threat) leak_s[i] = std::min(leak_s[i], e.time_s);
        break;
      case trace_kind::battery_out_of_action:
        if (has_battery) {
          ++loss_events[static_cast<std::size_t>(e.battery)];
          lost_s[static_cast<std::size_t>(e.battery)] = std::min(lost_s[static_cast<std::size_t>(e.battery)], e.time_s);
        }
        break;
      default:
        break;
    }
  }

  // Stocks: the trace, the per-stock results and the totals agree, and none fired more than it held.
  int magazine = 0, fired_total = 0;
  bool stocks_ok = stock_results.size() == stocks.size();
  std::string stock_detail = stocks_ok ? "" : std::to_string(stock_results.size()) + " stock results for " +
                                                  std::to_string(stocks.size()) + " stocks";
  for (std::size_t s = 0; s < stocks.size(); ++s) {
    const stock_replay& st = stocks[s];
    magazine += st.magazine();
    fired_total += st.fired;
    const bool listed = s < stock_results.size() && stock_results[s].battery == st.battery &&
                        stock_results[s].interceptor_type == st.type && stock_results[s].rounds_fired == st.fired;
    if (!listed || st.fired > st.magazine()) {
      stocks_ok = false;
      stock_detail = "battery " + std::to_string(st.battery) + " type " + std::to_string(st.type) + ": " +
                     std::to_string(st.fired) + " rounds in the trace" +
                     (s < stock_results.size() ? ", " + std::to_string(stock_results[s].rounds_fired) + " in its result"
                                               : "") +
                     ", magazine " + std::to_string(st.magazine());
    }
  }
  expect(stocks_ok && r.interceptors_used <= magazine && used == r.interceptors_used &&
             fired_total == r.interceptors_used && r.rounds_left == magazine - used,
         "rounds_within_magazine",
         stocks_ok ? std::to_string(r.interceptors_used) + " used (outcomes: " + std::to_string(used) +
                         ", trace: " + std::to_string(fired_total) + "), magazine " + std::to_string(magazine) + ", " +
                         std::to_string(r.rounds_left) + " left"
                   : stock_detail);
  bool pools_ok = true;
  std::string pool_detail;
  for (const stock_replay& st : stocks)
    if (st.pool_taken > st.launchers.reload_rounds) {
      pools_ok = false;
      pool_detail = "battery " + std::to_string(st.battery) + " type " + std::to_string(st.type) + ": reloads took " +
                    std::to_string(st.pool_taken) + " rounds of a pool of " + std::to_string(st.launchers.reload_rounds);
    }
  expect(launcher_ok && pools_ok, "launcher_never_below_empty", launcher_ok ? pool_detail : launcher_detail);
  bool flags_ok = (r.rounds_left == 0) == r.magazine_exhausted;
  std::string flag_detail = flags_ok ? "" : std::to_string(r.rounds_left) + " rounds left, exhausted " +
                                                (r.magazine_exhausted ? "yes" : "no");
  for (std::size_t s = 0; s < stocks.size() && s < stock_results.size(); ++s)
    if (stocks[s].fired == stocks[s].magazine() && !stock_results[s].out_of_rounds) {
      flags_ok = false;
      flag_detail = "battery " + std::to_string(stocks[s].battery) + " type " + std::to_string(stocks[s].type) +
                    " fired all its " + std::to_string(stocks[s].fired) + " rounds, not flagged out of rounds";
    }
  expect(flags_ok, "magazine_flag_consistent", flag_detail);

  // Salvos: each (threat, battery)'s rounds in serial order, salvo_size at a time.
  std::vector<round_record> by_serial = rounds;
  std::stable_sort(by_serial.begin(), by_serial.end(), [](const round_record& a, const round_record& b) {
    return std::tie(a.threat, a.battery, a.serial) < std::tie(b.threat, b.battery, b.serial);
  });
  std::vector<salvo_record> salvos;
  std::vector<int> salvos_at(un, 0), rounds_at(un, 0), batteries_at(un, 0);
  bool salvos_ok = true, pk_ok = true, intercept_ok = true;
  std::string salvo_detail, pk_detail, intercept_detail;
  for (std::size_t k = 0; k < by_serial.size();) {
    const round_record& first = by_serial[k];
    const battery_site& bs = battery_of(first.battery);
    const int size = bs.doctrine.salvo_size;
    int per_pair = 0;
    std::size_t end = k;
    while (end < by_serial.size() && by_serial[end].threat == first.threat && by_serial[end].battery == first.battery) ++end;
    ++batteries_at[static_cast<std::size_t>(first.threat)];
    for (std::size_t q = k; q < end; q += static_cast<std::size_t>(size)) {
      salvo_record sv{first.threat, first.battery, by_serial[q].type, by_serial[q].launch_s, by_serial[q].intercept_s};
      bool whole = q + static_cast<std::size_t>(size) <= end;
      for (int j = 0; whole && j < size; ++j) {
        const round_record& rd = by_serial[q + static_cast<std::size_t>(j)];
        const double planned = sv.start_s + j * bs.fire_control.launch_interval_s;
        whole = rd.serial == by_serial[q].serial + j && rd.type == sv.type && std::abs(rd.launch_s - planned) <= slack(planned);
        sv.last_intercept_s = std::max(sv.last_intercept_s, rd.intercept_s);
      }
      if (!whole) {
        salvos_ok = false;
        salvo_detail = "threat " + std::to_string(first.threat) + ", battery " + std::to_string(first.battery) +
                       ": rounds from serial " + std::to_string(by_serial[q].serial) + " are no whole salvo of " +
                       std::to_string(size);
      }
      salvos.push_back(sv);
      ++per_pair;
    }
    if (per_pair > bs.doctrine.max_salvos_per_threat) {
      salvos_ok = false;
      salvo_detail = "threat " + std::to_string(first.threat) + ": " + std::to_string(per_pair) + " salvos by battery " +
                     std::to_string(first.battery) + ", max " + std::to_string(bs.doctrine.max_salvos_per_threat);
    }
    salvos_at[static_cast<std::size_t>(first.threat)] += per_pair;
    rounds_at[static_cast<std::size_t>(first.threat)] += static_cast<int>(end - k);
    k = end;
  }
  for (const round_record& rd : rounds) {
    const auto i = static_cast<std::size_t>(rd.threat);
    if (!(pk_of(rd.type, threats[i].class_index) > 0.0)) {
      pk_ok = false;
      pk_detail = "type " + std::to_string(rd.type) + " fired at threat " + std::to_string(rd.threat) + " of class " +
                  std::to_string(threats[i].class_index) + ", Pk 0";
    }
    const double leak_time = i < rec.leak_times_s.size() ? rec.leak_times_s[i] : -inf;
    if (!(rd.intercept_s >= rd.launch_s && rd.intercept_s <= leak_time + slack(leak_time))) {
      intercept_ok = false;
      intercept_detail = "threat " + std::to_string(rd.threat) + " launch at " + std::to_string(rd.launch_s) +
                         " plans an intercept at " + std::to_string(rd.intercept_s) + ", leak at " + std::to_string(leak_time);
    }
  }
  for (int k = 0; k < n; ++k) {
    const auto& o = outcomes[static_cast<std::size_t>(k)];
    if (o.salvos != salvos_at[static_cast<std::size_t>(k)] || o.interceptors_used != rounds_at[static_cast<std::size_t>(k)]) {
      salvos_ok = false;
      salvo_detail = "threat " + std::to_string(k) + ": " + std::to_string(o.salvos) + " salvos and " +
                     std::to_string(o.interceptors_used) + " rounds in its outcome, " +
                     std::to_string(salvos_at[static_cast<std::size_t>(k)]) + " and " +
                     std::to_string(rounds_at[static_cast<std::size_t>(k)]) + " in the trace";
    }
  }
  expect(salvos_ok, "whole_salvos", salvo_detail);
  expect(pk_ok, "no_shot_without_pk", pk_detail);
  expect(intercept_ok, "intercept_before_leak", intercept_detail);

  // Fates and leak causes.
  for (int k = 0; k < n; ++k) {
    const auto i = static_cast<std::size_t>(k);
    const auto& o = outcomes[i];
    bool found = false;  // the fate's event (unless the timeline ended first at the same instant)
    for (const auto& e : trace)
      if (e.threat == k && e.time_s == o.end_time_s &&
          (o.killed ? e.kind == trace_kind::intercept_kill : e.kind == trace_kind::leak))
        found = true;
    const bool killer_ok = o.killed ? (kill_events[i] >= 1 && killer[i] == std::make_pair(o.killer_battery, o.killer_type))
                                    : (kill_events[i] == 0 && o.killer_battery == -1 && o.killer_type == -1);
    if (threat_launches[i] != 1 || !found || !killer_ok) {
      fates_ok = false;
      fate_detail = "threat " + std::to_string(k) + ": " + std::to_string(threat_launches[i]) +
                    " threat_launch events, fate event found: " + (found ? "yes" : "no") + ", killer battery " +
                    std::to_string(o.killer_battery) + " type " + std::to_string(o.killer_type) + " (trace: " +
                    std::to_string(killer[i].first) + ", " + std::to_string(killer[i].second) + ")";
    }
  }
  expect(sorted && fates_ok, "timeline_consistent", sorted ? fate_detail : "events out of time order");

  bool cause_ok = true;
  std::string cause_detail;
  for (int k = 0; k < n; ++k) {
    const auto i = static_cast<std::size_t>(k);
    const auto& o = outcomes[i];
    if (o.killed) continue;
    const leak_cause c = o.cause;
    const bool fired_at = rounds_at[i] > 0;
    bool ok = (c == leak_cause::survived) == fired_at;
    switch (c) {
      case leak_cause::never_detected:
        ok = ok && !confirmed[i] && !tracked[i] && !std::isfinite(o.confirm_time_s);
        break;
      case leak_cause::not_tracked:
        ok = ok && confirmed[i] && !tracked[i];
        break;
      case leak_cause::battery_out_of_action:
        ok = ok && std::any_of(lost_s.begin(), lost_s.end(), [&](double t) { return t <= o.end_time_s; });
        break;
      case leak_cause::outside_envelope:
        ok = ok && tracked[i] && (last_block[i] < 0 || last_block[i] == static_cast<int>(c));
        break;
      case leak_cause::no_fire_channel:
      case leak_cause::no_interceptor:
        ok = ok && tracked[i] && last_block[i] == static_cast<int>(c);
        break;
      case leak_cause::survived:
        break;
    }
    if (!ok) {
      cause_ok = false;
      cause_detail = "threat " + std::to_string(k) + " leaked as " + std::string(to_string(c)) + ": " +
                     std::to_string(rounds_at[i]) + " rounds at it, confirmed " + std::to_string(int(confirmed[i])) +
                     ", tracked " + std::to_string(int(tracked[i])) + ", last block " + std::to_string(last_block[i]);
    }
  }
  expect(cause_ok, "leak_cause_consistent", cause_detail);

  // Per battery: channels, rounds in flight, launch interval.
  bool channels_ok = true, flying_ok = true, interval_ok = true;
  std::string channels_detail, flying_detail, interval_detail;
  bool binding = false, channels_full = false, in_flight_full = false;
  for (int b = 0; b < nb; ++b) {
    const battery_site& bs = battery_of(b);
    // A threat certainly holds the battery's channel from its first salvo to its first assessment there, its
    // leak or the battery's loss (docs/model.md 11.6 releases it then at the earliest), and never past the end of
    // the timeline.
    std::vector<std::pair<double, double>> engaged, flying;
    std::vector<double> launches;
    std::vector<double> first_launch(un, inf);
    for (const round_record& rd : rounds) {
      if (rd.battery != b) continue;
      flying.emplace_back(rd.launch_s, rd.intercept_s);
      launches.push_back(rd.launch_s);
      first_launch[static_cast<std::size_t>(rd.threat)] = std::min(first_launch[static_cast<std::size_t>(rd.threat)], rd.launch_s);
    }
    for (int k = 0; k < n; ++k)
      if (std::isfinite(first_launch[static_cast<std::size_t>(k)]))
        engaged.emplace_back(first_launch[static_cast<std::size_t>(k)],
                             std::min({first_assessment[at(k, b)], leak_s[static_cast<std::size_t>(k)],
                                       lost_s[static_cast<std::size_t>(b)], end_time}));
    const int most_engaged = max_overlap(engaged);
    if (most_engaged == bs.fire_control.max_engaged_targets) {
      channels_full = true;
      if (nb > 1) ++seen.channels_full_area;
    }
    if (most_engaged > bs.fire_control.max_engaged_targets) {
      channels_ok = false;
      channels_detail = "battery " + std::to_string(b) + ": " + std::to_string(most_engaged) + " engaged, " +
                        std::to_string(bs.fire_control.max_engaged_targets) + " channels";
    }
    const int most_flying = max_overlap(flying);
    if (most_flying == bs.fire_control.max_interceptors_in_flight) in_flight_full = true;
    if (most_flying > bs.fire_control.max_interceptors_in_flight) {
      flying_ok = false;
      flying_detail = "battery " + std::to_string(b) + ": " + std::to_string(most_flying) + " in flight, limit " +
                      std::to_string(bs.fire_control.max_interceptors_in_flight);
    }
    std::sort(launches.begin(), launches.end());
    const double dt = bs.fire_control.launch_interval_s;
    for (std::size_t k = 1; k < launches.size(); ++k) {
      if (dt > 0 && launches[k] - launches[k - 1] < dt * (1 + 1e-6)) binding = true;
      if (launches[k] - launches[k - 1] < dt - slack(launches[k])) {
        interval_ok = false;
        interval_detail = "battery " + std::to_string(b) + ": launches at " + std::to_string(launches[k - 1]) + " and " +
                          std::to_string(launches[k]) + ", interval " + std::to_string(dt);
      }
    }
  }
  if (channels_full) ++seen.channels_full;
  if (in_flight_full) ++seen.in_flight_full;
  if (binding) ++seen.interval_binding;
  expect(channels_ok, "engaged_within_channels", channels_detail);
  expect(flying_ok, "in_flight_within_limit", flying_detail);
  expect(interval_ok, "launch_interval_kept", interval_detail);

  // Readiness, reaction and ownership, salvo by salvo.
  bool reaction_ok = true, action_ok = true, owner_ok = true;
  std::string reaction_detail, action_detail, owner_detail;
  for (const salvo_record& sv : salvos) {
    const battery_site& bs = battery_of(sv.battery);
    const auto b = static_cast<std::size_t>(sv.battery);
    // The first track the battery could use: its own, or (shared) another battery's + latency.
    double track_s = track_start[at(sv.threat, sv.battery)];
    if (ex.network.shared_tracks)
      for (int other = 0; other < nb; ++other)
        if (other != sv.battery) track_s = std::min(track_s, track_start[at(sv.threat, other)] + ex.network.latency_s);
    const double earliest = std::max(track_s, bs.ready_time_s) + bs.fire_control.reaction_time_s;
    if (!(sv.start_s >= earliest - slack(earliest))) {
      reaction_ok = false;
      reaction_detail = "battery " + std::to_string(sv.battery) + " fired at threat " + std::to_string(sv.threat) +
                        " at t = " + std::to_string(sv.start_s) + ", first usable track + reaction " +
                        std::to_string(earliest);
    }
    if (sv.start_s < bs.ready_time_s || sv.start_s >= lost_s[b]) {
      action_ok = false;
      action_detail = "battery " + std::to_string(sv.battery) + " fired a salvo at t = " + std::to_string(sv.start_s) +
                      ", ready at " + std::to_string(bs.ready_time_s) + ", lost at " + std::to_string(lost_s[b]);
    }
    if (!std::isfinite(track_start[at(sv.threat, sv.battery)])) ++seen.network_launches;
    if (bs.ready_time_s > threats[static_cast<std::size_t>(sv.threat)].launch_time_s) ++seen.late_battery_fired;
    // From this salvo to its assessment (or the battery's loss) the threat is this battery's.
    const double owned_until = std::min(sv.last_intercept_s + bs.doctrine.kill_assessment_s, lost_s[b]);
    for (const salvo_record& other : salvos) {
      if (other.threat != sv.threat || &other == &sv || !(other.start_s >= sv.start_s && other.start_s < owned_until))
        continue;
      // Another battery never; the same one only in shoot-shoot (it fires again without waiting to look).
      if (other.battery != sv.battery || bs.doctrine.mode == doctrine_mode::shoot_look_shoot) {
        owner_ok = false;
        owner_detail = "threat " + std::to_string(sv.threat) + ": battery " + std::to_string(other.battery) +
                       " fired at t = " + std::to_string(other.start_s) + " while battery " +
                       std::to_string(sv.battery) + "'s salvo of t = " + std::to_string(sv.start_s) +
                       " awaited its assessment at " + std::to_string(owned_until);
      }
    }
  }
  for (int k = 0; k < n; ++k)
    if (batteries_at[static_cast<std::size_t>(k)] >= 2) ++seen.handovers;
  for (int b = 0; b < nb; ++b) {
    int types_fired = 0;
    for (int s = stock_base[static_cast<std::size_t>(b)]; s < stock_base[static_cast<std::size_t>(b) + 1]; ++s)
      if (stocks[static_cast<std::size_t>(s)].fired > 0) ++types_fired;
    if (types_fired >= 2) {
      ++seen.several_types;
      break;
    }
  }
  expect(reaction_ok, "launch_after_reaction", reaction_detail);
  expect(owner_ok, "one_battery_per_threat", owner_detail);

  // Looks from the ready time to the loss; nothing of a lost battery after its loss; a loss is the first leak
  // of a threat aimed at the battery.
  auto after = [&](const std::vector<std::pair<int, double>>& events, bool at_loss_too, const char* what) {
    for (auto [b, t] : events) {
      if (b < 0 || b >= nb) continue;
      const double lost = lost_s[static_cast<std::size_t>(b)];
      if (t > lost || (at_loss_too && t == lost)) {
        action_ok = false;
        action_detail = std::string(what) + " of battery " + std::to_string(b) + " at t = " + std::to_string(t) +
                        ", lost at " + std::to_string(lost);
      }
    }
  };
  after(detections, true, "a detection");
  after(track_events, true, "a track event");
  after(reloads_done, false, "a reload");
  after(kills_by, false, "a kill");
  for (auto [b, t] : detections)
    if (b < 0 || b >= nb || t < battery_of(b).ready_time_s - slack(battery_of(b).ready_time_s)) {
      action_ok = false;
      action_detail = "a detection by battery " + std::to_string(b) + " at t = " + std::to_string(t) + " before its ready time";
    }
  std::vector<double> first_leak_at(ub, inf);
  for (int k = 0; k < n; ++k) {
    const target_ref& tg = target_of(k);
    if (!outcomes[static_cast<std::size_t>(k)].killed && tg.type == target_ref::kind::battery)
      first_leak_at[static_cast<std::size_t>(tg.index)] =
          std::min(first_leak_at[static_cast<std::size_t>(tg.index)], outcomes[static_cast<std::size_t>(k)].end_time_s);
  }
  bool any_lost = false;
  for (std::size_t b = 0; b < ub; ++b) {
    const bool lost = std::isfinite(first_leak_at[b]);
    any_lost = any_lost || lost;
    if (destroyed.size() != ub || (destroyed[b] != 0) != lost || loss_events[b] != (lost ? 1 : 0) ||
        lost_s[b] != first_leak_at[b]) {
      action_ok = false;
      action_detail = "battery " + std::to_string(b) + ": first leaker at it at " + std::to_string(first_leak_at[b]) +
                      ", " + std::to_string(loss_events[b]) + " loss events (at " + std::to_string(lost_s[b]) + ")";
    }
  }
  if (any_lost) ++seen.batteries_lost;
  seen.lost_rounds_missed += static_cast<std::uint64_t>(lost_rounds_missed);
  expect(action_ok, "battery_ready_and_in_action", action_detail);

  // Assets and costs.
  std::vector<int> at_asset(ex.assets.size(), 0);
  int at_batteries = 0;
  double attacker_cost = 0.0;
  for (int k = 0; k < n; ++k) {
    const auto& o = outcomes[static_cast<std::size_t>(k)];
    if (o.killed) {
      attacker_cost += ex.classes[static_cast<std::size_t>(threats[static_cast<std::size_t>(k)].class_index)].cost;
      continue;
    }
    const target_ref& tg = target_of(k);
    if (tg.type == target_ref::kind::asset) ++at_asset[static_cast<std::size_t>(tg.index)];
    else ++at_batteries;
  }
  double value_lost = 0.0;
  int asset_sum = 0;
  for (std::size_t a = 0; a < at_asset.size(); ++a) {
    if (at_asset[a] > 0) value_lost += ex.assets[a].value;
    if (a < asset_leakers.size()) asset_sum += asset_leakers[a];
  }
  expect(asset_leakers == at_asset && asset_sum + at_batteries == r.leakers &&
             std::abs(r.value_lost - value_lost) <= 1e-12 * std::max(1.0, value_lost),
         "asset_accounting",
         "asset leakers sum to " + std::to_string(asset_sum) + " (+" + std::to_string(at_batteries) +
             " at batteries) of " + std::to_string(r.leakers) + " leakers; value lost " + std::to_string(r.value_lost) +
             ", expected " + std::to_string(value_lost));
  double defender_cost = 0.0;
  for (const stock_replay& st : stocks) defender_cost += st.fired * ex.interceptors[static_cast<std::size_t>(st.type)].cost_per_round;
  expect(std::abs(r.defender_cost - defender_cost) <= 1e-9 * std::max(1.0, defender_cost) &&
             std::abs(r.attacker_cost_destroyed - attacker_cost) <= 1e-9 * std::max(1.0, attacker_cost),
         "costs_add_up",
         "defender cost " + std::to_string(r.defender_cost) + ", rounds x cost " + std::to_string(defender_cost) +
             "; attacker cost destroyed " + std::to_string(r.attacker_cost_destroyed) + ", kills x cost " +
             std::to_string(attacker_cost));

  // Coverage.
  if (r.magazine_exhausted) ++seen.magazine_exhausted;
  for (const stock_replay& st : stocks)
    if (st.pool_taken > 0) {
      ++seen.reloads;
      break;
    }
  seen.kills += static_cast<std::uint64_t>(killed);
  for (int c = 0; c < leak_cause_count; ++c)
    seen.causes[static_cast<std::size_t>(c)] += static_cast<std::uint64_t>(causes[static_cast<std::size_t>(c)]);

}

/// Runs trial `trial` of m's scenario and checks every property on it.
void check_trial(const engagement_model& m, std::uint64_t trial, int format, trial_workspace& ws,
                 trial_workspace& other_ws, failure_log& log, std::uint64_t& checks, coverage& seen) {
  const scenario& ex = m.scenario_data();  // the scenario as run: format 1 expanded
  const std::uint64_t seed = ex.monte_carlo.seed;
  const checker expect{log, checks,
                       "scenario seed " + std::to_string(seed) + " (format " + std::to_string(format) + "), trial " +
                           std::to_string(trial)};
  const trial_record rec = record_trial(m, trial, ws);
  check_record(ex, rec, expect, seen);

  // Replay: the same trial without a trace, and in a workspace that ran other trials first.
  const trial_result& r = rec.result;
  const std::vector<trace_event>& trace = rec.trace;
  const std::vector<threat_outcome>& outcomes = rec.outcomes;
  const trial_result again = run_trial(m, seed, trial, ws);
  (void)run_trial(m, seed, trial + 1000, other_ws);
  std::vector<trace_event> trace2;
  const trial_result third = run_trial(m, seed, trial, other_ws, &trace2);
  bool same = again.leakers == r.leakers && again.interceptors_used == r.interceptors_used &&
              again.events == r.events && again.rounds_left == r.rounds_left && third.leakers == r.leakers &&
              third.events == r.events && third.value_lost == r.value_lost && third.defender_cost == r.defender_cost &&
              trace2.size() == trace.size() && other_ws.outcomes.size() == outcomes.size() &&
              other_ws.asset_leakers == rec.asset_leakers && other_ws.battery_destroyed == rec.destroyed &&
              other_ws.stocks.size() == rec.stocks.size();
  for (std::size_t k = 0; same && k < trace.size(); ++k)
    same = trace[k].time_s == trace2[k].time_s && trace[k].kind == trace2[k].kind &&
           trace[k].threat == trace2[k].threat && trace[k].value == trace2[k].value &&
           trace[k].battery == trace2[k].battery && trace[k].interceptor_type == trace2[k].interceptor_type &&
           trace[k].launcher == trace2[k].launcher;
  for (std::size_t k = 0; same && k < outcomes.size(); ++k)
    same = outcomes[k].killed == other_ws.outcomes[k].killed && outcomes[k].cause == other_ws.outcomes[k].cause &&
           outcomes[k].end_time_s == other_ws.outcomes[k].end_time_s &&
           outcomes[k].killer_battery == other_ws.outcomes[k].killer_battery &&
           rec.threats[k].launch_time_s == other_ws.threats[k].launch_time_s;
  for (std::size_t k = 0; same && k < rec.stocks.size(); ++k)
    same = rec.stocks[k].rounds_fired == other_ws.stocks[k].rounds_fired &&
           rec.stocks[k].out_of_rounds == other_ws.stocks[k].out_of_rounds;
  expect(same, "trace_replays_trial", "the replay differs");
}

/// Ends the test program with the scenario's name when one trial runs over `limit_s`: a hang is a failure that
/// should name its reproducer rather than wait for ctest's timeout.
class hang_watchdog {
 public:
  explicit hang_watchdog(double limit_s) : limit_s_(limit_s), thread_([this] { watch(); }) {}
  ~hang_watchdog() {
    done_ = true;
    thread_.join();
  }
  void start(std::uint64_t seed, int format, std::uint64_t trial) {
    seed_ = seed;
    format_ = format;
    trial_ = trial;
    started_ = now_s();
  }

 private:
  static double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  void watch() {
    while (!done_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (now_s() - started_.load() > limit_s_) {
        std::fprintf(stderr, "engine properties: HANG: scenario seed %llu (format %d), trial %llu ran over %.0f s\n",
                     static_cast<unsigned long long>(seed_.load()), format_.load(),
                     static_cast<unsigned long long>(trial_.load()), limit_s_);
        std::abort();
      }
    }
  }
  double limit_s_;
  std::atomic<bool> done_{false};
  std::atomic<std::uint64_t> seed_{0}, trial_{0};
  std::atomic<int> format_{1};
  std::atomic<double> started_{now_s()};
  std::thread thread_;
};

/// The format of seed s's scenario: SAMSIM_PROPERTY_FORMAT if 1 or 2, otherwise odd seeds 1 and even seeds 2.
int format_of(std::uint64_t seed, std::uint64_t forced) {
  if (forced == 1 || forced == 2) return static_cast<int>(forced);
  return seed % 2 == 1 ? 1 : 2;
}

}  // namespace

TEST_CASE("random valid scenarios keep the engine's invariants in every trial", "[engagement][property]") {
#if defined(SAMSIM_TEST_SANITIZED)
  const std::uint64_t default_scenarios = 250;
#else
  const std::uint64_t default_scenarios = 2000;
#endif
  const std::uint64_t scenarios = env_or("SAMSIM_PROPERTY_SCENARIOS", default_scenarios);
  const std::uint64_t first_seed = env_or("SAMSIM_PROPERTY_SEED", 1);
  const std::uint64_t trials = env_or("SAMSIM_PROPERTY_TRIALS", 3);
  const std::uint64_t forced_format = env_or("SAMSIM_PROPERTY_FORMAT", 0);
  const bool strict = env_or("SAMSIM_PROPERTY_STRICT", 0) != 0;
  failure_log log;
  coverage seen;
  std::uint64_t checks = 0, trial_count = 0, threat_count = 0, rounds = 0;
  std::array<std::uint64_t, 3> of_format{};
  std::array<double, 3> seconds{};
  trial_workspace ws, other_ws;
  hang_watchdog watchdog(60.0);  // a trial here takes well under a millisecond
  for (std::uint64_t s = first_seed; s < first_seed + scenarios; ++s) {
    const auto started = std::chrono::steady_clock::now();
    const int format = format_of(s, forced_format);
    const generated g = format == 1 ? random_scenario(s) : random_area_scenario(s);
    INFO("scenario seed " << s << " (format " << format << ")");
    REQUIRE_NOTHROW(validate(g.sc));  // the generator stays inside the documented limits
    const engagement_model m = model_of(g);
    for (std::uint64_t t = 0; t < trials; ++t) {
      watchdog.start(s, format, t);
      check_trial(m, t, format, ws, other_ws, log, checks, seen);
      ++trial_count;
      threat_count += ws.outcomes.size();
      for (const auto& o : ws.outcomes) rounds += static_cast<std::uint64_t>(o.interceptors_used);
    }
    ++of_format[static_cast<std::size_t>(format)];
    seconds[static_cast<std::size_t>(format)] +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  std::uint64_t failed = 0;
  for (const auto& [p, c] : log.count) failed += c;
  std::cout << "engine properties: " << property_names.size() << " properties x " << scenarios << " scenarios ("
            << of_format[1] << " format 1 in " << seconds[1] << " s, " << of_format[2] << " format 2 in " << seconds[2]
            << " s) x " << trials << " trials (" << trial_count << " trials, " << threat_count << " threats, "
            << rounds << " rounds fired): " << checks << " checks, " << failed << " failed\n";
  std::cout << "  limits reached: channels full in " << seen.channels_full << " trials (" << seen.channels_full_area
            << " batteries of defended areas), in-flight limit in " << seen.in_flight_full
            << ", launch interval binding in " << seen.interval_binding << ", reloads in " << seen.reloads
            << ", magazine exhausted in " << seen.magazine_exhausted << "; " << seen.kills << " kills\n";
  std::cout << "  defended area: a battery lost in " << seen.batteries_lost << " trials, " << seen.lost_rounds_missed
            << " rounds in flight lost with it, " << seen.network_launches << " salvos on network tracks, "
            << seen.late_battery_fired << " by batteries ready after the threat's launch, " << seen.handovers
            << " threats fired at by several batteries, one battery firing several types in " << seen.several_types
            << " trials\n  leaks by cause:";
  for (int c = 0; c < leak_cause_count; ++c)
    std::cout << " " << to_string(static_cast<leak_cause>(c)) << " " << seen.causes[static_cast<std::size_t>(c)];
  std::cout << "\n";
  // A hundred scenarios of a format reach every limit (default seeds: each in dozens of trials).
  if (of_format[1] + of_format[2] >= 200) {
    CHECK(seen.channels_full > 0);
    CHECK(seen.in_flight_full > 0);
    CHECK(seen.interval_binding > 0);
    CHECK(seen.reloads > 0);
    CHECK(seen.magazine_exhausted > 0);
    CHECK(seen.kills > 0);
    for (int c = 0; c < leak_cause_count; ++c) {
      // Only a defended area (a raid aimed at a battery) puts a battery out of action.
      if (static_cast<leak_cause>(c) == leak_cause::battery_out_of_action && of_format[2] < 100) continue;
      INFO("leak cause " << to_string(static_cast<leak_cause>(c)));
      CHECK(seen.causes[static_cast<std::size_t>(c)] > 0);
    }
  }
  if (of_format[2] >= 100) {
    CHECK(seen.batteries_lost > 0);
    CHECK(seen.lost_rounds_missed > 0);
    CHECK(seen.network_launches > 0);
    CHECK(seen.late_battery_fired > 0);
    CHECK(seen.handovers > 0);
    CHECK(seen.several_types > 0);
    CHECK(seen.channels_full_area > 0);
  }
  std::ostringstream failures, known;
  for (const auto& [property, count] : log.count) {
    const bool is_known = known_failures.count(property) != 0 && !strict;
    (is_known ? known : failures) << property << ": " << count << " trial(s), first at " << log.first[property] << "\n";
  }
  if (!known.str().empty()) std::cout << "  KNOWN FAILURES (not failing the test; see known_failures):\n" << known.str();
  INFO(failures.str());
  CHECK(failures.str().empty());
  CHECK(checks == property_names.size() * trial_count);
  for (const std::string& p : known_failures)  // a stale entry hides nothing: keep the list true
    CHECK(std::find(property_names.begin(), property_names.end(), p) != property_names.end());
}

namespace {

/// A change to a trial's scenario or record that must make one property fail; apply() returns false (and
/// changes nothing) when the trial lacks what it needs.
struct sabotage {
  std::string property;
  std::function<bool(scenario&, trial_record&)> apply;
};

std::vector<const trace_event*> launches_of(const trial_record& rec) {
  std::vector<const trace_event*> v;
  for (const trace_event& e : rec.trace)
    if (e.kind == trace_kind::interceptor_launch) v.push_back(&e);
  return v;
}

std::vector<sabotage> sabotages() {
  using L = std::vector<const trace_event*>;
  auto site = [](scenario& ex, int b) -> battery_site& { return ex.batteries[static_cast<std::size_t>(b)]; };
  auto group_of = [](scenario& ex, int b, int type) -> launcher_group& {
    for (launcher_group& g : ex.batteries[static_cast<std::size_t>(b)].launchers)
      if (g.interceptor_type == type) return g;
    throw std::logic_error("no launcher group");
  };
  // Two rounds of one battery in flight at once (at distinct threats when `distinct`).
  auto overlapping = [](const L& l, bool distinct) -> std::pair<const trace_event*, const trace_event*> {
    for (const trace_event* a : l)
      for (const trace_event* b : l)
        if (a != b && a->battery == b->battery && (!distinct || a->threat != b->threat) && a->time_s <= b->time_s &&
            b->time_s < a->value && b->time_s < b->value)
          return {a, b};
    return {nullptr, nullptr};
  };
  std::vector<sabotage> v;
  v.push_back({"leakers_at_most_threats", [](scenario&, trial_record& rec) {
                 rec.result.leakers = rec.result.threats + 1;
                 return true;
               }});
  v.push_back({"causes_add_up_to_leakers", [](scenario&, trial_record& rec) {
                 for (threat_outcome& o : rec.outcomes)
                   if (!o.killed) {
                     o.cause = static_cast<leak_cause>(leak_cause_count);  // no cause
                     return true;
                   }
                 return false;
               }});
  v.push_back({"leak_cause_consistent", [](scenario&, trial_record& rec) {
                 for (threat_outcome& o : rec.outcomes)
                   if (!o.killed && o.interceptors_used == 0) {
                     o.cause = leak_cause::survived;
                     return true;
                   }
                 return false;
               }});
  v.push_back({"rounds_within_magazine", [](scenario&, trial_record& rec) {
                 for (stock_result& s : rec.stocks)
                   if (s.rounds_fired > 0) {
                     ++s.rounds_fired;
                     return true;
                   }
                 return false;
               }});
  v.push_back({"launcher_never_below_empty", [group_of](scenario& ex, trial_record& rec) {
                 const L l = launches_of(rec);
                 if (l.empty()) return false;
                 group_of(ex, l[0]->battery, l[0]->interceptor_type).launchers.ready_per_launcher = 0;
                 return true;
               }});
  v.push_back({"whole_salvos", [site](scenario& ex, trial_record& rec) {
                 const L l = launches_of(rec);
                 if (l.empty()) return false;
                 site(ex, l[0]->battery).doctrine.max_salvos_per_threat = 0;
                 return true;
               }});
  v.push_back({"engaged_within_channels", [site, overlapping](scenario& ex, trial_record& rec) {
                 const auto [a, b] = overlapping(launches_of(rec), true);
                 if (!a) return false;
                 site(ex, a->battery).fire_control.max_engaged_targets = 1;
                 return true;
               }});
  v.push_back({"in_flight_within_limit", [site, overlapping](scenario& ex, trial_record& rec) {
                 const auto [a, b] = overlapping(launches_of(rec), false);
                 if (!a) return false;
                 site(ex, a->battery).fire_control.max_interceptors_in_flight = 1;
                 return true;
               }});
  v.push_back({"launch_interval_kept", [site](scenario& ex, trial_record& rec) {
                 const L l = launches_of(rec);
                 for (const trace_event* a : l)
                   for (const trace_event* b : l)
                     if (a->battery == b->battery && b->time_s > a->time_s) {
                       site(ex, a->battery).fire_control.launch_interval_s = 2.0 * (b->time_s - a->time_s);
                       return true;
                     }
                 return false;
               }});
  v.push_back({"launch_after_reaction", [site](scenario& ex, trial_record& rec) {
                 const L l = launches_of(rec);
                 if (l.empty()) return false;
                 site(ex, l[0]->battery).fire_control.reaction_time_s += 1e6;
                 return true;
               }});
  v.push_back({"launch_after_reaction", [](scenario& ex, trial_record& rec) {
                 // A salvo on a network track: with a much longer latency it would have been too early.
                 for (const trace_event* l : launches_of(rec)) {
                   const bool own = std::any_of(rec.trace.begin(), rec.trace.end(), [&](const trace_event& e) {
                     return (e.kind == trace_kind::track_confirmed || e.kind == trace_kind::track_acquired) &&
                            e.threat == l->threat && e.battery == l->battery;
                   });
                   if (!own) {
                     ex.network.latency_s += 1e6;
                     return true;
                   }
                 }
                 return false;
               }});
  v.push_back({"battery_ready_and_in_action", [](scenario&, trial_record& rec) {
                 const auto loss = std::find_if(rec.trace.begin(), rec.trace.end(), [](const trace_event& e) {
                   return e.kind == trace_kind::battery_out_of_action;
                 });
                 if (loss == rec.trace.end()) return false;
                 rec.trace.erase(loss);  // a leaker reached the battery, and it stayed in action
                 return true;
               }});
  v.push_back({"battery_ready_and_in_action", [site](scenario& ex, trial_record& rec) {
                 const L l = launches_of(rec);
                 if (l.empty()) return false;
                 site(ex, l[0]->battery).ready_time_s = l[0]->time_s + 1.0;
                 return true;
               }});
  v.push_back({"one_battery_per_threat", [site](scenario& ex, trial_record& rec) {
                 // Two salvos of a shoot-shoot battery at one threat, the second before the first's assessment:
                 // in shoot-look-shoot it would have had to wait.
                 const L l = launches_of(rec);
                 for (const trace_event* a : l)
                   for (const trace_event* b : l) {
                     const battery_site& s = ex.batteries[static_cast<std::size_t>(a->battery)];
                     if (a->battery == b->battery && a->threat == b->threat && s.doctrine.mode == doctrine_mode::shoot_shoot &&
                         b->interceptor >= a->interceptor + s.doctrine.salvo_size &&
                         b->time_s < a->value + s.doctrine.kill_assessment_s) {
                       site(ex, a->battery).doctrine.mode = doctrine_mode::shoot_look_shoot;
                       return true;
                     }
                   }
                 return false;
               }});
  v.push_back({"intercept_before_leak", [](scenario&, trial_record& rec) {
                 const L l = launches_of(rec);
                 if (l.empty()) return false;
                 rec.leak_times_s[static_cast<std::size_t>(l[0]->threat)] = l[0]->value - 1.0;
                 return true;
               }});
  v.push_back({"no_shot_without_pk", [](scenario& ex, trial_record& rec) {
                 const L l = launches_of(rec);
                 if (l.empty()) return false;
                 const int cls = rec.threats[static_cast<std::size_t>(l[0]->threat)].class_index;
                 ex.interceptors[static_cast<std::size_t>(l[0]->interceptor_type)].pk_by_class[static_cast<std::size_t>(cls)] = 0.0;
                 return true;
               }});
  v.push_back({"timeline_consistent", [](scenario&, trial_record& rec) {
                 for (threat_outcome& o : rec.outcomes)
                   if (o.killed) {
                     o.killer_battery = o.killer_battery == 0 ? 1 : 0;
                     return true;
                   }
                 return false;
               }});
  v.push_back({"asset_accounting", [](scenario& ex, trial_record& rec) {
                 for (std::size_t a = 0; a < rec.asset_leakers.size(); ++a)
                   if (rec.asset_leakers[a] > 0) {
                     ex.assets[a].value *= 2.0;
                     return true;
                   }
                 return false;
               }});
  v.push_back({"costs_add_up", [](scenario& ex, trial_record& rec) {
                 const L l = launches_of(rec);
                 if (l.empty()) return false;
                 ex.interceptors[static_cast<std::size_t>(l[0]->interceptor_type)].cost_per_round += 1.0;
                 return true;
               }});
  v.push_back({"magazine_flag_consistent", [](scenario&, trial_record& rec) {
                 rec.result.magazine_exhausted = !rec.result.magazine_exhausted;
                 return true;
               }});
  return v;
}

}  // namespace

TEST_CASE("the property checks catch a scenario or record that breaks them", "[engagement][property]") {
  // Real defended-area trials (format 2 seeds), each changed so that it breaks one property: that property
  // must report a failure, where the unchanged trial passes.
  std::vector<sabotage> pending = sabotages();
  std::set<std::string> caught;
  for (std::uint64_t s = 2; s <= 400 && !pending.empty(); s += 2) {
    const generated g = random_area_scenario(s);
    const engagement_model m = model_of(g);
    trial_workspace ws;
    for (std::uint64_t t = 0; t < 3 && !pending.empty(); ++t) {
      const trial_record rec = record_trial(m, t, ws);
      {
        failure_log log;
        std::uint64_t checks = 0;
        coverage seen;
        check_record(m.scenario_data(), rec, checker{log, checks, "seed " + std::to_string(s)}, seen);
        INFO("unchanged trial " << t << " of scenario seed " << s);
        CHECK(log.count.empty());
      }
      for (auto it = pending.begin(); it != pending.end();) {
        scenario ex = m.scenario_data();
        trial_record changed = rec;
        if (!it->apply(ex, changed)) {
          ++it;
          continue;
        }
        failure_log log;
        std::uint64_t checks = 0;
        coverage seen;
        check_record(ex, changed, checker{log, checks, "seed " + std::to_string(s)}, seen);
        INFO("sabotage of " << it->property << " on scenario seed " << s << ", trial " << t);
        CHECK(log.count.count(it->property) == 1);
        caught.insert(it->property);
        it = pending.erase(it);
      }
    }
  }
  for (const sabotage& left : pending) {
    INFO("no trial to break " << left.property << " on");
    CHECK(false);
  }
  // Every property of check_record has a sabotage (trace_replays_trial is checked by check_trial alone).
  CHECK(caught.size() + 1 == property_names.size());
}
