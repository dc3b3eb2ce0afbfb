// `npm run size`: what an application downloads, raw and gzipped (level 9), from dist/ (run `npm run build` first).
// The default entry (dist/index.js: Node, browsers, bundlers) carries the baseline engine embedded as base64; the
// relaxed build and the shared-memory (threads) builds are chunks it imports only where they run, so a page
// downloads the entry alone (no relaxed SIMD), or the entry and the relaxed chunk; threads add one shared chunk.
// The workerd entry imports dist/gaussmix.wasm and dist/gaussmix.relaxed.wasm as separate modules.
// "min+gzip" is the JS minified by esbuild first, as an application's bundler would.
// `--json` prints the numbers (bytes) as JSON instead.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { transform } from "esbuild";

process.chdir(new URL("..", import.meta.url).pathname);

/** dist/<name>-<hash>.js: the ESM chunks of the embedded builds. */
const chunk = (name) => {
  const f =
    existsSync("dist") && readdirSync("dist").find((f) => new RegExp(`^${name}\\.generated-\\w+\\.js$`).test(f));
  return f ? `dist/${f}` : `dist/${name}.generated-*.js`;
};
const RELAXED = chunk("relaxed");
const SHARED = chunk("shared");
const SHARED_RELAXED = chunk("shared-relaxed");

const files = {
  "dist/index.js": "default entry, baseline build embedded",
  [RELAXED]: "chunk: relaxed build, where relaxed SIMD runs",
  [SHARED]: "chunk: shared-memory baseline (threads)",
  [SHARED_RELAXED]: "chunk: shared-memory relaxed (threads)",
  "dist/index.workerd.js": "workerd entry",
  "dist/gaussmix.wasm": "WebAssembly module, baseline",
  "dist/gaussmix.relaxed.wasm": "WebAssembly module, relaxed SIMD",
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
const sum = (...xs) =>
  xs.reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, minGzip: a.minGzip + b.minGzip }));
const totals = {
  "page without relaxed SIMD (entry)": sizes["dist/index.js"],
  "page with relaxed SIMD (entry + relaxed)": sum(sizes["dist/index.js"], sizes[RELAXED]),
  "  the same with threads (+ shared relaxed)": sum(sizes["dist/index.js"], sizes[RELAXED], sizes[SHARED_RELAXED]),
  "workerd entry + both .wasm": sum(
    sizes["dist/index.workerd.js"],
    sizes["dist/gaussmix.wasm"],
    sizes["dist/gaussmix.relaxed.wasm"],
  ),
};

if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ files: sizes, totals }, null, 2));
} else {
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
  const row = (name, s, note = "") =>
    console.log(`${name.padEnd(44)} ${kib(s.raw)} ${kib(s.gzip)} ${kib(s.minGzip)}  ${note}`.trimEnd());
  console.log(`${"".padEnd(44)} ${"raw".padStart(10)} ${"gzip".padStart(10)} ${"min+gzip".padStart(10)}`);
  for (const [f, note] of Object.entries(files)) row(f.replace(/-\w+\.js$/, "-*.js"), sizes[f], note);
  console.log("total downloaded:");
  for (const [name, s] of Object.entries(totals)) row(`  ${name}`, s);
}
