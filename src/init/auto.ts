/**
 * The default initialisation ("auto"): everything that searches for a good start runs on a bounded subsample,
 * in whitened coordinates, so its cost does not grow with n and its result does not depend on units or
 * correlations.
 *
 * 1. A subsample of at most SUBSAMPLE rows (all rows when n is smaller), whitened (subsample.ts, whiten.ts).
 * 2. Starts: k-means++ seedings with Lloyd steps on the whitened rows (each a different random draw; run by the
 *    engine's k-means kernels, search-kmeans.ts), and, on small data, Ward's hierarchy cut at k (hc.ts); model
 *    selection adds partitions of neighbouring cells.
 * 3. Short EM on the subsample from every start (on the fit's threads where its passes are large enough); the
 *    best few are continued to convergence there and the best proper (non-spurious, see spurious.ts) one is kept.
 *
 * Every loop over the rows runs in the engine: a process's first fits would run scripted loops before the
 * JavaScript compiler has optimised them, at many times the cost.
 * 4. Its parameters start EM on all the data: the first pass over all data is the first M-step's E-step.
 */
import type { ResolvedOptions } from "../options.js";
import type { Random } from "../rng.js";
import type { Params } from "../engine/types.js";
import type { Workspace } from "../engine/workspace.js";
import { cutHierarchy, type Merge, wardHierarchy } from "./hc.js";
import { lloyd, rowsAsCenters, seedPlusPlus } from "./lloyd.js";
import { SearchKmeans } from "./search-kmeans.js";
import { finishBest, type Labels, rank, type Scored, shortEm } from "./short-em.js";

export type { Labels, Subsample };
import { isSpurious } from "./spurious.js";
import { drawSubsample, type Subsample, subsampleSize, subsampleWorkspace } from "./subsample.js";

/** Ward's hierarchy is built on at most this many rows (O(m²·d) time). */
export const HC_MAX = 2000;

/** Subsample sizes up to which the default fit also starts from Ward's hierarchy. */
const HC_DEFAULT_MAX = 600;

/** Ward's hierarchy of the subsample's whitened rows (its first HC_MAX rows). */
export function subsampleHierarchy(s: Subsample): { merges: Merge[]; m: number } {
  const m = Math.min(s.m, HC_MAX);
  return { merges: wardHierarchy(s.z, m, s.rank, s.w), m };
}

/** Labels of the whole subsample from the hierarchy cut at k (rows beyond the hierarchy: nearest cluster mean). */
export function hierarchyLabels(s: Subsample, h: { merges: Merge[]; m: number }, k: number): Labels {
  const cut = cutHierarchy(h.merges, h.m, k);
  if (h.m === s.m) return cut;
  const { rank: r, z, w } = s; // z is a getter: read once
  const centers = new Float64Array(k * r);
  const counts = new Float64Array(k);
  for (let i = 0; i < h.m; i++) {
    counts[cut[i]] += w[i];
    for (let j = 0; j < r; j++) centers[cut[i] * r + j] += w[i] * z[i * r + j];
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < r; j++) centers[c * r + j] /= counts[c] || 1;
  return lloyd(z, s.m, r, k, centers, w, 1).labels;
}

/**
 * `count` k-means partitions of the whitened subsample (the rows in `sub`), each from its own k-means++ draw and
 * at most `lloydIter` Lloyd steps (short EM, which follows, does the rest in the mixture's own metric), computed
 * by the engine's k-means kernels past the regions of `sub`.
 */
export function kmeansStarts(
  sub: Workspace,
  s: Subsample,
  k: number,
  rng: Random,
  count: number,
  lloydIter: number,
): Labels[] {
  const rows = { X: sub.ptr.X, W: sub.ptr.W, m: s.m, d: s.d };
  return new SearchKmeans(sub.engine, rows, s.whitening, k, sub.ptr.end).starts(rng, count, lloydIter);
}

/**
 * What several fits of the same data share (model selection): the subsample and Ward's hierarchy are made by
 * the first fit that needs them and kept here for the next.
 */
