/**
 * Where the compiled WebAssembly module comes from. The default entry embeds the bytes (src/wasm/embedded.ts
 * registers them); the workerd entry registers the imported `.wasm` module instead, because workerd refuses
 * to compile WebAssembly from bytes. `init()` lets a strict host hand over a module, bytes or a URL.
 */
import { GaussMixError } from "../errors.js";

export type ModuleInput = WebAssembly.Module | BufferSource | URL | string | Response | PromiseLike<Response>;

type Source = () => WebAssembly.Module | Promise<WebAssembly.Module>;

let source: Source | undefined;
let compiled: WebAssembly.Module | undefined;
let pending: Promise<WebAssembly.Module> | undefined;

/** Registers how to obtain the module when none was given to `init` (called by the entry points). */
export function setModuleSource(s: Source): void {
  source = s;
}

/**
 * Loads the WebAssembly engine. Optional in Node, browsers and bundlers (the first fit loads the embedded
 * module); call it once on hosts that forbid compiling from bytes, with a compiled `WebAssembly.Module`
 * (e.g. Cloudflare Workers' `import wasm from "gaussmix/gaussmix.wasm"`), the bytes, or a URL to fetch.
 */
export async function init(input?: ModuleInput): Promise<void> {
  if (input === undefined) {
    await getModule();
    return;
  }
  compiled = await compileInput(input);
}

async function compileInput(input: ModuleInput): Promise<WebAssembly.Module> {
  try {
    if (input instanceof WebAssembly.Module) return input;
    if (typeof input === "string" || input instanceof URL) input = fetch(input);
    if (isPromiseLike(input) || (typeof Response !== "undefined" && input instanceof Response)) {
      const res = await input;
      if (!res.ok) throw new Error(`fetch of the WebAssembly module failed with status ${res.status}`);
      return await WebAssembly.compile(await res.arrayBuffer());
    }
    return await WebAssembly.compile(input as BufferSource);
  } catch (e) {
    throw unavailable(e);
  }
}

/** The compiled module, compiling it on first use (asynchronously). */
export function getModule(): Promise<WebAssembly.Module> {
  if (compiled) return Promise.resolve(compiled);
  if (!pending) {
    pending = (async () => {
      if (!source) throw unavailable(new Error("no module source registered"));
      try {
        compiled = await source();
        return compiled;
      } catch (e) {
        pending = undefined;
        throw unavailable(e);
      }
    })();
  }
  return pending;
}

/**
 * The compiled module, synchronously: for per-sample methods on a model restored with `fromJSON` before any
 * fit. Compiles the embedded bytes synchronously when nothing was loaded yet (allowed in Node, workers and
 * for small modules on a page); a host that forbids it gets an error telling it to `await init()` first.
 */
export function getModuleSync(): WebAssembly.Module {
  if (compiled) return compiled;
  if (!syncSource) throw unavailable(new Error("the module is not loaded yet"));
  try {
    compiled = syncSource();
    return compiled;
  } catch (e) {
    throw unavailable(e);
  }
}

let syncSource: (() => WebAssembly.Module) | undefined;
/** Registers a synchronous way to compile the module (the embedded bytes). */
export function setSyncModuleSource(s: () => WebAssembly.Module): void {
  syncSource = s;
}

function unavailable(cause: unknown): GaussMixError {
  return new GaussMixError(
    "WASM_UNAVAILABLE",
    `gaussmix could not load its WebAssembly engine (${cause instanceof Error ? cause.message : String(cause)}). ` +
      "On hosts that forbid compiling WebAssembly from bytes, call `await init(module)` with a compiled module " +
      '(Cloudflare Workers: the "workerd" export condition does this for you).',
    { cause },
  );
}

function isPromiseLike(x: unknown): x is PromiseLike<Response> {
  return typeof x === "object" && x !== null && typeof (x as PromiseLike<unknown>).then === "function";
}

let sharedSource: Source | undefined;
let sharedCompiled: Promise<WebAssembly.Module | undefined> | undefined;
/** Registers the shared-memory build of the kernels (multi-threaded fits); entries without one run single-threaded. */
export function setSharedModuleSource(s: Source): void {
  sharedSource = s;
}
/** The shared-memory module, or undefined where this entry has none or it cannot be compiled here. */
export function getSharedModule(): Promise<WebAssembly.Module | undefined> {
  sharedCompiled ??= sharedSource
    ? Promise.resolve()
        .then(sharedSource)
        .catch(() => undefined)
    : Promise.resolve(undefined);
  return sharedCompiled;
}
