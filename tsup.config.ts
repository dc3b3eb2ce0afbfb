import { defineConfig } from "tsup";

// The library: ESM + CJS + .d.ts from one build; the WebAssembly bytes are embedded (src/wasm/bytes.generated.ts).
export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
    platform: "neutral",
  },
]);