export interface SearchContext {
  subsample?: Subsample;
  hierarchy?: { merges: Merge[]; m: number };
  /** Always start from the hierarchy too (not only on small data). */
  withHierarchy?: boolean;
  /** More starts on the subsample (partitions or parameters), e.g. from neighbouring cells of a selection. */
  extra?: (Labels | Params)[];
  /**
   * Set by the search: its other proper candidates on the subsample, best first (the finished ones, then the
   * rest), for a selection whose fit from the chosen one ends spurious on all the data.
   */
  candidates?: Params[];
  /** Tolerance of the finishing runs on the subsample (default: the fit's tol, at most 1e-4). */
  finishTol?: number;
  /** Start from `extra` only (a selection revisiting a cell with its neighbours' later partitions). */
  onlyExtra?: boolean;
  /**
   * No search: EM on all the data from these parameters (engine storage), e.g. a selection's cell continuing
   * from the search's next candidate. The fit's options (its regularisation too) are the cell's own.
   */
  start?: Params;
}

/** Work of one pass per sample and component, in multiply-adds (see DESIGN.md's cost). */
function passWork(type: string, d: number): number {
  return type === "full" ? d * d + 3 * d : type === "tied" ? (d * d) / 4 + 3 * d : 3 * d;
}

/** Multiply-adds the search may spend: about 1.5 passes over all the data, and never less than a few milliseconds. */
const MIN_SEARCH_WORK = 3e6;
const SEARCH_PASSES = 1.5;
/**
 * Weight of a multiply-add of the k-means seeding and Lloyd steps in the budget. They were scripted when the
 * budget was tuned and cost about ten of the engine's; they now run on the engine, but the weight is kept so
 * that the number of starts (and with it every default fit's result) stays what the quality benchmark measured.
 */
const KMEANS_WEIGHT = 10;
/**
 * Random starts and finished starts per cell in a selection (neighbouring cells give the other starts). On
 * small data every cell starts from the hierarchy (its first start) and its neighbours' partitions, and nInit − 1
 * random starts join them (none by default).
 */
const SHARED_STARTS = 8;
const SHARED_KEEP = 3;
/**
 * Short EM of a selection on small data is a race: after RACE_AT iterations the best half of the starts (at
 * least RACE_KEEP) go on. Together with no random start by default, measured on the quality benchmark's six small
 * data sets: cells' optima moved both ways (iris full k 5 higher, k 7 lower; tied k 6 lower, k 7 higher), every
 * count of cells at mclust's and at the best-known value stayed but one (iris, best-known: −1), for about an
 * eighth less time. A race from 3 iterations, down to 3 starts, or 2 finished starts lost cells at mclust's value.
 */
const RACE_AT = 5;
const RACE_KEEP = 4;

/** Random starts, Lloyd steps, short-EM iterations and finished starts the budget allows. */
export function searchBudget(type: string, n: number, m: number, d: number, k: number, nInit: number, shared = false) {
  const lloydIter = 5;
  const iterations = m <= 600 ? (shared ? 10 : 20) : shared ? 10 : 8;
  const pass = m * k * passWork(type, d);
  const seeding = k * (2 + Math.log(k)) * m * d; // k-means++: every trial scores every row
  const perStart = iterations * pass + (lloydIter * m * k * d + seeding) * KMEANS_WEIGHT;
  const total = Math.max(MIN_SEARCH_WORK, SEARCH_PASSES * n * k * passWork(type, d));
  // In a selection, neighbouring cells' partitions are starts too: fewer random ones are needed.
  const small = shared && m <= 600;
  const budgeted = Math.max(nInit, Math.min(shared ? SHARED_STARTS : 30, Math.max(3, Math.floor(total / perStart))));
  const starts = small ? nInit - 1 : budgeted;
  const keep = m <= 600 ? (shared ? SHARED_KEEP : 5) : starts >= 8 ? 2 : 1;
  return { starts, lloydIter, iterations, keep, race: small ? { at: RACE_AT, keep: RACE_KEEP } : undefined };
}

/**
 * Leaves the chosen initial parameters in `ws` (the full data, loaded) and returns true; false when no start
 * gave a usable mixture. The subsample it used stays in `ctx` for the next fit of a selection.
 */
