// `gaussmix fit --stream`, end to end on the built command line: the file is read once per EM pass, one chunk at a
// time, by the library's fitStream. Its first parameters are an in-memory fit of a reservoir sample of the file
// (the whole file when it has at most --sample-size rows), then EM runs over the stream. The reference here is
// independent of the stream: the in-memory `gaussmix fit` of the same file, continued by EM in memory
// (model.statistics on the whole array, read here by hand, then model.step) with the same tol and maxIter.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FittedGaussianMixture } from "../src/index.js";
import { ensureCliBuilt } from "./helpers/cli.js";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "cli", "dist", "cli.js");
const example = join(root, "examples", "three-gaussians.csv");
let dir: string;

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", input, cwd: dir, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};
/** The numbers of a CSV file's columns, read by hand (comma-separated, a header, no quotes). */
function readColumns(path: string, names: string[], delimiter = ","): { data: Float64Array; shape: [number, number] } {
  const lines = readFileSync(path, "utf8").trim().split("\n");
  const header = lines[0].split(delimiter);
  const at = names.map((n) => header.indexOf(n));
  const rows = lines.slice(1).map((l) => l.split(delimiter));
  const data = new Float64Array(rows.length * names.length);
  rows.forEach((r, i) => at.forEach((j, c) => (data[i * names.length + c] = Number(r[j]))));
  return { data, shape: [rows.length, names.length] };
}

/** The in-memory model of `gaussmix fit` continued by EM in memory, with the stream's loop and convergence test. */
function continued(doc: object, X: { data: Float64Array; shape: [number, number] }, tol: number, maxIter: number) {
  let m: FittedGaussianMixture = FittedGaussianMixture.fromJSON(doc as never);
  let lb = -Infinity;
  let nIter = 0;
  let converged = false;
  for (let iter = 1; iter <= maxIter; iter++) {
    const stats = m.statistics(X);
    const prev = lb;
    lb = stats.meanLogLikelihood;
    m = m.step(stats);
    nIter = iter;
    if (Math.abs(lb - prev) < tol) {
      converged = true;
      break;
    }
  }
  return { m, lb, nIter, converged };
}

const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function expectClose(a: unknown, b: unknown, tol: number) {
  const [x, y] = [flat(a), flat(b)];
  expect(x.length).toBe(y.length);
  const worst = Math.max(...x.map((v, i) => Math.abs(v - y[i]) / Math.max(1, Math.abs(y[i]))));
  expect(worst).toBeLessThan(tol);
}

