// The option tables (src/options.ts): every entry point rejects unknown and invalid options with INVALID_OPTION
// naming the option, and the doc comments users read (src/types.ts) state the defaults the tables apply.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GaussianMixture, GaussMixError, selectModel } from "../src/index.js";
import {
  BAYESIAN_OPTIONS,
  closestOption,
  resolveSampleOptions,
  resolveScoreOptions,
  ESTIMATOR_OPTIONS,
  FIT_OPTIONS,
  type OptionSpec,
  resolveOptions,
  SELECT_OPTIONS,
  ONLINE_OPTIONS,
} from "../src/options.js";

const X = [
  [0, 0],
  [1, 1],
  [0, 1],
  [1, 0],
  [5, 5],
  [6, 5],
  [5, 6],
  [6, 6],
];

async function rejection(p: () => unknown): Promise<GaussMixError> {
  try {
    await p();
  } catch (e) {
    expect(e).toBeInstanceOf(GaussMixError);
    return e as GaussMixError;
  }
  throw new Error("expected a GaussMixError, nothing was thrown");
}

async function expectInvalidOption(p: () => unknown, message: RegExp): Promise<void> {
  const e = await rejection(p);
  expect(e.code).toBe("INVALID_OPTION");
  expect(e.message).toMatch(message);
}

const gm = () => new GaussianMixture({ nComponents: 2 });

describe("unknown options, in every entry point", () => {
  it("the constructor: a typo gets the right name", () =>
    expectInvalidOption(
      () => new GaussianMixture({ nComponent: 2 } as never),
      /unknown option "nComponent"; did you mean nComponents\?/,
    ));
  it("the constructor: a name far from any lists the known ones", () =>
    expectInvalidOption(
      () => new GaussianMixture({ bandwidth: 2 } as never),
      /unknown option "bandwidth"; known options of options: nComponents, .*threads/,
    ));
  it("fit: sampleWeights (a typo) is not ignored", () =>
    expectInvalidOption(
      () => gm().fit(X, { sampleWeights: [1, 1, 1, 1, 1, 1, 1, 1] } as never),
      /unknown option "sampleWeights"; did you mean sampleWeight\?/,
    ));
  it("fit: scikit-learn's sample_weight", () =>
    expectInvalidOption(
      () => gm().fit(X, { sample_weight: [1] } as never),
      /unknown option "sample_weight"; did you mean sampleWeight\?/,
    ));
  it("fitPredict: an unknown option", () =>
    expectInvalidOption(() => gm().fitPredict(X, { weights: [] } as never), /unknown option "weights"/));
  it("selectModel: a typo", () =>
    expectInvalidOption(
      () => selectModel(X, { covarianceType: ["full"] } as never),
      /unknown option "covarianceType"; did you mean covarianceTypes\?/,
    ));
  it("selectModel: an estimator option it does not take", () =>
    expectInvalidOption(
      () => selectModel(X, { warmStart: true } as never),
      /unknown option "warmStart"; known options of selectModel options: /,
    ));
});

describe("options that are not an object", () => {
  it('fit(X, "str")', () =>
    expectInvalidOption(() => gm().fit(X, "str" as never), /fit options must be an object, got "str"/));
  it("fit(X, null)", () =>
    expectInvalidOption(() => gm().fit(X, null as never), /fit options must be an object, got null/));
  it("selectModel(X, null)", () =>
    expectInvalidOption(() => selectModel(X, null as never), /selectModel options must be an object, got null/));
  it("selectModel(X, [])", () =>
    expectInvalidOption(() => selectModel(X, [] as never), /selectModel options must be an object/));
  it("new GaussianMixture(null)", () =>
    expectInvalidOption(() => new GaussianMixture(null as never), /options must be an object, got null/));
});

describe("invalid values", () => {
  it("warmStart must be a boolean", () =>
    expectInvalidOption(
      () => new GaussianMixture({ warmStart: "yes" as never }),
      /warmStart must be true or false, got "yes"/,
    ));
  it("signal must be an AbortSignal", () =>
    expectInvalidOption(
      () => new GaussianMixture({ signal: {} as never }),
      /signal must be an AbortSignal, got object/,
    ));
  it("selectModel: nComponents names the bad entry", () =>
    expectInvalidOption(
      () => selectModel(X, { nComponents: [1, 0] }),
      /nComponents must be a non-empty array of positive integers; index 1 is 0/,
    ));
  it("selectModel: covarianceTypes names the bad entry", () =>
    expectInvalidOption(
      () => selectModel(X, { covarianceTypes: ["full", "banded" as never] }),
      /covarianceTypes must be .*; index 1 is "banded"/,
    ));
  it("selectModel: threads", () =>
    expectInvalidOption(() => selectModel(X, { threads: 0 }), /threads must be a positive integer, got 0/));
  it("selectModel: onProgress", () =>
    expectInvalidOption(() => selectModel(X, { onProgress: 1 as never }), /onProgress must be a function, got 1/));
  it("selectModel: signal", () =>
    expectInvalidOption(() => selectModel(X, { signal: "stop" as never }), /signal must be an AbortSignal/));
  it("selectModel: tol is checked before any fit", () =>
    expectInvalidOption(() => selectModel(X, { tol: -1 }), /tol must be a finite number ≥ 0, got -1/));
});

