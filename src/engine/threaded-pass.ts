/**
 * One EM pass split over a pool's worker threads and the calling thread: each takes a contiguous range of
 * pairs into its own statistics block and scratch, then the blocks are summed into the first.
 */
import type { PassVariant } from "../wasm/abi.js";
import type { PassArgs, ThreadPool } from "../wasm/threads.js";
import type { Workspace } from "./workspace.js";

export async function passThreaded(ws: Workspace, pool: ThreadPool, variant: PassVariant): Promise<void> {
  const T = pool.workers + 1;
  const size = ws.regions.statsSize;
  const at = ws.ptr.stats >>> 3;
  ws.engine.f64.fill(0, at, at + T * size);
  const bound = (t: number) => Math.round((ws.pairs * t) / T);
  const args = (t: number): PassArgs => ws.passArgs(variant, bound(t), bound(t + 1), t);
  const others = pool.run(Array.from({ length: pool.workers }, (_, i) => args(i + 1)));
  ws.engine.kernels.pass(...args(0));
  await others;
  const f = ws.engine.f64;
  for (let t = 1; t < T; t++) for (let i = 0; i < size; i++) f[at + i] += f[at + t * size + i];
}
