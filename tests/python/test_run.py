"""samsim.run, samsim.trace and samsim.envelope: the Result is the command line's JSON, the
per-trial arrays agree with it and with trace, runs release the GIL, Ctrl-C cancels."""

import json
import os
import signal
import threading
import time

import numpy as np
import pandas
import pytest

import samsim
from conftest import SANITIZED, scenario_path, without_timing


@pytest.fixture(scope="module")
def small_raid():
    return samsim.load_scenario(scenario_path("small-raid.json"))


@pytest.fixture(scope="module")
def small_result(small_raid):
    return samsim.run(small_raid, trials=700, seed=42, threads=2, progress=False)


# ---- the Result -----------------------------------------------------------------------

def test_result_equals_the_command_lines_json(cli, tmp_path):
    out = tmp_path / "result.json"
    done = cli("run", scenario_path("reference-raid.json"), "--trials", 1000, "--seed", 7, "--threads", 2,
               "--quiet", "--json", out)
    assert done.returncode == 0, done.stderr
    with open(out) as f:
        expected = json.load(f)
    r = samsim.run(scenario_path("reference-raid.json"), trials=1000, seed=7, threads=1, progress=False)
    # The command line adds what only a run from the command line has: the reach warning's
    # figures and the interrupted flag (docs/cli.md).
    for key in ("interceptor_reach", "interrupted"):
        expected.pop(key, None)
    assert without_timing(r.to_dict()) == without_timing(expected)


def leaves(prefix, node):
    for key, value in node.items():
        name = f"{prefix}_{key}" if prefix else key
        if key == "estimate" and prefix:
            name = prefix
        if isinstance(value, dict):
            yield from leaves(name, value)
        else:
            yield name, value


def test_every_key_of_the_json_is_an_attribute(small_result):
    d = small_result.to_dict()
    names = dict(leaves("", d))
    assert len(names) > 30
    for name, value in names.items():
        got = getattr(small_result, name)
        assert (list(got) if isinstance(got, tuple) else got) == value, name
    assert small_result.p_leak == d["p_leak"]["estimate"]
    assert small_result.p_leak_wilson == tuple(d["p_leak"]["wilson"])
    assert small_result.leakers_ci == tuple(d["leakers"]["ci"])
    assert small_result.by_class == d["by_class"]
    assert set(names) <= set(dir(small_result))
    with pytest.raises(AttributeError):
        small_result.p_leek  # noqa: B018


def test_per_trial_arrays_agree_with_the_estimates(small_result):
    t = small_result.per_trial
    n = small_result.trials
    assert all(len(v) == n for v in t.values())
    assert list(t["trial"]) == list(range(n))
    assert np.count_nonzero(t["leakers"]) / n == small_result.p_leak
    assert np.bincount(t["leakers"]).tolist() == small_result.leakers_histogram
    # The mean of the integers, computed here in float64 from at most 2^53: exact to rounding.
    assert np.mean(t["leakers"]) == pytest.approx(small_result.leakers_mean, rel=1e-12)
    assert np.mean(t["interceptors_used"]) == pytest.approx(small_result.interceptors_used_mean, rel=1e-12)
    assert np.array_equal(np.isnan(t["first_leak_time_s"]), t["leakers"] == 0)
    frame = pandas.DataFrame(t)
    assert list(frame.columns) == ["trial", "leakers", "interceptors_used", "first_leak_time_s", "value_lost",
                                   "defender_cost"]
    assert len(frame) == n


def test_per_trial_arrays_are_the_same_for_any_thread_count(small_raid, small_result):
    for threads in (1, 3):
        r = samsim.run(small_raid, trials=700, seed=42, threads=threads, progress=False)
        for key in r.per_trial:
            np.testing.assert_array_equal(r.per_trial[key], small_result.per_trial[key])
        assert without_timing(r.to_dict()) == without_timing(small_result.to_dict())


def test_trace_replays_a_trial_of_the_run(small_raid, small_result):
    for k in (0, 5, 257, 699):
        t = samsim.trace(small_raid, k, seed=42)
        assert t.totals["leakers"] == small_result.per_trial["leakers"][k]
        assert t.totals["interceptors_used"] == small_result.per_trial["interceptors_used"][k]
        first = small_result.per_trial["first_leak_time_s"][k]
        assert t.totals["first_leak_time_s"] == first or (np.isnan(first) and np.isnan(t.totals["first_leak_time_s"]))
        assert sum(e["event"] == "interceptor_launch" for e in t) == t.totals["interceptors_used"]
        assert sum(e["event"] == "leak" for e in t) == t.totals["leakers"]
        assert sum(not o["killed"] for o in t.outcomes) == t.totals["leakers"]


