/**
 * Agglomerative clustering by Ward's criterion (mclust's default initialisation, "hc", on whitened data):
 * start from singletons and repeatedly merge the two clusters whose union increases the within-cluster sum
 * of squares the least, Δ(A, B) = |A|·|B| / (|A| + |B|) · ‖c_A − c_B‖². Deterministic: no random numbers.
 *
 * The nearest-neighbour chain finds the same merges as the greedy order (Ward's criterion is reducible: a
 * merge never brings the new cluster closer to a third one than its parts were) in O(m²·d) time and O(m·d)
 * memory, from centroids and sizes (no m×m distance matrix). Use it on a subsample of at most a few thousand
 * rows.
 */

/** One merge: clusters `a` and `b` (ids: 0…m−1 the samples, m + t the cluster made by merge t) at `height` = Δ. */
export interface Merge {
  readonly a: number;
  readonly b: number;
  readonly height: number;
}

/**
 * Ward's hierarchy of the m×d row-major points (optional positive weights: a point of weight v counts as v
 * coincident points). Returns the m − 1 merges in increasing height (ties: in the order the chain found them).
 */
export function wardHierarchy(x: Float64Array, m: number, d: number, w?: Float64Array): Merge[] {
  const size = new Float64Array(2 * m);
  const centroid = new Float64Array(2 * m * d);
  centroid.set(x.subarray(0, m * d));
  for (let i = 0; i < m; i++) size[i] = w ? w[i] : 1;
  // Active cluster ids, kept in a dense list with positions for O(1) removal.
  const active: number[] = Array.from({ length: m }, (_, i) => i);
  const pos = new Int32Array(2 * m).fill(-1);
  for (let i = 0; i < m; i++) pos[i] = i;
  const remove = (id: number) => {
    const p = pos[id];
    const last = active.pop()!;
    if (last !== id) {
      active[p] = last;
      pos[last] = p;
    }
    pos[id] = -1;
  };
  const cost = (a: number, b: number) => {
    let s = 0;
    const oa = a * d;
    const ob = b * d;
    for (let j = 0; j < d; j++) {
      const t = centroid[oa + j] - centroid[ob + j];
      s += t * t;
    }
    return ((size[a] * size[b]) / (size[a] + size[b])) * s;
  };
  const merges: { a: number; b: number; height: number; order: number }[] = [];
  const chain: number[] = [];
  let next = m;
  while (active.length > 1) {
    if (chain.length === 0) chain.push(active[0]);
    const a = chain[chain.length - 1];
    const prev = chain.length > 1 ? chain[chain.length - 2] : -1;
    // The nearest active cluster; the chain's previous element wins ties (so the chain cannot cycle).
    let best = prev;
    let bestCost = prev >= 0 ? cost(a, prev) : Infinity;
    for (let t = 0; t < active.length; t++) {
      const b = active[t];
      if (b === a || b === prev) continue;
      const c = cost(a, b);
      if (c < bestCost) {
        bestCost = c;
        best = b;
      }
    }
    if (best !== prev) {
      chain.push(best);
      continue;
    }
    chain.pop();
    chain.pop();
    const id = next++;
    const na = size[a];
    const nb = size[prev];
    size[id] = na + nb;
    for (let j = 0; j < d; j++) {
      centroid[id * d + j] = (na * centroid[a * d + j] + nb * centroid[prev * d + j]) / (na + nb);
    }
    merges.push({ a: Math.min(a, prev), b: Math.max(a, prev), height: bestCost, order: merges.length });
    remove(a);
    remove(prev);
    active.push(id);
    pos[id] = active.length - 1;
  }
  // Reducibility makes sorting by height a valid merge order; relabel the clusters made by the merges to follow it.
  const sorted = merges.slice().sort((p, q) => p.height - q.height || p.order - q.order);
  const rank = new Int32Array(merges.length);
  sorted.forEach((mg, t) => (rank[mg.order] = t));
  const rename = (id: number) => (id < m ? id : m + rank[id - m]);
  return sorted.map(({ a, b, height }) => {
    const [ra, rb] = [rename(a), rename(b)];
    return { a: Math.min(ra, rb), b: Math.max(ra, rb), height };
  });
}

/** Labels 0…k−1 of the m points when the hierarchy is cut into k clusters (the first m − k merges applied). */
export function cutHierarchy(merges: readonly Merge[], m: number, k: number): Int32Array {
  const parent = new Int32Array(2 * m).map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const steps = Math.max(0, Math.min(merges.length, m - k));
  for (let t = 0; t < steps; t++) {
    const { a, b } = merges[t];
    parent[find(a)] = m + t;
    parent[find(b)] = m + t;
  }
  const labels = new Int32Array(m);
  const ids = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    const r = find(i);
    let c = ids.get(r);
    if (c === undefined) ids.set(r, (c = ids.size));
    labels[i] = c;
  }
  return labels;
}
