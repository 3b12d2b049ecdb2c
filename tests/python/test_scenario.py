"""samsim.load_scenario and Scenario: a dict is the same scenario as the file it came from,
set() edits by JSON pointer with the loader's checks, and errors are the command line's."""

import copy
import json

import numpy as np
import pytest

import samsim
from conftest import ORACLE_FILE, scenario_path, without_timing


def load_json(path):
    with open(path) as f:
        return json.load(f)


def test_dict_equals_the_file():
    path = scenario_path("reference-raid.json")
    from_file = samsim.load_scenario(path)
    from_dict = samsim.load_scenario(load_json(path))
    assert from_dict.to_dict() == from_file.to_dict() == load_json(path)
    assert from_dict.name == from_file.name == "reference-raid"
    assert from_file.source == path and from_dict.source == "<dict>"
    a = samsim.run(from_file, trials=600, seed=11, threads=2, progress=False)
    b = samsim.run(from_dict, trials=600, seed=11, threads=1, progress=False)
    assert without_timing(a.to_dict()) == without_timing(b.to_dict())
    for key in a.per_trial:
        np.testing.assert_array_equal(a.per_trial[key], b.per_trial[key])


def test_set_equals_an_edited_file(tmp_path):
    doc = load_json(scenario_path("small-raid.json"))
    doc["battery"]["doctrine"]["salvo_size"] = 1
    doc["raid"][0]["count"] = 5
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc))
    sc = samsim.load_scenario(scenario_path("small-raid.json"))
    sc.set("/battery/doctrine/salvo_size", 1)
    sc.set("/raid/0/count", np.int64(5))  # numpy scalars are values too (sweeps make them)
    assert sc.get("/raid/0/count") == 5
    assert sc.to_dict() == doc
    a = samsim.run(sc, trials=400, seed=3, progress=False)
    b = samsim.run(str(edited), trials=400, seed=3, progress=False)
    assert without_timing(a.to_dict()) == without_timing(b.to_dict())


def test_a_set_that_changes_the_interceptor_gives_the_model_of_that_interceptor(tmp_path):
    # set() keeps the flyout table when /battery/interceptor is unchanged and rebuilds it otherwise:
    # the envelope after an edit equals the envelope of the edited file.
    doc = load_json(scenario_path("small-raid.json"))
    sc = samsim.load_scenario(doc)
    samsim.envelope(sc)  # builds the model
    sc.set("/battery/doctrine/salvo_size", 1)  # keeps the flyout table
    sc.set("/battery/interceptor/envelope/min_speed_mps", 700)  # rebuilds it
    doc["battery"]["doctrine"]["salvo_size"] = 1
    doc["battery"]["interceptor"]["envelope"]["min_speed_mps"] = 700
    fresh = samsim.envelope(samsim.load_scenario(doc))
    edited = samsim.envelope(sc)
    for key in fresh:
        np.testing.assert_array_equal(edited[key], fresh[key])
    assert not np.array_equal(edited["max_range_m"], samsim.envelope(scenario_path("small-raid.json"))["max_range_m"],
                              equal_nan=True)


def test_copies_are_independent():
    sc = samsim.load_scenario(scenario_path("small-raid.json"))
    other = sc.copy()
    deep = copy.deepcopy(sc)
    other.set("/battery/doctrine/salvo_size", 3)
    assert sc.get("/battery/doctrine/salvo_size") == deep.get("/battery/doctrine/salvo_size") != 3
    assert other.get("/battery/doctrine/salvo_size") == 3


def test_a_failed_set_changes_nothing():
    sc = samsim.load_scenario(scenario_path("small-raid.json"))
    before = sc.to_dict()
    with pytest.raises(samsim.ScenarioError) as e:
        sc.set("/raid/0/count", -1)
    assert isinstance(e.value, ValueError)
    assert e.value.pointer == "/raid/0/count"
    assert e.value.value == "-1"
    assert str(e.value).startswith(scenario_path("small-raid.json") + " (with /raid/0/count = -1): /raid/0/count: ")
    assert sc.to_dict() == before


