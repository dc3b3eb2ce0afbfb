import { copyFileSync, writeFileSync } from "node:fs";
import { defineConfig } from "tsup";

/** Types of `import wasm from "gaussmix/gaussmix.wasm"` where `.wasm` files import as compiled modules (Workers). */
const WASM_TYPES = `/** The compiled engine where \`.wasm\` files are imported as modules (Cloudflare Workers); pass it to \`init()\`. */
declare const module: WebAssembly.Module;
export default module;
`;

export default defineConfig([
  // The library: ESM + CJS + .d.ts from one build; the WebAssembly bytes are embedded (src/wasm/bytes.generated.ts).
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    target: "es2022",
    platform: "neutral",
  },
  // Cloudflare Workers ("workerd" condition): imports dist/gaussmix.wasm instead of embedding it.
  {
    entry: { "index.workerd": "src/index.workerd.ts" },
    format: ["esm"],
    target: "es2022",
    platform: "neutral",
    external: ["./gaussmix.wasm"],
    onSuccess: async () => {
      // The module beside the entry that imports it, exported as "gaussmix/gaussmix.wasm" (for `init(module)`).
      copyFileSync("build/gaussmix.wasm", "dist/gaussmix.wasm");
      writeFileSync("dist/gaussmix.wasm.d.ts", WASM_TYPES);
    },
  },
]);
