// The gaussmix benchmark: per-iteration cost of EM beside scikit-learn and the best JS package, on the same
// data from the same initial parameters, measured in one run. Not a test: run on demand with `npm run bench`.
//
//   node bench/run.mjs [--only name,name] [--quick] [--threads N] [--no-js] [--no-memory] [--e2e-only] [--out bench/README.md]
//
// --e2e-only skips the per-iteration table (and the memory figure): only the end-to-end default fits, quick to
// repeat; it writes bench/out/e2e.md unless --out says otherwise.
//
// Figure: the marginal cost of one EM iteration, (fit with 20 iterations − fit with 1 iteration) / 19, tol 0,
// explicit initial parameters, median of several runs — set-up and data copies cancel out. scikit-learn is
// timed by bench/sklearn_timing.py (Debian's python3-sklearn) on the very data files it writes here.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import GMM from "gaussian-mixture-model";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { clusters } from "./clusters.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
// A snapshot of the build, so that a rebuild during the (long) run cannot change what is measured.
const build = mkdtempSync(join(tmpdir(), "gaussmix-bench-"));
cpSync(join(root, "dist"), build, { recursive: true });
const { GaussianMixture, init } = await import(join(build, "index.js"));
// The gaussmix column is the baseline build (no fused multiply-add) on every runtime; see relaxedColumn().
await init({ engine: "baseline" });
const dataDir = join(here, "data");
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
const flag = (name) => args.includes(name);
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const only = value("--only", "").split(",").filter(Boolean);
const threads = Number(value("--threads", "1"));
const e2eOnly = flag("--e2e-only");
const outFile = value("--out", e2eOnly ? join(here, "out", "e2e.md") : join(here, "README.md"));
const E2E_SEEDS = [0, 1, 2];
// The whole fit on two threads is measured on the two largest problems (most arithmetic per pass).
const LARGEST = [...PROBLEMS]
  .sort((a, b) => b[1] * b[3] * b[2] ** 2 - a[1] * a[3] * a[2] ** 2)
  .slice(0, 2)
  .map(([name]) => name);
let problems = PROBLEMS.filter(([name]) => only.length === 0 || only.includes(name));
if (flag("--quick")) problems = problems.filter(([, n, d]) => n * d * d <= 100000 * 16 * 16);

const PY = "/usr/bin/python3";
const sklearnEnv = () => {
  // OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE slow a current numpy on this machine; one thread for a fair comparison.
  const env = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
};
const hasSklearn = existsSync(PY) && spawnSync(PY, ["-c", "import sklearn"]).status === 0;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * Data files and initial parameters of one problem: written by sklearn_timing.py, which also times scikit-learn
 * on them. Called just before gaussmix is timed on the same problem, so that both run under the same machine load
 * (the shared 2-vCPU machines drift by tens of percent over minutes).
 */
