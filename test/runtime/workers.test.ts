// Cloudflare Workers: Workers bundled the way wrangler bundles them (esbuild with the conditions
// "workerd", "worker", "browser"; an imported `.wasm` file becomes a CompiledWasm module beside the bundle) run
// in workerd (miniflare), fit and predict on a request, and return the same numbers as Node. workerd refuses to
// compile WebAssembly from bytes, so a bundle that takes the default entry (embedded bytes) must fail with
// WASM_UNAVAILABLE, and works again when it hands the packaged module to `init()`. workerd has relaxed SIMD, so
// the workerd entry runs the relaxed build there (Node 20 without a flag runs the baseline: equal to 1e-9);
// `init({ engine: "baseline" })` gives Node's numbers bit for bit.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { build, type Plugin } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FittedGaussianMixture, GaussianMixture, init } from "../../src/index.js";
import { maxRelError } from "../helpers/fixtures.js";
import { Random } from "../../src/rng.js";
import { BUILD_OUTPUTS } from "./global-setup.js";

const root = new URL("../..", import.meta.url).pathname;
const WASM_MAGIC_BASE64 = "AGFzbQ"; // "\0asm": the start of any base64-embedded WebAssembly module
let dir: string;
const instances: Miniflare[] = [];

// The Worker: POST {X, options} fits and predicts; POST {model, X} restores a model and predicts only.
const HANDLER = `
export default {
  async fetch(request) {
    try {
      await ready();
      const { X, options, model: json } = await request.json();
      const model = json ? FittedGaussianMixture.fromJSON(json) : await new GaussianMixture(options).fit(X);
      return Response.json({
        model: model.toJSON(),
        labels: Array.from(model.predict(X)),
        proba: Array.from(model.predictProba(X).data),
        scoreSamples: Array.from(model.scoreSamples(X)),
        score: model.score(X),
        engine: engineInfo(),
      });
    } catch (e) {
      return Response.json({ error: e.code ?? String(e), message: e.message }, { status: 500 });
    }
  },
};`;

const WORKERS = {
  // The usual Worker: nothing but the import.
  plain: `import { engineInfo, FittedGaussianMixture, GaussianMixture } from "gaussmix";\nconst ready = async () => {};\n${HANDLER}`,
  // The usual Worker pinned to the baseline build (results bit-identical across runtimes).
  baseline: `import { engineInfo, FittedGaussianMixture, GaussianMixture, init } from "gaussmix";
let loading;
const ready = () => (loading ??= init({ engine: "baseline" }));
${HANDLER}`,
  // A Worker handing the packaged module to init() itself (for bundles that did not take the workerd entry).
  init: `import { engineInfo, FittedGaussianMixture, GaussianMixture, init } from "gaussmix";
import wasm from "gaussmix/gaussmix.wasm";
let loading;
const ready = () => (loading ??= init(wasm));
${HANDLER}`,
};

/** What wrangler does with an imported `.wasm` file: copies it beside the bundle and imports it from there. */
const wasmModules = (outdir: string): Plugin => ({
  name: "wasm-modules",
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, async (args) => {
      if (args.pluginData === "wasm-modules") return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: "wasm-modules",
      });
      if (r.errors.length) return { errors: r.errors };
      copyFileSync(r.path, join(outdir, basename(r.path)));
      return { path: `./${basename(r.path)}`, external: true };
    });
  },
});

/** Bundles a Worker with the given conditions and starts it in workerd; returns the bundle's text too. */
async function startWorker(source: string, conditions: string[]): Promise<{ mf: Miniflare; bundle: string }> {
  const outdir = mkdtempSync(join(dir, "out-"));
  const entry = join(outdir, "worker.src.js");
  writeFileSync(entry, source);
  await build({
    entryPoints: [entry],
    outfile: join(outdir, "worker.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions,
    mainFields: ["module", "main"],
    absWorkingDir: dir,
    nodePaths: [join(dir, "node_modules")],
    plugins: [wasmModules(outdir)],
    logLevel: "silent",
  });
  rmSync(entry);
  const wasm = readdirSync(outdir).filter((f) => f.endsWith(".wasm"));
  const mf = new Miniflare({
    modulesRoot: outdir,
    modules: [
      { type: "ESModule", path: join(outdir, "worker.js") },
      ...wasm.map((f) => ({ type: "CompiledWasm" as const, path: join(outdir, f) })),
    ],
    compatibilityDate: "2025-07-18",
  });
  instances.push(mf);
  return { mf, bundle: readFileSync(join(outdir, "worker.js"), "utf8") };
}

interface Reply {
  model: unknown;
  labels: number[];
  proba: number[];
  scoreSamples: number[];
  score: number;
  engine?: { build: string; requested: string; relaxedSimd: boolean };
  error?: string;
  message?: string;
}

async function post(mf: Miniflare, body: unknown): Promise<{ status: number; reply: Reply }> {
  const res = await mf.dispatchFetch("http://localhost/", { method: "POST", body: JSON.stringify(body) });
  return { status: res.status, reply: (await res.json()) as Reply };
}

function data(seed: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: 300 }, (_, i) => [3 * (i % 3) + rng.normal(), -2 * (i % 3) + rng.normal()]);
}

/** The same outputs computed in Node from the in-repo sources. */
function nodeReply(model: FittedGaussianMixture, X: number[][]): Reply {
  return {
    model: model.toJSON(),
    labels: Array.from(model.predict(X)),
    proba: Array.from(model.predictProba(X).data),
    scoreSamples: Array.from(model.scoreSamples(X)),
    score: model.score(X),
  };
}

