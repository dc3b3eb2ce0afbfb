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
          types: ["node"],
          typeRoots: [join(root, "node_modules", "@types")],
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
  // Figures of the sizes sentences that an older build gave and that the README still quotes. Each must really
  // be wrong (the test fails when one is corrected, so that it leaves this list); an empty list is the goal.
  const STALE = new Set<string>([]);

  it("are what `node scripts/size.mjs` reports, to the README's rounding", () => {
    const sizes = JSON.parse(
      execFileSync(process.execPath, [join(root, "scripts", "size.mjs"), "--json"], { encoding: "utf8" }),
    );
    type Size = { raw: number; gzip: number; minGzip: number };
    const all: Record<string, Size> = { ...sizes.files, ...sizes.totals };
    /** The tool's row whose name starts with `prefix` (chunk names carry a content hash). */
    const row = (prefix: string): Size => {
      const key = Object.keys(all).find((k) => k.trim().startsWith(prefix));
      if (!key) throw new Error(`npm run size reports no "${prefix}…" (it reports ${Object.keys(all).join(", ")})`);
      return all[key];
    };
    const figure = (re: RegExp, what: string) => {
      const m = re.exec(readme.replace(/\s+/g, " "));
      if (!m) throw new Error(`README: the ${what} figure was not found (${re})`);
      return Number(m[1]);
    };
    const kib = (bytes: number) => bytes / 1024;
    /** The figure is a measurement rounded as written (whole KiB, or one decimal). */
    const rounds = (value: number, ...bytes: number[]) => {
      const places = String(value).split(".")[1]?.length ?? 0;
      return bytes.some((b) => Number(kib(b).toFixed(places)) === value);
    };
    const wasm = row("dist/gaussmix.wasm");
    const entry = row("page without relaxed SIMD");
    const relaxed = row("dist/relaxed.generated-");
    const shared = row("dist/shared.generated-");
    const workerd = row("workerd entry + both");
    // "gzipped" JavaScript may be the plain or the minified gzip (both are in the tool's table).
    const checks: [name: string, value: number, sizes: number[]][] = [
      [
        "dist/gaussmix.wasm raw",
        figure(/`dist\/gaussmix\.wasm`, ([\d.]+) KiB, [\d.]+ KiB gzipped/, "engine"),
        [wasm.raw],
      ],
      [
        "dist/gaussmix.wasm gzip",
        figure(/`dist\/gaussmix\.wasm`, [\d.]+ KiB, ([\d.]+) KiB gzipped/, "engine"),
        [wasm.gzip],
      ],
      [
        "default entry gzip",
        figure(/the default entry with the baseline build embedded about ([\d.]+) KiB/, "entry"),
        [entry.gzip, entry.minGzip],
      ],
      [
        "relaxed chunk gzip",
        figure(/plus ([\d.]+) KiB for the relaxed chunk/, "relaxed chunk"),
        [relaxed.gzip, relaxed.minGzip],
      ],
      [
        "threads chunk gzip",
        figure(/([\d.]+) KiB for a threads chunk/, "threads chunk"),
        [shared.gzip, shared.minGzip],
      ],
      [
        "workerd entry + both .wasm gzip",
        figure(/the workerd entry with both `\.wasm` files about ([\d.]+) KiB/, "workerd"),
        [workerd.gzip, workerd.minGzip],
      ],
    ];
    const wrong = checks.filter(([, value, bytes]) => !rounds(value, ...bytes));
    console.log(
      `README sizes that differ from \`npm run size\`:\n  ${
        wrong
          .map(([n, v, b]) => `${n}: README ${v} KiB, measured ${b.map((x) => `${kib(x).toFixed(1)} KiB`).join(" / ")}`)
          .join("\n  ") || "none"
      }`,
    );
    expect(wrong.map(([name]) => name)).toEqual(checks.map(([name]) => name).filter((n) => STALE.has(n)));
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
        // In a declaration file, "./x.js" names x.d.ts (and "./x.cjs" x.d.cts).
        const declared = /\.d\.c?ts$/.test(f) ? target.replace(/\.js$/, ".d.ts").replace(/\.cjs$/, ".d.cts") : target;
        if (!files.has(target) && !files.has(declared)) dead.push(`${f} → ${s}`);
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

  // The package ships what its README links to (docs/, the benchmark report, the distributed example).
  it("the packed README's relative links are shipped, or resolvable through package.json's repository", () => {
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
