/** Everything gaussmix exports, shared by the default entry and the workerd entry. */
export { GaussianMixture } from "./gmm.js";
export { FittedGaussianMixture, type ModelJSON } from "./model.js";
export { GaussMixError, type GaussMixErrorCode } from "./errors.js";
export { init, type ModuleInput } from "./wasm/module.js";
export { dispose } from "./wasm/engine.js";
export type {
  CovarianceType,
  Covariances,
  DataInput,
  FitOptions,
  FlatMatrix,
  GaussianMixtureOptions,
  InitParams,
  IterationInfo,
  Matrix,
} from "./types.js";
export { selectModel, type Criterion, type Selection, type SelectionRow, type SelectModelOptions } from "./select.js";
export { BayesianGaussianMixture } from "./bayesian/estimator.js";
export { FittedBayesianGaussianMixture, type BayesianModelJSON } from "./bayesian/model.js";
export type { BayesianGaussianMixtureOptions, WeightConcentrationPriorType } from "./bayesian/options.js";
