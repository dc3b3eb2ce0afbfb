// fitStream: EM over a source read once per pass equals the in-memory fit from the same first parameters, for
// every covariance type and chunkings that do not divide n; CSV text from web and Node streams and from files;
// the reservoir initialisation; signal, onIteration, errors; the engine holds one chunk, not the data.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { type CovarianceType, fitStream, GaussianMixture } from "../src/index.js";
import { Random } from "../src/rng.js";
import { setThreadsMinWork } from "../src/em/fit-setup.js";
import { dispose, engineStats } from "../src/wasm/engine.js";
import { poolStarts } from "../src/wasm/threads.js";
import { maxRelError } from "./helpers/fixtures.js";

const TYPES: CovarianceType[] = ["full", "tied", "diag", "spherical"];

function blobs(seed: number, n: number, d: number): Float64Array {
  const rng = new Random(seed);
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) X[i * d + j] = (j === i % 3 ? 5 * (i % 3) : 0) + rng.normal() * (1 + (i % 2));
  return X;
}

/** A factory of chunks of `size` rows (the last one shorter), as flat matrices or rows of arrays. */
function chunked(X: Float64Array, d: number, size: number, rows = false) {
  const n = X.length / d;
  return function* () {
    for (let a = 0; a < n; a += size) {
      const b = Math.min(n, a + size);
      const data = X.slice(a * d, b * d);
      yield rows
        ? Array.from({ length: b - a }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)))
        : { data, shape: [b - a, d] as const };
    }
  };
}

function toCsv(X: Float64Array, d: number): string {
  const lines = ["a,b,c"];
  for (let i = 0; i < X.length / d; i++)
    lines.push(Array.from(X.subarray(i * d, (i + 1) * d), (v) => String(v)).join(","));
  return `${lines.join("\n")}\n`;
}

const n = 1001;
const d = 3;
const X = blobs(1, n, d);

describe.each(TYPES)("fitStream equals the in-memory fit, %s", (covarianceType) => {
  it("from the same first parameters (1e-10), chunks of 97 rows split again at 50", async () => {
    const start = await new GaussianMixture({ nComponents: 3, covarianceType, maxIter: 2, randomState: 3 }).fit({
      data: X,
      shape: [n, d],
    });
    const init = { weightsInit: start.weights, meansInit: start.means, precisionsInit: start.precisions as never };
    const options = { nComponents: 3, covarianceType, tol: 1e-8, maxIter: 50, ...init };
    const ref = await new GaussianMixture(options).fit({ data: X, shape: [n, d] });
    const streamed = await fitStream(chunked(X, d, 97), { ...options, chunkSize: 50 });
    expect(streamed.nIter).toBe(ref.nIter);
    expect(streamed.converged).toBe(ref.converged);
    expect(maxRelError(streamed.lowerBounds, ref.lowerBounds)).toBeLessThan(1e-10);
    expect(maxRelError(streamed.weights, ref.weights)).toBeLessThan(1e-10);
    expect(maxRelError(streamed.means, ref.means)).toBeLessThan(1e-10);
    expect(maxRelError(streamed.covariances, ref.covariances)).toBeLessThan(1e-10);
    // rows of arrays, one chunk per 333 rows, and sample weights in the chunks
    const w = Array.from({ length: n }, (_, i) => (i % 4) / 2);
    const refW = await new GaussianMixture(options).fit({ data: X, shape: [n, d] }, { sampleWeight: w });
    const streamedW = await fitStream(function* () {
      for (let a = 0; a < n; a += 333) {
        const b = Math.min(n, a + 333);
        yield { data: X.slice(a * d, b * d), shape: [b - a, d] as const, sampleWeight: w.slice(a, b) };
      }
    }, options);
    expect(maxRelError(streamedW.means, refW.means)).toBeLessThan(1e-10);
    expect(maxRelError(streamedW.covariances, refW.covariances)).toBeLessThan(1e-10);
    expect(maxRelError([streamedW.lowerBound], [refW.lowerBound])).toBeLessThan(1e-10);
  });
});