function prepare([name, n, d, k, ct], time = true) {
  mkdirSync(dataDir, { recursive: true });
  if (!time && existsSync(join(dataDir, `${name}.f64`)) && existsSync(join(dataDir, `${name}.json`))) return undefined;
  if (!hasSklearn) {
    writeProblem(name, n, d, k, ct);
    return undefined;
  }
  const out = execFileSync(
    PY,
    [join(here, "sklearn_timing.py"), dataDir, time ? String(ITERS) : "0", `${name}:${n}:${d}:${k}:${ct}`],
    { env: sklearnEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  const [, ms, lb] = out.trim().split(" ");
  return { ms: Number(ms), lb: Number(lb) };
}

/** The same kind of problem as sklearn_timing.py, made in JS (seeded) when Python is not available. */
function writeProblem(name, n, d, k, ct) {
  const { X, u } = clusters(n, d, k);
  const mean = new Float64Array(d);
  const vr = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += X[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) vr[j] += (X[i * d + j] - mean[j]) ** 2 / n;
  const means = Array.from({ length: k }, () => Array.from(X.subarray(Math.floor(u() * n) * d).slice(0, d)));
  const diagP = Array.from(vr, (v) => 1 / v);
  const eye = diagP.map((p, a) => diagP.map((_, b) => (a === b ? p : 0)));
  const precisionsInit = {
    full: Array(k).fill(eye),
    diag: Array(k).fill(diagP),
    tied: eye,
    spherical: Array(k).fill(1 / (vr.reduce((a, b) => a + b) / d)),
  }[ct];
  writeFileSync(join(dataDir, `${name}.f64`), Buffer.from(X.buffer));
  writeFileSync(
    join(dataDir, `${name}.json`),
    JSON.stringify({
      name,
      n,
      d,
      options: {
        nComponents: k,
        covarianceType: ct,
        tol: 0,
        maxIter: ITERS,
        regCovar: 1e-6,
        weightsInit: Array(k).fill(1 / k),
        meansInit: means,
        precisionsInit,
      },
    }),
  );
}

function load(name) {
  const meta = JSON.parse(readFileSync(join(dataDir, `${name}.json`), "utf8"));
  const buf = readFileSync(join(dataDir, `${name}.f64`));
  const data = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  return { meta, X: { data, shape: [meta.n, meta.d] } };
}

async function timeGaussmix(meta, X, extra = {}, GaussianMixtureClass = GaussianMixture) {
  const opts = { ...meta.options, tol: 0, ...extra };
  const once = async (maxIter) => {
    const t = performance.now();
    const m = await new GaussianMixtureClass({ ...opts, maxIter }).fit(X);
    return { ms: performance.now() - t, m };
  };
  await once(1); // warm-up: engine compiled, code optimised
  const runs = meta.n * meta.d <= 20000 ? 25 : 5;
  const t1 = [];
  const tn = [];
  let model;
  for (let r = 0; r < runs; r++) {
    t1.push((await once(1)).ms);
    const x = await once(ITERS);
    tn.push(x.ms);
    model = x.m;
  }
  return { ms: (median(tn) - median(t1)) / (ITERS - 1), lb: model.lowerBound };
}

/**
 * The "relaxed ms/iter" column: the relaxed-SIMD build (fused multiply-add), loaded from a second copy of the build
 * so that its engine choice is its own. Only where the runtime validates relaxed SIMD (Node 20: run the bench under
 * `node --experimental-wasm-relaxed-simd`, as `npm run bench` does); elsewhere the column is left out.
 */
async function relaxedColumn() {
  const copy = mkdtempSync(join(tmpdir(), "gaussmix-bench-relaxed-"));
  cpSync(build, copy, { recursive: true });
  const lib = await import(join(copy, "index.js"));
  if (!lib.engineInfo().relaxedSimd) return { time: async () => undefined, header: "", cell: () => "" };
  await lib.init({ engine: "relaxed" });
  const time = async (meta, X) => (await timeGaussmix(meta, X, {}, lib.GaussianMixture)).ms;
  return { time, header: " relaxed ms/iter |", rule: " ---: |", cell: (r) => ` ${fmt(r.relaxedMs)} |` };
}

/** gaussian-mixture-model (npm): full covariances, explicit initial parameters; runEM(i) after loading the points. */
function timeJsPackage(meta, X) {
  const { n, d } = meta;
  const o = meta.options;
  const covariances = o.precisionsInit.map((P) => P.map((row, a) => row.map((v, b) => (a === b ? 1 / v : 0)))); // diagonal P
  const rows = Array.from({ length: n }, (_, i) => Array.from(X.data.subarray(i * d, (i + 1) * d)));
  const run = (iters) => {
    const gmm = new GMM({ weights: o.weightsInit, means: o.meansInit, covariances, bufferSize: n });
    for (const p of rows) gmm.addPoint(p);
    const t = performance.now();
    gmm.runEM(iters);
    return performance.now() - t;
  };
  // Only runEM is timed (the points are loaded before), so at d ≥ 32, where one iteration takes a minute, the
  // time of one iteration is the figure; below, the marginal cost as for the other libraries.
  if (d >= 32) return run(1);
  const slow = d >= 16;
  const [lo, hi] = slow ? [1, 3] : [1, ITERS];
  const reps = slow ? 1 : n <= 3000 ? 15 : 3;
  const a = [];
  const b = [];
  for (let r = 0; r < reps; r++) {
    a.push(run(lo));
    b.push(run(hi));
  }
  return (median(b) - median(a)) / (hi - lo);
}

/**
 * The arithmetic of one pass as the engine does it (nothing skipped): full 2·d(d+1) + 3d per sample and component
 * (triangular product, scatter, differences); tied d(d+1) per sample (z = F(x − s)) + 5d per sample and component
 * (distance, S1); diag 9d per sample and component; spherical 3d per sample (x − s and its norm) + 4d per sample
 * and component (dot product, S1).
 */
function flopsPerIteration(n, d, k, ct) {
  if (ct === "full") return n * k * (2 * d * (d + 1) + 3 * d);
  if (ct === "tied") return n * (d * (d + 1) + 5 * d * k);
  if (ct === "diag") return n * k * 9 * d;
  return n * (3 * d + 4 * d * k);
}

/**
 * End-to-end default fits, seeds 0–2, the two sides alternated seed by seed (gaussmix, then scikit-learn's default
 * fit of the same seed in bench/sklearn_default.py) so that both see the same machine load; on the two largest
 * problems also the whole fit with `threads: 2`. Medians of the times, means of the lower bounds.
 */
async function defaultFits() {
  // Warm-up: compile the engine once (scikit-learn's import is likewise outside its timing).
  await new GaussianMixture({ nComponents: 2, randomState: 0 }).fit(
    Array.from({ length: 64 }, (_, i) => [i % 7, (i * 3) % 11]),
  );
  const rows = [];
  for (const problem of problems) {
    const [name] = problem;
    if (e2eOnly) prepare(problem, false);
    const { meta, X } = load(name);
    const o = meta.options;
    const twoThreads = LARGEST.includes(name);
    const fit = async (seed, threads) => {
      const t = performance.now();
      const m = await new GaussianMixture({
        nComponents: o.nComponents,
        covarianceType: o.covarianceType,
        randomState: seed,
        ...(threads ? { threads } : {}),
      }).fit(X);
      return { ms: performance.now() - t, lb: m.lowerBound, nIter: m.nIter, threads: m.threads };
    };
    const ours = [];
    const two = [];
    const sk = [];
    for (const seed of E2E_SEEDS) {
      ours.push(await fit(seed));
      if (twoThreads) two.push(await fit(seed, 2));
      if (hasSklearn) {
        const out = execFileSync(
          PY,
          [
            join(here, "sklearn_default.py"),
            join(dataDir, `${name}.f64`),
            String(meta.n),
            String(meta.d),
            String(o.nComponents),
            o.covarianceType,
            String(seed),
          ],
          { env: sklearnEnv(), encoding: "utf8" },
        );
        sk.push(JSON.parse(out));
      }
    }
    const summary = (runs) =>
      runs.length
        ? {
            ms: median(runs.map((r) => r.ms)),
            lb: runs.reduce((a, r) => a + r.lb, 0) / runs.length,
            nIter: runs.map((r) => r.nIter).join("/"),
            runs,
          }
        : undefined;
    const row = { name, ...summary(ours), sk: summary(sk), two: summary(two) };
    row.ratio = row.sk ? row.sk.ms / row.ms : undefined;
    row.speedup = row.two ? row.ms / row.two.ms : undefined;
    rows.push(row);
    console.error(
      `default fit ${name}: ${row.ms.toFixed(0)} ms${row.two ? `, 2 threads ${row.two.ms.toFixed(0)} ms (${row.speedup.toFixed(2)}×)` : ""}${row.sk ? `, scikit-learn ${row.sk.ms.toFixed(0)} ms (${row.ratio.toFixed(1)}×)` : ""}`,
    );
  }
  return rows;
}

function memory(name) {
  // A child process each, so their peaks are their own.
  const script = `
    import { readFileSync } from "node:fs";
    import { GaussianMixture } from ${JSON.stringify(join(build, "index.js"))};
    const meta = JSON.parse(readFileSync(${JSON.stringify(join(dataDir, `${name}.json`))}, "utf8"));
    const buf = readFileSync(${JSON.stringify(join(dataDir, `${name}.f64`))});
    const X = { data: new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8), shape: [meta.n, meta.d] };
    const base = process.resourceUsage().maxRSS * 1024;
    await new GaussianMixture({ ...meta.options, maxIter: 5 }).fit(X);
    console.log(JSON.stringify({ base, peak: process.resourceUsage().maxRSS * 1024, data: buf.byteLength }));`;
  const ours = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }));
  let sk;
  if (hasSklearn) {
    const py = `
import json, resource, sys, numpy as np
from sklearn.mixture import GaussianMixture
meta = json.load(open(sys.argv[1])); o = meta["options"]
X = np.fromfile(sys.argv[2], dtype="<f8").reshape(meta["n"], meta["d"])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
GaussianMixture(o["nComponents"], covariance_type=o["covarianceType"], tol=0, max_iter=5, init_params="random",
    weights_init=o["weightsInit"], means_init=o["meansInit"], precisions_init=o["precisionsInit"]).fit(X)
print(json.dumps({"base": base, "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))`;
    sk = JSON.parse(
      execFileSync(PY, ["-c", py, join(dataDir, `${name}.json`), join(dataDir, `${name}.f64`)], {
        env: sklearnEnv(),
        encoding: "utf8",
      }),
    );
  }
  return { ours, sk };
}

