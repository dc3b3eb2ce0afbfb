// fromJSON validates every number and invariant the fitted model relies on, naming the field.
import { describe, expect, it } from "vitest";
import { FittedGaussianMixture, GaussianMixture, GaussMixError, type ModelJSON } from "../src/index.js";
import { Random } from "../src/rng.js";

const rng = new Random(3);
const X = Array.from({ length: 200 }, (_, i) => [(i % 2) * 5 + rng.normal(), rng.normal()]);

function rejects(doc: unknown, message: RegExp): void {
  let err: unknown;
  try {
    FittedGaussianMixture.fromJSON(doc);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(GaussMixError);
  expect((err as GaussMixError).code).toBe("INVALID_MODEL_JSON");
  expect((err as GaussMixError).message).toMatch(message);
}

describe("fromJSON rejects documents a fit cannot have made", async () => {
  const full = (await new GaussianMixture({ nComponents: 2, randomState: 0 }).fit(X)).toJSON();
  const diag = (await new GaussianMixture({ nComponents: 2, covarianceType: "diag" }).fit(X)).toJSON();
  const edit = (doc: ModelJSON, change: Partial<Record<keyof ModelJSON, unknown>>) => ({ ...doc, ...change });

  it("accepts what toJSON made, as an object and as a string", () => {
    expect(FittedGaussianMixture.fromJSON(full).means).toEqual(
      FittedGaussianMixture.fromJSON(JSON.stringify(full)).means,
    );
    expect(FittedGaussianMixture.fromJSON(diag).nComponents).toBe(2);
  });

  it("weights that do not sum to 1, or are all zero", () => {
    rejects(edit(full, { weights: [1.35, 1.35] }), /weights must be ≥ 0 and sum to 1, but they sum to 2\.7/);
    rejects(edit(full, { weights: [0, 0] }), /weights must be ≥ 0 and sum to 1, but they sum to 0/);
    rejects(edit(full, { weights: [1.5, -0.5] }), /weights\[1\] is -0\.5, not a valid value/);
  });

  it("means that are not finite or too large to take distances from", () => {
    rejects(edit(full, { means: [1e308, 0, 0, 0] }), /means\[0\] is 1e\+308, not a valid value/);
    rejects(edit(full, { means: [0, null, 0, 0] }), /means\[1\] is null/);
  });

  it("covariances that are not positive definite, or negative", () => {
    rejects(
      edit(full, { covariances: [1, 2, 2, 1, ...full.covariances.slice(4)] }),
      /covariances of component 0 must be symmetric positive definite/,
    );
    rejects(
      edit(full, { covariances: [1, 0.5, 0.4, 1, ...full.covariances.slice(4)] }),
      /covariances of component 0 must be symmetric/,
    );
    rejects(edit(diag, { covariances: [1, -1, 1, 1] }), /covariances of component 0 must be > 0/);
    rejects(edit(diag, { factors: [1, 0, 1, 1] }), /factors of block 0 must have a positive diagonal; entry 1 is 0/);
  });

  it("bounds that are not finite", () => {
    rejects(
      JSON.stringify(full).replace(/"lowerBound":[^,]+/, '"lowerBound":1e999'),
      /lowerBound is Infinity, not a finite number/,
    );
    rejects(edit(full, { lowerBound: Number.NaN }), /lowerBound is NaN/);
    rejects(edit(full, { lowerBounds: [Number.NaN] }), /lowerBounds\[0\] is NaN, not a finite number/);
    rejects(edit(full, { lowerBounds: [-1, "x"] }), /lowerBounds\[1\] is "x"/);
  });
});
