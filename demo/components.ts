/**
 * What the page says about the fitted components: the legend, whether a fit collapsed to one mean, and for the
 * Bayesian (Dirichlet process) fit how many components carry weight and how strongly each is drawn.
 */
import type { Params } from "./protocol.js";
import { COLORS } from "./scatter.js";

/** A component of the Bayesian fit counts as effective from this weight on (its status line says so). */
export const EFFECTIVE_WEIGHT = 0.01;

/** How many components weigh at least EFFECTIVE_WEIGHT. */
export const effectiveCount = (weights: readonly number[]) => weights.filter((w) => w >= EFFECTIVE_WEIGHT).length;

/** The status line of a Bayesian fit, e.g. "effective components: 3 of 8 (weight ≥ 0.01)". */
export const effectiveLine = (weights: readonly number[]) =>
  `effective components: ${effectiveCount(weights)} of ${weights.length} (weight ≥ ${EFFECTIVE_WEIGHT})`;

/**
 * Opacity of each component's ellipses and mean, following its weight: a component with its even share (1/k) or
 * more is drawn fully, one that the Dirichlet process prior empties fades to a faint trace (never quite invisible,
 * so the fading can be watched).
 */
export const componentAlphas = (weights: readonly number[]) =>
  weights.map((w) => 0.15 + 0.85 * Math.min(1, Math.max(0, w) * weights.length));

/** Whether all components sit on (nearly) one mean: every pair closer than a quarter of their standard deviation. */
export function collapsed(p: Params): boolean {
  const k = p.means.length;
  if (k < 2) return false;
  const sd = p.covariances.map((c) => Math.sqrt(c.reduce((s, row, i) => s + row[i], 0) / c.length));
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const dist = Math.hypot(...p.means[i].map((v, t) => v - p.means[j][t]));
      if (!(dist < 0.25 * Math.min(sd[i], sd[j]))) return false;
    }
  }
  return true;
}

/** One legend line per component (faded like its ellipse when `alphas` is given). */
export function legendItems(params: Params | undefined, alphas?: number[]): HTMLLIElement[] {
  return (params?.weights ?? []).map((w, c) => {
    const li = document.createElement("li");
    const dot = document.createElement("i");
    dot.style.background = COLORS[c % COLORS.length];
    if (alphas) li.style.opacity = String(Math.max(0.35, alphas[c]));
    li.append(
      dot,
      ` component ${c}: weight ${w.toFixed(3)}, mean (${params!.means[c].map((v) => v.toFixed(2)).join(", ")})`,
    );
    return li;
  });
}

/**
 * The "Bayesian (Dirichlet process)" switch: BIC over k compares maximum-likelihood fits and says nothing about
 * the variational one, so its button is disabled, with the reason next to it, while the switch is on.
 */
export function syncBayesianControls(on: boolean, select: HTMLButtonElement, why: HTMLElement): void {
  select.disabled = on;
  select.title = on ? "BIC over k compares maximum-likelihood fits; switch Bayesian off to use it" : "";
  why.hidden = !on;
  why.textContent = on
    ? "BIC over k is off for the Bayesian fit: the Dirichlet process prior chooses how many of the k components to use."
    : "";
}
