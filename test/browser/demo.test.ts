// The demo page in Debian's Chromium (playwright-core, no downloaded browser), clicked through as a new user
// would: the numbers shown equal a Node fit of the same data, uploads (good and bad) never leave other data
// fitted, every data change clears the fit and charts, and the controls do what they say. Screenshots go to
// test/artifacts/; with UPDATE_SCREENSHOTS=1 the README's go to docs/ (a test run never changes tracked files).
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, hasChromium } from "./chromium.js";
import { large, threeGaussians, twoClasses1D } from "../../demo/data.js";
import { FittedBayesianGaussianMixture, FittedGaussianMixture, GaussianMixture } from "../../src/index.js";

const root = new URL("../..", import.meta.url).pathname;
if (!hasChromium)
  console.warn(`test/browser/demo.test.ts: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium)`);
const dist = join(root, "demo", "dist");
const artifacts = join(root, "test", "artifacts");
const docs = process.env.UPDATE_SCREENSHOTS === "1" ? join(root, "docs") : join(root, "test", "artifacts");
let server: Server;
let browser: Browser;
let url: string;

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
};

// R: write.csv(iris[c(1:4, 51:54, 101:104), ]) — quoted header, unnamed row-name column, text Species column.
const IRIS = `"","Sepal.Length","Sepal.Width","Petal.Length","Petal.Width","Species"
"1",5.1,3.5,1.4,0.2,"setosa"
"2",4.9,3,1.4,0.2,"setosa"
"3",4.7,3.2,1.3,0.2,"setosa"
"4",4.6,3.1,1.5,0.2,"setosa"
"51",7,3.2,4.7,1.4,"versicolor"
"52",6.4,3.2,4.5,1.5,"versicolor"
"53",6.9,3.1,4.9,1.5,"versicolor"
"54",5.5,2.3,4,1.3,"versicolor"
"101",6.3,3.3,6,2.5,"virginica"
"102",5.8,2.7,5.1,1.9,"virginica"
"103",7.1,3,5.9,2.1,"virginica"
"104",6.3,2.9,5.6,1.8,"virginica"
`;
const IRIS_ROWS = IRIS.trim()
  .split("\n")
  .slice(1)
  .map((l) => l.split(",").slice(1, 5).map(Number));
