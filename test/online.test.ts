// Online EM (partialFit): on a stationary source it approaches the batch fit; on a drifting source it follows
// the drift; after every call the model is valid (weights sum to 1, covariances positive definite).
import { describe, expect, it } from "vitest";
import {
  type CovarianceType,
  type FittedGaussianMixture,
  FittedGaussianMixture as Model,
  GaussianMixture,
  OnlineGaussianMixture,
} from "../src/index.js";

const TYPES: CovarianceType[] = ["full", "tied", "diag", "spherical"];

function truth(shift = 0) {
  return Model.fromParameters({
    covarianceType: "full",
    weights: [0.5, 0.3, 0.2],
    means: [
      [0 + shift, 0],
      [6 + shift, 1],
      [2 + shift, 7],
    ],
    covariances: [
      [
        [1, 0.3],
        [0.3, 0.5],
      ],
      [
        [0.6, -0.2],
        [-0.2, 1.2],
      ],
      [
        [0.8, 0],
        [0, 0.8],
      ],
    ],
  });
}

/** Means sorted by their first coordinate (components have no fixed order). */
function sortedMeans(m: FittedGaussianMixture): number[][] {
  return [...m.means].map((r) => [...r]).sort((a, b) => a[0] - b[0]);
}

function isValid(m: FittedGaussianMixture): void {
  expect(Math.abs(m.weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
  expect(m.weights.every((w) => w > 0)).toBe(true);
  const d = m.nFeatures;
  const blocks =
    m.covarianceType === "full"
      ? (m.covariances as number[][][])
      : m.covarianceType === "tied"
        ? [m.covariances as number[][]]
        : m.covarianceType === "diag"
          ? (m.covariances as number[][]).map((v) => v.map((x, i) => v.map((_, j) => (i === j ? x : 0))))
          : (m.covariances as number[]).map((s) =>
              Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? s : 0))),
            );
  for (const C of blocks) {
    // Cholesky succeeds with positive pivots: positive definite
    const L = C.map((r) => r.map(() => 0));
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let s = C[i][j];
        for (let q = 0; q < j; q++) s -= L[i][q] * L[j][q];
        if (i === j) {
          expect(s).toBeGreaterThan(0);
          L[i][i] = Math.sqrt(s);
        } else L[i][j] = s / L[j][j];
      }
      for (let j = 0; j < d; j++) expect(Math.abs(C[i][j] - C[j][i])).toBeLessThan(1e-12 * (1 + Math.abs(C[i][j])));
    }
  }
}

describe.each(TYPES)("partialFit, %s", (covarianceType) => {
  it("on a stationary source approaches the batch fit (means 0.05, weights 0.01); valid after every call", async () => {
    const online = new OnlineGaussianMixture({ nComponents: 3, covarianceType, randomState: 0 });
    const source = truth();
    for (let t = 0; t < 60; t++) isValid(await online.partialFit(source.sample(1000, { randomState: t + 1 }).X));
    expect(online.nBatches).toBe(60);
    const all = source.sample(60_000, { randomState: 999 }).X;
    const batch = await new GaussianMixture({ nComponents: 3, covarianceType, randomState: 0, tol: 1e-6 }).fit(all);
    const m = online.model!;
    const a = sortedMeans(m);
    const b = sortedMeans(batch);
    for (let c = 0; c < 3; c++) for (let j = 0; j < 2; j++) expect(Math.abs(a[c][j] - b[c][j])).toBeLessThan(0.05);
    expect(Math.max(...[...m.weights].sort().map((w, c) => Math.abs(w - [...batch.weights].sort()[c])))).toBeLessThan(
      0.01,
    );
  });
});

describe("partialFit on a drifting source", () => {
  it("follows the drift (every mean within 0.45 of the current truth after a drift of 4)", async () => {
    const online = new OnlineGaussianMixture({
      nComponents: 3,
      covarianceType: "full",
      stepDecay: 0.51,
      randomState: 0,
    });
    const T = 200;
    let atHalf: number[][] = [];
    for (let t = 0; t < T; t++) {
      const shift = (4 * t) / T;
      const m = await online.partialFit(truth(shift).sample(500, { randomState: t + 1 }).X);
      isValid(m);
      if (t === T / 2) atHalf = sortedMeans(m);
    }
    const now = sortedMeans(truth((4 * (T - 1)) / T));
    const got = sortedMeans(online.model!);
    // Stepwise EM lags a drift by about (drift per batch) / (step size): 0.02 / 200^−0.51 ≈ 0.3 here, plus noise.
    for (let c = 0; c < 3; c++) {
      expect(Math.abs(got[c][0] - now[c][0])).toBeLessThan(0.45);
      expect(Math.abs(got[c][1] - now[c][1])).toBeLessThan(0.45);
      expect(got[c][0] - atHalf[c][0]).toBeGreaterThan(1.5); // it moved with the data
    }
  });
});

describe("partialFit options and errors", () => {
  it("the step size is 1, then 1/t in the warm-up, then (t + t0)^−κ; the warm-up keeps the parameters", async () => {
    const online = new OnlineGaussianMixture({ nComponents: 2, warmUp: 3, stepOffset: 2, stepDecay: 0.75 });
    expect([1, 2, 3, 4, 9].map((t) => online.stepSize(t))).toEqual([1, 1 / 2, 1 / 3, 6 ** -0.75, 11 ** -0.75]);
    const first = await online.partialFit(truth().sample(300, { randomState: 1 }).X);
    const second = await online.partialFit(truth().sample(300, { randomState: 2 }).X);
    const third = await online.partialFit(truth().sample(300, { randomState: 3 }).X);
    expect(second).toBe(first);
    expect(third).toBe(first);
    const fourth = await online.partialFit(truth().sample(300, { randomState: 4 }).X);
    expect(fourth).not.toBe(first);
    isValid(fourth);
  });

  it("bad options and batches are coded errors", async () => {
    for (const bad of [{ stepDecay: 0.5 }, { stepDecay: 1.2 }, { stepOffset: -1 }, { warmUp: 1.5 }, { tol: 1 }]) {
      expect(() => new OnlineGaussianMixture(bad as never)).toThrow(
        expect.objectContaining({ code: "INVALID_OPTION" }),
      );
    }
    const online = new OnlineGaussianMixture({ nComponents: 3 });
    await expect(online.partialFit([[1, 2]])).rejects.toMatchObject({ code: "TOO_FEW_SAMPLES" });
    await online.partialFit(truth().sample(300).X);
    await expect(online.partialFit([[1, 2, 3]])).rejects.toMatchObject({ code: "FEATURE_MISMATCH" });
    await expect(online.partialFit([[1, Number.NaN]])).rejects.toMatchObject({ code: "INVALID_DATA" });
  });
});
