// regCovar: relative to each feature's variance when not given and the library chooses the initialisation
// ("auto", "hc"); scikit-learn's absolute amount when given, with scikit-learn's initialisations or with explicit
// initial parameters. Oracles: one-component fits (the M-step from responsibilities 1 is the data's biased
// covariance plus the amount, computed here in plain arithmetic), scale equivariance (fitting X·diag(s) must give
// the fit of X in other units), and mclust's log-likelihood on the benchmark's `scales` data set.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type CovarianceType,
  FittedGaussianMixture,
  fitStream,
  GaussianMixture,
  OnlineGaussianMixture,
  selectModel,
} from "../src/index.js";
import { setThreadsMinWork } from "../src/em/fit-setup.js";
import { Random } from "../src/rng.js";
import { maxRelError } from "./helpers/fixtures.js";

const TYPES: CovarianceType[] = ["full", "tied", "diag", "spherical"];

/** k well-separated blobs in d dimensions, feature j in units of scale[j]. */
function blobs(seed: number, n: number, k: number, scale: number[]): number[][] {
  const rng = new Random(seed);
  const d = scale.length;
  const centers = Array.from({ length: k }, () => Array.from({ length: d }, () => 5 * rng.normal()));
  return Array.from({ length: n }, (_, i) => centers[i % k].map((c, j) => (c + rng.normal()) * scale[j]));
}

/** The biased (÷n) variance of every column, in plain arithmetic. */
function columnVariances(X: number[][]): number[] {
  const n = X.length;
  return X[0].map((_, j) => {
    const mean = X.reduce((a, r) => a + r[j], 0) / n;
    return X.reduce((a, r) => a + (r[j] - mean) ** 2, 0) / n;
  });
}

/** The diagonal of a fitted model's only component (k = 1) as d values, whatever the covariance type. */
function variancesOf(m: FittedGaussianMixture): number[] {
  const c = m.covariances as any;
  const d = m.nFeatures;
  switch (m.covarianceType) {
    case "full":
      return Array.from({ length: d }, (_, j) => c[0][j][j]);
    case "tied":
      return Array.from({ length: d }, (_, j) => c[j][j]);
    case "diag":
      return Array.from(c[0]);
    default:
      return Array.from({ length: d }, () => c[0]);
  }
}

const scaleOf = (x: number[][], s: number[]) => x.map((r) => r.map((v, j) => v * s[j]));

/** The default amount for a feature of variance v: 1e-6 × v, never more than scikit-learn's 1e-6. */
const relative = (v: number) => 1e-6 * Math.min(v, 1);

