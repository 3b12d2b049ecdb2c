"""samsim: Monte Carlo engagement analysis of a surface-to-air missile battery.

The Python face of the samsim C++ library, for studies in notebooks: sweeps,
designs of experiments, plots. The model, the scenario keys and the numbers
are the library's and the command line's (docs/model.md, docs/scenario.md,
docs/cli.md); docs/python.md describes this module.

    >>> import samsim
    >>> sc = samsim.load_scenario("examples/scenarios/reference-raid.json")
    >>> sc.set("/battery/doctrine/salvo_size", 1)
    >>> r = samsim.run(sc, trials=2000, seed=1)
    >>> r.p_leak, r.p_leak_wilson
    >>> import pandas; pandas.DataFrame(r.per_trial)

Functions:
    load_scenario(path_or_dict) -> Scenario
    run(scenario, trials=, seed=, threads=, target_halfwidth=, progress=) -> Result
    trace(scenario, trial, seed=) -> Trace (a list of event records)
    envelope(scenario, height_step_m=) -> dict of arrays
    pd(swerling, snr_db, pfa, pulses), snr(swerling, pd, pfa, pulses, method=),
    horizon(antenna_height_m, target_height_m): scalars or numpy arrays

Runs release the GIL (other Python threads go on), Ctrl-C cancels a run and
raises KeyboardInterrupt, and a bad scenario raises ScenarioError, a
ValueError whose message is the command line's.
"""

import math as _math
import operator as _operator
import os as _os
import sys as _sys
import time as _time

import numpy as _np

from . import _samsim
from ._samsim import Scenario, ScenarioError

Scenario.__module__ = ScenarioError.__module__ = __name__  # shown as samsim.Scenario, samsim.ScenarioError

__version__ = _samsim.__version__
__all__ = ["Scenario", "ScenarioError", "Result", "Trace", "load_scenario", "run", "trace", "envelope",
           "pd", "snr", "horizon"]


# ---- scenarios -----------------------------------------------------------------

def load_scenario(path_or_dict):
    """Read and validate a scenario: a file path (str or os.PathLike) or a dict.

    A dict is the same document as a scenario file (json.load of one gives
    one); it is checked by the same loader, with the same keys, ranges and
    messages, the source being "<dict>". Returns a Scenario. Raises
    ScenarioError (a ValueError) naming the file, the JSON pointer and the
    value, exactly as `samsim run` reports it.
    """
    if isinstance(path_or_dict, Scenario):
        return path_or_dict.copy()
    if isinstance(path_or_dict, dict):
        return _samsim._load_dict(path_or_dict)
    if isinstance(path_or_dict, (str, bytes, _os.PathLike)):
        return _samsim._load_file(_os.fsdecode(path_or_dict))
    raise TypeError("load_scenario: expected a path (str or os.PathLike) or a dict, not "
                    + type(path_or_dict).__name__)


def _as_scenario(scenario):
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def _integer(name, value, low, high=None):
    try:
        v = _operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, not {type(value).__name__}") from None
    if v < low or (high is not None and v > high):
        raise ValueError(f"{name} = {v} must be " + (f">= {low}" if high is None else f"in [{low}, {high}]"))
    return v


# ---- results -------------------------------------------------------------------

_INTERVAL_KEYS = ("wilson", "clopper_pearson", "ci")


def _flatten(prefix, node, out):
    for key, value in node.items():
        name = f"{prefix}_{key}" if prefix else key
        if key == "estimate" and prefix:
            name = prefix
        if isinstance(value, dict):
            if "estimate" not in value:  # else the name is the estimate's
                out[name] = value
            _flatten(name, value, out)
        elif key in _INTERVAL_KEYS and isinstance(value, list) and len(value) == 2:
            out[name] = tuple(value)
        else:
            out[name] = value


