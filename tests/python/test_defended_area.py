"""Defended-area (format 2) scenarios through the module: the Result holds the command line's
per-asset, per-battery and cost figures, the per-trial arrays agree with them, a trace names the
battery and interceptor type of each event, Scenario.set edits format 2 keys with the loader's
checks and keeps the flyout tables of the types it does not touch, and the model's defended-area
oracles hold: cost (exactly) and disjoint defence.

Every check is exact (or to float rounding) but the disjoint-defence oracle's three 4-standard-
error checks: a false-failure rate of 1.9e-4 for the file (normal approximation)."""

import copy
import json
import time

import numpy as np
import pytest

import samsim
from conftest import ORACLE_FILE, SANITIZED, scenario_path, within_4se, without_timing

AREA = scenario_path("defended-area.json")
# defended-area.json runs about 100 trials/s on two threads: few trials keep the file at seconds.
TRIALS = 64
SEED = 20260101


def load_json(path):
    with open(path) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def area_doc():
    return load_json(AREA)


@pytest.fixture(scope="module")
def area(area_doc):
    return samsim.load_scenario(AREA)


@pytest.fixture(scope="module")
def area_result(area):
    return samsim.run(area, trials=TRIALS, seed=SEED, threads=2, progress=False)


# ---- the Result against the command line ----------------------------------------------------

def test_the_result_is_the_command_lines_json(cli, tmp_path, area_result):
    out = tmp_path / "area.json"
    done = cli("run", AREA, "--trials", TRIALS, "--seed", SEED, "--threads", 1, "--quiet", "--json", out)
    assert done.returncode == 0, done.stderr
    expected = load_json(out)
    for key in ("interceptor_reach", "interrupted"):  # what only a command-line run has (docs/cli.md)
        expected.pop(key, None)
    assert without_timing(area_result.to_dict()) == without_timing(expected)


def test_the_defended_area_figures_are_attributes(area_doc, area_result):
    r, d = area_result, area_result.to_dict()
    # Assets, batteries and their launcher types are those of the file.
    assert list(d["by_asset"]) == sorted(a["name"] for a in area_doc["assets"])
    assert sorted(d["by_battery"]) == sorted(b["name"] for b in area_doc["batteries"])
    for b in area_doc["batteries"]:
        assert sorted(d["by_battery"][b["name"]]["by_interceptor"]) == sorted(g["interceptor"] for g in b["launchers"])
    for a in area_doc["assets"]:
        name, node = a["name"], d["by_asset"][a["name"]]
        assert node["value"] == getattr(r, f"by_asset_{name}_value") == a["value"]
        assert getattr(r, f"by_asset_{name}_p_leak") == node["p_leak"]["estimate"]
        lo, hi = getattr(r, f"by_asset_{name}_p_leak_wilson")
        assert [lo, hi] == node["p_leak"]["wilson"] and lo <= node["p_leak"]["estimate"] <= hi
        assert getattr(r, f"by_asset_{name}_leakers_mean") == node["leakers"]["mean"]
        assert list(getattr(r, f"by_asset_{name}_leakers_ci")) == node["leakers"]["ci"]
    assert r.by_asset == d["by_asset"]
    assert (r.value_lost_mean, list(r.value_lost_ci)) == (d["value_lost"]["mean"], d["value_lost"]["ci"])
    west = d["by_battery"]["west"]
    assert r.by_battery_west_p_destroyed == west["p_destroyed"]["estimate"]
    assert list(r.by_battery_west_p_destroyed_wilson) == west["p_destroyed"]["wilson"]
    medium = west["by_interceptor"]["medium"]
    assert r.by_battery_west_by_interceptor_medium_rounds_fired_mean == medium["rounds_fired"]["mean"]
    assert list(r.by_battery_west_by_interceptor_medium_rounds_fired_ci) == medium["rounds_fired"]["ci"]
    assert r.by_battery_west_by_interceptor_medium_p_out_of_rounds == medium["p_out_of_rounds"]["estimate"]
    assert list(r.by_battery_west_by_interceptor_medium_p_out_of_rounds_wilson) == medium["p_out_of_rounds"]["wilson"]
    assert r.by_battery == d["by_battery"]
    cost = d["cost"]
    assert r.cost_defender_mean == cost["defender"]["mean"]
    assert r.cost_attacker_destroyed_mean == cost["attacker_destroyed"]["mean"]
    assert r.cost_exchange_ratio == cost["exchange_ratio"]["estimate"]
    assert list(r.cost_exchange_ratio_ci) == cost["exchange_ratio"]["ci"]
    # The file prices every type and class, and its defence fires and kills: a finite ratio
    # (docs/cli.md: null only without a defender cost), the ratio of the two means.
    assert r.cost_defender_mean > 0 and r.cost_attacker_destroyed_mean > 0
    assert r.cost_exchange_ratio == pytest.approx(r.cost_attacker_destroyed_mean / r.cost_defender_mean, rel=1e-12)