beforeAll(() => {
  ensureCliBuilt();
  dir = mkdtempSync(join(tmpdir(), "gaussmix-cli-stream-"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("gaussmix fit --stream equals the in-memory fit continued by EM in memory", () => {
  const X = () => readColumns(example, ["x", "y"]);
  for (const type of ["full", "tied", "diag", "spherical"]) {
    it(`${type}: 3,000 rows in chunks of 64 rows (which do not divide them)`, () => {
      // The in-memory `fit` is a selection and the stream's first fit a single fit: their default searches and
      // tolerances differ, so both are given the same --init and --tol.
      const common = ["--components", "3", "--covariance", type, "--init", "kmeans", "--tol", "1e-3"];
      const mem = run(["fit", example, ...common, "--out", `mem-${type}.json`]);
      expect(mem.code, mem.err).toBe(0);
      const s = run(["fit", example, "--stream", ...common, "--chunk-size", "64", "--out", `stream-${type}.json`]);
      expect(s.code, s.err).toBe(0);
      // The label column is left out as in the in-memory fit, and said so.
      expect(s.err).toMatch(/left out column 3 \(label\): a class label, not a feature/);
      const doc = JSON.parse(readFileSync(join(dir, `stream-${type}.json`), "utf8"));
      const ref = continued(JSON.parse(readFileSync(join(dir, `mem-${type}.json`), "utf8")), X(), 1e-3, 100);
      expect(doc.featureNames).toEqual(["x", "y"]);
      expect(doc.covarianceType).toBe(type);
      expectClose(doc.weights, ref.m.weights, 1e-10);
      expectClose(doc.means, ref.m.means, 1e-10);
      expectClose(doc.covariances, ref.m.covariances, 1e-10);
      expect(doc.nIter).toBe(ref.nIter);
      expect(doc.converged).toBe(ref.converged);
      expect(Math.abs(doc.lowerBound - ref.lb)).toBeLessThan(1e-10);
      // One pass to count and sample, then one per EM iteration.
      expect(s.out).toMatch(
        new RegExp(`2 features \\(x, y\\) streamed from .*: ${ref.nIter + 1} passes over the file`),
      );
      expect(s.out).toMatch(/model written to stream-/);
      // The model file works with the other commands.
      const score = run(["score", `stream-${type}.json`, example]);
      expect(score.code, score.err).toBe(0);
      expect(Math.abs(Number(score.out) - ref.m.score(X()))).toBeLessThan(1e-10);
    });
  }

  it("passes --init, --n-init, --seed, --max-iter, --tol, --reg-covar and --threads on", () => {
    const common = ["--components", "3", "--covariance", "diag", "--init", "random_from_data", "--n-init", "2"];
    const rest = ["--seed", "7", "--max-iter", "4", "--tol", "1e-9", "--reg-covar", "1e-3"];
    const mem = run(["fit", example, ...common, ...rest, "--json"]);
    expect(mem.code, mem.err).toBe(0);
    const s = run(["fit", example, "--stream", ...common, ...rest, "--threads", "2", "--chunk-size", "500", "--json"]);
    expect(s.code, s.err).toBe(0);
    const out = JSON.parse(s.out);
    // The in-memory fit stopped at --max-iter without converging (tol 1e-9); so does the stream, after 4 passes.
    const memModel = JSON.parse(mem.out).model;
    expect(memModel.nIter).toBe(4);
    expect(memModel.converged).toBe(false);
    const X = readColumns(example, ["x", "y"]);
    let m: FittedGaussianMixture = FittedGaussianMixture.fromJSON(memModel);
    for (let i = 0; i < 4; i++) m = m.step(m.statistics(X), { regCovar: 1e-3 });
    expect(out.passes).toBe(5);
    expect(out.columns).toEqual(["x", "y"]);
    expect(out.model.nIter).toBe(4);
    expect(out.model.converged).toBe(false);
    expectClose(out.model.means, m.means, 1e-10);
    expectClose(out.model.covariances, m.covariances, 1e-10);
    expectClose(out.model.weights, m.weights, 1e-10);
    // Another seed starts elsewhere: the seed did reach the fit.
    const other = run(["fit", example, "--stream", ...common, ...rest, "--seed", "8", "--json"]);
    expect(other.code, other.err).toBe(0);
    expect(JSON.parse(other.out).model.means).not.toEqual(out.model.means);
  });

  it("reads a file much larger than a chunk, choosing columns by name in another order, with --delimiter", () => {
    // 20,000 rows of "id;c;name;a;b": an id, text and three numbers, read as (b, a) as in the in-memory fit.
    let s = 17;
    const u = () => (s = (s * 48271) % 2147483647) / 2147483647;
    const rows = Array.from({ length: 20_000 }, (_, i) => {
      const c = i % 2;
      return `${i};${(u() * 4).toFixed(5)};n${i};${(c * 5 + u()).toFixed(6)};${(u() - c * 3).toFixed(6)}`;
    });
    const path = file("semi.csv", `id;c;name;a;b\n${rows.join("\n")}\n`);
    const choice = ["--columns", "b,a", "--delimiter", ";", "--components", "2", "--covariance", "full"];
    const mem = run(["fit", path, ...choice, "--json"]);
    expect(mem.code, mem.err).toBe(0);
    const st = run(["fit", path, "--stream", ...choice, "--chunk-size", "1000", "--sample-size", "20000", "--json"]);
    expect(st.code, st.err).toBe(0);
    const out = JSON.parse(st.out);
    expect(out.columns).toEqual(["b", "a"]);
    expect(out.model.featureNames).toEqual(["b", "a"]);
    const ref = continued(JSON.parse(mem.out).model, readColumns(join(dir, path), ["b", "a"], ";"), 1e-3, 100);
    expectClose(out.model.means, ref.m.means, 1e-10);
    expectClose(out.model.covariances, ref.m.covariances, 1e-10);
    // --exclude: the text column is skipped (said so), id and c are left out: the same two columns.
    const ex = run(["fit", path, "--stream", "--exclude", "id,2", "--components", "2", "--json"]);
    expect(ex.code, ex.err).toBe(0);
    expect(ex.err).toMatch(/skipped column 3 \(name, text such as "n0"\)/);
    expect(JSON.parse(ex.out).columns).toEqual(["a", "b"]);
  });

  it("with more rows than --sample-size, fits the first parameters on a sample and still converges", () => {
    const tight = ["--components", "3", "--init", "kmeans", "--tol", "1e-9", "--max-iter", "1000", "--json"];
    const s = run(["fit", example, "--stream", "--sample-size", "300", ...tight]);
    expect(s.code, s.err).toBe(0);
    const doc = JSON.parse(s.out).model;
    const mem = JSON.parse(run(["fit", example, "--covariance", "full", ...tight]).out).model;
    // Not the same start, but the same optimum of the example's three clusters, found from 300 of its 3,000 rows.
    expect(doc.converged).toBe(true);
    const order = (ms: number[][]) =>
      ms
        .map((m, c) => [m[0], c])
        .sort((p, q) => p[0] - q[0])
        .map(([, c]) => c);
    const [a, b] = [order(doc.means), order(mem.means)];
    expectClose(
      a.map((c) => doc.means[c]),
      b.map((c) => mem.means[c]),
      1e-4,
    );
    expectClose(
      a.map((c) => doc.covariances[c]),
      b.map((c) => mem.covariances[c]),
      1e-4,
    );
    expect(Math.abs(doc.lowerBound - mem.lowerBound)).toBeLessThan(1e-8);
  });
});

describe("docs/streaming.md", () => {
  it("its command to paste runs (from the repository's root; its output file here)", () => {
    const doc = readFileSync(join(root, "docs", "streaming.md"), "utf8");
    const block = /```sh\n([^`]*--stream[^`]*)```/.exec(doc)![1];
    const commands = block.split("\n").filter((l) => l.startsWith("node cli/dist/cli.js "));
    expect(commands).toHaveLength(1);
    const args = commands[0].split(/\s+/).slice(2);
    const r = run(args.map((a) => (a.startsWith("examples/") ? join(root, a) : a)));
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "model.json"), "utf8")).featureNames).toEqual(["x", "y"]);
  });
});

