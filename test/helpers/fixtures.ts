import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { GaussianMixtureOptions } from "../../src/index.js";

export interface SklearnFixture {
  name: string;
  options: GaussianMixtureOptions & { nComponents: number; covarianceType: "full" | "tied" | "diag" | "spherical" };
  X: number[][];
  Y: number[][];
  expected: {
    weights: number[];
    means: number[][];
    covariances: unknown;
    precisions: unknown;
    precisionsCholesky: unknown;
    lowerBound: number;
    nIter: number;
    converged: boolean;
    scoreSamplesY: number[];
    predictProbaY: number[][];
    predictY: number[];
    scoreY: number;
    bicY: number;
    aicY: number;
  };
}

const dir = join(import.meta.dirname, "..", "fixtures");

export function sklearnFixtures(): SklearnFixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && f !== "sklearn-default-fits.json" && !f.startsWith("selection"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as SklearnFixture);
}

export function defaultFits(): Record<
  string,
  { nComponents: number; covarianceType: "full" | "tied" | "diag" | "spherical"; lowerBounds: number[]; mean: number }
> {
  return JSON.parse(readFileSync(join(dir, "sklearn-default-fits.json"), "utf8")).cases;
}

/** Flattens nested arrays (any depth) and typed arrays into one number[]. */
export function flat(x: unknown): number[] {
  if (typeof x === "number") return [x];
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
  if (Array.isArray(x)) return x.flatMap(flat);
  throw new Error(`not numeric: ${String(x)}`);
}

/** Largest relative error of `actual` against `expected` (elementwise, with an absolute floor for zeros). */
export function maxRelError(actual: unknown, expected: unknown, floor = 1e-300): number {
  const a = flat(actual);
  const b = flat(expected);
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - b[i]);
    if (err === 0) continue;
    worst = Math.max(worst, err / Math.max(Math.abs(b[i]), floor));
  }
  return worst;
}
