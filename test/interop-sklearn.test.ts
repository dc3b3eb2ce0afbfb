// Models shared with scikit-learn. Fixtures (test/fixtures/interop/sklearn, made by make_sklearn.py with Debian's
// scikit-learn and make-gaussmix.mjs): scikit-learn fits of all four covariance types (d = 1, 3, 4) as JSON with
// scikit-learn's predictions on held-out points, and models fitted by gaussmix, written as JSON, loaded by
// scikit-learn, with scikit-learn's predictions.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FittedGaussianMixture, GaussMixError, readSklearnJSON, writeSklearnJSON } from "../src/index.js";
import { flat, maxRelError } from "./helpers/fixtures.js";

const dir = join(import.meta.dirname, "fixtures", "interop", "sklearn");
const read = (f: string) => JSON.parse(readFileSync(join(dir, f), "utf8"));
const cases = readdirSync(dir)
  .filter((f) => /^(full|tied|diag|spherical)-.*\.json$/.test(f))
  .sort()
  .map((f) => f.slice(0, -5));

/** The brief's bar: the same predictions to 1e-12 relative. */
const REL = 1e-12;

function expectPredictions(
  model: FittedGaussianMixture,
  expected: { Y: number[][]; predictProbaY: number[][]; scoreSamplesY: number[]; predictY: number[] },
  rel = REL,
) {
  expect(maxRelError(model.scoreSamples(expected.Y), expected.scoreSamplesY)).toBeLessThan(rel);
  expect(maxRelError(model.predictProba(expected.Y).data, flat(expected.predictProbaY))).toBeLessThan(rel);
  expect(Array.from(model.predict(expected.Y))).toEqual(expected.predictY);
}

function codeOf(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GaussMixError);
    return { code: (e as GaussMixError).code, message: (e as Error).message };
  }
  throw new Error("expected a GaussMixError");
}

it("documents the Python functions the fixtures were made with", () => {
  // docs/interchange.md shows gmm_to_json / gmm_from_json; make_sklearn.py runs the same text.
  const docs = readFileSync(join(import.meta.dirname, "..", "docs", "interchange.md"), "utf8");
  const snippet = /```python\n[\s\S]*?(ATTRIBUTES = [\s\S]*?)```/.exec(docs)![1].trim();
  const script = readFileSync(join(dir, "..", "make_sklearn.py"), "utf8");
  expect(script).toContain(snippet);
});

it("has every fixture (four covariance types, both directions)", () => {
  expect(cases).toEqual(["diag-d3-k3", "full-d1-k2", "full-d3-k3", "spherical-d3-k3", "spherical-d4-k2", "tied-d3-k3"]);
});

describe.each(cases)("scikit-learn → gaussmix: %s", (name) => {
  const fx = read(`${name}.json`);

  it("gives scikit-learn's predictions on held-out points", () => {
    const model = readSklearnJSON(fx.model);
    expect(model.covarianceType).toBe(fx.model.covariance_type);
    expect(model.nFeatures).toBe(fx.model.n_features_in_);
    expect([model.converged, model.nIter, model.lowerBound]).toEqual([
      fx.model.converged_,
      fx.model.n_iter_,
      fx.model.lower_bound_,
    ]);
    expectPredictions(model, fx);
  });

  it("keeps the parameters bit for bit, and reads the JSON string too", () => {
    const model = readSklearnJSON(JSON.stringify(fx.model));
    expect(model.weights).toEqual(fx.model.weights_);
    expect(model.means).toEqual(fx.model.means_);
    expect(model.covariances).toEqual(fx.model.covariances_);
    expect(model.precisionsCholesky).toEqual(fx.model.precisions_cholesky_);
  });

  it("works from covariances_ alone (precision factors by the engine's Cholesky)", () => {
    const { precisions_cholesky_: _, ...doc } = fx.model;
    const model = readSklearnJSON(doc);
    expect(maxRelError(model.precisionsCholesky, fx.model.precisions_cholesky_, 1e-3)).toBeLessThan(1e-12);
    expectPredictions(model, fx, 1e-11);
  });

  it("works from precisions_cholesky_ alone (covariances by inverting the factor)", () => {
    const { covariances_: _, ...doc } = fx.model;
    const model = readSklearnJSON(doc);
    expect(maxRelError(model.covariances, fx.model.covariances_, 1e-3)).toBeLessThan(1e-12);
    expectPredictions(model, fx);
  });
});

