/**
 * The only code that touches a WebAssembly instance and its memory. An Engine is one instance with its own
 * memory; the exports take pointers and sizes only. Views are re-made after `memory.grow`, which detaches
 * the old buffer. Engines are pooled: a fit holds one for its whole duration (so concurrent fits never share
 * memory), per-sample methods borrow one synchronously, and an engine whose memory grew large is dropped
 * after use instead of pooled, so one big fit does not pin its memory for the life of the page.
 */
import { getModule, getModuleSync, getSharedModule } from "./module.js";
import type { PassArgs, startPool, ThreadPool } from "./threads.js";

/** Worker-thread support, registered by the default entry (the workerd entry has no threads and no Node code). */
let threads: { startPool: typeof startPool; threadsAvailable: () => boolean } | undefined;
export function setThreads(t: typeof threads): void {
  threads = t;
}

/**
 * The kernels exported by the engine (assembly/index.ts) (pointers are byte offsets into the engine's memory). `family`,
 * `variant` and `type` arguments take the codes of ./abi.ts (KernelFamily, PassVariant, CovarianceCode).
 */
export interface Kernels {
  memory?: WebAssembly.Memory;
  heapBase(): number;
  scratchBytes(d: number, k: number): number;
  pass(...args: PassArgs): void;
  dataMoments(
    tri: number,
    X: number,
    W: number,
    p0: number,
    p1: number,
    d: number,
    shift: number,
    S: number,
    scratch: number,
  ): void;
  accumulateResp(
    family: number,
    X: number,
    W: number,
    p0: number,
    p1: number,
    d: number,
    k: number,
    shift: number,
    rv: number,
    S: number,
    s2Stride: number,
    scratch: number,
  ): void;
  estimate(
    family: number,
    X: number,
    p0: number,
    p1: number,
    d: number,
    k: number,
    means: number,
    factors: number,
    factorStride: number,
    logConst: number,
    logNorm: number,
    resp: number,
    labels: number,
    scratch: number,
  ): void;
  cholesky(A: number, d: number, L: number): number;
  factorFromCovariance(cov: number, d: number, F: number, work: number): number;
  factorFromPrecision(P: number, d: number, F: number, work: number): number;
  logConstants(
    family: number,
    d: number,
    k: number,
    weights: number,
    factors: number,
    factorStride: number,
    logConst: number,
  ): void;
  mstep(
    type: number,
    d: number,
    k: number,
    S: number,
    regCovar: number,
    shift: number,
    means: number,
    weights: number,
    cov: number,
    factors: number,
    logConst: number,
    work: number,
  ): number;
  /** Returns how many labels changed; writes the inertia at counts[k]. */
  kmeansAssign(
    X: number,
    W: number,
    nPairs: number,
    d: number,
    k: number,
    centers: number,
    labels: number,
    sums: number,
    counts: number,
  ): number;
  /** Vector exp (op 0) / log (op 1) in place over n f64 (accuracy tests). */
  vectorMath(op: number, ptr: number, n: number): void;
  kmeansTrials(
    X: number,
    W: number,
    nPairs: number,
    d: number,
    cands: number,
    t: number,
    dist: number,
    pots: number,
  ): void;
  kmeansClosest(X: number, W: number, nPairs: number, d: number, center: number, dist: number, update: number): number;
  // The layout and codes of assembly/layout.ts, for test/abi.test.ts (globals hold the constants).
  familyOf(type: number): number;
  scatterEntries(type: number, d: number): number;
  statsEntries(type: number, d: number, k: number): number;
  statsS1(k: number): number;
  statsS2(d: number, k: number): number;
  [constant: `${"COVARIANCE" | "FAMILY" | "PASS" | "STATS"}_${string}`]: WebAssembly.Global;
  TEN_EPS: WebAssembly.Global;
}

const PAGE = 65536;
/** Engines whose memory grew beyond this are not kept in the pool after use. */
const POOL_MEMORY_LIMIT = 64 * 1024 * 1024;
const POOL_SIZE = 2;

