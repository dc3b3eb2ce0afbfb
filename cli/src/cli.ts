import { createRequire } from "node:module";
import cliProgress from "cli-progress";
import { Command, CommanderError, Option } from "commander";
import { BayesianGaussianMixture, GaussMixError, type ModelJSON, type Selection, selectModel } from "gaussmix";
import type { CsvDelimiter } from "gaussmix/csv";
import {
  COV_TYPES,
  fitOptions,
  MAX_COMPONENTS,
  MAX_GRID_K,
  parseComponents,
  parseCovariance,
  parseDelimiter,
  parseInteger,
  parseList,
  parseNumber,
  parsePositive,
} from "./arguments.js";
import { describeModel, plural, readableJSON, selectionTable } from "./format.js";
import { loadModel, withNames } from "./model-file.js";
import { InputError, readTable, type Table } from "./read.js";
import { checkInMemoryFit, fitStreamed } from "./stream.js";
import { checkOutFile, csvCell, OutputClosed, write, writeOutFile, writeRows } from "./write.js";

export { MAX_COMPONENTS, MAX_GRID_K } from "./arguments.js";

/** With --bayesian, a component counts as used when its weight is at least this. */
export const EFFECTIVE_WEIGHT = 0.01;
/** `sample` draws at most this many rows at once (so its memory is bounded, whatever -n is). */
const SAMPLE_BLOCK = 1_000_000;

function notify(label: string, table: Table): void {
  for (const n of table.notices) process.stderr.write(`gaussmix: ${label}: ${n}\n`);
}

const matrixOf = (t: Table) => ({ data: t.data, shape: [t.nSamples, t.nFeatures] as [number, number] });

/** Options shared by the commands that read a CSV file. */
function csvOptions(cmd: Command, columnsDefault: string): Command {
  return cmd
    .option(
      "--columns <list>",
      `columns to read, by name or number (1 = first column), in this order (default: ${columnsDefault})`,
    )
    .option("--exclude <list>", "columns to leave out, by name or number (1 = first column)")
    .option("--delimiter <char>", 'field separator: ",", ";" or tab (default: detected)', parseDelimiter);
}

const columnChoice = (o: { columns?: string; exclude?: string; delimiter?: CsvDelimiter }) => ({
  columns: o.columns === undefined ? undefined : parseList(o.columns),
  exclude: o.exclude === undefined ? undefined : parseList(o.exclude),
  delimiter: o.delimiter,
});

