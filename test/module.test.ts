// Loading the engine: the embedded module by default, or what a strict host hands to init().
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { GaussianMixture, init } from "../src/index.js";

const wasm = readFileSync(new URL("../build/gaussmix.wasm", import.meta.url));

describe("init", () => {
  it("accepts a compiled WebAssembly.Module and bytes", async () => {
    await init(new WebAssembly.Module(wasm));
    const a = await new GaussianMixture({ nComponents: 2 }).fit([1, 1.1, 0.9, 5, 5.2, 4.8]);
    await init(new Uint8Array(wasm));
    const b = await new GaussianMixture({ nComponents: 2 }).fit([1, 1.1, 0.9, 5, 5.2, 4.8]);
    expect(b.toJSON()).toEqual(a.toJSON());
  });

  it("reports bytes that are not a WebAssembly module as WASM_UNAVAILABLE", async () => {
    await expect(init(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({
      code: "WASM_UNAVAILABLE",
      message: expect.stringMatching(/init\(module\)/),
    });
  });

  it("a model restored with fromJSON predicts before any fit, in a fresh process", () => {
    const script = `
      const { FittedGaussianMixture } = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
      const m = FittedGaussianMixture.fromJSON(${JSON.stringify(
        JSON.stringify({
          format: "gaussmix-model",
          version: 1,
          covarianceType: "diag",
          nComponents: 2,
          nFeatures: 1,
          weights: [0.5, 0.5],
          means: [1, -1],
          covariances: [1, 1],
          factors: [1, 1],
          converged: true,
          nIter: 1,
          lowerBound: 0,
          lowerBounds: [0],
        }),
      )});
      console.log(JSON.stringify(Array.from(m.predict([2, -2]))));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual([0, 1]);
  });
});
