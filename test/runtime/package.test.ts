// The packed package as users get it: the tarball installed into a fresh project and used from ESM and CommonJS
// (bit-identical models, equal to the in-repo fit), through a browser bundler, on a host that forbids compiling
// WebAssembly from bytes (init with a module), and from TypeScript (types resolve under node16 and bundler
// resolution). Also: what the tarball holds, no Node built-ins in the default entry, the side-effect list.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GaussianMixture } from "../../src/index.js";
import { BUILD_OUTPUTS } from "./global-setup.js";

const root = new URL("../..", import.meta.url).pathname;
let dir: string;
let packed: { filename: string; files: { path: string }[] };
const X = Array.from({ length: 200 }, (_, i) => [Math.sin(i) * 3 + (i % 2) * 6, Math.cos(i * 1.7) + (i % 2) * 4]);

beforeAll(() => {
  const missing = BUILD_OUTPUTS.filter((f) => !existsSync(join(root, f)));
  if (missing.length) throw new Error(`run \`npm run build\` first (missing ${missing.join(", ")})`);
  dir = mkdtempSync(join(tmpdir(), "gaussmix-pack-"));
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: root, encoding: "utf8" });
  packed = JSON.parse(out.slice(out.indexOf("[")))[0];
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, version: "1.0.0" }));
  // The runtime dependencies are in the npm cache (they are the repo's own dependencies).
  execFileSync(
    "npm",
    ["install", join(dir, packed.filename), "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"],
    { cwd: dir, stdio: "ignore" },
  );
  writeFileSync(join(dir, "data.json"), JSON.stringify(X));
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function node(file: string, code: string): unknown {
  writeFileSync(join(dir, file), code);
  return JSON.parse(execFileSync(process.execPath, [join(dir, file)], { cwd: dir, encoding: "utf8" }));
}

const FIT_ESM = `
  import { readFileSync } from "node:fs";
  import { GaussianMixture } from "gaussmix";
  const X = JSON.parse(readFileSync("data.json", "utf8"));
  const m = await new GaussianMixture({ nComponents: 2, randomState: 0 }).fit(X);
  console.log(JSON.stringify({ model: m.toJSON(), labels: Array.from(m.predict(X)) }));`;

async function inRepo(): Promise<unknown> {
  const m = await new GaussianMixture({ nComponents: 2, randomState: 0 }).fit(X);
  return { model: m.toJSON(), labels: Array.from(m.predict(X)) };
}