export function program(): Command {
  const require = createRequire(import.meta.url);
  const version = `${require("../package.json").version} (gaussmix ${require("gaussmix/package.json").version})`;
  const cmd = new Command("gaussmix")
    .description("Gaussian mixture models on CSV files: fit with model selection, predict, sample, score")
    .version(version, "-V, --version", "print the version")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  csvOptions(
    cmd
      .command("fit")
      .description(
        "select the number of components and covariance type, fit, and report (with --stream: fit one model to a file of any size)",
      )
      .argument("<data>", "CSV file (header detected), or - for stdin"),
    "the numeric ones, but not one named label or class",
  )
    .addOption(
      new Option(
        "--components <list>",
        `numbers of components: a range 1..8 or a list 1,2,5 (k ≤ ${MAX_COMPONENTS}, at most ${MAX_GRID_K} values)`,
      )
        .argParser(parseComponents)
        .default(parseComponents("1..8"), "1..8"),
    )
    .addOption(
      new Option("--covariance <list>", "covariance types to try")
        .argParser(parseCovariance)
        .default([...COV_TYPES], COV_TYPES.join(",")),
    )
    .addOption(new Option("--criterion <name>", "what picks the model").choices(["bic", "aic", "icl"]).default("bic"))
    .option(
      "--init <method>",
      "initialisation: auto, hc, kmeans, k-means++, random or random_from_data (default: the library's, auto; kmeans with --bayesian)",
    )
    .option("--n-init <n>", "initialisations per fit (the best is kept)", parsePositive, 1)
    .option("--seed <n>", "random seed", parseInteger, 0)
    .option("--max-iter <n>", "EM iterations per initialisation", parsePositive, 100)
    .option(
      "--tol <x>",
      "convergence threshold (default: the library's, 1e-5 for the selection, 1e-3 with --stream or --bayesian)",
      parseNumber,
    )
    .option(
      "--reg-covar <x>",
      "added to variances (default 1e-6; 1e-6 × min(1, variance) with --init auto/hc)",
      parseNumber,
    )
    .option("--threads <n>", "threads for each EM pass", parsePositive, 1)
    .option("--out <file>", "write the chosen model as JSON (checked before fitting; written only if the fit succeeds)")
    .option("--json", "print the selection table and the model as JSON")
    .option(
      "--stream",
      "fit one model (one --components, one --covariance, default full) reading the file once per EM iteration, one chunk at a time: for files of any size",
    )
    .option("--chunk-size <n>", "with --stream: rows held in memory at a time (default 65536)", parsePositive)
    .option(
      "--sample-size <n>",
      "with --stream: rows kept from the first pass, on which the first parameters are fitted (default 20000)",
      parsePositive,
    )
    .option(
      "--bayesian",
      `fit one BayesianGaussianMixture with the largest --components as an upper bound (one --covariance type, default full) and report its effective number of components (weights ≥ ${EFFECTIVE_WEIGHT})`,
    )
    .action(async (path: string, o, command: Command) => {
      if (o.stream) return fitStreamed(path, columnChoice(o), o, command);
      checkInMemoryFit(o);
      if (o.out) checkOutFile(o.out);
      const table = await readTable(path, columnChoice(o));
      const label = path === "-" ? "stdin" : path;
      notify(label, table);
      const n = table.nSamples;
      const ks = (o.components as number[]).filter((k) => k <= n);
      const tooMany = (o.components as number[]).filter((k) => k > n);
      if (ks.length === 0) {
        throw new InputError(
          `--components ${tooMany.join(",")}: more components than the ${plural(n, "sample")} of ${label}; choose k ≤ ${n}`,
        );
      }
      const leftOut = tooMany.length
        ? `k = ${tooMany.join(", ")} left out: more components than the ${plural(n, "sample")}`
        : "";
      if (o.bayesian) {
        const types = command.getOptionValueSource("covariance") === "default" ? ["full"] : o.covariance;
        if (types.length !== 1)
          throw new InputError(`--bayesian fits one covariance type; got --covariance ${types.join(",")}: give one`);
        await fitBayesian(table, { ...o, covarianceType: types[0], nComponents: Math.max(...ks) });
        return;
      }
      const total = ks.length * o.covariance.length;
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
        selection = await selectModel(matrixOf(table), {
          nComponents: ks,
          covarianceTypes: o.covariance,
          criterion: o.criterion,
          ...fitOptions(o),
          onProgress: (done, _total, row) => bar?.update(done, { cell: `k=${row.nComponents} ${row.covarianceType}` }),
        });
      } finally {
        bar?.stop();
      }
      const ms = performance.now() - t0;
      const { table: rows, best, bestRow, criterion } = selection;
      const model: ModelJSON = withNames(best.toJSON(), table.names);
      if (o.out) writeOutFile(o.out, `${readableJSON(model)}\n`);
      if (o.json) {
        const doc = { columns: table.names, nSamples: n, criterion, leftOut: tooMany, table: rows, model, fitMs: ms };
        await write(`${readableJSON(doc)}\n`);
        return;
      }
      await write(
        `${[
          `${plural(n, "sample")} × ${plural(table.nFeatures, "feature")} (${table.names.join(", ")}); ${plural(total, "fit")} in ${ms.toFixed(1)} ms`,
          ...(leftOut ? [leftOut] : []),
          "",
          selectionTable(rows, bestRow, criterion),
          "",
          `chosen: ${describeModel(best, table.names)}`,
          ...(o.out ? [`model written to ${o.out}`] : []),
        ].join("\n")}\n`,
      );
    });

  csvOptions(
    cmd
      .command("predict")
      .description("write the label (or with --proba the responsibilities) of each row as CSV")
      .argument("<model>", "model JSON written by fit --out")
      .argument("<data>", "CSV file, or - for stdin (the model's columns are found by name)"),
    "the model's feature names, else by position",
  )
    .option("--proba", "write responsibilities p0,p1,… instead of labels")
    .action(async (modelPath: string, path: string, o) => {
      const { m, table } = await modelAndData(modelPath, path, o);
      if (o.proba) {
        const { data } = m.predictProba(matrixOf(table));
        const k = m.nComponents;
        await writeRows(
          Array.from({ length: k }, (_, c) => `p${c}`),
          table.nSamples,
          (i) => data.subarray(i * k, (i + 1) * k).join(","),
        );
      } else {
        const labels = m.predict(matrixOf(table));
        await writeRows(["label"], table.nSamples, (i) => String(labels[i]));
      }
    });

  cmd
    .command("sample")
    .description("draw samples from a model and write them as CSV (columns named as in the fitted data)")
    .argument("<model>", "model JSON written by fit --out")
    .requiredOption("-n, --n <count>", "number of samples (required)", parsePositive)
    .option("--seed <n>", "random seed", parseInteger, 0)
    .action(async (modelPath: string, o) => {
      const { m, featureNames } = loadModel(modelPath);
      const d = m.nFeatures;
      const names = featureNames ?? Array.from({ length: d }, (_, j) => `x${j}`);
      // Up to one block: exactly the library's model.sample(n, { randomState: seed }). More rows are drawn in
      // blocks of SAMPLE_BLOCK, block b with the seed (seed + b·0x9e3779b9) mod 2³² (distinct for every block, as
      // the multiplier is odd), so memory stays bounded for any n.
      for (let b = 0, done = 0; done < o.n; b++) {
        const count = Math.min(SAMPLE_BLOCK, o.n - done);
        const { X, labels } = m.sample(count, { randomState: (o.seed + b * 0x9e3779b9) % 2 ** 32 });
        // The header once the first block is drawn: a refused option leaves no output.
        let text = b === 0 ? `${[...names.map(csvCell), "label"].join(",")}\n` : "";
        for (let i = 0; i < count; i++) {
          for (let j = 0; j < d; j++) text += `${X.data[i * d + j]},`;
          text += `${labels[i]}\n`;
          if ((i & 16383) === 16383) {
            await write(text);
            text = "";
          }
        }
        await write(text);
        done += count;
      }
    });

  csvOptions(
    cmd
      .command("score")
      .description("print the mean log-likelihood of the rows (or with --per-sample each row's)")
      .argument("<model>", "model JSON written by fit --out")
      .argument("<data>", "CSV file, or - for stdin (the model's columns are found by name)"),
    "the model's feature names, else by position",
  )
    .option("--per-sample", "write log p(x) of each row as CSV")
    .action(async (modelPath: string, path: string, o) => {
      const { m, table } = await modelAndData(modelPath, path, o);
      if (o.perSample) {
        const ll = m.scoreSamples(matrixOf(table));
        await writeRows(["log_likelihood"], table.nSamples, (i) => String(ll[i]));
      } else await write(`${m.score(matrixOf(table))}\n`);
    });
  return cmd;
}

