/** Registers the embedded module bytes as the default module source (the Node / browser / bundler entry). */
import { wasmBase64, wasmSharedBase64 } from "./bytes.generated.js";
import { setThreads } from "./engine.js";
import { setModuleSource, setSharedModuleSource, setSyncModuleSource } from "./module.js";
import { startPool, threadsAvailable } from "./threads.js";

function bytes(base64 = wasmBase64): Uint8Array<ArrayBuffer> {
  if (typeof atob === "function") {
    const s = atob(base64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  // Runtimes without atob (none current) would need a decoder; fail clearly instead.
  throw new Error("atob is not available to decode the embedded WebAssembly module");
}

/** Called by the default entry at load time (an explicit call, so `sideEffects: false` cannot drop it). */
export function registerEmbeddedModule(): void {
  setModuleSource(() => WebAssembly.compile(bytes()));
  setSyncModuleSource(() => new WebAssembly.Module(bytes()));
  setSharedModuleSource(() => WebAssembly.compile(bytes(wasmSharedBase64)));
  setThreads({ startPool, threadsAvailable });
}
