// What a new user does with the API and what they see: rows of a Matrix without index arithmetic,
// scikit-learn's `await est.fit(X); est.predict(X)`, and `console.log(model)`.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { FittedGaussianMixture, GaussianMixture, GaussMixError } from "../../src/index.js";

// Two clusters, 40 points each (deterministic).
const X = Array.from({ length: 80 }, (_, i) => [
  (i < 40 ? -3 : 3) + Math.sin(i * 1.3),
  (i < 40 ? 1 : -1) + Math.cos(i),
]);

describe("Matrix results", () => {
  it("row(i), rows(), for…of and toArray() read predictProba's data row by row", async () => {
    const model = await new GaussianMixture({ nComponents: 2, randomState: 0 }).fit(X);
    const proba = model.predictProba(X);
    const [n, k] = proba.shape;
    expect([n, k]).toEqual([80, 2]);
    // row(i) is entries i·k … i·k + k − 1 of data, a view (no copy).
    for (const i of [0, 39, 40, 79]) {
      expect(Array.from(proba.row(i))).toEqual([proba.data[i * k], proba.data[i * k + 1]]);
      expect(proba.row(i).buffer).toBe(proba.data.buffer);
    }
    const viaRows = Array.from(proba.rows(), (r) => Array.from(r));
    const viaFor: number[][] = [];
    for (const r of proba) viaFor.push(Array.from(r));
    const nested = proba.toArray();
    expect(viaRows).toEqual(nested);
    expect(viaFor).toEqual(nested);
    expect(nested).toHaveLength(n);
    for (const r of nested) expect(r[0] + r[1]).toBeCloseTo(1, 12);
    // The row's argmax is predict's label.
    const labels = model.predict(X);
    nested.forEach((r, i) => expect(labels[i]).toBe(r[0] >= r[1] ? 0 : 1));
    // toArray() copies: changing it leaves the matrix alone.
    nested[0][0] = 42;
    expect(proba.data[0]).not.toBe(42);
    // The data and shape are still what JSON and structured clones carry.
    expect(JSON.parse(JSON.stringify(proba)).shape).toEqual([80, 2]);
    expect(structuredClone(proba)).toEqual({ data: proba.data, shape: [80, 2] });
  });

  it("row(i) out of range is an INVALID_OPTION error that gives the range", async () => {
    const model = await new GaussianMixture({ nComponents: 2 }).fit(X);
    const proba = model.predictProba(X.slice(0, 3));
    for (const i of [-1, 3, 1.5, Number.NaN]) {
      expect(() => proba.row(i)).toThrow(GaussMixError);
      expect(() => proba.row(i)).toThrow(`row: i must be an integer in [0, 3), got ${i}`);
    }
  });

  it("sample's X has the same readers", async () => {
    const model = await new GaussianMixture({ nComponents: 2 }).fit(X);
    const { X: drawn, labels } = model.sample(7, { randomState: 3 });
    expect(drawn.toArray()).toEqual(Array.from({ length: 7 }, (_, i) => [drawn.data[2 * i], drawn.data[2 * i + 1]]));
    expect(Array.from(drawn.row(6))).toEqual([drawn.data[12], drawn.data[13]]);
    expect(labels).toHaveLength(7);
  });
});

