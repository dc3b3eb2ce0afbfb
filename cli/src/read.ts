/**
 * Reading a CSV file (or stdin) as a stream into one row-major Float64Array, with the library's CSV reader
 * (`gaussmix/csv`): memory grows with the numbers read, never with the text of the whole file.
 *
 * Columns are chosen before the numbers are read: the first records are parsed on their own to learn the
 * header, so that `--columns`, `--exclude` and a model's feature names are resolved with our messages.
 * Column numbers are 1-based everywhere on the command line (options and messages), as in `cut -f`.
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { GaussMixError } from "gaussmix";
import {
  type CsvDelimiter,
  type CsvOptions,
  CsvParser,
  type CsvTable,
  parseCsv,
  type SkippedColumn,
} from "gaussmix/csv";

/** An input problem: reported on stderr as one line, exit code 2. */
export class InputError extends Error {}

/** What the command line asks of a file's columns. */
export interface ColumnChoice {
  /** --columns: names or 1-based numbers, in this order. */
  columns?: string[];
  /** --exclude: names or 1-based numbers left out (from the default choice). */
  exclude?: string[];
  /** Feature names of a model: found by name, in any order (a file without a header is read by position). */
  featureNames?: readonly string[];
  /** How many columns the model expects (checked with a clear message). */
  nFeatures?: number;
  delimiter?: CsvDelimiter;
}

export interface Table {
  data: Float64Array;
  nSamples: number;
  nFeatures: number;
  /** Names of the columns read, in the order of the data. */
  names: string[];
  /** One line per group of columns left out, for a notice on stderr. */
  notices: string[];
}

/** Columns named like this are class labels, left out by default (the examples' `label`). */
const LABEL = /^(label|class)$/i;
/** The first records are read ahead to learn the header: this many line breaks, or this much text. */
const AHEAD_LINES = 12;
const AHEAD_CHARS = 1 << 16;
/** Chunks read from the file. */
const CHUNK = 1 << 20;

const columnName = (names: string[], j: number) => `column ${j + 1}${names[j] ? ` (${names[j]})` : ""}`;

/** Resolves a name or a 1-based number against the header; `what` says where it came from in messages. */
function resolveColumn(c: string, names: string[], what: string, label: string): number {
  const byName = names.indexOf(c);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(c)) {
    const j = Number(c);
    if (j >= 1 && j <= names.length) return j - 1;
    throw new InputError(
      `${label}: ${what} ${c}: the file has ${names.length} column${names.length === 1 ? "" : "s"}, numbered 1 to ${names.length} (${names.join(", ")})`,
    );
  }
  throw new InputError(`${label}: ${what} "${c}" is not a column of the file (columns: ${names.join(", ")})`);
}

function describeSkipped(skipped: SkippedColumn[]): string[] {
  const shown = skipped
    .filter((c) => c.reason !== "excluded")
    .sort((a, b) => a.index - b.index)
    .map((c) =>
      c.reason === "text"
        ? `column ${c.index + 1} (${c.name ? `${c.name}, ` : ""}text such as ${JSON.stringify(c.firstValue)})`
        : `column ${c.index + 1} (no name: row names)`,
    );
  return shown.length ? [`skipped ${shown.join(", ")}; --columns or --exclude to choose`] : [];
}

/**
 * Reads the header (and the first rows) from the first records alone, cut after a line break so that no record
 * is read in half: after the last one, else after earlier ones (a quoted line break can make a cut fall inside
 * a field). When none can be read, the error of the longest cut (the full read would report the same).
 */
function peek(text: string, final: boolean, options: CsvOptions): CsvTable | unknown {
  const cuts: number[] = final ? [text.length] : [];
  for (let i = text.length - 1; i >= 0 && cuts.length < AHEAD_LINES; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) cuts.push(i + 1);
  }
  let first: unknown;
  for (const end of cuts) {
    try {
      return parseCsv(text.slice(0, end), options);
    } catch (e) {
      first ??= e; // the error of the longest cut, to report if no cut can be read
    }
  }
  return first ?? new GaussMixError("INVALID_DATA", "no line break in the first 64 KiB: expected rows of numbers");
}

