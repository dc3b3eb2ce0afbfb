/**
 * Where the compiled WebAssembly module comes from, and which build of the kernels runs. There are two builds
 * of the same source: "baseline" (SIMD) validates on every runtime with WebAssembly SIMD; "relaxed" (SIMD plus
 * relaxed SIMD) fuses the kernels' multiply-adds, and one relaxed opcode makes a whole module fail to validate
 * where relaxed SIMD is off (Safari, Node 20 without a flag), hence two binaries. The runtime's support is
 * probed once by validating a few bytes; `init({ engine })` overrides the choice.
 *
 * The default entry registers the embedded bytes (src/wasm/embedded.ts); the workerd entry registers imported
 * `.wasm` modules, because workerd refuses to compile WebAssembly from bytes. `init()` also lets a strict host
 * hand over a module, bytes or a URL.
 */
import { GaussMixError, invalidOption, unknownOption } from "../errors.js";

export type ModuleInput = WebAssembly.Module | BufferSource | URL | string | Response | PromiseLike<Response>;

/** The builds of the kernels: "baseline" (multiply, then add) and "relaxed" (fused multiply-add). */
export type EngineBuild = "baseline" | "relaxed";

/** What `init({ engine })` takes: "auto" (the default) runs the relaxed build where the runtime validates it. */
export type EngineChoice = "auto" | EngineBuild;

export interface InitOptions {
  /**
   * "auto" (default): the relaxed build where the runtime supports relaxed SIMD, else the baseline.
   * "baseline": the baseline everywhere, for results bit-identical across machines and runtimes.
   * "relaxed": the relaxed build, or `WASM_UNAVAILABLE` where the runtime cannot run it.
   */
  engine?: EngineChoice;
}

export interface EngineInfo {
  /** The build fits use: the one loaded, or the one the next fit will load. "custom": a module given to `init`. */
  build: EngineBuild | "custom";
  /** What was asked for with `init({ engine })` ("auto" unless set). */
  requested: EngineChoice;
  /** Whether this runtime validates relaxed SIMD (WebAssembly's fused multiply-add). */
  relaxedSimd: boolean;
}

type Source = () => WebAssembly.Module | Promise<WebAssembly.Module>;

/** How an entry obtains one build: the module (asynchronously), synchronously if it can, and its threads build. */
export interface BuildSource {
  module: Source;
  /** Synchronous compilation (embedded bytes already in memory); absent where the bytes load lazily. */
  moduleSync?: () => WebAssembly.Module;
  /** The same kernels on an imported shared memory (multi-threaded fits); absent: single-threaded only. */
  shared?: Source;
}

let builds: { baseline: BuildSource; relaxed?: BuildSource } | undefined;
let requested: EngineChoice = "auto";
/** Bumped whenever the module changes: engines made from an older module are not reused (src/wasm/engine.ts). */
let generation = 0;
let compiled: WebAssembly.Module | undefined;
/** The build of `compiled`; undefined for a module handed to `init`. */
let compiledBuild: EngineBuild | undefined;
let pending: Promise<WebAssembly.Module> | undefined;
let sharedCompiled: Promise<WebAssembly.Module | undefined> | undefined;

/** Registers the builds an entry carries (called by the entry points at load time). */
export function registerBuilds(b: { baseline: BuildSource; relaxed?: BuildSource }): void {
  builds = b;
}

/**
 * f64x2.relaxed_madd in a function of one v128 local: valid only where relaxed SIMD is on. Validating it
 * compiles nothing, so it is allowed on hosts that refuse to compile from bytes (workerd).
 */
// biome-ignore format: the bytes of a module, by section
const RELAXED_PROBE = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // types: () -> v128
  0x03, 0x02, 0x01, 0x00, // functions: one of type 0
  0x0a, 0x0f, 0x01, 0x0d, 0x01, 0x01, 0x7b, // code: one body of 13 bytes, one v128 local
  0x20, 0x00, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x87, 0x02, 0x0b, // local.get 0 (×3), f64x2.relaxed_madd, end
];
let relaxedSupported: boolean | undefined;

/** Whether this runtime validates relaxed SIMD (probed once). */
export function relaxedSimdSupported(): boolean {
  if (relaxedSupported === undefined) {
    try {
      relaxedSupported = WebAssembly.validate(new Uint8Array(RELAXED_PROBE));
    } catch {
      relaxedSupported = false;
    }
  }
  return relaxedSupported;
}

/** The build that `requested` selects on this runtime, given the builds this entry carries. */
function selectedBuild(): EngineBuild {
  if (requested === "baseline") return "baseline";
  const relaxed = builds?.relaxed !== undefined && relaxedSimdSupported();
  if (requested === "relaxed" && !relaxed) {
    throw new GaussMixError(
      "WASM_UNAVAILABLE",
      builds?.relaxed
        ? 'init({ engine: "relaxed" }): this runtime does not support WebAssembly relaxed SIMD ' +
            '(Node 20 needs --experimental-wasm-relaxed-simd; Safari has none); use engine "auto" or "baseline".'
        : 'init({ engine: "relaxed" }): this entry of gaussmix carries no relaxed build; use engine "auto" or "baseline".',
    );
  }
  return relaxed ? "relaxed" : "baseline";
}