describe("the amount added to each variance (one component: covariance = data variance + amount)", () => {
  const X = blobs(3, 120, 1, [1e-3, 1, 1e3]);
  const v = columnVariances(X);
  const meanV = v.reduce((a, b) => a + b, 0) / v.length;

  it.each(TYPES)(
    "default initialisation, regCovar not given: 1e-6 × each feature's variance, at most 1e-6 (%s)",
    async (type) => {
      const m = await new GaussianMixture({ covarianceType: type }).fit(X);
      expect(maxRelError(m.regCovar, v.map(relative))).toBeLessThan(1e-12);
      const meanAmount = v.reduce((a, x) => a + relative(x), 0) / v.length;
      const expected = type === "spherical" ? v.map(() => meanV + meanAmount) : v.map((x) => x + relative(x));
      expect(maxRelError(variancesOf(m), expected)).toBeLessThan(1e-12);
    },
  );

  it.each(TYPES)('initParams "hc": relative too (%s)', async (type) => {
    const m = await new GaussianMixture({ covarianceType: type, initParams: "hc" }).fit(X);
    expect(maxRelError(m.regCovar, v.map(relative))).toBeLessThan(1e-12);
  });

  const absolute: [string, object, number][] = [
    ["regCovar 1e-6 given", { regCovar: 1e-6 }, 1e-6],
    ["regCovar 1e-3 given", { regCovar: 1e-3 }, 1e-3],
    ["regCovar 0 given", { regCovar: 0 }, 0],
    ['initParams "kmeans"', { initParams: "kmeans" }, 1e-6],
    ['initParams "random_from_data"', { initParams: "random_from_data" }, 1e-6],
    ["explicit meansInit", { meansInit: [[0, 0, 0]] }, 1e-6],
    ["explicit weightsInit", { weightsInit: [1] }, 1e-6],
  ];
  describe.each(TYPES)("%s", (type) => {
    it.each(absolute)("%s: the absolute amount, in the data's units", async (_name, options, amount) => {
      const m = await new GaussianMixture({ covarianceType: type, ...options }).fit(X);
      expect(m.regCovar).toEqual(v.map(() => amount));
      const expected = (type === "spherical" ? v.map(() => meanV) : v).map((x) => x + amount);
      expect(maxRelError(variancesOf(m), expected)).toBeLessThan(1e-12);
    });
  });

  it.each(TYPES)("regCovar as one amount per feature: those amounts (%s)", async (type) => {
    const amounts = [1e-9, 1e-4, 2];
    const m = await new GaussianMixture({ covarianceType: type, regCovar: amounts }).fit(X);
    expect(m.regCovar).toEqual(amounts);
    const meanA = amounts.reduce((a, b) => a + b, 0) / 3;
    const expected = type === "spherical" ? v.map(() => meanV + meanA) : v.map((x, j) => x + amounts[j]);
    expect(maxRelError(variancesOf(m), expected)).toBeLessThan(1e-12);
  });

  it("regCovar per feature: the wrong number of amounts, or a bad one, is refused", async () => {
    await expect(new GaussianMixture({ regCovar: [1e-6, 1e-6] }).fit(X)).rejects.toThrow(
      expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringMatching(/2 amounts but X has 3/) }),
    );
    expect(() => new GaussianMixture({ regCovar: [1e-6, -1] })).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringMatching(/regCovar must be/) }),
    );
    expect(() => new GaussianMixture({ regCovar: [] })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
  });

  it("a constant feature gets the amount of the largest variance; all-constant data the absolute 1e-6", async () => {
    const withConstant = X.map((r) => [r[0], 0.1, r[2]]); // 0.1: its computed mean is not exactly 0.1
    const m = await new GaussianMixture({ nComponents: 2 }).fit(withConstant);
    const vc = columnVariances(withConstant);
    expect(maxRelError(m.regCovar, [relative(vc[0]), relative(vc[2]), relative(vc[2])])).toBeLessThan(1e-12);
    expect(Array.from(m.scoreSamples(withConstant)).every(Number.isFinite)).toBe(true);
    for (const type of TYPES) {
      const c = await new GaussianMixture({ nComponents: 3, covarianceType: type }).fit(
        Array.from({ length: 40 }, () => [0.1, -7]),
      );
      expect(c.regCovar).toEqual([1e-6, 1e-6]);
      expect(Number.isFinite(c.lowerBound)).toBe(true);
    }
  });

  it("sample weights weight the variances", async () => {
    const w = X.map((_, i) => (i % 4 === 0 ? 3 : i % 4 === 1 ? 0 : 1));
    const repeated = X.flatMap((x, i) => Array.from({ length: w[i] }, () => x));
    const m = await new GaussianMixture({ covarianceType: "diag" }).fit(X, { sampleWeight: w });
    expect(maxRelError(m.regCovar, columnVariances(repeated).map(relative))).toBeLessThan(1e-12);
  });
});

