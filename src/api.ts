/** Everything gaussmix exports, shared by the default entry and the workerd entry. */
export { GaussianMixture } from "./gmm.js";
export { type AnyFittedGaussianMixture, FittedGaussianMixture, type ModelJSON } from "./model.js";
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
  CovarianceShape,
  CovarianceShapes,
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
  ReadonlyCovarianceShape,
  ReadonlyCovarianceShapes,
  SelectionRowBase,
  SelectModelOptions,
  WeightConcentrationPriorType,
} from "./types.js";
export { selectModel, type Selection, type SelectionRow } from "./select.js";
export { BayesianGaussianMixture } from "./bayesian/estimator.js";
export { FittedBayesianGaussianMixture, type BayesianModelJSON } from "./bayesian/model.js";
export { readSklearnJSON, writeSklearnJSON, type SklearnGaussianMixtureJSON } from "./interop/sklearn.js";
export type { ModelParameters } from "./interop/parameters.js";
export { SufficientStatistics, type StatisticsJSON } from "./statistics.js";
export { fitStream } from "./stream/fit.js";
export type { StreamChunk, StreamSource, CsvText } from "./stream/source.js";
export type { StreamFitOptions, StreamCsvOptions, OnlineOptions } from "./types.js";
export { OnlineGaussianMixture } from "./stream/online.js";