def test_per_trial_value_lost_and_cost_agree_with_the_means(area_doc, area_result):
    r, t = area_result, area_result.per_trial
    assert len(t["value_lost"]) == len(t["defender_cost"]) == r.trials == TRIALS
    assert np.mean(t["value_lost"]) == pytest.approx(r.value_lost_mean, rel=1e-12)
    assert np.mean(t["defender_cost"]) == pytest.approx(r.cost_defender_mean, rel=1e-12)
    # Value lost is the sum of the values of the assets reached: city 50, the airbases 10 each, so
    # each trial's value is one of the subset sums, and the city was reached exactly when it is >= 50.
    values = {a["name"]: a["value"] for a in area_doc["assets"]}
    assert values == {"city": 50, "airbase_west": 10, "airbase_east": 10}
    assert set(np.unique(t["value_lost"])) <= {0, 10, 20, 50, 60, 70}
    assert np.count_nonzero(t["value_lost"] >= 50) / TRIALS == r.by_asset_city_p_leak
    # A trial with value lost had a leaker (leakers at a battery count in leakers, not in value).
    assert np.all(t["leakers"][t["value_lost"] > 0] > 0)


def test_trace_names_the_battery_and_interceptor_type(area_doc, area_result, area):
    cost_of = {name: t.get("cost", 0) for name, t in area_doc["interceptors"].items()}
    types_of = {b["name"]: {g["interceptor"] for g in b["launchers"]} for b in area_doc["batteries"]}
    for k in (0, 41):
        trace = samsim.trace(area, k, seed=SEED)
        launches = [e for e in trace if e["event"] == "interceptor_launch"]
        assert launches, "the defence fires in every trial of this raid"
        for e in launches:
            assert e["interceptor_type"] in types_of[e["battery"]], e
        # One launch record per round: their costs add up to the trial's defender cost.
        assert sum(cost_of[e["interceptor_type"]] for e in launches) == pytest.approx(
            area_result.per_trial["defender_cost"][k], rel=1e-12)
        assert len(launches) == trace.totals["interceptors_used"] == area_result.per_trial["interceptors_used"][k]
        for e in trace:
            if e["event"] == "threat_launch":
                assert e["battery"] is None and e["interceptor_type"] is None
            if e["event"] == "detection":
                assert e["battery"] in types_of


# ---- Scenario.set on format 2 keys ---------------------------------------------------------

def test_a_city_value_edit_keeps_every_table_and_adds_to_the_value_lost(area_doc, area, area_result):
    sc = area.copy()  # shares the built model: one table per type of the file
    assert sc.flyout_tables_built == len(area_doc["interceptors"]) == 4
    sc.set("/assets/0/value", 60)  # the city: still the most valuable, so no priority changes
    start = time.perf_counter()
    r = samsim.run(sc, trials=TRIALS, seed=SEED, threads=2, progress=False)
    print(f"model and {TRIALS} trials after /assets/0/value = 60: {time.perf_counter() - start:.2f} s (tables kept)")
    assert sc.flyout_tables_built == 4
    # Nothing is engaged differently: the trials are those of the file, and a trial's value lost
    # is 10 more exactly when the city was reached (when it was >= 50).
    old, new = area_result.per_trial, r.per_trial
    np.testing.assert_array_equal(new["leakers"], old["leakers"])
    np.testing.assert_array_equal(new["defender_cost"], old["defender_cost"])
    np.testing.assert_array_equal(new["value_lost"], old["value_lost"] + 10 * (old["value_lost"] >= 50))
    assert r.by_asset_city_value == 60
    assert r.by_asset_city_p_leak == area_result.by_asset_city_p_leak
    assert r.value_lost_mean == pytest.approx(area_result.value_lost_mean + 10 * r.by_asset_city_p_leak, rel=1e-12)


