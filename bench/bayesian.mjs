// Per-iteration cost of BayesianGaussianMixture beside GaussianMixture: the same engine pass, plus the
// variational M-step, constants and lower bound (O(k·d²) in TypeScript). Not a test: run on demand.
//
//   npm run build && node bench/bayesian.mjs [--only name,name] [--quick]
//
// Figure: the marginal cost of one iteration, (fit with 20 iterations − fit with 1 iteration) / 19, tol 0, median
// of several runs, for both estimators from the same start (initParams "random_from_data" with the same seed: the
// same initial responsibilities). The problems are bench/run.mjs's, made by the same kind of seeded generator.
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { clusters } from "./clusters.mjs";

const here = dirname(fileURLToPath(import.meta.url));
// A snapshot of the build, so that a rebuild during the run cannot change what is measured.
const build = mkdtempSync(join(tmpdir(), "gaussmix-bench-"));
cpSync(join(here, "..", "dist"), build, { recursive: true });
const { GaussianMixture, BayesianGaussianMixture } = await import(join(build, "index.js"));

const ITERS = 20;
const PROBLEMS = [
  ["full-3k-d2-k3", 3000, 2, 3, "full"],
  ["full-100k-d2-k5", 100000, 2, 5, "full"],
  ["full-100k-d16-k8", 100000, 16, 8, "full"],
  ["tied-100k-d16-k8", 100000, 16, 8, "tied"],
  ["spherical-100k-d16-k8", 100000, 16, 8, "spherical"],
  ["diag-1m-d8-k16", 1000000, 8, 16, "diag"],
  ["full-200k-d32-k16", 200000, 32, 16, "full"],
];

const args = process.argv.slice(2);
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const only = value("--only", "").split(",").filter(Boolean);
let problems = PROBLEMS.filter(([name]) => only.length === 0 || only.includes(name));
if (args.includes("--quick")) problems = problems.filter(([, n, d]) => n * d * d <= 100000 * 2 * 2);

/** k Gaussian clusters with random linear shapes (seeded; the benchmarks' generator). */
function makeData(n, d, k) {
  const { X } = clusters(n, d, k);
  return { data: X, shape: [n, d] };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Marginal ms per iteration; both estimators interleaved run by run so that machine drift hits both alike. */
async function time(X, n, d, k, covarianceType) {
  const opts = { nComponents: k, covarianceType, tol: 0, initParams: "random_from_data", randomState: 0 };
  const estimators = { gmm: GaussianMixture, bayes: BayesianGaussianMixture };
  const once = async (Est, maxIter) => {
    const t = performance.now();
    const m = await new Est({ ...opts, maxIter }).fit(X);
    return { ms: performance.now() - t, m };
  };
  // Warm-up: the engine compiled and the TypeScript of both loops optimised (a few hundred iterations).
  for (const Est of Object.values(estimators)) for (let r = 0; r < 3; r++) await once(Est, 100);
  const runs = n * d <= 20000 ? 25 : 5;
  const t = { gmm: [[], []], bayes: [[], []] };
  const last = {};
  for (let r = 0; r < runs; r++) {
    for (const [key, Est] of Object.entries(estimators)) {
      t[key][0].push((await once(Est, 1)).ms);
      const x = await once(Est, ITERS);
      t[key][1].push(x.ms);
      last[key] = x.m;
    }
  }
  const per = (key) => (median(t[key][1]) - median(t[key][0])) / (ITERS - 1);
  const active = last.bayes.weights.filter((w) => w > 0.01).length;
  return { gmm: per("gmm"), bayes: per("bayes"), active };
}

console.log(
  "| problem (n × d, k, covariance) | GaussianMixture ms/iter | BayesianGaussianMixture ms/iter | ratio | components > 0.01 |",
);
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, n, d, k, ct] of problems) {
  const X = makeData(n, d, k);
  const r = await time(X, n, d, k, ct);
  const label = `${n.toLocaleString("en")} × ${d}, k ${k}, ${ct}`;
  console.log(
    `| ${label} | ${r.gmm.toFixed(3)} | ${r.bayes.toFixed(3)} | ${(r.bayes / r.gmm).toFixed(2)}× | ${r.active} of ${k} |`,
  );
  console.error(`${name} done`);
}
