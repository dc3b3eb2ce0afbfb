/**
 * The entry for Cloudflare Workers (the "workerd" export condition): workerd refuses to compile WebAssembly
 * from bytes, so the module is imported as a file, which the Workers bundler turns into a compiled module.
 */
import wasmModule from "./gaussmix.wasm";
import { setModuleSource, setSyncModuleSource } from "./wasm/module.js";

setModuleSource(() => wasmModule);
setSyncModuleSource(() => wasmModule);

export * from "./api.js";