describe("scale equivariance of the default fit", () => {
  // Spherical covariances are equivariant under a common scale only; the others under any diagonal scaling.
  // Features of variance below 1 before and after (where the amount is proportional to the variance).
  const scales: Record<CovarianceType, number[]> = {
    full: [1e-3, 1, 1e-6],
    tied: [1e-3, 1, 1e-6],
    diag: [1e-3, 1, 1e-6],
    spherical: [1e-3, 1e-3, 1e-3],
  };
  const X = blobs(11, 400, 3, [0.01, 0.02, 0.005]);
  it.each(TYPES)(
    "fitting X·diag(s) gives the responsibilities of X and a log-likelihood lower by Σ log s_j (%s)",
    async (type) => {
      const s = scales[type];
      const Xs = scaleOf(X, s);
      const options = { nComponents: 3, covarianceType: type, randomState: 4 } as const;
      const a = await new GaussianMixture(options).fit(X);
      const b = await new GaussianMixture(options).fit(Xs);
      const logS = s.reduce((acc, x) => acc + Math.log(x), 0);
      expect(Math.abs(b.lowerBound - (a.lowerBound - logS))).toBeLessThan(1e-9);
      expect(b.nIter).toBe(a.nIter);
      const ra = a.predictProba(X).data;
      const rb = b.predictProba(Xs).data;
      expect(Math.max(...ra.map((r, i) => Math.abs(r - rb[i])))).toBeLessThan(1e-9);
      expect(
        maxRelError(
          b.means,
          a.means.map((m) => m.map((x, j) => x * s[j])),
        ),
      ).toBeLessThan(1e-9);
      expect(
        maxRelError(
          b.regCovar,
          a.regCovar!.map((x, j) => x * s[j] * s[j]),
        ),
      ).toBeLessThan(1e-12);
    },
  );

  it("on data larger than the search's subsample (the search's M-steps use the same amounts)", async () => {
    const big = blobs(12, 4600, 3, [0.01, 0.01, 0.01]);
    const s = [1e-3, 1e-5, 1];
    const options = { nComponents: 3, covarianceType: "full", randomState: 2 } as const;
    const a = await new GaussianMixture(options).fit(big);
    const b = await new GaussianMixture(options).fit(scaleOf(big, s));
    const logS = s.reduce((acc, x) => acc + Math.log(x), 0);
    expect(Math.abs(b.lowerBound - (a.lowerBound - logS))).toBeLessThan(1e-9);
    expect(
      maxRelError(
        b.means,
        a.means.map((m) => m.map((x, j) => x * s[j])),
      ),
    ).toBeLessThan(1e-9);
  });

  it("threads: the passes split, the same amounts and the same fit", async () => {
    const prev = setThreadsMinWork(0);
    try {
      const X2 = blobs(13, 600, 3, [1e-3, 1, 1e3]);
      const one = await new GaussianMixture({ nComponents: 3 }).fit(X2);
      const two = await new GaussianMixture({ nComponents: 3, threads: 2 }).fit(X2);
      expect(two.regCovar).toEqual(one.regCovar);
      expect(Math.abs(two.lowerBound - one.lowerBound)).toBeLessThan(1e-10);
    } finally {
      setThreadsMinWork(prev);
    }
  });

  it("threads on large data: the moment sweeps split over threads give the plain variances", async () => {
    // 50,000 × 3 is past the size from which the two sweeps for the amounts run on the pool's threads.
    const X2 = blobs(17, 50_000, 3, [1e-3, 1e-2, 1e-1]);
    const expected = columnVariances(X2).map(relative);
    const prev = setThreadsMinWork(0);
    try {
      const one = await new GaussianMixture({ nComponents: 1, covarianceType: "diag", maxIter: 1 }).fit(X2);
      const options = { nComponents: 1, covarianceType: "diag", maxIter: 1, threads: 2 } as const;
      const two = await new GaussianMixture(options).fit(X2);
      expect(two.threads).toBe(2);
      expect(maxRelError(one.regCovar!, expected)).toBeLessThan(1e-12);
      expect(maxRelError(two.regCovar!, expected)).toBeLessThan(1e-12);
    } finally {
      setThreadsMinWork(prev);
    }
  });

  it("with an absolute regCovar the units change the fit (the behaviour the default avoids)", async () => {
    const X2 = blobs(11, 400, 3, [1, 1, 1]);
    const s = [1e-4, 1, 1];
    const options = { nComponents: 3, covarianceType: "diag", randomState: 4, regCovar: 1e-6 } as const;
    const a = await new GaussianMixture(options).fit(X2);
    const b = await new GaussianMixture(options).fit(scaleOf(X2, s));
    // Feature 0 of the scaled data has variance ~1e-8 per component: 1e-6 swamps it.
    expect(a.lowerBound - Math.log(1e-4) - b.lowerBound).toBeGreaterThan(1);
  });
});