class Result:
    """The estimates of one Monte Carlo run, and its per-trial values.

    to_dict() is the JSON document `samsim run --json` writes (docs/cli.md),
    built by the same library function. Every entry of it is an attribute:
    nested keys are joined with "_", an "estimate" is its parent's name, and
    intervals are (lower, upper) tuples. For example:

        p_leak                    P(at least one leaker)
        p_leak_wilson             its Wilson interval
        p_leak_clopper_pearson    its Clopper-Pearson interval
        leakers_mean, leakers_ci  mean leakers per trial, Student t interval
        leakers_histogram         trials with 0, 1, 2, ... leakers
        leakers_p_at_least        [{"k", "estimate", "wilson"}, ...]
        interceptors_used_mean, interceptors_used_ci
        magazine_exhausted_probability, magazine_exhausted_wilson
        by_class                  {class: {"threats", "leaked", "leak_fraction", "wilson"}}
        by_class_<class>_leak_fraction, by_class_<class>_wilson, ...
        causes                    {cause: leaked threats}
        trials, trials_requested, seed, confidence, stopped_early, cancelled,
        threats_total, threats_killed, events_per_trial, elapsed_s, trials_per_second

    and the defended-area figures (a format 1 scenario has one asset "asset",
    one battery "battery" and one type "interceptor"):

        by_asset                  {asset: {"value", "p_leak": {"estimate", "wilson"},
                                           "leakers": {"mean", "ci"}}}
        by_asset_<asset>_p_leak, by_asset_<asset>_p_leak_wilson, by_asset_<asset>_leakers_mean, ...
        value_lost_mean, value_lost_ci          value of the assets reached, per trial
        by_battery                {battery: {"p_destroyed": {"estimate", "wilson"},
                                             "by_interceptor": {type: {"rounds_fired": {"mean", "ci"},
                                                                       "p_out_of_rounds": {"estimate", "wilson"}}}}}
        by_battery_<battery>_p_destroyed, ..._by_interceptor_<type>_rounds_fired_mean, ...
        cost_defender_mean, cost_defender_ci    rounds fired x their cost, per trial
        cost_attacker_destroyed_mean, cost_attacker_destroyed_ci
        cost_exchange_ratio, cost_exchange_ratio_ci   attacker cost destroyed / defender cost
                                                      (None without a defender cost)

    per_trial is a dict of numpy arrays, one entry per trial in trial order
    (identical for any thread count): "trial", "leakers", "interceptors_used"
    "first_leak_time_s" (NaN where nothing leaked), "value_lost" (the values
    of the assets a leaker reached) and "defender_cost"; pandas.DataFrame(
    result.per_trial) makes a table of it.
    """

    def __init__(self, document, leakers, interceptors_used, first_leak_time_s, value_lost, defender_cost):
        self._doc = document
        self._attrs = {}
        _flatten("", document, self._attrs)
        self.per_trial = {
            "trial": _np.arange(len(leakers), dtype=_np.int64),
            "leakers": leakers,
            "interceptors_used": interceptors_used,
            "first_leak_time_s": first_leak_time_s,
            "value_lost": value_lost,
            "defender_cost": defender_cost,
        }

    def to_dict(self):
        """The result as `samsim run --json` writes it (a fresh copy)."""
        import copy
        return copy.deepcopy(self._doc)

    def __getattr__(self, name):
        attrs = self.__dict__.get("_attrs")
        if attrs is not None and name in attrs:
            return attrs[name]
        raise AttributeError(f"Result has no attribute {name!r} (to_dict() shows every key)")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._attrs))

    def __repr__(self):
        lo, hi = self.p_leak_wilson
        return (f"<samsim.Result '{self.scenario}': {self.trials} trials, P(leak) {self.p_leak:.5f} "
                f"[{lo:.5f}, {hi:.5f}], mean leakers {self.leakers_mean:.4f}>")


def _in_notebook():
    return "ipykernel" in _sys.modules


class _ProgressLine:
    """One progress line on stderr, rewritten in place (the format of `samsim run`)."""

    def __init__(self, every_s=0.25):
        self.every_s = every_s
        self.last = -_math.inf

    def __call__(self, p):
        done, planned = p["trials_done"], p["trials_planned"]
        now = _time.monotonic()
        if done < planned and now - self.last < self.every_s:
            return
        self.last = now
        rate = done / p["elapsed_s"] if p["elapsed_s"] > 0 else 0.0
        eta = (planned - done) / rate if rate > 0 else 0.0
        lo, hi = p["p_leak_wilson"]
        _sys.stderr.write(f"\r  {done}/{planned} trials  {rate:.0f} trials/s  ETA {eta:.0f} s  "
                          f"P(leak) {p['p_leak']:.4f} [{lo:.4f}, {hi:.4f}]   ")
        if done >= planned:
            _sys.stderr.write("\n")
        _sys.stderr.flush()