export class Engine {
  readonly kernels: Kernels;
  readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private f64View: Float64Array;
  private i32View: Int32Array;

  /** `memory`: the imported memory of the shared-memory build; otherwise the instance's own. */
  constructor(instance: WebAssembly.Instance, memory?: WebAssembly.Memory) {
    this.kernels = instance.exports as unknown as Kernels;
    this.memory = memory ?? this.kernels.memory!;
    this.base = align(this.kernels.heapBase());
    this.f64View = new Float64Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
  }

  /** Float64 view of the whole memory (index = byte offset / 8). */
  get f64(): Float64Array {
    if (this.f64View.buffer !== this.memory.buffer) this.refresh();
    return this.f64View;
  }

  /** Int32 view of the whole memory (index = byte offset / 4). */
  get i32(): Int32Array {
    if (this.i32View.buffer !== this.memory.buffer) this.refresh();
    return this.i32View;
  }

  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Lays out regions of the given byte sizes (16-byte aligned) after the heap base (or `start`, to keep the
   * regions of an earlier layout), growing memory to fit.
   */
  layout<T extends Record<string, number>>(sizes: T, start?: number): { [K in keyof T]: number } {
    let at = start === undefined ? this.base : align(start);
    const out = {} as { [K in keyof T]: number };
    for (const key of Object.keys(sizes) as (keyof T)[]) {
      out[key] = at;
      at = align(at + sizes[key]);
    }
    const need = at - this.memory.buffer.byteLength;
    if (need > 0) {
      this.memory.grow(Math.ceil(need / PAGE));
      this.refresh();
    }
    return out;
  }

  private refresh(): void {
    this.f64View = new Float64Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
  }
}

function align(x: number): number {
  return (x + 15) & ~15;
}

const imports = {
  env: {
    abort: () => {
      throw new Error("gaussmix: WebAssembly abort");
    },
  },
};
const pool: Engine[] = [];

/** An engine for a fit, held until `releaseEngine`. */
export async function acquireEngine(): Promise<Engine> {
  const free = pool.pop();
  if (free) return free;
  const module = await getModule();
  const instance = await WebAssembly.instantiate(module, imports);
  return new Engine(instance);
}

/** An engine for synchronous work (per-sample methods); release it before returning to the caller. */
export function acquireEngineSync(): Engine {
  const free = pool.pop();
  if (free) return free;
  return new Engine(new WebAssembly.Instance(getModuleSync(), imports));
}

export function releaseEngine(engine: Engine): void {
  if (engine.memoryBytes <= POOL_MEMORY_LIMIT && pool.length < POOL_SIZE) pool.push(engine);
}

/** Pages of the shared memory of a threaded fit: initial, and the maximum (2 GiB) it may grow to. */
const SHARED_PAGES = { initial: 2, maximum: 32768 };

/**
 * An engine on shared memory with `workers` worker threads on the same memory, for one fit; undefined where
 * threads are unavailable (no SharedArrayBuffer, no workers, no shared-memory module). Not pooled: terminate
 * the pool and drop the engine after the fit.
 */
export async function acquireThreadedEngine(
  workers: number,
): Promise<{ engine: Engine; pool: ThreadPool } | undefined> {
  if (!threads?.threadsAvailable()) return undefined;
  const module = await getSharedModule();
  if (!module) return undefined;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ ...SHARED_PAGES, shared: true });
  } catch {
    return undefined;
  }
  const instance = await WebAssembly.instantiate(module, { env: { ...imports.env, memory } });
  const pool = await threads.startPool(module, memory, workers);
  return pool && { engine: new Engine(instance, memory), pool };
}

/** Drops every pooled engine (their memory is freed by the garbage collector). */
export function dispose(): void {
  pool.length = 0;
}

/** @internal For tests and diagnostics: how many engines are pooled and their memory in bytes. */
export function engineStats(): { pooled: number; bytes: number[] } {
  return { pooled: pool.length, bytes: pool.map((e) => e.memoryBytes) };
}
