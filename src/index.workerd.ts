/**
 * The entry for Cloudflare Workers (the "workerd" export condition): workerd refuses to compile WebAssembly
 * from bytes, so both builds are imported as files, which the Workers bundler turns into compiled modules.
 * Both, because workerd compiles a Worker's modules when it loads it and one cannot be fetched later; the
 * relaxed build runs where the runtime validates relaxed SIMD (current workerd does), the baseline elsewhere
 * and under `init({ engine: "baseline" })`. No threads (no shared memory across Workers), no Node code.
 */
import baselineModule from "./gaussmix.wasm";
import relaxedModule from "./gaussmix.relaxed.wasm";
import { registerBuilds } from "./wasm/module.js";

registerBuilds({
  baseline: { module: () => baselineModule, moduleSync: () => baselineModule },
  relaxed: { module: () => relaxedModule, moduleSync: () => relaxedModule },
});

export * from "./api.js";
