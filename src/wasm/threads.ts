/**
 * Multi-threaded passes: T − 1 workers (Node `worker_threads`, or Web Workers on cross-origin-isolated pages)
 * each instantiate the shared-memory build of the kernels on the same `WebAssembly.Memory` as the fit. Each
 * pass splits the sample pairs into T ranges; every thread adds the statistics of its range into its own block,
 * and the fit sums the blocks (the statistics of disjoint ranges add up). Where shared memory or workers are not
 * available (Cloudflare Workers, pages without cross-origin isolation) there is no pool and fits run on one thread.
 */
import { GaussMixError } from "../errors.js";

/** The arguments of the `pass` kernel. */
export type PassArgs = [
  variant: number,
  X: number,
  W: number,
  p0: number,
  p1: number,
  d: number,
  k: number,
  means: number,
  factors: number,
  factorStride: number,
  logConst: number,
  S: number,
  s2Stride: number,
  scratch: number,
  shift: number,
];

/** Another kernel for a worker: its export name, then its arguments (e.g. the copy of the data into pairs). */
export type KernelTask = [kernel: "pairsFromRows" | "dataMoments", ...args: number[]];

/** Runs a pass or a named kernel on an instance. */
const runTask = `(e, m) => typeof m[0] === "string" ? e[m[0]](...m.slice(1)) : e.pass(...m)`;

export interface ThreadPool {
  /** Number of worker threads (the calling thread works too). */
  readonly workers: number;
  /** The number of workers asked for (more than `workers` when capped by maxThreads()). */
  readonly requested: number;
  /** Notes that an idle pool is handed to another fit (counted by poolCount). */
  reuse(): void;
  /** Runs one pass (or other kernel) per worker; resolves when all are done. */
  run(tasks: (PassArgs | KernelTask)[]): Promise<void>;
  terminate(): void;
}

