"""The model's oracles (docs/model.md, oracles), through the Python module: doctrine, raid,
magazine bound and track capacity. The oracle scenario is tests/python/data/oracle.json
(Pd = 1 and ample resources unless a test reduces them), edited with Scenario.set.

Statistical checks are |estimate - p| <= 4 standard errors: false-failure rate 6.3e-5
each (normal approximation); 7 such checks here: 4.4e-4 for the file."""

import math

import numpy as np
import pytest

import samsim
from conftest import SANITIZED, oracle, within_4se

N_DOCTRINE = 4000 if SANITIZED else 20000


@pytest.mark.parametrize("pk, salvo, salvos, mode", [
    (0.7, 2, 1, "shoot-look-shoot"),
    (0.5, 1, 3, "shoot-look-shoot"),
    (0.6, 1, 2, "shoot-shoot"),
    (0.3, 3, 1, "shoot-shoot"),
])
def test_doctrine_oracle(pk, salvo, salvos, mode):
    # docs/model.md, oracles: one threat, Pd = 1, ample resources: P(leak) = (1 - Pk)^(s k).
    sc = oracle(pk=pk, salvo=salvo, salvos=salvos, mode=mode)
    r = samsim.run(sc, trials=N_DOCTRINE, seed=5, threads=2, progress=False)
    leaked = int(np.count_nonzero(r.per_trial["leakers"]))
    assert r.trials == N_DOCTRINE
    assert within_4se(leaked, N_DOCTRINE, (1.0 - pk) ** (salvo * salvos)), (leaked, r.p_leak)
    assert r.p_leak == leaked / N_DOCTRINE
    assert r.causes["survived"] == leaked  # fired at, and every shot missed
    assert sum(r.causes.values()) == leaked
    assert np.max(r.per_trial["leakers"]) <= 1
    if mode == "shoot-shoot":
        # Shoot-shoot fires every salvo without waiting: s k rounds in every trial.
        assert np.all(r.per_trial["interceptors_used"] == salvo * salvos)


def test_raid_oracle():
    # tests/data/VALIDATION.md, doctrine and raids: salvo 2, Pk 0.7, N = 10 independent threats:
    # E[leakers] = 0.9, P(>= 1) = 0.610584, P(>= 2) = 0.225447.
    n = 4000 if SANITIZED else 20000
    r = samsim.run(oracle(threats=10, salvo=2, salvos=1, pk=0.7), trials=n, seed=5, threads=2, progress=False)
    leakers = r.per_trial["leakers"]
    assert within_4se(int(np.sum(leakers >= 1)), n, 0.610584)
    assert within_4se(int(np.sum(leakers >= 2)), n, 0.225447)
    # Leakers ~ Binomial(10, 0.09): the sd of the mean of n trials is sqrt(10 x 0.09 x 0.91 / n).
    assert abs(r.leakers_mean - 0.9) <= 4.0 * math.sqrt(10 * 0.09 * 0.91 / n)
    assert r.leakers_p_at_least[0]["k"] == 1
    assert r.leakers_p_at_least[0]["estimate"] == np.sum(leakers >= 1) / n
    # One salvo of 2 at each of the 10 threats: 20 rounds in every trial.
    assert np.all(r.per_trial["interceptors_used"] == 20)
    assert r.by_class["target"]["threats"] == 10 * n


@pytest.mark.parametrize("launchers, rounds_each, salvo, threats", [(5, 2, 2, 8), (3, 4, 3, 6), (5, 2, 2, 4),
                                                                    (6, 1, 1, 9)])
def test_magazine_oracle(launchers, rounds_each, salvo, threats):
    # docs/model.md, oracles: Pk = 1, M rounds, salvo s, N simultaneous threats with time to engage
    # all: exactly max(0, N - floor(M / s)) leakers in every trial.
    magazine = launchers * rounds_each
    expected = max(0, threats - magazine // salvo)
    sc = oracle(pk=1.0, launchers=launchers, rounds_each=rounds_each, salvo=salvo, threats=threats)
    r = samsim.run(sc, trials=300, seed=3, threads=2, progress=False)
    assert np.all(r.per_trial["leakers"] == expected)
    assert np.all(r.per_trial["interceptors_used"] == (threats - expected) * salvo)
    assert r.causes["no_interceptor"] == expected * 300
    assert r.causes["survived"] == 0
    assert r.p_leak == (1.0 if expected > 0 else 0.0)


def test_track_capacity_oracle():
    # docs/model.md, oracles: c track slots, N > c threats first seen at the same look: c tracks at
    # once, the rest wait for a freed slot. With Pk = 1 each kill frees a slot in time: no leaks.
    sc = oracle(threats=7, max_tracks=3, pk=1.0, salvos=3, same_bearing=True)
    r = samsim.run(sc, trials=500, seed=9, threads=2, progress=False)
    assert r.p_leak == 0.0
    assert r.threats_killed == 7 * 500
    for trial in range(3):
        t = samsim.trace(sc, trial, seed=9)
        first = min(e["time_s"] for e in t if e["event"] == "track_confirmed")
        at_first = [e["event"] for e in t if e["time_s"] == first]
        assert at_first.count("track_confirmed") == 3
        assert at_first.count("track_waiting") == 4
        assert sum(e["event"] == "track_acquired" for e in t) == 4  # each waiting threat got a slot later
        # Never more than 3 tracks held: confirmed or acquired, minus threats gone (killed).
        held = peak = 0
        for e in t:
            if e["event"] in ("track_confirmed", "track_acquired"):
                held += 1
            elif e["event"] == "intercept_kill":
                held -= 1
            peak = max(peak, held)
        assert peak == 3
        assert t.totals["leakers"] == 0
