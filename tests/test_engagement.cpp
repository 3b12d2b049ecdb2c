// Tests of engagement.hpp: run_trial against the analytic oracles of the model (docs/model.md)
// (doctrine, raid, magazine, track slots, fire channels), hand-checked
// timelines, horizon, envelope, causes, and trial reproducibility.
//
// Statistical checks use k = 4 standard errors: a two-sided false-failure
// rate of 6.3e-5 per check, under 1e-3 for the whole file.
#include <samsim/engagement.hpp>
#include <samsim/monte_carlo.hpp>
#include <samsim/units.hpp>

#include <catch2/catch.hpp>

#include "engagement_oracles.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <map>
#include <new>

using namespace samsim;
using engagement_oracles::check_proportion;
using engagement_oracles::pd_one_radar;
using engagement_oracles::trace_of;

namespace {

constexpr double interceptor_speed_mps = 1000.0;
/// A Pk that never kills: below the least uniform a random_stream draws
/// (min_stream_uniform = 2^-54, rng.hpp), so every round misses. A Pk of 0
/// would not do: a type with Pk 0 against a class is never fired at it.
constexpr double never_kills_pk = 1e-18;
static_assert(never_kills_pk < min_stream_uniform);

/// A battery whose radar sees 1e4 m^2 targets at ~80 dB SNR (Pd = 1 in
/// practice), confirms on the first detection, and an interceptor flying
/// straight at a constant 1000 m/s (tof = slant range / speed).
scenario oracle_scenario(int threats, int salvo, int max_salvos, double pk) {
  scenario sc;
  sc.name = "oracle";
  sc.battery.radar = pd_one_radar();
  sc.battery.fire_control = {1000, 1000, 5.0, 0.0};
  sc.battery.launchers = {50, 10, 100.0, 0};
  sc.battery.envelope = {500.0, 100e3, 0.0, 20e3, 0.0};
  sc.battery.pk_default = pk;
  sc.battery.doctrine = {doctrine_mode::shoot_look_shoot, salvo, 5.0, max_salvos};
  // Kinematics are not flown: the tests pass a table from an analytic function.
  sc.battery.interceptor.launch_mass_kg = 100.0;
  sc.battery.interceptor.specific_impulse_s = 200.0;
  sc.battery.interceptor.phases = {{1000.0, 1.0}};
  sc.battery.interceptor.reference_area_m2 = 0.01;
  sc.battery.interceptor.cd_vs_mach = {{0.0, 0.3}, {5.0, 0.3}};
  sc.battery.interceptor.max_lateral_accel_mps2 = 100.0;

  threat_class c;
  c.name = "target";
  c.trajectory = trajectory_kind::straight;
  c.rcs_m2 = 1e4;
  c.swerling = swerling_case::sw0;
  c.leak_distance_m = 0.0;
  sc.classes = {c};
  sc.pk_by_class = {pk};
  sc.raid.class_defaults = {{random_value::fixed(1000.0), random_value::fixed(100.0)}};
  raid_group g;
  g.class_index = 0;
  g.count = random_count::fixed(threats);
  g.launch_time_s = random_value::fixed(0.0);
  g.bearing_deg = random_value::uniform(-60.0, 60.0);
  g.start_range_m = random_value::fixed(60e3);
  sc.raid.groups = {g};
  sc.monte_carlo.trials = 1000;
  sc.monte_carlo.seed = 1;
  return sc;
}

flyout_table constant_speed_table(const envelope_limits& limits) {
  return flyout_table::from_function(limits, 100.0, 100.0, [](double range_m, double height_m) {
    const double d = std::hypot(range_m, height_m);
    return flyout_point{true, d / interceptor_speed_mps, interceptor_speed_mps};
  });
}

engagement_model oracle_model(const scenario& sc) {
  validate(sc);
  return engagement_model(sc, constant_speed_table(sc.battery.envelope));
}

monte_carlo_result run(const engagement_model& m, std::uint64_t trials, std::uint64_t seed = 5) {
  monte_carlo_options o;
  o.trials = trials;
  o.seed = seed;
  o.threads = 2;
  return run_monte_carlo(m, o);
}

/// Whether a trial's timeline refused a launch for `cause`.
bool blocked_by(const std::vector<trace_event>& events, leak_cause cause) {
  return std::any_of(events.begin(), events.end(), [cause](const trace_event& e) {
    return e.kind == trace_kind::launch_blocked && static_cast<int>(e.value) == static_cast<int>(cause);
  });
}

/// Largest number of half-open intervals [start, end) open at once.
int max_overlap(std::vector<std::pair<double, double>> intervals) {
  std::vector<std::pair<double, int>> edges;
  for (auto [a, b] : intervals) {
    edges.emplace_back(a, +1);
    edges.emplace_back(b, -1);
  }
  std::sort(edges.begin(), edges.end());  // at equal times -1 sorts first: closed before opened
  int open = 0, most = 0;
  for (auto [t, d] : edges) most = std::max(most, open += d);
  return most;
}

}  // namespace

