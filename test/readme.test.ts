// The README is true as pasted: every ```ts block runs against the built package (a block marked
// `<!-- readme-test: type-check only … -->` is only type-checked: it cannot run in Node), every block
// type-checks against the published declarations, the command-line block runs against the built command line,
// the sizes it quotes are what `npm run size` measures, and what is shipped links only to what is shipped.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { transform } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const readme = readFileSync(join(root, "README.md"), "utf8");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

interface Block {
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  typeCheckOnly: boolean;
}

/** Fenced blocks (also indented ones, inside list items), with the marker comment on the line before, if any. */
export function blocksOf(text: string): Block[] {
  const lines = text.split("\n");
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w+)\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(indent));
    const before = lines.slice(Math.max(0, i - 2), i).join("\n");
    out.push({
      lang: open[2],
      code: body.join("\n"),
      line: i + 1,
      typeCheckOnly: /<!--\s*readme-test:\s*type-check only/.test(before),
    });
    i = j;
  }
  return out;
}

const blocks = blocksOf(readme);
const tsBlocks = blocks.filter((b) => b.lang === "ts");
let dir: string;

beforeAll(() => {
  // Inside the repository, so that `import "gaussmix"` resolves to this package's build (node_modules/gaussmix).
  dir = mkdtempSync(join(root, "test", ".readme-"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the README's code", () => {
  it("has the blocks this test expects (usage, selection, Workers, command line)", () => {
    expect(tsBlocks.length).toBeGreaterThanOrEqual(3);
    expect(tsBlocks.filter((b) => b.typeCheckOnly)).toHaveLength(1);
    expect(blocks.some((b) => b.lang === "sh" && b.code.includes("gaussmix fit"))).toBe(true);
  });

  it("every ts block type-checks against the published declarations", () => {
    const files = tsBlocks.map((b) => {
      const f = `block-${b.line}.mts`;
      writeFileSync(join(dir, f), b.code);
      return f;
    });
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "ESNext",
          moduleResolution: "Bundler",
          lib: ["ES2022", "DOM"],
          strict: true,
          noEmit: true,
          types: [],
          paths: { gaussmix: [join(root, "dist", "index.d.ts")] },
        },
        files,
      }),
    );
    let out = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout);
    }
    // Name the README line of each error.
    expect(out.replace(/block-(\d+)\.mts\((\d+),/g, (_, b, l) => `README.md line ${+b + +l} (`)).toBe("");
  });

  it.each(tsBlocks.filter((b) => !b.typeCheckOnly).map((b) => [b.line, b] as const))(
    "the block at line %i runs as pasted",
    async (line, block) => {
      const js = (await transform(block.code, { loader: "ts", format: "esm", target: "es2022" })).code;
      const file = join(dir, `run-${line}.mjs`);
      writeFileSync(file, js);
      let err = "";
      try {
        execFileSync(process.execPath, [file], { cwd: dir, encoding: "utf8", stdio: "pipe" });
      } catch (e) {
        err = String((e as { stderr?: string }).stderr);
      }
      expect(err, `README.md line ${line}`).toBe("");
    },
  );

  it("the command-line block runs against the built command line", () => {
    const block = blocks.find((b) => b.lang === "sh" && b.code.includes("gaussmix fit"))!;
    const cli = join(root, "cli", "dist", "cli.js");
    expect(existsSync(cli), "run `npm run build:cli` first").toBe(true);
    // The data the block implies: a CSV with columns x and y (the bundled example).
    copyFileSync(join(root, "examples", "three-gaussians.csv"), join(dir, "data.csv"));
    const commands = block.code
      .split("\n")
      .map((l) => l.replace(/\s+#.*$/, "").trim())
      .filter((l) => l.startsWith("gaussmix ")); // not `npm install -g`: the built command line stands in for it
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const command of commands) {
      // `[--flag]` is optional: run without it and with it.
      const optional = [...command.matchAll(/\s\[([^\]]+)\]/g)].map((m) => m[1]);
      const base = command.replace(/\s\[[^\]]+\]/g, "");
      for (const variant of [base, ...optional.map((o) => `${base} ${o}`)]) {
        const [, ...args] = variant.replace(/\s*<\s*(\S+)$/, "").split(/\s+/);
        const stdin = /<\s*(\S+)$/.exec(variant)?.[1];
        let failure = "";
        try {
          execFileSync(process.execPath, [cli, ...args], {
            cwd: dir,
            encoding: "utf8",
            stdio: "pipe",
            input: stdin ? readFileSync(join(dir, stdin)) : "",
            env: { ...process.env, NO_COLOR: "1" },
          });
        } catch (e) {
          const x = e as { status?: number; stderr?: string };
          failure = `exit ${x.status}: ${x.stderr}`;
        }
        expect(failure, variant).toBe("");
      }
    }
  });
});

