/**
 * k-means on a small in-memory sample: greedy k-means++ seeding and weighted Lloyd steps. The default search
 * runs the same steps on the engine (search-kmeans.ts, checked against these); these serve the small cases (a
 * cluster split in two, the rows beyond Ward's hierarchy).
 */
import type { Random } from "../rng.js";

/** Greedy k-means++ (2 + ⌊ln k⌋ trials per seed, as scikit-learn's); returns k row indices. */
export function seedPlusPlus(
  z: Float64Array,
  m: number,
  d: number,
  k: number,
  rng: Random,
  w?: Float64Array,
): number[] {
  const trials = 2 + Math.floor(Math.log(k));
  const dist = new Float64Array(m);
  const cum = new Float64Array(m);
  /** The first row whose cumulative score exceeds u·total. */
  const draw = (total: number) => {
    const u = rng.random() * total;
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  let total = 0;
  for (let i = 0; i < m; i++) cum[i] = total += w ? w[i] : 1;
  const seeds = [draw(total)];
  const first = seeds[0] * d;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = z[i * d + j] - z[first + j];
      s += t * t;
    }
    dist[i] = s;
  }
  const trial = new Float64Array(m);
  const bestDist = new Float64Array(m);
  for (let c = 1; c < k; c++) {
    total = 0;
    for (let i = 0; i < m; i++) cum[i] = total += (w ? w[i] : 1) * dist[i];
    let bestPot = Infinity;
    let best = -1;
    for (let t = 0; t < trials; t++) {
      const cand = total > 0 ? draw(total) : rng.int(m);
      const o = cand * d;
      let pot = 0;
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) {
          const q = z[i * d + j] - z[o + j];
          s += q * q;
        }
        const v = Math.min(s, dist[i]);
        trial[i] = v;
        pot += (w ? w[i] : 1) * v;
      }
      if (pot < bestPot) {
        bestPot = pot;
        best = cand;
        bestDist.set(trial);
      }
    }
    seeds.push(best);
    dist.set(bestDist);
  }
  return seeds;
}

/**
 * Weighted Lloyd iterations from the given centers (k×d, updated in place) until no label changes or
 * `maxIter`; an emptied cluster takes the point farthest from its center. Returns the labels and inertia.
 */
export function lloyd(
  z: Float64Array,
  m: number,
  d: number,
  k: number,
  centers: Float64Array,
  w?: Float64Array,
  maxIter = 50,
): { labels: Int32Array; inertia: number } {
  const labels = new Int32Array(m).fill(-1);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const dist = new Float64Array(m);
  let inertia = 0;
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < m; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) {
          const t = z[i * d + j] - centers[c * d + j];
          s += t * t;
          if (s >= bestD) break;
        }
        if (s < bestD) {
          bestD = s;
          best = c;
        }
      }
      if (labels[i] !== best) changed++;
      labels[i] = best;
      dist[i] = bestD;
      inertia += (w ? w[i] : 1) * bestD;
    }
    if (changed === 0) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < m; i++) {
      const v = w ? w[i] : 1;
      const c = labels[i];
      counts[c] += v;
      for (let j = 0; j < d; j++) sums[c * d + j] += v * z[i * d + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) {
        for (let j = 0; j < d; j++) centers[c * d + j] = sums[c * d + j] / counts[c];
      } else {
        // Relocate an empty cluster to the worst-served point (scikit-learn's rule); its old cluster shrinks.
        let far = 0;
        for (let i = 1; i < m; i++) if (dist[i] > dist[far]) far = i;
        for (let j = 0; j < d; j++) centers[c * d + j] = z[far * d + j];
        dist[far] = 0;
      }
    }
  }
  return { labels, inertia };
}

/** The k centers of the given rows (copies). */
export function rowsAsCenters(z: Float64Array, d: number, rows: readonly number[]): Float64Array {
  const c = new Float64Array(rows.length * d);
  rows.forEach((i, t) => c.set(z.subarray(i * d, (i + 1) * d), t * d));
  return c;
}
