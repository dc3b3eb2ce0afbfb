/** The 2-D scatter plot on a canvas: axes with ticks and names, points coloured by responsibility, samples, ellipses. */
import type { DataSet } from "./data.js";
import type { Params } from "./protocol.js";

export const COLORS = [
  "#d1495b",
  "#00798c",
  "#edae49",
  "#30638e",
  "#66a182",
  "#8d5a97",
  "#f28f3b",
  "#4f5d75",
  "#c8553d",
  "#2e86ab",
];
const RGB = COLORS.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
/** Room for the tick labels and axis names around the plotting area (CSS pixels). */
const MARGIN = { left: 62, right: 14, top: 12, bottom: 46 };
/** At most this many points are drawn (every m-th point above it). */
const MAX_DRAWN = 20000;

export interface View {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface ScatterState {
  data: DataSet;
  view: View;
  params?: Params;
  resp?: Float32Array;
  samples?: { data: Float64Array; labels: Int32Array };
  /** Opacity of each component's ellipses and mean (1 when absent). */
  alphas?: number[];
}

/** The data's range with 8 % padding on each side. */
export function bounds(ds: DataSet): View {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < ds.n; i++) {
    const x = ds.data[i * ds.d];
    const y = ds.d === 2 ? ds.data[i * ds.d + 1] : 0;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  if (!Number.isFinite(x0)) [x0, x1, y0, y1] = [-5, 5, -5, 5];
  const px = (x1 - x0) * 0.08 || 1;
  const py = (y1 - y0) * 0.08 || 1;
  return { x0: x0 - px, x1: x1 + px, y0: y0 - py, y1: y1 + py };
}

/** About `count` round tick values (steps of 1, 2 or 5 × 10^k) inside [lo, hi]. */
export function ticks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

const label = (v: number) => String(Number(v.toPrecision(6)));

/** The plotting area in CSS pixels and the data → pixel maps. */
function frame(canvas: HTMLCanvasElement, view: View) {
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  const pw = w - MARGIN.left - MARGIN.right;
  const ph = h - MARGIN.top - MARGIN.bottom;
  return {
    w,
    h,
    pw,
    ph,
    sx: (x: number) => MARGIN.left + ((x - view.x0) / (view.x1 - view.x0)) * pw,
    sy: (y: number) => MARGIN.top + ph - ((y - view.y0) / (view.y1 - view.y0)) * ph,
  };
}

/** The data coordinates of a click, or undefined outside the plotting area. */
export function toData(canvas: HTMLCanvasElement, view: View, ev: MouseEvent): [number, number] | undefined {
  const rect = canvas.getBoundingClientRect();
  const { pw, ph } = frame(canvas, view);
  const u = (ev.clientX - rect.left - MARGIN.left) / pw;
  const v = (ev.clientY - rect.top - MARGIN.top) / ph;
  if (u < 0 || u > 1 || v < 0 || v > 1) return undefined;
  return [view.x0 + u * (view.x1 - view.x0), view.y0 + (1 - v) * (view.y1 - view.y0)];
}

export function drawScatter(canvas: HTMLCanvasElement, s: ScatterState): void {
  const dpr = window.devicePixelRatio || 1;
  const f = frame(canvas, s.view);
  if (canvas.width !== Math.round(f.w * dpr) || canvas.height !== Math.round(f.h * dpr)) {
    canvas.width = Math.round(f.w * dpr);
    canvas.height = Math.round(f.h * dpr);
  }
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, f.w, f.h);
  drawAxes(ctx, f, s);

