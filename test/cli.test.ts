// The built command line, end to end on files in a temporary folder (R's iris and faithful as R writes them:
// examples/make-r-examples.R).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FittedGaussianMixture, selectModel } from "../src/index.js";
import { ensureCliBuilt } from "./helpers/cli.js";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "cli", "dist", "cli.js");
const example = join(root, "examples", "three-gaussians.csv");
/** The example's x and y columns, parsed here (not by the library's reader). */
const exampleXY = () =>
  readFileSync(example, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").slice(0, 2).map(Number));
const iris = join(root, "examples", "iris.csv");
const faithful = join(root, "examples", "faithful.csv");
let dir: string;

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: "utf8",
    input,
    cwd: dir,
    maxBuffer: 1 << 30,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};
const csvRows = (text: string) =>
  text
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(","));
/** R's write.csv output read by hand: quoted header, row names first, then the numeric cells. */
const rFile = (path: string) => {
  const lines = readFileSync(path, "utf8").trim().split("\n");
  const names = lines[0].split(",").map((s) => s.replace(/"/g, ""));
  return { names, rows: lines.slice(1).map((l) => l.split(",")) };
};

beforeAll(() => {
  ensureCliBuilt();
  dir = mkdtempSync(join(tmpdir(), "gaussmix-cli-"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("gaussmix fit", () => {
  it("selects 3 full components on the example and writes the model", () => {
    const r = run(["fit", example, "--components", "1..4", "--out", "model.json"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/chosen: 3 components, covariance "full"/);
    expect(r.out).toMatch(/converged: yes/);
    expect(r.out).toMatch(/16 fits in [\d.]+ ms/);
    // The class label column is not a feature by default, and that is said.
    expect(r.err).toMatch(/left out column 3 \(label\): a class label, not a feature \(--columns to use it\)/);
    const text = readFileSync(join(dir, "model.json"), "utf8");
    // Readable: one key per line, a component's mean or a covariance row per line.
    expect(text).toMatch(/^ {2}"featureNames": \["x","y"\],$/m);
    expect(text).toMatch(/^ {2}"means": \[\n {4}\[-?\d+\.\d+,-?\d+\.\d+\],\n/m);
    expect(text.split("\n").length).toBeGreaterThan(20);
    const model = JSON.parse(text);
    expect(model).toMatchObject({ format: "gaussmix-model", version: 2, nComponents: 3, covarianceType: "full" });
    expect(model.featureNames).toEqual(["x", "y"]);
    // What the library writes, plus the names: the same model back.
    const back = FittedGaussianMixture.fromJSON(model);
    expect(back.toJSON()).toEqual(model);
    expect(back.featureNames).toEqual(["x", "y"]);
  });

  it("--json prints the table and the model", () => {
    const r = run(["fit", example, "--components", "2,3", "--covariance", "full,diag", "--criterion", "aic", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.table).toHaveLength(4);
    expect(doc.columns).toEqual(["x", "y"]);
    expect(doc.model.nComponents).toBe(3);
    expect(doc.model.featureNames).toEqual(["x", "y"]);
  });

  it("reads stdin with - and selects columns", () => {
    const text = readFileSync(example, "utf8");
    const r = run(["fit", "-", "--columns", "y", "--components", "1..3", "--covariance", "full", "--json"], text);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).model.nFeatures).toBe(1);
    expect(JSON.parse(r.out).model.featureNames).toEqual(["y"]);
  });

  it("without --init and --tol, selects as the library's selectModel does with its defaults (the default search, tol 1e-5)", async () => {
    const r = run(["fit", example, "--components", "1..4", "--json"]);
    expect(r.code).toBe(0);
    const xy = exampleXY();
    const lib = await selectModel(xy, { nComponents: [1, 2, 3, 4] });
    const doc = JSON.parse(r.out);
    const cell = (t: { nComponents: number; covarianceType: string }) => `${t.nComponents}:${t.covarianceType}`;
    const ours = new Map(lib.table.map((t) => [cell(t), t.logLikelihood]));
    expect(doc.table).toHaveLength(16);
    for (const t of doc.table) expect(t.logLikelihood).toBe(ours.get(cell(t)));
    expect(doc.model.means).toEqual(lib.best.toJSON().means);
  });

  it("passes --init, --n-init, --seed, --threads and --tol to the library: the same model as selectModel's", async () => {
    const args = ["--components", "2,3", "--covariance", "diag,full", "--seed", "7", "--tol", "1e-4"];
    const r = run(["fit", example, ...args, "--init", "random_from_data", "--n-init", "3", "--threads", "2", "--json"]);
    expect(r.code).toBe(0);
    const xy = exampleXY();
    const lib = await selectModel(xy, {
      nComponents: [2, 3],
      covarianceTypes: ["diag", "full"],
      randomState: 7,
      tol: 1e-4,
      initParams: "random_from_data",
      nInit: 3,
    });
    const doc = JSON.parse(r.out);
    expect(doc.model.means).toEqual(lib.best.toJSON().means);
    expect(doc.table.map((t: { nIter: number }) => t.nIter)).toEqual(lib.table.map((t) => t.nIter));
    // The same fit with another initialisation differs: the option is not ignored.
    const kmeans = JSON.parse(run(["fit", example, ...args, "--json"]).out);
    expect(kmeans.table.map((t: { logLikelihood: number }) => t.logLikelihood)).not.toEqual(
      doc.table.map((t: { logLikelihood: number }) => t.logLikelihood),
    );
    const bad = run(["fit", example, "--init", "spectral"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/INVALID_OPTION: .*initParams.*"spectral"/);
  });

  it("prints each covariance type in its own shape (no doubled brackets)", () => {
    const diag = run(["fit", example, "--components", "3", "--covariance", "diag"]);
    expect(diag.out).toMatch(/\n {4}variances \[-?\d+\.\d{4}, -?\d+\.\d{4}\]\n/);
    const spherical = run(["fit", example, "--components", "3", "--covariance", "spherical"]);
    expect(spherical.out).toMatch(/\n {4}variance \d+\.\d{4}\n/);
    for (const r of [diag, spherical]) expect(r.out).not.toMatch(/\[\[/);
    const full = run(["fit", example, "--components", "2", "--covariance", "full"]);
    expect(full.out).toMatch(/covariance \[\[\S+, \S+\], \[\S+, \S+\]\]/);
    const tied = run(["fit", example, "--components", "2", "--covariance", "tied"]);
    expect(tied.out.match(/tied covariance \[\[\S+, \S+\], \[\S+, \S+\]\]/g)).toHaveLength(1);
  });
});

describe("R's iris and faithful (write.csv): row names and text columns", () => {
  it("iris: the row-name and Species columns are skipped with one notice; 4 features by name", () => {
    const r = run(["fit", iris, "--components", "1..3", "--covariance", "full", "--json"]);
    expect(r.code).toBe(0);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(
      /iris.csv: skipped column 1 \(no name: row names\), column 6 \(Species, text such as "setosa"\); --columns or --exclude to choose/,
    );
    const doc = JSON.parse(r.out);
    expect(doc.columns).toEqual(["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"]);
    expect(doc.nSamples).toBe(150);
    // --exclude names the columns to drop: nothing left to report.
    const ex = run(["fit", iris, "--exclude", "1,Species", "--components", "2", "--covariance", "diag", "--json"]);
    expect(ex.code).toBe(0);
    expect(ex.err).toBe("");
    expect(JSON.parse(ex.out).columns).toEqual(doc.columns);
  });

  it("faithful: the numbers read are the file's (against a plain copy written here)", () => {
    const { names, rows } = rFile(faithful);
    expect(names).toEqual(["", "eruptions", "waiting"]);
    const plain = file(
      "faithful-plain.csv",
      `eruptions,waiting\n${rows.map((r) => r.slice(1).join(",")).join("\n")}\n`,
    );
    const a = run(["fit", faithful, "--components", "2", "--covariance", "full", "--json"]);
    const b = run(["fit", plain, "--components", "2", "--covariance", "full", "--json"]);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.out).nSamples).toBe(272);
    expect(JSON.parse(a.out).model).toEqual(JSON.parse(b.out).model);
  });

  it("the files read give R's mclust's maximum likelihood (VVV: faithful k = 2, iris k = 3)", () => {
    // Rscript: library(mclust); Mclust(faithful, G = 2, modelNames = "VVV")$loglik (and iris[, 1:4], G = 3),
    // mclust 6.0. A value read wrong, or a column too many, would move the optimum far more than this. The
    // initialisation is pinned to k-means, which reaches mclust's optimum on both (the default search ends at
    // another one on iris, k = 3: −186.57; the quality benchmark counts such cells).
    for (const [path, k, loglik] of [
      [faithful, "2", -1130.264068],
      [iris, "3", -180.185839],
    ] as const) {
      const r = run([
        "fit",
        path,
        "--components",
        k,
        "--covariance",
        "full",
        "--tol",
        "1e-8",
        "--reg-covar",
        "0",
        "--init",
        "kmeans",
        "--json",
      ]);
      expect(r.code).toBe(0);
      expect(Math.abs(JSON.parse(r.out).table[0].logLikelihood - loglik)).toBeLessThan(1e-3);
    }
  });

  it("column numbers are 1-based in --columns and in messages alike", () => {
    // The message names column 3 (Sepal.Width) ...
    const broken = readFileSync(iris, "utf8").replace('"7",4.6,3.4,', '"7",4.6,abc,');
    const r = run(["fit", file("iris-broken.csv", broken)]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/iris-broken.csv: line 8, column 3 \(Sepal.Width\): "abc" is not a decimal number/);
    // ... and --columns 3 is that column.
    const three = run(["fit", iris, "--columns", "3", "--components", "1", "--json"]);
    expect(JSON.parse(three.out).columns).toEqual(["Sepal.Width"]);
    const out = run(["fit", iris, "--columns", "7"]);
    expect(out.code).toBe(2);
    expect(out.err).toMatch(/--columns 7: the file has 6 columns, numbered 1 to 6/);
    expect(run(["fit", iris, "--columns", "Species"]).err).toMatch(
      /line 2, column 6 \(Species\): "setosa" is not a decimal number/,
    );
  });
});

describe("predict, score and sample with a model file", () => {
  beforeAll(() => {
    expect(run(["fit", example, "--components", "3", "--covariance", "full", "--out", "m.json"]).code).toBe(0);
    expect(run(["fit", iris, "--components", "3", "--covariance", "diag", "--out", "iris.json"]).code).toBe(0);
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
  it("sample writes n rows under the model's column names, the same for the same seed", () => {
    const r = run(["sample", "m.json", "-n", "500", "--seed", "3"]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toBe("x,y,label");
    expect(lines).toHaveLength(501);
    expect(run(["sample", "m.json", "-n", "500", "--seed", "3"]).out).toBe(r.out);
    // A seed the library refuses: no output at all.
    const refused = run(["sample", "m.json", "-n", "5", "--seed", "-1"]);
    expect(refused.code).toBe(2);
    expect(refused.out).toBe("");
    expect(refused.err).toMatch(/INVALID_OPTION: randomState must be an integer seed, got -1/);
    // Exactly the library's draws.
    const { X, labels } = FittedGaussianMixture.fromJSON(readFileSync(join(dir, "m.json"), "utf8")).sample(500, {
      randomState: 3,
    });
    expect(lines[1]).toBe(`${X.data[0]},${X.data[1]},${labels[0]}`);
    expect(lines[500]).toBe(`${X.data[998]},${X.data[999]},${labels[499]}`);
    expect(run(["sample", "iris.json", "-n", "1"]).out.split("\n")[0]).toBe(
      "Sepal.Length,Sepal.Width,Petal.Length,Petal.Width,label",
    );
  });
  it("columns are found by name in any order: a reordered iris gets the same labels and scores", () => {
    const { names, rows } = rFile(iris);
    const order = [4, 2, 5, 3, 1]; // Petal.Width, Sepal.Width, Species, Petal.Length, Sepal.Length
    const text = `${order.map((j) => names[j]).join(",")}\n${rows.map((r) => order.map((j) => r[j]).join(",")).join("\n")}\n`;
    const reordered = file("iris-reordered.csv", text);
    const a = run(["predict", "iris.json", iris]);
    const b = run(["predict", "iris.json", reordered]);
    expect(b.code).toBe(0);
    expect(b.out).toBe(a.out);
    expect(new Set(csvRows(a.out).map((r) => r[0])).size).toBe(3);
    expect(run(["score", "iris.json", reordered, "--per-sample"]).out).toBe(
      run(["score", "iris.json", iris, "--per-sample"]).out,
    );
    // A column of the model missing from the file: said, with what to do.
    const missing = file("iris-missing.csv", text.replace("Sepal.Width", "SepalWidth"));
    const m = run(["predict", "iris.json", missing]);
    expect(m.code).toBe(2);
    expect(m.err).toMatch(
      /iris-missing.csv: the model's feature "Sepal.Width" is not a column of the file \(columns: Petal.Width, SepalWidth, Species, Petal.Length, Sepal.Length\); rename the column, or choose columns by position with --columns/,
    );
    // A bad cell among the first rows is reported where it is, also when columns are found by name.
    const bad = run([
      "predict",
      "iris.json",
      file("iris-hex.csv", text.replace(/\n[^\n]*/, "\n0x10,3.5,setosa,1.4,5.1")),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /^gaussmix: iris-hex.csv: line 2, column 1 \(Petal.Width\): "0x10" is not a decimal number/,
    );
    // --columns overrides the names (by position in the file).
    const byPosition = run(["predict", "iris.json", missing, "--columns", "5,2,4,1"]);
    expect(byPosition.out).toBe(a.out);
  });
  it("a version 1 model file (gaussmix 0.1) still predicts, by position", () => {
    const v1 = JSON.parse(readFileSync(join(root, "test", "fixtures", "model-v1", "models.json"), "utf8"));
    file("v1.json", JSON.stringify(v1.models.full));
    const data = file("v1.csv", v1.X.map((r: number[]) => r.join(",")).join("\n"));
    const r = run(["predict", "v1.json", data]);
    expect(r.code).toBe(0);
    const want = FittedGaussianMixture.fromJSON(v1.models.full).predict(v1.X);
    expect(r.out).toBe(`label\n${Array.from(want).join("\n")}\n`);
  });
  it("a model without feature names (the library's own toJSON) reads columns by position", () => {
    const { featureNames: _, ...doc } = JSON.parse(readFileSync(join(dir, "m.json"), "utf8"));
    file("anonymous.json", JSON.stringify(doc));
    expect(run(["predict", "anonymous.json", example]).out).toBe(run(["predict", "m.json", example]).out);
    expect(run(["sample", "anonymous.json", "-n", "2"]).out.split("\n")[0]).toBe("x0,x1,label");
    const wrong = run(["predict", "anonymous.json", iris]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/the model has 2 features, but 4 numeric columns were read .*choose 2 with --columns/);
  });
});

describe("reading: decimal numbers only, delimiters, byte order mark, line ends", () => {
  it("0x10 and other spellings Number() accepts are errors with line and column", () => {
    for (const [cell, why] of [
      ["0x10", /"0x10" is not a decimal number \(hexadecimal, octal and binary are not read\)/],
      ["0b101", /"0b101" is not a decimal number/],
      ["Infinity", /"Infinity" is not a finite number/],
      ["1,5", /"1,5" is not a decimal number: write the decimal separator as a point \(1.5, not 1,5\)/],
    ] as const) {
      const text = cell === "1,5" ? "x;y\n1;2\n1,5;3\n" : `x,y\n1,2\n${cell},3\n`;
      const r = run(["fit", file("spelling.csv", text), "--components", "1"]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^gaussmix: spelling.csv: line 3, column 1 \(x\): /);
      expect(r.err).toMatch(why);
      expect(r.err.trim().split("\n")).toHaveLength(1);
    }
  });
  it("comma, semicolon with CRLF and a byte order mark, and tab files give the same model", () => {
    const rows = readFileSync(example, "utf8").trim().split("\n");
    const comma = file("comma.csv", `${rows.join("\n")}\n`);
    const semi = file("semi.csv", `\ufeff${rows.map((l) => l.replace(/,/g, ";")).join("\r\n")}\r\n`);
    const tab = file("tab.tsv", rows.map((l) => l.replace(/,/g, "\t")).join("\n"));
    const fit = (f: string, ...more: string[]) =>
      run(["fit", f, "--components", "3", "--covariance", "full", "--json", ...more]);
    const want = JSON.parse(fit(comma).out).model;
    expect(JSON.parse(fit(semi).out).model).toEqual(want);
    expect(JSON.parse(fit(tab).out).model).toEqual(want);
    expect(JSON.parse(fit(semi, "--delimiter", ";").out).model).toEqual(want);
    expect(JSON.parse(fit(tab, "--delimiter", "tab").out).model).toEqual(want);
    // The wrong delimiter: one column of text, said so.
    const wrong = fit(semi, "--delimiter", ",");
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/semi.csv: line 2: no numeric columns to read/);
    const unknown = fit(comma, "--delimiter", "|");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--delimiter.*expected ",", ";" or tab/);
  });
  it("the command line no longer depends on csv-parse", () => {
    const pkg = JSON.parse(readFileSync(join(root, "cli", "package.json"), "utf8"));
    expect(Object.keys(pkg.dependencies)).not.toContain("csv-parse");
    expect(readFileSync(cli, "utf8")).not.toMatch(/csv-parse/);
  });
});

describe("--components: bounded, and cells with more components than samples left out", () => {
  it("refuses a huge range or k at once (exit 2, one line)", () => {
    for (const [value, message] of [
      ["1..1000000000", /at most 10000 components \(got 1000000000\)/],
      ["5..2000", /at most 1000 values of k in one selection \(got 1996\)/],
      ["3,0", /expected a range like 1..8 or a list like 1,2,5 of positive integers/],
    ] as const) {
      const t0 = performance.now();
      const r = run(["fit", example, "--components", value]);
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.out).toBe("");
    }
  });
  it("k > nSamples: left out with one line; all of them: an error", () => {
    const four = file("four.csv", "x,y\n1,2\n2,1\n3,5\n4,4\n");
    const r = run(["fit", four, "--components", "1..6", "--covariance", "spherical"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nk = 5, 6 left out: more components than the 4 samples\n/);
    expect(r.out).not.toMatch(/NaN/);
    expect(r.out.match(/^[ *] \d +spherical/gm)).toHaveLength(4);
    const none = run(["fit", four, "--components", "5,6"]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/--components 5,6: more components than the 4 samples of four.csv; choose k ≤ 4/);
  });
});

describe("--out: checked before the fit, never a temporary file left", () => {
  it("a missing folder, a folder, a file as folder: exit 2 with one line, before any fit", () => {
    mkdirSync(join(dir, "outdir"), { recursive: true });
    const before = readdirSync(dir).sort();
    for (const [out, message] of [
      ["missing/model.json", /--out missing\/model.json: the folder .*missing does not exist; create it first/],
      ["outdir", /--out outdir: is a directory; give a file name, e.g. outdir\/model.json/],
      ["four.csv/model.json", /four.csv is a file, not a folder/],
    ] as const) {
      // A grid that takes seconds to fit: the check comes first.
      const t0 = performance.now();
      const r = run(["fit", example, "--components", "1..40", "--out", out]);
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).not.toMatch(/unexpected|at /);
      expect(r.out).toBe("");
    }
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readdirSync(join(dir, "outdir"))).toEqual([]);
  });
  it.skipIf(process.getuid?.() === 0)("a read-only folder", () => {
    const ro = join(dir, "ro");
    mkdirSync(ro, { mode: 0o555 });
    const r = run(["fit", example, "--components", "1", "--out", "ro/model.json"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out ro\/model.json: cannot write in the folder/);
  });
  it("a successful write leaves the model only", () => {
    mkdirSync(join(dir, "clean"));
    expect(run(["fit", example, "--components", "2", "--out", "clean/m.json"]).code).toBe(0);
    expect(readdirSync(join(dir, "clean"))).toEqual(["m.json"]);
  });
});

describe("sample streams its rows", () => {
  it("more rows than one block: the first block is the library's draw, the count exact", () => {
    const r = run(["sample", "m.json", "-n", "1000003", "--seed", "5"]);
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines).toHaveLength(1000003 + 2); // header + rows + the empty string after the last line break
    const { X, labels } = FittedGaussianMixture.fromJSON(readFileSync(join(dir, "m.json"), "utf8")).sample(1000000, {
      randomState: 5,
    });
    expect(lines[1000000]).toBe(`${X.data[1999998]},${X.data[1999999]},${labels[999999]}`);
    expect(lines[1000001]).not.toBe(lines[1]);
  });
  it("a reader that stops early (| head) ends the command quietly", () => {
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${cli}" sample m.json -n 3000000 | head -n 2`], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.stdout.split("\n")[0]).toBe("x,y,label");
    expect(r.stderr).toBe("");
  });
});

describe("help, version and bad input: exit code 2, one line, nothing written", () => {
  it("--version and sample's required -n", () => {
    const pkg = JSON.parse(readFileSync(join(root, "cli", "package.json"), "utf8"));
    const v = run(["--version"]);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(new RegExp(`^${pkg.version.replace(/\./g, "\\.")} \\(gaussmix \\d+\\.\\d+\\.\\d+\\)\n$`));
    expect(run(["sample", "--help"]).out).toMatch(/-n, --n <count> +number of samples \(required\)/);
    const none = run(["sample", "m.json"]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/required option '-n, --n <count>' not specified/);
  });
  it("ragged rows", () => {
    const r = run(["fit", file("ragged.csv", "x,y\n1,2\n3\n4,5\n")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ragged.csv: line 3: 1 field, but line 1 has 2; every row needs the same number of columns/);
  });
  it("a non-numeric cell", () => {
    const r = run(["fit", file("text.csv", "x,y\n1,2\n3,abc\n")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/text.csv: line 3, column 2 \(y\): "abc" is not a decimal number/);
  });
  it("an empty file", () => {
    const r = run(["fit", file("empty.csv", "")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/empty.csv: the file is empty/);
  });
  it("a missing file, an unknown column, an unknown flag, a bad model file", () => {
    expect(run(["fit", "nope.csv"]).err).toMatch(/^gaussmix: nope.csv: cannot read the file \(no such file\)\n$/);
    expect(run(["fit", example, "--columns", "z"]).err).toMatch(
      /--columns "z" is not a column of the file \(columns: x, y, label\)/,
    );
    expect(run(["fit", example, "--exclude", "z"]).err).toMatch(/--exclude "z" is not a column of the file/);
    const flag = run(["fit", example, "--colour"]);
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/unknown option '--colour'/);
    const bad = run(["predict", file("bad.json", "{}"), example]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/bad.json: not a model written by gaussmix fit \(fromJSON: format must be/);
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
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });
});
