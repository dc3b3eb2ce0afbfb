/**
 * Loading the data into a workspace's engine: X in the pair layout the kernels read (two samples in the lanes of
 * each f64x2) and the sample weights, once per fit (or per chunk of a stream).
 */
import { type Data, writePairs, writeWeights } from "../data.js";
import { yieldIfDue } from "./cancel.js";
import type { Kernels } from "../wasm/engine.js";
import { runSplit } from "./threaded-pass.js";
import type { Workspace } from "./workspace.js";

/** Values copied between two checks of the signal while loading the data. */
const LOAD_CHUNK_VALUES = 1 << 20;

/**
 * Copies X (validating every value) and the sample weights (undefined: all 1) into the engine, in chunks
 * between which the signal is honoured; records the largest magnitude (ws.maxAbs).
 */
export async function loadData(
  ws: Workspace,
  data: Data,
  weights: Float64Array | undefined,
  name: string,
  signal?: AbortSignal,
): Promise<void> {
  const { n, d, engine } = ws;
  const chunk = LOAD_CHUNK_VALUES / d;
  const rows = Math.max(2, 2 * Math.floor(chunk / 2));
  let big = 0;
  // Typed rows are copied as they are past the regions and put in pairs by the engine (no scripted loop over
  // the values, which a process's first fits would run before it is optimised), on the pool's threads too:
  // writing fresh memory costs page faults, which the threads take in parallel.
  const { flat } = data;
  const T = 1 + (ws.pool?.workers ?? 0);
  const stage =
    flat instanceof Float64Array
      ? engine.layout({ at: Math.min(rows, n) * d * 8, out: T * 8 }, `the copy of ${name}`, undefined, ws.ptr.end)
      : undefined;
  for (let i0 = 0; i0 < n; i0 += rows) {
    await yieldIfDue(signal);
    const i1 = Math.min(n, i0 + rows);
    const f = engine.f64;
    const to = (ws.ptr.X >>> 3) + i0 * d;
    let m = -1;
    if (stage) {
      f.set((flat as Float64Array).subarray(i0 * d, i1 * d), stage.at >>> 3);
      m = await pairsFromStage(ws, stage, i1 - i0, to * 8, T);
    }
    // Untyped rows, or a value that is not finite (writePairs names it).
    big = Math.max(big, m >= 0 ? m : writePairs(data, f, to, name, i0, i1));
  }
  writeWeights(weights, n, engine.f64, ws.ptr.W >>> 3);
  ws.maxAbs = big;
  ws.common.invalidate();
}

/**
 * The n staged rows into pairs at byte offset `to`, split over T threads (even row boundaries); returns the
 * largest magnitude, or −1 when a value is not finite.
 */
async function pairsFromStage(
  ws: Workspace,
  stage: { at: number; out: number },
  n: number,
  to: number,
  T: number,
): Promise<number> {
  const { d, engine, pool } = ws;
  if (!pool || n * d < 1 << 16) return engine.kernels.pairsFromRows(stage.at, n, d, to, 0);
  // Even row boundaries: each thread writes whole pairs.
  const cut = (t: number) => (t === T ? n : 2 * Math.floor((n * t) / (2 * T)));
  const args = (t: number): Parameters<Kernels["pairsFromRows"]> => [
    stage.at + cut(t) * d * 8,
    cut(t + 1) - cut(t),
    d,
    to + cut(t) * d * 8,
    stage.out + t * 8,
  ];
  await runSplit(
    pool,
    (t) => ["pairsFromRows", ...args(t)],
    () => engine.kernels.pairsFromRows(...args(0)),
  );
  let m = 0;
  for (let t = 0; t < T; t++) {
    const r = engine.f64[(stage.out >>> 3) + t];
    m = r < 0 || m < 0 ? -1 : Math.max(m, r);
  }
  return m;
}

/** Copies a chunk of at most ws.n samples at once (a streaming accumulator's); `weights` undefined: all 1. */
export function loadChunk(ws: Workspace, data: Data, weights: Float64Array | undefined, name: string): void {
  const f = ws.engine.f64;
  ws.maxAbs = writePairs(data, f, ws.ptr.X >>> 3, name, 0, data.n);
  writeWeights(weights, data.n, f, ws.ptr.W >>> 3);
  ws.common.invalidate();
}
