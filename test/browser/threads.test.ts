// `threads` in Debian's Chromium: on a cross-origin-isolated page (COOP + COEP) the passes run on Web Workers
// started from a blob: URL and the fit equals Node's one-thread fit; on a page without isolation the fit runs on
// one thread, without error.
import { createServer, type Server } from "node:http";
import { buildSync } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, hasChromium } from "./chromium.js";
import { GaussianMixture } from "../../src/index.js";
import { maxRelError } from "../helpers/fixtures.js";

let server: Server;
let browser: Browser;
let base: string;

// The same data in the page and here: a deterministic function of the index.
const makeData = (n: number, d: number) => {
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) X[i * d + j] = Math.sin(i * 0.731 + j * 1.37) * 2 + (i % 4) * 3 - j * 0.5;
  return X;
};
const N = 20001;
const D = 8;
// scikit-learn's EM step for step (k-means initialisation, no acceleration): the comparison is of the passes, and
// the accelerated loop's accept/reject decisions may go either way on differences of summation order.
const OPTS = {
  nComponents: 4,
  covarianceType: "full" as const,
  randomState: 2,
  maxIter: 25,
  tol: 0,
  initParams: "kmeans" as const,
  accelerate: false,
};

beforeAll(async () => {
  if (!hasChromium) return;
  const bundle = buildSync({
    entryPoints: [new URL("../../src/index.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "error",
  }).outputFiles[0].text;
  const page = `<!doctype html><script type="module">
    import { GaussianMixture } from "/gaussmix.js";
    const makeData = ${makeData.toString()};
    window.result = new GaussianMixture({ ...${JSON.stringify(OPTS)}, threads: 2 }).fit({ data: makeData(${N}, ${D}), shape: [${N}, ${D}] })
      .then((m) => ({ threads: m.threads, isolated: self.crossOriginIsolated, lowerBounds: m.lowerBounds, means: m.means, covariances: m.covariances }),
        (e) => ({ error: String(e) }));
  </script>`;
  server = createServer((req, res) => {
    const isolated = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };
    if (req.url === "/gaussmix.js") res.writeHead(200, { "content-type": "text/javascript", ...isolated }).end(bundle);
    else if (req.url === "/isolated") res.writeHead(200, { "content-type": "text/html", ...isolated }).end(page);
    else if (req.url === "/no-workers")
      res
        .writeHead(200, { "content-type": "text/html", ...isolated, "content-security-policy": "worker-src 'none'" })
        .end(page);
    else if (req.url === "/plain") res.writeHead(200, { "content-type": "text/html" }).end(page);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

type PageResult = {
  threads: number;
  isolated: boolean;
  lowerBounds: number[];
  means: number[][];
  covariances: number[][][];
  error?: string;
};

async function fitIn(path: string): Promise<PageResult> {
  const page = await browser.newPage();
  try {
    await page.goto(base + path);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined);
    return await page.evaluate(() => (window as unknown as { result: Promise<PageResult> }).result);
  } finally {
    await page.close();
  }
}

describe.skipIf(!hasChromium)("threads in Chromium", () => {
  it("a cross-origin-isolated page fits on two threads, equal to Node's one-thread fit", async () => {
    const r = await fitIn("/isolated");
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(true);
    expect(r.threads).toBe(2);
    const one = await new GaussianMixture(OPTS).fit({ data: makeData(N, D), shape: [N, D] });
    expect(maxRelError(r.lowerBounds, one.lowerBounds)).toBeLessThan(1e-10);
    expect(maxRelError(r.means, one.means, 1)).toBeLessThan(1e-10);
    expect(maxRelError(r.covariances, one.covariances, 1e-3)).toBeLessThan(1e-10);
  });

  it("an isolated page whose Content-Security-Policy refuses workers still fits, with the same result", async () => {
    const r = await fitIn("/no-workers");
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(true);
    const one = await new GaussianMixture(OPTS).fit({ data: makeData(N, D), shape: [N, D] });
    expect(maxRelError(r.lowerBounds, one.lowerBounds)).toBeLessThan(1e-10);
    expect(maxRelError(r.means, one.means, 1)).toBeLessThan(1e-10);
  });

  it("a page without isolation fits on one thread, without error", async () => {
    const r = await fitIn("/plain");
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(false);
    expect(r.threads).toBe(1);
  });
});