def test_trace_converts_to_a_dataframe_and_prints_like_the_command_line(cli, small_raid):
    t = samsim.trace(small_raid, 17, seed=42)
    frame = pandas.DataFrame(t)
    assert list(frame.columns) == ["time_s", "event", "threat", "threat_class", "battery", "launcher", "interceptor",
                                   "interceptor_type", "value", "cause"]
    # A format 1 scenario runs as one battery "battery" with one type "interceptor" (docs/python.md).
    launches = frame[frame.event == "interceptor_launch"]
    assert len(launches) > 0
    assert set(launches["battery"]) == {"battery"} and set(launches["interceptor_type"]) == {"interceptor"}
    assert len(frame) == len(t) > 0
    assert frame["time_s"].is_monotonic_increasing
    assert set(frame.loc[frame.event == "leak", "cause"]) <= {"never_detected", "not_tracked", "outside_envelope",
                                                               "no_fire_channel", "no_interceptor", "survived"}
    out = cli("trace", scenario_path("small-raid.json"), "--trial", 17, "--seed", 42)
    assert out.returncode == 0, out.stderr
    assert out.stdout.endswith(t.text)


def test_envelope_equals_the_command_lines_csv(cli, tmp_path, reference_raid):
    csv = tmp_path / "envelope.csv"
    out = cli("envelope", scenario_path("reference-raid.json"), "--height-step-m", 2500, "--csv", csv)
    assert out.returncode == 0, out.stderr
    frame = pandas.read_csv(csv)
    e = samsim.envelope(reference_raid, height_step_m=2500)
    assert len(frame) == len(e["height_m"])
    np.testing.assert_allclose(e["height_m"], frame["height_m"], rtol=1e-9)
    np.testing.assert_allclose(e["min_range_m"] / 1000, frame["min_range_km"], rtol=1e-9)
    np.testing.assert_allclose(e["max_range_m"] / 1000, frame["max_range_km"], rtol=1e-9)
    np.testing.assert_allclose(e["time_of_flight_s"], frame["time_of_flight_s"], rtol=1e-9)
    np.testing.assert_array_equal(e["reachable"], frame["max_range_km"].notna())


def test_target_halfwidth_stops_early(small_raid):
    r = samsim.run(small_raid, trials=50000, seed=1, target_halfwidth=0.02, progress=False)
    assert r.stopped_early
    assert r.trials < 50000 and r.trials % 256 == 0
    lo, hi = r.p_leak_wilson
    assert (hi - lo) / 2 <= 0.02
    assert len(r.per_trial["leakers"]) == r.trials


@pytest.mark.parametrize("kwargs, error", [
    ({"trials": 0}, ValueError), ({"trials": -5}, ValueError), ({"trials": 2.5}, TypeError),
    ({"seed": -1}, ValueError), ({"seed": 2**64}, ValueError), ({"threads": -1}, ValueError),
    ({"target_halfwidth": 0.5}, ValueError), ({"progress": "yes"}, TypeError),
])
def test_run_argument_errors(small_raid, kwargs, error):
    with pytest.raises(error):
        samsim.run(small_raid, **kwargs)


# ---- progress, the GIL, Ctrl-C ---------------------------------------------------------------

def test_progress_callable_is_called_after_every_chunk(small_raid):
    seen = []
    samsim.run(small_raid, trials=1000, seed=1, threads=2, progress=seen.append)
    assert [p["trials_done"] for p in seen] == [256, 512, 768, 1000]
    assert all(p["trials_planned"] == 1000 for p in seen)
    assert all(p["p_leak_wilson"][0] <= p["p_leak"] <= p["p_leak_wilson"][1] for p in seen)


def test_an_exception_in_the_progress_callable_stops_the_run(small_raid):
    calls = []

    def stop_at_second_chunk(p):
        calls.append(p["trials_done"])
        if len(calls) == 2:
            raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough"):
        samsim.run(small_raid, trials=100000, seed=1, threads=2, progress=stop_at_second_chunk)
    assert len(calls) == 2  # not called again after it raised


def test_a_python_thread_runs_during_a_run(reference_raid):
    # The run releases the GIL: a Python thread that takes a timestamp every millisecond (it needs
    # the GIL for each) keeps going while trials run. Were the GIL held, no timestamp could fall
    # strictly inside the run.
    samsim.envelope(reference_raid)  # the model is built: the run below is only trials
    stamps = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            stamps.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=ticker)
    thread.start()
    time.sleep(0.05)
    start = time.perf_counter()
    r = samsim.run(reference_raid, trials=400 if SANITIZED else 2000, seed=3, threads=1, progress=False)
    end = time.perf_counter()
    stop.set()
    thread.join()
    inside = [s for s in stamps if start < s < end]
    assert r.trials > 0
    # A sleep of 1 ms wakes within tens of ms even on a loaded machine: ask for 1 stamp per 100 ms.
    assert len(inside) >= max(5, int((end - start) / 0.1)), (len(inside), end - start)


def test_ctrl_c_cancels_a_run_cleanly(reference_raid):
    samsim.envelope(reference_raid)  # the model is built
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            samsim.run(reference_raid, trials=10**8, seed=1, threads=2, progress=False)  # hours if not stopped
    finally:
        timer.cancel()
    assert time.perf_counter() - start < 60
    # The module works on after the cancel.
    assert samsim.run(reference_raid, trials=50, seed=1, progress=False).trials == 50
