// Size limits: what needs more than the 4 GiB a 32-bit WebAssembly memory addresses is refused with
// DATA_TOO_LARGE before any work (and without growing memory); per-sample methods work in chunks so their
// engine memory does not grow with n × k; sampling refuses impossible sizes at once and draws large ones fast.
// The runs that really cross 2 GiB are in test/large/ (npm run test:large).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FittedGaussianMixture, GaussianMixture, GaussMixError } from "../src/index.js";
import { checkFitSize, fitWeights } from "../src/data.js";
import { setThreadsMinWork } from "../src/em/fit-setup.js";
import { Random } from "../src/rng.js";
import { acquireEngineSync, Engine, engineStats, MAX_MEMORY_BYTES, releaseEngine } from "../src/wasm/engine.js";
import { maxThreads } from "../src/wasm/threads.js";

function caught(fn: () => unknown): GaussMixError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GaussMixError);
    return e as GaussMixError;
  }
  throw new Error("expected an error");
}

async function rejected(p: Promise<unknown>): Promise<GaussMixError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GaussMixError);
    return e as GaussMixError;
  }
  throw new Error("expected a rejection");
}

describe("engine memory limit", () => {
  it("is the whole 4 GiB", () => expect(MAX_MEMORY_BYTES).toBe(2 ** 32));

  it("a layout beyond 4 GiB is refused with DATA_TOO_LARGE, without growing memory", () => {
    const engine = acquireEngineSync();
    const before = engine.memoryBytes;
    try {
      const e = caught(() => engine.layout({ a: 3 * 2 ** 30, b: 2 ** 30 }, "a test layout", "do less"));
      expect(e.code).toBe("DATA_TOO_LARGE");
      expect(e.message).toMatch(/a test layout needs \d+ bytes \(4\.00 GiB\).*limit is 4294967296 bytes.*do less/);
      expect(engine.memoryBytes).toBe(before);
    } finally {
      releaseEngine(engine);
    }
  });

  it("a runtime that refuses to grow memory (a small maximum, as Cloudflare Workers' 128 MB) gives DATA_TOO_LARGE", () => {
    const pooled = acquireEngineSync();
    try {
      const small = new WebAssembly.Memory({ initial: 2, maximum: 4 });
      const engine = new Engine({ exports: pooled.kernels } as unknown as WebAssembly.Instance, small);
      const e = caught(() => engine.layout({ a: 1 << 20 }, "a small test", "ask for less"));
      expect(e.code).toBe("DATA_TOO_LARGE");
      expect(e.message).toMatch(/a small test needs \d+ bytes .* but the limit is 131072 bytes .*: ask for less\./);
      expect(e.cause).toBeInstanceOf(RangeError);
    } finally {
      releaseEngine(pooled);
    }
  });

  it("offsets above 2 GiB are laid out as positive, 16-byte aligned numbers (no signed 32-bit wrap)", () => {
    // Sizes only: the regions are computed before any growth, and the growth itself is what test/large runs.
    const engine = acquireEngineSync();
    try {
      const e = caught(() => engine.layout({ a: 2 ** 31 + 3, b: 2 ** 31, c: 1 }));
      // 2^31 + 3 rounds to 2^31 + 16, then 2^31 more: past 4 GiB, so refused (a wrapped offset would be negative).
      expect(e.code).toBe("DATA_TOO_LARGE");
      expect(e.message).toMatch(/needs (\d+) bytes/);
      const need = Number(/needs (\d+) bytes/.exec(e.message)![1]);
      expect(need).toBeGreaterThan(2 ** 32);
      expect(need % 16).toBe(0);
    } finally {
      releaseEngine(engine);
    }
  });

  it("a fit whose parameters need more than 4 GiB is refused before any work, naming the way out", async () => {
    // 2 × 12,000 full covariances: 2.3 GB of covariances plus the factors and the M-step's work area.
    const d = 12_000;
    const X = [new Float64Array(d).fill(1), new Float64Array(d).fill(2)];
    const before = engineStats();
    const t = performance.now();
    const e = await rejected(new GaussianMixture({ nComponents: 2 }).fit(X));
    expect(e.code).toBe("DATA_TOO_LARGE");
    expect(e.message).toMatch(/a fit of 2 samples × 12000 features with 2 components \(full\) needs \d+ bytes/);
    expect(e.message).toMatch(/limit is 4294967296 bytes.*subsample.*"diag"/);
    expect(performance.now() - t).toBeLessThan(1000);
    expect(engineStats().bytes.every((b) => b <= 64 * 2 ** 20)).toBe(true);
    expect(engineStats().pooled).toBeGreaterThanOrEqual(Math.min(1, before.pooled));
  });
});

