// BayesianGaussianMixture beyond the reference fits: the special functions against SciPy's values, the lower
// bound never decreasing, surplus components switched off, warm starts, sample weights, threads, JSON round
// trips and one test per invalid input.
import { describe, expect, it } from "vitest";
import { fitFromResponsibilities } from "../src/bayesian/estimator.js";
import { betaln, digamma, gammaln } from "../src/bayesian/special.js";
import {
  BayesianGaussianMixture,
  type CovarianceType,
  FittedBayesianGaussianMixture,
  GaussMixError,
} from "../src/index.js";
import { Random } from "../src/rng.js";
import { maxRelError } from "./helpers/fixtures.js";

const TYPES: CovarianceType[] = ["full", "tied", "diag", "spherical"];
const PRIORS = ["dirichlet_process", "dirichlet_distribution"] as const;

/** Three round clusters in 2-D, n/3 points each. */
function threeClusters(n: number, seed: number): number[][] {
  const rng = new Random(seed);
  const centers = [
    [0, 0],
    [6, 1],
    [2, 7],
  ];
  return Array.from({ length: n }, (_, i) => {
    const c = centers[i % 3];
    return [c[0] + rng.normal(), c[1] + rng.normal()];
  });
}

/** Random soft responsibilities (rows sum to 1). */
function softResp(n: number, k: number, seed: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => {
    const r = Array.from({ length: k }, () => 0.05 + rng.random());
    const s = r.reduce((a, v) => a + v, 0);
    return r.map((v) => v / s);
  });
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: string, message?: RegExp) {
  let err: unknown;
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(GaussMixError);
  expect((err as GaussMixError).code).toBe(code);
  if (message) expect((err as GaussMixError).message).toMatch(message);
}

describe("special functions (SciPy 1.10 values)", () => {
  const X = [
    1e-8, 0.001, 0.05, 0.125, 0.5, 0.9, 1, 1.4616321449683622, 1.5, 2, 2.5, 3.7, 9.99, 10, 10.5, 33.3, 123.4, 1000.0,
    50000.0, 10000000.0,
  ];
  const GAMMALN = [
    18.42068073818021, 6.907178885383853, 2.968879201051731, 2.0194183575537963, 0.5723649429247, 0.06637623973474327,
    0.0, -0.1214862905358497, -0.12078223763524526, 0.0, 0.2846828704729192, 1.428072326665388, 12.779315214350195,
    12.801827480081469, 13.940625219403763, 82.60372358165493, 469.3360974421906, 5905.220423209181, 490984.42327157187,
    151180949.36947393,
  ];
  const DIGAMMA = [
    -100000000.57721564, -1000.5755719318103, -20.49784499129987, -8.388492663295855, -1.9635100260214235,
    -0.7549269499470516, -0.5772156649015329, -9.241265521729427e-17, 0.03648997397857652, 0.42278433509846713,
    0.7031566406452432, 1.1671535393615113, 2.250700372831201, 2.251752589066721, 2.3030010342976865, 3.490467238520243,
    4.8113737751162775, 6.907255195648812, 10.81976828437695, 16.11809560095832,
  ];
  const BETALN = [
    [1.0, 0.2, 1.6094379124341003],
    [0.3, 600, -0.8231058823193962],
    [150.5, 420.25, -330.6882714282938],
    [1.0000000001, 3000, -8.006367568515998],
    [20000.0, 30000.0, -33654.360737616254],
    [0.125, 0.125, 2.750814190409515],
  ];
  // The lower bound adds these up: absolute error relative to max(1, |value|) is what matters.
  const err = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

  it("gammaln, digamma and betaln within 4 ulps of scale", () => {
    X.forEach((x, i) => {
      expect(err(gammaln(x), GAMMALN[i])).toBeLessThan(1e-15 * 4);
      expect(err(digamma(x), DIGAMMA[i])).toBeLessThan(1e-15 * 4);
    });
    for (const [a, b, v] of BETALN) expect(err(betaln(a, b), v)).toBeLessThan(1e-15 * 4);
  });

  it("hand-worked values and the recurrences", () => {
    expect(gammaln(5)).toBeCloseTo(Math.log(24), 14);
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 14);
    for (const x of [0.3, 2.7, 11.2]) {
      expect(gammaln(x + 1) - gammaln(x)).toBeCloseTo(Math.log(x), 13);
      expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 13);
    }
    expect(Number.isNaN(gammaln(-1))).toBe(true);
    expect(Number.isNaN(digamma(NaN))).toBe(true);
  });
});

