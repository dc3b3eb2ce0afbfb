// The published declarations as users get them: the type tests in this folder compile against dist/*.d.ts
// (each `@ts-expect-error` line must be an error, or tsc fails), and nothing marked @internal is published.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const here = join(root, "test", "types");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

function runTsc(project: string): { ok: boolean; out: string } {
  try {
    return { ok: true, out: execFileSync(process.execPath, [tsc, "-p", project], { encoding: "utf8" }) };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, out: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

describe("published types", () => {
  it("the type tests compile against the built declarations", () => {
    const files = execFileSync(process.execPath, [tsc, "-p", join(here, "tsconfig.json"), "--listFilesOnly"], {
      encoding: "utf8",
    });
    // They are checked against dist/, not the sources.
    expect(files).toContain(join(root, "dist", "index.d.ts"));
    expect(files).not.toContain(join(root, "src", "index.ts"));
    const { ok, out } = runTsc(join(here, "tsconfig.json"));
    expect(out).toBe("");
    expect(ok).toBe(true);
  });

  it("a wrong shape is a compile error (the check can fail)", () => {
    const dir = mkdtempSync(join(here, ".tmp-"));
    try {
      writeFileSync(
        join(dir, "wrong.ts"),
        `import { GaussianMixture } from "gaussmix";
        export async function f(X: number[][]) {
          const m = await new GaussianMixture({ covarianceType: "diag" }).fit(X);
          const v: number = m.covariances[0][0][0];
          return v;
        }`,
      );
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({ extends: "../tsconfig.json", include: ["wrong.ts"], exclude: [] }),
      );
      const { ok, out } = runTsc(join(dir, "tsconfig.json"));
      expect(ok).toBe(false);
      expect(out).toMatch(/wrong\.ts\(4,\d+\): error TS7053: .*can't be used to index type 'Number'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("no @internal member is published", () => {
    for (const f of ["index.d.ts", "index.d.cts", "csv.d.ts", "csv.d.cts"]) {
      const text = readFileSync(join(root, "dist", f), "utf8");
      expect(text, f).not.toMatch(/@internal/);
      // The engine's storage and the test hooks are among what @internal hides.
      expect(text, f).not.toMatch(/\bparams\b\s*:|setThreadsMinWork|nodejs\.util\.inspect/);
    }
  });
});
