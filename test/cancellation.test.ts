// Cancellation always works: an aborted signal is honoured before any work, inside initialisation, whatever
// onIteration does (synchronous and slow, or a promise that never settles), and in selectModel.
import { describe, expect, it } from "vitest";
import { GaussianMixture, GaussMixError, selectModel } from "../src/index.js";
import { raceAbort, YIELD_BUDGET_MS, yieldIfDue } from "../src/engine/cancel.js";
import { Random } from "../src/rng.js";

const rng = new Random(11);
const n = 1_000_000;
const d = 8;
const big = new Float64Array(n * d);
for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) big[i * d + j] = (i % 5) * 3 + rng.normal();
const X = { data: big, shape: [n, d] as [number, number] };

async function abortedWithin<T>(p: Promise<T>, ms: number): Promise<number> {
  const t = performance.now();
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  const took = performance.now() - t;
  expect(err).toBeInstanceOf(GaussMixError);
  expect((err as GaussMixError).code).toBe("ABORTED");
  expect(took).toBeLessThan(ms);
  return took;
}

/** Busy-waits (a synchronous callback that takes its time). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
}

describe("cancellation", () => {
  it("an already-aborted signal is honoured before copying or initialising 1,000,000 × 8", async () => {
    const ac = new AbortController();
    ac.abort();
    await abortedWithin(new GaussianMixture({ nComponents: 5, signal: ac.signal }).fit(X), 50);
  });

  it("an abort during k-means initialisation lands within about 50 ms", async () => {
    const ac = new AbortController();
    // k-means on 1,000,000 × 8 with 20 clusters takes seconds; the abort comes 100 ms in.
    const fit = new GaussianMixture({ nComponents: 20, signal: ac.signal, maxIter: 1 }).fit(X);
    const fired = new Promise<number>((resolve) =>
      setTimeout(() => {
        ac.abort();
        resolve(performance.now());
      }, 100),
    );
    let err: unknown;
    try {
      await fit;
    } catch (e) {
      err = e;
    }
    const late = performance.now() - (await fired);
    expect((err as GaussMixError).code).toBe("ABORTED");
    // A Lloyd iteration over the data is the longest step between two checks; 150 ms leaves room for a slow CI.
    expect(late).toBeLessThan(150);
  });

  it("a synchronous onIteration does not stop an abort timer from firing", async () => {
    const ac = new AbortController();
    let iterations = 0;
    const small = Array.from({ length: 2000 }, (_, i) => [(i % 3) * 5 + rng.normal(), rng.normal()]);
    setTimeout(() => ac.abort(), 60);
    const fit = new GaussianMixture({
      nComponents: 3,
      tol: 0,
      maxIter: 200,
      signal: ac.signal,
      onIteration: () => {
        iterations++;
        spin(5);
      },
    }).fit(small);
    await abortedWithin(fit, 400);
    expect(iterations).toBeLessThan(60); // 200 iterations × 5 ms would be a second
  });

  it("abort wins over an onIteration promise that never settles", async () => {
    const ac = new AbortController();
    const small = Array.from({ length: 200 }, (_, i) => [(i % 2) * 5 + rng.normal()]);
    const fit = new GaussianMixture({
      nComponents: 2,
      signal: ac.signal,
      onIteration: () => new Promise<void>(() => {}),
    }).fit(small);
    setTimeout(() => ac.abort(), 30);
    await abortedWithin(fit, 500);
  });

  it("selectModel: an aborted signal before any work, and an abort during the cells", async () => {
    const ac = new AbortController();
    ac.abort();
    await abortedWithin(selectModel(X, { signal: ac.signal }), 50);
    const ac2 = new AbortController();
    const p = selectModel(
      { data: big.subarray(0, 200_000 * d), shape: [200_000, d] },
      { nComponents: [1, 2, 3, 4, 5, 6], signal: ac2.signal },
    );
    setTimeout(() => ac2.abort(), 100);
    await abortedWithin(p, 1500);
  });

  it("the helpers: yieldIfDue yields only when its budget is spent; raceAbort settles with the value or ABORTED", async () => {
    expect(YIELD_BUDGET_MS).toBeLessThanOrEqual(25);
    const ac = new AbortController();
    let timerRan = false;
    setTimeout(() => {
      timerRan = true;
    }, 0);
    spin(YIELD_BUDGET_MS + 5);
    await yieldIfDue(ac.signal);
    expect(timerRan).toBe(true); // the turn let the due timer run
    await expect(raceAbort(Promise.resolve(7), ac.signal)).resolves.toBe(7);
    await expect(raceAbort(Promise.reject(new Error("boom")), ac.signal)).rejects.toThrow("boom");
    const never = raceAbort(new Promise(() => {}), ac.signal);
    ac.abort("stop");
    await expect(never).rejects.toMatchObject({ code: "ABORTED", cause: "stop" });
  });
});