TEST_CASE("doctrine oracle: one threat, salvo s, k salvos leaks with (1 - Pk)^(s k)", "[engagement][oracle]") {
  // The doctrine oracle (docs/model.md, validation) with Pd = 1 and ample resources; tests/data/VALIDATION.md: s = 2, Pk = 0.7 leaks 0.09.
  struct row {
    double pk;
    int salvo, salvos;
    doctrine_mode mode;
  };
  for (const row& c : {row{0.7, 2, 1, doctrine_mode::shoot_look_shoot}, row{0.5, 1, 3, doctrine_mode::shoot_look_shoot},
                       row{0.6, 2, 2, doctrine_mode::shoot_look_shoot}, row{0.6, 1, 2, doctrine_mode::shoot_shoot},
                       row{0.3, 3, 1, doctrine_mode::shoot_shoot}}) {
    scenario sc = oracle_scenario(1, c.salvo, c.salvos, c.pk);
    sc.battery.doctrine.mode = c.mode;
    const auto m = oracle_model(sc);
    const std::uint64_t n = 20000;
    const auto r = run(m, n);
    INFO("pk " << c.pk << " salvo " << c.salvo << " salvos " << c.salvos);
    check_proportion(r.tally.trials_with_leak, n, std::pow(1.0 - c.pk, c.salvo * c.salvos));
    CHECK(r.tally.causes[static_cast<int>(leak_cause::survived)] == r.tally.trials_with_leak);
  }
}

TEST_CASE("raid oracle: N independent threats", "[engagement][oracle]") {
  // Validation README: salvo 2, Pk 0.7, N = 10: E[leakers] = 0.9, P(>=1) = 0.610584, P(>=2) = 0.225447.
  const auto m = oracle_model(oracle_scenario(10, 2, 1, 0.7));
  const std::uint64_t n = 20000;
  const auto r = run(m, n);
  check_proportion(r.tally.trials_with_leak, n, 0.610584);
  check_proportion(r.tally.leaker_histogram.at_least(2), n, 0.225447);
  // Leakers ~ Binomial(10, 0.09): sd of the mean = sqrt(10 * 0.09 * 0.91 / n).
  CHECK(std::abs(r.tally.leakers.mean() - 0.9) <= 4.0 * std::sqrt(10 * 0.09 * 0.91 / static_cast<double>(n)));
  // Every threat is engaged with exactly one salvo of 2.
  CHECK(r.tally.interceptors_used.mean() == Approx(20.0));
}

TEST_CASE("magazine oracle: with Pk = 1, exactly max(0, N - floor(M / s)) leak", "[engagement][oracle]") {
  struct row {
    int launchers, rounds_each, salvo, threats;
  };
  for (const row& c : {row{5, 2, 2, 8}, row{7, 1, 2, 5}, row{5, 2, 2, 4}, row{3, 4, 3, 6}, row{6, 1, 1, 9}}) {
    scenario sc = oracle_scenario(c.threats, c.salvo, 1, 1.0);
    sc.battery.launchers = {c.launchers, c.rounds_each, 100.0, 0};
    const auto m = oracle_model(sc);
    const int magazine = c.launchers * c.rounds_each;
    const int expected = std::max(0, c.threats - magazine / c.salvo);
    trial_workspace ws;
    for (std::uint64_t t = 0; t < 50; ++t) {
      const trial_result r = run_trial(m, 3, t, ws);
      INFO("M " << magazine << " s " << c.salvo << " N " << c.threats << " trial " << t);
      REQUIRE(r.leakers == expected);
      for (const auto& o : ws.outcomes)
        if (!o.killed) CHECK(o.cause == leak_cause::no_interceptor);
    }
  }
}

TEST_CASE("track-slot oracle: c slots, N > c threats seen at the same look", "[engagement][oracle]") {
  // Track-capacity oracle (docs/model.md, validation): c tracks at once, the rest wait for a freed slot.
  scenario sc = oracle_scenario(7, 1, 3, 1.0);
  sc.battery.radar.max_tracks = 3;
  sc.raid.groups[0].bearing_deg = random_value::fixed(0.0);  // all in one place: seen at the same look
  const auto m = oracle_model(sc);
  trial_workspace ws;
  for (std::uint64_t t = 0; t < 20; ++t) {
    trial_result r;
    const auto ev = trace_of(m, 9, t, ws, &r);
    double first_confirm = 1e300;
    for (const auto& e : ev)
      if (e.kind == trace_kind::track_confirmed) first_confirm = std::min(first_confirm, e.time_s);
    int confirmed = 0, waiting = 0;
    std::map<int, double> start;
    std::vector<std::pair<double, double>> held;
    for (const auto& e : ev) {
      if (e.time_s == first_confirm && e.kind == trace_kind::track_confirmed) ++confirmed;
      if (e.time_s == first_confirm && e.kind == trace_kind::track_waiting) ++waiting;
      if (e.kind == trace_kind::track_confirmed || e.kind == trace_kind::track_acquired) start[e.threat] = e.time_s;
      if ((e.kind == trace_kind::intercept_kill || e.kind == trace_kind::leak) && start.count(e.threat))
        held.emplace_back(start[e.threat], e.time_s);
    }
    CHECK(confirmed == 3);
    CHECK(waiting == 4);
    CHECK(max_overlap(held) == 3);
    CHECK(r.leakers == 0);  // each waiting threat got a slot when a kill freed one, in time to be engaged
  }
}

