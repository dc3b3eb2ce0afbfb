// `npm run size`: what an application downloads, raw and gzipped (level 9), from dist/ (run `npm run build` first).
// The default entry (dist/index.js: Node, browsers, bundlers) carries the WebAssembly embedded as base64, so it is
// the whole download on its own; the workerd entry imports dist/gaussmix.wasm as a separate module.
// "min+gzip" is the JS minified by esbuild first, as an application's bundler would.
// `--json` prints the numbers (bytes) as JSON instead.
import { existsSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { transform } from "esbuild";

process.chdir(new URL("..", import.meta.url).pathname);

const files = {
  "dist/index.js": "default entry, WASM embedded",
  "dist/index.workerd.js": "workerd entry",
  "dist/gaussmix.wasm": "WebAssembly module",
};
const missing = Object.keys(files).filter((f) => !existsSync(f));
if (missing.length) {
  console.error(`size: ${missing.join(", ")} not found; run \`npm run build\` first`);
  process.exit(1);
}

const gzip = (b) => gzipSync(b, { level: 9 }).length;
const sizes = {};
for (const f of Object.keys(files)) {
  const b = readFileSync(f);
  const min = f.endsWith(".js")
    ? Buffer.from((await transform(b.toString("utf8"), { minify: true, format: "esm" })).code)
    : b;
  sizes[f] = { raw: b.length, gzip: gzip(b), minGzip: gzip(min) };
}
const sum = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, minGzip: a.minGzip + b.minGzip });
const totals = {
  "default entry (JS + embedded WASM)": sizes["dist/index.js"],
  "workerd entry + gaussmix.wasm": sum(sizes["dist/index.workerd.js"], sizes["dist/gaussmix.wasm"]),
};

if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ files: sizes, totals }, null, 2));
} else {
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
  const row = (name, s, note = "") =>
    console.log(`${name.padEnd(36)} ${kib(s.raw)} ${kib(s.gzip)} ${kib(s.minGzip)}  ${note}`.trimEnd());
  console.log(`${"".padEnd(36)} ${"raw".padStart(10)} ${"gzip".padStart(10)} ${"min+gzip".padStart(10)}`);
  for (const [f, note] of Object.entries(files)) row(f, sizes[f], note);
  console.log("total downloaded:");
  for (const [name, s] of Object.entries(totals)) row(`  ${name}`, s);
}
