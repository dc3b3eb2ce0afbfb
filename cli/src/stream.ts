/**
 * `fit --stream`: one model fitted by the library's `fitStream`, which reads the file once per EM pass with the
 * library's CSV reader and holds one chunk of rows at a time, so the file may be larger than memory (and than
 * WebAssembly's 4 GiB). The command line reads only the file's first records itself, to resolve the columns.
 */
import { createReadStream, statSync } from "node:fs";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { type FittedGaussianMixture, fitStream, GaussMixError, type IterationInfo } from "gaussmix";
import { fitOptions } from "./arguments.js";
import { describeModel, fmt, plural, readableJSON } from "./format.js";
import { withNames } from "./model-file.js";
import { type ColumnChoice, InputError, readError, streamedColumns } from "./read.js";
import { checkOutFile, write, writeOutFile } from "./write.js";

/** Bytes read from the file at a time (the text held at once, besides the rows parsed from it). */
const TEXT_CHUNK = 1 << 20;

/** The `fit` options --stream cannot honour, with what to do instead. */
const REFUSED: readonly { flag: string; key: string; why: string }[] = [
  {
    flag: "--bayesian",
    key: "bayesian",
    why: "the variational fit needs the data in memory; leave out --stream (the file must then fit in memory) or --bayesian",
  },
  {
    flag: "--criterion",
    key: "criterion",
    why: "it picks among several fits, and --stream fits one model; leave it out",
  },
];

/** Checks the options of `fit --stream` before anything is read: one model, and no option left unused. */
function streamChoice(path: string, o: Record<string, any>, command: Command) {
  const given = (key: string) => command.getOptionValueSource(key) !== "default" && o[key] !== undefined;
  for (const r of REFUSED) if (given(r.key)) throw new InputError(`--stream cannot be used with ${r.flag}: ${r.why}`);
  if (path === "-") {
    throw new InputError(
      "--stream reads the file once per EM iteration, and stdin can be read only once; save it to a file and give its path",
    );
  }
  const ks = o.components as number[];
  if (!given("components")) {
    throw new InputError(
      "--stream fits one model: give its number of components with --components, e.g. --components 3 (to compare several, fit each, or choose on a sample of the file without --stream)",
    );
  }
  if (ks.length !== 1) {
    throw new InputError(
      `--stream fits one model, but --components ${ks.join(",")} asks for ${ks.length}: give one number, e.g. --components ${ks[0]}`,
    );
  }
  const types = given("covariance") ? (o.covariance as string[]) : ["full"];
  if (types.length !== 1) {
    throw new InputError(
      `--stream fits one model, but --covariance ${types.join(",")} asks for ${types.length} types: give one, e.g. --covariance ${types[0]}`,
    );
  }
  return { nComponents: ks[0], covarianceType: types[0] as "full" | "tied" | "diag" | "spherical" };
}

/** Refuses the options of `fit --stream` given without --stream (they would be silently unused). */
export function checkInMemoryFit(o: Record<string, any>): void {
  for (const flag of ["chunkSize", "sampleSize"] as const) {
    if (o[flag] !== undefined) {
      const name = flag === "chunkSize" ? "--chunk-size" : "--sample-size";
      throw new InputError(`${name} applies to fit --stream only; add --stream or leave ${name} out`);
    }
  }
}

/** A progress bar on stderr (a terminal only, as for `fit`): how far through the file the current pass is. */
function progress(path: string, show: boolean) {
  if (!show) return undefined;
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    // The read reports it.
  }
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: "{pass} {bar} {percentage}% {info}", hideCursor: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(size, 1), 0, { pass: "pass 1 (count, sample)", info: "" });
  return bar;
}

/** `gaussmix fit <file> --stream`: one model fitted over the file read once per pass. */
export async function fitStreamed(
  path: string,
  choice: ColumnChoice,
  o: Record<string, any>,
  command: Command,
): Promise<void> {
  const { nComponents, covarianceType } = streamChoice(path, o, command);
  // A pipe (`<(zcat big.csv.gz)`, a named pipe) gives its text once: the second pass would find it empty or wait.
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(path);
  } catch {
    st = undefined; // the read reports it
  }
  if (st && !st.isFile() && !st.isDirectory()) {
    throw new InputError(
      `${path}: --stream reads the file once per EM iteration, and this is not a regular file (a pipe?), which can be read only once; write it to a file first (e.g. decompress it)`,
    );
  }
  if (o.out) checkOutFile(o.out);
  const columns = await streamedColumns(path, choice);
  for (const n of columns.notices) process.stderr.write(`gaussmix: ${path}: ${n}\n`);

  const bar = progress(path, process.stderr.isTTY === true && !o.json);
  let passes = 0;
  let read = 0;
  // One pass of the file's bytes, for the library's CSV reader; counted for the progress bar.
  async function* pass(): AsyncGenerator<Uint8Array> {
    passes++;
    read = 0;
    if (passes > 1) bar?.update(0, { pass: `pass ${passes} (EM iteration ${passes - 1})` });
    for await (const bytes of createReadStream(path, { highWaterMark: TEXT_CHUNK }) as AsyncIterable<Buffer>) {
      read += bytes.length;
      bar?.update(read);
      yield bytes;
    }
  }
  const onIteration = (info: IterationInfo) => {
    const change = Number.isFinite(info.change) ? `, change ${fmt(info.change)}` : "";
    bar?.update(read, { info: `mean log-likelihood ${fmt(info.lowerBound)}${change}` });
  };

  const t0 = performance.now();
  let model: FittedGaussianMixture;
  try {
    model = await fitStream(pass, {
      nComponents,
      covarianceType,
      ...fitOptions(o),
      ...(o.chunkSize === undefined ? {} : { chunkSize: o.chunkSize }),
      ...(o.sampleSize === undefined ? {} : { sampleSize: o.sampleSize }),
      csv: columns.csv,
      ...(bar ? { onIteration } : {}),
    });
  } catch (e) {
    // The file's and the CSV reader's errors name the file (and the line and column); a failed fit keeps its code.
    if (e instanceof GaussMixError && e.code !== "INVALID_DATA") throw e;
    throw readError(e, path);
  } finally {
    bar?.stop();
  }
  const ms = performance.now() - t0;
  const names = columns.names;
  const doc = withNames(model.toJSON(), names);
  if (o.out) writeOutFile(o.out, `${readableJSON(doc)}\n`);
  if (o.json) {
    await write(`${readableJSON({ columns: names, passes, model: doc, fitMs: ms })}\n`);
    return;
  }
  await write(
    `${[
      `${plural(names.length, "feature")} (${names.join(", ")}) streamed from ${path}: ${passes} pass${passes === 1 ? "" : "es"} over the file in ${ms.toFixed(1)} ms`,
      "",
      `fitted: ${describeModel(model, names)}`,
      ...(o.out ? [`model written to ${o.out}`] : []),
    ].join("\n")}\n`,
  );
}
