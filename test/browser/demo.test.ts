// The demo page in Debian's Chromium (playwright-core, no downloaded browser): the page fits in its Web Worker
// and shows the same numbers as a Node fit of the same data and seed, and draws what it should.
import { createReadStream, existsSync, mkdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { threeGaussians, twoClasses1D } from "../../demo/data.js";
import { GaussianMixture } from "../../src/index.js";

const root = new URL("../..", import.meta.url).pathname;
const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const dist = join(root, "demo", "dist");
let server: Server;
let browser: Browser;
let url: string;

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
};

beforeAll(async () => {
  if (!hasChromium) return;
  await build({ configFile: join(root, "demo", "vite.config.ts"), logLevel: "error" });
  server = createServer((req, res) => {
    const path = join(dist, decodeURIComponent((req.url ?? "/").split("?")[0]).replace(/\/$/, "/index.html"));
    if (!path.startsWith(dist) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address() as { port: number };
  url = `http://127.0.0.1:${addr.port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
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

describe.skipIf(!hasChromium)("demo page in Chromium", () => {
  it("fits the 2-D example in its worker with the same numbers as Node, and draws points, ellipses and the curve", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 980 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    await page.selectOption("#dataset", "three");
    await page.fill("#seed", "4");
    await page.dispatchEvent("#seed", "change");
    await page.fill("#k", "3");
    await page.click("#fit");
    await page.waitForFunction(() => window.__gaussmix !== undefined, null, { timeout: 30_000 });
    const shown = await page.evaluate(() => window.__gaussmix!);
    const ds = threeGaussians(4);
    const node = await new GaussianMixture({
      nComponents: 3,
      covarianceType: "full",
      initParams: "kmeans",
      randomState: 4,
    }).fit({ data: ds.data, shape: [ds.n, 2] });
    expect(shown.nIter).toBe(node.nIter);
    expect(Math.abs(shown.lowerBound - node.lowerBound)).toBeLessThanOrEqual(1e-9 * Math.abs(node.lowerBound));
    shown.weights.forEach((w, c) => expect(Math.abs(w - node.weights[c])).toBeLessThan(1e-9));
    shown.means.flat().forEach((v, i) => expect(Math.abs(v - node.means.flat()[i])).toBeLessThan(1e-9));
    // Drawn: as many components (ellipse pairs) as k, coloured pixels on the canvas, the log-likelihood chart.
    expect(await page.getAttribute("#scatter", "data-components")).toBe("3");
    const inked = await page.evaluate(() => {
      const c = document.getElementById("scatter") as HTMLCanvasElement;
      const px = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
      return n / (c.width * c.height);
    });
    expect(inked).toBeGreaterThan(0.02);
    expect(await page.locator("#loglik .uplot").count()).toBe(1);
    expect(await page.locator("#legend li").count()).toBe(3);
    expect(await page.textContent("#status")).toMatch(/converged after \d+ iterations/);
    mkdirSync(join(root, "test", "artifacts"), { recursive: true });
    await page.screenshot({ path: join(root, "test", "artifacts", "demo.png") });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows 1-D densities over a histogram, and the BIC/AIC chart", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 980 } });
    await page.goto(url);
    await page.selectOption("#dataset", "oned");
    await page.fill("#k", "2");
    await page.click("#fit");
    await page.waitForFunction(() => window.__gaussmix !== undefined, null, { timeout: 30_000 });
    const shown = await page.evaluate(() => window.__gaussmix!);
    const ds = twoClasses1D(0);
    const node = await new GaussianMixture({ nComponents: 2, randomState: 0 }).fit(ds.data);
    expect(Math.abs(shown.lowerBound - node.lowerBound)).toBeLessThanOrEqual(1e-9 * Math.abs(node.lowerBound));
    expect(await page.getAttribute("#density", "data-components")).toBe("2");
    await page.click("#select");
    await page.waitForSelector("#criteria .uplot", { timeout: 30_000 });
    expect(await page.textContent("#status")).toMatch(/BIC is lowest at k = 2/);
    await page.close();
  });

  it("stays responsive during a 100,000-point fit (the fit runs in a worker)", async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.selectOption("#dataset", "large");
    await page.click("#fit");
    // While the worker fits, the page still answers quickly.
    const t = Date.now();
    const answered = await page.evaluate(() => new Promise<number>((r) => setTimeout(() => r(performance.now()), 10)));
    expect(answered).toBeGreaterThan(0);
    expect(Date.now() - t).toBeLessThan(2000);
    await page.waitForFunction(() => window.__gaussmix !== undefined, null, { timeout: 60_000 });
    await page.close();
  });
});
