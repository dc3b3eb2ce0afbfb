// The Spark entries as users get them: the packed tarball installed into a fresh project. First without the
// optional Parquet packages: a MISSING_DEPENDENCY error, and types that compile and name the default entry's classes
// (a model from `gaussmix` goes into saveSparkModel, a loaded one is a FittedGaussianMixture). Then with them:
// gaussmix/spark/node from Node, and gaussmix/spark through a browser bundler (no Node built-ins).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSparkModel } from "../../src/spark-node.js";

const root = new URL("../..", import.meta.url).pathname;
const fixture = join(root, "test", "fixtures", "interop", "spark", "ml-mixed");
const Y = JSON.parse(readFileSync(join(root, "test", "fixtures", "interop", "sklearn", "full-d3-k3.json"), "utf8"))
  .Y as number[][];
let dir: string;

beforeAll(() => {
  const missing = [
    "dist/spark.js",
    "dist/spark-node.js",
    "dist/spark.d.ts",
    "dist/spark-node.d.ts",
    "dist/spark-files.d.ts",
    "dist/spark-read.d.ts",
    "dist/spark-write.d.ts",
  ].filter((f) => !existsSync(join(root, f)));
  if (missing.length) throw new Error(`run \`npm run build\` first (missing ${missing.join(", ")})`);
  dir = mkdtempSync(join(tmpdir(), "gaussmix-spark-pack-"));
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: root, encoding: "utf8" });
  const packed = JSON.parse(out.slice(out.indexOf("[")))[0];
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "consumer", private: true, version: "1.0.0", type: "module" }),
  );
  execFileSync(
    "npm",
    ["install", join(dir, packed.filename), "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"],
    { cwd: dir, stdio: "ignore" },
  );
  writeFileSync(join(dir, "y.json"), JSON.stringify(Y));
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function inRepo() {
  const m = await loadSparkModel(fixture);
  // As it comes through JSON from another process.
  return JSON.parse(JSON.stringify({ json: m.toJSON(), score: Array.from(m.scoreSamples(Y)) }));
}

describe("without the optional Parquet packages", () => {
  it("gaussmix/spark says which package to install (MISSING_DEPENDENCY)", () => {
    writeFileSync(
      join(dir, "missing.mjs"),
      `
      import { readFileSync } from "node:fs";
      import { GaussianMixture } from "gaussmix";
      import { loadSparkModel, writeSparkModel } from "gaussmix/spark/node";
      const m = await new GaussianMixture({ nComponents: 1 }).fit([[0], [1], [2]]);
      const code = (e) => ({ code: e.code, message: e.message });
      console.log(JSON.stringify({
        read: await loadSparkModel(${JSON.stringify(fixture)}).then(() => "read", code),
        write: await writeSparkModel(m).then(() => "written", code),
      }));`,
    );
    const out = JSON.parse(execFileSync(process.execPath, [join(dir, "missing.mjs")], { cwd: dir, encoding: "utf8" }));
    expect(out.read).toEqual({ code: "MISSING_DEPENDENCY", message: expect.stringMatching(/npm install hyparquet\b/) });
    expect(out.write).toEqual({
      code: "MISSING_DEPENDENCY",
      message: expect.stringMatching(/npm install hyparquet-writer/),
    });
  });

  it("types compile without the optional packages (node16, bundler): a model of gaussmix goes in and comes out of the Spark functions", () => {
    writeFileSync(
      join(dir, "use.mts"),
      `
      import { GaussianMixture, type FittedGaussianMixture } from "gaussmix";
      import { readSparkModel, writeSparkModel, type SparkModelFiles } from "gaussmix/spark";
      import { loadSparkModel, saveSparkModel } from "gaussmix/spark/node";
      async function f(files: SparkModelFiles): Promise<FittedGaussianMixture> {
        const m = await new GaussianMixture({ nComponents: 2 }).fit([[1], [2], [3]]);
        const out: Record<string, Uint8Array> = await writeSparkModel(m, { uid: "x" });
        await saveSparkModel(m, "dir", { overwrite: true });
        void out;
        const a: FittedGaussianMixture = await loadSparkModel("dir");
        void a;
        return readSparkModel(files);
      }
      void f;`,
    );
    const common = {
      strict: true,
      noEmit: true,
      skipLibCheck: false, // our declarations are checked too, and must not need hyparquet
      types: ["node"],
      typeRoots: [join(root, "node_modules", "@types")],
      lib: ["es2022", "dom"],
    };
    const configs = {
      "tsconfig.spark-node16.json": {
        compilerOptions: { ...common, module: "node16", moduleResolution: "node16" },
        files: ["use.mts"],
      },
      "tsconfig.spark-bundler.json": {
        compilerOptions: { ...common, module: "esnext", moduleResolution: "bundler" },
        files: ["use.mts"],
      },
    };
    for (const [name, config] of Object.entries(configs)) {
      writeFileSync(join(dir, name), JSON.stringify(config));
      execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(dir, name)], {
        encoding: "utf8",
      });
    }
  });
});

