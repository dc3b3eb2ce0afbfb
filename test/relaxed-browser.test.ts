// The choice of engine build in Debian's Chromium, which has relaxed SIMD on: the built ESM entry (dist/index.js,
// served as files, as a page or a bundler would load it) runs the relaxed build, passes every scikit-learn fixture
// to 1e-9, and downloads only the chunks it runs: the relaxed bytes, never the shared-memory ones (no threads
// asked for). Pinned to the baseline with `init({ engine: "baseline" })`, it fetches no relaxed bytes and gives
// Node's numbers bit for bit.
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GaussianMixture, init } from "../src/index.js";
import { maxRelError, type SklearnFixture, sklearnFixtures } from "./helpers/fixtures.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const dist = new URL("../dist/", import.meta.url).pathname;
let server: Server;
let browser: Browser;
let base: string;
const requested: string[] = [];

type FitResult = { lowerBound: number; nIter: number; weights: number[]; means: number[][]; covariances: unknown };
type PageRun = { before: { build: string; relaxedSimd: boolean }; after: { build: string }; fits: FitResult[] };

const fixtures = sklearnFixtures();

beforeAll(async () => {
  if (!hasChromium) return;
  server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    requested.push(path);
    if (path === "/")
      return res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>gaussmix</title>");
    const file = join(dist, path.slice(1));
    if (!path.endsWith(".js") || path.includes("..") || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  await init({ engine: "auto" });
});

/** Loads dist/index.js in a fresh page, optionally pins an engine, fits every fixture; returns what it fetched. */
async function runInPage(engine?: "baseline"): Promise<{ run: PageRun; fetched: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  requested.length = 0;
  try {
    await page.goto(`${base}/`);
    // A string, so that the test runner's transform leaves the page's `import()` alone.
    const script = `(async ({ engine, fits }) => {
      const g = await import("/index.js");
      if (engine) await g.init({ engine });
      const before = g.engineInfo();
      const out = [];
      for (const { options, X } of fits) {
        const m = await new g.GaussianMixture(options).fit(X);
        out.push({ lowerBound: m.lowerBound, nIter: m.nIter, weights: m.weights, means: m.means, covariances: m.covariances });
      }
      return { before, after: g.engineInfo(), fits: out };
    })(${JSON.stringify({ engine, fits: fixtures.map((f) => ({ options: f.options, X: f.X })) })})`;
    const run = await page.evaluate(script);
    return { run: run as PageRun, fetched: [...requested] };
  } finally {
    await context.close();
  }
}

function expectFixtures(fits: FitResult[]): void {
  fits.forEach((m, i) => {
    const e = (fixtures[i] as SklearnFixture).expected;
    expect(m.nIter, fixtures[i].name).toBe(e.nIter);
    expect(maxRelError(m.lowerBound, e.lowerBound), fixtures[i].name).toBeLessThan(1e-9);
    expect(maxRelError(m.weights, e.weights), fixtures[i].name).toBeLessThan(1e-9);
    expect(maxRelError(m.means, e.means, 1e-3), fixtures[i].name).toBeLessThan(1e-9);
    expect(maxRelError(m.covariances, e.covariances, 1e-3), fixtures[i].name).toBeLessThan(1e-9);
  });
}

describe.skipIf(!hasChromium)("engine builds in Chromium", () => {
  it("runs the relaxed build, passes every fixture, and fetches the relaxed chunk only", async () => {
    const { run, fetched } = await runInPage();
    expect(run.before).toEqual({ build: "relaxed", requested: "auto", relaxedSimd: true });
    expect(run.after.build).toBe("relaxed");
    expectFixtures(run.fits);
    expect(fetched.filter((p) => /^\/relaxed\.generated-\w+\.js$/.test(p))).toHaveLength(1);
    expect(fetched.filter((p) => p.includes("shared"))).toEqual([]);
  }, 120_000);

  it('init({ engine: "baseline" }) fetches no relaxed bytes and equals Node bit for bit', async () => {
    const { run, fetched } = await runInPage("baseline");
    expect(run.before).toEqual({ build: "baseline", requested: "baseline", relaxedSimd: true });
    expectFixtures(run.fits);
    expect(fetched.filter((p) => p.includes("generated"))).toEqual([]);
    await init({ engine: "baseline" });
    for (const [i, f] of fixtures.entries()) {
      const m = await new GaussianMixture(f.options).fit(f.X);
      expect({ ...run.fits[i] }, f.name).toEqual({
        lowerBound: m.lowerBound,
        nIter: m.nIter,
        weights: m.weights,
        means: m.means,
        covariances: m.covariances,
      });
    }
  }, 120_000);
});