describe("BayesianGaussianMixture", () => {
  const X = threeClusters(900, 3);

  it.each(PRIORS.flatMap((p) => TYPES.map((t) => [p, t] as const)))(
    "switches off surplus components: k = 8 on 3 clusters (%s, %s)",
    async (weightConcentrationPriorType, covarianceType) => {
      // Variational fits have local optima too (a cluster split in two is one): three restarts, the best kept.
      const model = await new BayesianGaussianMixture({
        nComponents: 8,
        covarianceType,
        weightConcentrationPriorType,
        maxIter: 500,
        nInit: 3,
      }).fit(X);
      expect(model.converged).toBe(true);
      const active = model.weights.filter((w) => w > 0.01);
      expect(active).toHaveLength(3);
      for (const w of active) expect(w).toBeGreaterThan(0.3);
      expect(model.weights.reduce((a, w) => a + w, 0)).toBeCloseTo(1, 12);
      // The three clusters are found: each active mean is within 0.3 of a true center.
      const centers = [
        [0, 0],
        [6, 1],
        [2, 7],
      ];
      const found = model.means.filter((_, c) => model.weights[c] > 0.01);
      for (const m of found)
        expect(Math.min(...centers.map((c) => Math.hypot(m[0] - c[0], m[1] - c[1])))).toBeLessThan(0.3);
    },
  );

  it.each(PRIORS.flatMap((p) => TYPES.map((t) => [p, t] as const)))(
    "the lower bound never decreases (%s, %s)",
    async (weightConcentrationPriorType, covarianceType) => {
      for (const seed of [0, 1]) {
        const model = await new BayesianGaussianMixture({
          nComponents: 6,
          covarianceType,
          weightConcentrationPriorType,
          maxIter: 60,
          tol: 0,
          randomState: seed,
          initParams: "random",
        }).fit(X);
        expect(model.lowerBounds).toHaveLength(60);
        for (let i = 1; i < model.lowerBounds.length; i++) {
          // Non-decreasing up to the rounding of a sum of n terms.
          expect(model.lowerBounds[i] - model.lowerBounds[i - 1]).toBeGreaterThanOrEqual(
            -1e-10 * Math.abs(model.lowerBounds[i]),
          );
        }
        expect(model.lowerBound).toBe(model.lowerBounds.at(-1));
      }
    },
  );

  it("responsibilities sum to 1, predict is their argmax, fitPredict agrees with predict", async () => {
    const { model, labels } = await new BayesianGaussianMixture({ nComponents: 5, randomState: 2 }).fitPredict(X);
    const p = model.predictProba(X);
    const pred = model.predict(X);
    expect(Array.from(labels)).toEqual(Array.from(pred));
    for (let i = 0; i < X.length; i++) {
      let s = 0;
      let best = 0;
      for (let c = 0; c < 5; c++) {
        s += p.data[i * 5 + c];
        if (p.data[i * 5 + c] > p.data[i * 5 + best]) best = c;
      }
      expect(s).toBeCloseTo(1, 12);
      expect(pred[i]).toBe(best);
    }
    const ss = model.scoreSamples(X);
    expect(model.score(X)).toBeCloseTo(ss.reduce((a, v) => a + v, 0) / ss.length, 10);
  });

  it("restarts keep the initialisation with the highest lower bound", async () => {
    // The first restart is the one-initialisation fit with the same seed (one generator, used in sequence).
    const opts = { nComponents: 6, initParams: "random" as const, maxIter: 20, tol: 0 };
    const three = await new BayesianGaussianMixture({ ...opts, nInit: 3, randomState: 4 }).fit(X);
    const one = await new BayesianGaussianMixture({ ...opts, nInit: 1, randomState: 4 }).fit(X);
    expect(three.lowerBound).toBeGreaterThanOrEqual(one.lowerBound);
  });

  it("a warm start continues the fit: 5 + 5 iterations equal 10", async () => {
    const resp = softResp(X.length, 4, 9);
    const opts = { nComponents: 4, covarianceType: "full" as const, tol: 0 };
    const ten = await fitFromResponsibilities(new BayesianGaussianMixture({ ...opts, maxIter: 10 }), X, resp);
    const est = new BayesianGaussianMixture({ ...opts, maxIter: 5, warmStart: true });
    const first = await fitFromResponsibilities(est, X, resp);
    const second = await est.fit(X);
    expect([...first.lowerBounds, ...second.lowerBounds]).toEqual([...ten.lowerBounds]);
    expect(second.toJSON().posterior).toEqual(ten.toJSON().posterior);
  });

  it.each(TYPES)(
    "integer sample weights give the model of repeated rows, zero weights that of dropped rows (%s)",
    async (covarianceType) => {
      const base = X.slice(0, 300);
      const resp = softResp(base.length, 4, 5);
      const w = base.map((_, i) => i % 3); // 0, 1, 2
      const repeated: number[][] = [];
      const repResp: number[][] = [];
      base.forEach((x, i) => {
        for (let r = 0; r < w[i]; r++) {
          repeated.push(x);
          repResp.push(resp[i]);
        }
      });
      const opts = { nComponents: 4, covarianceType, maxIter: 15, tol: 0 };
      const weighted = await fitFromResponsibilities(new BayesianGaussianMixture(opts), base, resp, {
        sampleWeight: w,
      });
      const plain = await fitFromResponsibilities(new BayesianGaussianMixture(opts), repeated, repResp);
      expect(maxRelError(weighted.lowerBounds, plain.lowerBounds)).toBeLessThan(1e-10);
      expect(maxRelError(weighted.means, plain.means, 1e-3)).toBeLessThan(1e-10);
      expect(maxRelError(weighted.covariances, plain.covariances, 1e-3)).toBeLessThan(1e-10);
      expect(maxRelError(weighted.weightConcentration, plain.weightConcentration, 1e-3)).toBeLessThan(1e-10);
      expect(maxRelError(weighted.covariancePrior, plain.covariancePrior, 1e-3)).toBeLessThan(1e-10);
    },
  );

  it("toJSON / fromJSON round-trip exactly", async () => {
    for (const covarianceType of TYPES) {
      for (const weightConcentrationPriorType of PRIORS) {
        const model = await new BayesianGaussianMixture({
          nComponents: 4,
          covarianceType,
          weightConcentrationPriorType,
          maxIter: 20,
        }).fit(X);
        const back = FittedBayesianGaussianMixture.fromJSON(JSON.stringify(model.toJSON()));
        expect(back.toJSON()).toEqual(model.toJSON());
        expect(Array.from(back.predictProba(X).data)).toEqual(Array.from(model.predictProba(X).data));
        expect(Array.from(back.scoreSamples(X))).toEqual(Array.from(model.scoreSamples(X)));
        expect(back.weights).toEqual(model.weights);
        expect(back.degreesOfFreedom).toEqual(model.degreesOfFreedom);
        expect(back.weightConcentration).toEqual(model.weightConcentration);
      }
    }
  });

  it("fromJSON rejects documents it did not make", async () => {
    const model = await new BayesianGaussianMixture({ nComponents: 2, maxIter: 5 }).fit(X);
    const doc = model.toJSON();
    await expectCode(() => FittedBayesianGaussianMixture.fromJSON("{"), "INVALID_MODEL_JSON", /not valid JSON/);
    await expectCode(
      () => FittedBayesianGaussianMixture.fromJSON({ ...doc, format: "gaussmix-model" }),
      "INVALID_MODEL_JSON",
      /format/,
    );
    await expectCode(
      () => FittedBayesianGaussianMixture.fromJSON({ ...doc, posterior: { ...doc.posterior, means: [1] } }),
      "INVALID_MODEL_JSON",
      /means/,
    );
    await expectCode(
      () => FittedBayesianGaussianMixture.fromJSON({ ...doc, weightConcentrationPriorType: "x" }),
      "INVALID_MODEL_JSON",
      /weightConcentrationPriorType/,
    );
  });

  it("shapes of the fitted attributes follow scikit-learn", async () => {
    const d = 2;
    for (const covarianceType of TYPES) {
      const m = await new BayesianGaussianMixture({ nComponents: 3, covarianceType, maxIter: 10 }).fit(X);
      expect(m.meanPrecision).toHaveLength(3);
      expect(m.means).toHaveLength(3);
      expect(m.weightConcentration).toHaveLength(2); // [a, b] of the Dirichlet process
      expect((m.weightConcentration as unknown as number[][])[0]).toHaveLength(3);
      if (covarianceType === "tied") expect(typeof m.degreesOfFreedom).toBe("number");
      else expect(m.degreesOfFreedom).toHaveLength(3);
      const shape = { full: [3, d, d], tied: [d, d], diag: [3, d], spherical: [3] }[covarianceType];
      expect(m.covariances).toHaveLength(shape[0]);
      expect(m.precisionsCholesky).toHaveLength(shape[0]);
      if (shape.length > 1) expect((m.covariances as number[][])[0]).toHaveLength(shape[1]);
      const dd = await new BayesianGaussianMixture({
        nComponents: 3,
        covarianceType,
        weightConcentrationPriorType: "dirichlet_distribution",
        maxIter: 5,
      }).fit(X);
      expect(dd.weightConcentration).toHaveLength(3);
      expect(typeof (dd.weightConcentration as number[])[0]).toBe("number");
    }
  });

  it("samples from the posterior-mean mixture", async () => {
    const model = await new BayesianGaussianMixture({ nComponents: 6, maxIter: 200 }).fit(X);
    const { X: S, labels } = model.sample(30000, { randomState: 1 });
    expect(S.shape).toEqual([30000, 2]);
    // Sample counts follow the weights.
    for (let c = 0; c < 6; c++) {
      const count = labels.filter((l) => l === c).length;
      expect(Math.abs(count / 30000 - model.weights[c])).toBeLessThan(0.015);
    }
  });

  it("onIteration sees every iteration and can stop the fit; an aborted signal rejects", async () => {
    const seen: number[] = [];
    const model = await new BayesianGaussianMixture({
      nComponents: 3,
      tol: 0,
      maxIter: 50,
      onIteration: (info) => {
        seen.push(info.lowerBound);
        expect(info.weights).toHaveLength(3);
        return info.iteration < 4;
      },
    }).fit(X);
    expect(model.nIter).toBe(4);
    expect(seen).toEqual([...model.lowerBounds]);
    const ac = new AbortController();
    ac.abort();
    await expectCode(new BayesianGaussianMixture({ nComponents: 3, signal: ac.signal }).fit(X), "ABORTED");
  });
});