TEST_CASE("fire channels and interceptors in flight are never exceeded", "[engagement][oracle]") {
  scenario sc = oracle_scenario(6, 2, 2, 0.5);
  sc.battery.fire_control.max_engaged_targets = 2;
  sc.battery.fire_control.max_interceptors_in_flight = 3;
  const auto m = oracle_model(sc);
  trial_workspace ws;
  bool channel_limited = false;
  for (std::uint64_t t = 0; t < 30; ++t) {
    const auto ev = trace_of(m, 4, t, ws);
    std::map<int, double> first_launch, last_assessment;
    std::map<int, double> launch_of;
    std::vector<std::pair<double, double>> engaged, flying;
    for (const auto& e : ev) {
      if (e.kind == trace_kind::interceptor_launch) {
        if (!first_launch.count(e.threat)) first_launch[e.threat] = e.time_s;
        flying.emplace_back(e.time_s, e.value);  // value: the planned intercept time
      }
      if (e.kind == trace_kind::kill_assessment) last_assessment[e.threat] = e.time_s;
      if (e.kind == trace_kind::launch_blocked && static_cast<int>(e.value) == static_cast<int>(leak_cause::no_fire_channel))
        channel_limited = true;
    }
    // A threat whose last assessment falls after the trial's end (all threats resolved) stays engaged to the end.
    for (auto [i, t0] : first_launch)
      engaged.emplace_back(t0, last_assessment.count(i) ? last_assessment[i] : 1e300);
    CHECK(max_overlap(engaged) <= 2);
    CHECK(max_overlap(flying) <= 3);
  }
  CHECK(channel_limited);  // the limits did bind
}

TEST_CASE("reaction time, launch interval and kill assessment in a hand-checked timeline", "[engagement]") {
  scenario sc = oracle_scenario(1, 2, 2, never_kills_pk);  // every round misses: both salvos are fired
  sc.battery.fire_control.reaction_time_s = 10.0;
  sc.battery.fire_control.launch_interval_s = 3.0;
  sc.battery.doctrine.kill_assessment_s = 5.0;
  sc.raid.groups[0].bearing_deg = random_value::fixed(0.0);
  const auto m = oracle_model(sc);
  trial_workspace ws;
  const auto ev = trace_of(m, 1, 0, ws);
  const double confirm = ws.outcomes[0].confirm_time_s;
  std::vector<const trace_event*> launches, assessments;
  for (const auto& e : ev) {
    if (e.kind == trace_kind::interceptor_launch) launches.push_back(&e);
    if (e.kind == trace_kind::kill_assessment) assessments.push_back(&e);
  }
  REQUIRE(launches.size() == 4);
  REQUIRE(assessments.size() == 2);
  // First round at confirmation + reaction time; the second one launch interval later.
  CHECK(launches[0]->time_s == Approx(confirm + 10.0));
  CHECK(launches[1]->time_s == Approx(confirm + 13.0));
  // Intercept of a threat closing radially at 100 m/s, 1000 m up, by a 1000 m/s interceptor launched at tL:
  // ((t - tL) Vi)^2 = (R0 - v t)^2 + h^2, R0 = 60 km (launch at time 0): the larger root of a quadratic.
  auto intercept_time = [](double tl) {
    const double vi = 1000.0, v = 100.0, r0 = 60e3, h = 1000.0 - 0.0;
    const double a = vi * vi - v * v;
    const double b = -2.0 * vi * vi * tl + 2.0 * r0 * v;
    const double c = vi * vi * tl * tl - r0 * r0 - h * h;
    return (-b + std::sqrt(b * b - 4 * a * c)) / (2 * a);
  };
  CHECK(launches[0]->value == Approx(intercept_time(launches[0]->time_s)).margin(0.05));
  CHECK(launches[1]->value == Approx(intercept_time(launches[1]->time_s)).margin(0.05));
  // Kill assessment 5 s after the salvo's last intercept; shoot-look-shoot fires again right then.
  CHECK(assessments[0]->time_s == Approx(launches[1]->value + 5.0));
  CHECK(launches[2]->time_s == Approx(assessments[0]->time_s));
  CHECK(launches[3]->time_s == Approx(assessments[0]->time_s + 3.0));
}

