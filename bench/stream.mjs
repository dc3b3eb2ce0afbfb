// Streaming benchmark: EM over a stream far larger than WebAssembly's 4 GiB (default 200,000,000 × 8 = 12.8 GB),
// generated on the fly, with bounded memory; compared per sample with the in-memory fit of a 2,000,000 × 8 slice.
// Not a test: run on demand (after `npm run build`).
//
//   node bench/stream.mjs [--n 200000000] [--passes 3] [--k 16] [--type diag] [--chunk 65536] [--slice 2000000]
//                         [--threads 1]   (both fits on the same number of threads)
//
// The stream: a pool of 1,048,573 samples (a prime, so chunk boundaries move) drawn once from a 16-component
// mixture, served as consecutive windows that wrap around — the stream costs no arithmetic, so the figure is
// EM's own (the generator's time is measured and reported apart). Both fits start from the same explicit
// parameters (a fit on 20,000 samples) with tol 0, so every pass is timed; per-pass times come from onIteration.
import { performance } from "node:perf_hooks";
import { fitStream, FittedGaussianMixture, GaussianMixture } from "../dist/index.js";

const args = process.argv.slice(2);
const value = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const N = value("--n", 200_000_000);
const passes = value("--passes", 3);
const k = value("--k", 16);
const chunk = value("--chunk", 65_536);
const slice = value("--slice", 2_000_000);
const threads = value("--threads", 1);
const type = args.includes("--type") ? args[args.indexOf("--type") + 1] : "diag";
const d = 8;

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const timer = setInterval(sampleRss, 100);

// The pool.
const POOL = 1_048_573;
const truth = FittedGaussianMixture.fromParameters({
  covarianceType: "diag",
  weights: Array.from({ length: 16 }, () => 1 / 16),
  means: Array.from({ length: 16 }, (_, c) => Array.from({ length: d }, (_, j) => 4 * Math.sin(c * 7 + j * 3))),
  covariances: Array.from({ length: 16 }, (_, c) => Array.from({ length: d }, (_, j) => 0.5 + ((c + j) % 4) / 4)),
});
const drawn = truth.sample(POOL, { randomState: 1 }).X.data;
// Shuffle rows so that every window holds every component (sample() groups them by component).
const pool = new Float64Array(POOL * d);
for (let i = 0, p = 0; i < POOL; i++, p = (p + 524_287) % POOL) pool.set(drawn.subarray(p * d, (p + 1) * d), i * d);

let generatorMs = 0;
function* stream() {
  let at = 0;
  for (let done = 0; done < N; ) {
    const t0 = performance.now();
    const m = Math.min(chunk, N - done, POOL - at);
    const data = pool.subarray(at * d, (at + m) * d);
    at = (at + m) % POOL;
    done += m;
    generatorMs += performance.now() - t0;
    yield { data, shape: [m, d] };
  }
}

const first = await new GaussianMixture({ nComponents: k, covarianceType: type, randomState: 0, maxIter: 5 }).fit({
  data: pool.subarray(0, 20_000 * d),
  shape: [20_000, d],
});
const init = { weightsInit: first.weights, meansInit: first.means, precisionsInit: first.precisions };
const base = { nComponents: k, covarianceType: type, tol: 0, maxIter: passes, threads, ...init };

// In memory: a slice of the pool (repeated if needed).
const X = new Float64Array(slice * d);
for (let i = 0; i < slice; i++) X.set(pool.subarray((i % POOL) * d, ((i % POOL) + 1) * d), i * d);
const memTimes = [];
let last = performance.now();
const t0 = performance.now();
await new GaussianMixture({
  ...base,
  onIteration: () => {
    const now = performance.now();
    memTimes.push(now - last);
    last = now;
  },
}).fit({ data: X, shape: [slice, d] });
const memTotal = performance.now() - t0;
memTimes[0] = Number.NaN; // the first includes copying X into the engine
const memPass = median(memTimes.filter((t) => !Number.isNaN(t))) ?? memTotal;
sampleRss();
const rssBeforeStream = process.memoryUsage().rss;

const streamTimes = [];
let lastS = performance.now();
const s0 = performance.now();
let firstPassMs = 0;
let firstPassGen = 0;
const model = await fitStream(stream, {
  ...base,
  chunkSize: chunk,
  onIteration: () => {
    const now = performance.now();
    if (streamTimes.length === 0) {
      firstPassMs = now - s0;
      firstPassGen = generatorMs;
    }
    streamTimes.push(now - lastS);
    lastS = now;
  },
});
const streamTotal = performance.now() - s0;
clearInterval(timer);
sampleRss();
// streamTimes[0] covers the first EM pass and the set-up (explicit start: no counting pass); later ones one pass each.
const streamPass = streamTimes.length > 1 ? median(streamTimes.slice(1)) : firstPassMs;
const memRate = slice / (memPass / 1000);
const streamRate = N / (streamPass / 1000);
const gb = (N * d * 8) / 1e9;
console.log(
  `stream ${N.toLocaleString("en")} × ${d} (${gb.toFixed(1)} GB as f64), k ${k} ${type}, chunks of ${chunk}, threads ${model.threads}`,
);
console.log(
  `  EM passes: ${model.nIter}, total ${(streamTotal / 1000).toFixed(1)} s (first pass with set-up ${(firstPassMs / 1000).toFixed(1)} s)`,
);
console.log(
  `  time per pass ${(streamPass / 1000).toFixed(2)} s → ${(streamRate / 1e6).toFixed(2)} M samples/s; generator ${(firstPassGen / 1000).toFixed(3)} s per pass`,
);
console.log(
  `in memory ${slice.toLocaleString("en")} × ${d}: ${(memPass).toFixed(0)} ms per pass → ${(memRate / 1e6).toFixed(2)} M samples/s`,
);
console.log(`streaming / in-memory throughput per sample: ${((100 * streamRate) / memRate).toFixed(0)}%`);
console.log(
  `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (before the stream ${(rssBeforeStream / 2 ** 20).toFixed(0)} MiB, incl. the in-memory slice and the pool of ${((POOL * d * 8) / 2 ** 20).toFixed(0)} MiB); maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);

function median(v) {
  if (v.length === 0) return undefined;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