describe("gaussmix fit --stream reports its passes", () => {
  // `script` runs the command on a pseudo-terminal (util-linux; stdout and stderr then arrive together).
  it.skipIf(!existsSync("/usr/bin/script"))("on a terminal: a progress bar per pass, with the log-likelihood", () => {
    const command = `${process.execPath} ${cli} fit ${example} --stream --components 3 --out tty.json`;
    const r = spawnSync("/usr/bin/script", ["-qec", command, "/dev/null"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, "tty.json"), "utf8"));
    expect(r.stdout).toMatch(/pass 1 \(count, sample\) ░+ 0%/);
    // The last pass, complete, with the mean log-likelihood of the pass before it and the change.
    const last = new RegExp(
      `pass ${doc.nIter + 1} \\(EM iteration ${doc.nIter}\\) █+ 100% mean log-likelihood -\\d\\.\\d{4}, change`,
    );
    expect(r.stdout).toMatch(last);
  });

  it("not on a terminal: no progress bar (stderr holds only the notices)", () => {
    const r = run(["fit", example, "--stream", "--components", "3"]);
    expect(r.code).toBe(0);
    expect(r.err.trim().split("\n")).toEqual([expect.stringMatching(/left out column 3 \(label\)/)]);
  });
});

describe("gaussmix fit --stream refuses what it cannot do, before reading", () => {
  const refusals: [string, string[], RegExp][] = [
    ["no --components", [], /--stream fits one model: give its number of components with --components/],
    ["a range of k", ["--components", "1..4"], /--components 1,2,3,4 asks for 4: give one number/],
    ["a list of k", ["--components", "2,3"], /--components 2,3 asks for 2: give one number/],
    [
      "several types",
      ["--components", "3", "--covariance", "full,diag"],
      /--covariance full,diag asks for 2 types: give one/,
    ],
    [
      "--bayesian",
      ["--components", "3", "--bayesian"],
      /--stream cannot be used with --bayesian: .*leave out --stream/,
    ],
    ["--criterion", ["--components", "3", "--criterion", "aic"], /--stream cannot be used with --criterion/],
  ];
  for (const [what, args, message] of refusals) {
    it(`${what}: exit 2, one line that says what to do, no model file`, () => {
      const r = run(["fit", example, "--stream", ...args, "--out", "refused.json"]);
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toMatch(message);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(existsSync(join(dir, "refused.json"))).toBe(false);
    });
  }

  it("stdin: it cannot be read once per pass", () => {
    const r = run(["fit", "-", "--stream", "--components", "2"], readFileSync(example, "utf8"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--stream reads the file once per EM iteration, and stdin can be read only once/);
  });

  it("a named pipe: it cannot be read once per pass either (and opening it would wait for a writer)", () => {
    execFileSync("mkfifo", [join(dir, "fifo.csv")]);
    const r = run(["fit", "fifo.csv", "--stream", "--components", "2"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/fifo\.csv: --stream reads the file once per EM iteration, and this is not a regular file/);
  });

  it("--chunk-size and --sample-size without --stream", () => {
    for (const flag of ["--chunk-size", "--sample-size"]) {
      const r = run(["fit", example, "--components", "2", flag, "100"]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`${flag} applies to fit --stream only; add --stream or leave ${flag} out`));
    }
    const zero = run(["fit", example, "--stream", "--components", "2", "--chunk-size", "0"]);
    expect(zero.code).toBe(2);
    expect(zero.err).toMatch(/--chunk-size.*expected a positive integer/);
  });

  it("--out: a missing folder or a folder as the file, at once (no pass over the file)", () => {
    const missing = run(["fit", "no-such.csv", "--stream", "--components", "2", "--out", "nope/model.json"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--out nope\/model.json: the folder .* does not exist/);
    const folder = run(["fit", example, "--stream", "--components", "2", "--out", "."]);
    expect(folder.code).toBe(2);
    expect(folder.err).toMatch(/--out \.: is a directory/);
  });

  it("a missing file, an empty file, a column that is not there", () => {
    expect(run(["fit", "none.csv", "--stream", "--components", "2"]).err).toMatch(
      /none\.csv: cannot read the file \(no such file\)/,
    );
    const empty = run(["fit", file("empty.csv", ""), "--stream", "--components", "2"]);
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/empty\.csv: the file is empty/);
    const col = run(["fit", example, "--stream", "--components", "2", "--columns", "x,z"]);
    expect(col.code).toBe(2);
    expect(col.err).toMatch(/--columns "z" is not a column of the file \(columns: x, y, label\)/);
  });
});

describe("gaussmix fit --stream: a bad row in the middle of the file", () => {
  const good = (i: number) => `${((i % 3) * 4 + Math.sin(i)).toFixed(6)},${Math.cos(i).toFixed(6)}`;
  // 30,000 rows (about 500 KB, several reads of the file): the bad one far past the first records and chunks.
  const withRow = (bad: string) =>
    `x,y\n${Array.from({ length: 30_000 }, (_, i) => (i === 20_000 ? bad : good(i))).join("\n")}\n`;
  const cases: [string, string, RegExp][] = [
    ["text in a numeric column", "1.5,abc", /text\.csv: line 20002, column 2 \(y\): "abc" is not a decimal number/],
    ["an empty cell", "1.5,", /empty\.csv: line 20002, column 2 \(y\): .*empty/],
    ["a row with a column too many", "1,2,3", /many\.csv: line 20002: 3 fields, but line 1 has 2/],
    ["a row with a column too few", "7", /few\.csv: line 20002: 1 field, but line 1 has 2/],
  ];
  for (const [what, bad, message] of cases) {
    it(`${what}: the file, line and column; exit 2; no model file, no temporary file`, () => {
      const name = /^(\w+)/.exec(message.source.replace(/\\/g, ""))![1];
      const path = file(`${name}.csv`, withRow(bad));
      const r = run(["fit", path, "--stream", "--components", "3", "--chunk-size", "1000", "--out", `${name}.json`]);
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toMatch(message);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(readdirSync(dir).filter((f) => f.includes(`${name}.json`))).toEqual([]);
    });
  }
});
