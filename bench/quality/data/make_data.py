"""The quality benchmark's data sets (seeded, deterministic): every method reads the same CSV files.

    /usr/bin/python3 bench/quality/data/make_data.py      (run from the repository root, after make_r_data.R)

Writes bench/quality/data/<name>.csv (header line, then rows; 6 significant digits) and data/meta.json, which
lists every data set with n, d, a description and each feature's resolution (the smallest positive gap between
the sorted distinct values of that column of the CSV as written: the data cannot locate anything more finely,
so a component thinner than that is fitting the rounding, not the data — see bench/quality/degenerate.mjs).
"""
import json
from pathlib import Path
import numpy as np
from sklearn.datasets import load_digits

root = Path(__file__).resolve().parents[3]
out = Path(__file__).resolve().parent


def write(name, X, header=None):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    header = header or [f"x{j + 1}" for j in range(X.shape[1])]
    lines = [",".join(header)] + [",".join(f"{v:.6g}" for v in row) for row in X]
    (out / f"{name}.csv").write_text("\n".join(lines) + "\n")


def random_rotation(rng, d):
    q, r = np.linalg.qr(rng.normal(size=(d, d)))
    return q * np.sign(np.diag(r))


# Fixtures: the data of test/fixtures (the same X is shared by a family's covariance types; one file per family).
for family, source in [("fx-oned-two-classes", "oned-two-classes-full"), ("fx-twod-three", "twod-three-full"),
                       ("fx-threed-converge", "threed-converge-full"), ("fx-fived-four", "fived-four-full")]:
    X = np.asarray(json.loads((root / "test" / "fixtures" / f"{source}.json").read_text())["X"], dtype=float)
    write(family, X)

# Features on scales 1e-3 … 1e3: four clusters in 4-D, then columns multiplied by 1e-3, 1e-1, 1e1, 1e3.
rng = np.random.default_rng(101)
k, d, n = 4, 4, 800
centers = rng.normal(0, 3, (k, d))
labels = rng.choice(k, n, p=[0.4, 0.3, 0.2, 0.1])
A = rng.normal(0, 1, (k, d, d)) / np.sqrt(d)
X = centers[labels] + np.einsum("nij,nj->ni", A[labels], rng.normal(size=(n, d)))
write("scales", X * np.array([1e-3, 1e-1, 1e1, 1e3]))

# Stretched anisotropic blobs: five 2-D clusters, each an isotropic blob under its own random linear map
# (axis ratios 3–15, random orientation).
rng = np.random.default_rng(202)
k, n = 5, 1000
centers = rng.uniform(-12, 12, (k, 2))
labels = rng.choice(k, n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
maps = [random_rotation(rng, 2) @ np.diag([rng.uniform(1.5, 4), rng.uniform(0.25, 0.5)]) for _ in range(k)]
Z = rng.normal(size=(n, 2))
X = np.array([centers[c] + maps[c] @ z for c, z in zip(labels, Z)])
write("stretched", X)

# Elongated: 20,000 × 4, five clusters, each long along one random direction (standard deviations 6, 1, 0.5, 0.3).
rng = np.random.default_rng(303)
k, d, n = 5, 4, 20000
centers = rng.normal(0, 4, (k, d))
labels = rng.choice(k, n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
maps = [random_rotation(rng, d) @ np.diag([6, 1, 0.5, 0.3]) for _ in range(k)]
Z = rng.normal(size=(n, d))
X = centers[labels] + np.einsum("nij,nj->ni", np.asarray(maps)[labels], Z)
write("elongated", X)

# Digits: the first five principal components of scikit-learn's bundled 8×8 digits (1797 × 64; ships with the
# library, nothing downloaded), by SVD of the centred data.
D = load_digits().data.astype(float)
D = D - D.mean(axis=0)
U, S, Vt = np.linalg.svd(D, full_matrices=False)
write("digits-pca5", D @ Vt[:5].T, [f"pc{j + 1}" for j in range(5)])

# Metadata (read back from the CSVs as written, so that resolutions describe the files every method reads).
about = {
    "faithful": "R datasets::faithful (eruptions min, waiting min), 272 × 2",
    "iris": "R datasets::iris, the four numeric columns, 150 × 4 (0.1 cm resolution, many tied rows)",
    "fx-oned-two-classes": "test/fixtures oned-two-classes X, 400 × 1",
    "fx-twod-three": "test/fixtures twod-three X, 600 × 2",
    "fx-threed-converge": "test/fixtures threed-converge X, 500 × 3",
    "fx-fived-four": "test/fixtures fived-four X, 400 × 5",
    "scales": "four 4-D clusters, columns scaled by 1e-3, 1e-1, 1e1, 1e3 (seed 101), 800 × 4",
    "stretched": "five 2-D blobs under random linear maps, axis ratios 3–15 (seed 202), 1000 × 2",
    "digits-pca5": "scikit-learn digits, first 5 principal components, 1797 × 5",
    "elongated": "five elongated 4-D clusters, sd 6, 1, 0.5, 0.3 along random axes (seed 303), 20000 × 4",
}
meta = {}
for name, text in about.items():
    X = np.loadtxt(out / f"{name}.csv", delimiter=",", skiprows=1, ndmin=2)
    res = []
    for j in range(X.shape[1]):
        gaps = np.diff(np.unique(X[:, j]))
        res.append(float(f"{gaps[gaps > 0].min():.2g}"))
    meta[name] = {"file": f"{name}.csv", "n": int(X.shape[0]), "d": int(X.shape[1]), "about": text,
                  "resolution": res, "small": name != "elongated"}
(out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
for name, m in meta.items():
    print(name, m["n"], m["d"], m["resolution"])