def set_in(doc, pointer, value):
    keys = pointer.strip("/").split("/")
    node = doc
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    node[int(keys[-1]) if isinstance(node, list) else keys[-1]] = value


def test_only_the_edited_types_tables_are_rebuilt(area_doc, area, area_result):
    sc = area.copy()  # shares the built model (area_result ran it)
    doc = copy.deepcopy(area_doc)
    steps = [  # (edits before the next model, tables it builds)
        ([("/interceptors/long/pk/default", 0.6),  # Pk: not a table input
          ("/interceptors/short/cost", 0.5),  # nor the cost
          ("/batteries/1/doctrine/salvo_size", 1), ("/assets/2/value", 12)], 0),  # nor anything outside the types
        ([("/interceptors/short/envelope/max_range_m", 35000)], 1),
        ([("/interceptors/long/kinematics/speed_mps", 2000),
          ("/interceptors/counter_drone/envelope/max_height_m", 5000)], 2),
    ]
    built = 4
    for edits, more in steps:
        for pointer, value in edits:
            sc.set(pointer, value)
            set_in(doc, pointer, value)
        samsim.envelope(sc)  # builds the model
        built += more
        assert sc.flyout_tables_built == built, edits
    # The kept and rebuilt tables make the model of the edited document, loaded afresh.
    fresh = samsim.load_scenario(doc)
    a = samsim.run(sc, trials=32, seed=3, threads=2, progress=False)
    b = samsim.run(fresh, trials=32, seed=3, threads=2, progress=False)
    assert without_timing(a.to_dict()) == without_timing(b.to_dict())
    assert fresh.flyout_tables_built == 4
    assert area.flyout_tables_built == 4  # the copy's edits left the original alone


def test_format_1_keeps_its_table_the_same_way():
    sc = samsim.load_scenario(scenario_path("small-raid.json"))
    samsim.envelope(sc)
    sc.set("/battery/interceptor/pk/default", 0.5)
    samsim.envelope(sc)
    assert sc.flyout_tables_built == 1
    sc.set("/battery/interceptor/envelope/min_speed_mps", 650)
    samsim.envelope(sc)
    assert sc.flyout_tables_built == 2


# The edits `samsim sweep --set POINTER --values VALUE` rejects, with its message.
BAD_EDITS = [
    ("/batteries/0/doctrine/salvo_size", "0"),
    ("/assets/1/value", "-5"),
    ("/batteries/2/launchers/0/interceptor", "laser"),
    ("/interceptors/long/kinematics/speed_mps", "-1"),
    ("/raid/0/target", "atlantis"),
    ("/batteries/0/doctrine/salvo_size", "64"),  # more than the long launchers hold (2 x 4)
]


@pytest.mark.parametrize("pointer, text", BAD_EDITS)
def test_a_bad_format_2_edit_has_the_command_lines_message(cli, area_doc, pointer, text):
    out = cli("sweep", AREA, "--set", pointer, "--values", text, "--trials", 1)
    assert out.returncode != 0
    prefix = "samsim: error: "
    assert out.stderr.startswith(prefix), out.stderr
    sc = samsim.load_scenario(AREA)
    value = json.loads(text) if text[0] in "-0123456789" else text
    with pytest.raises(ValueError) as e:
        sc.set(pointer, value)
    assert isinstance(e.value, samsim.ScenarioError)
    assert str(e.value) == out.stderr[len(prefix):].rstrip("\n")
    assert sc.to_dict() == area_doc  # unchanged