/** predict and score: the model file, and the data's columns found by the model's feature names. */
async function modelAndData(modelPath: string, path: string, o: Record<string, any>) {
  const { m, featureNames } = loadModel(modelPath);
  const table = await readTable(path, { ...columnChoice(o), featureNames, nFeatures: m.nFeatures });
  notify(path === "-" ? "stdin" : path, table);
  return { m, table };
}

/** `fit --bayesian`: one variational fit; the components it leaves (near-)empty are not counted. */
async function fitBayesian(table: Table, o: Record<string, any>): Promise<void> {
  const t0 = performance.now();
  const model = await new BayesianGaussianMixture({
    nComponents: o.nComponents,
    covarianceType: o.covarianceType,
    ...fitOptions(o),
  }).fit(matrixOf(table));
  const ms = performance.now() - t0;
  const effective = model.weights.filter((w) => w >= EFFECTIVE_WEIGHT).length;
  const doc = withNames(model.toJSON(), table.names);
  if (o.out) writeOutFile(o.out, `${readableJSON(doc)}\n`);
  if (o.json) {
    const out = {
      columns: table.names,
      nSamples: table.nSamples,
      effectiveComponents: effective,
      model: doc,
      fitMs: ms,
    };
    await write(`${readableJSON(out)}\n`);
    return;
  }
  await write(
    `${[
      `${plural(table.nSamples, "sample")} × ${plural(table.nFeatures, "feature")} (${table.names.join(", ")}); Bayesian fit of at most ${plural(o.nComponents, "component")} in ${ms.toFixed(1)} ms`,
      `effective components: ${effective} of ${o.nComponents} (weight ≥ ${EFFECTIVE_WEIGHT})`,
      "",
      `fitted: ${describeModel(model, table.names)}`,
      ...(o.out ? [`model written to ${o.out}`] : []),
    ].join("\n")}\n`,
  );
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2; // commander printed its message
    if (e instanceof OutputClosed) return 0; // the reader stopped reading (e.g. | head)
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
