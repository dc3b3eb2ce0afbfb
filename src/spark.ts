/**
 * gaussmix/spark: models shared with Spark MLlib, from and to file contents (Node, browsers, Workers). Kept out of
 * the default entry so that pages that do not use it do not download the Parquet library.
 */
export {
  readSparkModel,
  writeSparkModel,
  type ReadSparkOptions,
  type SparkModelFiles,
  type WriteSparkOptions,
} from "./interop/spark.js";