TEST_CASE("a reload arrives reload_time_s after the launcher empties", "[engagement]") {
  scenario sc = oracle_scenario(1, 1, 2, never_kills_pk);
  sc.battery.launchers = {1, 1, 200.0, 5};
  sc.raid.groups[0].bearing_deg = random_value::fixed(0.0);
  const auto m = oracle_model(sc);
  trial_workspace ws;
  const auto ev = trace_of(m, 2, 0, ws);
  std::vector<double> launches, reload_start, reload_done;
  for (const auto& e : ev) {
    if (e.kind == trace_kind::interceptor_launch) launches.push_back(e.time_s);
    if (e.kind == trace_kind::reload_start) reload_start.push_back(e.time_s);
    if (e.kind == trace_kind::reload_complete) reload_done.push_back(e.time_s);
  }
  REQUIRE(launches.size() == 2);
  REQUIRE(reload_start.size() >= 1);
  CHECK(reload_start[0] == launches[0]);             // the only round leaves: reload starts at once
  CHECK(reload_done[0] == Approx(launches[0] + 200.0));
  CHECK(blocked_by(ev, leak_cause::no_interceptor));  // the kill assessment came before the reload
  CHECK(launches[1] == Approx(reload_done[0]));      // and the second shot went at the reload
}

// P(no ready salvo when one was wanted), docs/model.md section 11.4: a trial
// counts when a feasible shot was refused because the ready rounds on the
// launchers were fewer than the salvo size, whatever is reloading or in the pool.
TEST_CASE("no_ready_salvo: a feasible shot refused for want of a ready round, rounds still in reload",
          "[engagement][magazine]") {
  // One launcher holding one round, a 1000 s reload and 5 rounds in the pool;
  // two threats at 60 km and 100 m/s leak at 600 s. The first takes the only
  // round; the second is inside the envelope while that round reloads, so a
  // shot at it is feasible and refused: no ready round. The pool never empties.
  scenario sc = oracle_scenario(2, 1, 1, 1.0);
  sc.battery.launchers = {1, 1, 1000.0, 5};
  const auto m = oracle_model(sc);
  trial_workspace ws;
  for (std::uint64_t t = 0; t < 20; ++t) {
    INFO("trial " << t);
    trial_result r;
    const auto ev = trace_of(m, 3, t, ws, &r);
    CHECK(r.interceptors_used == 1);
    CHECK(r.leakers == 1);
    CHECK(std::count_if(ws.outcomes.begin(), ws.outcomes.end(), [](const threat_outcome& o) {
            return !o.killed && o.cause == leak_cause::no_interceptor;
          }) == 1);
    CHECK(blocked_by(ev, leak_cause::no_interceptor));
    CHECK(r.no_ready_salvo);
    CHECK_FALSE(r.magazine_exhausted);  // 1 round reloading, 4 in the pool
    CHECK(r.rounds_left == 5);
  }
}

TEST_CASE("no_ready_salvo stays false when no shot was refused for want of ready rounds", "[engagement][magazine]") {
  trial_workspace ws;
  SECTION("the magazine runs dry, but no shot is wanted after the last round") {
    // One round in all, one threat, Pk = 1: the magazine is exhausted at the
    // launch and the threat is killed, so no later shot at it is wanted.
    scenario sc = oracle_scenario(1, 1, 1, 1.0);
    sc.battery.launchers = {1, 1, 1000.0, 0};
    const auto m = oracle_model(sc);
    for (std::uint64_t t = 0; t < 20; ++t) {
      INFO("trial " << t);
      trial_result r;
      trace_of(m, 3, t, ws, &r);
      CHECK(r.leakers == 0);
      CHECK(r.magazine_exhausted);
      CHECK_FALSE(r.no_ready_salvo);
    }
  }
  SECTION("shots refused for want of a fire channel, never of rounds") {
    // One fire channel, two threats, 500 ready rounds: the second threat waits
    // for the channel (no_fire_channel), then is fired at.
    scenario sc = oracle_scenario(2, 1, 1, 1.0);
    sc.battery.fire_control.max_engaged_targets = 1;
    const auto m = oracle_model(sc);
    for (std::uint64_t t = 0; t < 20; ++t) {
      INFO("trial " << t);
      trial_result r;
      const auto ev = trace_of(m, 3, t, ws, &r);
      CHECK(blocked_by(ev, leak_cause::no_fire_channel));  // the case is not vacuous: a shot was refused
      CHECK_FALSE(r.magazine_exhausted);
      CHECK_FALSE(r.no_ready_salvo);
    }
  }
}

