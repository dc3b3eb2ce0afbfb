// Multi-threaded passes: the same fit as one thread up to the order of summation, for every covariance
// type, with weights, restarts and k-means; workers never keep the process alive; bad values rejected.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { buildSync } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { type CovarianceType, FittedGaussianMixture, GaussianMixture } from "../src/index.js";
import { setThreadsMinWork } from "../src/em/fit-setup.js";
import { Random } from "../src/rng.js";
import { poolCount } from "../src/wasm/threads.js";
import { maxRelError } from "./helpers/fixtures.js";

function data(n: number, d: number, k: number, seed: number) {
  const rng = new Random(seed);
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = 4 * ((i % k) - j / d) + rng.normal();
  return { data: X, shape: [n, d] as [number, number] };
}

// Child processes load the current sources, bundled (dist may be older).
const entry = new URL("./artifacts/threads-entry.mjs", import.meta.url).href;
beforeAll(() => {
  mkdirSync(new URL("./artifacts/", import.meta.url), { recursive: true });
  buildSync({
    entryPoints: [new URL("../src/index.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "neutral",
    outfile: new URL(entry).pathname,
    logLevel: "error",
  });
});

describe("threads", () => {
  const cases: [CovarianceType, number, number, number][] = [
    ["full", 20001, 8, 4],
    ["tied", 20000, 8, 4],
    ["diag", 140001, 8, 4],
    ["spherical", 140000, 8, 4],
  ];
  it.each(cases)("threads 2 equals threads 1 (%s, n = %i)", async (covarianceType, n, d, k) => {
    const X = data(n, d, k, n);
    const sampleWeight = Array.from({ length: n }, (_, i) => 0.5 + (i % 3));
    const opts = { nComponents: k, covarianceType, randomState: 1, maxIter: 30, tol: 0 };
    const before = poolCount();
    const two = await new GaussianMixture({ ...opts, threads: 2 }).fit(X, { sampleWeight });
    expect(poolCount()).toBe(before + 1); // the threaded path ran
    expect(two.threads).toBe(2);
    const one = await new GaussianMixture(opts).fit(X, { sampleWeight });
    expect(two.nIter).toBe(one.nIter);
    expect(maxRelError(two.lowerBounds, one.lowerBounds)).toBeLessThan(1e-10);
    expect(maxRelError(two.weights, one.weights)).toBeLessThan(1e-10);
    expect(maxRelError(two.means, one.means, 1)).toBeLessThan(1e-10);
    expect(maxRelError(two.covariances, one.covariances, 1e-3)).toBeLessThan(1e-10);
    // With restarts, two restarts that end equal up to rounding may be kept either way: the best value agrees.
    const twoR = await new GaussianMixture({ ...opts, nInit: 2, threads: 2 }).fit(X, { sampleWeight });
    const oneR = await new GaussianMixture({ ...opts, nInit: 2 }).fit(X, { sampleWeight });
    expect(maxRelError(twoR.lowerBound, oneR.lowerBound)).toBeLessThan(1e-10);
  });

  it("small problems run on one thread whatever `threads` says", async () => {
    const before = poolCount();
    const m = await new GaussianMixture({ nComponents: 2, threads: 4 }).fit(data(301, 2, 2, 3));
    expect(poolCount()).toBe(before);
    expect(m.converged).toBe(true);
    expect(m.threads).toBe(1);
    expect(FittedGaussianMixture.fromJSON(m.toJSON()).threads).toBe(1);
  });

  // Tiny and odd n with more threads than pairs of samples: some threads get empty ranges.
  const small: [CovarianceType, number, number, number, number][] = [
    ["full", 3, 2, 2, 4],
    ["tied", 5, 3, 2, 3],
    ["diag", 7, 2, 3, 4],
    ["spherical", 9, 3, 2, 2],
    ["full", 257, 5, 3, 3],
    ["diag", 1001, 4, 3, 2],
  ];
  it.each(small)("forced threads: %s, n = %i, d = %i, k = %i, %i threads", async (covarianceType, n, d, k, threads) => {
    const prev = setThreadsMinWork(0);
    try {
      const X = data(n, d, k, 7 * n + d);
      const sampleWeight = Array.from({ length: n }, (_, i) => 1 + (i % 2));
      const opts = {
        nComponents: k,
        covarianceType,
        randomState: 3,
        maxIter: 20,
        tol: 0,
        regCovar: 1e-3,
        initParams: "kmeans" as const,
      };
      const t = await new GaussianMixture({ ...opts, threads }).fit(X, { sampleWeight });
      const one = await new GaussianMixture(opts).fit(X, { sampleWeight });
      expect(t.threads).toBe(threads);
      expect(one.threads).toBe(1);
      expect(t.nIter).toBe(one.nIter);
      expect(maxRelError(t.lowerBounds, one.lowerBounds)).toBeLessThan(1e-10);
      expect(maxRelError(t.means, one.means, 1)).toBeLessThan(1e-10);
      expect(maxRelError(t.covariances, one.covariances, 1e-3)).toBeLessThan(1e-10);
      // fitPredict: labels from the final parameters, the same either way.
      const a = await new GaussianMixture({ ...opts, threads }).fitPredict(X, { sampleWeight });
      const b = await new GaussianMixture(opts).fitPredict(X, { sampleWeight });
      expect(a.labels.length).toBe(n);
      expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    } finally {
      setThreadsMinWork(prev);
    }
  });

  it("a process that fitted with threads exits by itself", () => {
    const script = `
      const { GaussianMixture } = await import(${JSON.stringify(entry)});
      const n = 30000, d = 8, X = new Float64Array(n * d).map((_, i) => Math.sin(i) * 3 + (Math.floor(i / d) % 3) * 5);
      const m = await new GaussianMixture({ nComponents: 3, threads: 2, maxIter: 5 }).fit({ data: X, shape: [n, d] });
      console.log(m.nIter);`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(Number(out)).toBeGreaterThan(0);
  });

  it("a threaded fit that throws or is aborted leaves no worker behind: the process exits by itself", () => {
    const script = `
      const { GaussianMixture } = await import(${JSON.stringify(entry)});
      const n = 30000, d = 8, X = new Float64Array(n * d).map((_, i) => Math.sin(i) * 3 + (Math.floor(i / d) % 3) * 5);
      const ac = new AbortController();
      const codes = [];
      await new GaussianMixture({ nComponents: 3, threads: 2, maxIter: 50, tol: 0, signal: ac.signal, onIteration: (i) => { if (i.iteration === 2) ac.abort(); } })
        .fit({ data: X, shape: [n, d] }).catch((e) => codes.push(e.code));
      const bad = X.slice(); bad.fill(1); // identical points: ill-defined covariances without regCovar
      await new GaussianMixture({ nComponents: 3, threads: 2, regCovar: 0, initParams: "random", maxIter: 5 })
        .fit({ data: bad, shape: [n, d] }).catch((e) => codes.push(e.code));
      console.log(codes.join(","));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(out.trim()).toBe("ABORTED,ILL_DEFINED_COVARIANCE");
  });

  it("without SharedArrayBuffer the fit runs on one thread, without error", () => {
    const script = `
      delete globalThis.SharedArrayBuffer;
      const { GaussianMixture } = await import(${JSON.stringify(entry)});
      const n = 30000, d = 8, X = new Float64Array(n * d).map((_, i) => Math.sin(i) * 3 + (Math.floor(i / d) % 3) * 5);
      const m = await new GaussianMixture({ nComponents: 3, threads: 2, maxIter: 5 }).fit({ data: X, shape: [n, d] });
      console.log(m.threads, m.nIter);`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    const [threads, nIter] = out.trim().split(" ").map(Number);
    expect(threads).toBe(1);
    expect(nIter).toBeGreaterThan(0);
  });

  it.each([0, 1.5, "2", -1, Number.NaN, Infinity])("rejects threads = %s", (threads) => {
    expect(() => new GaussianMixture({ threads: threads as number })).toThrow(/threads must be a positive integer/);
    expect(() => new GaussianMixture({ threads: threads as number })).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION" }),
    );
  });
});