function versions() {
  const v = { node: process.version, gaussmix: JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version };
  if (hasSklearn) {
    const py =
      "import json, numpy, sklearn\ntry:\n from threadpoolctl import threadpool_info\n blas = [f\"{i.get('internal_api')} {i.get('version')} {i.get('architecture')}\" for i in threadpool_info() if i.get('user_api') == 'blas']\nexcept Exception: blas = []\nprint(json.dumps({'sklearn': sklearn.__version__, 'numpy': numpy.__version__, 'blas': ', '.join(blas)}))";
    const out = spawnSync(PY, ["-c", py], { env: sklearnEnv(), encoding: "utf8" });
    if (out.status === 0) Object.assign(v, JSON.parse(out.stdout));
  }
  return v;
}

/**
 * How much two threads of plain CPU work get done on this machine compared with one: the ceiling of any
 * multi-threaded speed-up here (virtual machines often give two vCPUs much less than two cores' throughput).
 */
async function parallelCapacity() {
  const spin =
    "let x = 0; for (let i = 0; i < 4e8; i++) x += i & 1; require('node:worker_threads').parentPort.postMessage(x);";
  const run = (count) => {
    const t = performance.now();
    return Promise.all(
      Array.from(
        { length: count },
        () => new Promise((resolve) => new Worker(spin, { eval: true }).once("message", resolve)),
      ),
    ).then(() => performance.now() - t);
  };
  const ratios = [];
  for (let r = 0; r < 3; r++) ratios.push((2 * (await run(1))) / (await run(2)));
  return median(ratios);
}