describe("BayesianGaussianMixture: invalid input", () => {
  const X = threeClusters(60, 1);
  it("rejects unknown options, naming the right one or what to use instead", async () => {
    await expectCode(
      () => new BayesianGaussianMixture({ n_components: 2 } as never),
      "INVALID_OPTION",
      /did you mean nComponents/,
    );
    await expectCode(
      () => new BayesianGaussianMixture({ weight_concentration_prior: 2 } as never),
      "INVALID_OPTION",
      /did you mean weightConcentrationPrior/,
    );
    await expectCode(
      () => new BayesianGaussianMixture({ meansInit: [[0, 0]] } as never),
      "INVALID_OPTION",
      /initParams/,
    );
  });
  it("rejects bad priors", async () => {
    await expectCode(
      () => new BayesianGaussianMixture({ weightConcentrationPriorType: "dirichlet" as never }),
      "INVALID_OPTION",
      /weightConcentrationPriorType/,
    );
    await expectCode(
      () => new BayesianGaussianMixture({ weightConcentrationPrior: 0 }),
      "INVALID_OPTION",
      /weightConcentrationPrior must be a finite number > 0/,
    );
    await expectCode(
      () => new BayesianGaussianMixture({ meanPrecisionPrior: -1 }),
      "INVALID_OPTION",
      /meanPrecisionPrior/,
    );
    await expectCode(() => new BayesianGaussianMixture({ meanPrior: [0, NaN] }), "INVALID_OPTION", /meanPrior/);
    await expectCode(
      () => new BayesianGaussianMixture({ covarianceType: "spherical", covariancePrior: [1] }),
      "INVALID_OPTION",
      /covariancePrior/,
    );
    await expectCode(
      new BayesianGaussianMixture({ meanPrior: [0, 0, 0] }).fit(X),
      "INVALID_OPTION",
      /meanPrior must have 2 values/,
    );
    await expectCode(
      new BayesianGaussianMixture({ degreesOfFreedomPrior: 1 }).fit(X),
      "INVALID_OPTION",
      /greater than nFeatures − 1 = 1/,
    );
    await expectCode(
      new BayesianGaussianMixture({
        covariancePrior: [
          [1, 2],
          [2, 1],
        ],
      }).fit(X),
      "INVALID_OPTION",
      /positive definite/,
    );
    await expectCode(
      new BayesianGaussianMixture({
        covariancePrior: [
          [1, 0.5],
          [0, 1],
        ],
      }).fit(X),
      "INVALID_OPTION",
      /symmetric/,
    );
    await expectCode(new BayesianGaussianMixture({ covariancePrior: [[1, 0]] }).fit(X), "INVALID_OPTION", /2×2/);
    await expectCode(
      new BayesianGaussianMixture({ covarianceType: "diag", covariancePrior: [1, 0] }).fit(X),
      "INVALID_OPTION",
      /\[1\] is 0/,
    );
  });
  it("rejects too few samples and weights that cannot define the default covariance prior", async () => {
    await expectCode(new BayesianGaussianMixture({ nComponents: 61 }).fit(X), "TOO_FEW_SAMPLES");
    const w = X.map(() => 1 / X.length);
    await expectCode(
      new BayesianGaussianMixture({ nComponents: 2 }).fit(X, { sampleWeight: w }),
      "INVALID_SAMPLE_WEIGHT",
      /covariancePrior/,
    );
    // With an explicit prior, weights summing to 1 are fine.
    const m = await new BayesianGaussianMixture({
      nComponents: 2,
      covariancePrior: [
        [1, 0],
        [0, 1],
      ],
    }).fit(X, { sampleWeight: w });
    expect(m.weights.every(Number.isFinite)).toBe(true);
  });
  it("rejects a warm start on data with another number of features", async () => {
    const est = new BayesianGaussianMixture({ nComponents: 2, warmStart: true, maxIter: 3 });
    await est.fit(X);
    await expectCode(est.fit(X.map((r) => [...r, 0])), "FEATURE_MISMATCH");
  });
});

describe("BayesianGaussianMixture: threads", () => {
  it.each([
    ["full", 20001],
    ["tied", 20000],
    ["diag", 140001],
  ] as const)("threads 2 equals threads 1 up to the order of summation (%s, n = %i)", async (covarianceType, n) => {
    const d = 8;
    const rng = new Random(n);
    const X = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = 4 * ((i % 4) - j / d) + rng.normal();
    const data = { data: X, shape: [n, d] as [number, number] };
    const sampleWeight = Array.from({ length: n }, (_, i) => 0.5 + (i % 3));
    const opts = { nComponents: 6, covarianceType, randomState: 1, maxIter: 12, tol: 0 };
    const two = await new BayesianGaussianMixture({ ...opts, threads: 2 }).fit(data, { sampleWeight });
    const one = await new BayesianGaussianMixture(opts).fit(data, { sampleWeight });
    expect(two.threads).toBe(2);
    expect(maxRelError(two.lowerBounds, one.lowerBounds)).toBeLessThan(1e-10);
    expect(maxRelError(two.means, one.means, 1e-3)).toBeLessThan(1e-9);
    expect(maxRelError(two.weights, one.weights, 1e-3)).toBeLessThan(1e-9);
  });
});
