/**
 * The gaussmix command line: fit (with model selection), predict, sample and score on CSV files.
 * Exit codes: 0 success, 2 bad input (CSV, options, model file) or a fit that failed, 1 anything unexpected.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { parse } from "csv-parse/sync";
import cliProgress from "cli-progress";
import {
  type CovarianceType,
  type Criterion,
  type Selection,
  FittedGaussianMixture,
  GaussMixError,
  selectModel,
  type SelectionRow,
} from "gaussmix";

/** An input problem: reported on stderr with exit code 2. */
class InputError extends Error {}

const COV_TYPES: readonly CovarianceType[] = ["spherical", "diag", "tied", "full"];

interface Table {
  names: string[];
  rows: number[][];
}

/** Reads a CSV file (or stdin for "-"): header detected, numeric cells checked with their line and column. */
export function readCsv(path: string, columns?: string): Table {
  const label = path === "-" ? "stdin" : path;
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (e) {
    throw new InputError(`${label}: cannot read the file (${(e as Error).message})`);
  }
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, trim: true, bom: true });
  } catch (e) {
    const err = e as Error & { lines?: number; code?: string };
    const where = err.lines !== undefined ? `line ${err.lines}: ` : "";
    const what =
      err.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH" ? "rows have different numbers of columns" : err.message;
    throw new InputError(`${label}: ${where}${what}`);
  }
  if (records.length === 0) throw new InputError(`${label}: the file is empty`);
  const isNumber = (s: string) => s !== "" && Number.isFinite(Number(s));
  const hasHeader = records[0].some((cell) => !isNumber(cell));
  const width = records[0].length;
  const names = hasHeader ? records[0] : records[0].map((_, j) => `x${j}`);
  const body = hasHeader ? records.slice(1) : records;
  const firstLine = hasHeader ? 2 : 1;
  if (body.length === 0) throw new InputError(`${label}: no data rows after the header`);
  let picked: number[];
  if (columns) {
    picked = columns.split(",").map((c) => {
      const t = c.trim();
      const byName = names.indexOf(t);
      if (byName >= 0) return byName;
      if (/^\d+$/.test(t) && Number(t) < width) return Number(t);
      throw new InputError(`${label}: no column "${t}" (columns: ${names.join(", ")})`);
    });
  } else {
    picked = names.map((_, j) => j).filter((j) => !(hasHeader && /^(label|class)$/i.test(names[j])));
  }
  const rows = body.map((record, i) =>
    picked.map((j) => {
      const cell = record[j];
      if (!isNumber(cell)) {
        throw new InputError(
          `${label}: line ${firstLine + i}, column ${j + 1} (${names[j]}): "${cell}" is not a finite number`,
        );
      }
      return Number(cell);
    }),
  );
  return { names: picked.map((j) => names[j]), rows };
}

function parseComponents(value: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(value);
  const list = range
    ? Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => Number(range[1]) + i)
    : value.split(",").map((s) => Number(s.trim()));
  if (list.length === 0 || !list.every((k) => Number.isInteger(k) && k >= 1)) {
    throw new InvalidArgumentError("expected a range like 1..8 or a list like 1,2,5 of positive integers");
  }
  return list;
}

function parseCovariance(value: string): CovarianceType[] {
  const list = value.split(",").map((s) => s.trim()) as CovarianceType[];
  if (!list.every((t) => COV_TYPES.includes(t)))
    throw new InvalidArgumentError(`expected a list of ${COV_TYPES.join(", ")}`);
  return list;
}

function parseInteger(value: string): number {
  const v = Number(value);
  if (!Number.isInteger(v)) throw new InvalidArgumentError("expected an integer");
  return v;
}

function parseNumber(value: string): number {
  const v = Number(value);
  if (!Number.isFinite(v)) throw new InvalidArgumentError("expected a number");
  return v;
}

function loadModel(path: string): FittedGaussianMixture {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(`${path}: cannot read the model file (${(e as Error).message})`);
  }
  return FittedGaussianMixture.fromJSON(text);
}

const fmt = (v: number) =>
  Number.isFinite(v)
    ? Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0)
      ? v.toExponential(4)
      : v.toFixed(4)
    : String(v);

