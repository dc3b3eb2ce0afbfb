// Every bad input gets a GaussMixError with a stable code and a message naming the argument, what was
// expected and what came — before any work starts.
import { describe, expect, it } from "vitest";
import {
  FittedGaussianMixture,
  GaussianMixture,
  GaussMixError,
  type GaussianMixtureOptions,
  selectModel,
} from "../src/index.js";

const X = [
  [0, 0],
  [1, 1],
  [0, 1],
  [1, 0],
  [5, 5],
  [6, 5],
  [5, 6],
  [6, 6],
];

function expectError(fn: () => unknown, code: string, message: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(GaussMixError);
  expect((err as GaussMixError).code).toBe(code);
  expect((err as GaussMixError).message).toMatch(message);
}

async function expectReject(p: () => Promise<unknown>, code: string, message: RegExp): Promise<void> {
  let err: unknown;
  try {
    await p();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(GaussMixError);
  expect((err as GaussMixError).code).toBe(code);
  expect((err as GaussMixError).message).toMatch(message);
}

const fit =
  (x: unknown, o: GaussianMixtureOptions = { nComponents: 2 }) =>
  () =>
    new GaussianMixture(o).fit(x as never);

describe("bad data", () => {
  it("empty X", () => expectReject(fit([]), "INVALID_DATA", /X: is empty \(0 samples\)/));
  it("empty rows", () => expectReject(fit([[], []]), "INVALID_DATA", /X: has 0 features/));
  it("flat matrix of size 0", () =>
    expectReject(fit({ data: new Float64Array(0), shape: [0, 2] }), "INVALID_DATA", /empty/));
  it("flat matrix whose data does not match its shape", () =>
    expectReject(
      fit({ data: new Float64Array(5), shape: [3, 2] }),
      "INVALID_DATA",
      /data has 5 values but shape \[3, 2\] needs 6/,
    ));
  it("a shape that is not two integers", () =>
    expectReject(fit({ data: [1, 2], shape: [2.5, 1] }), "INVALID_DATA", /shape must be \[nSamples, nFeatures\]/));
  it("rows of different lengths", () =>
    expectReject(fit([[1, 2], [3, 4], [5]]), "INVALID_DATA", /row 0 has 2 values, row 2 has 1/));
  it("a row that is not an array", () => expectReject(fit([[1, 2], 3, [5, 6]]), "INVALID_DATA", /row 1 is number/));
  it("NaN", () =>
    expectReject(
      fit([
        [1, 2],
        [3, NaN],
        [5, 6],
      ]),
      "INVALID_DATA",
      /row 1, column 1 is NaN; expected a finite number/,
    ));
  it("Infinity", () => expectReject(fit([1, 2, Infinity, 4]), "INVALID_DATA", /row 2, column 0 is Infinity/));
  it("-Infinity in a Float32Array matrix", () =>
    expectReject(
      fit({ data: Float32Array.from([1, 2, 3, -Infinity]), shape: [2, 2] }),
      "INVALID_DATA",
      /row 1, column 1 is -Infinity/,
    ));
  it("a non-number", () =>
    expectReject(
      fit([
        [1, 2],
        [3, "4"],
        [5, 6],
      ]),
      "INVALID_DATA",
      /row 1, column 1 is "4"/,
    ));
  it("not an array at all", () =>
    expectReject(fit("data"), "INVALID_DATA", /expected an array of samples, got string/));
  it("fewer samples than components", () =>
    expectReject(fit([[1], [2], [3]], { nComponents: 4 }), "TOO_FEW_SAMPLES", /3 samples but nComponents is 4/));
  it("fewer than 2 samples", () =>
    expectReject(fit([[1, 2]], { nComponents: 1 }), "TOO_FEW_SAMPLES", /at least 2 samples/));
});

describe("bad options", () => {
  const make = (o: unknown) => () => new GaussianMixture(o as GaussianMixtureOptions);
  it.each([
    ["nComponents", 0, /nComponents must be a positive integer, got 0/],
    ["nComponents", 2.5, /nComponents must be a positive integer, got 2.5/],
    ["maxIter", -1, /maxIter must be a positive integer, got -1/],
    ["nInit", "3", /nInit must be a positive integer, got "3"/],
    ["tol", -1e-3, /tol must be a finite number ≥ 0, got -0.001/],
    ["regCovar", -1, /regCovar must be a finite number ≥ 0, got -1/],
    ["regCovar", NaN, /regCovar must be a finite number ≥ 0, got NaN/],
    ["covarianceType", "fulll", /covarianceType must be one of "full", "tied", "diag", "spherical", got "fulll"/],
    [
      "initParams",
      "kmeans++",
      /initParams must be one of "auto", "hc", "kmeans", "k-means\+\+", "random", "random_from_data", got "kmeans\+\+"/,
    ],
    ["randomState", 0.5, /randomState must be an integer seed, got 0.5/],
    ["onIteration", 3, /onIteration must be a function/],
  ])("%s = %s", (key, value, message) => expectError(make({ [key]: value }), "INVALID_OPTION", message));
  it("an unknown option, with scikit-learn's name", () =>
    expectError(
      make({ n_components: 3 }),
      "INVALID_OPTION",
      /unknown option "n_components"; did you mean nComponents\?/,
    ));
  it("options that are not an object", () =>
    expectError(make(5), "INVALID_OPTION", /options must be an object, got 5/));
});

describe("bad initial parameters", () => {
  const k2 = { nComponents: 2 } as const;
  it("weightsInit of the wrong length", () =>
    expectError(
      () => new GaussianMixture({ ...k2, weightsInit: [1] }),
      "INVALID_INIT",
      /weightsInit must have 2 values \(nComponents\), got 1/,
    ));
  it("negative weightsInit", () =>
    expectError(
      () => new GaussianMixture({ ...k2, weightsInit: [-0.5, 1.5] }),
      "INVALID_INIT",
      /values must be finite numbers in \[0, 1\], got -0.5 at index 0/,
    ));
  it("weightsInit not summing to 1", () =>
    expectError(
      () => new GaussianMixture({ ...k2, weightsInit: [0.5, 0.6] }),
      "INVALID_INIT",
      /must sum to 1, got 1.1/,
    ));
  it("meansInit with the wrong number of rows", () =>
    expectError(
      () => new GaussianMixture({ ...k2, meansInit: [[0, 0]] }),
      "INVALID_INIT",
      /meansInit must have 2 rows/,
    ));
  it("meansInit with the wrong number of features", () =>
    expectReject(
      fit(X, { ...k2, meansInit: [[0, 0], [1]] }),
      "INVALID_INIT",
      /meansInit must be 2×2 \(nComponents × nFeatures\); row 1/,
    ));
  it("non-finite meansInit", () =>
    expectReject(
      fit(X, {
        ...k2,
        meansInit: [
          [0, 0],
          [1, NaN],
        ],
      }),
      "INVALID_INIT",
      /meansInit value at \[1\]\[1\] is NaN/,
    ));
  it("precisionsInit of the wrong shape (full)", () =>
    expectReject(
      fit(X, {
        ...k2,
        precisionsInit: [
          [
            [1, 0],
            [0, 1],
          ],
        ],
      }),
      "INVALID_INIT",
      /precisionsInit must be an array of 2 matrices of 2×2/,
    ));
  it("precisionsInit of the wrong shape (tied)", () =>
    expectReject(
      fit(X, {
        ...k2,
        covarianceType: "tied",
        precisionsInit: [
          [1, 0, 0],
          [0, 1, 0],
        ],
      }),
      "INVALID_INIT",
      /a 2×2 matrix/,
    ));
  it("precisionsInit of the wrong shape (diag)", () =>
    expectReject(
      fit(X, { ...k2, covarianceType: "diag", precisionsInit: [1, 1] }),
      "INVALID_INIT",
      /2 vectors of 2 values/,
    ));
  it("precisionsInit of the wrong shape (spherical)", () =>
    expectReject(
      fit(X, { ...k2, covarianceType: "spherical", precisionsInit: [1] }),
      "INVALID_INIT",
      /an array of 2 numbers/,
    ));
  it("precisionsInit not symmetric", () =>
    expectReject(
      fit(X, {
        ...k2,
        precisionsInit: [
          [
            [1, 0],
            [0, 1],
          ],
          [
            [1, 0.5],
            [0, 1],
          ],
        ],
      }),
      "INVALID_INIT",
      /precisionsInit\[1\] is not symmetric/,
    ));
  it("precisionsInit not positive definite", () =>
    expectReject(
      fit(X, {
        ...k2,
        precisionsInit: [
          [
            [1, 2],
            [2, 1],
          ],
          [
            [1, 0],
            [0, 1],
          ],
        ],
      }),
      "INVALID_INIT",
      /precisionsInit\[0\] is not positive definite/,
    ));
  it("non-finite precisionsInit", () =>
    expectReject(
      fit(X, {
        ...k2,
        precisionsInit: [
          [
            [1, 0],
            [0, Infinity],
          ],
          [
            [1, 0],
            [0, 1],
          ],
        ],
      }),
      "INVALID_INIT",
      /precisionsInit\[0\] is not symmetric/,
    ));
  it("non-positive diag precisionsInit", () =>
    expectReject(
      fit(X, {
        ...k2,
        covarianceType: "diag",
        precisionsInit: [
          [1, 0],
          [1, 1],
        ],
      }),
      "INVALID_INIT",
      /precisionsInit\[0\]\[1\] is 0; precisions must be finite and > 0/,
    ));
});

describe("bad sample weights", () => {
  const w = (sampleWeight: unknown) => () =>
    new GaussianMixture({ nComponents: 2 }).fit(X, { sampleWeight: sampleWeight as number[] });
  it("wrong length", () =>
    expectReject(w([1, 2]), "INVALID_SAMPLE_WEIGHT", /sampleWeight: has 2 values but X has 8 samples/));
  it("negative", () =>
    expectReject(
      w([1, 1, 1, -1, 1, 1, 1, 1]),
      "INVALID_SAMPLE_WEIGHT",
      /value at index 3 is -1; expected a finite number ≥ 0/,
    ));
  it("NaN", () => expectReject(w([1, 1, 1, 1, 1, NaN, 1, 1]), "INVALID_SAMPLE_WEIGHT", /value at index 5 is NaN/));
  it("all zero", () => expectReject(w(new Array(8).fill(0)), "INVALID_SAMPLE_WEIGHT", /all weights are zero/));
});

describe("per-sample methods", () => {
  it("reject another number of features than the fit", async () => {
    const m = await new GaussianMixture({ nComponents: 2 }).fit(X);
    expectError(() => m.predict([[1, 2, 3]]), "FEATURE_MISMATCH", /X has 3 features, but the model was fitted on 2/);
    expectError(() => m.scoreSamples([1, 2]), "FEATURE_MISMATCH", /X has 1 feature, but the model was fitted on 2/);
    expectError(() => m.predictProba([]), "INVALID_DATA", /empty/);
    expectError(() => m.score([[1, NaN]]), "INVALID_DATA", /row 0, column 1 is NaN/);
    expectError(() => m.sample(0), "INVALID_OPTION", /n must be a positive integer, got 0/);
  });
  it("cannot be called before a fit: a model only exists fitted", () => {
    // FittedGaussianMixture comes from fit() or fromJSON(); the estimator's delegating methods need a fit first.
    expectError(() => new GaussianMixture().predict(X), "NOT_FITTED", /const model = await estimator\.fit\(X\)/);
  });
});

describe("fromJSON", () => {
  const good = async () =>
    (await new GaussianMixture({ nComponents: 2 }).fit(X)).toJSON() as unknown as Record<string, unknown>;
  const bad = async (change: (j: Record<string, unknown>) => unknown, message: RegExp) => {
    const j = await good();
    const doc = change(j) ?? j;
    expectError(() => FittedGaussianMixture.fromJSON(doc), "INVALID_MODEL_JSON", message);
  };
  it("not JSON", () =>
    expectError(() => FittedGaussianMixture.fromJSON("{nope"), "INVALID_MODEL_JSON", /not valid JSON/));
  it("not an object", () =>
    expectError(() => FittedGaussianMixture.fromJSON(42), "INVALID_MODEL_JSON", /expected an object/));
  it("wrong format", () => bad((j) => void (j.format = "sklearn"), /format must be "gaussmix-model"/));
  it("unknown version", () => bad((j) => void (j.version = 3), /unsupported version 3/));
  it("unknown covariance type", () =>
    bad((j) => void (j.covarianceType = "banded"), /unknown covarianceType "banded"/));
  it("weights of the wrong length", () => bad((j) => void (j.weights = [1]), /weights must be an array of 2 numbers/));
  it("non-finite mean", () => bad((j) => void ((j.means as (number | null)[])[1] = null), /means\[1\] is null/));
  it("a factor with a non-positive diagonal", () =>
    bad((j) => void ((j.precisionsCholesky as number[][][])[0][0][0] = 0), /positive diagonal/));
  it("missing lowerBounds", () => bad((j) => void delete j.lowerBounds, /lowerBounds must be an array/));
  it("accepts its own JSON string", async () => {
    const j = await good();
    expect(FittedGaussianMixture.fromJSON(JSON.stringify(j)).toJSON()).toEqual(j);
  });
});

describe("inputs that pass for arrays, options of the wrong kind, seeds", () => {
  it("a BigInt64Array is INVALID_DATA (not a TypeError while printing a bigint)", async () => {
    await expectReject(fit(new BigInt64Array(8)), "INVALID_DATA", /X: is a BigInt64Array \(bigint values\)/);
    await expectReject(
      fit([new BigUint64Array(2), new BigUint64Array(2)]),
      "INVALID_DATA",
      /X row 0: is a BigUint64Array/,
    );
    await expectReject(
      fit({ data: new BigInt64Array(4), shape: [2, 2] }),
      "INVALID_DATA",
      /X\.data: is a BigInt64Array/,
    );
    // A bigint inside a plain array is printed, not thrown on.
    await expectReject(
      fit([
        [1, 2],
        [3, 4n as unknown as number],
      ]),
      "INVALID_DATA",
      /value at row 1, column 1 is 4; expected a finite number/,
    );
  });

  it("a DataView is INVALID_DATA before any work (it used to fail later as ILL_DEFINED_COVARIANCE)", async () => {
    await expectReject(fit(new DataView(new ArrayBuffer(64))), "INVALID_DATA", /X: is a DataView; expected/);
    await expectReject(
      fit({ data: new DataView(new ArrayBuffer(32)), shape: [2, 2] }),
      "INVALID_DATA",
      /X\.data: is a DataView/,
    );
  });

  it("fit options of the wrong kind or with a typo; selectModel(X, null)", async () => {
    const gm = new GaussianMixture({ nComponents: 2 });
    await expectReject(() => gm.fit(X, "str" as never), "INVALID_OPTION", /fit options must be an object, got "str"/);
    await expectReject(
      () => gm.fit(X, { sampleWeights: new Array(8).fill(1) } as never),
      "INVALID_OPTION",
      /unknown option "sampleWeights"; did you mean sampleWeight\?/,
    );
    await expectReject(
      () => selectModel(X, null as never),
      "INVALID_OPTION",
      /selectModel options must be an object, got null/,
    );
  });

  it("score and sample take their options through the option tables", () => {
    const m = FittedGaussianMixture.fromJSON({
      format: "gaussmix-model",
      version: 1,
      covarianceType: "spherical",
      nComponents: 1,
      nFeatures: 1,
      weights: [1],
      means: [0],
      covariances: [1],
      factors: [1],
      converged: true,
      nIter: 1,
      lowerBound: -1.4,
      lowerBounds: [-1.4],
    });
    expectError(
      () => m.score([[1], [2]], { sampleWeights: [1, 1] } as never),
      "INVALID_OPTION",
      /unknown option "sampleWeights"; did you mean sampleWeight\?/,
    );
    expectError(() => m.score([[1]], "x" as never), "INVALID_OPTION", /score options must be an object/);
    expectError(
      () => m.sample(3, { random_state: 1 } as never),
      "INVALID_OPTION",
      /unknown option "random_state"; did you mean randomState\?/,
    );
    expectError(() => m.sample(3, { randomState: -1 }), "INVALID_OPTION", /randomState must be an integer seed/);
    expectError(() => m.sample("3" as never), "INVALID_OPTION", /sample: n must be a positive integer, got "3"/);
  });

  it.each([-1, -6, 2 ** 32, 2 ** 32 + 1, 2 ** 53, 0.5])(
    "randomState %s is rejected: seeds are integers in [0, 2^32)",
    (seed) =>
      expectError(
        () => new GaussianMixture({ randomState: seed }),
        "INVALID_OPTION",
        /randomState must be an integer seed, got .* \(seeds are integers from 0 to 4294967295/,
      ),
  );

  it("seeds that used to collide (0/−1's neighbours, 1/2^32's, 5/−6's) now give distinct streams", async () => {
    const data = Array.from({ length: 60 }, (_, i) => [Math.sin(i * 12.9898) * 10, Math.cos(i * 78.233) * 10]);
    const fitWith = (randomState: number) =>
      new GaussianMixture({ nComponents: 3, initParams: "random", maxIter: 1, randomState }).fit(data);
    const ms = await Promise.all([0, 1, 5, 2 ** 32 - 1].map(fitWith));
    const keys = ms.map((m) => JSON.stringify(m.means));
    expect(new Set(keys).size).toBe(4);
    // Each seed is its own deterministic stream.
    expect(JSON.stringify((await fitWith(2 ** 32 - 1)).means)).toBe(keys[3]);
  });
});
