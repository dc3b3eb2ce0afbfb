// The WASM kernels against hand-worked cases and against a plain-TypeScript transcription of scikit-learn's
// maths (test/helpers/reference.ts), over shapes that cover odd n, block boundaries, d = 1 and k = 1.
import { describe, expect, it } from "vitest";
import { FittedGaussianMixture, GaussianMixture } from "../src/index.js";
import { Random } from "../src/rng.js";
import { acquireEngine, releaseEngine } from "../src/wasm/engine.js";
import { maxRelError } from "./helpers/fixtures.js";
import { cholesky, emStep, invert, type RefParams, type Type } from "./helpers/reference.js";

describe("Cholesky kernels (hand-worked)", () => {
  it("factorises a 3×3 matrix exactly", async () => {
    const e = await acquireEngine();
    try {
      const p = e.layout({ A: 72, L: 72 });
      e.f64.set([4, 2, -2, 2, 10, 2, -2, 2, 5], p.A >> 3);
      expect(e.kernels.cholesky(p.A, 3, p.L)).toBe(1);
      const L = Array.from(e.f64.subarray(p.L >> 3, (p.L >> 3) + 9));
      expect(L).toEqual([2, 0, 0, 1, 3, 0, -1, 1, Math.sqrt(3)]);
    } finally {
      releaseEngine(e);
    }
  });

  it("reports a matrix that is not positive definite (and NaN) with status 0", async () => {
    const e = await acquireEngine();
    try {
      const p = e.layout({ A: 32, L: 32 });
      e.f64.set([1, 2, 2, 1], p.A >> 3); // eigenvalues 3 and −1
      expect(e.kernels.cholesky(p.A, 2, p.L)).toBe(0);
      e.f64.set([1, 0, 0, 0], p.A >> 3); // singular
      expect(e.kernels.cholesky(p.A, 2, p.L)).toBe(0);
      e.f64.set([NaN, 0, 0, 1], p.A >> 3);
      expect(e.kernels.cholesky(p.A, 2, p.L)).toBe(0);
    } finally {
      releaseEngine(e);
    }
  });

  it("turns a covariance into L⁻¹ and a precision into F with FᵀF = P", async () => {
    const e = await acquireEngine();
    try {
      const d = 3;
      const p = e.layout({ A: 72, F: 72, work: 144 });
      const cov = [
        [4, 2, -2],
        [2, 10, 2],
        [-2, 2, 5],
      ];
      e.f64.set(cov.flat(), p.A >> 3);
      expect(e.kernels.factorFromCovariance(p.A, d, p.F, p.work)).toBe(1);
      // Packed lower triangle of L⁻¹ with L = [[2,0,0],[1,3,0],[-1,1,√3]].
      const F = e.f64.slice(p.F >> 3, (p.F >> 3) + 6);
      const s3 = Math.sqrt(3);
      const expected = [1 / 2, -1 / 6, 1 / 3, (1 / 2 + 1 / 6) / s3, -1 / 3 / s3, 1 / s3];
      expect(maxRelError(F, expected)).toBeLessThan(1e-15);
      // Factor of a precision: FᵀF must give P back.
      const P = invert(cov);
      e.f64.set(P.flat(), p.A >> 3);
      expect(e.kernels.factorFromPrecision(p.A, d, p.F, p.work)).toBe(1);
      const G = e.f64.slice(p.F >> 3, (p.F >> 3) + 6);
      const at = (j: number, i: number) => (i <= j ? G[(j * (j + 1)) / 2 + i] : 0); // F[j][i], lower
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += at(j, a) * at(j, b);
          expect(s).toBeCloseTo(P[a][b], 14);
        }
      }
    } finally {
      releaseEngine(e);
    }
  });
});