describe("the README's sizes", () => {
  // Figures of the sizes sentence that an older build gave and that the README still quotes. Each must really
  // be wrong (the test fails when one is corrected, so that it leaves this list); an empty list is the goal.
  const STALE = new Set(["dist/gaussmix.wasm raw", "dist/gaussmix.wasm gzip", "default entry gzip"]);

  it("are what `node scripts/size.mjs` reports, to the README's rounding", () => {
    const sizes = JSON.parse(
      execFileSync(process.execPath, [join(root, "scripts", "size.mjs"), "--json"], { encoding: "utf8" }),
    );
    const kib = (bytes: number) => bytes / 1024;
    const wasm = sizes.files["dist/gaussmix.wasm"];
    const entry = sizes.totals["default entry (JS + embedded WASM)"];
    const workerd = sizes.totals["workerd entry + gaussmix.wasm"];
    const quoted = (re: RegExp, what: string) => {
      const m = re.exec(readme);
      if (!m) throw new Error(`README: the ${what} figure was not found (${re})`);
      return m.slice(1).map(Number);
    };
    const [wasmRaw, wasmGzip] = quoted(/`dist\/gaussmix\.wasm`, ([\d.]+) KiB, ([\d.]+) KiB gzipped/, "engine");
    const [entryGzip] = quoted(/the default entry[^:]*: about ([\d.]+) KiB gzipped/, "default entry");
    const [workerdGzip] = quoted(/the workerd entry with its `\.wasm`: about ([\d.]+) KiB/, "workerd entry");
    // A figure matches when it is the measurement rounded as written (whole KiB, or one decimal); "gzipped" JS
    // may be the plain or the minified gzip (both are in the tool's table).
    const rounds = (figure: number, ...bytes: number[]) => {
      const places = String(figure).split(".")[1]?.length ?? 0;
      return bytes.some((b) => Number(kib(b).toFixed(places)) === figure);
    };
    const checks: [string, number, boolean, string][] = [
      ["dist/gaussmix.wasm raw", wasmRaw, rounds(wasmRaw, wasm.raw), `${kib(wasm.raw).toFixed(1)} KiB`],
      ["dist/gaussmix.wasm gzip", wasmGzip, rounds(wasmGzip, wasm.gzip), `${kib(wasm.gzip).toFixed(1)} KiB`],
      [
        "default entry gzip",
        entryGzip,
        rounds(entryGzip, entry.gzip, entry.minGzip),
        `${kib(entry.gzip).toFixed(1)} KiB gzip, ${kib(entry.minGzip).toFixed(1)} KiB min+gzip`,
      ],
      [
        "workerd entry gzip",
        workerdGzip,
        rounds(workerdGzip, workerd.gzip, workerd.minGzip),
        `${kib(workerd.gzip).toFixed(1)} KiB gzip, ${kib(workerd.minGzip).toFixed(1)} KiB min+gzip`,
      ],
    ];
    const wrong = checks
      .filter(([, , ok]) => !ok)
      .map(([name, figure, , measured]) => `${name}: README ${figure} KiB, measured ${measured}`);
    console.log(`README sizes that differ from \`npm run size\`:\n  ${wrong.join("\n  ") || "none"}`);
    expect(checks.filter(([, , ok]) => !ok).map(([name]) => name)).toEqual(
      checks.map(([name]) => name).filter((n) => STALE.has(n)),
    );
  });
});

