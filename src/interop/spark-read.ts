/** Reading a saved Spark `GaussianMixtureModel` (the ml or mllib layout, see docs/interchange.md). */
import { FittedGaussianMixture, GaussMixError } from "../index.js";
import { MLLIB_CLASS, ML_CLASS, type ReadSparkOptions, type SparkModelFiles } from "./spark-files.js";
import { reader } from "./spark-parquet.js";

const fail = (m: string) => new GaussMixError("INVALID_MODEL_JSON", `readSparkModel: ${m}`);

/** A Spark vector or matrix as stored (the struct of its user-defined type). */
interface VectorRow {
  type: number;
  size: number | null;
  indices: number[] | null;
  values: number[] | null;
}
interface MatrixRow {
  type: number;
  numRows: number;
  numCols: number;
  colPtrs: number[] | null;
  rowIndices: number[] | null;
  values: number[] | null;
  isTransposed: boolean;
}

/**
 * Reads a saved Spark `GaussianMixtureModel` (the `ml` layout of `org.apache.spark.ml.clustering`, or the older
 * `mllib` layout) into a fitted full-covariance model. Dense and sparse vectors and matrices are accepted.
 * A malformed or unsupported model throws INVALID_MODEL_JSON saying what was found.
 */
export async function readSparkModel(
  files: SparkModelFiles,
  options: ReadSparkOptions = {},
): Promise<FittedGaussianMixture> {
  if (typeof files !== "object" || files === null) throw fail("expected { metadata, data }");
  const meta = parseMetadata(files.metadata);
  if (!Array.isArray(files.data) || files.data.length === 0) {
    throw fail(
      "data must be a non-empty array of the Parquet files' contents (the files of the model's data/ directory)",
    );
  }
  const rows: Record<string, unknown>[] = [];
  for (let f = 0; f < files.data.length; f++) rows.push(...(await readParquet(files.data[f], f, options)));

  let weights: unknown[];
  let mus: unknown[];
  let sigmas: unknown[];
  if (meta.layout === "ml") {
    if (rows.length !== 1) throw fail(`the ml layout has one data row; found ${rows.length}`);
    const r = rows[0];
    for (const key of ["weights", "mus", "sigmas"]) {
      if (!Array.isArray(r[key]))
        throw fail(`data column ${key} is ${show(r[key])}; expected an array (is this a GaussianMixtureModel?)`);
    }
    weights = r.weights as unknown[];
    mus = r.mus as unknown[];
    sigmas = r.sigmas as unknown[];
  } else {
    for (const [i, r] of rows.entries()) {
      for (const key of ["weight", "mu", "sigma"])
        if (!(key in r)) throw fail(`data row ${i} has no column ${key} (mllib layout: weight, mu, sigma)`);
    }
    weights = rows.map((r) => r.weight);
    mus = rows.map((r) => r.mu);
    sigmas = rows.map((r) => r.sigma);
  }
  const k = weights.length;
  if (mus.length !== k || sigmas.length !== k) {
    throw fail(`${k} weights but ${mus.length} means and ${sigmas.length} covariances; they must match`);
  }
  if (meta.k !== undefined && meta.k !== k)
    throw fail(`the metadata says k = ${meta.k} but the data has ${k} components`);
  if (k === 0) throw fail("the model has no components");
  const means = mus.map((v, c) => vectorToDense(v, `mus[${c}]`));
  const d = means[0].length;
  means.forEach((m, c) => {
    if (m.length !== d) throw fail(`mus[${c}] has ${m.length} values but mus[0] has ${d}`);
  });
  const covariances = sigmas.map((s, c) => matrixToDense(s, d, `sigmas[${c}]`));
  try {
    return FittedGaussianMixture.fromParameters({
      covarianceType: "full",
      weights: weights as number[],
      means,
      covariances,
    });
  } catch (e) {
    if (e instanceof GaussMixError)
      throw fail(
        e.message
          .replace(/^fromParameters: /, "")
          .replace(/\bcovariances\b/g, "sigmas")
          .replace(/\bmeans\b/g, "mus"),
      );
    throw e;
  }
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function text(x: string | Uint8Array | ArrayBuffer): string {
  if (typeof x === "string") return x;
  if (x instanceof Uint8Array || x instanceof ArrayBuffer) return new TextDecoder().decode(x);
  throw fail(`metadata must be the text or bytes of metadata/part-00000, got ${show(x)}`);
}

function parseMetadata(x: string | Uint8Array | ArrayBuffer): { layout: "ml" | "mllib"; k?: number } {
  const line = text(x)
    .split("\n")
    .find((l) => l.trim() !== "");
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(line ?? "");
  } catch {
    throw fail(
      `metadata is not a JSON line (got ${show((line ?? "").slice(0, 60))}); pass the contents of metadata/part-00000`,
    );
  }
  if (typeof doc !== "object" || doc === null) throw fail("metadata is not a JSON object");
  if (doc.class === ML_CLASS) {
    const k = (doc.paramMap as Record<string, unknown> | undefined)?.k;
    return { layout: "ml", k: Number.isInteger(k) ? (k as number) : undefined };
  }
  if (doc.class === MLLIB_CLASS) {
    if (doc.version !== "1.0")
      throw fail(`mllib GaussianMixtureModel format version ${show(doc.version)} is not supported (only "1.0")`);
    if (!Number.isInteger(doc.k)) throw fail(`mllib metadata has k = ${show(doc.k)}; expected an integer`);
    return { layout: "mllib", k: doc.k as number };
  }
  throw fail(`metadata class is ${show(doc.class)}; expected ${ML_CLASS} or ${MLLIB_CLASS}`);
}

