"""samsim.pd, samsim.snr and samsim.horizon: the reference values of the validation set,
Pd values from the formulas by scipy (which no table here holds), vectorised calls against
scalar calls, the command line's numbers, and errors."""

import csv
import math

import numpy as np
import pytest
import scipy.special
import scipy.stats

import samsim
from conftest import TEST_DATA_DIR


def rows(name):
    with open(TEST_DATA_DIR / name, newline="") as f:
        return list(csv.DictReader(f))


# ---- reference values (tests/data/VALIDATION.md) ------------------------------------

def test_pd_matches_pd_reference_csv():
    # tests/data/pd_reference.csv (VALIDATION.md: independent of the project; exact path to 1e-6,
    # the file's 6 decimals).
    data = rows("pd_reference.csv")
    assert len(data) == 90
    for r in data:
        got = samsim.pd(int(r["swerling"]), float(r["snr_db"]), float(r["pfa"]), int(r["pulses"]))
        assert abs(got - float(r["pd"])) <= 1e-6, r


def test_pd_reference_csv_in_one_vectorised_call():
    data = rows("pd_reference.csv")
    sw = np.array([int(r["swerling"]) for r in data])
    snr_db = np.array([float(r["snr_db"]) for r in data])
    pfa = np.array([float(r["pfa"]) for r in data])
    n = np.array([int(r["pulses"]) for r in data])
    expected = np.array([float(r["pd"]) for r in data])
    got = samsim.pd(sw, snr_db, pfa, n)
    assert got.shape == (90,)
    assert np.max(np.abs(got - expected)) <= 1e-6


def test_snr_matches_snr_required_reference_csv():
    # tests/data/snr_required_reference.csv; VALIDATION.md: tolerance 0.01 dB on the exact path.
    data = rows("snr_required_reference.csv")
    assert len(data) > 0
    for r in data:
        got = samsim.snr(int(r["swerling"]), float(r["pd"]), float(r["pfa"]), int(r["pulses"]))
        assert abs(got - float(r["snr_db"])) <= 0.01, r


def test_published_points():
    # VALIDATION.md: N = 1, Pfa = 1e-3, SNR 10 dB, SW0: Pd = 0.81029237.
    assert samsim.pd(0, 10.0, 1e-3, 1) == pytest.approx(0.81029237, abs=1e-7)
    # VALIDATION.md: SW0 Pd 0.9 Pfa 1e-6 N 1 = 13.18 dB; SW1 = 21.14 dB.
    assert samsim.snr(0, 0.9, 1e-6, 1) == pytest.approx(13.18, abs=0.01)
    assert samsim.snr(1, 0.9, 1e-6, 1) == pytest.approx(21.14, abs=0.01)
    # VALIDATION.md, Albersheim and Shnidman values (closed forms, evaluated independently).
    assert samsim.snr(0, 0.9, 1e-6, 1, method="albersheim") == pytest.approx(13.114544494322786, abs=1e-9)
    assert samsim.snr(0, 0.5, 1e-6, 10, method="albersheim") == pytest.approx(3.556291380845494, abs=1e-9)
    assert samsim.snr(0, 0.9, 1e-6, 1, method="shnidman") == pytest.approx(13.121692696758089, abs=1e-9)
    assert samsim.snr(0, 0.5, 1e-6, 10, method="shnidman") == pytest.approx(3.745346308014405, abs=1e-9)


def test_horizon_reference():
    # VALIDATION.md: antenna 10 m, target 30 m on a 4/3 earth (Re = 6371 km): 35.610 km (0.1%).
    assert samsim.horizon(10.0, 30.0) == pytest.approx(35610.0, rel=1e-3)
    # The formula itself, sqrt(2 Re ha) + sqrt(2 Re ht) with Re = 4/3 x 6371 km.
    re = 4.0 / 3.0 * 6371e3
    ha = np.array([0.0, 5.0, 25.0, 100.0])
    ht = np.array([[0.0], [300.0], [10000.0]])
    expected = np.sqrt(2 * re * ha) + np.sqrt(2 * re * ht)
    np.testing.assert_allclose(samsim.horizon(ha, ht), expected, rtol=1e-12)


# ---- Pd from the formulas (scipy), at points no table holds ---------------------------

def threshold(pfa, n):
    """T with Pfa = Q(N, T): the regularized upper incomplete gamma (docs/model.md)."""
    return scipy.special.gammainccinv(n, pfa)


def test_pd_swerling_1_and_2_closed_forms():
    rng = np.random.default_rng(12345)
    snr_db = rng.uniform(-3.0, 25.0, 40)
    pfa = 10.0 ** rng.uniform(-9.0, -3.0, 40)
    snr = 10.0 ** (snr_db / 10.0)
    # Swerling 1, N = 1: Pd = Pfa^(1 / (1 + snr)) (exponential RCS; Skolnik, Introduction to Radar Systems).
    np.testing.assert_allclose(samsim.pd(1, snr_db, pfa, 1), pfa ** (1.0 / (1.0 + snr)), rtol=1e-9, atol=1e-12)
    # Swerling 2, N pulses: each pulse power is exponential with mean 1 + snr, so the sum is
    # Gamma(N, 1 + snr): Pd = Q(N, T / (1 + snr)).
    for n in (2, 7, 30):
        expected = scipy.special.gammaincc(n, threshold(pfa, n) / (1.0 + snr))
        np.testing.assert_allclose(samsim.pd(2, snr_db, pfa, n), expected, rtol=1e-7, atol=1e-10)