describe("what is shipped links only to what is shipped", () => {
  const pack = () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: root,
      encoding: "utf8",
    });
    return new Set<string>(JSON.parse(out.slice(out.indexOf("[")))[0].files.map((f: { path: string }) => f.path));
  };
  /** Relative targets of Markdown links and images, and of HTML src/href attributes (no anchors, no URLs). */
  const linksOf = (md: string) =>
    [...md.matchAll(/\]\(([^)\s]+)\)|(?:src|href)="([^"]+)"/g)]
      .map((m) => (m[1] ?? m[2]).split("#")[0])
      .filter((t) => t !== "" && !/^[a-z]+:/i.test(t));

  it("every relative link of the README exists in the repository", () => {
    const links = linksOf(readme);
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((l) => !existsSync(join(root, l)))).toEqual([]);
  });

  it("the built files import, map and name only shipped files", () => {
    const files = pack();
    const dead: string[] = [];
    for (const f of [...files].filter((p) => /^dist\/.*\.(c?js|d\.c?ts)$/.test(p))) {
      const text = readFileSync(join(root, f), "utf8");
      const specs = [
        ...text.matchAll(/(?:from|import|require)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g),
        ...text.matchAll(/sourceMappingURL=(\S+)/g),
      ].map((m) => m[1]);
      for (const s of specs) {
        const target = join(dirname(f), s);
        if (!files.has(target)) dead.push(`${f} → ${s}`);
      }
    }
    // Source maps carry their sources' text, so the sources they name need not be shipped.
    for (const f of [...files].filter((p) => p.endsWith(".map"))) {
      const map = JSON.parse(readFileSync(join(root, f), "utf8"));
      if (
        map.sourcesContent?.length !== map.sources.length ||
        map.sourcesContent.some((c: unknown) => typeof c !== "string")
      )
        dead.push(`${f}: sources without their text`);
    }
    expect(dead).toEqual([]);
  });

  // The packed README links to docs/, bench/ and images that the package does not ship. npm resolves relative
  // links against the repository named in package.json, which names none yet: this test fails (and so passes
  // as `fails`) until `repository` is set or the links point into the package; then make it a plain `it`.
  it.fails("the packed README's relative links are shipped, or resolvable through package.json's repository", () => {
    const files = pack();
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const unshipped = linksOf(readme).filter((l) => !files.has(l.replace(/^\.\//, "")));
    expect(pkg.repository === undefined ? unshipped : []).toEqual([]);
  });
});

describe("the API reference the README links to", () => {
  it("docs/api is what `npm run docs` makes from the doc comments today", () => {
    const out = join(dir, "api");
    execFileSync(process.execPath, [join(root, "node_modules", "typedoc", "bin", "typedoc"), "--out", out], {
      cwd: root,
      encoding: "utf8",
      stdio: "pipe",
    });
    const tree = (base: string): Map<string, string> => {
      const files = new Map<string, string>();
      const walk = (d: string) => {
        for (const e of readdirSync(join(base, d), { withFileTypes: true })) {
          const rel = d ? `${d}/${e.name}` : e.name;
          if (e.isDirectory()) walk(rel);
          else files.set(rel, readFileSync(join(base, rel), "utf8"));
        }
      };
      walk("");
      return files;
    };
    const made = tree(out);
    const committed = tree(join(root, "docs", "api"));
    expect([...committed.keys()].sort(), "run `npm run docs`").toEqual([...made.keys()].sort());
    for (const [f, text] of made) expect(committed.get(f), `docs/api/${f}: run \`npm run docs\``).toBe(text);
    expect(made.get("gaussmix/classes/FittedGaussianMixture.md")).toContain("covarianceType");
  });
});
