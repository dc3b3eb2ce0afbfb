/** Writing a model in Spark's `ml` layout (see docs/interchange.md). */
import { FittedGaussianMixture, GaussMixError } from "../index.js";
import { ML_CLASS, SPARK_FILES, type WriteSparkOptions } from "./spark-files.js";
import { writer } from "./spark-parquet.js";

// Spark restores its vector and matrix types from the schema JSON it keeps in the Parquet footer, so that is
// written too, as Spark writes it.

const field = (name: string, type: unknown, nullable: boolean) => ({ name, type, nullable, metadata: {} });
const arrayOf = (elementType: unknown, containsNull: boolean) => ({ type: "array", elementType, containsNull });
const VECTOR_UDT = {
  type: "udt",
  class: "org.apache.spark.mllib.linalg.VectorUDT",
  pyClass: "pyspark.mllib.linalg.VectorUDT",
  sqlType: {
    type: "struct",
    fields: [
      field("type", "byte", false),
      field("size", "integer", true),
      field("indices", arrayOf("integer", false), true),
      field("values", arrayOf("double", false), true),
    ],
  },
};
const MATRIX_UDT = {
  type: "udt",
  class: "org.apache.spark.mllib.linalg.MatrixUDT",
  pyClass: "pyspark.mllib.linalg.MatrixUDT",
  sqlType: {
    type: "struct",
    fields: [
      field("type", "byte", false),
      field("numRows", "integer", false),
      field("numCols", "integer", false),
      field("colPtrs", arrayOf("integer", false), true),
      field("rowIndices", arrayOf("integer", false), true),
      field("values", arrayOf("double", false), true),
      field("isTransposed", "boolean", false),
    ],
  },
};
/** Spark's schema of the ml layout's data row, as JSON. */
const ML_ROW_SCHEMA = {
  type: "struct",
  fields: [
    field("weights", arrayOf("double", false), true),
    field("mus", arrayOf(VECTOR_UDT, true), true),
    field("sigmas", arrayOf(MATRIX_UDT, true), true),
  ],
};

type Element = Record<string, unknown>;
const INT8 = { type: "INT32", converted_type: "INT_8", logical_type: { type: "INTEGER", bitWidth: 8, isSigned: true } };
/** A Parquet list of `element` (the three-level layout Spark writes): the group, `list`, then the element(s). */
function list(name: string, repetition: string, element: Element[]): Element[] {
  return [
    { name, repetition_type: repetition, converted_type: "LIST", logical_type: { type: "LIST" }, num_children: 1 },
    { name: "list", repetition_type: "REPEATED", num_children: 1 },
    ...element,
  ];
}
const primitiveList = (name: string, type: string) =>
  list(name, "OPTIONAL", [{ name: "element", type, repetition_type: "REQUIRED" }]);
const VECTOR_STRUCT: Element[] = [
  { name: "type", ...INT8, repetition_type: "REQUIRED" },
  { name: "size", type: "INT32", repetition_type: "OPTIONAL" },
  ...primitiveList("indices", "INT32"),
  ...primitiveList("values", "DOUBLE"),
];
const MATRIX_STRUCT: Element[] = [
  { name: "type", ...INT8, repetition_type: "REQUIRED" },
  { name: "numRows", type: "INT32", repetition_type: "REQUIRED" },
  { name: "numCols", type: "INT32", repetition_type: "REQUIRED" },
  ...primitiveList("colPtrs", "INT32"),
  ...primitiveList("rowIndices", "INT32"),
  ...primitiveList("values", "DOUBLE"),
  { name: "isTransposed", type: "BOOLEAN", repetition_type: "REQUIRED" },
];
/** The Parquet schema of the ml layout's data (flattened depth-first, as Parquet footers list it). */
const ML_PARQUET_SCHEMA: Element[] = [
  { name: "spark_schema", num_children: 3 },
  ...primitiveList("weights", "DOUBLE"),
  ...list("mus", "OPTIONAL", [{ name: "element", repetition_type: "OPTIONAL", num_children: 4 }, ...VECTOR_STRUCT]),
  ...list("sigmas", "OPTIONAL", [{ name: "element", repetition_type: "OPTIONAL", num_children: 7 }, ...MATRIX_STRUCT]),
];

/** Java's String.hashCode, for a uid that is stable for equal parameters. */
function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h >>> 0;
}

/**
 * Writes a model in Spark's `ml` layout: returns the files of the model's directory (paths relative to it →
 * contents), which `GaussianMixtureModel.load` reads. Spark's model is full-covariance only: tied, diag and
 * spherical models are written as the full matrices they stand for (predictions are unchanged).
 */
export async function writeSparkModel(
  model: FittedGaussianMixture,
  options: WriteSparkOptions = {},
): Promise<Record<string, Uint8Array>> {
  if (!(model instanceof FittedGaussianMixture)) {
    throw new GaussMixError("INVALID_OPTION", "writeSparkModel: model must be a FittedGaussianMixture");
  }
  const { nComponents: k, nFeatures: d } = model;
  const cov = model.covariances;
  const full = (c: number): number[][] => {
    switch (model.covarianceType) {
      case "full":
        return (cov as number[][][])[c];
      case "tied":
        return cov as number[][];
      case "diag":
        return Array.from({ length: d }, (_, i) =>
          Array.from({ length: d }, (_, j) => (i === j ? (cov as number[][])[c][i] : 0)),
        );
      case "spherical":
        return Array.from({ length: d }, (_, i) =>
          Array.from({ length: d }, (_, j) => (i === j ? (cov as number[])[c] : 0)),
        );
    }
  };
  const weights = [...model.weights];
  const mus = model.means.map((m) => ({ type: 1, size: null, indices: null, values: [...m] }));
  const sigmas = Array.from({ length: k }, (_, c) => {
    const a = full(c);
    const values = new Array<number>(d * d);
    for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) values[i + j * d] = a[i][j]; // column-major
    return { type: 1, numRows: d, numCols: d, colPtrs: null, rowIndices: null, values, isTransposed: false };
  });
  const sparkVersion = options.sparkVersion ?? "3.5.0";
  const { parquetWriteBuffer } = await writer();
  const data = parquetWriteBuffer({
    columnData: [
      { name: "weights", data: [weights] },
      { name: "mus", data: [mus] },
      { name: "sigmas", data: [sigmas] },
    ],
    schema: ML_PARQUET_SCHEMA as never,
    kvMetadata: [
      { key: "org.apache.spark.version", value: sparkVersion },
      { key: "org.apache.spark.sql.parquet.row.metadata", value: JSON.stringify(ML_ROW_SCHEMA) },
    ],
    createdBy: "gaussmix",
  });
  const uid =
    options.uid ??
    `GaussianMixture_${hash(JSON.stringify([weights, model.means, cov]))
      .toString(16)
      .padStart(12, "0")}`;
  const metadata = {
    class: ML_CLASS,
    timestamp: options.timestamp ?? Date.now(),
    sparkVersion,
    uid,
    paramMap: { k },
    defaultParamMap: {
      featuresCol: "features",
      predictionCol: "prediction",
      probabilityCol: "probability",
      k: 2,
      maxIter: 100,
      tol: 0.01,
      aggregationDepth: 2,
    },
  };
  const utf8 = (s: string) => new TextEncoder().encode(s);
  return {
    [SPARK_FILES.metadata]: utf8(`${JSON.stringify(metadata)}\n`),
    [SPARK_FILES.metadataSuccess]: new Uint8Array(0),
    [SPARK_FILES.data]: new Uint8Array(data),
    [SPARK_FILES.dataSuccess]: new Uint8Array(0),
  };
}
