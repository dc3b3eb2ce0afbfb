/** What reading and writing Spark models share: the files of a saved model, the options, the class names. */

/** The files of a saved Spark model: the metadata line (`metadata/part-00000`) and the Parquet files of `data/`. */
export interface SparkModelFiles {
  /** Contents of `metadata/part-00000` (text or bytes). */
  metadata: string | Uint8Array | ArrayBuffer;
  /** Contents of each Parquet file of `data/` (one for the `ml` layout; the `mllib` layout may have several). */
  data: readonly (Uint8Array | ArrayBuffer)[];
}

/** Options of `readSparkModel`. */
export interface ReadSparkOptions {
  /**
   * Decompressors for codecs other than Snappy and uncompressed (Spark's default is Snappy), in hyparquet's
   * format, e.g. `compressors` from the `hyparquet-compressors` package for gzip, zstd, brotli or lz4.
   */
  compressors?: Record<string, (input: Uint8Array, outputLength: number) => Uint8Array>;
}

/** Options of `writeSparkModel`. */
export interface WriteSparkOptions {
  /** The model's uid in Spark. Default "GaussianMixture_" + 12 hex digits derived from the parameters. */
  uid?: string;
  /** `sparkVersion` written in the metadata. Default "3.5.0". */
  sparkVersion?: string;
  /** `timestamp` (ms) written in the metadata. Default `Date.now()`. */
  timestamp?: number;
}

export const ML_CLASS = "org.apache.spark.ml.clustering.GaussianMixtureModel";
export const MLLIB_CLASS = "org.apache.spark.mllib.clustering.GaussianMixtureModel";
/** File names of a written model, relative to its directory. */
export const SPARK_FILES = {
  metadata: "metadata/part-00000",
  metadataSuccess: "metadata/_SUCCESS",
  data: "data/part-00000-gaussmix-c000.snappy.parquet",
  dataSuccess: "data/_SUCCESS",
} as const;