def test_pd_swerling_0_noncentral_chi_square():
    # Swerling 0: 2 x (sum of N pulse powers) is noncentral chi-square with 2N degrees of freedom
    # and noncentrality 2 N snr: Pd = P(chi2'(2N, 2N snr) > 2T) (DiFranco and Rubin; scipy's ncx2).
    rng = np.random.default_rng(777)
    snr_db = rng.uniform(-2.0, 16.0, 25)
    snr = 10.0 ** (snr_db / 10.0)
    for n, pfa in ((1, 1e-4), (4, 1e-6), (13, 1e-8)):
        expected = scipy.stats.ncx2.sf(2.0 * threshold(pfa, n), 2 * n, 2.0 * n * snr)
        np.testing.assert_allclose(samsim.pd(0, snr_db, pfa, n), expected, rtol=1e-6, atol=1e-9)


def test_snr_inverts_pd():
    for sw in range(5):
        for pd_ in (0.3, 0.9, 0.99):
            s = samsim.snr(sw, pd_, 1e-6, 8)
            assert samsim.pd(sw, s, 1e-6, 8) == pytest.approx(pd_, abs=1e-8)


# ---- vectorisation -------------------------------------------------------------------

def test_scalars_give_a_float():
    for value in (samsim.pd(1, 13, 1e-6, 8), samsim.snr(0, 0.9, 1e-6, 1), samsim.horizon(25, 300),
                  samsim.pd(np.int64(1), np.float64(13.0), 1e-6, np.int32(8))):
        assert type(value) is float


def test_vectorised_pd_equals_scalar_calls():
    sw = np.array([0, 1, 2, 3, 4])[:, None, None]
    snr_db = np.linspace(-5.0, 25.0, 7)[None, :, None]
    pulses = np.array([1, 3, 10])[None, None, :]
    got = samsim.pd(sw, snr_db, 1e-6, pulses)
    assert got.shape == (5, 7, 3)
    for i in range(5):
        for j in range(7):
            for k in range(3):
                expected = samsim.pd(int(sw[i, 0, 0]), float(snr_db[0, j, 0]), 1e-6, int(pulses[0, 0, k]))
                assert got[i, j, k] == expected  # the same function on the same inputs: bit for bit


def test_vectorised_snr_and_horizon_equal_scalar_calls():
    pd_ = np.array([0.2, 0.5, 0.9, 0.99])
    for method, sw in (("exact", 3), ("albersheim", 0), ("shnidman", 4)):
        got = samsim.snr(sw, pd_, 1e-6, 5, method=method)
        assert list(got) == [samsim.snr(sw, float(p), 1e-6, 5, method=method) for p in pd_]
    heights = [0.0, 30.0, 12000.0]
    assert list(samsim.horizon(25.0, heights)) == [samsim.horizon(25.0, h) for h in heights]


def test_integer_valued_floats_are_accepted_for_integer_arguments():
    assert samsim.pd(1.0, 13, 1e-6, 8.0) == samsim.pd(1, 13, 1e-6, 8)


def test_matches_the_command_line(cli):
    for sw, snr_db, pfa, n in ((1, 13, 1e-6, 8), (0, 3.5, 1e-4, 20), (4, -1, 1e-8, 2)):
        out = cli("pd", "--swerling", sw, "--snr-db", snr_db, "--pfa", pfa, "--pulses", n)
        assert out.returncode == 0, out.stderr
        assert f"{samsim.pd(sw, snr_db, pfa, n):.10g}" == out.stdout.strip()
    for method, sw in (("exact", 2), ("albersheim", 0), ("shnidman", 1)):
        out = cli("snr", "--swerling", sw, "--pd", 0.8, "--pfa", 1e-6, "--pulses", 4, "--method", method)
        assert out.returncode == 0, out.stderr
        assert f"{samsim.snr(sw, 0.8, 1e-6, 4, method=method):.10g}" == out.stdout.strip()


# ---- errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: samsim.pd(5, 10, 1e-6, 1), "swerling = 5 must be 0, 1, 2, 3 or 4"),
    (lambda: samsim.pd(1, 10, 1.5, 1), "pfa = 1.5 must be in (0, 1)"),
    (lambda: samsim.pd(1, 10, 1e-6, 0), "pulses = 0 must be in [1, 1000000]"),
    (lambda: samsim.pd(1.5, 10, 1e-6, 1), "swerling must be an integer"),
    (lambda: samsim.pd(1, math.nan, 1e-6, 1), "snr_db = nan must be finite"),
    (lambda: samsim.pd(1, [10, 11], 1e-6, [1, 2, 3]), "broadcast"),
    (lambda: samsim.snr(1, 1.0, 1e-6, 1), "pd = 1 must be in (0, 1)"),
    (lambda: samsim.snr(1, 0.9, 1e-6, 1, method="albersheim"), "applies only to swerling 0"),
    (lambda: samsim.snr(1, 0.9, 1e-6, 1, method="guess"), "must be exact, albersheim or shnidman"),
    (lambda: samsim.horizon(math.inf, 10), "must be finite"),
])
def test_errors_are_value_errors(call, message):
    with pytest.raises(ValueError) as e:
        call()
    assert message in str(e.value)
