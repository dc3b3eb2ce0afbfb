// Model selection: the whole table, the right number of clusters on data where it is known, failing cells
// recorded, determinism, and criteria consistent with the scikit-learn-checked model.bic / model.aic.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GaussianMixture, selectModel } from "../src/index.js";
import { Random } from "../src/rng.js";

function csv(name: string): number[][] {
  const lines = readFileSync(new URL(`../examples/${name}`, import.meta.url), "utf8")
    .trim()
    .split("\n")
    .slice(1);
  return lines.map((l) => l.split(",").slice(0, -1).map(Number));
}

describe("selectModel", () => {
  it("picks 3 full components on the bundled 2-D example", async () => {
    const X = csv("three-gaussians.csv");
    const s = await selectModel(X, { nComponents: [1, 2, 3, 4, 5], randomState: 0 });
    expect(s.table).toHaveLength(20);
    expect(s.bestRow.nComponents).toBe(3);
    expect(s.bestRow.covarianceType).toBe("full");
    expect(s.best.nComponents).toBe(3);
    expect(Math.min(...s.table.map((r) => r.bic))).toBe(s.bestRow.bic);
  });

  it("picks 2 components on the 1-D two-class data by BIC and ICL (AIC's lighter penalty may prefer more)", async () => {
    const X = csv("two-classes-1d.csv").map((r) => r[0]);
    for (const criterion of ["bic", "icl"] as const) {
      const s = await selectModel(X, { nComponents: [1, 2, 3, 4], covarianceTypes: ["full"], criterion });
      expect(s.bestRow.nComponents).toBe(2);
    }
    const aic = await selectModel(X, { nComponents: [1, 2, 3, 4], covarianceTypes: ["full"], criterion: "aic" });
    expect(aic.bestRow.nComponents).toBeGreaterThanOrEqual(2);
  });

  it("finds k = 4 in well-separated 3-D blobs", async () => {
    const rng = new Random(3);
    const X = Array.from({ length: 800 }, (_, i) => [0, 1, 2].map((j) => 10 * (i % 4 === j ? 1 : 0) + rng.normal()));
    const s = await selectModel(X, { nComponents: [1, 2, 3, 4, 5, 6], covarianceTypes: ["spherical", "diag"] });
    expect(s.bestRow.nComponents).toBe(4);
  });

  it("criteria agree with model.bic / model.aic and the parameter counts with scikit-learn's formula", async () => {
    const X = csv("three-gaussians.csv");
    // With scikit-learn's initialisation every cell is the independent fit of the same options.
    const s = await selectModel(X, { nComponents: [2], randomState: 5, initParams: "kmeans", tol: 1e-3 });
    expect(s.bestRow.bic).toBeCloseTo(s.best.bic(X), 6);
    for (const row of s.table) {
      const m = await new GaussianMixture({
        nComponents: 2,
        covarianceType: row.covarianceType,
        randomState: 5,
        initParams: "kmeans",
      }).fit(X);
      expect(row.bic).toBeCloseTo(m.bic(X), 6);
      expect(row.aic).toBeCloseTo(m.aic(X), 6);
      expect(row.logLikelihood).toBeCloseTo(m.score(X) * X.length, 6);
      expect(row.icl).toBeGreaterThanOrEqual(row.bic);
    }
    // k = 2, d = 2: full 2·3 + 4 + 1, tied 3 + 4 + 1, diag 4 + 4 + 1, spherical 2 + 4 + 1.
    const p = Object.fromEntries(s.table.map((r) => [r.covarianceType, r.nParameters]));
    expect(p).toEqual({ full: 11, tied: 8, diag: 9, spherical: 7 });
  });

  it("records a failing cell instead of failing, and is deterministic", async () => {
    const X = [...Array.from({ length: 12 }, () => [1, 1]), [2, 3], [3, 2], [4, 4]];
    const s = await selectModel(X, { nComponents: [1, 2, 3], covarianceTypes: ["full"], regCovar: 0, randomState: 1 });
    const failed = s.table.filter((r) => r.error);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].error!.code).toBe("ILL_DEFINED_COVARIANCE");
    expect(Number.isNaN(failed[0].bic)).toBe(true);
    const again = await selectModel(X, {
      nComponents: [1, 2, 3],
      covarianceTypes: ["full"],
      regCovar: 0,
      randomState: 1,
    });
    expect(again.table).toEqual(s.table);
  });

  it("weights the criteria with sample weights (integer weights = repeated rows)", async () => {
    const X = csv("two-classes-1d.csv")
      .map((r) => r[0])
      .slice(0, 300);
    const w = X.map((_, i) => 1 + (i % 2));
    const rep = X.flatMap((x, i) => (w[i] === 2 ? [x, x] : [x]));
    const a = await selectModel(X, {
      nComponents: [2],
      covarianceTypes: ["full"],
      sampleWeight: w,
      initParams: "random_from_data",
    });
    const b = await selectModel(X, { nComponents: [2], covarianceTypes: ["full"], initParams: "random_from_data" });
    expect(a.table[0].nParameters).toBe(b.table[0].nParameters);
    expect(rep.length).toBe(w.reduce((x, y) => x + y, 0));
    // BIC uses n = Σw: −2 Σ w log p + p ln Σw.
    const m = a.best;
    const ll = m.scoreSamples(X).reduce((s, v, i) => s + w[i] * v, 0);
    expect(a.table[0].bic).toBeCloseTo(-2 * ll + m.nParameters() * Math.log(rep.length), 8);
  });

  it("rejects bad options", async () => {
    await expect(selectModel([1, 2, 3], { criterion: "mdl" as never })).rejects.toMatchObject({
      code: "INVALID_OPTION",
    });
    await expect(selectModel([1, 2, 3], { nComponents: [] })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    await expect(selectModel([1, 2, 3], { covarianceTypes: ["banded" as never] })).rejects.toMatchObject({
      code: "INVALID_OPTION",
    });
  });
});

