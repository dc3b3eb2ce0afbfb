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
  /**
   * A race: every start runs `at` iterations, then only the best half (at least `keep`) continue to
   * `iterations`; the others are ranked by the bound they reached.
   */
  readonly race?: { readonly at: number; readonly keep: number };
}

/** A start under way: its parameters and bound after `done` iterations. */
interface Running {
  params: Params;
  lowerBound: number;
  done: number;
  /** Converged (the bound stopped changing) before its last iteration. */
  still: boolean;
  spurious: boolean;
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
  const first = c.race ? Math.min(c.race.at, c.iterations) : c.iterations;
  const running: Running[] = [];
  for (const s of starts) {
    try {
      if (s instanceof Int32Array) paramsFromLabels(ws, s, c.regCovar);
      else ws.writeParams(s);
      const r = await iterate(ws, { lowerBound: -Infinity, done: 0 }, first, c);
      if (r) running.push(r);
    } catch {
      // An ill-defined start (e.g. an empty or collapsed cluster) is simply not a candidate.
    }
  }
  const scored = (r: Running): Scored => ({ params: r.params, lowerBound: r.lowerBound, spurious: r.spurious });
  if (!c.race || first >= c.iterations) return rank(running.map(scored));
  // The race: the best half (at least `keep`) continue; the others keep the bound they reached. The results
  // stay in the order of the starts, which breaks ties in `rank`.
  const ahead = new Set(rank(running).slice(0, Math.max(c.race.keep, Math.ceil(running.length / 2))));
  const out: Scored[] = [];
  for (const r of running) {
    if (!ahead.has(r) || r.still) {
      out.push(scored(r));
      continue;
    }
    try {
      ws.writeParams(r.params);
      const more = await iterate(ws, r, c.iterations, c);
      if (more) out.push(scored(more));
    } catch {
      // dropped: its covariance became ill-defined
    }
  }
  return rank(out);
}

/**
 * EM iterations on the parameters in `ws`, from the bound and count of `r`, until `upTo` are done or the bound
 * stops changing; undefined when the bound is not finite.
 */
async function iterate(
  ws: Workspace,
  r: { readonly lowerBound: number; readonly done: number },
  upTo: number,
  c: ShortEmControl,
): Promise<Running | undefined> {
  let lb = r.lowerBound;
  let done = r.done;
  let still = false;
  while (done < upTo) {
    const prev = lb;
    lb = await ws.passAsync();
    if (!Number.isFinite(lb)) return undefined;
    ws.mstep(c.regCovar);
    done++;
    if (Math.abs(lb - prev) < 1e-10) {
      still = true;
      break;
    }
  }
  if (!Number.isFinite(lb)) return undefined; // no iteration made
  const params = ws.readParams();
  return { params, lowerBound: lb, done, still, spurious: c.isSpurious(params) };
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
