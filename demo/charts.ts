/** The uPlot charts: 1-D densities, the log-likelihood per iteration, BIC over k for each covariance type. */
import uPlot from "uplot";
import type { DataSet } from "./data.js";
import type { Params, SelectionCell } from "./protocol.js";
import { COLORS, type View } from "./scatter.js";

/** Integer steps for axes that count (iterations, k). */
const INTEGER_AXIS: Partial<uPlot.Axis> = {
  incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  values: (_u, vals) => vals.map((v) => String(Math.round(v))),
};
const TYPE_COLORS: Record<string, string> = { full: "#d1495b", tied: "#00798c", diag: "#edae49", spherical: "#30638e" };

/** Tick labels with as many decimals as the tick step needs (no repeated labels on a narrow range). */
const STEP_DECIMALS: Partial<uPlot.Axis> = {
  values: (_u, vals, _axis, _space, incr) => {
    const decimals = Math.max(0, Math.min(12, -Math.floor(Math.log10(incr) + 1e-9)));
    return vals.map((v) => v.toFixed(decimals));
  },
};

/** A y axis as wide as its longest tick label (long labels are not cut at the panel's edge). */
const labelWidth = (_u: uPlot, values: string[] | null) =>
  values?.length ? Math.max(...values.map((v) => v.length)) * 7.5 + 20 : 50;

/** A y range around the data with some room, also when the values barely change. */
const paddedRange: uPlot.Range.Function = (_u, min, max) => {
  const pad = Math.max((max - min) * 0.12, Math.abs(max) * 1e-6, 1e-9);
  return [min - pad, max + pad];
};

/** Width for a chart filling `el` (its content box). */
const widthOf = (el: HTMLElement) => Math.max(200, el.clientWidth - 10);

/** Sizes the plot so that the chart (title, plot and legend) fills its panel's fixed height: no layout jump. */
function fitPanel(u: uPlot, el: HTMLElement): void {
  // After the browser has laid the chart out (uPlot sizes its parts in a microtask after construction).
  requestAnimationFrame(() => {
    if (!el.contains(u.root)) return; // replaced meanwhile
    fitNow(u, el);
  });
}

function fitNow(u: uPlot, el: HTMLElement): void {
  const style = getComputedStyle(el);
  const inner = el.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  const title = (el.querySelector(".u-title") as HTMLElement | null)?.offsetHeight ?? 0;
  const legend = (el.querySelector(".u-legend") as HTMLElement | null)?.offsetHeight ?? 0;
  u.setSize({ width: u.width, height: Math.max(120, Math.floor(inner - title - legend - 4)) });
}

/** Replaces whatever `el` shows by a short note (keeps the panel's reserved size). */
function placeholder(el: HTMLElement, text: string): void {
  el.replaceChildren();
  const p = document.createElement("p");
  p.className = "placeholder";
  p.textContent = text;
  el.appendChild(p);
}

let densityPlot: uPlot | undefined;
/** 1-D data: histogram, each component's weighted density, the mixture, and a histogram of drawn samples. */
export function drawDensity(el: HTMLElement, data: DataSet, view: View, params?: Params, samples?: Float64Array): void {
  const bins = 60;
  const xs = Array.from({ length: 241 }, (_, i) => view.x0 + ((view.x1 - view.x0) * i) / 240);
  const width = (view.x1 - view.x0) / bins;
  const histogram = (values: Float64Array) => {
    const counts = new Array(bins).fill(0);
    for (const v of values) {
      const b = Math.floor((v - view.x0) / width);
      if (b >= 0 && b < bins) counts[b]++;
    }
    // As a density on the same grid as the curves.
    return xs.map(
      (x) => counts[Math.min(bins - 1, Math.max(0, Math.floor((x - view.x0) / width)))] / (values.length * width),
    );
  };
  const comps = (params?.weights ?? []).map((w, c) => {
    const m = params!.means[c][0];
    const v = params!.covariances[c][0][0];
    return xs.map((x) => (w * Math.exp(-((x - m) ** 2) / (2 * v))) / Math.sqrt(2 * Math.PI * v));
  });
  const mixture = xs.map((_, i) => comps.reduce((s, c) => s + c[i], 0));
  const series: uPlot.Series[] = [
    {},
    {
      label: "data (histogram)",
      stroke: "#9aa3b2",
      fill: "rgba(154,163,178,0.35)",
      paths: uPlot.paths.stepped!({ align: 1 }),
    },
    // Filled components under a dashed mixture: where components do not overlap the two curves coincide.
    ...comps.map((_, c) => ({
      label: `component ${c}`,
      stroke: COLORS[c % COLORS.length],
      fill: `${COLORS[c % COLORS.length]}33`,
      width: 2.5,
    })),
    ...(comps.length ? [{ label: "mixture", stroke: "#111", width: 1.5, dash: [6, 4] }] : []),
    ...(samples
      ? [
          {
            label: `samples (${samples.length}, histogram)`,
            stroke: "#8d5a97",
            width: 2,
            dash: [5, 3],
            paths: uPlot.paths.stepped!({ align: 1 }),
          },
        ]
      : []),
  ];
  const rows = [
    xs,
    histogram(data.data),
    ...comps,
    ...(comps.length ? [mixture] : []),
    ...(samples ? [histogram(samples)] : []),
  ];
  densityPlot?.destroy();
  el.replaceChildren();
  const opts: uPlot.Options = {
    width: widthOf(el),
    height: Math.min(420, Math.max(260, Math.round(widthOf(el) * 0.6))),
    title: "1-D data: histogram, component densities and the mixture",
    series,
    legend: { live: false },
    scales: { x: { time: false } },
    axes: [{ label: data.names[0] ?? "x" }, { size: 56, label: "density" }],
  };
  densityPlot = new uPlot(opts, rows as uPlot.AlignedData, el);
  el.dataset.components = String(comps.length);
  el.dataset.samples = String(samples?.length ?? 0);
}

