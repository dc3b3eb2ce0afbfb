/** Everything gaussmix exports, shared by the default entry and the workerd entry. */
export { GaussianMixture } from "./gmm.js";
export { FittedGaussianMixture, type ModelJSON } from "./model.js";
export { GaussMixError, type GaussMixErrorCode } from "./errors.js";
export {
  type EngineBuild,
  type EngineChoice,
  type EngineInfo,
  engineInfo,
  init,
  type InitOptions,
  type ModuleInput,
} from "./wasm/module.js";
export { dispose } from "./wasm/engine.js";
export type {
  BayesianGaussianMixtureOptions,
  CovarianceType,
  Covariances,
  Criterion,
  DataInput,
  FitOptions,
  FlatMatrix,
  GaussianMixtureOptions,
  InitParams,
  IterationInfo,
  Matrix,
  SelectionRow,
  SelectModelOptions,
  WeightConcentrationPriorType,
} from "./types.js";
export { selectModel, type Selection } from "./select.js";
export { BayesianGaussianMixture } from "./bayesian/estimator.js";
export { FittedBayesianGaussianMixture, type BayesianModelJSON } from "./bayesian/model.js";
export { readSklearnJSON, writeSklearnJSON, type SklearnGaussianMixtureJSON } from "./interop/sklearn.js";
export type { ModelParameters } from "./interop/parameters.js";
