"""scikit-learn references for the quality benchmark, per data set and cell (k 1–9 × four covariance types).

  default: GaussianMixture(k, covariance_type=…, random_state=seed).fit(X) for seeds 0…S-1 (its defaults: k-means
           init, tol 1e-3, max_iter 100); the total log-likelihood of the returned model (score(X)·n), the
           lower bound, iterations, and whether the fit is degenerate (degenerate.py).
  long:    single-initialisation runs, seeds 0…L-1, default k-means init, tol TOL_LONG, max_iter 5000, each run kept
           (so that degenerate ones can be left out): runs with seeds < S continue the default fits' trajectories to
           convergence (their value tells whether a default fit was in the best basin but stopped early).
  time:    the 36 default fits of seed 0, one after the other (what selectModel replaces), in seconds.

    nice -n 10 /usr/bin/python3 bench/quality/sklearn_refs.py [--seeds S] [--long L] [--tol-long T] name ...
Writes bench/quality/refs/sklearn/<name>.json.
"""
import argparse, json, os, sys, time, warnings
from pathlib import Path
import numpy as np
import sklearn
from sklearn.mixture import GaussianMixture
sys.path.insert(0, str(Path(__file__).resolve().parent))
from degenerate import degenerate  # noqa: E402
warnings.filterwarnings("ignore")

here = Path(__file__).resolve().parent
meta = json.loads((here / "data" / "meta.json").read_text())
ap = argparse.ArgumentParser()
ap.add_argument("names", nargs="*")
ap.add_argument("--seeds", type=int, default=10)
ap.add_argument("--long", type=int, default=30)
ap.add_argument("--tol-long", type=float, default=1e-9)
ap.add_argument("--max-iter-long", type=int, default=5000)
a = ap.parse_args()
TYPES = ["spherical", "diag", "tied", "full"]
(here / "refs" / "sklearn").mkdir(parents=True, exist_ok=True)

for name in a.names or list(meta):
    m = meta[name]
    X = np.loadtxt(here / "data" / m["file"], delimiter=",", skiprows=1, ndmin=2)
    n = len(X)
    judge = lambda g, ct: degenerate(g.weights_, g.covariances_, ct, n, m["resolution"])
    t0 = time.perf_counter()
    for k in range(1, 10):
        for ct in TYPES:
            GaussianMixture(k, covariance_type=ct, random_state=0).fit(X)
    t36 = time.perf_counter() - t0
    cells = []
    for k in range(1, 10):
        for ct in TYPES:
            default = []
            for s in range(a.seeds):
                g = GaussianMixture(k, covariance_type=ct, random_state=s).fit(X)
                default.append({"seed": s, "loglik": float(g.score(X) * n), "lowerBound": float(g.lower_bound_),
                                "nIter": int(g.n_iter_), "converged": bool(g.converged_), "degenerate": judge(g, ct)})
            runs = []
            for s in range(a.long):
                try:
                    g = GaussianMixture(k, covariance_type=ct, random_state=s, tol=a.tol_long, max_iter=a.max_iter_long).fit(X)
                    runs.append({"seed": s, "loglik": float(g.score(X) * n), "nIter": int(g.n_iter_), "degenerate": judge(g, ct)})
                except Exception as e:  # a singular covariance: sklearn raises; the run counts as degenerate
                    runs.append({"seed": s, "loglik": None, "nIter": 0, "degenerate": f"error: {type(e).__name__}"})
            ok = [r["loglik"] for r in runs if r["degenerate"] is None]
            cells.append({"k": k, "covarianceType": ct, "default": default, "long": runs,
                          "bestNonDegenerate": max(ok) if ok else None})
            print(name, k, ct, "default", max(r["loglik"] for r in default), "long", cells[-1]["bestNonDegenerate"], flush=True)
    out = {"generator": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}", "dataset": name, "n": n, "d": m["d"],
           "defaultSeeds": a.seeds, "long": {"runs": a.long, "init": "kmeans", "seeds": f"0..{a.long - 1}",
                                              "tol": a.tol_long, "maxIter": a.max_iter_long},
           "secondsDefault36": t36, "cells": cells}
    (here / "refs" / "sklearn" / f"{name}.json").write_text(json.dumps(out) + "\n")
