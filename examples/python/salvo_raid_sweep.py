"""Two-parameter sweep: salvo size x raid size on the reference raid, drawn as a heat map of
P(at least one leaker) with each cell's Wilson interval.

    PYTHONPATH=build/python python3 examples/python/salvo_raid_sweep.py --out sweep.png

Bigger salvos kill a threat more surely but empty the magazine sooner: against a large
raid the battery runs out of ready rounds and the leak probability climbs back to 1. Every point uses the same seed
(common random numbers), so differences between cells are not sampling noise between
independent runs. --quick runs few trials (what ctest does).
"""

import argparse
import pathlib

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

import samsim

SCENARIO = pathlib.Path(__file__).resolve().parent.parent / "scenarios" / "reference-raid.json"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="salvo_raid_sweep.png", help="PNG to write")
    parser.add_argument("--trials", type=int, default=2000, help="trials per cell")
    parser.add_argument("--quick", action="store_true", help="few trials (a smoke test)")
    args = parser.parse_args()
    trials = 200 if args.quick else args.trials

    salvos = [1, 2, 3]
    cruise_counts = [0, 5, 10, 15, 20, 30, 40]  # /raid/0: the cruise missiles; the other groups stay
    sc = samsim.load_scenario(SCENARIO)
    p = np.zeros((len(salvos), len(cruise_counts)))
    lo = np.zeros_like(p)
    hi = np.zeros_like(p)
    rounds = np.zeros_like(p)
    # One scenario edited in place: the flyout table is built once and kept, since only the
    # doctrine and the raid change.
    for i, salvo in enumerate(salvos):
        sc.set("/battery/doctrine/salvo_size", salvo)
        for j, n in enumerate(cruise_counts):
            sc.set("/raid/0/count", n)
            r = samsim.run(sc, trials=trials, threads=0, progress=False)
            p[i, j] = r.p_leak
            lo[i, j], hi[i, j] = r.p_leak_wilson
            rounds[i, j] = r.interceptors_used_mean
            print(f"salvo {salvo}, {n:2d} cruise: P(leak) {r.p_leak:.3f} [{lo[i, j]:.3f}, {hi[i, j]:.3f}], "
                  f"{r.interceptors_used_mean:.1f} rounds")

    fig, ax = plt.subplots(figsize=(9, 4.8), constrained_layout=True)
    image = ax.imshow(p, origin="lower", cmap="viridis_r", vmin=0.0, vmax=1.0, aspect="auto")
    for i in range(len(salvos)):
        for j in range(len(cruise_counts)):
            dark = p[i, j] > 0.55
            ax.text(j, i, f"{p[i, j]:.3f}\n[{lo[i, j]:.3f}, {hi[i, j]:.3f}]\n{rounds[i, j]:.0f} rds",
                    ha="center", va="center", fontsize=8, color="white" if dark else "black")
    ax.set_xticks(range(len(cruise_counts)), [str(n) for n in cruise_counts])
    ax.set_yticks(range(len(salvos)), [str(s) for s in salvos])
    ax.set_xlabel("cruise missiles in the raid (/raid/0/count); the other groups as in the scenario")
    ax.set_ylabel("salvo size (/battery/doctrine/salvo_size)")
    ready = sc.get("/battery/launchers/count") * sc.get("/battery/launchers/ready_per_launcher")
    ax.set_title(f"{sc.name}: P(at least one leaker), 95% Wilson interval, mean rounds fired\n"
                 f"{trials} trials per cell, seed {sc.seed}, {sc.get('/battery/doctrine/mode')}, "
                 f"{ready} ready + {sc.get('/battery/launchers/reload_rounds')} reload rounds", fontsize=10)
    fig.colorbar(image, ax=ax, label="P(at least one leaker)")
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out} (matplotlib backend {matplotlib.get_backend()})")


if __name__ == "__main__":
    main()
