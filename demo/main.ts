/** The demo page: controls, the animated scatter with ellipses, the 1-D densities and the charts. */
import uPlot from "uplot";
import type { CovarianceType, InitParams } from "../src/index.js";
import { type DataSet, large, stretchedBlobs, threeGaussians, twoClasses1D } from "./data.js";
import type { FromWorker, Params, ToWorker } from "./protocol.js";

const COLORS = ["#d1495b", "#00798c", "#edae49", "#30638e", "#66a182", "#8d5a97", "#f28f3b", "#4f5d75", "#c8553d", "#2e86ab"];
const RGB = COLORS.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const canvas = $<HTMLCanvasElement>("scatter");
const ctx = canvas.getContext("2d")!;
const status = $<HTMLParagraphElement>("status");
let worker = makeWorker();
let data: DataSet = threeGaussians(0);
let clicks: number[] = [];
let params: Params | undefined;
let resp: Float32Array | undefined;
let samples: { data: Float64Array; labels: Int32Array } | undefined;
let lowerBounds: number[] = [];
let running = false;
let view = bounds(data);

declare global {
  interface Window {
    /** The last finished fit, for tests and the curious. */
    __gaussmix?: { weights: number[]; means: number[][]; lowerBound: number; nIter: number; converged: boolean };
  }
}

function makeWorker(): Worker {
  const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  w.onmessage = (ev: MessageEvent<FromWorker>) => receive(ev.data);
  return w;
}

const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);

function bounds(ds: DataSet) {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < ds.n; i++) {
    const x = ds.data[i * ds.d];
    const y = ds.d === 2 ? ds.data[i * ds.d + 1] : 0;
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  if (!Number.isFinite(x0)) [x0, x1, y0, y1] = [-5, 5, -5, 5];
  const px = (x1 - x0) * 0.08 || 1;
  const py = (y1 - y0) * 0.08 || 1;
  return { x0: x0 - px, x1: x1 + px, y0: y0 - py, y1: y1 + py };
}

const sx = (x: number) => ((x - view.x0) / (view.x1 - view.x0)) * canvas.width;
const sy = (y: number) => canvas.height - ((y - view.y0) / (view.y1 - view.y0)) * canvas.height;

function options() {
  return {
    nComponents: Math.max(1, Math.min(10, Number($<HTMLInputElement>("k").value) || 1)),
    covarianceType: $<HTMLSelectElement>("cov").value as CovarianceType,
    initParams: $<HTMLSelectElement>("init").value as InitParams,
    seed: Number($<HTMLInputElement>("seed").value) || 0,
  };
}

function loadData(): void {
  const which = $<HTMLSelectElement>("dataset").value;
  const seed = options().seed;
  data =
    which === "oned" ? twoClasses1D(seed)
    : which === "stretched" ? stretchedBlobs(seed)
    : which === "large" ? large(seed)
    : which === "clicks" ? { data: Float64Array.from(clicks), d: 2, n: clicks.length / 2 }
    : threeGaussians(seed);
  view = bounds(data);
  reset();
}

function reset(): void {
  if (running) {
    worker.terminate();
    worker = makeWorker();
    running = false;
  }
  params = undefined;
  resp = undefined;
  samples = undefined;
  lowerBounds = [];
  canvas.dataset.components = "0";
  drawAll();
}

function start(delay: number): void {
  if (data.n < 2) {
    status.textContent = "Add at least two points (click the plot) first.";
    return;
  }
  reset();
  running = true;
  const o = options();
  const copy = data.data.slice();
  send({ type: "fit", data: copy, d: data.d, nComponents: o.nComponents, covarianceType: o.covarianceType, initParams: o.initParams, seed: o.seed, delay }, [copy.buffer]);
  status.textContent = "fitting…";
}

function receive(m: FromWorker): void {
  if (m.type === "iteration" || m.type === "done") {
    params = m;
    resp = m.resp;
    if (m.type === "iteration") lowerBounds.push(m.lowerBound);
    if (m.type === "done") {
      running = false;
      window.__gaussmix = { weights: m.weights, means: m.means, lowerBound: m.lowerBound, nIter: m.nIter, converged: m.converged };
      status.textContent = `${m.converged ? "converged" : "stopped"} after ${m.nIter} iteration${m.nIter === 1 ? "" : "s"} in ${m.ms.toFixed(0)} ms; mean log-likelihood ${m.lowerBound.toFixed(4)}`;
      document.body.dataset.fit = "done";
    } else {
      status.textContent = `iteration ${m.iteration}: mean log-likelihood ${m.lowerBound.toFixed(4)}`;
    }
    drawAll();
  } else if (m.type === "selection") {
    drawCriteria(m.ks, m.bic, m.aic);
    const best = m.ks[m.bic.indexOf(Math.min(...m.bic))];
    status.textContent = `BIC is lowest at k = ${best}.`;
  } else if (m.type === "samples") {
    samples = m;
    drawAll();
    status.textContent = `${m.labels.length} samples drawn from the fitted model (hollow points).`;
  } else if (m.type === "error") {
    running = false;
    status.textContent = `error: ${m.message}`;
  }
}