describe("the benchmark's `scales` data set (features in units 1e-3, 1e-1, 1e1, 1e3)", () => {
  const rows = readFileSync(new URL("../bench/quality/data/scales.csv", import.meta.url), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").map(Number));
  // mclust 6.0.0, Mclust(X, G = 4, modelNames = "VVV") (no regularisation): its total log-likelihood, stored in
  // bench/quality/refs/mclust/scales.json (bench/quality/mclust_refs.R) and checked against that file here.
  const MCLUST_FULL_K4 = -3834.600696406145;
  const reaches = (ll: number) => ll >= MCLUST_FULL_K4 - Math.max(0.01, 1e-5 * Math.abs(MCLUST_FULL_K4));
  const total = (m: FittedGaussianMixture) => Array.from(m.scoreSamples(rows)).reduce((a, b) => a + b, 0);

  it("the reference is the one the quality benchmark stores", () => {
    const doc = JSON.parse(
      readFileSync(new URL("../bench/quality/refs/mclust/scales.json", import.meta.url), "utf8"),
    ) as { cells: { k: number; covarianceType: string; loglik: number }[] };
    expect(doc.cells.find((c) => c.k === 4 && c.covarianceType === "full")?.loglik).toBe(MCLUST_FULL_K4);
  });

  it("the default fit (full, k = 4) reaches mclust's optimum for several seeds; the absolute 1e-6 cannot", async () => {
    for (const randomState of [0, 1, 2]) {
      const m = await new GaussianMixture({ nComponents: 4, randomState }).fit(rows);
      expect(reaches(total(m)), `seed ${randomState}: ${total(m)}`).toBe(true);
    }
    const absolute = await new GaussianMixture({ nComponents: 4, regCovar: 1e-6 }).fit(rows);
    expect(reaches(total(absolute))).toBe(false);
  });
});

describe("every M-step path uses the same amounts", () => {
  const X = blobs(7, 300, 2, [1e-2, 1e2]);
  const v = columnVariances(X);

  it("model.step continues the fit with its amounts; toModel takes them as an array; the document keeps them", async () => {
    const est = new GaussianMixture({ nComponents: 2, warmStart: true, maxIter: 1, randomState: 1 });
    const m0 = await est.fit(X);
    const m1 = await est.fit(X);
    const stats = m0.statistics(X);
    for (const next of [m0.step(stats), stats.toModel({ regCovar: m0.regCovar })]) {
      expect(maxRelError(next.covariances, m1.covariances)).toBeLessThan(1e-12);
      expect(next.regCovar).toEqual(m0.regCovar);
    }
    // toModel's own default stays scikit-learn's absolute 1e-6.
    expect(stats.toModel().regCovar).toEqual([1e-6, 1e-6]);
    // Explicit initial parameters with the fit's amounts: scikit-learn's EM step from m0, with m0's regularisation.
    const explicit = await new GaussianMixture({
      nComponents: 2,
      weightsInit: m0.weights,
      meansInit: m0.means,
      precisionsInit: m0.precisions,
      regCovar: m0.regCovar,
      maxIter: 1,
    }).fit(X);
    expect(maxRelError(explicit.covariances, m1.covariances)).toBeLessThan(1e-12);
    const back = FittedGaussianMixture.fromJSON(JSON.parse(JSON.stringify(m0)));
    expect(back.regCovar).toEqual(m0.regCovar);
    expect(maxRelError(back.step(stats).covariances, m1.covariances)).toBeLessThan(1e-12);
  });

  it("toModel and the document refuse bad amounts", async () => {
    const m = await new GaussianMixture({ nComponents: 2 }).fit(X);
    const stats = m.statistics(X);
    expect(() => stats.toModel({ regCovar: [1e-6] })).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringMatching(/array of 2/) }),
    );
    expect(() => stats.toModel({ regCovar: [1e-6, -1] })).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringMatching(/-1 at index 1/) }),
    );
    expect(() => FittedGaussianMixture.fromJSON({ ...m.toJSON(), regCovar: [1, Number.NaN] })).toThrow(
      expect.objectContaining({ code: "INVALID_MODEL_JSON" }),
    );
  });

  it("selectModel's cells follow the same rule", async () => {
    const rel = await selectModel(X, { nComponents: [1, 2], covarianceTypes: ["diag", "full"] });
    expect(maxRelError(rel.best.regCovar, v.map(relative))).toBeLessThan(1e-12);
    const abs = await selectModel(X, { nComponents: [1, 2], covarianceTypes: ["diag", "full"], regCovar: 1e-6 });
    expect(abs.best.regCovar).toEqual([1e-6, 1e-6]);
    const km = await selectModel(X, { nComponents: [2], covarianceTypes: ["full"], initParams: "kmeans" });
    expect(km.best.regCovar).toEqual([1e-6, 1e-6]);
  });

  it("fitStream: the amounts of the reservoir sample's fit, in every M-step over the stream", async () => {
    const source = function* () {
      for (let i = 0; i < X.length; i += 64) yield X.slice(i, i + 64);
    };
    // The reservoir holds every sample: its variances are the data's.
    const all = await fitStream(source, { nComponents: 2, sampleSize: 1000 });
    expect(maxRelError(all.regCovar, v.map(relative))).toBeLessThan(1e-12);
    // The same optimum as the in-memory fit (which stops by its own rule: close, not equal).
    const inMemory = await new GaussianMixture({ nComponents: 2 }).fit(X);
    expect(maxRelError(all.means, inMemory.means)).toBeLessThan(1e-4);
    // A smaller reservoir: 1e-6 × its variances, close to the data's.
    const part = await fitStream(source, { nComponents: 2, sampleSize: 100 });
    expect(maxRelError(part.regCovar, v.map(relative))).toBeLessThan(0.5);
    const given = await fitStream(source, { nComponents: 2, regCovar: 1e-4 });
    expect(given.regCovar).toEqual([1e-4, 1e-4]);
  });

  it("OnlineGaussianMixture: the first batch's amounts for every later step", async () => {
    const online = new OnlineGaussianMixture({ nComponents: 2 });
    const first = await online.partialFit(X.slice(0, 100));
    const firstV = columnVariances(X.slice(0, 100));
    expect(maxRelError(first.regCovar, firstV.map(relative))).toBeLessThan(1e-12);
    await online.partialFit(X.slice(100, 200));
    const last = await online.partialFit(X.slice(200));
    expect(last.regCovar).toEqual(first.regCovar);
    const absolute = new OnlineGaussianMixture({ nComponents: 2, initParams: "kmeans" });
    await absolute.partialFit(X.slice(0, 100));
    expect((await absolute.partialFit(X.slice(100))).regCovar).toEqual([1e-6, 1e-6]);
  });
});