const fmt = (v, digits = 2) => (v === undefined || Number.isNaN(v) ? "n/a" : v.toFixed(digits));

if (!hasSklearn)
  console.error(
    "scikit-learn not found (apt-get install python3-sklearn): timing gaussmix and the JS package only, on data made here",
  );
const results = [];
const relaxed = e2eOnly ? undefined : await relaxedColumn();
for (const problem of e2eOnly ? [] : problems) {
  const [name, n, d, k, ct] = problem;
  const s = prepare(problem);
  const { meta, X } = load(name);
  const g = await timeGaussmix(meta, X);
  const t = threads > 1 ? await timeGaussmix(meta, X, { threads }).catch(() => undefined) : undefined;
  const relaxedMs = await relaxed.time(meta, X);
  const js = !flag("--no-js") && ct === "full" ? timeJsPackage(meta, X) : undefined;
  const competitor = Math.min(s?.ms ?? Infinity, js ?? Infinity);
  const row = {
    name,
    n,
    d,
    k,
    ct,
    ms: g.ms,
    relaxedMs,
    threadsMs: t?.ms,
    sk: s?.ms,
    js,
    ratio: Number.isFinite(competitor) ? competitor / g.ms : undefined,
    gflops: flopsPerIteration(n, d, k, ct) / (g.ms * 1e6),
    lbOk: s ? Math.abs(g.lb - s.lb) <= 1e-6 * Math.abs(s.lb) : undefined,
    lb: g.lb,
    skLb: s?.lb,
  };
  results.push(row);
  console.error(
    `${name}: gaussmix ${fmt(row.ms)} ms/iter${relaxedMs === undefined ? "" : `, relaxed ${fmt(relaxedMs)}`}${t ? `, ${threads} threads ${fmt(t.ms)}` : ""}, scikit-learn ${fmt(row.sk)}, JS package ${fmt(js)}, ratio ${fmt(row.ratio, 1)}×, ${fmt(row.gflops, 1)} GFLOP/s, lower bound ${row.lbOk === undefined ? "unchecked" : row.lbOk ? "equal" : `DIFFERS (${g.lb} vs ${s.lb})`}`,
  );
}
const ratios = results.map((r) => r.ratio).filter((r) => r !== undefined);
const geomean = ratios.length ? Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length) : undefined;
const defaults = flag("--no-defaults") ? [] : await defaultFits();
const mem =
  !e2eOnly && !flag("--no-memory") && problems.some(([name]) => name === "diag-1m-d8-k16")
    ? memory("diag-1m-d8-k16")
    : undefined;

