/**
 * gaussmix/spark/node: Spark MLlib models from and to directories (Node only; the file-content functions of
 * gaussmix/spark are re-exported).
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { FittedGaussianMixture, GaussMixError } from "./index.js";
import { readSparkModel, type ReadSparkOptions, writeSparkModel, type WriteSparkOptions } from "./spark.js";

export * from "./spark.js";

async function list(dir: string, what: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    throw new GaussMixError(
      "INVALID_MODEL_JSON",
      `loadSparkModel: cannot read ${what} ${dir} (${(e as Error).message}); pass the directory a Spark model was saved to`,
    );
  }
}

/**
 * Reads the Spark `GaussianMixtureModel` saved in `dir` (`metadata/part-*` and the Parquet files of `data/`;
 * files starting with "_" or "." are skipped, as Spark does).
 */
export async function loadSparkModel(dir: string, options: ReadSparkOptions = {}): Promise<FittedGaussianMixture> {
  const metaDir = join(dir, "metadata");
  const part = (await list(metaDir, "the metadata directory")).find((f) => f.startsWith("part-"));
  if (!part) throw new GaussMixError("INVALID_MODEL_JSON", `loadSparkModel: ${metaDir} has no part-* file`);
  const dataDir = join(dir, "data");
  const parquet = (await list(dataDir, "the data directory")).filter(
    (f) => !f.startsWith("_") && !f.startsWith(".") && f.endsWith(".parquet"),
  );
  if (parquet.length === 0)
    throw new GaussMixError("INVALID_MODEL_JSON", `loadSparkModel: ${dataDir} has no .parquet file`);
  const metadata = await readFile(join(metaDir, part));
  const data = await Promise.all(parquet.map((f) => readFile(join(dataDir, f))));
  return readSparkModel({ metadata, data }, options);
}

/**
 * Saves a model to `dir` in Spark's `ml` layout (`GaussianMixtureModel.load(dir)` in Spark reads it). As Spark's
 * own `save`, it refuses a directory that exists and is not empty, unless `overwrite` is true (which first deletes
 * the directory).
 */
export async function saveSparkModel(
  model: FittedGaussianMixture,
  dir: string,
  options: WriteSparkOptions & { overwrite?: boolean } = {},
): Promise<void> {
  const files = await writeSparkModel(model, options);
  let existing: string[] = [];
  try {
    existing = await readdir(dir);
  } catch {
    // does not exist yet
  }
  if (existing.length > 0) {
    if (!options.overwrite) {
      throw new GaussMixError(
        "INVALID_OPTION",
        `saveSparkModel: ${dir} exists and is not empty; choose another directory or pass { overwrite: true }`,
      );
    }
    // As Spark's overwrite: the old model's files go, so no stale Parquet file is read with the new ones.
    await rm(dir, { recursive: true, force: true });
  }
  for (const [path, bytes] of Object.entries(files)) {
    const to = join(dir, path);
    await mkdir(dirname(to), { recursive: true });
    await writeFile(to, bytes);
  }
}