describe("the published package", () => {
  it("the tarball holds the builds, the module, the README and the documents it links to, nothing else", () => {
    const paths = packed.files.map((f) => f.path).sort();
    for (const f of [...BUILD_OUTPUTS, "package.json", "README.md"]) expect(paths).toContain(f);
    const linked = /^(docs\/.+|bench\/README\.md|bench\/quality\/README\.md|examples\/distributed\.mjs)$/;
    expect(
      paths.filter((p) => !p.startsWith("dist/") && !/^(package\.json|README\.md|LICENSE)$/.test(p) && !linked.test(p)),
    ).toEqual([]);
    // The workerd entry's import resolves inside the package.
    expect(readFileSync(join(dir, "node_modules/gaussmix/dist/index.workerd.js"), "utf8")).toMatch(
      /from "\.\/gaussmix\.wasm"/,
    );
  });

  it("ESM and CJS consumers get bit-identical models, equal to the in-repo fit", async () => {
    const esm = node("esm.mjs", FIT_ESM);
    const cjs = node(
      "cjs.cjs",
      `
      const { GaussianMixture } = require("gaussmix");
      const X = JSON.parse(require("node:fs").readFileSync("data.json", "utf8"));
      new GaussianMixture({ nComponents: 2, randomState: 0 }).fit(X)
        .then((m) => console.log(JSON.stringify({ model: m.toJSON(), labels: Array.from(m.predict(X)) })));`,
    );
    expect(cjs).toEqual(esm);
    expect(esm).toEqual(await inRepo());
  });

  it("a browser bundle of a consumer (esbuild, platform browser) needs no Node built-ins and fits the same", async () => {
    writeFileSync(
      join(dir, "app.mjs"),
      `
      import { GaussianMixture } from "gaussmix";
      export async function run(X) {
        const m = await new GaussianMixture({ nComponents: 2, randomState: 0 }).fit(X);
        return { model: m.toJSON(), labels: Array.from(m.predict(X)) };
      }`,
    );
    // platform "browser" fails on any import of a Node built-in; the bundle is minified and tree-shaken.
    const { metafile } = await build({
      entryPoints: [join(dir, "app.mjs")],
      outfile: join(dir, "app.bundle.mjs"),
      bundle: true,
      platform: "browser",
      format: "esm",
      minify: true,
      metafile: true,
      absWorkingDir: dir,
      logLevel: "silent",
    });
    // Nothing left for the host to resolve: the bundle is self-contained.
    expect(Object.values(metafile.outputs).flatMap((o) => o.imports)).toEqual([]);
    const { run } = (await import(join(dir, "app.bundle.mjs"))) as { run(X: number[][]): Promise<unknown> };
    expect(await run(X)).toEqual(await inRepo());
  });

  it("on a host that refuses to compile WebAssembly from bytes, init(module) with gaussmix/gaussmix.wasm works", () => {
    const out = node(
      "strict.mjs",
      `
      import { readFileSync } from "node:fs";
      import { createRequire } from "node:module";
      import { GaussianMixture, init } from "gaussmix";
      const module = new WebAssembly.Module(readFileSync(createRequire(import.meta.url).resolve("gaussmix/gaussmix.wasm")));
      // From here on, like workerd: no compiling from bytes (instantiating a compiled module is allowed).
      const refuse = () => { throw new WebAssembly.CompileError("Wasm code generation disallowed by embedder"); };
      WebAssembly.compile = async () => refuse();
      WebAssembly.compileStreaming = async () => refuse();
      const instantiate = WebAssembly.instantiate;
      WebAssembly.instantiate = (m, imports) => m instanceof WebAssembly.Module ? instantiate(m, imports) : Promise.resolve().then(refuse);
      WebAssembly.Module = new Proxy(WebAssembly.Module, { construct: refuse });
      const X = JSON.parse(readFileSync("data.json", "utf8"));
      const fit = () => new GaussianMixture({ nComponents: 2, randomState: 0 }).fit(X);
      const before = await fit().then(() => "fitted", (e) => e.code);
      await init(module);
      const m = await fit();
      console.log(JSON.stringify({ before, after: { model: m.toJSON(), labels: Array.from(m.predict(X)) } }));`,
    );
    expect(out).toEqual({ before: "WASM_UNAVAILABLE", after: expect.anything() });
    return inRepo().then((here) => expect((out as { after: unknown }).after).toEqual(here));
  });

  it("types resolve for TypeScript consumers (node16 ESM and CJS, bundler, the workerd condition, gaussmix.wasm)", () => {
    writeFileSync(
      join(dir, "use.mts"),
      `
      import { GaussianMixture, type FittedGaussianMixture, GaussMixError, init } from "gaussmix";
      const p: Promise<FittedGaussianMixture> = new GaussianMixture({ nComponents: 2, covarianceType: "diag" }).fit([[1, 2]]);
      const code: string = new GaussMixError("ABORTED", "x").code;
      const ready: Promise<void> = init(new Uint8Array(8));
      void p; void code; void ready;`,
    );
    writeFileSync(
      join(dir, "use.cts"),
      `
      import { GaussianMixture } from "gaussmix";
      const labels: Promise<Int32Array> = new GaussianMixture().fitPredict([1, 2, 3]).then((r) => r.labels);
      void labels;`,
    );
    writeFileSync(
      join(dir, "use.ts"),
      `
      import { GaussianMixture, FittedGaussianMixture, init, type ModelJSON } from "gaussmix";
      import wasm from "gaussmix/gaussmix.wasm";
      const restore = (json: ModelJSON): FittedGaussianMixture => FittedGaussianMixture.fromJSON(json);
      const module: WebAssembly.Module = wasm;
      void restore; void new GaussianMixture({ randomState: 1 }); void init(module);`,
    );
    const common = { strict: true, noEmit: true, skipLibCheck: false, types: [], lib: ["es2022", "dom"] };
    const configs = {
      "tsconfig.node16.json": {
        compilerOptions: { ...common, module: "node16", moduleResolution: "node16" },
        files: ["use.mts", "use.cts"],
      },
      "tsconfig.bundler.json": {
        compilerOptions: { ...common, module: "esnext", moduleResolution: "bundler" },
        files: ["use.ts"],
      },
      "tsconfig.workerd.json": {
        compilerOptions: {
          ...common,
          module: "esnext",
          moduleResolution: "bundler",
          customConditions: ["workerd", "worker", "browser"],
        },
        files: ["use.ts"],
      },
    };
    for (const [name, config] of Object.entries(configs)) {
      writeFileSync(join(dir, name), JSON.stringify(config));
      execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(dir, name)], {
        encoding: "utf8",
      });
    }
  });

  it("the default entry imports no Node built-ins, and only the entries have side effects", () => {
    const js = readFileSync(join(root, "dist", "index.js"), "utf8");
    // No static import of a Node module and no dynamic import a bundler could resolve (the worker-thread
    // source, a string started only under Node, is not code of the bundle).
    expect(js).not.toMatch(/^\s*import[^;]*from\s*["'](node:|fs|path|worker_threads)/m);
    expect(js).not.toMatch(/import\(\s*["'](node:|fs|path|worker_threads)/);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    // Comments users see name no file that is not in the package (docs/ and assembly/ are not shipped).
    for (const f of ["dist/index.d.ts", "dist/index.d.cts", "dist/index.js", "dist/index.workerd.js"]) {
      expect(readFileSync(join(root, f), "utf8"), f).not.toMatch(/DESIGN\.md|docs\/|assembly\//);
    }
    // Installing the library downloads nothing else: the command line and its dependencies are gaussmix-cli's.
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.bin).toBeUndefined();
    expect(packed.files.map((f) => f.path).filter((p) => /cli/i.test(p))).toEqual([]);
    // Only the entries have side effects (registering the module source); everything else can be dropped.
    expect(pkg.sideEffects).toEqual([
      "./src/index.ts",
      "./src/index.workerd.ts",
      "./dist/index.js",
      "./dist/index.cjs",
      "./dist/index.workerd.js",
    ]);
    // Conditions are matched in order: workerd must come before import/require.
    expect(Object.keys(pkg.exports["."])[0]).toBe("workerd");
    expect(pkg.exports["."].workerd.default).toBe("./dist/index.workerd.js");
    expect(pkg.exports["./gaussmix.wasm"]).toEqual({
      types: "./dist/gaussmix.wasm.d.ts",
      default: "./dist/gaussmix.wasm",
    });
  });
});
