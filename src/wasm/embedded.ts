/**
 * Registers the embedded engine builds as the module sources of the default entry (Node, browsers, bundlers).
 * The baseline's bytes are imported statically: they must be at hand synchronously (per-sample methods before
 * any fit) and run everywhere. The relaxed build and the shared-memory builds are imported with `import()`,
 * which the ESM build emits as separate chunks: a page downloads the relaxed bytes only where the runtime
 * validates relaxed SIMD, and the shared-memory bytes only for a multi-threaded fit.
 */
import { base64 as baseline } from "./baseline.generated.js";
import { setThreads } from "./engine.js";
import { registerBuilds } from "./module.js";
import { startPool, threadsAvailable } from "./threads.js";

function bytes(base64: string): Uint8Array<ArrayBuffer> {
  if (typeof atob === "function") {
    const s = atob(base64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  // Runtimes without atob (none current) would need a decoder; fail clearly instead.
  throw new Error("atob is not available to decode the embedded WebAssembly module");
}

const compile = async (load: Promise<{ base64: string }>) => WebAssembly.compile(bytes((await load).base64));

/** Called by the default entry at load time (an explicit call, so `sideEffects: false` cannot drop it). */
export function registerEmbeddedModule(): void {
  registerBuilds({
    baseline: {
      module: () => WebAssembly.compile(bytes(baseline)),
      moduleSync: () => new WebAssembly.Module(bytes(baseline)),
      shared: () => compile(import("./shared.generated.js")),
    },
    relaxed: {
      module: () => compile(import("./relaxed.generated.js")),
      shared: () => compile(import("./shared-relaxed.generated.js")),
    },
  });
  setThreads({ startPool, threadsAvailable });
}