/** The numbers of a reply (model parameters and per-sample outputs), for comparisons to a tolerance. */
function numbers(r: Reply): number[] {
  const m = r.model as Record<string, unknown>;
  const params = ["weights", "means", "covariances", "lowerBound"].map((key) => m[key]);
  return [params, r.proba, r.scoreSamples, r.score].flat(4) as number[];
}

/** The relaxed build's reply against Node's baseline: the same labels and iterations, numbers equal to 1e-9. */
function expectClose(reply: Reply, node: Reply): void {
  expect(reply.labels).toEqual(node.labels);
  expect((reply.model as { nIter: number }).nIter).toBe((node.model as { nIter: number }).nIter);
  expect(maxRelError(numbers(reply), numbers(node), 1e-3)).toBeLessThan(1e-9);
}

beforeAll(async () => {
  // Node's side of every comparison is the baseline build, whatever this Node supports.
  await init({ engine: "baseline" });
  const missing = BUILD_OUTPUTS.filter((f) => !existsSync(join(root, f)));
  if (missing.length) throw new Error(`run \`npm run build\` first (missing ${missing.join(", ")})`);
  // A consumer project whose node_modules/gaussmix is this package.
  dir = mkdtempSync(join(tmpdir(), "gaussmix-worker-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(root, join(dir, "node_modules", "gaussmix"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "worker", private: true, type: "module" }));
});

afterAll(async () => {
  await Promise.all(instances.map((mf) => mf.dispose()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("Cloudflare Workers (workerd via miniflare)", () => {
  it("the workerd condition picks the entry that imports both builds' .wasm files and embeds no bytes", async () => {
    const { bundle } = await startWorker(WORKERS.plain, ["workerd", "worker", "browser"]);
    expect(bundle).toMatch(/^import \w+ from "\.\/gaussmix\.wasm";$/m);
    expect(bundle).toMatch(/^import \w+ from "\.\/gaussmix\.relaxed\.wasm";$/m);
    expect(bundle).not.toContain(WASM_MAGIC_BASE64);
  });

  it.each(["full", "tied", "diag", "spherical"] as const)(
    "fits and predicts in a Worker with the relaxed build, equal to Node's fit to 1e-9 (%s)",
    async (covarianceType) => {
      const { mf } = await startWorker(WORKERS.plain, ["workerd", "worker", "browser"]);
      const X = data(8);
      const options = { nComponents: 3, covarianceType, randomState: 0 };
      const { status, reply } = await post(mf, { X, options });
      expect(reply.error).toBeUndefined();
      expect(status).toBe(200);
      expect(reply.engine).toEqual({ build: "relaxed", requested: "auto", relaxedSimd: true });
      expectClose(reply, nodeReply(await new GaussianMixture(options).fit(X), X));
    },
  );

  it.each(["full", "tied", "diag", "spherical"] as const)(
    'with init({ engine: "baseline" }) a Worker returns the same numbers as Node, bit for bit (%s)',
    async (covarianceType) => {
      const { mf } = await startWorker(WORKERS.baseline, ["workerd", "worker", "browser"]);
      const X = data(8);
      const options = { nComponents: 3, covarianceType, randomState: 0 };
      const { status, reply } = await post(mf, { X, options });
      expect(reply.error).toBeUndefined();
      expect(status).toBe(200);
      const { engine, ...rest } = reply;
      expect(engine).toEqual({ build: "baseline", requested: "baseline", relaxedSimd: true });
      expect(rest).toEqual(nodeReply(await new GaussianMixture(options).fit(X), X));
    },
  );

  it("a model restored with fromJSON predicts before any fit (the module is loaded synchronously)", async () => {
    const X = data(3);
    const model = await new GaussianMixture({ nComponents: 3, randomState: 0 }).fit(X);
    const { mf } = await startWorker(WORKERS.plain, ["workerd", "worker", "browser"]);
    const { status, reply } = await post(mf, { X, model: model.toJSON() });
    expect(reply.error).toBeUndefined();
    expect(status).toBe(200);
    expect(reply.engine?.build).toBe("relaxed");
    expectClose(reply, nodeReply(model, X));
  });

  it("without the workerd condition the embedded bytes cannot be compiled: WASM_UNAVAILABLE", async () => {
    const { mf, bundle } = await startWorker(WORKERS.plain, ["worker", "browser"]);
    expect(bundle).toContain(WASM_MAGIC_BASE64);
    const { status, reply } = await post(mf, { X: data(8), options: { nComponents: 2 } });
    expect(status).toBe(500);
    expect(reply.error).toBe("WASM_UNAVAILABLE");
    expect(reply.message).toMatch(/init\(module\)/);
  });

  it("without the workerd condition, init() with the imported gaussmix/gaussmix.wasm makes it work", async () => {
    const { mf } = await startWorker(WORKERS.init, ["worker", "browser"]);
    const X = data(8);
    const options = { nComponents: 3, randomState: 0 };
    const { status, reply } = await post(mf, { X, options });
    expect(reply.error).toBeUndefined();
    expect(status).toBe(200);
    const { engine, ...rest } = reply;
    expect(engine?.build).toBe("custom");
    expect(rest).toEqual(nodeReply(await new GaussianMixture(options).fit(X), X));
  });
});
