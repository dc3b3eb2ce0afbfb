// The built command line for the end-to-end tests: rebuilt when it is missing or older than its sources.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;

/** Builds cli/dist/cli.js when missing or older than cli/src (`npm test` builds it first); returns its path. */
export function ensureCliBuilt(): string {
  const cli = join(root, "cli", "dist", "cli.js");
  const sources = readdirSync(join(root, "cli", "src")).map((f) => statSync(join(root, "cli", "src", f)).mtimeMs);
  if (!existsSync(cli) || statSync(cli).mtimeMs < Math.max(...sources)) {
    execFileSync("npm", ["run", "build:cli"], { cwd: root, stdio: "ignore" });
  }
  return cli;
}