@pytest.mark.parametrize("pointer, value, error, text", [
    ("/battery/doctrine/salvo_size", 0, samsim.ScenarioError, "/battery/doctrine/salvo_size"),
    ("/battery/doctrine/mode", "shoot-and-hope", samsim.ScenarioError, "shoot-and-hope"),
    ("/battery/doctrine/salvo_sise", 2, samsim.ScenarioError, "salvo_sise"),  # unknown key, as in a file
    ("/battery/radar/pfa", float("nan"), samsim.ScenarioError, "must be a finite number"),
    ("/battery/radar/pfa", object(), samsim.ScenarioError, "must be a number, string, bool"),
    ("/no/such/parent", 1, KeyError, "/no/such: no such key"),
    ("/raid/7/count", 1, KeyError, "/raid/7: no such key"),
    ("/raid/7", {}, KeyError, "/raid/7: no such element"),
    ("battery", 1, ValueError, "is not a JSON pointer"),
])
def test_set_errors(pointer, value, error, text):
    sc = samsim.load_scenario(ORACLE_FILE)
    with pytest.raises(error) as e:
        sc.set(pointer, value)
    assert text in str(e.value)


def test_load_errors():
    with pytest.raises(samsim.ScenarioError, match="nonexistent.json: file not found"):
        samsim.load_scenario("nonexistent.json")
    with pytest.raises(samsim.ScenarioError, match=r"<dict>: .*samsim"):
        samsim.load_scenario({"name": "no version"})
    with pytest.raises(TypeError):
        samsim.load_scenario(42)


BAD_SCENARIOS = {
    "negative-count": ("/raid/0/count", -3),
    "zero-salvo": ("/battery/doctrine/salvo_size", 0),
    "bad-mode": ("/battery/doctrine/mode", "shoot-and-hope"),
    "pfa-above-one": ("/battery/radar/pfa", 2.0),
}


@pytest.mark.parametrize("name", sorted(BAD_SCENARIOS))
def test_errors_have_the_command_lines_message(cli, tmp_path, name):
    pointer, value = BAD_SCENARIOS[name]
    doc = load_json(ORACLE_FILE)
    parent = doc
    keys = pointer.strip("/").split("/")
    for k in keys[:-1]:
        parent = parent[int(k)] if isinstance(parent, list) else parent[k]
    parent[int(keys[-1]) if isinstance(parent, list) else keys[-1]] = value
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(doc))
    out = cli("run", path, "--trials", 10, "--quiet")
    assert out.returncode == 1
    prefix = "samsim: error: "
    assert out.stderr.startswith(prefix)
    with pytest.raises(ValueError) as from_file:
        samsim.load_scenario(str(path))
    assert str(from_file.value) == out.stderr[len(prefix):].rstrip("\n")
    # The same error from a dict differs only in the source it names.
    with pytest.raises(ValueError) as from_dict:
        samsim.load_scenario(doc)
    assert str(from_dict.value) == str(from_file.value).replace(str(path), "<dict>", 1)


def test_a_pk_edit_keeps_the_flyout_and_gives_the_edited_files_result():
    # set() keeps the flyout table across a Pk edit (Pk is not a flyout input); the run must equal
    # a run of the same document loaded fresh, which builds everything.
    doc = load_json(scenario_path("small-raid.json"))
    sc = samsim.load_scenario(doc)
    samsim.envelope(sc)
    sc.set("/battery/interceptor/pk/default", 0.55)
    doc["battery"]["interceptor"]["pk"]["default"] = 0.55
    a = samsim.run(sc, trials=500, seed=2, progress=False)
    b = samsim.run(samsim.load_scenario(doc), trials=500, seed=2, progress=False)
    assert without_timing(a.to_dict()) == without_timing(b.to_dict())