describe("data too large for the engine", () => {
  it("is refused from its shape alone, before the rows are checked", () => {
    expect(() => checkFitSize(36_000_000, 13)).not.toThrow(); // 4.03e9 bytes: the exact check comes later
    const e = caught(() => checkFitSize(36_000_000, 16));
    expect(e.code).toBe("DATA_TOO_LARGE");
    expect(e.message).toMatch(/a fit of 36000000 samples × 16 features needs 4896000000 bytes \(4\.56 GiB\)/);
    expect(e.message).toMatch(/subsample/);
  });
});

describe("per-sample methods in chunks", () => {
  const rng = new Random(5);
  const k = 40;
  const d = 3;
  const n = 120_001; // odd, and several chunks of 32 MiB for predictProba (k·8 + 4·d + 8 bytes per row)
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = (i % k) * 3 + rng.normal();
  const weights = Array.from({ length: k }, () => 1 / k);
  const means = Array.from({ length: k }, (_, c) => [3 * c, 3 * c, 3 * c]);
  const model = FittedGaussianMixture.fromJSON({
    format: "gaussmix-model",
    version: 1,
    covarianceType: "diag",
    nComponents: k,
    nFeatures: d,
    weights,
    means: means.flat(),
    covariances: new Array(k * d).fill(1),
    factors: new Array(k * d).fill(1),
    converged: true,
    nIter: 1,
    lowerBound: -4,
    lowerBounds: [-4],
  });
  const flat = { data: X, shape: [n, d] as [number, number] };

  it("predictProba over many chunks equals the row-by-row answer, and the engine stays small", () => {
    const proba = model.predictProba(flat);
    expect(proba.shape).toEqual([n, k]);
    for (const i of [0, 1, 77_777, 100_000, n - 2, n - 1]) {
      const one = model.predictProba([Array.from(X.subarray(i * d, i * d + d))]).data;
      expect(Array.from(proba.data.subarray(i * k, (i + 1) * k))).toEqual(Array.from(one));
    }
    // The labels and scores agree with the responsibilities of the same rows.
    const labels = model.predict(flat);
    const ll = model.scoreSamples(flat);
    for (const i of [0, 65_537, n - 1]) {
      const row = Array.from(proba.data.subarray(i * k, (i + 1) * k));
      expect(labels[i]).toBe(row.indexOf(Math.max(...row)));
      expect(Number.isFinite(ll[i])).toBe(true);
    }
    expect(engineStats().bytes.every((b) => b <= 64 * 2 ** 20)).toBe(true);
  });
});