def test_an_unknown_format_2_key_is_refused():
    sc = samsim.load_scenario(AREA)
    with pytest.raises(samsim.ScenarioError) as e:
        sc.set("/batteries/0/doctrine/salvo_sise", 2)
    assert e.value.pointer == "/batteries/0/doctrine/salvo_sise"
    assert "unknown key 'salvo_sise'" in str(e.value)
    with pytest.raises(samsim.ScenarioError) as e:
        sc.set("/battery", {})  # a format 1 key in a format 2 scenario
    assert e.value.pointer == "/battery"
    with pytest.raises(KeyError):
        sc.set("/batteries/9/doctrine/salvo_size", 1)


# ---- a model oracle on a small format 2 scenario, built here ---------------------------------

def speed_type(speed_mps, pk, cost):
    """An average_speed type reaching 100 km in ground range and 5 km in height, Pk `pk` against every class."""
    return {"kinematics": {"model": "average_speed", "speed_mps": speed_mps},
            "envelope": {"min_range_m": 500, "max_range_m": 100000, "min_height_m": 0, "max_height_m": 5000,
                         "min_speed_mps": 0},
            "pk": {"default": pk}, "cost": cost}


def battery(name, position_m, types, salvo):
    """A battery with tests/python/data/oracle.json's radar (Pd ~ 1 for a 1e4 m^2 target at 60 km,
    confirmation on the first detection), ample channels, 500 rounds of each type, one salvo per threat."""
    return {
        "name": name, "position_m": position_m, "radar": load_json(ORACLE_FILE)["battery"]["radar"],
        "fire_control": {"max_engaged_targets": 1000, "max_interceptors_in_flight": 1000, "reaction_time_s": 5,
                         "launch_interval_s": 0},
        "launchers": [{"interceptor": t, "count": 50, "ready_per_launcher": 10, "reload_time_s": 600,
                       "reload_rounds": 0} for t in types],
        "doctrine": {"mode": "shoot-look-shoot", "salvo_size": salvo, "kill_assessment_s": 5,
                     "max_salvos_per_threat": 1}}


def group(target, count):
    """`count` threats 60 km out, 1 km high at 100 m/s, aimed at `target`."""
    return {"class": "target", "target": target, "count": count, "launch_time_s": 0,
            "bearing_deg": {"uniform": [-60, 60]}, "start_range_m": 60000}


def area_dict(name, assets, interceptors, batteries, raid, class_cost=0):
    return {
        "samsim": 2, "name": name, "assets": assets, "interceptors": interceptors, "batteries": batteries,
        "threat_classes": {"target": {"trajectory": "straight", "rcs_m2": 10000, "swerling": 0, "speed_mps": 100,
                                      "height_m": 1000, "leak_distance_m": 0, "cost": class_cost}},
        "raid": raid, "monte_carlo": {"trials": 100, "seed": 4, "confidence": 0.95},
    }


def cost_oracle(threats, salvo, cost_per_round, class_cost):
    """docs/model.md, defended-area oracles, cost (the scenario of tests/test_defended_area.cpp's
    cost case, as a document): one battery, Pk = 1, `threats` threats at one asset; a second type,
    far dearer, has Pk 0 against the class and so is never fired. Every threat is killed by one
    salvo of `salvo` rounds of the first type."""
    return area_dict("cost oracle", [{"name": "city", "position_m": [0, 0], "value": 2}],
                     {"used": speed_type(1000, 1.0, cost_per_round), "cannot_engage": speed_type(3000, 0.0, 1000)},
                     [battery("battery", [0, 0], ["used", "cannot_engage"], salvo)],
                     [group("city", threats)], class_cost)


def check_cost_oracle(r, threats, salvo, cost_per_round, class_cost):
    t = r.per_trial
    assert np.all(t["leakers"] == 0)
    assert np.all(t["interceptors_used"] == threats * salvo)
    assert np.all(t["defender_cost"] == threats * salvo * cost_per_round)
    assert np.all(t["value_lost"] == 0)
    assert r.cost_defender_mean == threats * salvo * cost_per_round
    assert r.cost_attacker_destroyed_mean == threats * class_cost
    assert r.cost_exchange_ratio == pytest.approx(class_cost / (salvo * cost_per_round), rel=1e-12)
    fired = r.by_battery["battery"]["by_interceptor"]
    assert fired["used"]["rounds_fired"]["mean"] == threats * salvo
    assert fired["cannot_engage"]["rounds_fired"]["mean"] == 0
    assert r.by_asset_city_p_leak == 0 and r.value_lost_mean == 0
    assert r.by_battery_battery_p_destroyed == 0