TEST_CASE("saturation raid: no ready salvo in some trials, and in every trial with a no_interceptor leak",
          "[engagement][magazine]") {
  // examples/scenarios/saturation-raid.json: 900 s reloads, so the ready rounds
  // run out while rounds wait in reload and in the pool. A threat leaks as
  // no_interceptor only after a no_interceptor block (docs/model.md section 12),
  // so such a leak implies the trial's flag.
  const scenario sc = load_scenario(SAMSIM_SCENARIO_DIR "/saturation-raid.json");
  const engagement_model m(sc);
  trial_workspace ws;
  int flagged = 0, with_no_interceptor_leak = 0;
  for (std::uint64_t t = 0; t < 200; ++t) {
    const trial_result r = run_trial(m, sc.monte_carlo.seed, t, ws);
    const bool leak_no_round = std::any_of(ws.outcomes.begin(), ws.outcomes.end(), [](const threat_outcome& o) {
      return !o.killed && o.cause == leak_cause::no_interceptor;
    });
    INFO("trial " << t);
    if (leak_no_round) CHECK(r.no_ready_salvo);
    flagged += r.no_ready_salvo ? 1 : 0;
    with_no_interceptor_leak += leak_no_round ? 1 : 0;
  }
  CHECK(with_no_interceptor_leak > 0);
  CHECK(flagged >= with_no_interceptor_leak);
  CHECK(flagged > 0);
}

TEST_CASE("a threat below the radar horizon is detected no earlier than its horizon crossing", "[engagement]") {
  scenario sc = oracle_scenario(1, 1, 1, 1.0);
  sc.raid.class_defaults[0].height_m = random_value::fixed(30.0);
  sc.raid.groups[0].bearing_deg = random_value::fixed(0.0);
  const auto m = oracle_model(sc);
  // 4/3 earth horizon for a 10 m antenna and a 30 m target, from the formula
  // (docs/model.md section 4) with Re = 4/3 x 6371 km written out here, not
  // the library's constant; it agrees with tests/data/VALIDATION.md (35.610 km).
  const double re_m = 4.0 / 3.0 * 6371e3;
  const double horizon_m = std::sqrt(2 * re_m * 10.0) + std::sqrt(2 * re_m * 30.0);
  CHECK(horizon_m == Approx(35610.0).margin(0.5));
  const double crossing_s = (60e3 - horizon_m) / 100.0;
  trial_workspace ws;
  for (std::uint64_t t = 0; t < 50; ++t) {
    const auto ev = trace_of(m, 8, t, ws);
    double first_detection = 1e300;
    for (const auto& e : ev)
      if (e.kind == trace_kind::detection) first_detection = std::min(first_detection, e.time_s);
    CHECK(first_detection >= crossing_s);
    CHECK(first_detection < crossing_s + sc.battery.radar.scan_period_s);  // Pd = 1: the first look past it
  }
}

TEST_CASE("a threat never inside the envelope leaks as outside_envelope", "[engagement]") {
  scenario sc = oracle_scenario(3, 1, 1, 1.0);
  sc.raid.class_defaults[0].height_m = random_value::fixed(25e3);  // above the 20 km ceiling
  const auto m = oracle_model(sc);
  const auto r = run(m, 200);
  CHECK(r.tally.trials_with_leak == 200);
  CHECK(r.tally.causes[static_cast<int>(leak_cause::outside_envelope)] == 600);
  CHECK(r.tally.interceptors_used.mean() == 0.0);
}

TEST_CASE("undetectable threats leak as never_detected, and with no slot free as not_tracked", "[engagement]") {
  scenario sc = oracle_scenario(2, 1, 1, 1.0);
  sc.classes[0].rcs_m2 = 1e-12;  // far below any detection
  {
    const auto r = run(oracle_model(sc), 100);
    CHECK(r.tally.causes[static_cast<int>(leak_cause::never_detected)] == 200);
  }
  sc = oracle_scenario(2, 1, 1, never_kills_pk);
  sc.battery.radar.max_tracks = 1;
  sc.raid.groups[0].bearing_deg = random_value::fixed(0.0);
  sc.battery.launchers = {1, 1, 1000.0, 0};  // one round; Pk 0 so the first track is held until it leaks
  const auto r = run(oracle_model(sc), 100);
  CHECK(r.tally.causes[static_cast<int>(leak_cause::survived)] == 100);
  CHECK(r.tally.causes[static_cast<int>(leak_cause::not_tracked)] == 100);
}

TEST_CASE("causes add up to the leakers, per class and in total", "[engagement]") {
  scenario sc = oracle_scenario(12, 2, 2, 0.6);
  sc.battery.launchers = {3, 4, 100.0, 4};
  sc.battery.fire_control.max_engaged_targets = 3;
  const auto r = run(oracle_model(sc), 500);
  std::uint64_t by_cause = 0, by_class = 0;
  for (auto c : r.tally.causes) by_cause += c;
  for (auto c : r.tally.by_class) by_class += c.leaked;
  CHECK(by_cause == by_class);
  CHECK(static_cast<std::uint64_t>(r.tally.leakers.sum()) == by_cause);
  CHECK(r.tally.killed + by_cause == r.tally.threats);
}

