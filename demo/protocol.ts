/** Messages between the page and the fitting worker. */
import type { CovarianceType, InitParams } from "../src/index.js";

export interface FitRequest {
  type: "fit";
  data: Float64Array;
  d: number;
  nComponents: number;
  covarianceType: CovarianceType;
  initParams: InitParams;
  seed: number;
  /** Milliseconds between iterations while playing; -1: wait for a "step" message. */
  delay: number;
}

export type ToWorker =
  | FitRequest
  | { type: "step" }
  | { type: "play"; delay: number }
  | { type: "stop" }
  | { type: "select"; data: Float64Array; d: number; covarianceType: CovarianceType; seed: number }
  | { type: "sample"; n: number; seed: number };

export interface Params {
  weights: number[];
  means: number[][];
  /** Always d×d per component here (expanded from the other covariance types). */
  covariances: number[][][];
}

export type FromWorker =
  | ({ type: "iteration"; iteration: number; lowerBound: number; resp: Float32Array } & Params)
  | ({ type: "done"; nIter: number; converged: boolean; lowerBound: number; ms: number; resp: Float32Array } & Params)
  | { type: "selection"; ks: number[]; bic: number[]; aic: number[] }
  | { type: "samples"; data: Float64Array; labels: Int32Array }
  | { type: "error"; message: string };
