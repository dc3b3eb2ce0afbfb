// Multi-threaded passes: the same fit as one thread up to the order of summation, for every covariance
// type, with weights, restarts and k-means; workers never keep the process alive; bad values rejected.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { type CovarianceType, GaussianMixture } from "../src/index.js";
import { Random } from "../src/rng.js";
import { poolCount } from "../src/wasm/threads.js";
import { maxRelError } from "./helpers/fixtures.js";

function data(n: number, d: number, k: number, seed: number) {
  const rng = new Random(seed);
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = 4 * ((i % k) - j / d) + rng.normal();
  return { data: X, shape: [n, d] as [number, number] };
}

describe("threads", () => {
  const cases: [CovarianceType, number, number, number][] = [["full", 20001, 8, 4], ["tied", 20000, 8, 4], ["diag", 140001, 8, 4], ["spherical", 140000, 8, 4]];
  it.each(cases)("threads 2 equals threads 1 (%s, n = %i)", async (covarianceType, n, d, k) => {
    const X = data(n, d, k, n);
    const sampleWeight = Array.from({ length: n }, (_, i) => 0.5 + (i % 3));
    const opts = { nComponents: k, covarianceType, randomState: 1, maxIter: 30, tol: 0 };
    const before = poolCount();
    const two = await new GaussianMixture({ ...opts, threads: 2 }).fit(X, { sampleWeight });
    expect(poolCount()).toBe(before + 1); // the threaded path ran
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
  });

  it("a process that fitted with threads exits by itself", () => {
    const script = `
      const { GaussianMixture } = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
      const n = 30000, d = 8, X = new Float64Array(n * d).map((_, i) => Math.sin(i) * 3 + (Math.floor(i / d) % 3) * 5);
      const m = await new GaussianMixture({ nComponents: 3, threads: 2, maxIter: 5 }).fit({ data: X, shape: [n, d] });
      console.log(m.nIter);`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(Number(out)).toBeGreaterThan(0);
  });

  it.each([0, 1.5, "2", -1])("rejects threads = %s", (threads) => {
    expect(() => new GaussianMixture({ threads: threads as number })).toThrow(/threads must be a positive integer/);
  });
});