TEST_CASE("a trial is reproducible: same (seed, trial) gives the same timeline whatever ran before", "[engagement]") {
  scenario sc = oracle_scenario(8, 2, 2, 0.6);
  sc.battery.launchers = {3, 4, 60.0, 8};
  sc.battery.radar.confirm_m = 2;
  sc.battery.radar.confirm_n = 3;
  sc.classes[0].rcs_m2 = 0.5;  // Pd well below 1 at long range: detection draws matter
  sc.classes[0].swerling = swerling_case::sw1;
  const auto m = oracle_model(sc);
  trial_workspace fresh;
  const auto alone = trace_of(m, 77, 5, fresh);
  trial_workspace used;
  for (std::uint64_t t = 0; t < 5; ++t) (void)trace_of(m, 77, 20 + t, used);
  const auto after = trace_of(m, 77, 5, used);
  REQUIRE(alone.size() == after.size());
  for (std::size_t k = 0; k < alone.size(); ++k) {
    CHECK(alone[k].time_s == after[k].time_s);
    CHECK(alone[k].kind == after[k].kind);
    CHECK(alone[k].threat == after[k].threat);
    CHECK(alone[k].value == after[k].value);
  }
  // And without a trace the result is the same.
  trial_result with_trace, without;
  (void)trace_of(m, 77, 5, fresh, &with_trace);
  without = run_trial(m, 77, 5, fresh);
  CHECK(with_trace.leakers == without.leakers);
  CHECK(with_trace.interceptors_used == without.interceptors_used);
  CHECK(with_trace.events == without.events);
}

