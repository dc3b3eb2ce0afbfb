// Cloudflare Workers: a Worker bundled through the package's "workerd" export condition runs in workerd
// (miniflare), fits and predicts on a request, and returns the same numbers as Node.
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GaussianMixture } from "../../src/index.js";
import { Random } from "../../src/rng.js";

const root = new URL("../..", import.meta.url).pathname;
let mf: Miniflare;
let bundle: string;

beforeAll(async () => {
  // A consumer project whose node_modules/gaussmix is this package (built by `npm test` before the tests).
  const dir = mkdtempSync(join(tmpdir(), "gaussmix-worker-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(root, join(dir, "node_modules", "gaussmix"), "dir");
  writeFileSync(join(dir, "worker.js"), `
    import { GaussianMixture } from "gaussmix";
    export default {
      async fetch(request) {
        const { X, options } = await request.json();
        const model = await new GaussianMixture(options).fit(X);
        return Response.json({ model: model.toJSON(), labels: Array.from(model.predict(X)), score: model.score(X) });
      },
    };`);
  const out = await build({
    entryPoints: [join(dir, "worker.js")], bundle: true, format: "esm", write: false, platform: "neutral",
    conditions: ["workerd", "worker", "browser"], external: ["*.wasm"], absWorkingDir: dir, outfile: join(dir, "out.js"),
  });
  bundle = out.outputFiles[0].text;
  mf = new Miniflare({
    modules: [
      { type: "ESModule", path: join(dir, "worker.js"), contents: bundle },
      { type: "CompiledWasm", path: join(dir, "gaussmix.wasm"), contents: readFileSync(join(root, "dist", "gaussmix.wasm")) },
    ],
    modulesRoot: dir,
    compatibilityDate: "2024-09-23",
  });
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
});

describe("Cloudflare Workers (workerd via miniflare)", () => {
  it("the bundle takes the workerd entry: it imports the .wasm file and embeds no bytes", () => {
    expect(bundle).toMatch(/from\s*"\.\/gaussmix\.wasm"/);
    expect(bundle).not.toMatch(/wasmBase64/);
  });

  it.each(["full", "diag"] as const)("fits and predicts in a Worker with the same numbers as Node (%s)", async (covarianceType) => {
    const rng = new Random(8);
    const X = Array.from({ length: 300 }, (_, i) => [3 * (i % 3) + rng.normal(), -2 * (i % 3) + rng.normal()]);
    const options = { nComponents: 3, covarianceType, randomState: 0 };
    const res = await mf.dispatchFetch("http://localhost/", { method: "POST", body: JSON.stringify({ X, options }) });
    expect(res.status).toBe(200);
    const worker = (await res.json()) as { model: unknown; labels: number[]; score: number };
    const node = await new GaussianMixture(options).fit(X);
    expect(worker.model).toEqual(node.toJSON()); // bit-identical parameters
    expect(worker.labels).toEqual(Array.from(node.predict(X)));
    expect(worker.score).toBe(node.score(X));
  });
});
