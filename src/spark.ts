/**
 * gaussmix/spark: models shared with Spark MLlib, from and to file contents (Node, browsers, Workers): a saved
 * `GaussianMixtureModel` (a JSON metadata line and Parquet data, the ml or the older mllib layout) read into a
 * full-covariance model, and any model written in the ml layout. Kept out of the default entry so that pages
 * that do not use it do not download the Parquet packages. The layouts are described in docs/interchange.md.
 */
export type { ReadSparkOptions, SparkModelFiles, WriteSparkOptions } from "./interop/spark-files.js";
export { readSparkModel } from "./interop/spark-read.js";
export { writeSparkModel } from "./interop/spark-write.js";
