/**
 * Models shared with scikit-learn: a JSON object whose keys are the fitted attributes of its `GaussianMixture`
 * (`weights_`, `means_`, `covariances_`, `precisions_cholesky_`, …) with the same shapes, for the four covariance
 * types. docs/interchange.md has the Python side.
 */
import { GaussMixError } from "../errors.js";
import { FittedGaussianMixture } from "../model.js";
import type { CovarianceType, Covariances } from "../types.js";
import { buildModel, type ParameterNaming } from "./parameters.js";

/** A scikit-learn `GaussianMixture`'s fitted attributes as JSON (shapes as scikit-learn's). */
export interface SklearnGaussianMixtureJSON {
  covariance_type: CovarianceType;
  n_components: number;
  n_features_in_: number;
  weights_: number[];
  means_: number[][];
  covariances_: Covariances;
  precisions_cholesky_: Covariances;
  precisions_: Covariances;
  converged_: boolean;
  n_iter_: number;
  /** Absent when unknown (a model built from parameters without a lower bound). */
  lower_bound_?: number;
}

const NAMING: ParameterNaming = {
  code: "INVALID_MODEL_JSON",
  where: "readSklearnJSON",
  names: {
    covarianceType: "covariance_type",
    weights: "weights_",
    means: "means_",
    covariances: "covariances_",
    precisionsCholesky: "precisions_cholesky_",
  },
};

/** The JSON of a model for scikit-learn (see `readSklearnJSON` for the other way). */
export function writeSklearnJSON(model: FittedGaussianMixture): SklearnGaussianMixtureJSON {
  if (!(model instanceof FittedGaussianMixture)) {
    throw new GaussMixError("INVALID_OPTION", "writeSklearnJSON: model must be a FittedGaussianMixture");
  }
  const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
  const out: SklearnGaussianMixtureJSON = {
    covariance_type: model.covarianceType,
    n_components: model.nComponents,
    n_features_in_: model.nFeatures,
    weights_: [...model.weights],
    means_: copy(model.means) as number[][],
    covariances_: copy(model.covariances),
    precisions_cholesky_: copy(model.precisionsCholesky),
    precisions_: copy(model.precisions),
    converged_: model.converged,
    n_iter_: model.nIter,
  };
  if (Number.isFinite(model.lowerBound)) out.lower_bound_ = model.lowerBound;
  return out;
}

/**
 * A fitted model from scikit-learn's attributes (an object or its JSON string): `covariance_type`, `weights_`,
 * `means_`, and `precisions_cholesky_` and/or `covariances_` (predictions use `precisions_cholesky_` when given,
 * as scikit-learn does); `n_features_in_`, `converged_`, `n_iter_`, `lower_bound_` are read when present. Other
 * keys (`precisions_`, `n_components`, …) are ignored. A malformed document throws INVALID_MODEL_JSON naming
 * the attribute.
 */
export function readSklearnJSON(json: unknown): FittedGaussianMixture {
  let doc = json;
  if (typeof json === "string") {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new GaussMixError("INVALID_MODEL_JSON", `readSklearnJSON: not valid JSON (${(e as Error).message})`);
    }
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new GaussMixError(
      "INVALID_MODEL_JSON",
      "readSklearnJSON: expected an object of scikit-learn attributes (weights_, means_, covariances_, …)",
    );
  }
  const o = doc as Record<string, unknown>;
  const bad = (m: string) => new GaussMixError("INVALID_MODEL_JSON", `readSklearnJSON: ${m}`);
  for (const key of ["weights_", "means_", "covariance_type"]) if (o[key] === undefined) throw bad(`${key} is missing`);
  if (o.converged_ !== undefined && typeof o.converged_ !== "boolean")
    throw bad(`converged_ must be true or false, got ${JSON.stringify(o.converged_)}`);
  if (o.n_iter_ !== undefined && !(Number.isInteger(o.n_iter_) && (o.n_iter_ as number) >= 0)) {
    throw bad(`n_iter_ must be a non-negative integer, got ${JSON.stringify(o.n_iter_)}`);
  }
  if (o.lower_bound_ !== undefined && !(typeof o.lower_bound_ === "number" && Number.isFinite(o.lower_bound_))) {
    throw bad(`lower_bound_ must be a finite number, got ${JSON.stringify(o.lower_bound_)}`);
  }
  const m = buildModel(
    {
      covarianceType: o.covariance_type as CovarianceType,
      weights: o.weights_ as number[],
      means: o.means_ as number[][],
      covariances: o.covariances_ as Covariances | undefined,
      precisionsCholesky: o.precisions_cholesky_ as Covariances | undefined,
      converged: o.converged_ as boolean | undefined,
      nIter: o.n_iter_ as number | undefined,
      lowerBound: o.lower_bound_ as number | undefined,
    },
    NAMING,
  );
  if (o.n_features_in_ !== undefined && o.n_features_in_ !== m.nFeatures) {
    throw bad(`n_features_in_ is ${JSON.stringify(o.n_features_in_)} but means_ has ${m.nFeatures} columns`);
  }
  if (o.n_components !== undefined && o.n_components !== m.nComponents) {
    throw bad(`n_components is ${JSON.stringify(o.n_components)} but weights_ has ${m.nComponents} values`);
  }
  return new FittedGaussianMixture(m.covarianceType, m.nComponents, m.nFeatures, m.params, m.summary);
}
