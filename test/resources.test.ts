// Resources and state: memory stays flat over many fits, a large fit does not pin its memory, concurrent fits
// never see each other's data, seeds give bit-identical models, and JSON round-trips exactly.
import { describe, expect, it } from "vitest";
import { type CovarianceType, FittedGaussianMixture, GaussianMixture, type ModelJSON } from "../src/index.js";
import { Random } from "../src/rng.js";
import { setThreadsMinWork } from "../src/em/fit-setup.js";
import { engineStats } from "../src/wasm/engine.js";
import { poolCount } from "../src/wasm/threads.js";

const rng = new Random(9);
const blobs = (n: number, d: number, offset = 0) =>
  Array.from({ length: n }, (_, i) => Array.from({ length: d }, () => offset + 5 * (i % 3) + rng.normal()));

describe("memory", () => {
  it("threaded fits reuse one idle pool of workers instead of starting workers and memory per fit", async () => {
    const prev = setThreadsMinWork(0);
    try {
      const X = blobs(400, 2);
      const started = poolCount();
      await new GaussianMixture({ nComponents: 2, threads: 2, maxIter: 3 }).fit(X);
      expect(engineStats().idleWorkers).toBe(1);
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const rss0 = process.memoryUsage().rss;
      const t = performance.now();
      for (let i = 0; i < 300; i++) {
        const m = await new GaussianMixture({ nComponents: 2, threads: 2, maxIter: 3, randomState: i }).fit(X);
        expect(m.threads).toBe(2);
      }
      gc?.();
      expect(poolCount() - started).toBe(301); // every fit ran on a pool...
      expect(engineStats().idleWorkers).toBe(1); // ...the same one, kept idle between fits
      expect(process.memoryUsage().rss - rss0).toBeLessThan(150 * 2 ** 20);
      expect(performance.now() - t).toBeLessThan(10_000);
    } finally {
      setThreadsMinWork(prev);
    }
  });

  it("a fit without sampleWeight allocates no array as large as the data (unit weights need none)", async () => {
    const n = 4_000_000;
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = (i % 2) * 6 + rng.normal();
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    await new GaussianMixture({
      nComponents: 2,
      initParams: "random_from_data",
      maxIter: 3,
      onIteration: () => {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
      },
    }).fit({ data, shape: [n, 1] });
    // The data is 32 MB; a weight array of ones would be another 32 MB outside the engine.
    expect(peak).toBeLessThan(4 * 2 ** 20);
  });

  it("10,000 small fits and 1,000 predict calls leave WASM memory and the JS heap flat", async () => {
    const X = blobs(40, 2);
    const gc = (globalThis as { gc?: () => void }).gc;
    const heap = () => {
      gc?.();
      return process.memoryUsage().heapUsed;
    };
    const round = async (fits: number) => {
      for (let i = 0; i < fits; i++) {
        const m = await new GaussianMixture({ nComponents: 2, randomState: i, maxIter: 5 }).fit(X);
        if (i % 10 === 0) m.predict(X);
      }
    };
    await round(1000); // warm up: engines pooled, code optimised
    const wasm0 = engineStats().bytes.reduce((a, b) => a + b, 0);
    const heap0 = heap();
    await round(9000);
    const wasm1 = engineStats().bytes.reduce((a, b) => a + b, 0);
    const heap1 = heap();
    expect(wasm1).toBe(wasm0); // no WASM memory growth at all
    expect(engineStats().pooled).toBeLessThanOrEqual(2);
    // The heap may wander by garbage not yet collected; a leak of even 100 bytes per fit would be 900 kB.
    expect(heap1 - heap0).toBeLessThan(gc ? 900_000 : 8_000_000);
  });

  it("a large fit followed by small ones does not keep the large allocation", async () => {
    const n = 1_100_000; // 70 MB of data: beyond what the engine pool keeps
    const data = new Float64Array(n * 8);
    for (let i = 0; i < data.length; i++) data[i] = rng.random() + (i % 3);
    await new GaussianMixture({
      nComponents: 2,
      covarianceType: "diag",
      maxIter: 1,
      initParams: "random_from_data",
    }).fit({ data, shape: [n, 8] });
    await new GaussianMixture({ nComponents: 2 }).fit(blobs(30, 2));
    // The engine that held the large data set was dropped, not pooled.
    expect(Math.max(0, ...engineStats().bytes)).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(Math.max(0, ...engineStats().bytes)).toBeLessThan(n * 8 * 8);
  });
});