  // Everything inside the plotting area only: samples or ellipses beyond the data's range are clipped.
  ctx.save();
  ctx.beginPath();
  ctx.rect(MARGIN.left, MARGIN.top, f.pw, f.ph);
  ctx.clip();
  const { data, resp, params } = s;
  const k = params?.weights.length ?? 0;
  const step = Math.max(1, Math.floor(data.n / MAX_DRAWN));
  const r = data.n > 5000 ? 1.4 : data.n > 300 ? 2.4 : 3.5;
  for (let i = 0; i < data.n; i += step) {
    let rgb = [120, 128, 140];
    if (resp && k && resp.length === data.n * k) {
      rgb = [0, 0, 0];
      for (let c = 0; c < k; c++) for (let j = 0; j < 3; j++) rgb[j] += resp[i * k + c] * RGB[c % RGB.length][j];
    }
    ctx.fillStyle = `rgba(${rgb[0] | 0},${rgb[1] | 0},${rgb[2] | 0},0.75)`;
    ctx.beginPath();
    ctx.arc(f.sx(data.data[2 * i]), f.sy(data.data[2 * i + 1]), r, 0, 2 * Math.PI);
    ctx.fill();
  }
  if (s.samples) {
    ctx.lineWidth = 1.3;
    for (let i = 0; i < s.samples.labels.length; i++) {
      ctx.strokeStyle = COLORS[s.samples.labels[i] % COLORS.length];
      ctx.beginPath();
      ctx.arc(f.sx(s.samples.data[2 * i]), f.sy(s.samples.data[2 * i + 1]), 3, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  // Ellipses and means last, over the points, each stroke on a white outline so they show on dense data.
  params?.means.forEach((mu, c) => {
    ctx.globalAlpha = s.alphas?.[c] ?? 1;
    drawComponent(ctx, f, mu, params.covariances[c], COLORS[c % COLORS.length]);
  });
  ctx.globalAlpha = 1;
  ctx.restore();
  canvas.dataset.components = String(k);
  canvas.dataset.alphas = JSON.stringify((s.alphas ?? []).map((a) => Math.round(a * 100) / 100));
  canvas.dataset.axes = s.data.names.join(" × ");
  // Where the means were drawn (CSS pixels), so a test can look at those pixels.
  canvas.dataset.means = JSON.stringify(
    (params?.means ?? []).map((mu) => [Math.round(f.sx(mu[0])), Math.round(f.sy(mu[1]))]),
  );
}

function drawAxes(ctx: CanvasRenderingContext2D, f: ReturnType<typeof frame>, s: ScatterState): void {
  const { view } = s;
  ctx.strokeStyle = "#9aa3b2";
  ctx.fillStyle = "#3b4352";
  ctx.lineWidth = 1;
  ctx.font = "12px system-ui, sans-serif";
  ctx.strokeRect(MARGIN.left + 0.5, MARGIN.top + 0.5, f.pw, f.ph);
  const x0 = MARGIN.left;
  const yb = MARGIN.top + f.ph;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of ticks(view.x0, view.x1, Math.max(2, Math.floor(f.pw / 80)))) {
    const x = Math.round(f.sx(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, yb);
    ctx.lineTo(x, yb + 5);
    ctx.stroke();
    ctx.fillText(label(t), x, yb + 7);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of ticks(view.y0, view.y1, Math.max(2, Math.floor(f.ph / 60)))) {
    const y = Math.round(f.sy(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x0 - 5, y);
    ctx.lineTo(x0, y);
    ctx.stroke();
    ctx.fillText(label(t), x0 - 7, y);
  }
  ctx.font = "600 13px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText(s.data.names[0] ?? "x", MARGIN.left + f.pw / 2, f.h - 2);
  ctx.save();
  ctx.translate(14, MARGIN.top + f.ph / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle";
  ctx.fillText(s.data.names[1] ?? "y", 0, 0);
  ctx.restore();
}

/** One component: 1σ and 2σ ellipses from the eigen-decomposition of its 2×2 covariance, and a cross at the mean. */
function drawComponent(
  ctx: CanvasRenderingContext2D,
  f: ReturnType<typeof frame>,
  mu: number[],
  cov: number[][],
  color: string,
): void {
  const [a, b, d] = [cov[0][0], cov[0][1], cov[1][1]];
  const tr = (a + d) / 2;
  const disc = Math.sqrt(((a - d) / 2) ** 2 + b * b);
  const l1 = tr + disc;
  const l2 = Math.max(tr - disc, 0);
  const angle = Math.atan2(l1 - a, b || 1e-300);
  const path = (s: number) => {
    ctx.beginPath();
    for (let t = 0; t <= 72; t++) {
      const th = (t / 72) * 2 * Math.PI;
      const u = s * Math.sqrt(l1) * Math.cos(th);
      const v = s * Math.sqrt(l2) * Math.sin(th);
      const x = f.sx(mu[0] + u * Math.cos(angle) - v * Math.sin(angle));
      const y = f.sy(mu[1] + u * Math.sin(angle) + v * Math.cos(angle));
      if (t === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
  };
  for (const s of [2, 1]) {
    const width = s === 1 ? 2.4 : 1.5;
    ctx.setLineDash(s === 1 ? [] : [7, 4]);
    path(s);
    ctx.strokeStyle = "rgba(255,255,255,0.95)";
    ctx.lineWidth = width + (f.pw < 500 ? 1.5 : 3);
    ctx.stroke();
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.stroke();
  }
  ctx.setLineDash([]);
  const [mx, my] = [f.sx(mu[0]), f.sy(mu[1])];
  ctx.beginPath();
  ctx.moveTo(mx - 7, my);
  ctx.lineTo(mx + 7, my);
  ctx.moveTo(mx, my - 7);
  ctx.lineTo(mx, my + 7);
  ctx.strokeStyle = "#fff";
  ctx.lineWidth = 6;
  ctx.stroke();
  ctx.strokeStyle = "#111";
  ctx.lineWidth = 3;
  ctx.stroke();
}
