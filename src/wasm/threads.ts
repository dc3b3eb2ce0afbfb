/**
 * Multi-threaded passes: T − 1 workers (Node `worker_threads`, or Web Workers on cross-origin-isolated pages)
 * each instantiate the shared-memory build of the kernels on the same `WebAssembly.Memory` as the fit. Each
 * pass splits the sample pairs into T ranges; every thread adds the statistics of its range into its own block,
 * and the fit sums the blocks (the statistics of disjoint ranges add up). Where shared memory or workers are not
 * available (Cloudflare Workers, pages without cross-origin isolation) there is no pool and fits run on one thread.
 */
import { GaussMixError } from "../errors.js";

/** The arguments of the `pass` kernel. */
export type PassArgs = [kind: number, X: number, W: number, p0: number, p1: number, d: number, k: number, means: number,
  factors: number, factorStride: number, logConst: number, S: number, s2Stride: number, scratch: number];

export interface ThreadPool {
  /** Number of worker threads (the calling thread works too). */
  readonly workers: number;
  /** Runs one pass per worker; resolves when all are done. */
  run(tasks: PassArgs[]): Promise<void>;
  terminate(): void;
}

const NODE_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const instance = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory, abort() { throw new Error("gaussmix: WebAssembly abort"); } } });
parentPort.on("message", (args) => {
  try { instance.exports.pass(...args); parentPort.postMessage(null); } catch (e) { parentPort.postMessage(String(e)); }
});`;

const WEB_WORKER = `
let instance;
self.onmessage = (e) => {
  const m = e.data;
  if (m && m.module) {
    instance = new WebAssembly.Instance(m.module, { env: { memory: m.memory, abort() { throw new Error("gaussmix: WebAssembly abort"); } } });
    return;
  }
  try { instance.exports.pass(...m); self.postMessage(null); } catch (err) { self.postMessage(String(err)); }
};`;

interface Port {
  post(args: PassArgs): void;
  onDone: ((err: string | null) => void) | undefined;
  terminate(): void;
}

const isNode = () => typeof process !== "undefined" && typeof process.versions?.node === "string";

/** Whether this runtime can run passes on several threads. */
export function threadsAvailable(): boolean {
  if (typeof SharedArrayBuffer === "undefined") return false;
  if (isNode()) return true;
  return typeof Worker !== "undefined" && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

let poolsStarted = 0;
/** @internal For tests: how many thread pools have been started in this process. */
export function poolCount(): number {
  return poolsStarted;
}

/** Starts `workers` threads on `memory` with the shared-memory module, or returns undefined where impossible. */
export async function startPool(module: WebAssembly.Module, memory: WebAssembly.Memory, workers: number): Promise<ThreadPool | undefined> {
  if (workers < 1 || !threadsAvailable()) return undefined;
  const ports: Port[] = [];
  try {
    for (let i = 0; i < workers; i++) ports.push(isNode() ? await nodePort(module, memory) : webPort(module, memory));
  } catch {
    for (const p of ports) p.terminate();
    return undefined;
  }
  poolsStarted++;
  return {
    workers,
    run(tasks) {
      return Promise.all(
        tasks.map((args, i) => new Promise<void>((resolve, reject) => {
          const port = ports[i];
          port.onDone = (err) => (err ? reject(new GaussMixError("WASM_UNAVAILABLE", `a worker thread failed: ${err}`)) : resolve());
          port.post(args);
        })),
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
  const { Worker: NodeWorker } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as typeof import("node:worker_threads");
  // execArgv: [] keeps flags like --input-type=module from turning the CommonJS worker source into a module.
  const w = new NodeWorker(NODE_WORKER, { eval: true, workerData: { module, memory }, execArgv: [] });
  w.unref(); // never keeps the process alive
  const port: Port = {
    post: (args) => w.postMessage(args),
    onDone: undefined,
    terminate: () => void w.terminate(),
  };
  w.on("message", (err: string | null) => port.onDone?.(err));
  w.on("error", (e) => port.onDone?.(String(e)));
  return port;
}

function webPort(module: WebAssembly.Module, memory: WebAssembly.Memory): Port {
  const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: "text/javascript" }));
  const w = new Worker(url);
  URL.revokeObjectURL(url);
  w.postMessage({ module, memory });
  const port: Port = { post: (args) => w.postMessage(args), onDone: undefined, terminate: () => w.terminate() };
  w.onmessage = (e: MessageEvent<string | null>) => port.onDone?.(e.data);
  w.onerror = (e) => port.onDone?.(String(e.message));
  return port;
}