describe.each(cases)("gaussmix → scikit-learn: %s", (name) => {
  const model = FittedGaussianMixture.fromJSON(read(`from-gaussmix-${name}.model.json`));

  it("writes the JSON that scikit-learn read", () => {
    expect(JSON.parse(JSON.stringify(writeSklearnJSON(model)))).toEqual(read(`from-gaussmix-${name}.json`));
  });

  it("predicts as scikit-learn does with the model it loaded", () => {
    expectPredictions(model, read(`from-gaussmix-${name}.predictions.json`));
  });

  it("round-trips through the JSON with identical predictions", () => {
    const back = readSklearnJSON(JSON.parse(JSON.stringify(writeSklearnJSON(model))));
    const { Y } = read(`from-gaussmix-${name}.predictions.json`);
    expect(back.covariances).toEqual(model.covariances);
    expect(back.scoreSamples(Y)).toEqual(model.scoreSamples(Y));
    expect(back.predictProba(Y)).toEqual(model.predictProba(Y));
  });
});

describe("FittedGaussianMixture.fromParameters", () => {
  it("gives the density of a hand-worked 1-D mixture", () => {
    const model = FittedGaussianMixture.fromParameters({
      covarianceType: "full",
      weights: [0.25, 0.75],
      means: [[0], [2]],
      covariances: [[[1]], [[4]]],
    });
    const normal = (x: number, m: number, v: number) =>
      Math.exp(-((x - m) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);
    const xs = [-3, -0.5, 0, 1, 2.5, 7];
    const expected = xs.map((x) => Math.log(0.25 * normal(x, 0, 1) + 0.75 * normal(x, 2, 4)));
    expect(maxRelError(model.scoreSamples(xs), expected)).toBeLessThan(1e-14);
    expect(model.precisionsCholesky).toEqual([[[1]], [[0.5]]]);
    expect([model.converged, model.nIter, model.lowerBound, model.lowerBounds]).toEqual([true, 0, -Infinity, []]);
    // Through a JSON string (−Infinity becomes null there) and back.
    const back = FittedGaussianMixture.fromJSON(JSON.stringify(model.toJSON()));
    expect(back.lowerBound).toBe(-Infinity);
    expect(back.scoreSamples(xs)).toEqual(model.scoreSamples(xs));
  });

  it("gives the density of a hand-worked 2-D Gaussian, for each covariance type", () => {
    // det [[2, 0.6], [0.6, 1]] = 1.64, inverse = [[1, -0.6], [-0.6, 2]] / 1.64.
    const q = (x: number, y: number) => (x * x - 1.2 * x * y + 2 * y * y) / 1.64;
    const full = (x: number, y: number) => -Math.log(2 * Math.PI) - 0.5 * Math.log(1.64) - 0.5 * q(x - 1, y + 1);
    const pts = [
      [1, -1],
      [0, 0],
      [3, 2],
      [-2, 1],
    ];
    const m1 = FittedGaussianMixture.fromParameters({
      covarianceType: "full",
      weights: [1],
      means: [[1, -1]],
      covariances: [
        [
          [2, 0.6],
          [0.6, 1],
        ],
      ],
    });
    const m2 = FittedGaussianMixture.fromParameters({
      covarianceType: "tied",
      weights: [1],
      means: [[1, -1]],
      covariances: [
        [2, 0.6],
        [0.6, 1],
      ],
    });
    const expected = pts.map(([x, y]) => full(x, y));
    expect(maxRelError(m1.scoreSamples(pts), expected)).toBeLessThan(1e-14);
    expect(maxRelError(m2.scoreSamples(pts), expected)).toBeLessThan(1e-14);
    const diag = (x: number, y: number) =>
      -Math.log(2 * Math.PI) - 0.5 * Math.log(2 * 0.5) - 0.5 * ((x - 1) ** 2 / 2 + (y + 1) ** 2 / 0.5);
    const m3 = FittedGaussianMixture.fromParameters({
      covarianceType: "diag",
      weights: [1],
      means: [[1, -1]],
      covariances: [[2, 0.5]],
    });
    expect(
      maxRelError(
        m3.scoreSamples(pts),
        pts.map(([x, y]) => diag(x, y)),
      ),
    ).toBeLessThan(1e-14);
    const sph = (x: number, y: number) => -Math.log(2 * Math.PI) - Math.log(3) - ((x - 1) ** 2 + (y + 1) ** 2) / 6;
    const m4 = FittedGaussianMixture.fromParameters({
      covarianceType: "spherical",
      weights: [1],
      means: [[1, -1]],
      precisionsCholesky: [1 / Math.sqrt(3)],
    });
    expect(
      maxRelError(
        m4.scoreSamples(pts),
        pts.map(([x, y]) => sph(x, y)),
      ),
    ).toBeLessThan(1e-14);
    expect(maxRelError(m4.covariances, [3])).toBeLessThan(1e-15);
  });

  it("accepts covariances and factors of one ill-conditioned model (condition number ~1e10)", () => {
    const covariances = [
      [
        [1, 1 - 1e-10],
        [1 - 1e-10, 1],
      ],
    ];
    const a = FittedGaussianMixture.fromParameters({
      covarianceType: "full",
      weights: [1],
      means: [[0, 0]],
      covariances,
    });
    const b = FittedGaussianMixture.fromParameters({
      covarianceType: "full",
      weights: [1],
      means: [[0, 0]],
      covariances,
      precisionsCholesky: a.precisionsCholesky as number[][][],
    });
    expect(
      b.scoreSamples([
        [0.1, 0.1],
        [1, 1],
      ]),
    ).toEqual(
      a.scoreSamples([
        [0.1, 0.1],
        [1, 1],
      ]),
    );
  });

  it("keeps what the caller says about the fit", () => {
    const m = FittedGaussianMixture.fromParameters({
      covarianceType: "diag",
      weights: [1],
      means: [[0]],
      covariances: [[1]],
      converged: false,
      nIter: 7,
      lowerBound: -1.5,
      lowerBounds: [-3, -1.5],
    });
    expect([m.converged, m.nIter, m.lowerBound, m.lowerBounds]).toEqual([false, 7, -1.5, [-3, -1.5]]);
    expect(FittedGaussianMixture.fromJSON(m.toJSON()).scoreSamples([0, 1])).toEqual(m.scoreSamples([0, 1]));
  });

  const base = {
    covarianceType: "full" as const,
    weights: [0.5, 0.5],
    means: [
      [0, 0],
      [1, 1],
    ],
    covariances: [
      [
        [1, 0],
        [0, 1],
      ],
      [
        [2, 0.5],
        [0.5, 1],
      ],
    ],
  };
  const bad: [string, object, RegExp][] = [
    ["an unknown covariance type", { covarianceType: "banana" }, /covarianceType must be one of/],
    ["negative weights", { weights: [1.5, -0.5] }, /weights\[1\] is -0.5; weights must be ≥ 0/],
    ["weights not summing to 1", { weights: [0.5, 0.4] }, /weights sum to 0.9/],
    ["a NaN weight", { weights: [NaN, 1] }, /weights\[0\] is NaN/],
    ["no weights", { weights: [] }, /weights must be a non-empty array/],
    ["means of the wrong length", { means: [[0, 0]] }, /means must have 2 rows/],
    ["ragged means", { means: [[0, 0], [1]] }, /means\[1\] must have 2 values/],
    [
      "an infinite mean",
      {
        means: [
          [0, 0],
          [1, Infinity],
        ],
      },
      /means\[1\]\[1\] is Infinity/,
    ],
    ["neither covariances nor factors", { covariances: undefined }, /give covariances or precisionsCholesky/],
    [
      "covariances of the wrong shape",
      {
        covariances: [
          [1, 0],
          [0, 1],
        ],
      },
      /covariances must be 2 matrices of 2×2/,
    ],
    [
      "a covariance that is not positive definite",
      {
        covariances: [
          [
            [1, 0],
            [0, 1],
          ],
          [
            [1, 2],
            [2, 1],
          ],
        ],
      },
      /covariances\[1\] is not positive definite/,
    ],
    [
      "a non-symmetric covariance",
      {
        covariances: [
          [
            [1, 0.5],
            [0, 1],
          ],
          [
            [1, 0],
            [0, 1],
          ],
        ],
      },
      /covariances\[0\] is not symmetric/,
    ],
    [
      "a NaN covariance entry",
      {
        covariances: [
          [
            [1, 0],
            [0, NaN],
          ],
          [
            [1, 0],
            [0, 1],
          ],
        ],
      },
      /covariances\[0\]\[1\]\[1\] is NaN/,
    ],
    [
      "a factor that is not upper triangular",
      {
        covariances: undefined,
        precisionsCholesky: [
          [
            [1, 0],
            [0.5, 1],
          ],
          [
            [1, 0],
            [0, 1],
          ],
        ],
      },
      /precisionsCholesky\[0\] must be upper triangular/,
    ],
    [
      "a factor with a zero diagonal",
      {
        covariances: undefined,
        precisionsCholesky: [
          [
            [1, 0],
            [0, 1],
          ],
          [
            [0, 0],
            [0, 1],
          ],
        ],
      },
      /precisionsCholesky\[1\]\[0\]\[0\] is 0/,
    ],
    [
      "covariances and factors of different models",
      {
        precisionsCholesky: [
          [
            [1, 0],
            [0, 1],
          ],
          [
            [1, 0],
            [0, 1],
          ],
        ],
      },
      /precisionsCholesky\[1\] and covariances\[1\] do not belong to one model/,
    ],
  ];
  it.each(bad)("refuses %s (INVALID_OPTION naming the field)", (_what, change, message) => {
    const e = codeOf(() => FittedGaussianMixture.fromParameters({ ...base, ...change } as never));
    expect(e.code).toBe("INVALID_OPTION");
    expect(e.message).toMatch(/^fromParameters: /);
    expect(e.message).toMatch(message);
  });

  it("refuses bad diag and spherical variances and tied shapes", () => {
    expect(
      codeOf(() =>
        FittedGaussianMixture.fromParameters({
          covarianceType: "diag",
          weights: [1],
          means: [[0, 0]],
          covariances: [[1, 0]],
        }),
      ).message,
    ).toMatch(/covariances\[0\]\[1\] is 0; variances must be > 0/);
    expect(
      codeOf(() =>
        FittedGaussianMixture.fromParameters({
          covarianceType: "spherical",
          weights: [1],
          means: [[0, 0]],
          covariances: [-1],
        }),
      ).message,
    ).toMatch(/covariances\[0\] is -1; variances must be > 0/);
    expect(
      codeOf(() =>
        FittedGaussianMixture.fromParameters({
          covarianceType: "spherical",
          weights: [1],
          means: [[0, 0]],
          covariances: [4],
          precisionsCholesky: [0.4],
        }),
      ).message,
    ).toMatch(/do not belong|give values of one model/);
    expect(
      codeOf(() =>
        FittedGaussianMixture.fromParameters({
          covarianceType: "tied",
          weights: [1],
          means: [[0, 0]],
          covariances: [
            [
              [1, 0],
              [0, 1],
            ],
          ],
        }),
      ).message,
    ).toMatch(/covariances must be one 2×2 matrix/);
  });
});

describe("readSklearnJSON errors (INVALID_MODEL_JSON naming scikit-learn's attribute)", () => {
  const fx = read("full-d3-k3.json").model;
  const cases: [string, unknown, RegExp][] = [
    ["not JSON", "{oops", /not valid JSON/],
    ["not an object", [1, 2], /expected an object of scikit-learn attributes/],
    ["no weights_", { ...fx, weights_: undefined }, /weights_ is missing/],
    ["weights_ not summing to 1", { ...fx, weights_: [0.2, 0.2, 0.2] }, /weights_ sum to 0.6/],
    [
      "a covariance that is not positive definite",
      {
        ...fx,
        precisions_cholesky_: undefined,
        covariances_: fx.covariances_.map((c: number[][], i: number) => (i === 2 ? c.map((r) => r.map(() => 1)) : c)),
      },
      /covariances_\[2\] is not positive definite/,
    ],
    ["n_features_in_ that disagrees", { ...fx, n_features_in_: 4 }, /n_features_in_ is 4 but means_ has 3 columns/],
    ["an unknown covariance_type", { ...fx, covariance_type: "Full" }, /covariance_type must be one of/],
    ["a bad n_iter_", { ...fx, n_iter_: -1 }, /n_iter_ must be a non-negative integer/],
  ];
  it.each(cases)("%s", (_what, doc, message) => {
    const e = codeOf(() => readSklearnJSON(doc));
    expect(e.code).toBe("INVALID_MODEL_JSON");
    expect(e.message).toMatch(/^readSklearnJSON: /);
    expect(e.message).toMatch(message);
  });
});