const capacity = threads > 1 || defaults.some((r) => r.two) ? await parallelCapacity() : undefined;
const v = versions();
const cpu = cpus()[0]?.model ?? "unknown CPU";
const perIteration = e2eOnly
  ? []
  : [
      "Made by `npm run bench` (`node bench/run.mjs`); this file is its output. Per-iteration figures are the marginal",
      `cost of one EM iteration: (fit with ${ITERS} iterations − fit with 1) / ${ITERS - 1}, tol 0, the same explicit initial parameters`,
      "and the same data for every library, median of several runs (scikit-learn: `bench/sklearn_timing.py`, one BLAS thread,",
      "run just before gaussmix on each problem so that both see the same machine load).",
      "Ratio: the faster of scikit-learn and the JS package divided by gaussmix (higher is better for gaussmix).",
      "GFLOP/s counts the pass's arithmetic as the engine does it, skipping nothing: full 2·d(d+1) + 3d flops per sample",
      "and component (triangular product and scatter); tied d(d+1) per sample (one triangular product) + 5d per sample",
      "and component; diag 9d per sample and component; spherical 3d per sample + 4d per sample and component.",
    ];
const lines = [
  "# Benchmarks",
  "",
  ...(e2eOnly
    ? ["Made by `node bench/run.mjs --e2e-only`: the end-to-end default fits only (no per-iteration table)."]
    : perIteration),
  "",
  "What the optimum is worth (how often the default fit and `selectModel` reach the best-known log-likelihood, the model BIC",
  "picks, beside scikit-learn and mclust) is measured by the quality benchmark: `npm run bench:quality`, bench/quality/README.md.",
  "",
  `Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB. Node ${v.node}, gaussmix ${v.gaussmix}` +
    (v.sklearn
      ? `, scikit-learn ${v.sklearn}, NumPy ${v.numpy}${v.blas ? ` (${v.blas})` : ""}`
      : ", scikit-learn not installed") +
    `. ${new Date().toISOString().slice(0, 10)}.`,
  "",
];
if (!e2eOnly)
  lines.push(
    `| problem (n × d, k, covariance) | gaussmix ms/iter |${relaxed.header}${threads > 1 ? ` ${threads} threads |` : ""} scikit-learn ms/iter | gaussian-mixture-model ms/iter | ratio | GFLOP/s | same lower bound |`,
    `| --- | ---: |${relaxed.rule ?? ""}${threads > 1 ? " ---: |" : ""} ---: | ---: | ---: | ---: | --- |`,
    ...results.map(
      (r) =>
        `| ${r.n.toLocaleString("en")} × ${r.d}, k ${r.k}, ${r.ct} | ${fmt(r.ms)} |${relaxed.cell(r)}${threads > 1 ? ` ${fmt(r.threadsMs)} |` : ""} ${fmt(r.sk)} | ${r.js === undefined ? "—" : fmt(r.js)} | ${r.ratio === undefined ? "n/a" : `${fmt(r.ratio, 1)}×`} | ${fmt(r.gflops, 1)} | ${r.lbOk === undefined ? "—" : r.lbOk ? "yes" : "**no**"} |`,
    ),
    "",
    geomean !== undefined
      ? `Geometric mean ratio: **${geomean.toFixed(1)}×** (target 6×); problems at ≥ 3×: ${ratios.filter((r) => r >= 3).length} of ${ratios.length}.`
      : "",
    "",
  );
