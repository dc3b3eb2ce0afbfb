/**
 * The only code that touches a WebAssembly instance and its memory. An Engine is one instance with its own
 * memory; the exports take pointers and sizes only. Views are re-made after `memory.grow`, which detaches
 * the old buffer. Engines are pooled: a fit holds one for its whole duration (so concurrent fits never share
 * memory), per-sample methods borrow one synchronously, and an engine whose memory grew large is dropped
 * after use instead of pooled, so one big fit does not pin its memory for the life of the page.
 */
import { dataTooLarge, WASM_MEMORY_LIMIT } from "../errors.js";
import { getModule, getModuleSync, getSharedModule, moduleGeneration } from "./module.js";
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
    /** d f64: the amount added to each feature's variance. */
    reg: number,
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
  kmeansClosest(X: number, W: number, nPairs: number, d: number, center: number, dist: number): number;
  /** Running sums of W·dist (dist 0: of W) over n samples into out; returns the total. */
  kmeansCumulate(W: number, dist: number, n: number, out: number): number;
  /** One-hot responsibilities of the labels (i32 per sample, −1: none) for the pairs [p0, p1) into rv. */
  labelsToResp(labels: number, p0: number, p1: number, k: number, rv: number): void;
  /**
   * Row-major n×d values at src into the pair layout at dst; the largest |value|, or −1 if one is not finite
   * (also written at out unless 0).
   */
  pairsFromRows(src: number, n: number, d: number, dst: number, out: number): number;
  /** Σw at out[0], the number of positive weights at out[1]. */
  weightTotals(W: number, n: number, out: number): void;
  /** Z = A·(x − mean) over the pairs (A row-major r×d), Z in pair layout. */
  whitenPairs(X: number, nPairs: number, d: number, mean: number, A: number, r: number, Z: number): void;
  /** Smallest positive gap between the distinct values of feature j (v, tmp: n f64 each; counts: 256 u32). */
  columnResolution(X: number, n: number, d: number, j: number, v: number, tmp: number, counts: number): number;
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
/**
 * The most pages a 32-bit WebAssembly memory can have (4 GiB): byte offsets go up to 2^32 − 1, so they are
 * computed as plain numbers (never with signed 32-bit operators such as `|`, `&` or `>>`, which wrap at 2 GiB).
 */
const MAX_PAGES = WASM_MEMORY_LIMIT / PAGE;
/** Bytes of the largest memory an engine may have; a runtime may give less (growing then fails). */
export const MAX_MEMORY_BYTES = WASM_MEMORY_LIMIT;
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
   * Refuses with DATA_TOO_LARGE, before touching memory, when they cannot fit in the 4 GiB a 32-bit memory
   * can address, or when the runtime refuses to grow the memory that far; `what` says what needs them and
   * `hint` what to do instead.
   */
  layout<T extends Record<string, number>>(
    sizes: T,
    what = "this computation",
    hint = "use fewer samples or features",
    start?: number,
  ): { [K in keyof T]: number } {
    let at = start === undefined ? this.base : align(start);
    const out = {} as { [K in keyof T]: number };
    for (const key of Object.keys(sizes) as (keyof T)[]) {
      out[key] = at;
      at = align(at + sizes[key]);
    }
    const limit = this.maxBytes();
    if (!(at <= limit)) throw dataTooLarge(what, at, limit, hint);
    const need = at - this.memory.buffer.byteLength;
    if (need > 0) {
      // Some room beyond the request (an eighth, 1–16 MiB; untouched, so never resident): what is laid out after
      // these regions (the initialisation's subsample and k-means) then fits without another grow, which can
      // take milliseconds once the memory holds the data.
      const slack = Math.min(limit - at, Math.min(16 * 2 ** 20, Math.max(2 ** 20, at / 8)));
      try {
        this.memory.grow(Math.ceil((need + slack) / PAGE));
      } catch {
        try {
          this.memory.grow(Math.ceil(need / PAGE));
        } catch (e) {
          throw dataTooLarge(what, at, this.memory.buffer.byteLength, hint, e);
        }
      }
      this.refresh();
    }
    return out;
  }

  /** The largest memory this engine may grow to: 4 GiB, or the shared memory's declared maximum. */
  private maxBytes(): number {
    return this.memory === this.kernels.memory ? MAX_MEMORY_BYTES : SHARED_PAGES.maximum * PAGE;
  }

  private refresh(): void {
    this.f64View = new Float64Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
  }
}

