// Reports the size of what a page downloads: the JS entries and the WebAssembly module, raw and gzipped.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const files = ["dist/index.js", "dist/index.workerd.js", "dist/gaussmix.wasm"];
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const f of files) {
  const b = readFileSync(f);
  console.log(`${f.padEnd(24)} ${kb(b.length).padStart(10)}  gzip ${kb(gzipSync(b, { level: 9 }).length).padStart(9)}`);
}
const workerd = ["dist/index.workerd.js", "dist/gaussmix.wasm"].map((f) => gzipSync(readFileSync(f), { level: 9 }).length);
console.log(`default entry (JS with the WASM embedded), gzipped: ${kb(gzipSync(readFileSync("dist/index.js"), { level: 9 }).length)}`);
console.log(`workerd entry + gaussmix.wasm, gzipped: ${kb(workerd[0] + workerd[1])}`);