/** Rephrases the CSV reader's errors for the command line (with the file's name). */
function csvError(e: unknown, label: string): unknown {
  if (e instanceof GaussMixError && e.code === "INVALID_DATA") return new InputError(`${label}: ${e.message}`);
  return e;
}

/**
 * Reads numbers from `path` ("-" for stdin), choosing columns as `choice` says. Throws InputError with the
 * file's name, line and column for anything wrong in the file.
 */
export async function readTable(path: string, choice: ColumnChoice = {}): Promise<Table> {
  const label = path === "-" ? "stdin" : path;
  let stream: Readable;
  if (path === "-") {
    process.stdin.setEncoding("utf8");
    stream = process.stdin;
  } else {
    stream = createReadStream(path, { encoding: "utf8", highWaterMark: CHUNK });
  }
  let parser: CsvParser | undefined;
  let ahead = "";
  let lines = 0;
  let table: CsvTable;
  let head: unknown;
  const start = (final: boolean) => {
    head = peek(ahead, final, { delimiter: choice.delimiter });
    const delimiter = choice.delimiter ?? (isTable(head) ? head.delimiter : undefined);
    parser = new CsvParser({ delimiter, ...chooseColumns(head, choice, label) });
    parser.feed(ahead);
    ahead = "";
  };
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      if (parser) {
        parser.feed(chunk);
        continue;
      }
      ahead += chunk;
      for (let i = chunk.indexOf("\n"); i >= 0 && lines < AHEAD_LINES; i = chunk.indexOf("\n", i + 1)) lines++;
      if (lines >= AHEAD_LINES || ahead.length >= AHEAD_CHARS) start(false);
    }
    if (!parser) start(true);
    table = parser!.end();
  } catch (e) {
    throw readError(e, label);
  } finally {
    if (path !== "-") (stream as ReturnType<typeof createReadStream>).destroy();
  }
  const [nSamples, nFeatures] = table.shape;
  const notices = noticesOf(table, choice);
  if (choice.nFeatures !== undefined && nFeatures !== choice.nFeatures) {
    throw new InputError(
      `${label}: the model has ${choice.nFeatures} feature${choice.nFeatures === 1 ? "" : "s"}, but ${nFeatures} numeric column${nFeatures === 1 ? " was" : "s were"} read (${table.columns.join(", ")}); choose ${choice.nFeatures} with --columns`,
    );
  }
  return { data: table.data, nSamples, nFeatures, names: table.columns, notices };
}

/**
 * An error met while reading `label`: the file system's (no such file, a directory, …) and the CSV reader's
 * become InputError with the file's name (and the reader's line and column); anything else is returned as is.
 */
export function readError(e: unknown, label: string): unknown {
  if (e instanceof InputError) return e;
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code === "string" && typeof err.syscall === "string") {
    const why =
      err.code === "ENOENT"
        ? "no such file"
        : err.code === "EISDIR"
          ? "it is a directory"
          : err.code === "EACCES"
            ? "permission denied"
            : err.message;
    return new InputError(`${label}: cannot read the file (${why})`);
  }
  if (e instanceof GaussMixError && e.code === "INVALID_DATA" && /^the text is empty/.test(e.message))
    return new InputError(`${label}: the file is empty: expected a header and rows of numbers`);
  return csvError(e, label);
}

/** The notices on stderr about the columns left out of `table`. */
function noticesOf(table: CsvTable, choice: ColumnChoice): string[] {
  const notices = describeSkipped(table.skipped);
  const labelsLeft = table.skipped.filter((s) => s.reason === "excluded" && LABEL.test(s.name));
  if (!choice.columns && !choice.exclude && !choice.featureNames && labelsLeft.length) {
    notices.push(
      `left out ${labelsLeft.map((s) => columnName(table.names, s.index)).join(", ")}: a class label, not a feature (--columns to use it)`,
    );
  }
  return notices;
}