/** Rounds a byte offset up to a multiple of 16 (arithmetic, not `& ~15`: offsets reach 2^32). */
function align(x: number): number {
  return Math.ceil(x / 16) * 16;
}

const imports = {
  env: {
    abort: () => {
      throw new Error("gaussmix: WebAssembly abort");
    },
  },
};
const pool: Engine[] = [];
/** The module generation each engine was made from: after `init` switches builds, older engines are dropped. */
const madeFrom = new WeakMap<Engine, number>();

function pooled(): Engine | undefined {
  const free = pool.pop();
  if (free && madeFrom.get(free) === moduleGeneration()) return free;
  pool.length = 0; // all from an older module
  return undefined;
}

function made(instance: WebAssembly.Instance, generation: number): Engine {
  const engine = new Engine(instance);
  madeFrom.set(engine, generation);
  return engine;
}

/** An engine for a fit, held until `releaseEngine`. */
export async function acquireEngine(): Promise<Engine> {
  const free = pooled();
  if (free) return free;
  // Read before waiting: if `init` switches builds meanwhile, this engine is of the old one and is not pooled.
  const generation = moduleGeneration();
  const module = await getModule();
  const instance = await WebAssembly.instantiate(module, imports);
  return made(instance, generation);
}

/** An engine for synchronous work (per-sample methods); release it before returning to the caller. */
export function acquireEngineSync(): Engine {
  const free = pooled();
  if (free) return free;
  const module = getModuleSync();
  return made(new WebAssembly.Instance(module, imports), moduleGeneration());
}

export function releaseEngine(engine: Engine): void {
  const current = madeFrom.get(engine) === moduleGeneration();
  if (current && engine.memoryBytes <= POOL_MEMORY_LIMIT && pool.length < POOL_SIZE) pool.push(engine);
}

/**
 * Pages of the shared memory of a threaded fit: initial, and the maximum it may grow to (4 GiB, as the
 * shared build's declared maximum in asconfig.json; a shared memory reserves its maximum up front).
 */
const SHARED_PAGES = { initial: 2, maximum: MAX_PAGES };

/**
 * An engine on shared memory with `workers` worker threads on the same memory, for one fit; undefined where
 * threads are unavailable (no SharedArrayBuffer, no workers, no shared-memory module). The idle one a completed
 * fit gave back (releaseThreadedEngine) is reused when it has as many workers.
 */
export async function acquireThreadedEngine(
  workers: number,
): Promise<{ engine: Engine; pool: ThreadPool } | undefined> {
  if (!threads?.threadsAvailable()) return undefined;
  const idle = idleThreaded;
  if (idle && idle.pool.requested === workers) {
    idleThreaded = undefined;
    idle.pool.reuse();
    return idle;
  }
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

/**
 * One threaded engine kept between fits, workers idle (they do not keep a process alive): starting workers
 * and their shared memory for every fit made memory swing by gigabytes over many small fits. Only an engine
 * whose memory stayed small is kept; the others are terminated at once.
 */
let idleThreaded: { engine: Engine; pool: ThreadPool } | undefined;

/**
 * Gives back a threaded engine after a fit: kept for the next fit when the fit completed and its memory is
 * small, else its workers are terminated (after a failure a worker may still be busy).
 */
export function releaseThreadedEngine(t: { engine: Engine; pool: ThreadPool }, completed = true): void {
  if (completed && t.engine.memoryBytes <= POOL_MEMORY_LIMIT && !idleThreaded) idleThreaded = t;
  else t.pool.terminate();
}

/** Drops every pooled engine (their memory is freed by the garbage collector) and the idle workers. */
export function dispose(): void {
  pool.length = 0;
  idleThreaded?.pool.terminate();
  idleThreaded = undefined;
}

/**
 * @internal For tests and diagnostics: how many engines are pooled and their memory in bytes, and the worker
 * threads kept idle for the next threaded fit.
 */
export function engineStats(): { pooled: number; bytes: number[]; idleWorkers: number } {
  return { pooled: pool.length, bytes: pool.map((e) => e.memoryBytes), idleWorkers: idleThreaded?.pool.workers ?? 0 };
}
