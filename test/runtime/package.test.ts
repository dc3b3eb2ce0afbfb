// The packed package as users get it: installed from its tarball into a fresh project, used from ESM and
// CommonJS (bit-identical models), its types resolving, its size reported, no Node built-ins in the default entry.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { GaussianMixture } from "../../src/index.js";

const root = new URL("../..", import.meta.url).pathname;
let dir: string;
const X = Array.from({ length: 200 }, (_, i) => [Math.sin(i) * 3 + (i % 2) * 6, Math.cos(i * 1.7) + (i % 2) * 4]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gaussmix-pack-"));
  const tgz = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: root, encoding: "utf8" }).trim().split("\n").pop()!;
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, version: "1.0.0" }));
  execFileSync("npm", ["install", join(dir, tgz), "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"], { cwd: dir, stdio: "ignore" });
  writeFileSync(join(dir, "data.json"), JSON.stringify(X));
}, 180_000);

function node(file: string, code: string): unknown {
  writeFileSync(join(dir, file), code);
  return JSON.parse(execFileSync(process.execPath, [join(dir, file)], { cwd: dir, encoding: "utf8" }));
}

describe("the published package", () => {
  it("ESM and CJS consumers get bit-identical models, equal to the in-repo fit", async () => {
    const esm = node("esm.mjs", `
      import { readFileSync } from "node:fs";
      import { GaussianMixture } from "gaussmix";
      const X = JSON.parse(readFileSync("data.json", "utf8"));
      const m = await new GaussianMixture({ nComponents: 2, randomState: 7 }).fit(X);
      console.log(JSON.stringify(m.toJSON()));`);
    const cjs = node("cjs.cjs", `
      const { GaussianMixture } = require("gaussmix");
      const X = JSON.parse(require("node:fs").readFileSync("data.json", "utf8"));
      new GaussianMixture({ nComponents: 2, randomState: 7 }).fit(X).then((m) => console.log(JSON.stringify(m.toJSON())));`);
    expect(cjs).toEqual(esm);
    const here = await new GaussianMixture({ nComponents: 2, randomState: 7 }).fit(X);
    expect(esm).toEqual(here.toJSON());
  });

  it("init() takes a compiled module from the packaged gaussmix.wasm", () => {
    const out = node("init.mjs", `
      import { readFileSync } from "node:fs";
      import { createRequire } from "node:module";
      import { GaussianMixture, init } from "gaussmix";
      const wasmPath = createRequire(import.meta.url).resolve("gaussmix/gaussmix.wasm");
      await init(new WebAssembly.Module(readFileSync(wasmPath)));
      const m = await new GaussianMixture({ nComponents: 2 }).fit([1, 1.2, 0.8, 9, 9.1, 8.9]);
      console.log(JSON.stringify(m.means));`);
    expect((out as number[][]).map((r) => Math.round(r[0]))).toEqual([1, 9]);
  });

  it("types resolve for TypeScript consumers (node16 resolution, ESM and CJS)", () => {
    writeFileSync(join(dir, "use.mts"), `
      import { GaussianMixture, type FittedGaussianMixture, GaussMixError } from "gaussmix";
      const p: Promise<FittedGaussianMixture> = new GaussianMixture({ nComponents: 2, covarianceType: "diag" }).fit([[1, 2]]);
      const code: string = new GaussMixError("ABORTED", "x").code;
      void p; void code;`);
    writeFileSync(join(dir, "use.cts"), `
      import { GaussianMixture } from "gaussmix";
      const labels: Promise<Int32Array> = new GaussianMixture().fitPredict([1, 2, 3]).then((r) => r.labels);
      void labels;`);
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "node16", moduleResolution: "node16", strict: true, noEmit: true, skipLibCheck: false, types: [], lib: ["es2022", "dom"] }, files: ["use.mts", "use.cts"] }));
    execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", dir], { encoding: "utf8" });
  });

  it("the default entry imports no Node built-ins, and only the entries have side effects", () => {
    const js = readFileSync(join(root, "dist", "index.js"), "utf8");
    // No static import of a Node module and no dynamic import a bundler could resolve (the worker-thread
    // source, a string started only under Node, is not code of the bundle).
    expect(js).not.toMatch(/^\s*import[^;]*from\s*["'](node:|fs|path|worker_threads)/m);
    expect(js).not.toMatch(/import\(\s*["'](node:|fs|path|worker_threads)/);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    // Only the entries have side effects (registering the module source); everything else can be dropped.
    expect(pkg.sideEffects).toEqual(["./src/index.ts", "./src/index.workerd.ts", "./dist/index.js", "./dist/index.cjs", "./dist/index.workerd.js"]);
    expect(pkg.exports["."].workerd.default).toBe("./dist/index.workerd.js");
  });
});
