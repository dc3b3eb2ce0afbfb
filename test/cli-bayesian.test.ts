// `gaussmix fit --bayesian`, end to end: the library's BayesianGaussianMixture with the command line's options,
// its effective number of components, and its model file used by predict, score and sample.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BayesianGaussianMixture, FittedBayesianGaussianMixture } from "../src/index.js";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "cli", "dist", "cli.js");
const example = join(root, "examples", "three-gaussians.csv");
const iris = join(root, "examples", "iris.csv");
let dir: string;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: dir, maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** iris's four measurements, read here by hand (R's write.csv: row names first, Species last). */
const irisRows = () =>
  readFileSync(iris, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").slice(1, 5).map(Number));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gaussmix-cli-bayes-"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("gaussmix fit --bayesian", () => {
  it("fits the library's BayesianGaussianMixture with the options given and counts the components it uses", async () => {
    const args = ["--components", "1..6", "--covariance", "diag", "--seed", "3", "--max-iter", "400"];
    const r = run(["fit", iris, "--bayesian", ...args, "--out", "b.json", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    const lib = await new BayesianGaussianMixture({
      nComponents: 6,
      covarianceType: "diag",
      randomState: 3,
      maxIter: 400,
    }).fit(irisRows());
    expect(doc.model.posterior).toEqual(lib.toJSON().posterior);
    const used = lib.weights.filter((w) => w >= 0.01).length;
    expect(doc.effectiveComponents).toBe(used);
    expect(used).toBeLessThan(6); // the prior empties some of the six components on iris
    const text = run(["fit", iris, "--bayesian", ...args]).out;
    expect(text).toMatch(new RegExp(`effective components: ${used} of 6 \\(weight ≥ 0.01\\)`));
    // The model file: the library's Bayesian document with the column names.
    const file = JSON.parse(readFileSync(join(dir, "b.json"), "utf8"));
    expect(file.featureNames).toEqual(["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"]);
    const back = FittedBayesianGaussianMixture.fromJSON(file);
    const labels = run(["predict", "b.json", iris]).out.trim().split("\n").slice(1).map(Number);
    expect(labels).toEqual(Array.from(back.predict(irisRows())));
    expect(Number(run(["score", "b.json", iris]).out)).toBe(back.score(irisRows()));
    expect(run(["sample", "b.json", "-n", "3"]).out.split("\n")[0]).toBe(
      "Sepal.Length,Sepal.Width,Petal.Length,Petal.Width,label",
    );
  });

  it("fits one covariance type (full unless one is given)", () => {
    const r = run(["fit", example, "--bayesian", "--components", "4", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).model.covarianceType).toBe("full");
    const two = run(["fit", example, "--bayesian", "--covariance", "full,diag"]);
    expect(two.code).toBe(2);
    expect(two.err).toMatch(/--bayesian fits one covariance type; got --covariance full,diag: give one/);
  });
});
