/**
 * gaussmix: Gaussian mixture models fitted by EM with a WebAssembly SIMD engine.
 * This is the default entry (Node, browsers, bundlers): the engine's bytes are embedded.
 */
import { registerEmbeddedModule } from "./wasm/embedded.js";

registerEmbeddedModule();

export * from "./api.js";
