/**
 * Short EM ("emEM", Biernacki, Celeux & Govaert 2003): start EM from many different partitions, run each for a
 * few iterations only, and continue the most promising to convergence. A few iterations separate the starts
 * that lead to good optima from the rest at a fraction of the cost of running every start to the end.
 */
import type { Params } from "../engine/types.js";
import type { Workspace } from "../engine/workspace.js";
import { squarem } from "../em/accelerate.js";
import { mstepFromResponsibilities } from "./index.js";

/** A hard partition: one label 0…k−1 per sample (−1: none). */
export type Labels = Int32Array;

/**
 * First parameters from a hard partition of the workspace's samples (labels 0…k−1 in sample order; −1: no
 * component) by one M-step (statistics taken around the data mean, then around the means this gives).
 */
export function paramsFromLabels(ws: Workspace, labels: Labels, regCovar: number): void {
  const { n, k, engine } = ws;
  // The labels go to the engine (past the workspace's regions), which writes the one-hot responsibilities.
  const at = engine.layout({ labels: ws.pairs * 8 }, "the initial partition", undefined, ws.ptr.end).labels;
  engine.i32.set(labels.subarray(0, n), at >>> 2);
  if (n % 2 === 1) engine.i32[(at >>> 2) + n] = -1;
  mstepFromResponsibilities(ws, (p0, p1) => engine.kernels.labelsToResp(at, p0, p1, k, ws.ptr.rv), regCovar);
  ws.updateLogConstants();
}

export interface Scored {
  readonly params: Params;
  /** Mean log-likelihood of the last pass. */
  readonly lowerBound: number;
  readonly spurious: boolean;
}

export interface ShortEmControl {
  readonly regCovar: number;
  /** EM iterations per start. */
  readonly iterations: number;
  /** Whether parameters are a spurious maximum (see spurious.ts). */
  readonly isSpurious: (p: Params) => boolean;
}

/**
 * Runs each start (a partition, or parameters) for a few EM iterations on the workspace's data; starts whose
 * covariance is ill-defined are dropped. Returns the survivors, best (highest lower bound) first, proper fits
 * before spurious ones.
 */
export async function shortEm(
  ws: Workspace,
  starts: readonly (Labels | Params)[],
  c: ShortEmControl,
): Promise<Scored[]> {
  const out: Scored[] = [];
  for (const s of starts) {
    try {
      if (s instanceof Int32Array) paramsFromLabels(ws, s, c.regCovar);
      else ws.writeParams(s);
      let lb = -Infinity;
      for (let it = 0; it < c.iterations; it++) {
        const prev = lb;
        lb = await ws.passAsync();
        if (!Number.isFinite(lb)) break;
        ws.mstep(c.regCovar);
        if (Math.abs(lb - prev) < 1e-10) break;
      }
      if (!Number.isFinite(lb)) continue;
      const params = ws.readParams();
      out.push({ params, lowerBound: lb, spurious: c.isSpurious(params) });
    } catch {
      // An ill-defined start (e.g. an empty or collapsed cluster) is simply not a candidate.
    }
  }
  return rank(out);
}

/**
 * Proper fits first, then by decreasing lower bound; bounds within RANK_TIE (relative) are a tie, won by the
 * earlier start: starts that converge to the same optimum (e.g. with the components in another order) differ
 * by rounding only, which must not decide.
 */
export function rank(s: Scored[]): Scored[] {
  const differ = (a: number, b: number) =>
    Number.isFinite(a) && Number.isFinite(b) && Math.abs(b - a) <= RANK_TIE * Math.max(Math.abs(a), Math.abs(b))
      ? 0
      : b - a;
  return s
    .map((x, i) => ({ x, i }))
    .sort((a, b) => Number(a.x.spurious) - Number(b.x.spurious) || differ(a.x.lowerBound, b.x.lowerBound) || a.i - b.i)
    .map(({ x }) => x);
}

/** Relative difference of lower bounds below which two starts tie in `rank`. */
const RANK_TIE = 1e-12;

/**
 * Continues the best `keep` starts to convergence (accelerated EM, tolerance `tol` on the mean log-likelihood)
 * and returns them ranked, best first.
 */
export async function finishBest(
  ws: Workspace,
  ranked: readonly Scored[],
  keep: number,
  regCovar: number,
  tol: number,
  maxIter: number,
  isSpurious: (p: Params) => boolean,
): Promise<Scored[]> {
  const out: Scored[] = [];
  for (const s of ranked.slice(0, keep)) {
    try {
      ws.writeParams(s.params);
      const run = await squarem(ws, () => ws.passAsync(), { maxIter, tol, regCovar, start: s.lowerBound });
      if (!Number.isFinite(run.lowerBound)) continue;
      const params = ws.readParams();
      out.push({ params, lowerBound: run.lowerBound, spurious: isSpurious(params) });
    } catch {
      // dropped: its covariance became ill-defined
    }
  }
  return rank(out);
}
