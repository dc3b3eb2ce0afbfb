/// <reference lib="webworker" />
/**
 * Fits in a Web Worker so the page never freezes. `onIteration` paces EM (a delay while playing, or a wait
 * for the page's "step"), and each iteration's parameters and responsibilities go to the page.
 */
import {
  BayesianGaussianMixture,
  type CovarianceType,
  type FittedBayesianGaussianMixture,
  type FittedGaussianMixture,
  GaussianMixture,
  type IterationInfo,
  selectModel,
} from "../src/index.js";
import type { FromWorker, Params, SelectionCell, ToWorker } from "./protocol.js";

declare const self: DedicatedWorkerGlobalScope;

const COVARIANCE_TYPES: CovarianceType[] = ["full", "tied", "diag", "spherical"];
/** Iteration limit of the Bayesian fit (EM keeps the library's default, 100). */
const BAYESIAN_MAX_ITER = 500;

let waiting: (() => void) | undefined;
let delay = 200;
let model: FittedGaussianMixture | FittedBayesianGaussianMixture | undefined;
let modelGen = -1;

const post = (m: FromWorker, transfer: Transferable[] = []) => self.postMessage(m, transfer);

/** Any covariance type → one d×d matrix per component. */
function expand(type: CovarianceType, cov: unknown, k: number, d: number): number[][][] {
  const eye = (v: number[]) => v.map((x, i) => v.map((_, j) => (i === j ? x : 0)));
  switch (type) {
    case "full":
      return cov as number[][][];
    case "tied":
      return Array.from({ length: k }, () => cov as number[][]);
    case "diag":
      return (cov as number[][]).map(eye);
    case "spherical":
      return (cov as number[]).map((v) => eye(new Array(d).fill(v)));
  }
}

/** Responsibilities of every point under the given parameters (d ≤ 2, plain JS, for the colours while animating). */
function responsibilities(data: Float64Array, d: number, p: Params): Float32Array {
  const k = p.weights.length;
  const n = data.length / d;
  const out = new Float32Array(n * k);
  const pre = p.covariances.map((c, j) => {
    const det = d === 1 ? c[0][0] : c[0][0] * c[1][1] - c[0][1] * c[1][0];
    const inv =
      d === 1
        ? [[1 / c[0][0]]]
        : [
            [c[1][1] / det, -c[0][1] / det],
            [-c[1][0] / det, c[0][0] / det],
          ];
    return { inv, logc: Math.log(p.weights[j]) - 0.5 * Math.log(det) - (d / 2) * Math.log(2 * Math.PI) };
  });
  const lp = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      const dx = data[i * d] - p.means[j][0];
      const { inv, logc } = pre[j];
      let q = dx * dx * inv[0][0];
      if (d === 2) {
        const dy = data[i * d + 1] - p.means[j][1];
        q += 2 * dx * dy * inv[0][1] + dy * dy * inv[1][1];
      }
      lp[j] = logc - 0.5 * q;
      if (lp[j] > max) max = lp[j];
    }
    let s = 0;
    for (let j = 0; j < k; j++) s += lp[j] = Math.exp(lp[j] - max);
    for (let j = 0; j < k; j++) out[i * k + j] = lp[j] / s;
  }
  return out;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function fit(req: Extract<ToWorker, { type: "fit" }>) {
  const { gen, data, d, nComponents: k, covarianceType } = req;
  delay = req.delay;
  model = undefined;
  const n = data.length / d;
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i];
  let paced = 0; // time spent in the pacing callback: drawing data for the page, animation delays, waiting for "step"
  const pace = async (info: IterationInfo) => {
    const t = performance.now();
    const params: Params = {
      weights: info.weights,
      means: info.means,
      covariances: expand(covarianceType, info.covariances, k, d),
    };
    const resp = responsibilities(data, d, params);
    post({ gen, type: "iteration", iteration: info.iteration, lowerBound: info.lowerBound, resp, ...params }, [
      resp.buffer,
    ]);
    if (delay < 0) await new Promise<void>((r) => (waiting = r));
    else if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    paced += performance.now() - t;
  };
  try {
    const t0 = performance.now();
    const o = { nComponents: k, covarianceType, randomState: req.seed, onIteration: pace };
    // The Bayesian estimator's iterations report the same parameters (weights, means, covariances) as EM's.
    // Surplus components drain slowly (three Gaussians at k = 8: about 300 iterations), hence the higher limit.
    const fitted = req.bayesian
      ? await new BayesianGaussianMixture({ ...o, initParams: req.initParams, maxIter: BAYESIAN_MAX_ITER }).fit({
          data,
          shape: [n, d],
        })
      : await new GaussianMixture({ ...o, initParams: req.initParams }).fit({ data, shape: [n, d] });
    const ms = performance.now() - t0 - paced;
    model = fitted;
    modelGen = gen;
    const params: Params = {
      weights: [...fitted.weights],
      means: fitted.means.map((r) => [...r]),
      covariances: expand(covarianceType, fitted.covariances, k, d),
    };
    const resp = new Float32Array(fitted.predictProba({ data, shape: [n, d] }).data);
    post(
      {
        gen,
        type: "done",
        nIter: fitted.nIter,
        converged: fitted.converged,
        lowerBound: fitted.lowerBound,
        ms,
        resp,
        model: JSON.stringify(fitted.toJSON()),
        fitted: { n, d, sum },
        ...params,
      },
      [resp.buffer],
    );
  } catch (e) {
    post({ gen, type: "error", message: message(e) });
  }
}

async function select(m: Extract<ToWorker, { type: "select" }>) {
  const n = m.data.length / m.d;
  const ks = [1, 2, 3, 4, 5, 6, 7, 8].filter((k) => k <= n);
  try {
    const s = await selectModel(
      { data: m.data, shape: [n, m.d] },
      {
        nComponents: ks,
        covarianceTypes: COVARIANCE_TYPES,
        randomState: m.seed,
        onProgress: (done, total) => post({ gen: m.gen, type: "progress", done, total }),
      },
    );
    const cells: SelectionCell[] = s.table.map((r) => ({
      k: r.nComponents,
      covarianceType: r.covarianceType,
      bic: r.bic,
    }));
    post({ gen: m.gen, type: "selection", cells });
  } catch (e) {
    post({ gen: m.gen, type: "error", message: message(e) });
  }
}

self.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  if (m.type === "fit") await fit(m);
  else if (m.type === "step") waiting?.();
  else if (m.type === "play") {
    delay = m.delay;
    // Pausing (-1) takes effect at the next iteration; resuming releases a waiting one.
    if (delay >= 0) waiting?.();
  } else if (m.type === "select") await select(m);
  else if (m.type === "sample") {
    if (!model || modelGen !== m.gen) {
      post({ gen: m.gen, type: "error", message: "no fitted model for the data shown: fit first" });
      return;
    }
    const { X, labels } = model.sample(m.n, { randomState: m.seed });
    post({ gen: m.gen, type: "samples", data: X.data, labels }, [X.data.buffer, labels.buffer]);
  }
};