// Counts heap allocations made by this test program by replacing the global
// allocation functions. Not under AddressSanitizer, which owns them (the
// Release build runs the check).
#if defined(SAMSIM_TEST_SANITIZED)
#define SAMSIM_COUNTS_ALLOCATIONS 0
#else
#define SAMSIM_COUNTS_ALLOCATIONS 1
namespace {
std::atomic<long> allocations{0};
void* counted_allocation(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
}  // namespace
void* operator new(std::size_t n) { return counted_allocation(n); }
void* operator new[](std::size_t n) { return counted_allocation(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif

TEST_CASE("run_trial allocates nothing in steady state with a reused workspace", "[engagement][memory]") {
  scenario sc = oracle_scenario(12, 2, 2, 0.6);
  sc.battery.launchers = {3, 4, 60.0, 8};
  sc.battery.radar.max_tracks = 5;
  sc.battery.fire_control.max_engaged_targets = 3;
  const auto m = oracle_model(sc);
  trial_workspace ws;
  for (std::uint64_t t = 0; t < 50; ++t) (void)run_trial(m, 6, t, ws);  // warm-up: buffers reach their size
  int leakers = 0;
#if SAMSIM_COUNTS_ALLOCATIONS
  const long before = allocations.load();
  for (std::uint64_t t = 50; t < 250; ++t) leakers += run_trial(m, 6, t, ws).leakers;
  CHECK(allocations.load() - before == 0);
#else
  for (std::uint64_t t = 50; t < 250; ++t) leakers += run_trial(m, 6, t, ws).leakers;
  WARN("allocation count not checked under AddressSanitizer; the Release build checks it");
#endif
  CHECK(leakers > 0);  // the trials did real work: slots, channels and the magazine bind
}

// ---------------------------------------------------------------------------
// Launch timing, channel hold and service order (docs/model.md, fire control).
// The expected times below come from the geometry by hand: a threat closing
// head-on at 100 m/s from 60 km, an interceptor at a constant 1000 m/s, so a
// launch at L meets it at t = (L + 60) / 1.1 s, at ground range 60 km - 100 t.

namespace {

/// Times of the interceptor launches of a trial, in order.
std::vector<double> launch_times(const std::vector<trace_event>& ev, int threat = -1) {
  std::vector<double> out;
  for (const auto& e : ev)
    if (e.kind == trace_kind::interceptor_launch && (threat < 0 || e.threat == threat)) out.push_back(e.time_s);
  return out;
}

/// A table whose time of flight is ground range / 1000 m/s (linear, so the
/// bilinear interpolation is exact), unreachable for ground ranges strictly
/// inside (hole_from_m, hole_to_m).
flyout_table range_only_table(const envelope_limits& limits, double hole_from_m = -1.0, double hole_to_m = -1.0) {
  return flyout_table::from_function(limits, 100.0, 100.0, [=](double range_m, double) {
    if (range_m > hole_from_m && range_m < hole_to_m) return flyout_point{};
    return flyout_point{true, range_m / interceptor_speed_mps, interceptor_speed_mps};
  });
}

}  // namespace

TEST_CASE("shoot-shoot: every salvo goes at its earliest feasible time, whatever the launch interval",
          "[engagement][timing]") {
  // One threat, salvo 2, two salvos, shoot-shoot: the rounds leave at L0 + k x interval, k = 0..3,
  // all before the first intercept (about 55 s later), for an interval of 0, 1 ms and 3 s.
  for (const double interval_s : {0.0, 0.001, 3.0}) {
    scenario sc = oracle_scenario(1, 2, 2, 0.5);
    sc.battery.doctrine.mode = doctrine_mode::shoot_shoot;
    sc.battery.fire_control.launch_interval_s = interval_s;
    sc.raid.groups[0].bearing_deg = random_value::fixed(0.0);
    const auto m = oracle_model(sc);
    trial_workspace ws;
    for (std::uint64_t t = 0; t < 20; ++t) {
      const auto ev = trace_of(m, 4, t, ws);
      const auto launches = launch_times(ev);
      INFO("interval " << interval_s << " trial " << t);
      REQUIRE(launches.size() == 4);
      // Confirmation at the first look (Pd = 1, m = n = 1), ready 5 s later, in reach at once.
      double confirm_s = 1e300;
      for (const auto& e : ev)
        if (e.kind == trace_kind::track_confirmed) confirm_s = e.time_s;
      CHECK(launches[0] == Approx(confirm_s + 5.0).margin(1e-9));
      for (int k = 0; k < 4; ++k) CHECK(launches[static_cast<std::size_t>(k)] == Approx(launches[0] + k * interval_s).margin(1e-9));
    }
  }
  // The doctrine oracle with a zero interval: P(leak) = (1 - Pk)^(s k) = 0.5^4 = 0.0625 (4 sigma).
  scenario sc = oracle_scenario(1, 2, 2, 0.5);
  sc.battery.doctrine.mode = doctrine_mode::shoot_shoot;
  sc.battery.fire_control.launch_interval_s = 0.0;
  const auto r = run(oracle_model(sc), 20000);
  check_proportion(r.tally.trials_with_leak, 20000, 0.0625);
  CHECK(r.tally.interceptors_used.mean() == Approx(4.0));
}

TEST_CASE("the first launch goes at the exact opening of the envelope, not on a 0.1 s step", "[engagement][timing]") {
  // Envelope max range 30 km: the earliest intercept is where the threat crosses 30 km, at
  // t = (60000 - 30000) / 100 = 300 s, reached by a launch at 300 - 30000 / 1000 = 270 s.
  // With a 6.35 s reaction time the tracks are ready near 7-9 s; the opening moves with
  // the start range: 60.0123 km puts it at 270.123 s (no multiple of 0.1 s).
  scenario sc = oracle_scenario(1, 1, 1, 1.0);
  sc.battery.envelope.max_range_m = 30e3;
  sc.battery.fire_control.reaction_time_s = 6.35;
  sc.raid.groups[0].bearing_deg = random_value::fixed(0.0);
  sc.raid.groups[0].start_range_m = random_value::fixed(60012.3);
  validate(sc);
  const engagement_model m(sc, range_only_table(sc.battery.envelope));
  const double expected_s = (60012.3 - 30e3) / 100.0 - 30e3 / interceptor_speed_mps;  // 270.123 s
  trial_workspace ws;
  for (std::uint64_t t = 0; t < 20; ++t) {
    const auto launches = launch_times(trace_of(m, 6, t, ws));
    INFO("trial " << t);
    REQUIRE(launches.size() == 1);
    CHECK(launches[0] == Approx(expected_s).margin(1e-3));
  }
}

TEST_CASE("a salvo whose later round is infeasible waits for the time all its rounds are", "[engagement][timing]") {
  // Salvo 2, 15 s apart; the table is unreachable between 28 and 29 km. A launch at L meets the
  // threat at 60 km - 100 (L + 60) / 1.1: at 30 km for L = 270, 29 km for L = 281, 28 km for
  // L = 292. So at 270 round 0 is feasible but round 1 (at 285) falls in the hole; the first
  // salvo whose two rounds both avoid it starts at 292 - 15 = 277 s.
  scenario sc = oracle_scenario(1, 2, 1, 1.0);
  sc.battery.envelope.max_range_m = 30e3;
  sc.battery.fire_control.launch_interval_s = 15.0;
  sc.raid.groups[0].bearing_deg = random_value::fixed(0.0);
  validate(sc);
  const engagement_model m(sc, range_only_table(sc.battery.envelope, 28e3, 29e3));
  trial_workspace ws;
  for (std::uint64_t t = 0; t < 10; ++t) {
    const auto launches = launch_times(trace_of(m, 7, t, ws));
    INFO("trial " << t);
    REQUIRE(launches.size() == 2);
    CHECK(launches[0] == Approx(277.0).margin(1e-3));
    CHECK(launches[1] == Approx(292.0).margin(1e-3));
  }
}

TEST_CASE("shoot-shoot holds the fire channel to the assessment of the last salvo", "[engagement][timing]") {
  // One fire channel, two threats on one bearing (A from 40 km, B from 60 km), Pk = 1,
  // shoot-shoot, two salvos of one round 3 s apart. A's first round kills it; its second
  // is still in flight. The channel is A's until that second round is assessed: B's first
  // launch is at A's last kill assessment, not its first.
  scenario sc = oracle_scenario(1, 1, 2, 1.0);
  sc.battery.doctrine.mode = doctrine_mode::shoot_shoot;
  sc.battery.fire_control = {1, 1000, 5.0, 3.0};
  sc.raid.groups[0].bearing_deg = random_value::fixed(0.0);
  sc.raid.groups[0].start_range_m = random_value::fixed(40e3);
  raid_group b = sc.raid.groups[0];
  b.start_range_m = random_value::fixed(60e3);
  sc.raid.groups.push_back(b);
  const auto m = oracle_model(sc);
  trial_workspace ws;
  for (std::uint64_t t = 0; t < 10; ++t) {
    const auto ev = trace_of(m, 8, t, ws);
    std::vector<double> assessed_a;
    for (const auto& e : ev)
      if (e.kind == trace_kind::kill_assessment && e.threat == 0) assessed_a.push_back(e.time_s);
    const auto launches_a = launch_times(ev, 0), launches_b = launch_times(ev, 1);
    INFO("trial " << t);
    REQUIRE(launches_a.size() == 2);
    REQUIRE(assessed_a.size() == 2);
    REQUIRE(!launches_b.empty());
    CHECK(assessed_a[1] > assessed_a[0]);
    CHECK(launches_b[0] == Approx(assessed_a[1]).margin(1e-9));
  }
}

TEST_CASE("track slots and fire are served by class priority, then earliest arrival", "[engagement][priority]") {
  // One track slot; threat 0 from 50 km, threat 1 from 20 km, both seen at the first look.
  // Equal priority: the earlier arrival (threat 1) takes the slot although it is the higher
  // index; threat 0 waits. With threat 0's class at priority 1, threat 0 takes it.
  auto two_threats = [](int priority_far) {
    scenario sc = oracle_scenario(1, 1, 1, 1.0);
    sc.battery.radar.max_tracks = 1;
    sc.classes.push_back(sc.classes[0]);
    sc.classes[1].name = "near";
    sc.classes[0].priority = priority_far;
    sc.pk_by_class = {1.0, 1.0};
    sc.raid.class_defaults.push_back(sc.raid.class_defaults[0]);
    sc.raid.groups[0].bearing_deg = random_value::fixed(0.0);
    sc.raid.groups[0].start_range_m = random_value::fixed(50e3);
    raid_group near = sc.raid.groups[0];
    near.class_index = 1;
    near.start_range_m = random_value::fixed(20e3);
    sc.raid.groups.push_back(near);
    return sc;
  };
  for (const int priority_far : {0, 1}) {
    const auto m = oracle_model(two_threats(priority_far));
    const int first = priority_far > 0 ? 0 : 1;
    trial_workspace ws;
    for (std::uint64_t t = 0; t < 10; ++t) {
      const auto ev = trace_of(m, 9, t, ws);
      INFO("priority of the far threat " << priority_far << " trial " << t);
      int confirmed = -1, waiting = -1, acquired = -1;
      for (const auto& e : ev) {
        if (e.kind == trace_kind::track_confirmed) confirmed = e.threat;
        if (e.kind == trace_kind::track_waiting) waiting = e.threat;
        if (e.kind == trace_kind::track_acquired) acquired = e.threat;
      }
      CHECK(confirmed == first);
      CHECK(waiting == 1 - first);
      CHECK(acquired == 1 - first);  // the slot passes on when the first is killed
    }
  }
  // Fire: ample slots, one fire channel; both ready at the same instant. The far threat's
  // class at priority 1 is fired at first; at equal priority the nearer one is.
  for (const int priority_far : {0, 1}) {
    scenario sc = two_threats(priority_far);
    sc.battery.radar.max_tracks = 10;
    sc.battery.fire_control.max_engaged_targets = 1;
    const auto m = oracle_model(sc);
    trial_workspace ws;
    const auto ev = trace_of(m, 10, 0, ws);
    const int first = priority_far > 0 ? 0 : 1;
    const auto first_fired = launch_times(ev, first), second_fired = launch_times(ev, 1 - first);
    INFO("priority of the far threat " << priority_far);
    REQUIRE(!first_fired.empty());
    REQUIRE(!second_fired.empty());
    CHECK(first_fired[0] < second_fired[0]);
  }
}