def run(scenario, trials=None, seed=None, threads=0, target_halfwidth=None, progress=True,
        record_trials=True):
    """Run the Monte Carlo on a scenario and return a Result.

    scenario          a Scenario, or a path or dict for load_scenario
    trials            number of trials (default: the scenario's monte_carlo.trials)
    seed              master seed, 0 <= seed < 2**64 (default: the scenario's)
    threads           worker threads; 0: all cores. The result is the same for any number.
    target_halfwidth  stop once the Wilson half-width of P(leak) is at most this, in [0, 0.5)
                      (default: the scenario's; 0: run every trial). Decided per chunk of 256 trials,
                      after at least 1000 trials.
    progress          True: a progress line on stderr when it is a terminal or a notebook;
                      False: none; a callable: called after each chunk with a dict
                      (trials_done, trials_planned, elapsed_s, p_leak, p_leak_wilson).
    record_trials     keep the per-trial arrays (Result.per_trial; empty arrays without); 16 bytes a trial.

    The GIL is released while trials run. Ctrl-C (or any exception raised by
    the progress callable) stops the run after the chunks in flight and is
    raised here (KeyboardInterrupt). The estimates are bit-identical to
    `samsim run` with the same trials and seed.
    """
    sc = _as_scenario(scenario)
    trials = sc.trials if trials is None else _integer("trials", trials, 1)
    seed = sc.seed if seed is None else _integer("seed", seed, 0, 2**64 - 1)
    threads = _integer("threads", threads, 0, 4096)
    if target_halfwidth is None:
        target_halfwidth = sc.target_halfwidth
    target_halfwidth = float(target_halfwidth)
    if not 0.0 <= target_halfwidth < 0.5:
        raise ValueError(f"target_halfwidth = {target_halfwidth} must be in [0, 0.5) (0: run every trial)")
    if progress is True:
        progress = _ProgressLine() if (_sys.stderr is not None and (_sys.stderr.isatty() or _in_notebook())) else None
    elif progress is False:
        progress = None
    elif progress is not None and not callable(progress):
        raise TypeError("progress must be True, False, None or a callable")
    document, leakers, used, first_leak, value_lost, cost = _samsim._run(sc, trials, seed, threads, target_halfwidth,
                                                                         progress, bool(record_trials))
    return Result(document, leakers, used, first_leak, value_lost, cost)


# ---- one trial -----------------------------------------------------------------

class Trace(list):
    """A trial's timeline: a list of event records (dicts), in time order.

    pandas.DataFrame(trace) makes a table of it. Each record has:
        time_s, event, threat, threat_class, battery, launcher, interceptor,
        interceptor_type, value, cause
    where threat, launcher (within its battery) and interceptor (serial number
    in the trial) are indices or None, battery and interceptor_type the names
    of the battery and type concerned or None, event is one of
    threat_launch, detection, track_confirmed, track_waiting, track_acquired,
    network_track, launch_blocked, interceptor_launch, intercept_kill,
    intercept_miss, kill_assessment, reload_start, reload_complete, leak,
    battery_out_of_action; value depends on the
    event: the Pd of a detection, the predicted intercept time of a launch,
    1 (killed) or 0 (alive) for a kill assessment, the rounds of a reload;
    cause names the leak cause of launch_blocked and leak (else None).

    Attributes:
        outcomes  one record per threat: threat, threat_class, killed, cause,
                  end_time_s, confirm_time_s (NaN: never), interceptors_used, salvos
        totals    the trial's totals: threats, leakers, interceptors_used,
                  first_leak_time_s (NaN: none), rounds_left, magazine_exhausted, events
        text      the table `samsim trace` prints
        trial, seed
    """

    def __init__(self, records, outcomes, totals, text, trial, seed):
        super().__init__(records)
        self.outcomes = outcomes
        self.totals = totals
        self.text = text
        self.trial = trial
        self.seed = seed