/** How the library's CSV reader is to read a file of the command line, and what it will read. */
export interface StreamedColumns {
  /** The options of the library's CSV reader (`fitStream`'s `csv`): 0-based columns, as resolved from the header. */
  csv: { delimiter?: CsvDelimiter; header: boolean; columns?: number[]; exclude?: number[] };
  /** Names of the columns that will be read, in the order of the data. */
  names: string[];
  /** One line per group of columns left out, for a notice on stderr. */
  notices: string[];
}

/**
 * For a file read once per pass by the library (`fitStream`): only its first records are read here, to resolve
 * the command line's column choice against the header with the messages `readTable` gives, and to learn the
 * names of the columns read. Stdin cannot be read more than once, so this takes a file path only.
 */
export async function streamedColumns(path: string, choice: ColumnChoice = {}): Promise<StreamedColumns> {
  let ahead = "";
  let final = true;
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: AHEAD_CHARS });
  try {
    let lines = 0;
    for await (const chunk of stream as AsyncIterable<string>) {
      ahead += chunk;
      for (let i = chunk.indexOf("\n"); i >= 0 && lines < AHEAD_LINES; i = chunk.indexOf("\n", i + 1)) lines++;
      if (lines >= AHEAD_LINES || ahead.length >= AHEAD_CHARS) {
        final = false;
        break;
      }
    }
  } catch (e) {
    throw readError(e, path);
  } finally {
    stream.destroy();
  }
  const head = peek(ahead, final, { delimiter: choice.delimiter });
  // The first records must be read here (they give the names): their error is the one the whole file has.
  if (!isTable(head)) throw readError(head, path);
  const delimiter = choice.delimiter ?? head.delimiter;
  const csv = { delimiter, header: head.header, ...chooseColumns(head, choice, path) };
  const read = peek(ahead, final, csv);
  if (!isTable(read)) throw readError(read, path);
  return { csv, names: read.columns, notices: noticesOf(read, choice) };
}

/** The CSV reader's `columns` / `exclude` (0-based) from the command line's choice and the file's header. */
const isTable = (x: unknown): x is CsvTable => typeof x === "object" && x !== null && "names" in x && "shape" in x;

function chooseColumns(head: unknown, choice: ColumnChoice, label: string): { columns?: number[]; exclude?: number[] } {
  if (!isTable(head)) {
    // The first records cannot be read: the full read says why, unless a choice needs the header first.
    if (choice.columns || choice.exclude || choice.featureNames) throw csvError(head, label);
    return {};
  }
  const names = head.names;
  if (choice.columns) {
    if (choice.exclude) throw new InputError("--columns and --exclude cannot be used together: use one of them");
    return { columns: choice.columns.map((c) => resolveColumn(c, names, "--columns", label)) };
  }
  if (choice.featureNames && head.header) {
    const missing = choice.featureNames.filter((f) => !names.includes(f));
    if (missing.length) {
      throw new InputError(
        `${label}: the model's feature${missing.length === 1 ? "" : "s"} ${missing.map((f) => JSON.stringify(f)).join(", ")} ${missing.length === 1 ? "is" : "are"} not a column of the file (columns: ${names.join(", ")}); rename the column, or choose columns by position with --columns`,
      );
    }
    return { columns: choice.featureNames.map((f) => names.indexOf(f)) };
  }
  const exclude = new Set<number>();
  for (const c of choice.exclude ?? []) exclude.add(resolveColumn(c, names, "--exclude", label));
  if (!choice.exclude && head.header) names.forEach((n, j) => LABEL.test(n) && exclude.add(j));
  return exclude.size ? { exclude: [...exclude] } : {};
}