// Messages from a worker: 0 once it has instantiated the module, null after a pass, a string on failure.
const NODE_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const run = ${runTask};
const instance = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory, abort() { throw new Error("gaussmix: WebAssembly abort"); } } });
parentPort.postMessage(0);
parentPort.on("message", (args) => {
  try { run(instance.exports, args); parentPort.postMessage(null); } catch (e) { parentPort.postMessage(String(e)); }
});`;

const WEB_WORKER = `
let instance;
const run = ${runTask};
self.onmessage = (e) => {
  const m = e.data;
  if (m && m.module) {
    instance = new WebAssembly.Instance(m.module, { env: { memory: m.memory, abort() { throw new Error("gaussmix: WebAssembly abort"); } } });
    self.postMessage(0);
    return;
  }
  try { run(instance.exports, m); self.postMessage(null); } catch (err) { self.postMessage(String(err)); }
};`;

interface Port {
  post(args: PassArgs | KernelTask): void;
  /** A pass finished (err null) or failed; `started` is false when the worker failed before it could run any. */
  onDone: ((err: string | null, started: boolean) => void) | undefined;
  terminate(): void;
}

/** Wires a worker's messages to a port: 0 = ready, null = pass done, a string = failure. */
function port(post: (args: PassArgs | KernelTask) => void, terminate: () => void, ref: (on: boolean) => void) {
  let ready = false;
  let failed: string | undefined;
  const p: Port & { message(m: unknown): void; fail(err: string): void } = {
    post(args) {
      if (failed !== undefined) return p.onDone?.(failed, ready);
      ref(true);
      post(args);
    },
    onDone: undefined,
    terminate,
    message(m) {
      if (m === 0) {
        ready = true;
        return;
      }
      ref(false);
      p.onDone?.(typeof m === "string" ? m : null, true);
    },
    fail(err) {
      if (failed !== undefined) return;
      failed = err;
      ref(false);
      p.onDone?.(err, ready);
    },
  };
  return p;
}

const wasmAbort = () => {
  throw new Error("gaussmix: WebAssembly abort");
};

const isNode = () => typeof process !== "undefined" && typeof process.versions?.node === "string";

/** Whether this runtime can run passes on several threads. */
export function threadsAvailable(): boolean {
  if (typeof SharedArrayBuffer === "undefined") return false;
  if (isNode()) return true;
  return (
    typeof Worker !== "undefined" && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true
  );
}

let poolsStarted = 0;
let poolsCreated = 0;
/** @internal For tests: how many times a thread pool was started, or an idle one reused, for a fit. */
export function poolCount(): number {
  return poolsStarted;
}
/** @internal For tests: how many thread pools were started (new workers), reuses not counted. */
export function poolStarts(): number {
  return poolsCreated;
}

/**
 * The most threads a fit runs on: the machine's logical processors, but never fewer than 4 (so that any
 * `threads` ≤ 4 is honoured alike everywhere). More threads than processors only cost memory and switches.
 */
export async function maxThreads(): Promise<number> {
  let hw = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (!hw && isNode()) {
    const specifier = ["node", "os"].join(":");
    const os = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as typeof import("node:os");
    hw = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  }
  return Math.max(4, hw ?? 1);
}

/**
 * Starts `workers` threads (at most maxThreads() − 1) on `memory` with the shared-memory module, or returns
 * undefined where impossible.
 */
export async function startPool(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  requested: number,
): Promise<ThreadPool | undefined> {
  if (requested < 1 || !threadsAvailable()) return undefined;
  const workers = Math.min(requested, (await maxThreads()) - 1);
  const ports: Port[] = [];
  try {
    for (let i = 0; i < workers; i++) ports.push(isNode() ? await nodePort(module, memory) : webPort(module, memory));
  } catch {
    for (const p of ports) p.terminate();
    return undefined;
  }
  // A worker that cannot start (a Content-Security-Policy refusing blob: workers, say) never ran any of the
  // pass, so its share is computed here instead: the fit is slower, not wrong.
  let local: WebAssembly.Instance | undefined;
  try {
    local = await WebAssembly.instantiate(module, { env: { memory, abort: wasmAbort } });
  } catch {
    local = undefined;
  }
  poolsStarted++;
  poolsCreated++;
  return {
    workers,
    requested,
    reuse() {
      poolsStarted++;
    },
    run(tasks) {
      return Promise.all(
        tasks.map(
          (args, i) =>
            new Promise<void>((resolve, reject) => {
              const port = ports[i];
              port.onDone = (err, started) => {
                port.onDone = undefined;
                if (!err) return resolve();
                if (!started && local) {
                  try {
                    const e = local.exports as unknown as Record<string, (...a: unknown[]) => unknown>;
                    if (typeof args[0] === "string") e[args[0]](...args.slice(1));
                    else e.pass(...args);
                    return resolve();
                  } catch (e) {
                    err = String(e);
                  }
                }
                reject(new GaussMixError("WASM_UNAVAILABLE", `a worker thread failed: ${err}`));
              };
              port.post(args);
            }),
        ),
      ).then(() => undefined);
    },
    terminate() {
      for (const p of ports) p.terminate();
    },
  };
}

async function nodePort(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<Port> {
  // The specifier is built at run time so that bundlers of the browser build do not try to resolve it.
  const specifier = ["node", "worker_threads"].join(":");
  const { Worker: NodeWorker } = (await import(
    /* @vite-ignore */ /* webpackIgnore: true */ specifier
  )) as typeof import("node:worker_threads");
  // execArgv: [] keeps flags like --input-type=module from turning the CommonJS worker source into a module.
  const w = new NodeWorker(NODE_WORKER, { eval: true, workerData: { module, memory }, execArgv: [] });
  // Referenced only while a pass is under way (the fit awaits it, so the process must not exit meanwhile); an
  // idle worker never keeps the process alive. Listeners are added before the first unref: adding one refs again.
  const p = port(
    (args) => w.postMessage(args),
    () => void w.terminate(),
    (on) => (on ? w.ref() : w.unref()),
  );
  w.on("message", (m) => p.message(m));
  w.on("error", (e) => p.fail(String(e)));
  w.on("exit", (code) => p.fail(`exited with code ${code}`));
  w.unref();
  return p;
}

function webPort(module: WebAssembly.Module, memory: WebAssembly.Memory): Port {
  const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: "text/javascript" }));
  const w = new Worker(url);
  URL.revokeObjectURL(url);
  w.postMessage({ module, memory });
  const p = port(
    (args) => w.postMessage(args),
    () => w.terminate(),
    () => {},
  );
  w.onmessage = (e: MessageEvent<unknown>) => p.message(e.data);
  w.onerror = (e) => {
    e.preventDefault?.();
    p.fail(String(e.message ?? "could not start"));
  };
  return p;
}
