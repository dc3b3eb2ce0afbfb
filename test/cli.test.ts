// The built command line, end to end on files in a temporary folder.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "cli", "dist", "cli.js");
const example = join(root, "examples", "three-gaussians.csv");
let dir: string;

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", input, cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  // Built when missing or older than its source (`npm test` builds it first).
  const source = join(root, "cli", "src", "cli.ts");
  if (!existsSync(cli) || statSync(cli).mtimeMs < statSync(source).mtimeMs) {
    execFileSync("npm", ["run", "build:cli"], { cwd: root, stdio: "ignore" });
  }
  dir = mkdtempSync(join(tmpdir(), "gaussmix-cli-"));
});

describe("gaussmix fit", () => {
  it("selects 3 full components on the example and writes the model", () => {
    const r = run(["fit", example, "--components", "1..4", "--out", "model.json"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/chosen: 3 components, covariance "full"/);
    expect(r.out).toMatch(/converged: yes/);
    expect(r.out).toMatch(/16 fits in [\d.]+ ms/);
    const model = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    expect(model).toMatchObject({ format: "gaussmix-model", nComponents: 3, covarianceType: "full" });
  });

  it("--json prints the table and the model", () => {
    const r = run(["fit", example, "--components", "2,3", "--covariance", "full,diag", "--criterion", "aic", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.table).toHaveLength(4);
    expect(doc.columns).toEqual(["x", "y"]);
    expect(doc.model.nComponents).toBe(3);
  });

  it("reads stdin with - and selects columns", () => {
    const text = readFileSync(example, "utf8");
    const r = run(["fit", "-", "--columns", "y", "--components", "1..3", "--covariance", "full", "--json"], text);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).model.nFeatures).toBe(1);
  });
});

describe("predict, score and sample with a model file", () => {
  beforeAll(() => {
    expect(run(["fit", example, "--components", "3", "--covariance", "full", "--out", "m.json"]).code).toBe(0);
  });
  it("predict writes one label per row; --proba rows sum to 1", () => {
    const labels = run(["predict", "m.json", example]);
    expect(labels.code).toBe(0);
    const lines = labels.out.trim().split("\n");
    expect(lines[0]).toBe("label");
    expect(lines).toHaveLength(3001);
    const proba = run(["predict", "m.json", example, "--proba"]).out.trim().split("\n");
    expect(proba[0]).toBe("p0,p1,p2");
    for (const l of proba.slice(1, 50))
      expect(
        l
          .split(",")
          .map(Number)
          .reduce((a, b) => a + b, 0),
      ).toBeCloseTo(1, 12);
  });
  it("score prints the mean log-likelihood, --per-sample one per row", () => {
    const r = run(["score", "m.json", example]);
    expect(r.code).toBe(0);
    const mean = Number(r.out);
    const per = run(["score", "m.json", example, "--per-sample"]).out.trim().split("\n").slice(1).map(Number);
    expect(per.reduce((a, b) => a + b, 0) / per.length).toBeCloseTo(mean, 10);
  });
  it("sample writes n rows with a label column", () => {
    const r = run(["sample", "m.json", "-n", "500", "--seed", "3"]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toBe("x0,x1,label");
    expect(lines).toHaveLength(501);
    expect(run(["sample", "m.json", "-n", "500", "--seed", "3"]).out).toBe(r.out);
  });
});

describe("bad input: line and column, exit code 2, nothing written", () => {
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return name;
  };
  it("ragged rows", () => {
    const r = run(["fit", file("ragged.csv", "x,y\n1,2\n3\n4,5\n")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ragged.csv: line 3: rows have different numbers of columns/);
  });
  it("a non-numeric cell", () => {
    const r = run(["fit", file("text.csv", "x,y\n1,2\n3,abc\n")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/text.csv: line 3, column 2 \(y\): "abc" is not a finite number/);
  });
  it("an empty file", () => {
    const r = run(["fit", file("empty.csv", "")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/empty.csv: the file is empty/);
  });
  it("a missing file, an unknown column, an unknown flag, a bad model file", () => {
    expect(run(["fit", "nope.csv"]).err).toMatch(/nope.csv: cannot read the file/);
    expect(run(["fit", example, "--columns", "z"]).err).toMatch(/no column "z" \(columns: x, y, label\)/);
    const flag = run(["fit", example, "--colour"]);
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/unknown option '--colour'/);
    const bad = run(["predict", file("bad.json", "{}"), example]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/INVALID_MODEL_JSON/);
  });
  it("--out is untouched when the fit fails", () => {
    writeFileSync(join(dir, "keep.json"), "previous");
    const r = run([
      "fit",
      file("same.csv", "x\n1\n1\n1\n1\n"),
      "--components",
      "2",
      "--covariance",
      "full",
      "--reg-covar",
      "0",
      "--out",
      "keep.json",
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ILL_DEFINED_COVARIANCE/);
    expect(readFileSync(join(dir, "keep.json"), "utf8")).toBe("previous");
  });
});
