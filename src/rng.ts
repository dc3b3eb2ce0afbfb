/**
 * The one seeded random generator of gaussmix (xoshiro128**, seeded through splitmix32). Library code draws
 * all randomness from it and never from Math.random, so a `randomState` gives bit-identical fits everywhere.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;

  /** `seed`: an integer in [0, 2^32) (the options accept no other); distinct seeds give distinct streams. */
  constructor(seed: number) {
    let s = (seed >>> 0) ^ 0x9e3779b9;
    const next = () => {
      // splitmix32
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
  }

  /** An independent copy of the generator in its current state. */
  clone(): Random {
    const r = Object.create(Random.prototype) as Random;
    Object.assign(r, this);
    return r;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.min(n - 1, Math.floor(this.random() * n));
  }

  /** A standard normal deviate (Marsaglia's polar method). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    for (;;) {
      const u = 2 * this.random() - 1;
      const v = 2 * this.random() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * m;
        return u * m;
      }
    }
  }

  /** `count` distinct integers from [0, n), in the order drawn (partial Fisher-Yates over a sparse map). */
  choice(n: number, count: number): number[] {
    const swapped = new Map<number, number>();
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const j = i + this.int(n - i);
      const vj = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      out.push(vj);
    }
    return out;
  }

  /** Counts of `n` draws among categories of probabilities `p` (a multinomial draw, summing exactly to n). */
  multinomial(n: number, p: ArrayLike<number>): number[] {
    const counts = new Array<number>(p.length).fill(0);
    let left = n;
    let mass = 1;
    for (let c = 0; c < p.length - 1 && left > 0; c++) {
      const q = mass > 0 ? Math.min(1, Math.max(0, p[c] / mass)) : 0;
      const x = this.binomial(left, q);
      counts[c] = x;
      left -= x;
      mass -= p[c];
    }
    counts[p.length - 1] += left;
    return counts;
  }

  /**
   * A binomial draw, exact: inversion (walking the pmf) when n·min(q, 1 − q) is small, else Hörmann's
   * transformed rejection with squeeze (BTRS), which takes O(1) expected time whatever n is.
   */
  private binomial(n: number, q: number): number {
    if (q <= 0 || n === 0) return 0;
    if (q >= 1) return n;
    if (q > 0.5) return n - this.binomial(n, 1 - q);
    if (n < 64) {
      let x = 0;
      for (let i = 0; i < n; i++) if (this.random() < q) x++;
      return x;
    }
    if (n * q < 30) {
      const u = this.random();
      let pmf = Math.pow(1 - q, n);
      let cdf = pmf;
      let x = 0;
      while (u > cdf && x < n) {
        pmf *= ((n - x) / (x + 1)) * (q / (1 - q));
        x++;
        cdf += pmf;
      }
      return x;
    }
    return this.btrs(n, q);
  }

  /** BTRS (Hörmann 1993) for q ≤ 0.5 and n·q ≥ 10: a rejection sampler that is exact. */
  private btrs(n: number, q: number): number {
    const spq = Math.sqrt(n * q * (1 - q));
    const b = 1.15 + 2.53 * spq;
    const a = -0.0873 + 0.0248 * b + 0.01 * q;
    const c = n * q + 0.5;
    const vr = 0.92 - 4.2 / b;
    const r = q / (1 - q);
    const alpha = (2.83 + 5.1 / b) * spq;
    const m = Math.floor((n + 1) * q);
    for (;;) {
      const u = this.random() - 0.5;
      let v = this.random();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + c);
      if (k < 0 || k > n) continue;
      if (us >= 0.07 && v <= vr) return k;
      v = Math.log((v * alpha) / (a / (us * us) + b));
      const bound =
        (m + 0.5) * Math.log((m + 1) / (r * (n - m + 1))) +
        (n + 1) * Math.log((n - m + 1) / (n - k + 1)) +
        (k + 0.5) * Math.log((r * (n - k + 1)) / (k + 1)) +
        stirlingTail(m) +
        stirlingTail(n - m) -
        stirlingTail(k) -
        stirlingTail(n - k);
      if (v <= bound) return k;
    }
  }
}

/** log k! − (the Stirling series' main terms): exact values for k ≤ 9, then the series. */
const STIRLING_TAIL = [
  0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
  0.0138761288230707, 0.0118967099458917, 0.010411265261972, 0.00925546218271273, 0.00833056343336287,
];
function stirlingTail(k: number): number {
  if (k <= 9) return STIRLING_TAIL[k];
  const kp1sq = (k + 1) * (k + 1);
  return (1 / 12 - (1 / 360 - 1 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
