"""Shared fixtures of the Python tests (run by ctest as python_pytest; see python/CMakeLists.txt).

Environment (ctest sets it): PYTHONPATH=<build>/python, SAMSIM_SCENARIO_DIR,
SAMSIM_TEST_DATA_DIR, and SAMSIM_CLI (the samsim program, for the tests that
compare with the command line; they are skipped without it).
"""

import json
import math
import os
import pathlib
import subprocess

import pytest

import samsim

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
SCENARIO_DIR = pathlib.Path(os.environ.get("SAMSIM_SCENARIO_DIR", REPO / "examples" / "scenarios"))
TEST_DATA_DIR = pathlib.Path(os.environ.get("SAMSIM_TEST_DATA_DIR", REPO / "tests" / "data"))
ORACLE_FILE = HERE / "data" / "oracle.json"
# The sanitizer build runs everything several times slower: tests that need many trials use fewer there.
SANITIZED = os.environ.get("SAMSIM_SANITIZED") == "1"


def scenario_path(name):
    return str(SCENARIO_DIR / name)


_oracle_base = None


def oracle(threats=1, salvo=1, salvos=1, pk=0.7, mode="shoot-look-shoot", launchers=50, rounds_each=10,
           max_tracks=1000, same_bearing=False):
    """The oracle scenario (tests/python/data/oracle.json, the one of tests/test_cli_run.cpp) with
    its parameters set through Scenario.set, as an analyst would. Every call edits a copy of one
    loaded scenario, so the flyout table is built once and kept through the edits (none of them
    touches the interceptor's kinematics or envelope): the oracles check that path too."""
    global _oracle_base
    if _oracle_base is None:
        _oracle_base = samsim.load_scenario(ORACLE_FILE)
        samsim.envelope(_oracle_base)  # builds the model
    sc = _oracle_base.copy()
    sc.set("/battery/radar/max_tracks", max_tracks)
    sc.set("/battery/launchers/count", launchers)
    sc.set("/battery/launchers/ready_per_launcher", rounds_each)
    sc.set("/battery/interceptor/pk/default", pk)
    sc.set("/battery/doctrine/mode", mode)
    sc.set("/battery/doctrine/salvo_size", salvo)
    sc.set("/battery/doctrine/max_salvos_per_threat", salvos)
    sc.set("/raid/0/count", threats)
    if same_bearing:
        sc.set("/raid/0/bearing_deg", 0)
    return sc


def within_4se(k, n, p):
    """|k/n - p| <= 4 standard errors: two-sided false-failure rate 6.3e-5 per check (normal approximation)."""
    se = math.sqrt(p * (1.0 - p) / n)
    return abs(k / n - p) <= 4.0 * se


@pytest.fixture(scope="session")
def cli():
    """Runs the samsim command line: cli(args...) -> CompletedProcess (text). Skips without SAMSIM_CLI."""
    path = os.environ.get("SAMSIM_CLI")
    if not path:
        pytest.skip("SAMSIM_CLI is not set (the command line is not built)")

    def run(*args):
        return subprocess.run([path, *map(str, args)], capture_output=True, text=True, timeout=600)

    return run


@pytest.fixture(scope="session")
def reference_raid():
    return samsim.load_scenario(scenario_path("reference-raid.json"))


def without_timing(document):
    d = json.loads(json.dumps(document))
    for key in ("elapsed_s", "trials_per_second"):
        d.pop(key, None)
    return d