function drawAll(): void {
  const oneD = data.d === 1;
  canvas.classList.toggle("hidden", oneD);
  $("density").classList.toggle("hidden", !oneD);
  if (oneD) drawDensity();
  else drawScatter();
  drawLogLik();
  drawLegend();
}

function drawScatter(): void {
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const k = params?.weights.length ?? 0;
  const step = Math.max(1, Math.floor(data.n / 20000)); // draw at most ~20,000 points
  const r = data.n > 5000 ? 1.4 : 2.4;
  for (let i = 0; i < data.n; i += step) {
    let rgb = [120, 128, 140];
    if (resp && k) {
      rgb = [0, 0, 0];
      for (let c = 0; c < k; c++) for (let j = 0; j < 3; j++) rgb[j] += resp[i * k + c] * RGB[c % RGB.length][j];
    }
    ctx.fillStyle = `rgba(${rgb[0] | 0},${rgb[1] | 0},${rgb[2] | 0},0.75)`;
    ctx.beginPath();
    ctx.arc(sx(data.data[2 * i]), sy(data.data[2 * i + 1]), r, 0, 2 * Math.PI);
    ctx.fill();
  }
  if (samples) {
    for (let i = 0; i < samples.labels.length; i++) {
      ctx.strokeStyle = COLORS[samples.labels[i] % COLORS.length];
      ctx.beginPath();
      ctx.arc(sx(samples.data[2 * i]), sy(samples.data[2 * i + 1]), 3, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  if (!params) return;
  params.means.forEach((mu, c) => {
    const cov = params!.covariances[c];
    // Ellipse axes from the eigen-decomposition of the 2×2 covariance.
    const [a, b, d] = [cov[0][0], cov[0][1], cov[1][1]];
    const tr = (a + d) / 2;
    const disc = Math.sqrt(((a - d) / 2) ** 2 + b * b);
    const l1 = tr + disc;
    const l2 = Math.max(tr - disc, 0);
    const angle = Math.atan2(l1 - a, b || 1e-300);
    const color = COLORS[c % COLORS.length];
    for (const s of [1, 2]) {
      ctx.strokeStyle = color;
      ctx.lineWidth = s === 1 ? 2.2 : 1.2;
      ctx.setLineDash(s === 1 ? [] : [6, 4]);
      ctx.beginPath();
      for (let t = 0; t <= 64; t++) {
        const th = (t / 64) * 2 * Math.PI;
        const u = s * Math.sqrt(l1) * Math.cos(th);
        const v = s * Math.sqrt(l2) * Math.sin(th);
        const x = mu[0] + u * Math.cos(angle) - v * Math.sin(angle);
        const y = mu[1] + u * Math.sin(angle) + v * Math.cos(angle);
        if (t === 0) ctx.moveTo(sx(x), sy(y));
        else ctx.lineTo(sx(x), sy(y));
      }
      ctx.stroke();
    }
    ctx.setLineDash([]);
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#111";
    const [mx, my] = [sx(mu[0]), sy(mu[1])];
    ctx.beginPath();
    ctx.moveTo(mx - 7, my); ctx.lineTo(mx + 7, my); ctx.moveTo(mx, my - 7); ctx.lineTo(mx, my + 7);
    ctx.stroke();
  });
  canvas.dataset.components = String(params.means.length);
}

let densityPlot: uPlot | undefined;
function drawDensity(): void {
  const bins = 60;
  const xs = Array.from({ length: 241 }, (_, i) => view.x0 + ((view.x1 - view.x0) * i) / 240);
  const width = (view.x1 - view.x0) / bins;
  const counts = new Array(bins).fill(0);
  for (let i = 0; i < data.n; i++) counts[Math.min(bins - 1, Math.floor((data.data[i] - view.x0) / width))]++;
  // Histogram as a density, evaluated on the same grid as the curves.
  const hist = xs.map((x) => counts[Math.min(bins - 1, Math.max(0, Math.floor((x - view.x0) / width)))] / (data.n * width));
  const comps = (params?.weights ?? []).map((w, c) => {
    const m = params!.means[c][0];
    const v = params!.covariances[c][0][0];
    return xs.map((x) => (w * Math.exp(-((x - m) ** 2) / (2 * v))) / Math.sqrt(2 * Math.PI * v));
  });
  const mixture = xs.map((_, i) => comps.reduce((s, c) => s + c[i], 0));
  const series: uPlot.Series[] = [
    {},
    { label: "histogram", stroke: "#9aa3b2", fill: "rgba(154,163,178,0.35)", paths: uPlot.paths.stepped!({ align: 1 }) },
    ...comps.map((_, c) => ({ label: `component ${c}`, stroke: COLORS[c % COLORS.length], width: 2 })),
    ...(comps.length ? [{ label: "mixture", stroke: "#111", width: 2.5 }] : []),
  ];
  const rows = [xs, hist, ...comps, ...(comps.length ? [mixture] : [])];
  densityPlot?.destroy();
  densityPlot = new uPlot({ width: 640, height: 360, title: "1-D data: histogram, component densities and the mixture", series, scales: { x: { time: false } }, axes: [{}, { size: 56 }] }, rows as uPlot.AlignedData, $("density"));
  $("density").dataset.components = String(comps.length);
}

let llPlot: uPlot | undefined;
function drawLogLik(): void {
  const xs = lowerBounds.map((_, i) => i + 1);
  const opts: uPlot.Options = { width: 320, height: 220, title: "mean log-likelihood per iteration", scales: { x: { time: false } }, axes: [{}, { size: 64 }], series: [{ label: "iteration" }, { label: "log-likelihood", stroke: "#30638e", width: 2, points: { show: true } }] };
  llPlot?.destroy();
  llPlot = new uPlot(opts, [xs, lowerBounds], $("loglik"));
}

let critPlot: uPlot | undefined;
function drawCriteria(ks: number[], bic: number[], aic: number[]): void {
  critPlot?.destroy();
  critPlot = new uPlot({ width: 320, height: 220, title: "BIC and AIC over k (lower is better)", scales: { x: { time: false } }, axes: [{}, { size: 64 }], series: [{ label: "k" }, { label: "BIC", stroke: "#d1495b", width: 2, points: { show: true } }, { label: "AIC", stroke: "#00798c", width: 2, points: { show: true } }] }, [ks, bic, aic], $("criteria"));
}

function drawLegend(): void {
  const legend = $("legend");
  legend.innerHTML = "";
  params?.weights.forEach((w, c) => {
    const li = document.createElement("li");
    li.innerHTML = `<i style="background:${COLORS[c % COLORS.length]}"></i> component ${c}: weight ${w.toFixed(3)}, mean (${params!.means[c].map((v) => v.toFixed(2)).join(", ")})`;
    legend.appendChild(li);
  });
}

canvas.addEventListener("click", (ev) => {
  const rect = canvas.getBoundingClientRect();
  const x = view.x0 + ((ev.clientX - rect.left) / rect.width) * (view.x1 - view.x0);
  const y = view.y0 + (1 - (ev.clientY - rect.top) / rect.height) * (view.y1 - view.y0);
  if ($<HTMLSelectElement>("dataset").value !== "clicks") {
    clicks = Array.from(data.d === 2 ? data.data : []);
    $<HTMLSelectElement>("dataset").value = "clicks";
  }
  clicks.push(x, y);
  data = { data: Float64Array.from(clicks), d: 2, n: clicks.length / 2 };
  reset();
});

$<HTMLInputElement>("csv").addEventListener("change", async (ev) => {
  const file = (ev.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const lines = (await file.text()).trim().split(/\r?\n/);
  const rows = lines.map((l) => l.split(",").map(Number)).filter((r) => r.length && r.every(Number.isFinite));
  const d = Math.min(2, rows[0]?.length ?? 0) as 1 | 2;
  if (rows.length < 2 || d < 1) {
    status.textContent = "The CSV needs at least two rows of numbers (the first one or two columns are used).";
    return;
  }
  data = { data: Float64Array.from(rows.flatMap((r) => r.slice(0, d))), d, n: rows.length };
  view = bounds(data);
  status.textContent = `${rows.length} rows loaded from ${file.name}.`;
  reset();
});

$("dataset").addEventListener("change", loadData);
$("seed").addEventListener("change", loadData);
$("step").addEventListener("click", () => (running ? send({ type: "step" }) : start(-1)));
$("play").addEventListener("click", () => (running ? send({ type: "play", delay: 250 }) : start(250)));
$("fit").addEventListener("click", () => (running ? send({ type: "play", delay: 0 }) : start(0)));
$("reset").addEventListener("click", reset);
$("select").addEventListener("click", () => {
  const copy = data.data.slice();
  send({ type: "select", data: copy, d: data.d, covarianceType: options().covarianceType, seed: options().seed }, [copy.buffer]);
  status.textContent = "fitting k = 1…8…";
});
$("sample").addEventListener("click", () => {
  if (!params || running) {
    status.textContent = "Fit a model first.";
    return;
  }
  send({ type: "sample", n: Math.min(1000, data.n), seed: options().seed + 1 });
});

loadData();