def trace(scenario, trial, seed=None):
    """The timeline of one trial, exactly as it runs inside run() (see Trace).

    trial is the trial index (0-based) and seed the master seed (default: the
    scenario's): trace(sc, k, seed=s) replays trial k of run(sc, seed=s).
    """
    sc = _as_scenario(scenario)
    trial = _integer("trial", trial, 0, 2**64 - 1)
    seed = sc.seed if seed is None else _integer("seed", seed, 0, 2**64 - 1)
    records, outcomes, totals, text = _samsim._trace(sc, trial, seed)
    return Trace(records, outcomes, totals, text, trial, seed)


def envelope(scenario, height_step_m=1000.0):
    """The interceptor's kinematic envelope per height, as `samsim envelope` prints it.

    Returns a dict of numpy arrays, one entry per height from the envelope's
    least to its greatest height every height_step_m (the last at the
    greatest): "height_m", "reachable" (bool), "min_range_m", "max_range_m",
    "time_of_flight_s" and "arrival_speed_mps" (at the greatest range; NaN
    where nothing is reachable). pandas.DataFrame(envelope(sc)) makes a table.
    """
    return _samsim._envelope(_as_scenario(scenario), float(height_step_m))


# ---- radar functions -------------------------------------------------------------

def _integers(name, a):
    if a.dtype.kind in "iub":
        return a.astype(_np.int64)
    if a.dtype.kind == "f" and _np.all(_np.isfinite(a)) and _np.all(a == _np.round(a)):
        return a.astype(_np.int64)
    bad = a.ravel()[0] if a.size == 1 else a
    raise ValueError(f"{name} must be an integer (got {bad})")


def _vectorised(function, args, integer_args, *extra):
    """Broadcasts the arguments like numpy, calls the compiled loop once, and
    gives a float for scalar arguments, else an array of the broadcast shape."""
    arrays = [_np.asarray(a) for a in args.values()]
    scalar = all(a.ndim == 0 for a in arrays)
    arrays = _np.broadcast_arrays(*arrays)
    shape = arrays[0].shape
    flat = []
    for (name, a) in zip(args.keys(), arrays):
        a = _integers(name, a) if name in integer_args else a.astype(_np.float64)
        flat.append(_np.ascontiguousarray(a.ravel()))
    out = function(*flat, *extra)
    return float(out[0]) if scalar else out.reshape(shape)


def pd(swerling, snr_db, pfa, pulses):
    """Exact probability of detection, as `samsim pd --swerling --snr-db --pfa --pulses` prints it.

    Square-law detector, `pulses` noncoherently integrated pulses, per-pulse
    SNR in dB, Swerling case 0-4 (docs/model.md). Any argument may be a numpy
    array (they broadcast); all scalars give a float.
    """
    return _vectorised(_samsim._pd, {"swerling": swerling, "snr_db": snr_db, "pfa": pfa, "pulses": pulses},
                       ("swerling", "pulses"))


def snr(swerling, pd, pfa, pulses, method="exact"):
    """Required single-pulse SNR [dB] for a Pd, as `samsim snr` prints it.

    method: "exact" (inverts pd() to 1e-9 dB), "albersheim" (Swerling 0 only)
    or "shnidman" (their published approximations; docs/model.md gives their
    validity ranges). Arrays broadcast; all scalars give a float.
    """
    if method not in ("exact", "albersheim", "shnidman"):
        raise ValueError(f"method '{method}': must be exact, albersheim or shnidman")
    return _vectorised(_samsim._snr, {"swerling": swerling, "pd": pd, "pfa": pfa, "pulses": pulses},
                       ("swerling", "pulses"), method)


def horizon(antenna_height_m, target_height_m):
    """Radar horizon [m of ground range] on a 4/3 earth: sqrt(2 Re ha) + sqrt(2 Re ht).

    Heights below 0 count as 0. Arrays broadcast; all scalars give a float.
    """
    return _vectorised(_samsim._horizon, {"antenna_height_m": antenna_height_m, "target_height_m": target_height_m},
                       ())
