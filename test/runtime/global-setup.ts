// Vitest global setup for the tests of the built package (test/runtime/): runs `npm run build` when dist/ is
// missing or older than its sources, so `npx vitest run test/runtime` works on a fresh checkout or after an
// edit. `npm test` builds first, so there this finds dist/ up to date and does nothing.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;

/** What the runtime tests load from dist/. */
export const BUILD_OUTPUTS = [
  "dist/index.js",
  "dist/index.cjs",
  "dist/index.d.ts",
  "dist/index.d.cts",
  "dist/index.workerd.js",
  "dist/gaussmix.wasm",
  "dist/gaussmix.wasm.d.ts",
  "dist/gaussmix.relaxed.wasm",
  "dist/gaussmix.relaxed.wasm.d.ts",
];

/** What the build reads: a change to any of these makes dist/ stale. */
const BUILD_INPUTS = ["src", "assembly", "tsup.config.ts", "asconfig.json", "scripts/embed-wasm.mjs"];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Why dist/ needs a build, or undefined when it is up to date. */
export function staleReason(): string | undefined {
  const missing = BUILD_OUTPUTS.filter((f) => !existsSync(join(root, f)));
  if (missing.length) return `missing ${missing.join(", ")}`;
  const built = Math.min(...BUILD_OUTPUTS.map((f) => statSync(join(root, f)).mtimeMs));
  const changed = BUILD_INPUTS.filter((f) => newestMtime(join(root, f)) > built);
  return changed.length ? `${changed.join(", ")} changed since the last build` : undefined;
}

export function ensureBuilt(): void {
  const reason = staleReason();
  if (!reason) return;
  console.log(`[global-setup] building the package (${reason})`);
  execSync("npm run build", { cwd: root, stdio: "inherit" });
}

export default function setup(): void {
  ensureBuilt();
}