describe("the estimator answers with its last model (scikit-learn's habit)", () => {
  it("after `await est.fit(X)`, est.predict … equal the model's", async () => {
    const est = new GaussianMixture({ nComponents: 2, covarianceType: "diag", randomState: 0 });
    await est.fit(X);
    const model = est.model!;
    const Y = [
      [0, 0],
      [-3, 1],
      [3, -1],
    ];
    expect(est.predict(Y)).toEqual(model.predict(Y));
    expect(est.predictProba(Y).data).toEqual(model.predictProba(Y).data);
    expect(est.predictProba(Y).toArray()).toEqual(model.predictProba(Y).toArray());
    expect(est.scoreSamples(Y)).toEqual(model.scoreSamples(Y));
    expect(est.score(Y)).toBe(model.score(Y));
    expect(est.score(Y, { sampleWeight: [1, 2, 3] })).toBe(model.score(Y, { sampleWeight: [1, 2, 3] }));
    expect(est.bic(X)).toBe(model.bic(X));
    expect(est.aic(X)).toBe(model.aic(X));
    expect(est.sample(5, { randomState: 2 }).X.data).toEqual(model.sample(5, { randomState: 2 }).X.data);
    // A second fit replaces the model the estimator answers with.
    const second = await est.fit(X.slice(0, 60));
    expect(est.model).toBe(second);
    expect(est.score(Y)).toBe(second.score(Y));
  });

  it("before any fit: NOT_FITTED, with the right form in the message", () => {
    const est = new GaussianMixture({ nComponents: 2 });
    for (const call of [
      () => est.predict(X),
      () => est.predictProba(X),
      () => est.scoreSamples(X),
      () => est.score(X),
      () => est.bic(X),
      () => est.aic(X),
      () => est.sample(3),
    ]) {
      expect(call).toThrow(GaussMixError);
      try {
        call();
      } catch (e) {
        expect((e as GaussMixError).code).toBe("NOT_FITTED");
        expect((e as Error).message).toMatch(
          /it has not been fitted.*const model = await estimator\.fit\(X\); model\./,
        );
      }
    }
    expect(() => est.predict(X)).toThrow("GaussianMixture.predict: it has not been fitted");
  });

  it("without `await` (a fit still running): NOT_FITTED, never the previous model's answer", async () => {
    const est = new GaussianMixture({ nComponents: 2, randomState: 0 });
    await est.fit(X);
    const running = est.fit(X.slice(10)); // no await
    expect(() => est.predict(X)).toThrow("GaussianMixture.predict: a fit is still running (was it awaited?)");
    await running;
    expect(est.predict(X)).toEqual((await running).predict(X));
  });

  it("a failed fit leaves no fit running (the estimator answers with its last good model)", async () => {
    const est = new GaussianMixture({ nComponents: 2, randomState: 0 });
    const good = await est.fit(X);
    await expect(est.fit([[1, Number.NaN]])).rejects.toThrow(GaussMixError);
    expect(est.predict(X)).toEqual(good.predict(X));
  });
});

describe("what console.log(model) shows", () => {
  it("the fitted parameters and summary, not the engine's storage", async () => {
    const model = await new GaussianMixture({ nComponents: 2, covarianceType: "diag", randomState: 0 }).fit(X);
    const shown = inspect(model, { depth: 4 });
    expect(shown.startsWith("FittedGaussianMixture {")).toBe(true);
    for (const key of ["covarianceType: 'diag'", "nComponents: 2", "nFeatures: 2", "converged: true", "weights: ["])
      expect(shown).toContain(key);
    expect(shown).toContain(`lowerBound: ${inspect(model.lowerBound)}`);
    expect(shown).toContain(inspect(model.means[0][0]));
    for (const hidden of ["params", "cache", "Float64Array", "factors", "Map"]) expect(shown).not.toContain(hidden);
    // Nested deeper than the inspection depth, it is named with its type only.
    expect(inspect({ a: { b: model } }, { depth: 1 })).toContain(`[FittedGaussianMixture<"diag">]`);
    // Its own enumerable keys are the public fields only.
    expect(Object.keys(model)).not.toContain("params");
    expect(Object.keys(model)).toEqual(
      expect.arrayContaining(["covarianceType", "nComponents", "nFeatures", "converged", "nIter", "lowerBound"]),
    );
    // The public parameters are unchanged by the inspection, and the model still restores.
    expect(FittedGaussianMixture.fromJSON(model.toJSON()).predict(X)).toEqual(model.predict(X));
  });
});
