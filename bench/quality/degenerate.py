"""The one rule that says whether a fitted mixture is degenerate (a spurious maximum, not a model of the data).

A fit is degenerate when one of its components
  (a) carries less than d + 1 samples' weight (n·weight < d + 1) — fewer points than it takes to span its own
      d-dimensional covariance; not applied to "tied", whose covariance is estimated from all samples; or
  (b) is thinner than the data's resolution in some direction: with h_j the resolution of feature j (the smallest
      positive gap between distinct values of column j of the data file, bench/quality/data/meta.json), the
      smallest eigenvalue of D⁻¹ Σ D⁻¹, D = diag(h), is below 1/12 — the variance of rounding to a grid of step
      h. Such a component sits on tied (or rounded) values and its likelihood grows without bound as regCovar → 0.
Non-finite weights or covariances are degenerate too.

Every script judges fits with this function: the reference scripts import it; bench/quality/run.mjs and the
mclust references (written by R) go through the command line:

    python3 degenerate.py < {"n": …, "resolution": [...], "fits": [{"covarianceType", "weights", "covariances"}]}
    → a JSON list with, per fit, null (not degenerate) or the reason.
"""
import json
import sys
import numpy as np

THIN = 1.0 / 12.0


def full_covariances(covariances, covariance_type, k, d):
    c = np.asarray(covariances, dtype=float)
    if covariance_type == "full":
        return c.reshape(k, d, d)
    if covariance_type == "tied":
        return c.reshape(1, d, d)
    if covariance_type == "diag":
        return np.array([np.diag(v) for v in c.reshape(k, d)])
    return np.array([np.eye(d) * v for v in c.reshape(k)])


def degenerate(weights, covariances, covariance_type, n, resolution):
    """None if the fit is a proper model of the data, else a short reason (see the module's docstring)."""
    w = np.asarray(weights, dtype=float)
    h = np.asarray(resolution, dtype=float)
    k, d = len(w), len(h)
    covs = full_covariances(covariances, covariance_type, k, d)
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(covs))):
        return "non-finite parameters"
    if covariance_type != "tied":
        nk = n * w
        j = int(np.argmin(nk))
        if nk[j] < d + 1:
            return f"component {j} carries {nk[j]:.3g} < d+1 = {d + 1} samples"
    for j, s in enumerate(covs):
        lam = float(np.linalg.eigvalsh(s / np.outer(h, h))[0])
        if lam < THIN:
            return f"component {j} thinner than the data's resolution (scaled eigenvalue {lam:.3g} < 1/12)"
    return None


if __name__ == "__main__":
    q = json.load(sys.stdin)
    print(json.dumps([degenerate(f["weights"], f["covariances"], f["covarianceType"], q["n"], q["resolution"])
                      for f in q["fits"]]))