describe("loading rows into the pair layout", () => {
  it("pairsFromRows: sample 2p + lane, feature j at (p·d + j)·2 + lane, an odd last row repeated; max |value|, −1 on NaN or ±Infinity", async () => {
    const e = await acquireEngine();
    try {
      for (const d of [1, 2, 3, 4, 5]) {
        for (const n of [1, 2, 5, 6]) {
          const rows = Array.from({ length: n * d }, (_, i) => (i % 2 ? -1 : 1) * (i + 1) * 0.5);
          const p = e.layout({ src: n * d * 8, dst: Math.ceil(n / 2) * d * 16, guard: 32 });
          e.f64.set(rows, p.src >> 3);
          e.f64.fill(-7.25, p.guard >> 3, (p.guard >> 3) + 4);
          expect(e.kernels.pairsFromRows(p.src, n, d, p.dst, 0)).toBe(Math.max(...rows.map(Math.abs)));
          expect(Array.from(e.f64.subarray(p.guard >> 3, (p.guard >> 3) + 4))).toEqual([-7.25, -7.25, -7.25, -7.25]);
          for (let i = 0; i < n + (n % 2); i++) {
            for (let j = 0; j < d; j++) {
              const at = (p.dst >> 3) + ((i >> 1) * d + j) * 2 + (i & 1);
              expect(e.f64[at]).toBe(rows[Math.min(i, n - 1) * d + j]);
            }
          }
          for (const bad of [NaN, Infinity, -Infinity]) {
            for (const at of [0, n * d - 1, (n * d) >> 1]) {
              e.f64.set(rows, p.src >> 3);
              e.f64[(p.src >> 3) + at] = bad;
              expect(e.kernels.pairsFromRows(p.src, n, d, p.dst, 0)).toBe(-1);
            }
          }
        }
      }
    } finally {
      releaseEngine(e);
    }
  });
});

describe("vector exp and log", () => {
  // Math.exp / Math.log are correctly rounded to within an ulp; the kernels' f64x2 versions must stay within
  // two ulps of them (4.5e-16 relative) everywhere they are used: exp on [-708, 0], log on [1, k].
  const check = async (op: 0 | 1, xs: number[], ref: (x: number) => number) => {
    const e = await acquireEngine();
    try {
      const n = xs.length + (xs.length & 1);
      const p = e.layout({ v: n * 8 });
      e.f64.fill(op === 0 ? 0 : 1, p.v >> 3, (p.v >> 3) + n);
      e.f64.set(xs, p.v >> 3);
      e.kernels.vectorMath(op, p.v, n);
      return xs.map((x, i) => ({ x, got: e.f64[(p.v >> 3) + i], want: ref(x) }));
    } finally {
      releaseEngine(e);
    }
  };
  const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

  it("exp is within 2 ulps of Math.exp on [-708, 0], exactly 1 at 0, 0 below -708, NaN for NaN", async () => {
    const rng = new Random(7);
    const xs = [
      0,
      -0,
      -1e-300,
      -1e-17,
      -0.5,
      -Math.LN2,
      -1,
      -10.5,
      -700,
      -707.99,
      -708,
      ...Array.from({ length: 4000 }, (_, i) => (i < 2000 ? -rng.random() * 708 : -rng.random() * 2)),
    ];
    for (const { x, got, want } of await check(0, xs, Math.exp))
      expect(rel(got, want), `exp(${x})`).toBeLessThan(4.5e-16);
    const edge = await check(0, [0, -708.5, -745, -Infinity, NaN, -1000], Math.exp);
    expect(edge.map((r) => r.got)).toEqual([1, 0, 0, 0, NaN, 0]);
  });

  it("log is within 2 ulps of Math.log on [1, 1e6], exactly 0 at 1, NaN for NaN", async () => {
    const rng = new Random(8);
    const xs = [
      1,
      1 + 2.220446049250313e-16,
      Math.SQRT2,
      Math.SQRT1_2 * 2,
      2,
      3,
      16,
      1e6,
      ...Array.from({ length: 4000 }, (_, i) => 1 + (i < 2000 ? rng.random() * 20 : rng.random() * 1e-6)),
    ];
    for (const { x, got, want } of await check(1, xs, Math.log)) {
      expect(Math.abs(got - want), `log(${x})`).toBeLessThanOrEqual(4.5e-16 * Math.max(Math.abs(want), 1e-300));
    }
    const edge = await check(1, [1, NaN], Math.log);
    expect(edge.map((r) => r.got)).toEqual([0, NaN]);
  });
});

