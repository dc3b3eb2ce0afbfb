import { defineConfig } from "tsup";

export default defineConfig([
  // The library: ESM + CJS + .d.ts from one build; the WebAssembly bytes are embedded (src/wasm/bytes.generated.ts).
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
    platform: "neutral",
  },
  // The command line (Node only), importing the library build beside it.
  {
    entry: { cli: "src/cli.ts" },
    format: ["esm"],
    target: "node18",
    platform: "node",
    banner: { js: "#!/usr/bin/env node" },
    external: ["./index.js"],
  },
]);
