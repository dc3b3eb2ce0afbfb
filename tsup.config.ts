import { copyFileSync, writeFileSync } from "node:fs";
import { defineConfig } from "tsup";

/** Types of `import wasm from "gaussmix/gaussmix.wasm"` where `.wasm` files import as compiled modules (Workers). */
const WASM_TYPES = `/** The compiled engine where \`.wasm\` files are imported as modules (Cloudflare Workers); pass it to \`init()\`. */
declare const module: WebAssembly.Module;
export default module;
`;

export default defineConfig([
  // The library: ESM + CJS + .d.ts from one build; the WebAssembly bytes are embedded (src/wasm/*.generated.ts).
  // ESM splitting puts the builds that src/wasm/embedded.ts imports with `import()` (relaxed, shared-memory) in
  // chunks of their own, fetched only when used; CJS (Node) inlines them.
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    target: "es2022",
    platform: "neutral",
  },
  // Cloudflare Workers ("workerd" condition): imports dist/gaussmix.wasm and dist/gaussmix.relaxed.wasm instead
  // of embedding them.
  {
    entry: { "index.workerd": "src/index.workerd.ts" },
    format: ["esm"],
    target: "es2022",
    platform: "neutral",
    external: ["./gaussmix.wasm", "./gaussmix.relaxed.wasm"],
    onSuccess: async () => {
      // The modules beside the entry that imports them, exported as "gaussmix/gaussmix.wasm" and
      // "gaussmix/gaussmix.relaxed.wasm" (for `init(module)`).
      for (const name of ["gaussmix.wasm", "gaussmix.relaxed.wasm"]) {
        copyFileSync(`build/${name}`, `dist/${name}`);
        writeFileSync(`dist/${name}.d.ts`, WASM_TYPES);
      }
    },
  },
]);
