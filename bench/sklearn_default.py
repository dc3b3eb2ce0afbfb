"""Time scikit-learn's default GaussianMixture fit (kmeans init, tol 1e-3, random_state SEED) on a raw float64 file.

Usage: /usr/bin/python3 sklearn_default.py FILE.f64 N D K COVTYPE [SEED]   → prints {"ms": …, "nIter": …, "lb": …}
SEED defaults to 0.
"""
import json, sys, time, warnings
import numpy as np
from sklearn.mixture import GaussianMixture
warnings.filterwarnings("ignore")

path, n, d, k, ct = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
seed = int(sys.argv[6]) if len(sys.argv) > 6 else 0
X = np.fromfile(path, dtype="<f8").reshape(n, d)
t = time.perf_counter()
gm = GaussianMixture(k, covariance_type=ct, random_state=seed).fit(X)
ms = (time.perf_counter() - t) * 1000
print(json.dumps({"ms": ms, "nIter": int(gm.n_iter_), "lb": float(gm.lower_bound_)}))
