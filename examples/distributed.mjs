// Distributed EM over several Node processes: every process holds its own part of the data, computes the
// sufficient statistics of that part for the current model, and sends them back as JSON; the coordinator merges
// them and takes the M-step. The result is the single-process fit (up to the order of summation).
//
//   node examples/distributed.mjs [processes]     (after `npm run build`)
//
// The same pattern works across machines: only the model (model.toJSON()) goes out and only the statistics
// (stats.toJSON() or stats.toBytes()) come back, whatever the size of the data.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { FittedGaussianMixture, GaussianMixture, SufficientStatistics } from "../dist/index.js";

const self = fileURLToPath(import.meta.url);

/** A worker process: keeps its part of the data, answers every model with that part's statistics. */
function serve() {
  let part;
  process.on("message", (msg) => {
    if (msg.part) {
      part = { data: Float64Array.from(msg.part.data), shape: msg.part.shape };
      process.send({ ready: true });
    } else if (msg.model) {
      const model = FittedGaussianMixture.fromJSON(msg.model);
      process.send({ stats: model.statistics(part).toJSON() });
    } else if (msg.exit) {
      process.disconnect();
    }
  });
}

/** Starts one process per part (each `{ data, shape }`) and returns an object that runs EM over them. */
export async function startWorkers(parts) {
  const workers = parts.map(() => fork(self, ["--worker"], { stdio: "inherit" }));
  const reply = (w) =>
    new Promise((resolve, reject) => {
      w.once("message", resolve);
      w.once("error", reject);
    });
  await Promise.all(
    workers.map((w, i) => {
      const ready = reply(w);
      w.send({ part: { data: Array.from(parts[i].data), shape: parts[i].shape } });
      return ready;
    }),
  );
  return {
    /** The statistics of all the data for `model`, merged from every process. */
    async statistics(model) {
      const json = model.toJSON();
      const answers = await Promise.all(
        workers.map((w) => {
          const r = reply(w);
          w.send({ model: json });
          return r;
        }),
      );
      return SufficientStatistics.merge(...answers.map((a) => SufficientStatistics.fromJSON(a.stats)));
    },
    close() {
      for (const w of workers) w.send({ exit: true });
    },
  };
}

/**
 * EM from `initial` with the statistics computed by the workers: the loop of an in-memory fit (stop when the mean
 * log-likelihood changes by less than `tol`, at most `maxIter` iterations). `regCovar` not given: the amounts
 * of the fit that made `initial` (its `regCovar`).
 */
export async function distributedEM(workers, initial, { maxIter = 100, tol = 1e-3, regCovar } = {}) {
  let model = initial;
  let lowerBound = -Infinity;
  const lowerBounds = [];
  for (let iter = 1; iter <= maxIter; iter++) {
    const stats = await workers.statistics(model);
    const prev = lowerBound;
    lowerBound = stats.meanLogLikelihood;
    lowerBounds.push(lowerBound);
    model = model.step(stats, { regCovar });
    if (Math.abs(lowerBound - prev) < tol) return { model, lowerBounds, converged: true };
  }
  return { model, lowerBounds, converged: false };
}

if (process.argv[2] === "--worker") {
  serve();
} else if (process.argv[1] === self) {
  const processes = Number(process.argv[3] ?? process.argv[2] ?? 3);
  // Three Gaussians in 4-D, 60,000 samples, split over the processes.
  const n = 60_000;
  const d = 4;
  const { X } = FittedGaussianMixture.fromParameters({
    covarianceType: "diag",
    weights: [0.5, 0.3, 0.2],
    means: [
      [0, 0, 0, 0],
      [5, 5, 0, 0],
      [0, 5, 5, 5],
    ],
    covariances: [
      [1, 1, 1, 1],
      [0.5, 2, 1, 1],
      [1, 1, 0.3, 3],
    ],
  }).sample(n, { randomState: 7 });
  const parts = Array.from({ length: processes }, (_, p) => {
    const a = Math.round((n * p) / processes);
    const b = Math.round((n * (p + 1)) / processes);
    return { data: X.data.slice(a * d, b * d), shape: [b - a, d] };
  });
  // The first parameters from a fit on a sample (every 20th row), then EM on all the data.
  const sample = { data: X.data.filter((_, i) => Math.floor(i / d) % 20 === 0), shape: [n / 20, d] };
  const initial = await new GaussianMixture({ nComponents: 3, covarianceType: "full", randomState: 0 }).fit(sample);
  const workers = await startWorkers(parts);
  const t0 = performance.now();
  const { model, lowerBounds, converged } = await distributedEM(workers, initial, { tol: 1e-6 });
  workers.close();
  console.log(
    `${processes} processes, ${lowerBounds.length} iterations, converged ${converged}, ` +
      `${(performance.now() - t0).toFixed(0)} ms; mean log-likelihood ${lowerBounds.at(-1)}`,
  );
  console.log("weights", model.weights.map((w) => w.toFixed(4)).join(" "));
}
