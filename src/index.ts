/**
 * gaussmix: Gaussian mixture models fitted by EM with a WebAssembly SIMD engine.
 * This is the default entry (Node, browsers, bundlers): the engine's bytes are embedded.
 *
 * @module gaussmix
 */
import { registerEmbeddedModule } from "./wasm/embedded.js";

// A side effect of this entry only (package.json lists the entries in "sideEffects").
registerEmbeddedModule();

export * from "./api.js";
