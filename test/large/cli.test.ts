// The command line on large files: memory proportional to the data (peak RSS of the process, measured by the
// process itself at exit), output streamed. Slow (about three minutes): part of `npm run test:large`.
import { execFileSync, spawnSync } from "node:child_process";
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "cli", "dist", "cli.js");
let dir: string;
/** Loaded before the command line: prints the process's peak resident set size (bytes) on stderr at exit. */
let reporter: string;

/** Runs the command line with stdout into a file; returns its exit code, stderr and peak RSS in bytes. */
function measure(args: string[], out = "/dev/null") {
  const fd = openSync(join(dir, out === "/dev/null" ? "null.out" : out), "w");
  try {
    const r = spawnSync(process.execPath, ["--import", reporter, cli, ...args], {
      cwd: dir,
      stdio: ["ignore", fd, "pipe"],
      encoding: "utf8",
    });
    const m = /peak-rss (\d+)/.exec(r.stderr);
    return { code: r.status, err: r.stderr.replace(/peak-rss \d+\n/, ""), rss: m ? Number(m[1]) : NaN };
  } finally {
    closeSync(fd);
  }
}

async function countLines(path: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path)) for (const b of chunk as Buffer) if (b === 10) n++;
  return n;
}

const N = 7_000_000;
const D = 3;
const dataBytes = N * D * 8;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gaussmix-cli-large-"));
  reporter = join(dir, "peak.mjs");
  writeFileSync(
    reporter,
    'process.on("exit", () => process.stderr.write("peak-rss " + process.resourceUsage().maxRSS * 1024 + "\\n"));\n',
  );
  // About 200 MB of CSV: 7,000,000 rows of three numbers with six decimals.
  const fd = openSync(join(dir, "big.csv"), "w");
  writeSync(fd, "a,b,c\n");
  let s = 1;
  const u = () => (s = (s * 48271) % 2147483647) / 2147483647;
  for (let block = 0; block < N / 100_000; block++) {
    let text = "";
    for (let i = 0; i < 100_000; i++)
      text += `${(u() * 4 - 2).toFixed(6)},${(u() * 6).toFixed(6)},${(-u()).toFixed(6)}\n`;
    writeSync(fd, text);
    // A model of the same columns, fitted on the first rows.
    if (block === 0) writeFileSync(join(dir, "head.csv"), `a,b,c\n${text}`);
  }
  closeSync(fd);
  execFileSync(process.execPath, [cli, "fit", "head.csv", "--components", "2", "--out", "abc.json"], {
    cwd: dir,
    stdio: "ignore",
  });
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the command line on large files", () => {
  it("the test file is about 200 MB", () => {
    expect(statSync(join(dir, "big.csv")).size).toBeGreaterThan(190e6);
  });

  it("reading 200 MB of CSV peaks at about 3× the data's Float64 size (above an idle node)", () => {
    const idle = measure(["--version"]).rss;
    // A model of 2 features for a file of 3 columns: the whole file is read, then refused (exit 2).
    const doc = JSON.parse(
      execFileSync(process.execPath, [cli, "fit", "-", "--components", "1", "--json"], {
        input: "p,q\n1,2\n2,1\n3,3\n",
        encoding: "utf8",
      }),
    ).model;
    delete doc.featureNames;
    writeFileSync(join(dir, "two.json"), JSON.stringify(doc));
    const r = measure(["predict", "two.json", "big.csv"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the model has 2 features, but 3 numeric columns were read/);
    console.log(
      `read: peak ${(r.rss / 1e6).toFixed(0)} MB, idle ${(idle / 1e6).toFixed(0)} MB, data ${dataBytes / 1e6} MB`,
    );
    // The doubles: the reader's buffer grown by doubling (at most 2× the data) and its exact-size copy at the end
    // (1×) — 2.3× here, as 7,000,000 × 3 values need a buffer of 2^25. The rest is the JS heap's garbage (the
    // text's chunks and cells), whose collection timing varies: measured between 2.3× and 3.1× in all.
    expect(r.rss - idle).toBeLessThan(3.5 * dataBytes);
  }, 300_000);

  it("score on 200 MB of CSV (read, copied into the engine, scored) peaks below 4× the data", () => {
    const idle = measure(["--version"]).rss;
    const r = measure(["score", "abc.json", "big.csv"], "score.out");
    expect(r.code).toBe(0);
    console.log(`score: peak ${(r.rss / 1e6).toFixed(0)} MB, idle ${(idle / 1e6).toFixed(0)} MB`);
    expect(r.rss - idle).toBeLessThan(4 * dataBytes);
  }, 300_000);

  it("sample -n 30000000 streams its rows with bounded memory", async () => {
    const r = measure(["sample", "abc.json", "-n", "30000000"], "samples.csv");
    expect(r.code).toBe(0);
    console.log(`sample 30M: peak ${(r.rss / 1e6).toFixed(0)} MB`);
    expect(r.rss).toBeLessThan(400e6);
    expect(await countLines(join(dir, "samples.csv"))).toBe(30_000_001);
  }, 600_000);
});