export async function autoInitialize(
  ws: Workspace,
  o: ResolvedOptions,
  rng: Random,
  ctx: SearchContext = {},
): Promise<boolean> {
  const s = (ctx.subsample ??= drawSubsample(ws, rng, subsampleSize(ws.type, ws.d, ws.k)));
  const { k } = ws;
  const {
    starts: nStarts,
    lloydIter,
    iterations,
    keep,
    race,
  } = searchBudget(ws.type, ws.n, s.m, ws.d, k, o.nInit, ctx.withHierarchy);
  const sub = subsampleWorkspace(ws, s, s.all);
  const starts: (Labels | Params)[] = [];
  const own = !(ctx.onlyExtra && ctx.extra?.length);
  if (own && (o.initParams === "hc" || ctx.withHierarchy || s.m <= HC_DEFAULT_MAX)) {
    if (k > 1) starts.push(hierarchyLabels(s, (ctx.hierarchy ??= subsampleHierarchy(s)), k));
  }
  if (ctx.extra) starts.push(...ctx.extra);
  const count = k === 1 ? 1 : nStarts;
  if (own && (o.initParams !== "hc" || k === 1) && count > 0) {
    starts.push(...kmeansStarts(sub, s, k, rng, count, lloydIter));
  }
  const spurious = (p: Params) => isSpurious(ws.type, p, ws.d, k, s.total, s.res);
  const scored = await shortEm(sub, distinct(starts), { regCovar: o.regCovar, iterations, isSpurious: spurious, race });
  let best: Scored | undefined;
  if (scored.length) {
    const finished = await finishBest(
      sub,
      scored,
      keep,
      o.regCovar,
      ctx.finishTol ?? Math.min(o.tol, 1e-4),
      100,
      spurious,
    );
    best = rank([...finished, ...scored])[0];
    ctx.candidates = rank([...finished, ...scored.slice(keep)])
      .filter((c) => !c.spurious && c !== best)
      .map((c) => c.params);
  }
  if (!best) return false; // every start failed: the caller falls back to k-means on all data
  ws.writeParams(best.params);
  return true;
}

/**
 * The starts without repeated partitions (the same clusters under other labels: two k-means draws that end
 * alike, or two cells' partitions in a selection): such a start would retrace an earlier one's EM and lose to it
 * in `rank`'s ties, while taking the place of another among the finished ones.
 */
export function distinct(starts: (Labels | Params)[]): (Labels | Params)[] {
  const seen: Labels[] = [];
  return starts.filter((s) => {
    if (!(s instanceof Int32Array)) return true;
    const c = canonical(s);
    if (seen.some((t) => t.length === c.length && t.every((v, i) => v === c[i]))) return false;
    seen.push(c);
    return true;
  });
}

/** A partition's labels renumbered in order of first appearance (−1, no component, stays −1). */
function canonical(labels: Labels): Labels {
  const to = new Int32Array(labels.length).fill(-1); // label → its new number
  const out = new Int32Array(labels.length);
  let next = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l < 0) {
      out[i] = -1;
      continue;
    }
    if (to[l] < 0) to[l] = next++;
    out[i] = to[l];
  }
  return out;
}

/**
 * Starts for k clusters from a partition into k − 1 (model selection's "k from k − 1"): one cluster split in
 * two by 2-means in whitened coordinates, for each of the `count` clusters with the largest scatter.
 */
export function splitStarts(s: Subsample, labels: Labels, kPrev: number, rng: Random, count: number): Labels[] {
  const { rank: r, m, z, w } = s; // z is a getter: read once
  const scatter = new Float64Array(kPrev);
  const mean = new Float64Array(kPrev * r);
  const weight = new Float64Array(kPrev);
  for (let i = 0; i < m; i++) {
    const c = labels[i];
    weight[c] += w[i];
    for (let j = 0; j < r; j++) mean[c * r + j] += w[i] * z[i * r + j];
  }
  for (let c = 0; c < kPrev; c++) for (let j = 0; j < r; j++) mean[c * r + j] /= weight[c] || 1;
  for (let i = 0; i < m; i++) {
    const c = labels[i];
    for (let j = 0; j < r; j++) scatter[c] += w[i] * (z[i * r + j] - mean[c * r + j]) ** 2;
  }
  const order = Array.from({ length: kPrev }, (_, c) => c).sort((a, b) => scatter[b] - scatter[a]);
  const out: Labels[] = [];
  const rows = new Int32Array(m);
  for (const c of order.slice(0, count)) {
    let size = 0;
    for (let i = 0; i < m; i++) if (labels[i] === c) rows[size++] = i;
    if (size < 2) continue;
    const zc = new Float64Array(size * r);
    const wc = new Float64Array(size);
    for (let t = 0; t < size; t++) {
      const i = rows[t];
      for (let j = 0; j < r; j++) zc[t * r + j] = z[i * r + j];
      wc[t] = w[i];
    }
    const seeds = seedPlusPlus(zc, size, r, 2, rng, wc);
    const half = lloyd(zc, size, r, 2, rowsAsCenters(zc, r, seeds), wc).labels;
    const next = labels.slice();
    for (let t = 0; t < size; t++) if (half[t] === 1) next[rows[t]] = kPrev;
    out.push(next);
  }
  return out;
}
