// The memory layout and codes shared by the kernels (assembly/layout.ts) and the TypeScript side
// (src/wasm/abi.ts): both builds of the module report theirs, and they must agree with the TypeScript
// description for every covariance type over many (d, k). A hand-computed accumulation then checks that the
// statistics really land at the offsets both sides name.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tri } from "../src/util.js";
import "../src/index.js"; // registers the embedded module
import type { CovarianceType } from "../src/types.js";
import {
  CovarianceCode,
  familyOf,
  KernelFamily,
  PassVariant,
  scatterEntries,
  shiftedPassOf,
  STATS_LOGLIK,
  STATS_NK,
  STATS_WEIGHT,
  statsLayout,
  strides,
  TEN_EPS,
} from "../src/wasm/abi.js";
import { acquireEngine, releaseEngine, type Kernels } from "../src/wasm/engine.js";

const TYPES: CovarianceType[] = ["full", "tied", "diag", "spherical"];

function sharedBuild(): Kernels {
  const bytes = readFileSync(new URL("../build/gaussmix.shared.wasm", import.meta.url));
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 32768, shared: true });
  const env = {
    memory,
    abort: () => {
      throw new Error("abort");
    },
  };
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env }).exports as unknown as Kernels;
}

function checkAgainst(kern: Kernels): void {
  const value = (name: string) => (kern as unknown as Record<string, WebAssembly.Global>)[name].value;
  expect(value("FAMILY_TRIANGULAR")).toBe(KernelFamily.triangular);
  expect(value("FAMILY_DIAGONAL")).toBe(KernelFamily.diagonal);
  expect(value("PASS_TRIANGULAR")).toBe(PassVariant.triangular);
  expect(value("PASS_DIAGONAL")).toBe(PassVariant.diagonal);
  expect(value("PASS_TIED_SHIFTED")).toBe(PassVariant.tiedShifted);
  expect(value("PASS_SPHERICAL_SHIFTED")).toBe(PassVariant.sphericalShifted);
  expect(value("COVARIANCE_FULL")).toBe(CovarianceCode.full);
  expect(value("COVARIANCE_TIED")).toBe(CovarianceCode.tied);
  expect(value("COVARIANCE_DIAG")).toBe(CovarianceCode.diag);
  expect(value("COVARIANCE_SPHERICAL")).toBe(CovarianceCode.spherical);
  expect(value("STATS_LOGLIK")).toBe(STATS_LOGLIK);
  expect(value("STATS_WEIGHT")).toBe(STATS_WEIGHT);
  expect(value("STATS_NK")).toBe(STATS_NK);
  expect(value("TEN_EPS")).toBe(TEN_EPS);
  // The four codes of each set are distinct.
  expect(new Set(Object.values(CovarianceCode)).size).toBe(4);
  expect(new Set(Object.values(PassVariant)).size).toBe(4);
  for (const type of TYPES) {
    const code = CovarianceCode[type];
    expect(kern.familyOf(code)).toBe(familyOf(type));
    // The shifted pass of a type belongs to no family (the kernels tell the variants apart by code).
    const shifted = shiftedPassOf(type);
    if (shifted !== undefined) expect(Object.values(KernelFamily)).not.toContain(shifted);
    for (let d = 1; d <= 40; d += d < 10 ? 1 : 7) {
      expect(kern.scatterEntries(code, d)).toBe(scatterEntries(type, d));
      for (const k of [1, 2, 3, 5, 8, 17, 64]) {
        const s = statsLayout(type, d, k);
        expect(kern.statsS1(k)).toBe(s.s1);
        expect(kern.statsS2(d, k)).toBe(s.s2);
        expect(kern.statsEntries(code, d, k)).toBe(s.entries);
      }
    }
  }
}

describe("ABI: assembly/layout.ts and src/wasm/abi.ts agree", () => {
  it("in the default build", async () => {
    const e = await acquireEngine();
    try {
      checkAgainst(e.kernels);
    } finally {
      releaseEngine(e);
    }
  });

  it("in the shared-memory build", () => {
    checkAgainst(sharedBuild());
  });
});

describe("ABI: the statistics land where both sides say", () => {
  // Three samples (an odd count: the last pair holds a zero-weight copy), d = 2, k = 2, hard responsibilities
  // around a zero shift: N_c, S1_c = Σ v x and S2_c = Σ v x xᵀ are sums done by hand below.
  const X = [
    [1, 2],
    [3, -1],
    [-2, 4],
  ];
  const w = [1, 2, 0.5];
  const label = [0, 1, 1];
  for (const type of TYPES) {
    it(type, async () => {
      const d = 2;
      const k = 2;
      const e = await acquireEngine();
      try {
        const s = statsLayout(type, d, k);
        const { s2Stride } = strides(type, d);
        const p = e.layout({
          X: 2 * d * 16,
          W: 2 * 16,
          shift: k * d * 8,
          rv: 2 * k * 16,
          S: (s.entries + 1) * 16,
          scratch: e.kernels.scratchBytes(d, k),
        });
        const f = e.f64;
        for (let i = 0; i < 4; i++) {
          const src = Math.min(i, 2);
          for (let j = 0; j < d; j++) f[(p.X >> 3) + (i >> 1) * d * 2 + 2 * j + (i & 1)] = X[src][j];
          f[(p.W >> 3) + i] = i < 3 ? w[i] : 0;
          for (let c = 0; c < k; c++) f[(p.rv >> 3) + ((i >> 1) * k + c) * 2 + (i & 1)] = label[src] === c ? 1 : 0;
        }
        f.fill(0, p.shift >> 3, (p.shift >> 3) + k * d);
        f.fill(0, p.S >> 3, (p.S >> 3) + 2 * s.entries);
        f.fill(12345, (p.S >> 3) + 2 * s.entries, (p.S >> 3) + 2 * s.entries + 2); // canary past the block
        e.kernels.accumulateResp(familyOf(type), p.X, p.W, 0, 2, d, k, p.shift, p.rv, p.S, s2Stride, p.scratch);
        const at = (i: number) => f[(p.S >> 3) + 2 * i] + f[(p.S >> 3) + 2 * i + 1];
        expect(at(STATS_WEIGHT)).toBe(3.5);
        const t = scatterEntries(type, d);
        const S2 = new Array<number>(type === "tied" ? t : k * t).fill(0);
        for (let c = 0; c < k; c++) {
          let n = 0;
          const s1 = [0, 0];
          for (let i = 0; i < 3; i++) {
            if (label[i] !== c) continue;
            n += w[i];
            const block = type === "tied" ? 0 : c * t;
            for (let a = 0; a < d; a++) {
              s1[a] += w[i] * X[i][a];
              if (t === tri(d))
                for (let b = a; b < d; b++) S2[block + a * d - (a * (a - 1)) / 2 + b - a] += w[i] * X[i][a] * X[i][b];
              else S2[block + a] += w[i] * X[i][a] * X[i][a];
            }
          }
          expect(at(s.nk + c)).toBeCloseTo(n, 14);
          for (let a = 0; a < d; a++) expect(at(s.s1 + c * d + a)).toBeCloseTo(s1[a], 14);
        }
        for (let i = 0; i < S2.length; i++) expect(at(s.s2 + i)).toBeCloseTo(S2[i], 14);
        expect(s.s2 + S2.length).toBe(s.entries);
        expect(f[(p.S >> 3) + 2 * s.entries]).toBe(12345);
      } finally {
        releaseEngine(e);
      }
    });
  }
});