function selectionTable(table: SelectionRow[], best: SelectionRow, criterion: Criterion): string {
  const head = ["k", "covariance", "log-likelihood", "params", "BIC", "AIC", "ICL", "converged", "iter"];
  const body = table.map((r) => [
    String(r.nComponents),
    r.covarianceType,
    fmt(r.logLikelihood),
    String(r.nParameters),
    fmt(r.bic),
    fmt(r.aic),
    fmt(r.icl),
    r.error ? `error: ${r.error.code}` : r.converged ? "yes" : "no",
    String(r.nIter),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const line = (cells: string[], mark = " ") =>
    mark + " " + cells.map((c, j) => (j < 2 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ");
  return [
    line(head),
    ...body.map((cells, i) => line(cells, table[i] === best ? "*" : " ")),
    `  (* lowest ${criterion.toUpperCase()})`,
  ].join("\n");
}

function describeModel(m: FittedGaussianMixture): string {
  const out = [
    `${m.nComponents} component${m.nComponents === 1 ? "" : "s"}, covariance "${m.covarianceType}", ${m.nFeatures} feature${m.nFeatures === 1 ? "" : "s"}`,
  ];
  const cov = m.covariances as unknown;
  m.weights.forEach((w, c) => {
    out.push(`  component ${c}: weight ${fmt(w)}, mean [${m.means[c].map(fmt).join(", ")}]`);
    const block =
      m.covarianceType === "full"
        ? (cov as number[][][])[c]
        : m.covarianceType === "diag"
          ? [(cov as number[][])[c]]
          : m.covarianceType === "spherical"
            ? [[(cov as number[])[c]]]
            : undefined;
    if (block)
      out.push(
        `    ${m.covarianceType === "full" ? "covariance" : m.covarianceType === "diag" ? "variances" : "variance"} ${JSON.stringify(block.map((r) => r.map((v) => Number(fmt(v)))))}`,
      );
  });
  if (m.covarianceType === "tied")
    out.push(`  tied covariance ${JSON.stringify((cov as number[][]).map((r) => r.map((v) => Number(fmt(v)))))}`);
  out.push(
    `  converged: ${m.converged ? "yes" : "no"} after ${m.nIter} iteration${m.nIter === 1 ? "" : "s"}; lower bound ${fmt(m.lowerBound)}`,
  );
  return out.join("\n");
}

function writeCsv(header: string[], rows: Iterable<string>): void {
  let out = header.join(",") + "\n";
  for (const r of rows) out += r + "\n";
  process.stdout.write(out);
}

export function program(): Command {
  const cmd = new Command("gaussmix")
    .description("Gaussian mixture models on CSV files: fit with model selection, predict, sample, score")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  cmd
    .command("fit")
    .description("select the number of components and covariance type, fit, and report")
    .argument("<data>", "CSV file (header detected), or - for stdin")
    .option(
      "--components <list>",
      "numbers of components: a range 1..8 or a list 1,2,5",
      parseComponents,
      parseComponents("1..8"),
    )
    .option("--covariance <list>", "covariance types to try", parseCovariance, [...COV_TYPES])
    .addOption(new Option("--criterion <name>", "what picks the model").choices(["bic", "aic", "icl"]).default("bic"))
    .option("--columns <list>", "columns to use, by name or 0-based index (default: all but label/class)")
    .option("--seed <n>", "random seed", parseInteger, 0)
    .option("--n-init <n>", "initialisations per fit", parseInteger, 1)
    .option("--max-iter <n>", "EM iterations per initialisation", parseInteger, 100)
    .option("--tol <x>", "convergence threshold", parseNumber, 1e-3)
    .option("--reg-covar <x>", "added to covariance diagonals", parseNumber, 1e-6)
    .option("--out <file>", "write the chosen model as JSON (only if the fit succeeds)")
    .option("--json", "print the selection table and the model as JSON")
    .action(async (path: string, o) => {
      const { rows, names } = readCsv(path, o.columns);
      const total = o.components.length * o.covariance.length;
      const bar =
        process.stderr.isTTY && !o.json
          ? new cliProgress.SingleBar(
              { stream: process.stderr, format: "fitting {bar} {value}/{total} {cell}" },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
      bar?.start(total, 0, { cell: "" });
      const t0 = performance.now();
      let selection: Selection;
      try {
        selection = await selectModel(rows, {
          nComponents: o.components,
          covarianceTypes: o.covariance,
          criterion: o.criterion,
          randomState: o.seed,
          nInit: o.nInit,
          maxIter: o.maxIter,
          tol: o.tol,
          regCovar: o.regCovar,
          onProgress: (done, _total, row) => bar?.update(done, { cell: `k=${row.nComponents} ${row.covarianceType}` }),
        });
      } finally {
        bar?.stop();
      }
      const ms = performance.now() - t0;
      const { table, best, bestRow, criterion } = selection;
      if (o.out) {
        const tmp = `${o.out}.tmp-${process.pid}`;
        writeFileSync(tmp, JSON.stringify(best.toJSON()) + "\n");
        renameSync(tmp, o.out);
      }
      if (o.json) {
        process.stdout.write(
          JSON.stringify(
            { columns: names, nSamples: rows.length, criterion, table, model: best.toJSON(), fitMs: ms },
            null,
            1,
          ) + "\n",
        );
        return;
      }
      process.stdout.write(
        [
          `${rows.length} samples × ${names.length} features (${names.join(", ")}); ${total} fits in ${ms.toFixed(1)} ms`,
          "",
          selectionTable(table, bestRow, criterion),
          "",
          `chosen: ${describeModel(best)}`,
          o.out ? `model written to ${o.out}` : "",
        ].join("\n") + "\n",
      );
    });

  cmd
    .command("predict")
    .description("write the label (or with --proba the responsibilities) of each row as CSV")
    .argument("<model>", "model JSON written by fit --out")
    .argument("<data>", "CSV file, or - for stdin")
    .option("--proba", "write responsibilities p0,p1,… instead of labels")
    .option("--columns <list>", "columns to use, by name or 0-based index")
    .action((modelPath: string, path: string, o) => {
      const m = loadModel(modelPath);
      const { rows } = readCsv(path, o.columns);
      if (o.proba) {
        const { data, shape } = m.predictProba(rows);
        const k = shape[1];
        writeCsv(
          Array.from({ length: k }, (_, c) => `p${c}`),
          Array.from({ length: shape[0] }, (_, i) => Array.from(data.subarray(i * k, (i + 1) * k)).join(",")),
        );
      } else {
        writeCsv(["label"], Array.from(m.predict(rows), String));
      }
    });

  cmd
    .command("sample")
    .description("draw samples from a model and write them as CSV")
    .argument("<model>", "model JSON written by fit --out")
    .requiredOption("-n, --n <count>", "number of samples", parseInteger)
    .option("--seed <n>", "random seed", parseInteger, 0)
    .action((modelPath: string, o) => {
      const m = loadModel(modelPath);
      const { X, labels } = m.sample(o.n, { randomState: o.seed });
      const d = X.shape[1];
      writeCsv(
        [...Array.from({ length: d }, (_, j) => `x${j}`), "label"],
        Array.from(labels, (l, i) => [...X.data.subarray(i * d, (i + 1) * d), l].join(",")),
      );
    });

  cmd
    .command("score")
    .description("print the mean log-likelihood of the rows (or with --per-sample each row's)")
    .argument("<model>", "model JSON written by fit --out")
    .argument("<data>", "CSV file, or - for stdin")
    .option("--per-sample", "write log p(x) of each row as CSV")
    .option("--columns <list>", "columns to use, by name or 0-based index")
    .action((modelPath: string, path: string, o) => {
      const m = loadModel(modelPath);
      const { rows } = readCsv(path, o.columns);
      if (o.perSample) writeCsv(["log_likelihood"], Array.from(m.scoreSamples(rows), String));
      else process.stdout.write(`${m.score(rows)}\n`);
    });
  return cmd;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2; // commander printed its message
    if (e instanceof InputError) {
      process.stderr.write(`gaussmix: ${e.message}\n`);
      return 2;
    }
    if (e instanceof GaussMixError) {
      process.stderr.write(`gaussmix: ${e.code}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`gaussmix: unexpected error: ${e instanceof Error ? e.stack : String(e)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