async function readParquet(
  bytes: Uint8Array | ArrayBuffer,
  f: number,
  options: ReadSparkOptions,
): Promise<Record<string, unknown>[]> {
  let buffer: ArrayBuffer;
  if (bytes instanceof ArrayBuffer) buffer = bytes;
  else if (bytes instanceof Uint8Array)
    buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  else throw fail(`data[${f}] must be the bytes of a Parquet file (Uint8Array or ArrayBuffer), got ${show(bytes)}`);
  const { parquetMetadata, parquetReadObjects } = await reader();
  try {
    parquetMetadata(buffer);
  } catch (e) {
    throw fail(`data[${f}] is not a Parquet file (${(e as Error).message})`);
  }
  try {
    return (await parquetReadObjects({ file: buffer, compressors: options.compressors, utf8: true })) as Record<
      string,
      unknown
    >[];
  } catch (e) {
    const m = (e as Error).message;
    const codec = /compression|codec|decompress/i.test(m)
      ? "; pass `compressors` (e.g. from hyparquet-compressors), or save the model with spark.sql.parquet.compression.codec=snappy"
      : "";
    throw fail(`data[${f}] could not be read (${m})${codec}`);
  }
}

const isInts = (a: unknown): a is number[] => Array.isArray(a) && a.every((v) => Number.isInteger(v));
const isNums = (a: unknown): a is number[] => Array.isArray(a) && a.every((v) => typeof v === "number");

/** A Spark vector struct → its dense values. */
function vectorToDense(v: unknown, name: string): number[] {
  if (typeof v !== "object" || v === null) throw fail(`${name} is ${show(v)}; expected a vector`);
  const r = v as VectorRow;
  if (!isNums(r.values)) throw fail(`${name}.values is ${show(r.values)}; expected an array of numbers`);
  if (r.type === 1) return r.values.slice();
  if (r.type !== 0) throw fail(`${name}.type is ${show(r.type)}; expected 0 (sparse) or 1 (dense)`);
  const size = r.size;
  if (!Number.isInteger(size) || (size as number) < 0 || !isInts(r.indices) || r.indices.length !== r.values.length) {
    throw fail(`${name} is a sparse vector without a valid size, indices and values`);
  }
  const out = new Array<number>(size as number).fill(0);
  r.indices.forEach((i, p) => {
    if (i < 0 || i >= (size as number)) throw fail(`${name}.indices[${p}] = ${i} is outside 0…${(size as number) - 1}`);
    out[i] = r.values![p];
  });
  return out;
}

/**
 * A Spark matrix struct → d×d nested arrays. Dense values are column-major (row-major when transposed); sparse
 * matrices are compressed columns (compressed rows when transposed).
 */
function matrixToDense(m: unknown, d: number, name: string): number[][] {
  if (typeof m !== "object" || m === null) throw fail(`${name} is ${show(m)}; expected a matrix`);
  const r = m as MatrixRow;
  if (r.numRows !== d || r.numCols !== d)
    throw fail(`${name} is ${show(r.numRows)}×${show(r.numCols)}; expected ${d}×${d} (the means have ${d} features)`);
  if (!isNums(r.values)) throw fail(`${name}.values is ${show(r.values)}; expected an array of numbers`);
  const t = r.isTransposed === true;
  const out = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const values = r.values;
  if (r.type === 1) {
    if (values.length !== d * d) throw fail(`${name} is dense ${d}×${d} but has ${values.length} values`);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i][j] = t ? values[i * d + j] : values[i + j * d];
    return out;
  }
  if (r.type !== 0) throw fail(`${name}.type is ${show(r.type)}; expected 0 (sparse) or 1 (dense)`);
  const ptrs = r.colPtrs;
  const idx = r.rowIndices;
  if (
    !isInts(ptrs) ||
    ptrs.length !== d + 1 ||
    !isInts(idx) ||
    idx.length !== values.length ||
    ptrs[0] !== 0 ||
    ptrs[d] !== values.length
  ) {
    throw fail(
      `${name} is a sparse matrix without valid colPtrs (${d + 1} offsets from 0 to the number of values), rowIndices and values`,
    );
  }
  for (let outer = 0; outer < d; outer++) {
    if (ptrs[outer + 1] < ptrs[outer]) throw fail(`${name}.colPtrs decrease at ${outer + 1}`);
    for (let p = ptrs[outer]; p < ptrs[outer + 1]; p++) {
      const inner = idx[p];
      if (inner < 0 || inner >= d) throw fail(`${name}.rowIndices[${p}] = ${inner} is outside 0…${d - 1}`);
      if (t) out[outer][inner] = values[p];
      else out[inner][outer] = values[p];
    }
  }
  return out;
}