const sumOf = (rows: number[][], cols: number[]) => rows.reduce((s, r) => s + cols.reduce((t, c) => t + r[c], 0), 0);

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
  mkdirSync(artifacts, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

/** A fresh page on the demo; `done()` checks that nothing failed to load (favicon included) and no script threw. */
async function open(width = 1280, height = 980): Promise<{ page: Page; done: () => Promise<void> }> {
  const page = await browser.newPage({ viewport: { width, height }, acceptDownloads: true });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`error: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  page.on("requestfailed", (r) => problems.push(`failed ${r.url()}`));
  await page.goto(url);
  await page.waitForSelector("#loglik .placeholder");
  return {
    page,
    done: async () => {
      expect(problems).toEqual([]);
      await page.close();
    },
  };
}

async function fitAndWait(page: Page) {
  await page.click("#fit");
  await page.waitForFunction(() => window.__gaussmix !== undefined, null, { timeout: 60_000 });
  return page.evaluate(() => window.__gaussmix!);
}

const status = (page: Page) => page.textContent("#status");
const upload = (page: Page, name: string, text: string) =>
  page.setInputFiles("#csv", { name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });

describe.skipIf(!hasChromium)(
  `demo page in Chromium${hasChromium ? "" : ` (skipped: no Chromium at ${CHROMIUM})`}`,
  () => {
    it("fits the 2-D example in its worker with the same numbers as Node, and draws points, ellipses, axes and the curve", async () => {
      const { page, done } = await open();
      await page.fill("#seed", "4");
      await page.dispatchEvent("#seed", "change");
      await page.fill("#k", "3");
      const shown = await fitAndWait(page);
      const ds = threeGaussians(4);
      const node = await new GaussianMixture({
        nComponents: 3,
        covarianceType: "full",
        initParams: "kmeans",
        randomState: 4,
      }).fit({ data: ds.data, shape: [ds.n, 2] });
      expect(shown.fitted.n).toBe(ds.n);
      expect(shown.nIter).toBe(node.nIter);
      expect(Math.abs(shown.lowerBound - node.lowerBound)).toBeLessThanOrEqual(1e-9 * Math.abs(node.lowerBound));
      shown.weights.forEach((w, c) => expect(Math.abs(w - node.weights[c])).toBeLessThan(1e-9));
      shown.means.flat().forEach((v, i) => expect(Math.abs(v - node.means.flat()[i])).toBeLessThan(1e-9));
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
      // The time is EM's own (a fit of 3,000 points takes milliseconds, not the 250 ms pauses of play).
      expect(await status(page)).toMatch(
        /k = 3, full, kmeans init, seed 4: converged after \d+ iterations\. EM took [\d.]+ ms \(animation pauses left out\)/,
      );
      await page.click("#select");
      await page.waitForSelector("#criteria .uplot", { timeout: 60_000 });
      await page.screenshot({ path: join(docs, "demo.png") });
      await done();
    });

    it("1-D data: densities over a histogram, samples drawn as a histogram, BIC for all four covariance types with the best k marked", async () => {
      const { page, done } = await open();
      await page.selectOption("#dataset", "oned");
      await page.fill("#k", "2");
      const shown = await fitAndWait(page);
      const ds = twoClasses1D(0);
      const node = await new GaussianMixture({ nComponents: 2, randomState: 0 }).fit(ds.data);
      expect(Math.abs(shown.lowerBound - node.lowerBound)).toBeLessThanOrEqual(1e-9 * Math.abs(node.lowerBound));
      expect(await page.getAttribute("#density", "data-components")).toBe("2");
      await page.click("#sample");
      await page.waitForSelector('#density[data-samples="500"]');
      expect(await status(page)).toMatch(/500 samples drawn from the fitted model \(dashed histogram\)/);
      expect(await page.locator("#density .u-legend").textContent()).toContain("samples (500, histogram)");
      await page.click("#select");
      await page.waitForSelector("#criteria .uplot", { timeout: 60_000 });
      expect(await status(page)).toMatch(/BIC is lowest at k = 2 with full covariance/);
      expect(await page.getAttribute("#criteria", "data-best")).toBe("2 full");
      const legend = await page.locator("#criteria .u-legend").textContent();
      for (const t of ["full", "tied", "diag", "spherical"]) expect(legend).toContain(`BIC ${t}`);
      await page.screenshot({ path: join(artifacts, "demo-1d.png"), fullPage: true });
      await done();
    });

    it("uploads R's iris: text and row-name columns skipped with a notice, a column picker, and the picked columns are what is fitted", async () => {
      const { page, done } = await open();
      await upload(page, "iris.csv", IRIS);
      await page.waitForSelector("#columns:not([hidden])");
      const notice = await page.textContent("#upload-note");
      expect(notice).toContain("Read iris.csv: 12 rows, 4 numeric columns (commas, with a header).");
      expect(notice).toContain("Skipped: column 1 (no name: row labels), Species (text, e.g. “setosa”).");
      expect(await page.locator("#col-x option").allTextContents()).toEqual([
        "Sepal.Length",
        "Sepal.Width",
        "Petal.Length",
        "Petal.Width",
      ]);
      expect(await page.textContent("#caption")).toBe("Showing: iris.csv — Sepal.Length × Sepal.Width, 12 rows, 2-D");
      await page.selectOption("#col-x", { label: "Petal.Length" });
      await page.selectOption("#col-y", { label: "Petal.Width" });
      expect(await page.textContent("#caption")).toBe("Showing: iris.csv — Petal.Length × Petal.Width, 12 rows, 2-D");
      await page.fill("#k", "3");
      let shown = await fitAndWait(page);
      expect(shown.fitted).toEqual({ n: 12, d: 2, sum: sumOf(IRIS_ROWS, [2, 3]) });
      expect(shown.caption).toBe("iris.csv — Petal.Length × Petal.Width, 12 rows, 2-D");
      expect(await page.getAttribute("#scatter", "data-axes")).toBe("Petal.Length × Petal.Width");
      await page.screenshot({ path: join(artifacts, "demo-iris.png") });
      // A new seed seeds the next fit; the uploaded data stays.
      await page.fill("#seed", "7");
      await page.dispatchEvent("#seed", "change");
      expect(await page.textContent("#caption")).toBe("Showing: iris.csv — Petal.Length × Petal.Width, 12 rows, 2-D");
      expect(await page.inputValue("#dataset")).toBe("upload");
      shown = await fitAndWait(page);
      expect(shown.fitted).toEqual({ n: 12, d: 2, sum: sumOf(IRIS_ROWS, [2, 3]) });
      expect(await status(page)).toContain("seed 7");
      // One column: 1-D.
      await page.selectOption("#col-y", "-1");
      expect(await page.textContent("#caption")).toBe("Showing: iris.csv — Petal.Length, 12 rows, 1-D");
      shown = await fitAndWait(page);
      expect(shown.fitted).toEqual({ n: 12, d: 1, sum: sumOf(IRIS_ROWS, [2]) });
      await done();
    });

    it("semicolon files and quoted fields with a byte order mark load; a failed upload clears the file field, says so, and keeps fitting the data named", async () => {
      const { page, done } = await open();
      await upload(page, "semicolon.csv", "a;b\n1.5;2\n2.5;-1\n3;4e-1\n");
      await page.waitForFunction(() => document.getElementById("caption")!.textContent!.includes("semicolon.csv"));
      expect(await page.textContent("#upload-note")).toContain("3 rows, 2 numeric columns (semicolons, with a header)");
      expect(await page.isHidden("#columns")).toBe(true);
      await page.fill("#k", "1");
      let shown = await fitAndWait(page);
      expect(shown.fitted).toEqual({ n: 3, d: 2, sum: 1.5 + 2 + 2.5 - 1 + 3 + 0.4 });

      await upload(page, "quoted.csv", '\uFEFF"x","y"\r\n"1","2"\r\n"3","5"\r\n"4","4"\r\n');
      await page.waitForFunction(() => document.getElementById("caption")!.textContent!.includes("quoted.csv"));
      expect(await page.textContent("#caption")).toBe("Showing: quoted.csv — x × y, 3 rows, 2-D");
      shown = await fitAndWait(page);
      expect(shown.fitted).toEqual({ n: 3, d: 2, sum: 19 });

      // A bad file: nothing of it is used, the field is cleared, the page says what is still shown.
      await upload(page, "bad.csv", "x,y\n1,2\n3,abc\n");
      await page.waitForSelector("#upload-note.error");
      expect(await page.textContent("#upload-note")).toBe(
        'Could not read bad.csv: line 3, column 2 (y): "abc" is not a decimal number (digits with an optional sign, point and exponent, like -2.5 or 1e-3)',
      );
      expect(await page.inputValue("#csv")).toBe("");
      expect(await status(page)).toBe(
        "bad.csv was not loaded, nothing of it is used. Still showing: quoted.csv — x × y, 3 rows, 2-D.",
      );
      expect(await page.textContent("#caption")).toBe("Showing: quoted.csv — x × y, 3 rows, 2-D");
      shown = await fitAndWait(page);
      expect(shown.fitted).toEqual({ n: 3, d: 2, sum: 19 });

      // One row only is refused too.
      await upload(page, "one.csv", "x,y\n1,2\n");
      await page.waitForFunction(() =>
        document.getElementById("upload-note")!.textContent!.startsWith("Could not read one.csv"),
      );
      expect(await page.textContent("#upload-note")).toBe(
        "Could not read one.csv: it has 1 row of numbers; a fit needs at least two",
      );
      await page.screenshot({ path: join(artifacts, "demo-upload-error.png") });
      await done();
    });

    it("switching data or reset clears the fit, the log-likelihood and BIC charts, and the status", async () => {
      const { page, done } = await open();
      await page.selectOption("#dataset", "oned");
      await page.fill("#k", "2");
      await fitAndWait(page);
      // The BIC panel keeps its place and size with and without its chart (no layout jump).
      const panel = async () => (await page.locator("#criteria").boundingBox())!;
      const before = await panel();
      await page.click("#select");
      await page.waitForSelector("#criteria .uplot", { timeout: 60_000 });
      const after = await panel();
      expect(after.y).toBe(before.y);
      expect(Math.abs(after.height - before.height)).toBeLessThanOrEqual(2);
      await page.click("#sample");
      await page.waitForSelector('#density[data-samples="500"]');
      await page.selectOption("#dataset", "three");
      expect(await page.locator("#criteria .uplot").count()).toBe(0);
      expect(await page.locator("#loglik .uplot").count()).toBe(0);
      expect(await page.textContent("#criteria")).toContain("press “BIC over k”");
      expect(await status(page)).toBe("Press play, step or fit to fit three correlated Gaussians, seed 0.");
      expect(await page.evaluate(() => window.__gaussmix)).toBeUndefined();
      expect(await page.getAttribute("#scatter", "data-components")).toBe("0");
      expect(await page.isDisabled("#download")).toBe(true);
      // Reset after a fit and a selection.
      await page.fill("#k", "3");
      await fitAndWait(page);
      await page.click("#select");
      await page.waitForSelector("#criteria .uplot", { timeout: 60_000 });
      await page.click("#reset");
      expect(await page.locator("#criteria .uplot").count()).toBe(0);
      expect(await page.locator("#loglik .uplot").count()).toBe(0);
      expect(await status(page)).toMatch(/^Reset\. Showing three correlated Gaussians/);
      await done();
    });

    it("play becomes pause and pauses; play resumes; the reported time leaves the pauses out", async () => {
      const { page, done } = await open();
      await page.selectOption("#dataset", "stretched");
      await page.selectOption("#init", "random_from_data");
      await page.fill("#k", "3");
      await page.click("#play");
      expect(await page.textContent("#play")).toBe("pause");
      await page.waitForFunction(() => /^iteration [2-9]/.test(document.getElementById("status")!.textContent!));
      await page.click("#play");
      expect(await page.textContent("#play")).toBe("play");
      await page.waitForTimeout(400); // at most the iteration under way finishes
      const paused = await status(page);
      expect(paused).toMatch(/^iteration \d+: .*\(paused: press step or play\)$/);
      await page.waitForTimeout(1000);
      expect(await status(page)).toBe(paused);
      const iteration = Number(/^iteration (\d+)/.exec(paused!)![1]);
      await page.click("#step");
      await page.waitForFunction(
        (i) => document.getElementById("status")!.textContent!.startsWith(`iteration ${i + 1}:`),
        iteration,
      );
      await page.click("#play");
      expect(await page.textContent("#play")).toBe("pause");
      const shown = await page
        .waitForFunction(() => window.__gaussmix, null, { timeout: 60_000 })
        .then((h) => h.jsonValue());
      expect(await page.textContent("#play")).toBe("play");
      // Played with 250 ms pauses for several iterations plus a paused second; the time shown is EM's own.
      expect(shown!.nIter).toBeGreaterThan(iteration);
      const ms = Number(/EM took ([\d.]+) ms/.exec((await status(page))!)![1]);
      expect(ms).toBeLessThan(800); // the pauses alone took more than 2 s
      await done();
    });

    it("k out of range is corrected visibly; a collapsed random start is explained", async () => {
      const { page, done } = await open();
      for (const [given, used] of [
        ["50", "10"],
        ["0", "1"],
        ["2.6", "3"],
        ["-4", "1"],
      ]) {
        await page.fill("#k", given);
        await page.click("#fit");
        expect(await page.inputValue("#k")).toBe(used);
        expect(await page.textContent("#k-msg")).toBe(
          `k must be a whole number from 1 to 10; “${given}” was given, so k = ${used} is used.`,
        );
        const shown = await page
          .waitForFunction(() => window.__gaussmix, null, { timeout: 60_000 })
          .then((h) => h.jsonValue());
        expect(shown!.weights.length).toBe(Number(used));
      }
      await page.fill("#k", "4");
      await page.dispatchEvent("#k", "change");
      expect(await page.isHidden("#k-msg")).toBe(true);
      // Random responsibilities start every component at nearly the data mean, and EM stops there at once.
      await page.selectOption("#init", "random");
      await page.fill("#k", "3");
      await fitAndWait(page);
      expect(await status(page)).toMatch(
        /converged to a single cluster: all 3 components share one mean, so the model is one Gaussian\. Try k-means init or another seed\./,
      );
      await page.screenshot({ path: join(artifacts, "demo-collapsed.png") });
      await done();
    });

    it("points added by clicking are fitted; samples beyond the axes are clipped to the plot", async () => {
      const { page, done } = await open();
      await page.selectOption("#dataset", "clicks");
      expect(await page.textContent("#caption")).toBe("Showing: my clicks — 0 points, 2-D");
      const box = (await page.locator("#scatter").boundingBox())!;
      // Four corners of the plotting area and its centre (the margins hold the axes: left 62, top 12, right 14, bottom 46).
      const spots = [
        [90, 40],
        [box.width - 40, 40],
        [90, box.height - 75],
        [box.width - 40, box.height - 75],
        [box.width / 2, box.height / 2],
      ];
      for (const [x, y] of spots) await page.click("#scatter", { position: { x, y } });
      expect(await page.textContent("#caption")).toBe("Showing: my clicks — 5 points, 2-D");
      await page.fill("#k", "1");
      const shown = await fitAndWait(page);
      expect(shown.fitted.n).toBe(5);
      await page.click("#sample");
      await page.waitForFunction(() => /samples drawn/.test(document.getElementById("status")!.textContent!));
      // A Gaussian through the corners puts many samples beyond the axes; none may be drawn on the margins
      // right of and above the plotting area (nothing else is drawn there).
      const stray = await page.evaluate(() => {
        const c = document.getElementById("scatter") as HTMLCanvasElement;
        const dpr = c.width / c.clientWidth;
        const px = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let y = 0; y < c.height; y++) {
          for (let x = 0; x < c.width; x++) {
            const margin = x >= c.width - 12 * dpr || y < 10 * dpr;
            if (margin && px[(y * c.width + x) * 4 + 3] > 0) n++;
          }
        }
        return n;
      });
      expect(stray).toBe(0);
      await page.screenshot({ path: join(artifacts, "demo-clicks-samples.png") });
      await done();
    });

    it("downloads the fitted model as JSON that FittedGaussianMixture.fromJSON loads", async () => {
      const { page, done } = await open();
      expect(await page.isDisabled("#download")).toBe(true);
      const shown = await fitAndWait(page);
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
      expect(download.suggestedFilename()).toBe("gaussmix-model-k3-full.json");
      const path = join(artifacts, "demo-model.json");
      await download.saveAs(path);
      const model = FittedGaussianMixture.fromJSON(readFileSync(path, "utf8"));
      expect(model.means).toEqual(shown.means);
      expect(Array.from(model.weights)).toEqual(shown.weights);
      const ds = threeGaussians(0);
      // The model predicts the page's data as the Node fit of the same data (and the page's kmeans init) does.
      const node = await new GaussianMixture({ nComponents: 3, randomState: 0, initParams: "kmeans" }).fit({
        data: ds.data,
        shape: [ds.n, 2],
      });
      expect(Array.from(model.predict({ data: ds.data, shape: [ds.n, 2] }))).toEqual(
        Array.from(node.predict({ data: ds.data, shape: [ds.n, 2] })),
      );
      await done();
    });

    it("Bayesian switch: k = 8 on three Gaussians keeps 3 effective components, fades the rest, downloads the Bayesian model, and disables BIC over k", async () => {
      const { page, done } = await open();
      expect(await page.isDisabled("#select")).toBe(false);
      await page.check("#bayes");
      // BIC over k compares maximum-likelihood fits: off, with the reason shown, while the switch is on.
      expect(await page.isDisabled("#select")).toBe(true);
      expect(await page.isVisible("#bayes-note")).toBe(true);
      expect(await page.textContent("#bayes-note")).toContain("BIC over k is off for the Bayesian fit");
      await page.fill("#k", "8");
      // Played for a few iterations first: the surplus components are drawn while they fade.
      await page.click("#play");
      await page.waitForFunction(() => /^iteration [3-9]/.test(document.getElementById("status")!.textContent!));
      expect(await status(page)).toMatch(/^iteration \d+: lower bound -?[\d.]+; effective components: \d of 8/);
      expect(await page.getAttribute("#scatter", "data-components")).toBe("8");
      await page.screenshot({ path: join(artifacts, "demo-bayesian-playing.png") });
      await page.click("#fit");
      const shown = await page
        .waitForFunction(() => window.__gaussmix, null, { timeout: 60_000 })
        .then((h) => h.jsonValue());
      expect(shown!.bayesian).toBe(true);
      expect(shown!.weights).toHaveLength(8);
      expect(await status(page)).toMatch(
        /^Bayesian \(Dirichlet process\), k ≤ 8, full, kmeans init, seed 0: converged after \d+ iterations\. .*effective components: 3 of 8 \(weight ≥ 0\.01\)\.$/,
      );
      // Each component is drawn as strongly as its weight: three fully, five faded.
      const alphas = JSON.parse((await page.getAttribute("#scatter", "data-alphas"))!) as number[];
      expect(alphas.filter((a) => a === 1)).toHaveLength(3);
      expect(alphas.filter((a) => a < 0.2)).toHaveLength(5);
      // The curve is the variational bound, titled as such (not a mean log-likelihood).
      expect(await page.textContent("#loglik .u-title")).toBe("lower bound (ELBO) per iteration");
      // The data generated three Gaussians: the three heavy components sit on its three true means.
      const ds = threeGaussians(0);
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
      expect(download.suggestedFilename()).toBe("gaussmix-bayesian-model-k8-full.json");
      const path = join(artifacts, "demo-bayesian-model.json");
      await download.saveAs(path);
      const text = readFileSync(path, "utf8");
      expect(() => FittedGaussianMixture.fromJSON(text)).toThrow();
      const model = FittedBayesianGaussianMixture.fromJSON(text);
      expect(Array.from(model.weights)).toEqual(shown!.weights);
      expect(model.weights.filter((w) => w > 0.01).length).toBeLessThanOrEqual(3);
      // Its three heavy components label the data as a three-component EM fit does (up to the order of labels).
      const X = { data: ds.data, shape: [ds.n, 2] as [number, number] };
      const em = await new GaussianMixture({ nComponents: 3, randomState: 0 }).fit(X);
      const a = model.predict(X);
      const b = em.predict(X);
      const pairs = new Map<number, number>();
      let agree = 0;
      for (let i = 0; i < ds.n; i++) {
        if (!pairs.has(a[i])) pairs.set(a[i], b[i]);
        if (pairs.get(a[i]) === b[i]) agree++;
      }
      expect(new Set(a).size).toBe(3);
      expect(agree / ds.n).toBeGreaterThan(0.97);
      await page.screenshot({ path: join(docs, "demo-bayesian.png") });
      // Switching back: BIC over k is available again and the Bayesian fit is gone.
      await page.uncheck("#bayes");
      expect(await page.isDisabled("#select")).toBe(false);
      expect(await page.isHidden("#bayes-note")).toBe(true);
      expect(await page.evaluate(() => window.__gaussmix)).toBeUndefined();
      await done();
    });

    it("lays out at 390 px (no sideways scrolling) and uses a 1920 px screen; screenshots in docs/", async () => {
      for (const [width, height, file] of [
        [390, 1700, "demo-390.png"],
        [1920, 1080, "demo-1920.png"],
      ] as const) {
        const { page, done } = await open(width, height);
        await page.fill("#k", "3");
        await fitAndWait(page);
        await page.click("#select");
        await page.waitForSelector("#criteria .uplot", { timeout: 60_000 });
        const layout = await page.evaluate(() => {
          const box = (id: string) => document.getElementById(id)!.getBoundingClientRect();
          return {
            scrollWidth: document.documentElement.scrollWidth,
            scatter: box("scatter"),
            loglik: box("loglik"),
            criteria: box("criteria"),
          };
        });
        expect(layout.scrollWidth).toBeLessThanOrEqual(width);
        if (width === 1920) {
          // Three columns: the scatter is large and the charts sit beside it, not under it.
          expect(layout.scatter.width).toBeGreaterThan(900);
          expect(layout.loglik.left).toBeGreaterThan(layout.scatter.right);
          expect(layout.criteria.bottom).toBeLessThanOrEqual(height);
        } else {
          expect(layout.scatter.width).toBeGreaterThan(330);
          expect(layout.loglik.top).toBeGreaterThan(layout.scatter.bottom);
        }
        await page.screenshot({ path: join(docs, file), fullPage: width === 390 });
        await done();
      }
    });

    it("stays responsive during a 100,000-point fit (the fit runs in a worker) and draws the ellipses over the points", async () => {
      const { page, done } = await open(1280, 980);
      await page.selectOption("#dataset", "large");
      await page.click("#fit");
      const t = Date.now();
      const answered = await page.evaluate(
        () => new Promise<number>((r) => setTimeout(() => r(performance.now()), 10)),
      );
      expect(answered).toBeGreaterThan(0);
      expect(Date.now() - t).toBeLessThan(2000);
      const shown = await page
        .waitForFunction(() => window.__gaussmix, null, { timeout: 60_000 })
        .then((h) => h.jsonValue());
      expect(shown!.fitted.n).toBe(large(0).n);
      // Each mean's cross is drawn over the points (in the densest spot there is): its centre pixel is the cross's
      // near-black, not a point's colour.
      const centres = await page.evaluate(() => {
        const c = document.getElementById("scatter") as HTMLCanvasElement;
        const dpr = c.width / c.clientWidth;
        const ctx = c.getContext("2d")!;
        return (JSON.parse(c.dataset.means!) as number[][]).map(([x, y]) =>
          Array.from(ctx.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data),
        );
      });
      expect(centres).toHaveLength(3);
      for (const [r, g, b, a] of centres) expect(Math.max(r, g, b) < 60 && a === 255, `${[r, g, b, a]}`).toBe(true);
      await page.screenshot({ path: join(artifacts, "demo-large.png") });
      await done();
    });
  },
);
