/**
 * The sources `fitStream` reads once per EM pass, turned into one shape: an async sequence of validated chunks
 * of at most `chunkSize` samples. A source is a factory called at the start of every pass, returning chunks of
 * data (any DataInput, optionally with a `sampleWeight`), or CSV text (a Node Readable, a web ReadableStream or any
 * async iterable of strings or bytes), or a list of CSV file paths (Node).
 */
import { CsvParser } from "../csv/index.js";
import { type Data, describe } from "../data.js";
import { GaussMixError } from "../errors.js";
import { sliceData } from "../statistics-accumulator.js";
import type { DataInput, StreamCsvOptions } from "../types.js";

/** A chunk of samples, with optional per-sample weights. */
export type StreamChunk =
  | DataInput
  | { data: ArrayLike<number>; shape: readonly [number, number]; sampleWeight?: ArrayLike<number> };

/** Text of a CSV stream: a Node Readable, a web ReadableStream, or any (async) iterable of strings or bytes. */
export type CsvText =
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>
  | ReadableStream<string | Uint8Array>;

/** What `fitStream` reads: a factory of chunks or of CSV text (called once per pass), or CSV file paths (Node). */
export type StreamSource =
  | (() => AsyncIterable<StreamChunk> | Iterable<StreamChunk> | CsvText | Promise<CsvText>)
  | readonly string[];

/** A validated chunk: its data and weights (undefined: all 1). */
export interface Chunk {
  readonly data: Data;
  readonly weights?: Float64Array;
}

function isText(x: unknown): x is string | Uint8Array {
  return typeof x === "string" || x instanceof Uint8Array;
}

async function* iterate<T>(source: AsyncIterable<T> | Iterable<T> | ReadableStream<T>): AsyncGenerator<T> {
  if (typeof (source as ReadableStream<T>).getReader === "function" && !(Symbol.asyncIterator in source)) {
    const reader = (source as ReadableStream<T>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  yield* source as AsyncIterable<T>;
}

/** Rows of CSV text as chunks, read with the incremental parser (bounded memory). */
async function* csvChunks(
  first: string | Uint8Array,
  rest: AsyncIterator<unknown>,
  csv: StreamCsvOptions | undefined,
  name: string,
) {
  const parser = new CsvParser(csv);
  const decoder = new TextDecoder();
  let piece: unknown = first;
  for (;;) {
    if (!isText(piece)) {
      throw new GaussMixError(
        "INVALID_DATA",
        `${name}: a CSV stream gave ${typeof piece}; expected strings or bytes only`,
      );
    }
    parser.feed(typeof piece === "string" ? piece : decoder.decode(piece, { stream: true }));
    const rows = parser.take();
    if (rows.shape[0] > 0) yield rows;
    const next = await rest.next();
    if (next.done) break;
    piece = next.value;
  }
  const tail = decoder.decode();
  if (tail) parser.feed(tail);
  const last = parser.end();
  if (last.shape[0] > 0) yield { data: last.data, shape: last.shape };
}

/** Node's fs, loaded only when file paths are given (the library imports no Node built-ins otherwise). */
async function openFile(path: string): Promise<AsyncIterable<Uint8Array>> {
  const fsName = "node:fs";
  try {
    const fs = (await import(/* @vite-ignore */ fsName)) as { createReadStream(p: string): AsyncIterable<Uint8Array> };
    return fs.createReadStream(path);
  } catch (e) {
    throw new GaussMixError(
      "INVALID_OPTION",
      `fitStream: CSV file paths need Node's fs (${(e as Error).message}); elsewhere pass a factory of ReadableStream`,
      { cause: e },
    );
  }
}

/** The raw chunks of one pass (not yet split or validated). */
async function* rawChunks(source: StreamSource, csv: StreamCsvOptions | undefined): AsyncGenerator<StreamChunk> {
  if (Array.isArray(source)) {
    for (const path of source as readonly string[]) {
      if (typeof path !== "string")
        throw new GaussMixError("INVALID_OPTION", "fitStream: a list source must hold file paths (strings)");
      const it = iterate(await openFile(path));
      const first = await it.next();
      if (first.done) throw new GaussMixError("INVALID_DATA", `${path}: the file is empty; expected rows of numbers`);
      yield* csvChunks(first.value, it, csv, path);
    }
    return;
  }
  if (typeof source !== "function") {
    throw new GaussMixError(
      "INVALID_OPTION",
      "fitStream: source must be a function returning the chunks (or CSV text) of one pass, or a list of CSV file paths",
    );
  }
  const made = await (source as () => unknown)();
  if (
    typeof made !== "object" ||
    made === null ||
    !(Symbol.asyncIterator in made || Symbol.iterator in made || "getReader" in made)
  ) {
    throw new GaussMixError(
      "INVALID_OPTION",
      "fitStream: the source function must return an iterable, async iterable or ReadableStream",
    );
  }
  const it = iterate(made as AsyncIterable<unknown>);
  const first = await it.next();
  if (first.done) return;
  if (isText(first.value)) {
    yield* csvChunks(first.value, it, csv, "source");
    return;
  }
  yield first.value as StreamChunk;
  for (let next = await it.next(); !next.done; next = await it.next()) yield next.value as StreamChunk;
}

/** The validated chunks of one pass, each at most `chunkSize` samples. */
export async function* chunks(source: StreamSource, chunkSize: number, csv?: StreamCsvOptions): AsyncGenerator<Chunk> {
  let index = 0;
  for await (const raw of rawChunks(source, csv)) {
    const name = `chunk ${index++}`;
    const weight =
      typeof raw === "object" && raw !== null && "sampleWeight" in raw
        ? (raw as { sampleWeight?: ArrayLike<number> }).sampleWeight
        : undefined;
    const data = describe(raw as DataInput, name);
    const w = weight === undefined ? undefined : chunkWeights(weight, data.n, name);
    for (let a = 0; a < data.n; a += chunkSize) {
      const b = Math.min(data.n, a + chunkSize);
      yield { data: a === 0 && b === data.n ? data : sliceData(data, a, b), weights: w?.subarray(a, b) };
    }
  }
}

/** A chunk's sample weights: n finite numbers ≥ 0 (a chunk may weigh nothing; the whole stream may not). */
function chunkWeights(w: ArrayLike<number>, n: number, name: string): Float64Array {
  const err = (m: string) => new GaussMixError("INVALID_SAMPLE_WEIGHT", `${name} sampleWeight: ${m}`);
  if (typeof w !== "object" || w === null || typeof w.length !== "number")
    throw err(`expected an array of ${n} numbers`);
  if (w.length !== n) throw err(`has ${w.length} values but the chunk has ${n} samples`);
  const out = Float64Array.from(w);
  for (let i = 0; i < n; i++) {
    if (!(Number.isFinite(out[i]) && out[i] >= 0))
      throw err(`value at index ${i} is ${String(w[i])}; expected a finite number ≥ 0`);
  }
  return out;
}
