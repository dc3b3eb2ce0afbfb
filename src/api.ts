/** Everything gaussmix exports, shared by the default entry and the workerd entry. */
export { GaussianMixture } from "./gmm.js";
export { FittedGaussianMixture, type ModelJSON } from "./model.js";
export { GaussMixError, type GaussMixErrorCode } from "./errors.js";
export { init, type ModuleInput } from "./wasm/module.js";
export { dispose } from "./wasm/engine.js";
export type {
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
} from "./types.js";
export { selectModel, type Selection } from "./select.js";
export { readSklearnJSON, writeSklearnJSON, type SklearnGaussianMixtureJSON } from "./interop/sklearn.js";
export type { ModelParameters } from "./interop/parameters.js";