describe("log-sum-exp and densities (hand-worked)", () => {
  const model = (json: object) =>
    FittedGaussianMixture.fromJSON({
      format: "gaussmix-model",
      version: 1,
      converged: true,
      nIter: 1,
      lowerBound: 0,
      lowerBounds: [0],
      ...json,
    });

  it("two unit 1-D components at ±1: the mixture density and responsibilities at 0 and far away", () => {
    const m = model({
      covarianceType: "diag",
      nComponents: 2,
      nFeatures: 1,
      weights: [0.5, 0.5],
      means: [1, -1],
      covariances: [1, 1],
      factors: [1, 1],
    });
    const half = 0.5 * Math.log(2 * Math.PI);
    const [at0, far] = m.scoreSamples([0, 1000]);
    expect(at0).toBeCloseTo(-0.5 - half, 15);
    // Far away the nearer component dominates: log(0.5) − ½·999² − ½ log 2π, plus log(1 + e^−2000) = 0.
    expect(far).toBe(Math.log(0.5) - 0.5 * 999 * 999 - half);
    const r = m.predictProba([0, 1000, -1000]).data;
    expect(Array.from(r)).toEqual([0.5, 0.5, 1, 0, 0, 1]);
    expect(Array.from(m.predict([0, 1000, -1000]))).toEqual([0, 0, 1]); // ties go to the first component
  });

  it("a 2-D full-covariance component: the closed-form Gaussian log-density", () => {
    // cov = [[2, .5], [.5, 1]] = L Lᵀ; factors = packed L⁻¹.
    const cov = [
      [2, 0.5],
      [0.5, 1],
    ];
    const l00 = Math.sqrt(2);
    const l10 = 0.5 / l00;
    const l11 = Math.sqrt(1 - l10 * l10);
    const factors = [1 / l00, -l10 / (l00 * l11), 1 / l11];
    const m = model({
      covarianceType: "full",
      nComponents: 1,
      nFeatures: 2,
      weights: [1],
      means: [1, -1],
      covariances: cov.flat(),
      factors,
    });
    const x = [2.5, 0.25];
    const det = 2 * 1 - 0.25;
    const dx = [x[0] - 1, x[1] + 1];
    const q = (1 * dx[0] * dx[0] - 2 * 0.5 * dx[0] * dx[1] + 2 * dx[1] * dx[1]) / det;
    expect(m.scoreSamples([x])[0]).toBeCloseTo(-Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * q, 14);
  });
});

/** Random data and initial parameters (precisions as scikit-learn takes them). */
function problem(seed: number, n: number, d: number, k: number, type: Type) {
  const rng = new Random(seed);
  const X = Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => rng.normal() + 3 * ((i % k) - j)));
  const w = Array.from({ length: k }, () => 0.5 + rng.random());
  const sw = w.reduce((a, b) => a + b, 0);
  const weightsInit = w.map((v) => v / sw);
  const meansInit = Array.from({ length: k }, () => X[rng.int(n)].slice());
  const spd = () => {
    const A = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal() * 0.3));
    return A.map((row, a) => row.map((_, b) => A.reduce((s, r) => s + r[a] * r[b], 0) + (a === b ? 0.5 : 0)));
  };
  const precisionsInit =
    type === "full"
      ? Array.from({ length: k }, spd)
      : type === "tied"
        ? spd()
        : type === "diag"
          ? Array.from({ length: k }, () => Array.from({ length: d }, () => 0.3 + rng.random()))
          : Array.from({ length: k }, () => 0.3 + rng.random());
  // The reference takes any factor M with M Mᵀ = precision: the lower Cholesky factor is one.
  const chol = (P: any) => cholesky(P);
  const ref: RefParams = {
    weights: weightsInit,
    means: meansInit,
    covariances: undefined,
    precisionsCholesky:
      type === "full"
        ? (precisionsInit as number[][][]).map(chol)
        : type === "tied"
          ? chol(precisionsInit)
          : type === "diag"
            ? (precisionsInit as number[][]).map((r) => r.map(Math.sqrt))
            : (precisionsInit as number[]).map(Math.sqrt),
  };
  return {
    X,
    options: {
      nComponents: k,
      covarianceType: type,
      weightsInit,
      meansInit,
      precisionsInit: precisionsInit as any,
      tol: 0,
      regCovar: 1e-6,
    },
    ref,
  };
}

/** Three (or `iters`) EM iterations of the plain-TS reference: the lower bounds and the final parameters. */
function referenceSteps(X: number[][], ref: RefParams, type: Type, iters: number) {
  let p = ref;
  const lbs: number[] = [];
  for (let it = 0; it < iters; it++) {
    const step = emStep(X, p, 1e-6, type);
    lbs.push(step.lowerBound);
    p = step.next;
  }
  return { p, lbs };
}

