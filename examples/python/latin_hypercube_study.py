"""A Latin-hypercube study over four parameters of the small raid (scipy.stats.qmc), and a
plot of which of them matter for P(at least one leaker).

    PYTHONPATH=build/python python3 examples/python/latin_hypercube_study.py --out lhs.png

Each design point is one samsim.run with its own seed stream (the same master seed:
common random numbers across points). Importance is read two ways: the Spearman rank
correlation of each parameter with P(leak) (with an approximate 95% interval, Fisher z
with the variance 1.06/(n - 3) of Fieller, Hartley and Pearson, 1957), and the
standardised coefficients of a linear fit of P(leak) on the four parameters. --quick
runs few points and trials (what ctest does).
"""

import argparse
import pathlib

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats
from scipy.stats import qmc

import samsim

SCENARIO = pathlib.Path(__file__).resolve().parent.parent / "scenarios" / "small-raid.json"

# name, JSON pointer, low, high, log scale, integer
PARAMETERS = [
    ("single-shot Pk", "/battery/interceptor/pk/default", 0.4, 0.95, False, False),
    ("reaction time [s]", "/battery/fire_control/reaction_time_s", 2.0, 40.0, False, False),
    ("ready rounds per launcher", "/battery/launchers/ready_per_launcher", 2, 8, False, True),
    ("radar peak power [W]", "/battery/radar/peak_power_w", 1e5, 4e6, True, False),
]


def design(points, seed):
    """points x 4 parameter values from a scrambled Latin hypercube on [0, 1)^4."""
    unit = qmc.LatinHypercube(d=len(PARAMETERS), seed=seed).random(points)
    values = np.empty_like(unit)
    for k, (_, _, low, high, log, integer) in enumerate(PARAMETERS):
        if integer:  # equal-width bins, one per integer
            values[:, k] = np.floor(low + unit[:, k] * (high - low + 1))
        elif log:
            values[:, k] = np.exp(np.log(low) + unit[:, k] * (np.log(high) - np.log(low)))
        else:
            values[:, k] = low + unit[:, k] * (high - low)
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="latin_hypercube_study.png", help="PNG to write")
    parser.add_argument("--points", type=int, default=48, help="design points")
    parser.add_argument("--trials", type=int, default=2000, help="trials per point")
    parser.add_argument("--quick", action="store_true", help="few points and trials (a smoke test)")
    args = parser.parse_args()
    points, trials = (16, 300) if args.quick else (args.points, args.trials)

    x = design(points, seed=2024)
    base = samsim.load_scenario(SCENARIO)
    sc = base.copy()
    p = np.empty(points)
    lo = np.empty(points)
    hi = np.empty(points)
    for i in range(points):
        for k, (_, pointer, _, _, _, integer) in enumerate(PARAMETERS):
            sc.set(pointer, int(x[i, k]) if integer else float(x[i, k]))
        r = samsim.run(sc, trials=trials, progress=False)
        p[i], (lo[i], hi[i]) = r.p_leak, r.p_leak_wilson
        print(f"point {i:2d}: " + ", ".join(f"{x[i, k]:.4g}" for k in range(len(PARAMETERS)))
              + f" -> P(leak) {p[i]:.3f} [{lo[i]:.3f}, {hi[i]:.3f}]")

    # Importance: Spearman rank correlation with an approximate interval, and standardised coefficients.
    rho = np.array([stats.spearmanr(x[:, k], p).statistic for k in range(len(PARAMETERS))])
    z_se = np.sqrt(1.06 / (points - 3))
    rho_lo = np.tanh(np.arctanh(np.clip(rho, -0.999999, 0.999999)) - 1.96 * z_se)
    rho_hi = np.tanh(np.arctanh(np.clip(rho, -0.999999, 0.999999)) + 1.96 * z_se)
    columns = [np.log(x[:, k]) if PARAMETERS[k][4] else x[:, k] for k in range(len(PARAMETERS))]
    z = np.column_stack([(c - c.mean()) / c.std() for c in columns])
    coef, *_ = np.linalg.lstsq(np.column_stack([np.ones(points), z]), (p - p.mean()) / p.std(), rcond=None)
    src = coef[1:]

    fig = plt.figure(figsize=(12, 7.5), constrained_layout=True)
    grid = fig.add_gridspec(2, 4, height_ratios=[1.0, 0.9])
    for k, (name, pointer, low, high, log, _) in enumerate(PARAMETERS):
        ax = fig.add_subplot(grid[0, k])
        ax.errorbar(x[:, k], p, yerr=[p - lo, hi - p], fmt="o", ms=3.5, lw=0.8, capsize=2, color="#1f4e9c")
        if log:
            ax.set_xscale("log")
        ax.set_xlabel(f"{name}\n{pointer}", fontsize=8)
        ax.set_ylim(-0.02, 1.02)
        if k == 0:
            ax.set_ylabel("P(at least one leaker), Wilson 95%")
        ax.set_title(f"Spearman rho {rho[k]:+.2f}", fontsize=9)
    ax = fig.add_subplot(grid[1, :])
    names = [name for name, *_ in PARAMETERS]
    ypos = np.arange(len(names))
    ax.barh(ypos + 0.18, rho, height=0.35, color="#1f4e9c", label="Spearman rank correlation with P(leak)",
            xerr=[rho - rho_lo, rho_hi - rho], capsize=3)
    ax.barh(ypos - 0.18, src, height=0.35, color="#d9822b", label="standardised coefficient of a linear fit")
    ax.axvline(0.0, color="black", lw=0.8)
    ax.set_yticks(ypos, names)
    ax.set_xlim(-1.05, 1.05)
    ax.invert_yaxis()
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title("which parameters matter (negative: more of it, fewer leaks)", fontsize=10)
    fig.suptitle(f"{base.name}: Latin hypercube over 4 parameters, {points} points x {trials} trials, "
                 f"seed {base.seed}", fontsize=11)
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