describe("the published Spark entries, with hyparquet and hyparquet-writer installed", () => {
  beforeAll(() => {
    // The peers are in the npm cache (they are the repository's own devDependencies).
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const peers = Object.entries(pkg.peerDependencies as Record<string, string>).map(([n, v]) => `${n}@${v}`);
    execFileSync("npm", ["install", ...peers, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
      cwd: dir,
      stdio: "ignore",
    });
  }, 180_000);

  it("gaussmix/spark/node loads and saves directories, with the default entry's classes", async () => {
    writeFileSync(
      join(dir, "node.mjs"),
      `
      import { readFileSync } from "node:fs";
      import { FittedGaussianMixture, GaussianMixture } from "gaussmix";
      import { loadSparkModel, saveSparkModel } from "gaussmix/spark/node";
      const Y = JSON.parse(readFileSync("y.json", "utf8"));
      const m = await loadSparkModel(${JSON.stringify(fixture)});
      const fitted = await new GaussianMixture({ nComponents: 2, covarianceType: "diag", randomState: 0 }).fit(Y);
      await saveSparkModel(fitted, "saved");
      const back = await loadSparkModel("saved");
      console.log(JSON.stringify({ same: m instanceof FittedGaussianMixture, json: m.toJSON(), score: Array.from(m.scoreSamples(Y)),
        roundTrip: Math.max(...back.scoreSamples(Y).map((v, i) => Math.abs(v - fitted.scoreSamples(Y)[i]) / Math.abs(v))) }));`,
    );
    const out = JSON.parse(execFileSync(process.execPath, [join(dir, "node.mjs")], { cwd: dir, encoding: "utf8" }));
    expect(out.same).toBe(true);
    expect({ json: out.json, score: out.score }).toEqual(await inRepo());
    expect(out.roundTrip).toBeLessThan(1e-12);
  });

  it("gaussmix/spark bundles for browsers without Node built-ins, with the Parquet code in chunks of its own", async () => {
    writeFileSync(
      join(dir, "app.mjs"),
      `
      import { readSparkModel } from "gaussmix/spark";
      export async function run(files, Y) {
        const m = await readSparkModel(files);
        return { json: m.toJSON(), score: Array.from(m.scoreSamples(Y)) };
      }`,
    );
    // platform "browser" fails on any import of a Node built-in.
    const { metafile } = await build({
      entryPoints: [join(dir, "app.mjs")],
      outdir: join(dir, "bundle"),
      bundle: true,
      splitting: true,
      platform: "browser",
      format: "esm",
      minify: true,
      metafile: true,
      absWorkingDir: dir,
      logLevel: "silent",
    });
    const outputs = Object.entries(metafile.outputs);
    const entry = outputs.find(([, o]) => o.entryPoint)!;
    // The entry chunk holds the library, not the Parquet reader (that is a chunk loaded on first use).
    expect(Object.keys(entry[1].inputs).some((f) => f.includes("node_modules/hyparquet/"))).toBe(false);
    expect(outputs.some(([, o]) => Object.keys(o.inputs).some((f) => f.includes("node_modules/hyparquet/")))).toBe(
      true,
    );
    const { run } = (await import(join(dir, entry[0]))) as {
      run(files: unknown, Y: number[][]): Promise<unknown>;
    };
    const files = {
      metadata: readFileSync(join(fixture, "metadata", "part-00000"), "utf8"),
      data: [
        readFileSync(join(fixture, "data", "part-00000-8d2f6a4e-1c3b-4f7a-9e52-2b0c6d1a7f30-c000.snappy.parquet")),
      ],
    };
    expect(JSON.parse(JSON.stringify(await run(files, Y)))).toEqual(await inRepo());
  });
});