describe("one and several EM iterations against the plain-TS reference", () => {
  const shapes: [number, number, number][] = [
    [2, 1, 1],
    [3, 2, 2],
    [7, 3, 2],
    [129, 2, 3],
    [257, 5, 4],
    [300, 8, 3],
    [64, 4, 1],
  ];
  const cases = (["full", "tied", "diag", "spherical"] as Type[]).flatMap((type) =>
    shapes.map(([n, d, k]) => [type, n, d, k] as const),
  );
  it.each(cases)("%s n=%i d=%i k=%i", async (type, n, d, k) => {
    const { X, options, ref } = problem(n * 31 + d * 7 + k, n, d, k, type);
    const { p, lbs } = referenceSteps(X, ref, type, 3);
    const model = await new GaussianMixture({ ...options, maxIter: 3 }).fit(X);
    expect(maxRelError(model.lowerBounds, lbs)).toBeLessThan(1e-10);
    expect(maxRelError(model.weights, p.weights)).toBeLessThan(1e-9);
    expect(maxRelError(model.means, p.means, 1)).toBeLessThan(1e-9);
    expect(maxRelError(model.covariances, p.covariances, 1e-2)).toBeLessThan(1e-9);
    expect(maxRelError(model.precisionsCholesky, p.precisionsCholesky, 1e-2)).toBeLessThan(1e-9);
  });
});

describe("passes around the common shift, far components and flushed responsibilities", () => {
  // The tied pass sums distances from z = F(x − s) and takes the scatter as T − Σ N_c (μ_c − s)(μ_c − s)ᵀ
  // with T around the data mean s; the spherical pass moves S1 from s to each μ_c. Clusters far apart (in units
  // of their spread) would cost that subtraction its digits, so such fits take the per-component pass: either
  // way three iterations must match the reference (which works around each mean) to 1e-9. At gap 7 the other
  // cluster's responsibilities are about e^-100: flushed to 0 by the pass (below w_c·e^-50), kept by the reference.
  const separated = (gap: number, type: Type) => {
    const rng = new Random(11);
    const n = 401;
    const X = Array.from({ length: n }, (_, i) => [
      rng.normal() + (i % 2 ? gap : -gap),
      rng.normal() * 2 + (i % 3),
      rng.normal() + 1e3,
    ]);
    const meansInit = [X[0].map((v) => v + 0.3), X[1].map((v) => v - 0.2)];
    const weightsInit = [0.4, 0.6];
    const P = [
      [1.2, 0.1, 0],
      [0.1, 0.4, 0.05],
      [0, 0.05, 0.9],
    ];
    const Q = [
      [0.8, -0.1, 0],
      [-0.1, 0.5, 0],
      [0, 0, 1.1],
    ];
    const dg = [
      [1.1, 0.5, 0.9],
      [0.7, 1.3, 0.8],
    ];
    const precisionsInit = { tied: P, full: [P, Q], diag: dg, spherical: [1.1, 0.7] }[type];
    const ref: RefParams = {
      weights: weightsInit,
      means: meansInit,
      covariances: undefined,
      precisionsCholesky: {
        tied: cholesky(P),
        full: [cholesky(P), cholesky(Q)],
        diag: dg.map((r) => r.map(Math.sqrt)),
        spherical: [1.1, 0.7].map(Math.sqrt),
      }[type],
    };
    return {
      X,
      options: {
        nComponents: 2,
        covarianceType: type,
        weightsInit,
        meansInit,
        precisionsInit: precisionsInit as any,
        tol: 0,
        regCovar: 1e-6,
      },
      ref,
    };
  };
  it.each([
    ["tied", 3],
    ["tied", 7],
    ["tied", 60],
    ["tied", 1e5],
    ["spherical", 3],
    ["spherical", 7],
    ["spherical", 1e5],
    ["full", 7],
    ["diag", 7],
  ] as [Type, number][])("%s, clusters ±%d apart", async (type, gap) => {
    const { X, options, ref } = separated(gap, type);
    const { p, lbs } = referenceSteps(X, ref, type, 3);
    for (const threads of [1, 2]) {
      const model = await new GaussianMixture({ ...options, maxIter: 3, threads }).fit(X);
      expect(maxRelError(model.lowerBounds, lbs)).toBeLessThan(1e-10);
      expect(maxRelError(model.means, p.means, 1)).toBeLessThan(1e-12);
      expect(maxRelError(model.covariances, p.covariances, 1e-2)).toBeLessThan(1e-9);
      expect(maxRelError(model.precisionsCholesky, p.precisionsCholesky, 1e-2)).toBeLessThan(1e-9);
    }
  });
});
