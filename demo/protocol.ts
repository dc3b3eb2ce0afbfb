/**
 * Messages between the page and the fitting worker. Every request carries the page's generation number and
 * every answer echoes it: the page drops answers about data or settings it no longer shows.
 */
import type { CovarianceType, InitParams } from "../src/index.js";

export interface FitRequest {
  type: "fit";
  gen: number;
  data: Float64Array;
  d: number;
  nComponents: number;
  covarianceType: CovarianceType;
  initParams: InitParams;
  seed: number;
  /** Fit `BayesianGaussianMixture` (Dirichlet process prior, nComponents the upper bound) instead of EM. */
  bayesian: boolean;
  /** Milliseconds between iterations while playing; -1: wait for a "step" (or "play") message. */
  delay: number;
}

export type ToWorker =
  | FitRequest
  | { type: "step" }
  | { type: "play"; delay: number }
  | { type: "select"; gen: number; data: Float64Array; d: number; seed: number }
  | { type: "sample"; gen: number; n: number; seed: number };

export interface Params {
  weights: number[];
  means: number[][];
  /** Always d×d per component here (expanded from the other covariance types). */
  covariances: number[][][];
}

/** What the worker was given to fit, so the page (and its tests) can check it is the data shown. */
export interface Fitted {
  n: number;
  d: number;
  /** Σ of all values, a cheap fingerprint of the data. */
  sum: number;
}

export interface SelectionCell {
  k: number;
  covarianceType: CovarianceType;
  bic: number;
}

export type FromWorker = { gen: number } & (
  | ({ type: "iteration"; iteration: number; lowerBound: number; resp: Float32Array } & Params)
  | ({
      type: "done";
      nIter: number;
      converged: boolean;
      lowerBound: number;
      /** EM alone: the time spent in the page's pacing (animation delays, waiting for "step", drawing) is left out. */
      ms: number;
      resp: Float32Array;
      /**
       * `model.toJSON()` as text: what `FittedGaussianMixture.fromJSON` (or, for the Bayesian fit,
       * `FittedBayesianGaussianMixture.fromJSON`) reads.
       */
      model: string;
      fitted: Fitted;
    } & Params)
  | { type: "progress"; done: number; total: number }
  | { type: "selection"; cells: SelectionCell[] }
  | { type: "samples"; data: Float64Array; labels: Int32Array }
  | { type: "error"; message: string }
);