/** Drops the loaded module so that the next fit loads the one now selected. */
function reset(): void {
  compiled = undefined;
  compiledBuild = undefined;
  pending = undefined;
  sharedCompiled = undefined;
  generation++;
}

/**
 * Loads the WebAssembly engine. Optional in Node, browsers and bundlers (the first fit loads the embedded
 * module); call it once on hosts that forbid compiling from bytes, with a compiled `WebAssembly.Module`
 * (e.g. Cloudflare Workers' `import wasm from "gaussmix/gaussmix.wasm"`), the bytes, or a URL to fetch.
 * `init({ engine: "baseline" })` pins the baseline build (no fused multiply-add): the same numbers, bit for
 * bit, on every machine and runtime.
 */
export async function init(input?: ModuleInput | InitOptions): Promise<void> {
  if (isInitOptions(input)) {
    const engine = checkInitOptions(input);
    if (engine !== requested || compiledBuild === undefined) {
      requested = engine;
      reset();
    }
    await getModule();
    return;
  }
  if (input === undefined) {
    await getModule();
    return;
  }
  const module = await compileInput(input);
  reset();
  compiled = module;
}

function isInitOptions(x: unknown): x is InitOptions {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function checkInitOptions(options: InitOptions): EngineChoice {
  for (const key of Object.keys(options)) {
    if (key !== "engine") throw unknownOption(key, ' (init takes { engine: "auto" | "baseline" | "relaxed" })');
  }
  const engine = options.engine ?? "auto";
  if (engine !== "auto" && engine !== "baseline" && engine !== "relaxed") {
    throw invalidOption("engine", '"auto", "baseline" or "relaxed"', engine);
  }
  return engine;
}

/** Which build runs here, and why (see EngineInfo). */
export function engineInfo(): EngineInfo {
  let build: EngineBuild | "custom";
  if (compiled) build = compiledBuild ?? "custom";
  else {
    try {
      build = selectedBuild();
    } catch {
      build = "relaxed"; // requested but unavailable: the next fit fails with WASM_UNAVAILABLE
    }
  }
  return { build, requested, relaxedSimd: relaxedSimdSupported() };
}

/** @internal Bumped whenever the module changes (engines from an older one are dropped, not pooled). */
export function moduleGeneration(): number {
  return generation;
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
    const at = generation;
    const attempt = (async () => {
      if (!builds) throw unavailable(new Error("no module source registered"));
      const build = selectedBuild();
      let module: WebAssembly.Module;
      try {
        module = await builds[build]!.module();
      } catch (e) {
        throw unavailable(e);
      }
      // A later init() or a synchronous load may have settled the module meanwhile: keep that one.
      if (at === generation && !compiled) {
        compiled = module;
        compiledBuild = build;
      }
      return compiled ?? module;
    })();
    pending = attempt;
    attempt.catch(() => {
      if (pending === attempt) pending = undefined;
    });
  }
  return pending;
}

/**
 * The compiled module, synchronously: for per-sample methods on a model restored with `fromJSON` before any
 * fit. Compiles embedded bytes synchronously when nothing was loaded yet (allowed in Node, workers and for
 * small modules on a page); the relaxed bytes load lazily, so until they have arrived this settles on the
 * baseline (`await init()` first to have the relaxed build here too). A host that forbids compiling from
 * bytes gets an error telling it to `await init()` first.
 */
export function getModuleSync(): WebAssembly.Module {
  if (compiled) return compiled;
  try {
    if (!builds) throw new Error("the module is not loaded yet");
    let build = selectedBuild();
    if (!builds[build]?.moduleSync && requested !== "relaxed") build = "baseline";
    const sync = builds[build]?.moduleSync;
    if (!sync) throw new Error("the module is not loaded yet");
    compiled = sync();
    compiledBuild = build;
    pending = undefined;
    return compiled;
  } catch (e) {
    throw e instanceof GaussMixError ? e : unavailable(e);
  }
}

function unavailable(cause: unknown): GaussMixError {
  if (cause instanceof GaussMixError) return cause;
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

/**
 * The shared-memory module of the build in use (the baseline's beside a module handed to `init`), or
 * undefined where this entry has none or it cannot be compiled here.
 */
export function getSharedModule(): Promise<WebAssembly.Module | undefined> {
  sharedCompiled ??= getModule()
    .then(() => builds?.[compiledBuild ?? "baseline"]?.shared?.())
    .catch(() => undefined);
  return sharedCompiled;
}
