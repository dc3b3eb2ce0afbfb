// Imports point one way, from the entry points down to the types: a file may import from its own layer or a
// lower one, never from a higher one. A new file must be given a layer here (the test fails until it is).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

const src = new URL("../src/", import.meta.url).pathname;

/** Lowest first. Patterns match paths relative to src/ (without the extension). */
const LAYERS: [name: string, files: RegExp][] = [
  ["types, errors, util", /^(types|errors|util|matrix|wasm\.d)$/],
  ["data, options, covariance, rng, csv", /^(data|options|option-table|regularization|covariance|rng|csv\/[\w.-]+)$/],
  ["wasm", /^wasm\//],
  [
    "engine and EM",
    /^(engine|init|em)(\/[\w.-]+)?$|^interop\/parameters$|^bayesian\/(special|variational|priors|posterior|expectations)$/,
  ],
  [
    "estimator and model, statistics",
    /^(gmm|model|model-json|model-estimate|model-read|statistics|statistics-accumulator|bayesian\/(estimator|model))$/,
  ],
  ["selection, scikit-learn JSON", /^(select|interop\/sklearn)$/],
  ["streaming, online EM", /^stream\/[\w-]+$/],
  ["entry points", /^(api|index|index\.workerd)$/],
  // Spark interchange is a client of the library's public entry (its build imports "gaussmix").
  ["Spark interchange", /^interop\/spark-[\w-]+$/],
  ["Spark entry points", /^(spark|spark-node)$/],
];

function layerOf(file: string): number {
  const key = file.replace(/\.(d\.)?ts$/, (m) => (m === ".d.ts" ? ".d" : ""));
  return LAYERS.findIndex(([, re]) => re.test(key));
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith(".ts") && !e.name.includes(".generated.")
        ? [join(dir, e.name)]
        : [],
  );
}

/** Relative specifiers of `import … from`, `export … from` and `import("…")` in a file. */
function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(
    /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
  )) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith(".")) out.push(spec);
  }
  return out;
}

const files = sources(src).map((f) => relative(src, f));

describe("import direction", () => {
  it("every source file has a layer", () => {
    expect(files.filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it("the import parser sees every form", () => {
    const text =
      'import { a } from "./a.js";\nimport type {\n  B,\n} from "../b.js";\nexport * from "./c.js";\nconst d = await import("./d.js");\nimport x from "node:fs";';
    expect(importsOf(text)).toEqual(["./a.js", "../b.js", "./c.js", "./d.js"]);
  });

  it("no file imports from a higher layer", () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const spec of importsOf(readFileSync(join(src, file), "utf8"))) {
        const target = normalize(join(dirname(file), spec)).replace(/\.js$/, ".ts");
        if (target.includes("generated") || target.endsWith(".wasm")) continue;
        const to = layerOf(target);
        if (to > from) upward.push(`${file} (${LAYERS[from][0]}) imports ${target} (${LAYERS[to][0]})`);
      }
    }
    expect(upward).toEqual([]);
  });
});