if (capacity !== undefined) {
  lines.push(
    `Threads: on this machine two threads of plain CPU work (a spin loop in two workers) get ${capacity.toFixed(2)}× the work of one done,`,
    `the ceiling for any 2-thread speed-up measured here.`,
    "",
  );
}
if (defaults.length) {
  const e2eRatios = defaults.map((r) => r.ratio).filter((r) => r !== undefined);
  const e2eGeomean = e2eRatios.length
    ? Math.exp(e2eRatios.reduce((a, r) => a + Math.log(r), 0) / e2eRatios.length)
    : undefined;
  const lbMark = (r) => (r.sk ? (r.lb >= r.sk.lb - 1e-9 * Math.abs(r.sk.lb) ? "" : " (below)") : "");
  lines.push(
    "End-to-end default fits, the whole call: `new GaussianMixture({ nComponents: k, covarianceType, randomState: seed }).fit(X)`",
    "(the default search and accelerated EM, tol 1e-3) against scikit-learn's `GaussianMixture(k, covariance_type=…, random_state=seed).fit(X)`",
    `(bench/sklearn_default.py), seeds ${E2E_SEEDS.join(", ")}, the two sides alternated seed by seed. Times: median over the seeds;`,
    "lower bounds (mean per-sample log-likelihood): mean over the seeds (\"below\" marks gaussmix's mean under scikit-learn's);",
    "iterations per seed. Ratio: scikit-learn's time / gaussmix's. 2 threads: the same fits with `threads: 2` (the two largest problems).",
    "",
    "| problem | gaussmix ms | iterations | lower bound | scikit-learn ms | iterations | lower bound | ratio | 2 threads ms | speed-up |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...defaults.map(
      (r) =>
        `| ${r.name} | ${r.ms.toFixed(0)} | ${r.nIter} | ${r.lb.toFixed(4)}${lbMark(r)} | ${r.sk ? r.sk.ms.toFixed(0) : "—"} | ${r.sk ? r.sk.nIter : "—"} | ${r.sk ? r.sk.lb.toFixed(4) : "—"} | ${r.ratio === undefined ? "—" : `${r.ratio.toFixed(1)}×`} | ${r.two ? r.two.ms.toFixed(0) : "—"} | ${r.speedup === undefined ? "—" : `${r.speedup.toFixed(2)}×`} |`,
    ),
    "",
  );
  if (e2eGeomean !== undefined) {
    lines.push(
      `End-to-end geometric mean ratio: **${e2eGeomean.toFixed(1)}×** over ${e2eRatios.length} problems (target 5×); problems at ≥ 3×: ${e2eRatios.filter((r) => r >= 3).length} of ${e2eRatios.length}.`,
      "",
    );
  }
}
if (mem) {
  const mb = (b) => (b / 2 ** 20).toFixed(0);
  lines.push(
    `Memory, 1,000,000 × 8, k 16, diag (5 iterations; peak resident memory above the process after loading the ${mb(mem.ours.data)} MiB of data):`,
    `gaussmix ${mb(mem.ours.peak - mem.ours.base)} MiB (its WebAssembly memory holds one copy of X, ${mb(mem.ours.data)} MiB, plus O(k·d²) for parameters and statistics; no n×k matrix)` +
      (mem.sk
        ? `, scikit-learn ${mb(mem.sk.peak - mem.sk.base)} MiB (its n×k responsibilities and n×d temporaries).`
        : "."),
    "",
  );
}
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, lines.join("\n"));
console.log(lines.join("\n"));
