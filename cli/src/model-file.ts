/** Model files of the command line: reading one written by `fit --out` (either estimator), and naming its columns. */
import { readFileSync } from "node:fs";
import { FittedBayesianGaussianMixture, FittedGaussianMixture, GaussMixError } from "gaussmix";
import { InputError } from "./read.js";

/** What the commands use of a fitted mixture, Bayesian or not. */
export type Mixture = Pick<
  FittedGaussianMixture,
  | "covarianceType"
  | "nComponents"
  | "nFeatures"
  | "weights"
  | "means"
  | "covariances"
  | "converged"
  | "nIter"
  | "lowerBound"
  | "predict"
  | "predictProba"
  | "scoreSamples"
  | "score"
  | "sample"
>;

/** A model file of `fit --out`: a mixture or a Bayesian mixture, with the feature names it was fitted on. */
export function loadModel(path: string): { m: Mixture; featureNames?: readonly string[] } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message;
    throw new InputError(`${path}: cannot read the model file (${why})`);
  }
  try {
    const doc = JSON.parse(text);
    if (doc?.format === "gaussmix-bayesian-model") {
      const m = FittedBayesianGaussianMixture.fromJSON(doc);
      const names = doc.featureNames;
      const ok = Array.isArray(names) && names.length === m.nFeatures && names.every((x) => typeof x === "string");
      if (names !== undefined && !ok) throw new InputError(`${path}: featureNames must be ${m.nFeatures} strings`);
      return { m, featureNames: ok ? names : undefined };
    }
    const m = FittedGaussianMixture.fromJSON(doc);
    return { m, featureNames: m.featureNames };
  } catch (e) {
    if (e instanceof SyntaxError) throw new InputError(`${path}: not a model written by gaussmix fit (not JSON)`);
    if (e instanceof GaussMixError) throw new InputError(`${path}: not a model written by gaussmix fit (${e.message})`);
    throw e;
  }
}

/** The model document with the names of the columns it was fitted on, placed after nFeatures. */
export function withNames<T extends { nFeatures: number }>(doc: T, featureNames: string[]): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    out[key] = value;
    if (key === "nFeatures") out.featureNames = featureNames;
  }
  return out as T;
}