describe("sample: bounded and fast", () => {
  const model = FittedGaussianMixture.fromJSON({
    format: "gaussmix-model",
    version: 1,
    covarianceType: "spherical",
    nComponents: 3,
    nFeatures: 2,
    weights: [0.3, 0.3, 0.4],
    means: [0, 0, 5, 5, -5, 5],
    covariances: [1, 1, 1, 1, 1, 1], // engine storage: one value per feature
    factors: [1, 1, 1, 1, 1, 1],
    converged: true,
    nIter: 1,
    lowerBound: -3,
    lowerBounds: [-3],
  });

  it.each([2 ** 31, 2 ** 40, 2 ** 53])("refuses n = %s at once with DATA_TOO_LARGE", (n) => {
    const t = performance.now();
    const e = caught(() => model.sample(n));
    expect(e.code).toBe("DATA_TOO_LARGE");
    expect(e.message).toMatch(/more than the 2147483647 one array can hold: draw in batches/);
    expect(performance.now() - t).toBeLessThan(50);
  });

  it("the component counts of a huge draw take microseconds (an exact binomial sampler, O(1) per component)", () => {
    const r = new Random(1);
    const t = performance.now();
    const counts = r.multinomial(2 ** 31 - 1, [0.3, 0.3, 0.4]);
    expect(performance.now() - t).toBeLessThan(50);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2 ** 31 - 1);
    // Within 6 standard deviations of the expected counts.
    counts.forEach((c, i) => {
      const p = [0.3, 0.3, 0.4][i];
      const mean = (2 ** 31 - 1) * p;
      expect(Math.abs(c - mean)).toBeLessThan(6 * Math.sqrt(mean * (1 - p)));
    });
  });

  it("binomial counts follow the binomial distribution (chi-square against the exact pmf)", () => {
    // n·q = 60: the rejection sampler's regime. 20,000 draws of Binomial(200, 0.3).
    const r = new Random(7);
    const n = 200;
    const q = 0.3;
    const draws = 20_000;
    const hist = new Map<number, number>();
    for (let t = 0; t < draws; t++) {
      const x = r.multinomial(n, [q, 1 - q])[0];
      hist.set(x, (hist.get(x) ?? 0) + 1);
    }
    // Exact pmf by the recurrence, cells with an expected count ≥ 5 (the tails pooled into the two ends).
    const pmf: number[] = [Math.pow(1 - q, n)];
    for (let x = 0; x < n; x++) pmf.push((pmf[x] * (n - x) * q) / ((x + 1) * (1 - q)));
    let lo = 0;
    while (pmf[lo] * draws < 5) lo++;
    let hi = n;
    while (pmf[hi] * draws < 5) hi--;
    let chi = 0;
    let cells = 0;
    for (let x = lo; x <= hi; x++) {
      let e = pmf[x] * draws;
      let o = hist.get(x) ?? 0;
      const pooled = x === lo ? [0, lo] : x === hi ? [hi + 1, n + 1] : [0, 0];
      for (let y = pooled[0]; y < pooled[1]; y++) {
        e += pmf[y] * draws;
        o += hist.get(y) ?? 0;
      }
      chi += (o - e) ** 2 / e;
      cells++;
    }
    // The 99.9% quantile of chi-square with ~40 degrees of freedom is about 73.4.
    expect(cells).toBeGreaterThan(30);
    expect(chi).toBeLessThan(cells + 4.5 * Math.sqrt(2 * cells));
  });

  it("four million draws (8 million values) take about a second, not minutes", () => {
    const t = performance.now();
    const { X, labels } = model.sample(4_000_000, { randomState: 3 });
    expect(X.shape).toEqual([4_000_000, 2]);
    expect(labels.length).toBe(4_000_000);
    expect(performance.now() - t).toBeLessThan(4000); // ~1.4 s on a 2-core machine
    // Grouped by component with the multinomial's counts, near the weights.
    const counts = [0, 0, 0];
    for (const c of labels) counts[c]++;
    counts.forEach((c, i) => expect(Math.abs(c / 4e6 - [0.3, 0.3, 0.4][i])).toBeLessThan(0.002));
  });
});

describe("threads and sample weights", () => {
  it("threads is capped at the machine's logical processors, never below 4", async () => {
    const cap = await maxThreads();
    expect(cap).toBeGreaterThanOrEqual(4);
    const rng = new Random(2);
    const X = Array.from({ length: 2000 }, (_, i) => [(i % 3) * 4 + rng.normal(), rng.normal()]);
    const prev = setThreadsMinWork(0);
    try {
      const m = await new GaussianMixture({ nComponents: 3, threads: 256, maxIter: 2 }).fit(X);
      expect(m.threads).toBe(Math.min(256, cap));
    } finally {
      setThreadsMinWork(prev);
    }
  });

  it("unit weights need no array: the fit's weights are undefined when none are given", () => {
    expect(fitWeights(undefined, 1_000_000)).toBeUndefined();
  });

  it("the fit's weights are scaled to mean 1 without overflow or underflow", () => {
    for (const scale of [1e-300, 1e-20, 1, 1e20, 1e300]) {
      const w = fitWeights([scale, 3 * scale, 0, 4 * scale], 4)!;
      [0.5, 1.5, 0, 2].forEach((v, i) => expect(Math.abs(w[i] - v)).toBeLessThanOrEqual(4e-16 * v));
    }
  });
});

describe("byte offsets past 2 GiB", () => {
  it("no source turns a byte offset into an index with a signed shift (>> 2 or >> 3 wraps at 2^31)", () => {
    // Regions laid out after more than 2 GiB of data have offsets ≥ 2^31: `at >> 3` is negative there, so a typed
    // array's set throws and subarray reads from the end. Offsets become indices with >>> (src/wasm/engine.ts).
    const src = new URL("../src", import.meta.url).pathname;
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    const signed = files.flatMap((f) =>
      readFileSync(join(src, f), "utf8")
        .split("\n")
        .map((line, i) => ({ at: `${f}:${i + 1}`, line }))
        .filter(({ line }) => /[^>]>> [23]\b/.test(line)),
    );
    expect(signed.map((s) => s.at)).toEqual([]);
  });
});