def test_cost_oracle_through_set():
    # Costs 0.75 and 3.25 and their multiples are exact in binary: every sum is exact.
    threats, salvo, c, class_cost = 5, 2, 0.75, 3.25
    sc = samsim.load_scenario(cost_oracle(threats, salvo, c, class_cost))
    r = samsim.run(sc, trials=200, seed=4, threads=2, progress=False)
    check_cost_oracle(r, threats, salvo, c, class_cost)  # defender cost 7.5, attacker cost 16.25
    assert sc.flyout_tables_built == 2
    sc.set("/batteries/0/doctrine/salvo_size", 3)
    check_cost_oracle(samsim.run(sc, trials=200, seed=4, progress=False), threats, 3, c, class_cost)  # 11.25
    sc.set("/interceptors/used/cost", 0.5)
    sc.set("/raid/0/count", 8)
    check_cost_oracle(samsim.run(sc, trials=200, seed=4, progress=False), 8, 3, 0.5, class_cost)  # 12
    sc.set("/assets/0/value", 7)  # nothing leaks: no value is lost whatever the city is worth
    r = samsim.run(sc, trials=200, seed=4, progress=False)
    check_cost_oracle(r, 8, 3, 0.5, class_cost)
    assert r.by_asset_city_value == 7
    assert sc.flyout_tables_built == 2  # none of these edits touched a type's kinematics or envelope


def test_disjoint_defence_oracle():
    # docs/model.md, defended-area oracles, disjoint defence: two batteries 500 km apart (beyond
    # each other's radar horizon for 1 km high threats, about 140 km, and each other's 100 km
    # reach), each at its own asset against one threat of its own, one round at Pk 0.5 and 0.7:
    # P(asset a reached) = 0.5, P(asset b reached) = 0.3, P(any) = 1 - 0.5 x 0.7 = 0.65.
    # Three 4-standard-error checks: false-failure rate 1.9e-4 for the test (normal approximation).
    doc = area_dict("disjoint defence",
                    [{"name": "a", "position_m": [0, 0], "value": 1}, {"name": "b", "position_m": [500000, 0],
                                                                       "value": 2}],
                    {"pk_half": speed_type(1000, 0.5, 1), "pk_07": speed_type(1000, 0.7, 1)},
                    [battery("at_a", [0, 0], ["pk_half"], 1), battery("at_b", [500000, 0], ["pk_07"], 1)],
                    [group("a", 1), group("b", 1)])
    n = 1000 if SANITIZED else 4000
    r = samsim.run(samsim.load_scenario(doc), trials=n, seed=9, threads=2, progress=False)
    lost = r.per_trial["value_lost"]
    assert set(np.unique(lost)) <= {0, 1, 2, 3}  # a is worth 1, b 2: the value lost says which were reached
    reached_a, reached_b = np.isin(lost, (1, 3)), np.isin(lost, (2, 3))
    assert np.count_nonzero(reached_a) / n == r.by_asset_a_p_leak
    assert np.count_nonzero(reached_b) / n == r.by_asset_b_p_leak
    assert within_4se(np.count_nonzero(reached_a), n, 0.5)
    assert within_4se(np.count_nonzero(reached_b), n, 0.3)
    assert within_4se(round(r.p_leak * n), n, 1 - 0.5 * 0.7)
    # Each battery fires its one round at its own threat only.
    fired = r.by_battery
    assert fired["at_a"]["by_interceptor"]["pk_half"]["rounds_fired"]["mean"] == 1
    assert fired["at_b"]["by_interceptor"]["pk_07"]["rounds_fired"]["mean"] == 1
    assert np.all(r.per_trial["interceptors_used"] == 2)