const faithful = readFileSync(new URL("./fixtures/faithful.csv", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => l.split(",").map(Number));

/**
 * The spurious-fit rule, written out independently of the library's: a component (not tied) with less than d + 1
 * samples' weight, or a covariance whose smallest eigenvalue of D⁻¹ΣD⁻¹ (D = diag of each feature's resolution)
 * is below 1/12, checked here by Sylvester's criterion on D⁻¹ΣD⁻¹ − I/12 (determinants by cofactors; d ≤ 4).
 */
function spurious(
  model: { weights: number[]; covariances: unknown; covarianceType: string },
  n: number,
  res: number[],
): boolean {
  const d = res.length;
  const k = model.weights.length;
  if (model.covarianceType !== "tied" && model.weights.some((w) => w * n < d + 1)) return true;
  const full = (c: number): number[][] => {
    const S = model.covariances as never;
    if (model.covarianceType === "full") return (S as number[][][])[c];
    if (model.covarianceType === "tied") return S as number[][];
    if (model.covarianceType === "diag")
      return (S as number[][])[c].map((v, a) => res.map((_, b) => (a === b ? v : 0)));
    return res.map((_, a) => res.map((_, b) => (a === b ? (S as number[])[c] : 0)));
  };
  // Smallest eigenvalue ≥ 1/12 ⟺ every leading minor of M − I/12 is positive (Sylvester's criterion).
  const det = (M: number[][]): number => {
    if (M.length === 1) return M[0][0];
    return M[0].reduce(
      (s, v, j) => s + (j % 2 ? -1 : 1) * v * det(M.slice(1).map((r) => r.filter((_, c) => c !== j))),
      0,
    );
  };
  for (let c = 0; c < (model.covarianceType === "tied" ? 1 : k); c++) {
    const M = full(c).map((r, a) => r.map((v, b) => v / (res[a] * res[b]) - (a === b ? 1 / 12 : 0)));
    for (let m = 1; m <= d; m++) if (!(det(M.slice(0, m).map((r) => r.slice(0, m))) > 0)) return true;
  }
  return false;
}

describe("selectModel as one search", () => {
  it("chooses tied k = 3 on Old Faithful (mclust's choice) with at least mclust's log-likelihood", async () => {
    const s = await selectModel(faithful, { nComponents: [1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect([s.bestRow.covarianceType, s.bestRow.nComponents]).toEqual(["tied", 3]);
    // mclust 6.0: tied (EEE) k = 3, log-likelihood −1126.326236 (test/fixtures/make_faithful.R).
    expect(s.bestRow.logLikelihood).toBeGreaterThanOrEqual(-1126.326236 - 0.01);
    expect(s.table).toHaveLength(36);
  });

  it("never chooses a spurious fit, even where the likelihood of one is higher (iris, rounded to 0.1 cm)", async () => {
    const iris = readFileSync(new URL("./fixtures/iris.csv", import.meta.url), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",").map(Number));
    const res = [0.1, 0.1, 0.1, 0.1];
    for (const criterion of ["bic", "aic"] as const) {
      const s = await selectModel(iris, { nComponents: [1, 2, 3, 4, 5, 6, 7, 8, 9], criterion });
      expect(s.bestRow.spurious ?? false).toBe(false);
      const chosen = {
        covarianceType: s.best.covarianceType,
        weights: [...s.best.weights],
        covariances: s.best.covariances,
      };
      expect(spurious(chosen, iris.length, res)).toBe(false);
      for (const row of s.table) expect(row.error).toBeUndefined();
    }
  });

  it("gives every row its fitted model: the row's numbers are the model's and its spurious flag the rule's", async () => {
    const s = await selectModel(faithful, { nComponents: [1, 2, 3, 4, 5, 6, 7, 8, 9] });
    const n = faithful.length;
    // Each feature's resolution, from the data: the smallest gap between distinct values.
    const res = [0, 1].map((j) => {
      const v = [...new Set(faithful.map((r) => r[j]))].sort((a, b) => a - b);
      return Math.min(...v.slice(1).map((x, i) => x - v[i]));
    });
    for (const row of s.table) {
      const m = row.model!;
      expect([m.nComponents, m.covarianceType]).toEqual([row.nComponents, row.covarianceType]);
      expect(row.logLikelihood).toBeCloseTo(m.score(faithful) * n, 6);
      expect(row.bic).toBeCloseTo(m.bic(faithful), 6);
      expect(row.aic).toBeCloseTo(m.aic(faithful), 6);
      const fit = { covarianceType: m.covarianceType, weights: [...m.weights], covariances: m.covariances };
      expect(row.spurious ?? false).toBe(spurious(fit, n, res));
    }
    expect(s.best).toBe(s.bestRow.model);
  });

  it("reaches mclust's log-likelihood with a proper fit in at least 34 of the 36 cells of Old Faithful", async () => {
    // mclust 6.0's Mclust(faithful, G = 1:9, modelNames = c("VII", "VVI", "EEE", "VVV")), every cell a proper fit
    // (bench/quality/refs/mclust/faithful.json, made by bench/quality/mclust_refs.R).
    const mclust = JSON.parse(
      readFileSync(new URL("../bench/quality/refs/mclust/faithful.json", import.meta.url), "utf8"),
    ) as { cells: { k: number; covarianceType: string; loglik: number }[] };
    const s = await selectModel(faithful, { nComponents: [1, 2, 3, 4, 5, 6, 7, 8, 9] });
    let reached = 0;
    for (const row of s.table) {
      const mc = mclust.cells.find((c) => c.k === row.nComponents && c.covarianceType === row.covarianceType)!;
      // mclust stops at a relative change of 1e-5: its values are judged at that precision.
      if (!row.spurious && row.logLikelihood >= mc.loglik - Math.max(0.01, 1e-5 * Math.abs(mc.loglik))) reached++;
    }
    expect(reached).toBeGreaterThanOrEqual(34);
  });

  it("is deterministic and honours threads", async () => {
    const a = await selectModel(faithful, { nComponents: [2, 3], randomState: 4 });
    const b = await selectModel(faithful, { nComponents: [2, 3], randomState: 4, threads: 2 });
    expect(a.table.map((r) => r.logLikelihood)).toEqual(b.table.map((r) => expect.closeTo(r.logLikelihood, 6)));
  });

  it("a signal aborts it between cells", async () => {
    const controller = new AbortController();
    let seen = 0;
    const run = selectModel(faithful, {
      nComponents: [1, 2, 3, 4, 5],
      signal: controller.signal,
      onProgress: (done) => {
        seen = done;
        if (done === 3) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: "ABORTED" });
    expect(seen).toBe(3);
  });
});

describe("a cell continued from given parameters (the fallback from the search's next candidates)", () => {
  it("is EM from those parameters with the cell's own regularisation, as explicit initial parameters with the same amounts", async () => {
    const rng = new Random(5);
    // Two overlapping clusters; the first feature in small units (its variance about 1e-6).
    const X = Array.from({ length: 400 }, (_, i) => [
      rng.normal() * 1e-3 + (i % 2) * 1e-3,
      rng.normal() * 50 + (i % 2) * 60,
    ]);
    // The default regularisation, computed here: 1e-6 × min(1, each feature's variance).
    const variance = [0, 1].map((j) => {
      const mean = X.reduce((a, r) => a + r[j], 0) / X.length;
      return X.reduce((a, r) => a + (r[j] - mean) ** 2, 0) / X.length;
    });
    const want = variance.map((v) => 1e-6 * Math.min(1, v));
    for (const covarianceType of ["full", "tied", "diag", "spherical"] as const) {
      const options = { nComponents: 3, covarianceType, tol: 1e-6, accelerate: true };
      // Parameters far from any optimum: one iteration from random rows.
      const first = await new GaussianMixture({ ...options, initParams: "random_from_data", maxIter: 1 }).fit(X);
      expect(first.converged).toBe(false);
      const viaStart = await new GaussianMixture(options).fitWithContext(X, {}, { start: first.params });
      const amounts = viaStart.regCovar ?? [];
      for (let j = 0; j < 2; j++) expect(amounts[j]).toBeCloseTo(want[j], 18);
      // The same EM through the public route: explicit parameters and the amounts computed above.
      const toArray = (x: unknown): unknown =>
        typeof x === "number" ? x : Array.from(x as ArrayLike<unknown>, toArray);
      const viaPublic = await new GaussianMixture({
        ...options,
        regCovar: want,
        weightsInit: [...first.weights],
        meansInit: first.means.map((r) => [...r]),
        precisionsInit: toArray(first.precisions) as never,
      }).fit(X);
      expect(viaStart.nIter).toBeGreaterThan(3); // EM had a way to go
      expect(viaStart.nIter).toBe(viaPublic.nIter);
      expect(viaStart.lowerBound).toBeCloseTo(viaPublic.lowerBound, 9);
      for (let c = 0; c < 3; c++) {
        for (let j = 0; j < 2; j++) {
          const scale = j === 0 ? 1e-3 : 50;
          expect(Math.abs(viaStart.means[c][j] - viaPublic.means[c][j]) / scale).toBeLessThan(1e-6);
        }
      }
    }
  });
});