let llPlot: uPlot | undefined;
/** `bayesian`: the values are the variational fit's evidence lower bound (not divided by n), titled so. */
export function drawLogLik(el: HTMLElement, lowerBounds: number[], bayesian = false): void {
  llPlot?.destroy();
  llPlot = undefined;
  if (lowerBounds.length === 0) {
    placeholder(
      el,
      "The mean log-likelihood per EM iteration is drawn here while a fit runs (press play, step or fit).",
    );
    return;
  }
  el.replaceChildren();
  const xs = lowerBounds.map((_, i) => i + 1);
  const opts: uPlot.Options = {
    width: widthOf(el),
    height: 230,
    title: bayesian ? "lower bound (ELBO) per iteration" : "mean log-likelihood per iteration",
    scales: { x: { time: false, range: (_u, _min, max) => [1, Math.max(2, max)] }, y: { range: paddedRange } },
    axes: [
      { ...INTEGER_AXIS, label: "iteration" },
      { size: labelWidth, ...STEP_DECIMALS },
    ],
    legend: { show: false },
    series: [
      { label: "iteration" },
      { label: bayesian ? "lower bound" : "log-likelihood", stroke: "#30638e", width: 2, points: { show: true } },
    ],
  };
  llPlot = new uPlot(opts, [xs, lowerBounds], el);
  fitPanel(llPlot, el);
}

let critPlot: uPlot | undefined;
/**
 * BIC over k with one line per covariance type (as mclust plots it; lower is better here), and the lowest-BIC
 * cell marked with a ring and a dashed line at its k.
 */
export function drawCriteria(
  el: HTMLElement,
  cells: SelectionCell[] | undefined,
  progress?: string,
): SelectionCell | undefined {
  critPlot?.destroy();
  critPlot = undefined;
  if (!cells) {
    placeholder(el, progress ?? "BIC over k for each covariance type is drawn here: press “BIC over k”.");
    return undefined;
  }
  const ks = [...new Set(cells.map((c) => c.k))].sort((a, b) => a - b);
  const types = [...new Set(cells.map((c) => c.covarianceType))];
  const value = (t: string, k: number) => {
    const v = cells.find((c) => c.covarianceType === t && c.k === k)?.bic;
    return v === undefined || !Number.isFinite(v) ? null : v;
  };
  const finite = cells.filter((c) => Number.isFinite(c.bic));
  const best = finite.length ? finite.reduce((a, b) => (b.bic < a.bic ? b : a)) : undefined;
  el.replaceChildren();
  const series: uPlot.Series[] = [
    { label: "k" },
    ...types.map((t) => ({ label: `BIC ${t}`, stroke: TYPE_COLORS[t], width: 2, points: { show: true } })),
  ];
  const rows = [ks, ...types.map((t) => ks.map((k) => value(t, k)))];
  const markBest = (u: uPlot) => {
    if (!best) return;
    const x = u.valToPos(best.k, "x", true);
    const y = u.valToPos(best.bic, "y", true);
    const c = u.ctx;
    const dpr = devicePixelRatio || 1;
    c.save();
    c.strokeStyle = "#111";
    c.setLineDash([4 * dpr, 4 * dpr]);
    c.lineWidth = dpr;
    c.beginPath();
    c.moveTo(x, u.bbox.top);
    c.lineTo(x, u.bbox.top + u.bbox.height);
    c.stroke();
    c.setLineDash([]);
    c.lineWidth = 2.5 * dpr;
    c.beginPath();
    c.arc(x, y, 8 * dpr, 0, 2 * Math.PI);
    c.stroke();
    c.fillStyle = "#111";
    c.font = `${12 * dpr}px system-ui, sans-serif`;
    c.textAlign = x > u.bbox.left + u.bbox.width * 0.7 ? "right" : "left";
    c.fillText(
      `lowest BIC: k = ${best.k}, ${best.covarianceType}`,
      x + (c.textAlign === "right" ? -12 : 12) * dpr,
      u.bbox.top + 14 * dpr,
    );
    c.restore();
  };
  const opts: uPlot.Options = {
    width: widthOf(el),
    height: 230,
    title: "BIC over k by covariance type (lower is better)",
    scales: { x: { time: false, range: (_u, _min, max) => [1, Math.max(2, max)] } },
    axes: [{ ...INTEGER_AXIS, label: "k (components)" }, { size: labelWidth }],
    series,
    legend: { live: false },
    hooks: { draw: [markBest] },
  };
  critPlot = new uPlot(opts, rows as uPlot.AlignedData, el);
  fitPanel(critPlot, el);
  el.dataset.best = best ? `${best.k} ${best.covarianceType}` : "";
  return best;
}