describe("fitStream sources", () => {
  const dir = mkdtempSync(join(tmpdir(), "gaussmix-stream-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const text = toCsv(X, d);
  const options = { nComponents: 3, covarianceType: "diag" as const, randomState: 0, sampleSize: 400, tol: 1e-6 };

  it("CSV text from web streams, Node streams, strings and files gives the model of the chunks", async () => {
    const base = await fitStream(chunked(X, d, 200, true), options);
    // pieces of 37 characters: fields and lines split anywhere
    const pieces = Array.from({ length: Math.ceil(text.length / 37) }, (_, i) => text.slice(i * 37, (i + 1) * 37));
    const web = await fitStream(
      () =>
        new ReadableStream<Uint8Array>({
          start(c) {
            for (const p of pieces) c.enqueue(new TextEncoder().encode(p));
            c.close();
          },
        }),
      options,
    );
    const node = await fitStream(() => Readable.from(pieces.map((p) => Buffer.from(p))), options);
    const strings = await fitStream(() => pieces, options);
    writeFileSync(join(dir, "a.csv"), toCsv(X.subarray(0, 500 * d), d));
    writeFileSync(join(dir, "b.csv"), toCsv(X.subarray(500 * d), d));
    const files = await fitStream([join(dir, "a.csv"), join(dir, "b.csv")], options);
    for (const m of [web, node, strings, files]) {
      expect(m.nIter).toBe(base.nIter);
      expect(maxRelError(m.means, base.means)).toBeLessThan(1e-12);
      expect(maxRelError(m.covariances, base.covariances)).toBeLessThan(1e-12);
    }
  });

  it("the reservoir initialisation reaches the in-memory default fit's likelihood", async () => {
    const big = blobs(9, 20_000, d);
    const mem = await new GaussianMixture({ nComponents: 3, randomState: 0, tol: 1e-7 }).fit({
      data: big,
      shape: [20_000, d],
    });
    const streamed = await fitStream(chunked(big, d, 4096), {
      nComponents: 3,
      randomState: 0,
      sampleSize: 2000,
      tol: 1e-7,
    });
    expect(streamed.converged).toBe(true);
    // the same optimum: the same likelihood (to the tolerance) and weights
    expect(Math.abs(streamed.lowerBound - mem.lowerBound)).toBeLessThan(1e-6);
    expect(maxRelError([...streamed.weights].sort(), [...mem.weights].sort())).toBeLessThan(5e-3); // a flat optimum: EM creeps
  });

  it("accelerate applies to the fit on the sample: plain steps after it equal the in-memory reference", async () => {
    // A stream no larger than the sample: the sample is the data (in order), so the first parameters are the
    // in-memory fit with the same options, and each of the maxIter passes over the stream is one EM step.
    const X = blobs(21, 600, d);
    const base = {
      nComponents: 3,
      randomState: 2,
      initParams: "random",
      maxIter: 6,
      tol: 0,
      sampleSize: 1000,
    } as const;
    for (const accelerate of [false, true]) {
      const streamed = await fitStream(chunked(X, d, 128), { ...base, accelerate });
      const { sampleSize: _, ...options } = base;
      const first = await new GaussianMixture({ ...options, accelerate }).fit({ data: X, shape: [600, d] });
      let reference: ReturnType<typeof first.step> = first;
      for (let i = 0; i < 6; i++) reference = reference.step(reference.statistics({ data: X, shape: [600, d] }));
      expect(maxRelError(streamed.means, reference.means)).toBeLessThan(1e-10);
    }
  });

  it("holds one chunk in the engine, not the data", async () => {
    const m = 200_000;
    const big = blobs(4, m, 4);
    dispose(); // only the engines of this fit are measured
    await fitStream(chunked(big, 4, 10_000), {
      nComponents: 2,
      covarianceType: "diag",
      chunkSize: 4096,
      maxIter: 3,
      sampleSize: 1000,
    });
    const bytes = Math.max(0, ...engineStats().bytes);
    expect(bytes).toBeLessThan(m * 4 * 8 * 0.25); // the data are 6.4 MB; the engine is far below
  });

  it("reads the source once per EM pass, plus a first pass for the reservoir unless the start is explicit", async () => {
    let calls = 0;
    const counted = () => {
      calls++;
      return chunked(X, d, 100)();
    };
    const m = await fitStream(counted, { nComponents: 3, tol: 0, maxIter: 4 });
    expect(calls).toBe(m.nIter + 1);
    calls = 0;
    const init = { weightsInit: m.weights, meansInit: m.means, precisionsInit: m.precisions as never };
    const e = await fitStream(counted, { nComponents: 3, tol: 0, maxIter: 4, ...init });
    expect(e.nIter).toBe(4);
    expect(calls).toBe(4);
  });

  it("threads: 2 splits every chunk and equals one thread (1e-12)", async () => {
    const big = blobs(6, 30_001, d);
    const opts = { nComponents: 3, covarianceType: "full" as const, sampleSize: 3000, maxIter: 5, chunkSize: 7000 };
    const one = await fitStream(chunked(big, d, 9000), opts);
    const two = await fitStream(chunked(big, d, 9000), { ...opts, threads: 2 });
    expect(two.threads).toBe(2);
    expect(one.threads).toBe(1);
    expect(maxRelError(two.lowerBounds, one.lowerBounds)).toBeLessThan(1e-12);
    expect(maxRelError(two.means, one.means)).toBeLessThan(1e-12);
    expect(maxRelError(two.covariances, one.covariances)).toBeLessThan(1e-12);
    // A completed streaming fit leaves its worker idle for the next threaded fit, as an in-memory fit does.
    expect(engineStats().idleWorkers).toBe(1);
  });

  it("with threads, the fit on the sample and the passes over the stream share one pool of workers", async () => {
    const prev = setThreadsMinWork(0); // the sample's fit would not start threads for so few rows
    try {
      const big = blobs(6, 20_001, d);
      const opts = { nComponents: 3, sampleSize: 2000, maxIter: 3, chunkSize: 7000, threads: 2 };
      await new GaussianMixture({ nComponents: 2, threads: 2, maxIter: 2 }).fit({
        data: big.subarray(0, 900),
        shape: [300, d],
      });
      expect(engineStats().idleWorkers).toBe(1);
      const started = poolStarts();
      const m = await fitStream(chunked(big, d, 9000), opts);
      expect(m.threads).toBe(2);
      expect(poolStarts() - started).toBe(0); // the idle pool served both, one after the other
      expect(engineStats().idleWorkers).toBe(1);
    } finally {
      setThreadsMinWork(prev);
    }
  });

  it("onIteration sees every iteration and can stop; signal aborts", async () => {
    const seen: number[] = [];
    const m = await fitStream(chunked(X, d, 100), {
      ...options,
      tol: 0,
      onIteration: (info) => {
        seen.push(info.iteration);
        return info.iteration < 3;
      },
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(m.nIter).toBe(3);
    const controller = new AbortController();
    const slow = async function* () {
      for (const c of chunked(X, d, 10)()) {
        await new Promise((r) => setTimeout(r, 1));
        yield c;
      }
    };
    setTimeout(() => controller.abort(), 30);
    await expect(fitStream(slow, { ...options, signal: controller.signal })).rejects.toMatchObject({ code: "ABORTED" });
  });

  it("errors: bad sources, changing data, bad chunks, bad options", async () => {
    await expect(fitStream(42 as never)).rejects.toMatchObject({ code: "INVALID_OPTION" });
    await expect(fitStream(() => 42 as never)).rejects.toMatchObject({ code: "INVALID_OPTION" });
    await expect(fitStream(() => [], { nComponents: 2 })).rejects.toMatchObject({ code: "TOO_FEW_SAMPLES" });
    const start = {
      weightsInit: [1],
      meansInit: [[0, 0]],
      precisionsInit: [
        [
          [1, 0],
          [0, 1],
        ],
      ],
    };
    await expect(fitStream(() => [[[1, 2]]], start)).rejects.toMatchObject({ code: "TOO_FEW_SAMPLES" });
    await expect(fitStream(() => [], start)).rejects.toMatchObject({ code: "TOO_FEW_SAMPLES" });
    await expect(fitStream(chunked(X, d, 100), { chunkSize: 0 })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    await expect(fitStream(chunked(X, d, 100), { warmStart: true } as never)).rejects.toMatchObject({
      code: "INVALID_OPTION",
    });
    let calls = 0;
    const shrinking = () => {
      calls++;
      return chunked(X.subarray(0, (n - calls) * d), d, 100)();
    };
    await expect(fitStream(shrinking, { nComponents: 2 })).rejects.toMatchObject({ code: "INVALID_DATA" });
    await expect(fitStream(() => [[[1, 2]], [[1, 2, 3]]])).rejects.toMatchObject({ code: "INVALID_DATA" });
    await expect(fitStream(() => [[[1, 2]], [[1, Number.NaN]]])).rejects.toMatchObject({ code: "INVALID_DATA" });
    await expect(fitStream(() => ["a,b\n1,2\n3,x\n"])).rejects.toMatchObject({ code: "INVALID_DATA" });
    await expect(fitStream(() => [{ data: [1, 2, 3, 4], shape: [2, 2], sampleWeight: [1, -1] }])).rejects.toMatchObject(
      {
        code: "INVALID_SAMPLE_WEIGHT",
      },
    );
  });
});