describe("concurrency", () => {
  it("concurrent fits that yield in onIteration never see each other's data", async () => {
    const sets = [blobs(300, 2), blobs(301, 3, 100), blobs(150, 1, -50), blobs(500, 4, 7)];
    const types: CovarianceType[] = ["full", "tied", "diag", "spherical"];
    const opts = (i: number) => ({ nComponents: 3, covarianceType: types[i], randomState: i, tol: 0, maxIter: 15 });
    const sequential: ModelJSON[] = [];
    for (let i = 0; i < sets.length; i++) sequential.push((await new GaussianMixture(opts(i)).fit(sets[i])).toJSON());
    const interleaved = await Promise.all(
      sets.map((X, i) =>
        new GaussianMixture({ ...opts(i), onIteration: () => new Promise<void>((r) => setTimeout(r, 1)) }).fit(X),
      ),
    );
    interleaved.forEach((m, i) => expect(m.toJSON()).toEqual(sequential[i]));
  });
});

describe("determinism and serialisation", () => {
  it.each(["kmeans", "k-means++", "random", "random_from_data"] as const)(
    "the same randomState gives bit-identical models (%s)",
    async (initParams) => {
      const X = blobs(400, 3);
      const a = await new GaussianMixture({ nComponents: 3, initParams, randomState: 42, nInit: 2 }).fit(X);
      const b = await new GaussianMixture({ nComponents: 3, initParams, randomState: 42, nInit: 2 }).fit(X);
      expect(b.toJSON()).toEqual(a.toJSON());
    },
  );

  it.each(["full", "tied", "diag", "spherical"] as const)(
    "toJSON / fromJSON round-trips exactly (%s)",
    async (covarianceType) => {
      const X = blobs(200, 3);
      const m = await new GaussianMixture({ nComponents: 3, covarianceType, randomState: 1 }).fit(X);
      const back = FittedGaussianMixture.fromJSON(JSON.parse(JSON.stringify(m)));
      expect(back.toJSON()).toEqual(m.toJSON());
      expect(back.toJSON().version).toBe(2);
      for (const key of [
        "weights",
        "means",
        "covariances",
        "precisions",
        "precisionsCholesky",
        "lowerBounds",
      ] as const) {
        expect(back[key]).toEqual(m[key]);
      }
      const Y = blobs(50, 3);
      expect(Array.from(back.scoreSamples(Y))).toEqual(Array.from(m.scoreSamples(Y)));
      expect(Array.from(back.predictProba(Y).data)).toEqual(Array.from(m.predictProba(Y).data));
      expect(Array.from(back.predict(Y))).toEqual(Array.from(m.predict(Y)));
    },
  );

  it("warmStart continues from the previous fit", async () => {
    const X = blobs(300, 2);
    const est = new GaussianMixture({ nComponents: 3, warmStart: true, tol: 0, maxIter: 5, randomState: 3 });
    const first = await est.fit(X);
    const second = await est.fit(X);
    const straight = await new GaussianMixture({ nComponents: 3, tol: 0, maxIter: 10, randomState: 3 }).fit(X);
    expect(second.lowerBounds.length).toBe(5);
    expect(second.lowerBounds[0]).toBeGreaterThanOrEqual(first.lowerBound - 1e-12);
    expect(second.lowerBound).toBeCloseTo(straight.lowerBound, 12);
    expect(second.means).toEqual(straight.means.map((r) => r.map((v) => expect.closeTo(v, 10))));
  });

  it("onIteration reports each iteration and can stop the fit; an AbortSignal aborts it", async () => {
    const X = blobs(300, 2);
    const seen: number[] = [];
    const m = await new GaussianMixture({
      nComponents: 3,
      tol: 0,
      maxIter: 50,
      onIteration: (info) => {
        seen.push(info.iteration);
        expect(info.means).toHaveLength(3);
        return info.iteration < 4;
      },
    }).fit(X);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(m.nIter).toBe(4);
    expect(m.converged).toBe(false);
    const ctl = new AbortController();
    const p = new GaussianMixture({
      nComponents: 3,
      tol: 0,
      maxIter: 1000,
      signal: ctl.signal,
      onIteration: (i) => {
        if (i.iteration === 3) ctl.abort();
      },
    }).fit(X);
    await expect(p).rejects.toMatchObject({ code: "ABORTED" });
  });
});
