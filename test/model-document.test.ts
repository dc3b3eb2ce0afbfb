// The model document: version 2 (scikit-learn's shapes, optional featureNames) round-trips bit for bit, and
// version 1 documents written by gaussmix 0.1 (test/fixtures/model-v1, made by its make.mjs) still load.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FittedGaussianMixture, GaussianMixture } from "../src/index.js";
import type { CovarianceType } from "../src/types.js";

const TYPES: CovarianceType[] = ["full", "tied", "diag", "spherical"];
const v1 = JSON.parse(readFileSync(new URL("fixtures/model-v1/models.json", import.meta.url), "utf8")) as {
  X: number[][];
  models: Record<CovarianceType, Record<string, unknown>>;
};
const X = v1.X;

/** Bitwise equality of two arrays of doubles (distinguishes -0 from 0, unlike toEqual on some paths). */
function sameBits(a: ArrayLike<number>, b: ArrayLike<number>) {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect([i, a[i]]).toEqual([i, b[i]]);
}

function sameModel(a: FittedGaussianMixture, b: FittedGaussianMixture) {
  for (const key of ["weights", "means", "cov", "factors"] as const) sameBits(a.params[key], b.params[key]);
  sameBits(a.scoreSamples(X), b.scoreSamples(X));
  sameBits(a.predictProba(X).data, b.predictProba(X).data);
  expect(a.predict(X)).toEqual(b.predict(X));
}

const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected an error");
};

describe.each(TYPES)("model document version 2 (%s)", (covarianceType) => {
  // gaussmix 0.1 fitted with k-means starts and scikit-learn's loop: today's "kmeans" without acceleration.
  const fit = () =>
    new GaussianMixture({
      nComponents: 3,
      covarianceType,
      randomState: 2,
      initParams: "kmeans",
      accelerate: false,
    }).fit(X);

  it("holds the parameters in scikit-learn's shapes, equal to the model's getters", async () => {
    const m = await fit();
    const doc = JSON.parse(JSON.stringify(m));
    expect(doc.version).toBe(2);
    expect(doc).not.toHaveProperty("factors");
    expect(doc.means).toEqual(m.means);
    expect(doc.covariances).toEqual(m.covariances);
    expect(doc.precisionsCholesky).toEqual(m.precisionsCholesky);
    const k = 3;
    const d = 3;
    const shape = { full: [k, d, d], tied: [d, d], diag: [k, d], spherical: [k] }[covarianceType];
    const dims = (v: unknown): number[] => (Array.isArray(v) ? [v.length, ...dims(v[0])] : []);
    expect(dims(doc.covariances)).toEqual(shape);
    expect(dims(doc.precisionsCholesky)).toEqual(shape);
    expect(dims(doc.means)).toEqual([k, d]);
  });

  it("round-trips bit for bit through JSON text", async () => {
    const m = await fit();
    const back = FittedGaussianMixture.fromJSON(JSON.stringify(m));
    sameModel(back, m);
    expect(back.toJSON()).toEqual(m.toJSON());
    expect(back.featureNames).toBeUndefined();
  });

  it("keeps featureNames, and refuses a list of the wrong length", async () => {
    const doc = { ...(await fit()).toJSON(), featureNames: ["a", "b", "c"] };
    const back = FittedGaussianMixture.fromJSON(JSON.stringify(doc));
    expect(back.featureNames).toEqual(["a", "b", "c"]);
    expect(back.toJSON().featureNames).toEqual(["a", "b", "c"]);
    expect(FittedGaussianMixture.fromJSON(back.toJSON()).featureNames).toEqual(["a", "b", "c"]);
    const e = errorOf(() => FittedGaussianMixture.fromJSON({ ...doc, featureNames: ["a", "b"] }));
    expect(e.code).toBe("INVALID_MODEL_JSON");
    expect(e.message).toMatch(/featureNames must be an array of 3 strings/);
  });

  it("reads the version 1 document of gaussmix 0.1: the same model as today's fit", async () => {
    const old = v1.models[covarianceType];
    expect(old.version).toBe(1);
    const restored = FittedGaussianMixture.fromJSON(old);
    // The engine storage the 0.1 document holds is exactly what the version 2 document of the same fit holds.
    sameBits(restored.params.factors, old.factors as number[]);
    sameBits(restored.params.means, old.means as number[]);
    const m = await fit();
    sameModel(restored, m);
    // Today's document also records the regularisation the fit used; 0.1's did not.
    const { regCovar, ...today } = m.toJSON();
    expect(regCovar).toEqual([1e-6, 1e-6, 1e-6]);
    expect(restored.regCovar).toBeUndefined();
    expect(restored.toJSON()).toEqual(today);
  });
});

describe("malformed version 2 documents", () => {
  const doc = async (covarianceType: CovarianceType) =>
    (
      await new GaussianMixture({ nComponents: 2, covarianceType, randomState: 0 }).fit(X)
    ).toJSON() as unknown as Record<string, unknown>;
  const bad = (o: unknown, message: RegExp) => {
    const e = errorOf(() => FittedGaussianMixture.fromJSON(o));
    expect(e.code).toBe("INVALID_MODEL_JSON");
    expect(e.message).toMatch(message);
  };
  it("names the first field of the wrong shape", async () => {
    const full = await doc("full");
    bad({ ...full, means: [[1, 2, 3]] }, /means must be an array of 2 entries/);
    bad(
      {
        ...full,
        means: [
          [1, 2, 3],
          [1, 2],
        ],
      },
      /means\[1\] is an array of length 2, not an array of 3 numbers/,
    );
    bad({ ...full, covariances: (full.covariances as number[][][]).map((c) => c.slice(1)) }, /covariances\[0\] .* 3×3/);
    const u = structuredClone(full.precisionsCholesky) as number[][][];
    u[1][2][0] = 0.5;
    bad(
      { ...full, precisionsCholesky: u },
      /precisionsCholesky\[1\]\[2\]\[0\] is 0.5: below the diagonal it must be 0/,
    );
    const tied = await doc("tied");
    bad({ ...tied, covariances: [1, 2] }, /covariances is an array of length 2, not a 3×3 matrix/);
    bad({ ...tied, covariances: [1, 2, 3] }, /covariances\[0\] is 1, not an array of 3 numbers/);
    const diag = await doc("diag");
    bad({ ...diag, precisionsCholesky: [[1, 2, 3], null] }, /precisionsCholesky\[1\] is null/);
    const spherical = await doc("spherical");
    bad({ ...spherical, covariances: [1] }, /covariances must be an array of 2 entries/);
    bad({ ...spherical, precisionsCholesky: [1, -1] }, /positive diagonal/);
  });
  it("checks values as for version 1", async () => {
    const full = await doc("full");
    bad(
      {
        ...full,
        means: [
          [1, 2, null],
          [1, 2, 3],
        ],
      },
      /not a valid value/,
    );
    bad({ ...full, version: 3 }, /unsupported version 3 \(this library reads 1 and 2\)/);
  });
});
