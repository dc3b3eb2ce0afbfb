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

  constructor(seed: number) {
    let s = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9 ^ Math.floor(seed / 4294967296);
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

  /** A binomial draw: exact inversion for small n·p, a normal approximation corrected to the support above. */
  private binomial(n: number, q: number): number {
    if (q <= 0 || n === 0) return 0;
    if (q >= 1) return n;
    if (n < 64) {
      let x = 0;
      for (let i = 0; i < n; i++) if (this.random() < q) x++;
      return x;
    }
    // Inversion from the mode outward is exact; walk the pmf from 0 when n*q is small.
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
    if (n * (1 - q) < 30) return n - this.binomial(n, 1 - q);
    // Large n: split into halves recursively keeps exactness without a table (O(log n) depth).
    const h = Math.floor(n / 2);
    return this.binomial(h, q) + this.binomial(n - h, q);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