describe("selectModel's signal", () => {
  it("an aborted signal ends the selection with ABORTED (not a failed cell)", async () => {
    const controller = new AbortController();
    controller.abort();
    const e = await rejection(() => selectModel(X, { nComponents: [1, 2], signal: controller.signal }));
    expect(e.code).toBe("ABORTED");
  });
});

describe("the closest option name", () => {
  const known = Object.keys(ESTIMATOR_OPTIONS);
  it.each([
    ["n_components", "nComponents"],
    ["reg_covar", "regCovar"],
    ["ncomponents", "nComponents"],
    ["maxIters", "maxIter"],
    ["seed", undefined],
  ])("%s → %s", (key, hit) => expect(closestOption(key, known)).toBe(hit));
});

describe("the fitted model's options (tables ready for score and sample)", () => {
  it("score: an unknown option", () =>
    expectInvalidOption(
      () => resolveScoreOptions({ weights: [1] } as never),
      /unknown option "weights"; known options of score options: sampleWeight/,
    ));
  it("sample: a typo", () =>
    expectInvalidOption(
      () => resolveSampleOptions({ random_state: 1 } as never),
      /unknown option "random_state"; did you mean randomState\?/,
    ));
  it("sample: a non-integer seed", () =>
    expectInvalidOption(
      () => resolveSampleOptions({ randomState: 0.5 }),
      /randomState must be an integer seed, got 0.5/,
    ));
  it("sample: the default seed is 0", () => expect(resolveSampleOptions().randomState).toBe(0));
});

describe("the tables", () => {
  it("resolving no options gives every default", () => {
    const o = resolveOptions();
    for (const [name, spec] of Object.entries(ESTIMATOR_OPTIONS) as [keyof typeof o, OptionSpec<unknown>][]) {
      // regCovar has no fixed default (src/regularization.ts): the factor 1e-6, relative to the data by default.
      if (name === "regCovar") expect([o.regCovar, o.regCovarRelative]).toEqual([1e-6, true]);
      else expect(o[name]).toBe(spec.default);
    }
  });

  // The doc comments of the public interfaces are what users read: each starts with the table's summary and
  // states the table's default.
  const types = readFileSync(new URL("../src/types.ts", import.meta.url), "utf8");
  function docs(iface: string): Map<string, string> {
    const body = new RegExp(`export interface ${iface}(?:<[^>]*>)? \\{([\\s\\S]*?)\\n\\}`).exec(types)?.[1];
    if (!body) throw new Error(`interface ${iface} not found in src/types.ts`);
    const out = new Map<string, string>();
    for (const m of body.matchAll(/\/\*\*([\s\S]*?)\*\/\s*(\w+)\?:/g))
      out.set(m[2], m[1].replace(/\s*\n\s*\*\s?/g, " ").trim());
    return out;
  }
  it.each([
    ["GaussianMixtureOptions", ESTIMATOR_OPTIONS],
    ["BayesianGaussianMixtureOptions", BAYESIAN_OPTIONS],
    ["FitOptions", FIT_OPTIONS],
    ["SelectModelOptions", SELECT_OPTIONS],
    ["OnlineOptions", ONLINE_OPTIONS],
  ] as [string, Record<string, OptionSpec<unknown>>][])(
    "%s: names, summaries and defaults match the table",
    (iface, table) => {
      const doc = docs(iface);
      expect([...doc.keys()].sort()).toEqual(Object.keys(table).sort());
      for (const [name, spec] of Object.entries(table)) {
        const text = doc.get(name) ?? "";
        expect(text.startsWith(spec.doc), `${iface}.${name}: "${text}" should start with "${spec.doc}"`).toBe(true);
        if (!spec.hasDefault) continue;
        const stated = /Default (\[[^\]]*\]|"[^"]*"|[^\s.]+(?:\.\d+)?)\.?/.exec(text)?.[1];
        expect(stated, `${iface}.${name} states no default`).toBeDefined();
        const value = /^[["tf]/.test(stated!) ? JSON.parse(stated!) : Number(stated);
        expect(value, `${iface}.${name}`).toEqual(spec.default);
      }
    },
  );
});
