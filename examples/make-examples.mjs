// Writes the bundled example data sets (seeded, so the files are reproducible):
//   three-gaussians.csv: three correlated 2-D Gaussians, 1,000 points each;
//   two-classes-1d.csv: N(-4.5, 0.5²) and N(2.5, 1), 200 points each.
// Usage: node examples/make-examples.mjs
import { writeFileSync } from "node:fs";

// xoshiro128** seeded through splitmix32, and the polar method: the same generator as the library's.
function generator(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let [a, b, c, d] = [next(), next(), next(), next()];
  const u32 = () => {
    const r = Math.imul(((Math.imul(b, 5) << 7) | (Math.imul(b, 5) >>> 25)), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = (d << 11) | (d >>> 21);
    return r;
  };
  const random = () => ((u32() >>> 5) * 67108864 + (u32() >>> 6)) / 9007199254740992;
  return () => {
    for (;;) {
      const u = 2 * random() - 1;
      const v = 2 * random() - 1;
      const q = u * u + v * v;
      if (q > 0 && q < 1) return u * Math.sqrt((-2 * Math.log(q)) / q);
    }
  };
}

const normal = generator(2026);
const round = (v) => Number(v.toFixed(6));

const components = [
  { mean: [1, 2], cov: [[1, 0.7], [0.7, 1]] },
  { mean: [-1, -1], cov: [[0.5, 0.1], [0.1, 0.5]] },
  { mean: [2, -2], cov: [[0.8, -0.3], [-0.3, 0.8]] },
];
const rows = ["x,y,label"];
components.forEach(({ mean, cov }, label) => {
  // x = mean + L z with cov = L Lᵀ.
  const l00 = Math.sqrt(cov[0][0]);
  const l10 = cov[1][0] / l00;
  const l11 = Math.sqrt(cov[1][1] - l10 * l10);
  for (let i = 0; i < 1000; i++) {
    const z0 = normal();
    const z1 = normal();
    rows.push(`${round(mean[0] + l00 * z0)},${round(mean[1] + l10 * z0 + l11 * z1)},${label}`);
  }
});
writeFileSync(new URL("./three-gaussians.csv", import.meta.url), rows.join("\n") + "\n");

const oned = ["x,label"];
for (let i = 0; i < 200; i++) oned.push(`${round(-4.5 + 0.5 * normal())},0`);
for (let i = 0; i < 200; i++) oned.push(`${round(2.5 + normal())},1`);
writeFileSync(new URL("./two-classes-1d.csv", import.meta.url), oned.join("\n") + "\n");
console.log("wrote examples/three-gaussians.csv (3,000 rows) and examples/two-classes-1d.csv (400 rows)");
