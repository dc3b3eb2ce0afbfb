/**
 * The subsample the default search runs on: at most SUBSAMPLE rows drawn from the data loaded in a workspace
 * (all of them when there are few), measured by the engine's sweeps (weights, whitening, per-feature
 * resolution), and the workspace its short EM runs on.
 */
import type { Random } from "../rng.js";
import { Workspace } from "../engine/workspace.js";
import { applyWhitening, type Whitening, whiteningOf } from "./whiten.js";
import { writeWeights } from "../data.js";
import { threadsPay } from "../em/fit-setup.js";

/** Rows of the subsample the search runs on. */
export const SUBSAMPLE = 2000;
/**
 * Rows of the subsample: SUBSAMPLE, or more where each component has many parameters (full covariances in
 * high dimension): 4·k·(d + 1), so that every component has a few times d + 1 rows and short EM on the
 * subsample ranks the starts as all the data would, not by how well they overfit it.
 */
export function subsampleSize(type: string, d: number, k: number): number {
  return Math.max(SUBSAMPLE, type === "full" ? 4 * k * (d + 1) : 0);
}

/** The subsample of a fit, whitened, with what the search needs to know about it. */
export interface Subsample {
  /** Rows of X (indices into the data) in subsample order. */
  readonly index: Int32Array;
  readonly m: number;
  readonly d: number;
  /** The m rows in the engine's pair layout (see data.ts writePairs) and their sample weights. */
  readonly pairs: Float64Array;
  readonly w: Float64Array;
  /** m×d raw rows (made when first asked for). */
  readonly x: Float64Array;
  /** The whitening of the rows, and the m×rank whitened rows (made when first asked for). */
  readonly whitening: Whitening;
  readonly z: Float64Array;
  readonly rank: number;
  /** Per-feature resolution (smallest gap between distinct values). */
  readonly res: Float64Array;
  /** Total sample weight of all the data (n without weights). */
  readonly total: number;
  /** Whether the subsample is all of the data, in data order. */
  readonly all: boolean;
}

/**
 * Draws the subsample from the data loaded in `ws` (uniform without replacement among positive weights) and
 * measures it (whitening, resolution) with the engine's sweeps: no scripted loop runs over the rows.
 */
export function drawSubsample(ws: Workspace, rng: Random, size = SUBSAMPLE): Subsample {
  const { n, d, ptr, engine } = ws;
  const f = engine.f64;
  const W = ptr.W >>> 3;
  const scratch = engine.layout({ totals: 16 }, "the initialisation's subsample", undefined, ptr.end);
  engine.kernels.weightTotals(ptr.W, n, scratch.totals);
  const total = f[scratch.totals >>> 3];
  const positive = f[(scratch.totals >>> 3) + 1];
  let index: Int32Array;
  // Up to twice the subsample size the search runs on all the data: the passes it saves are cheaper than a
  // separate subsample's.
  const all = positive === n && n <= 2 * size;
  let pairs: Float64Array;
  if (all) {
    index = new Int32Array(n);
    for (let i = 0; i < n; i++) index[i] = i;
    pairs = f.slice(ptr.X >>> 3, (ptr.X >>> 3) + ws.pairs * d * 2);
  } else {
    const pos =
      positive === n ? undefined : Int32Array.from(Array.from({ length: n }, (_, i) => i).filter((i) => f[W + i] > 0));
    // Few enough samples of positive weight: all of them (zero weights change nothing, not even the draws).
    const m = positive <= 2 * size ? positive : size;
    const picks =
      m === positive ? Int32Array.from({ length: m }, (_, t) => t) : Int32Array.from(rng.choice(positive, m)).sort();
    index = pos ? picks.map((t) => pos[t]) : picks;
    pairs = new Float64Array(Math.ceil(m / 2) * d * 2);
    const X = ptr.X >>> 3;
    for (let t = 0; t < m; t++) {
      const i = index[t];
      const from = X + (i >> 1) * d * 2 + (i & 1);
      const to = (t >> 1) * d * 2 + (t & 1);
      for (let j = 0; j < d; j++) pairs[to + 2 * j] = f[from + 2 * j];
    }
    if (m % 2 === 1) {
      const to = (m >> 1) * d * 2;
      for (let j = 0; j < d; j++) pairs[to + 2 * j + 1] = pairs[to + 2 * j];
    }
  }
  const m = index.length;
  let w: Float64Array;
  if (all) w = f.slice(W, W + m);
  else {
    w = new Float64Array(m);
    for (let t = 0; t < m; t++) w[t] = f[W + index[t]];
  }
  const rows = { m, d, pairs, w };
  const sub = subsampleWorkspace(ws, rows, all);
  // Whitening from the engine's moments; resolution from each feature sorted by the engine.
  const { mean, weight, scatter } = sub.dataScatter(true);
  const wh = whiteningOf(
    mean,
    scatter.map((v) => v / weight),
    d,
  );
  const at = engine.layout(
    { v: m * 8, tmp: m * 8, counts: 256 * 4 },
    "the initialisation's subsample",
    undefined,
    sub.ptr.end,
  );
  const res = new Float64Array(d);
  for (let j = 0; j < d; j++) res[j] = engine.kernels.columnResolution(sub.ptr.X, m, d, j, at.v, at.tmp, at.counts);
  let x: Float64Array | undefined;
  let z: Float64Array | undefined;
  return {
    index,
    ...rows,
    get x() {
      return (x ??= rowsOf(pairs, m, d));
    },
    get z() {
      return (z ??= applyWhitening(wh, this.x, m, d));
    },
    whitening: wh,
    rank: wh.rank,
    res,
    total,
    all,
  };
}

/** Row-major m×d rows from the pair layout. */
function rowsOf(pairs: Float64Array, m: number, d: number): Float64Array {
  const x = new Float64Array(m * d);
  for (let i = 0; i < m; i++) {
    const from = (i >> 1) * d * 2 + (i & 1);
    for (let j = 0; j < d; j++) x[i * d + j] = pairs[from + 2 * j];
  }
  return x;
}

/**
 * The workspace the search's short EM runs on: the fit's own when the subsample is all of the data, else one
 * laid out past the fit's regions with the subsample's rows copied in, whose passes use the fit's threads where
 * the subsample's passes are large enough to pay for them.
 */
export function subsampleWorkspace(
  ws: Workspace,
  s: Pick<Subsample, "m" | "d" | "pairs" | "w">,
  all: boolean,
): Workspace {
  if (all) return ws;
  const pool = ws.pool && threadsPay(ws.type, s.m, s.d, ws.k) ? ws.pool : undefined;
  const sub = new Workspace(ws.engine, ws.type, s.m, s.d, ws.k, 0, pool, ws.ptr.end);
  const f = ws.engine.f64;
  f.set(s.pairs, sub.ptr.X >>> 3);
  writeWeights(s.w, s.m, f, sub.ptr.W >>> 3);
  sub.maxAbs = ws.maxAbs;
  sub.regScale = ws.regScale; // the fit's regularisation, also on the subsample
  sub.common.invalidate();
  return sub;
}
