/**
 * Work split over a pool's worker threads and the calling thread: each takes a contiguous range (of pairs, or
 * rows) into its own block (statistics, moments, answers) and scratch; blocks that are sums are then added into
 * the first. One EM pass is the main case.
 */
import type { PassVariant } from "../wasm/abi.js";
import type { KernelTask, PassArgs, ThreadPool } from "../wasm/threads.js";
import type { Workspace } from "./workspace.js";

/** The start of range t (t = 0 … T) when `count` items are split into T contiguous ranges of about equal size. */
export function splitPoint(count: number, T: number, t: number): number {
  return Math.round((count * t) / T);
}

/**
 * Runs task t on the pool's worker t − 1 (t = 1 … workers) and `own` (the calling thread's share, task 0)
 * meanwhile; resolves when all are done. When `own` throws, the workers' tasks are still awaited (their memory
 * is the caller's) and `own`'s error is the one thrown.
 */
export async function runSplit(
  pool: ThreadPool,
  task: (t: number) => PassArgs | KernelTask,
  own: () => void,
): Promise<void> {
  const others = pool.run(Array.from({ length: pool.workers }, (_, i) => task(i + 1)));
  try {
    own();
  } catch (e) {
    await others.catch(() => undefined);
    throw e;
  }
  await others;
}

/** Adds blocks 1 … T − 1 of `size` f64 each (they follow block 0, at f64 offset `at`) into block 0. */
export function sumBlocks(f: Float64Array, at: number, size: number, T: number): void {
  for (let t = 1; t < T; t++) for (let i = 0; i < size; i++) f[at + i] += f[at + t * size + i];
}

/** One EM pass over all pairs split over the pool's threads and this one; the blocks are summed into the first. */
export async function passThreaded(ws: Workspace, pool: ThreadPool, variant: PassVariant): Promise<void> {
  const T = pool.workers + 1;
  const size = ws.regions.statsSize;
  const at = ws.ptr.stats >>> 3;
  ws.engine.f64.fill(0, at, at + T * size);
  const args = (t: number): PassArgs =>
    ws.passArgs(variant, splitPoint(ws.pairs, T, t), splitPoint(ws.pairs, T, t + 1), t);
  await runSplit(pool, args, () => ws.engine.kernels.pass(...args(0)));
  sumBlocks(ws.engine.f64, at, size, T);
}
