import { copyFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig } from "tsup";

/** Types of `import wasm from "gaussmix/gaussmix.wasm"` where `.wasm` files import as compiled modules (Workers). */
const WASM_TYPES = `/** The compiled engine where \`.wasm\` files are imported as modules (Cloudflare Workers); pass it to \`init()\`. */
declare const module: WebAssembly.Module;
export default module;
`;

/**
 * The Spark entries import the library by its package name, so they share the default entry's classes and engine
 * (and follow its export conditions) instead of bundling a second copy.
 */
const SELF_IMPORTS: Record<string, string> = {
  "src/api.ts": "gaussmix",
  "src/index.ts": "gaussmix",
  "src/spark.ts": "gaussmix/spark",
};
const selfImports = {
  name: "gaussmix-self-imports",
  setup(build: { onResolve: (o: { filter: RegExp }, f: (a: { path: string; importer: string }) => unknown) => void }) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer) return undefined;
      const target = resolve(args.importer, "..", args.path).replace(/\.js$/, ".ts");
      const hit = Object.entries(SELF_IMPORTS).find(([file]) => target === resolve(file));
      if (!hit || resolve(args.importer) === resolve(hit[0])) return undefined;
      return { path: hit[1], external: true };
    });
  },
};

export default defineConfig([
  // The library: ESM + CJS + .d.ts from one build; the WebAssembly bytes are embedded (src/wasm/*.generated.ts).
  // ESM splitting puts the builds that src/wasm/embedded.ts imports with `import()` (relaxed, shared-memory) in
  // chunks of their own, fetched only when used; CJS (Node) inlines them.
  {
    entry: { index: "src/index.ts", csv: "src/csv.ts" },
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
  // Models shared with Spark (gaussmix/spark: file contents, any runtime; gaussmix/spark/node: directories).
  // ESM only, as the Parquet library is.
  {
    entry: { spark: "src/spark.ts", "spark-node": "src/spark-node.ts" },
    format: ["esm"],
    sourcemap: true,
    target: "es2022",
    platform: "neutral",
    removeNodeProtocol: false,
    external: ["hyparquet", "hyparquet-writer", /^node:/],
    esbuildPlugins: [selfImports as never],
    // Declarations that import the default entry's types by package name (see scripts/spark-dts.mjs).
    onSuccess: "node scripts/spark-dts.mjs",
  },
]);
