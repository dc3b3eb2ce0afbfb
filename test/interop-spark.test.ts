// Models shared with Spark MLlib. Fixtures (test/fixtures/interop/spark, made by make-spark.mjs with Spark's exact
// Parquet schema, see there) cover: the ml layout with dense vectors and column-major dense matrices (Snappy, as
// Spark's fit saves); dense transposed, sparse-by-column and sparse-by-row (transposed) matrices and a sparse mean
// (Snappy); a sparse model whose absent entries are zeros (uncompressed); and the older mllib layout (one row per
// component). The first, second and fourth hold scikit-learn's full-d3-k3 fit, so scikit-learn's predictions are
// the reference.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetMetadata } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, describe, expect, it } from "vitest";
import { FittedGaussianMixture, GaussMixError, readSklearnJSON } from "../src/index.js";
import { loadSparkModel, readSparkModel, saveSparkModel, writeSparkModel } from "../src/spark-node.js";
import { flat, maxRelError } from "./helpers/fixtures.js";
import { parquetFooter, schemaText } from "./helpers/parquet-footer.js";

const fixtures = join(import.meta.dirname, "fixtures", "interop");
const sparkDir = (name: string) => join(fixtures, "spark", name);
const sk = JSON.parse(readFileSync(join(fixtures, "sklearn", "full-d3-k3.json"), "utf8"));
const tmp = mkdtempSync(join(tmpdir(), "gaussmix-spark-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function files(name: string) {
  const dir = sparkDir(name);
  const data = readdirSync(join(dir, "data"))
    .filter((f) => f.endsWith(".parquet"))
    .map((f) => readFileSync(join(dir, "data", f)));
  return { metadata: readFileSync(join(dir, "metadata", "part-00000"), "utf8"), data };
}

async function rejection(p: Promise<unknown>): Promise<GaussMixError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GaussMixError);
    return e as GaussMixError;
  }
  throw new Error("expected a rejection");
}

/** What Spark's schema converter makes of the saved case classes (parquet-mr's schema print). */
const VECTOR =
  "required int32 type (INTEGER(8,true)); optional int32 size; optional group indices (LIST) { repeated group list { required int32 element; } } optional group values (LIST) { repeated group list { required double element; } }";
const MATRIX =
  "required int32 type (INTEGER(8,true)); required int32 numRows; required int32 numCols; optional group colPtrs (LIST) { repeated group list { required int32 element; } } optional group rowIndices (LIST) { repeated group list { required int32 element; } } optional group values (LIST) { repeated group list { required double element; } } required boolean isTransposed;";
const ML_SCHEMA = `message spark_schema { optional group weights (LIST) { repeated group list { required double element; } } optional group mus (LIST) { repeated group list { optional group element { ${VECTOR} } } } optional group sigmas (LIST) { repeated group list { optional group element { ${MATRIX} } } } }`;
const MLLIB_SCHEMA = `message spark_schema { required double weight; optional group mu { ${VECTOR} } optional group sigma { ${MATRIX} } }`;

describe("the fixtures have Spark's layout (read by an independent footer parser)", () => {
  it.each([
    ["ml-dense", ML_SCHEMA, "SNAPPY"],
    ["ml-mixed", ML_SCHEMA, "SNAPPY"],
    ["ml-zeros", ML_SCHEMA, "UNCOMPRESSED"],
    ["mllib", MLLIB_SCHEMA, "UNCOMPRESSED"],
  ])("%s", (name, schema, codec) => {
    const footer = parquetFooter(files(name).data[0]);
    expect(schemaText(footer.schema)).toBe(schema);
    expect(new Set(footer.codecs)).toEqual(new Set([codec]));
    const row = JSON.parse(footer.keyValue["org.apache.spark.sql.parquet.row.metadata"]);
    expect(row.fields.map((f: { name: string }) => f.name)).toEqual(
      name === "mllib" ? ["weight", "mu", "sigma"] : ["weights", "mus", "sigmas"],
    );
  });
});

describe("reading Spark models", () => {
  it.each(["ml-dense", "ml-mixed", "mllib"])(
    "%s: scikit-learn's parameters exactly, and its predictions",
    async (name) => {
      const model = await loadSparkModel(sparkDir(name));
      expect(model).toBeInstanceOf(FittedGaussianMixture);
      expect([model.covarianceType, model.nComponents, model.nFeatures]).toEqual(["full", 3, 3]);
      expect(model.weights).toEqual(sk.model.weights_);
      expect(model.means).toEqual(sk.model.means_);
      expect(model.covariances).toEqual(sk.model.covariances_);
      // The precision factors are computed here from the covariances (scikit-learn's by LAPACK): rounding apart.
      expect(maxRelError(model.scoreSamples(sk.Y), sk.scoreSamplesY)).toBeLessThan(1e-11);
      expect(maxRelError(model.predictProba(sk.Y).data, flat(sk.predictProbaY))).toBeLessThan(1e-11);
      expect(Array.from(model.predict(sk.Y))).toEqual(sk.predictY);
    },
  );

  it("ml-zeros: a sparse model is the hand-worked diagonal mixture", async () => {
    const model = await loadSparkModel(sparkDir("ml-zeros"));
    expect(model.means).toEqual([
      [0, 0, 1.5],
      [0, 2, 0],
    ]);
    expect(model.covariances).toEqual([
      [
        [1, 0, 0],
        [0, 2, 0],
        [0, 0, 3],
      ],
      [
        [0.5, 0, 0],
        [0, 1, 0],
        [0, 0, 4],
      ],
    ]);
    const logN = (x: number[], m: number[], v: number[]) =>
      x.reduce((s, xi, i) => s - 0.5 * Math.log(2 * Math.PI * v[i]) - (xi - m[i]) ** 2 / (2 * v[i]), 0);
    const pts = [
      [0, 0, 0],
      [1, 2, 1.5],
      [-1, 3, 0.5],
      [2, -1, 4],
    ];
    const expected = pts.map((x) => {
      const a = Math.log(0.25) + logN(x, [0, 0, 1.5], [1, 2, 3]);
      const b = Math.log(0.75) + logN(x, [0, 2, 0], [0.5, 1, 4]);
      const m = Math.max(a, b);
      return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    });
    expect(maxRelError(model.scoreSamples(pts), expected)).toBeLessThan(1e-14);
  });

  it("finds the files whatever Spark named them, skipping checksum and marker files", async () => {
    // Newer Spark versions name the metadata file part-00000-<uuid>-c000.txt; local file systems add .crc files.
    const dir = join(tmp, "renamed");
    const f = files("ml-dense");
    mkdirSync(join(dir, "metadata"), { recursive: true });
    mkdirSync(join(dir, "data"), { recursive: true });
    writeFileSync(join(dir, "metadata", "part-00000-1f2e3d4c-c000.txt"), f.metadata);
    writeFileSync(join(dir, "metadata", ".part-00000-1f2e3d4c-c000.txt.crc"), "crc");
    writeFileSync(join(dir, "data", "part-00000-0a1b2c3d-c000.snappy.parquet"), f.data[0]);
    writeFileSync(join(dir, "data", ".part-00000-0a1b2c3d-c000.snappy.parquet.crc"), "crc");
    writeFileSync(join(dir, "data", "_SUCCESS"), "");
    expect((await loadSparkModel(dir)).toJSON()).toEqual((await loadSparkModel(sparkDir("ml-dense"))).toJSON());
  });

  it("reads file contents as well as a directory (metadata as text or bytes, data as Uint8Array or ArrayBuffer)", async () => {
    const f = files("ml-mixed");
    const a = await readSparkModel(f);
    const b = await readSparkModel({
      metadata: new TextEncoder().encode(f.metadata),
      data: f.data.map((d) => new Uint8Array(d).buffer),
    });
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(a.toJSON()).toEqual((await loadSparkModel(sparkDir("ml-mixed"))).toJSON());
  });
});

describe("writing Spark models", () => {
  const types = ["full", "tied", "diag", "spherical"] as const;
  const model = (t: string) =>
    readSklearnJSON(JSON.parse(readFileSync(join(fixtures, "sklearn", `${t}-d3-k3.json`), "utf8")).model);

  it("writes Spark's schema, footer metadata and a metadata line Spark's loader accepts", async () => {
    const out = await writeSparkModel(model("full"), {
      uid: "GaussianMixture_abc",
      timestamp: 1,
      sparkVersion: "3.5.1",
    });
    expect(Object.keys(out).sort()).toEqual([
      "data/_SUCCESS",
      "data/part-00000-gaussmix-c000.snappy.parquet",
      "metadata/_SUCCESS",
      "metadata/part-00000",
    ]);
    const data = out["data/part-00000-gaussmix-c000.snappy.parquet"];
    const ours = parquetFooter(data);
    const theirs = parquetFooter(files("ml-dense").data[0]);
    expect(schemaText(ours.schema)).toBe(ML_SCHEMA);
    expect(ours.keyValue).toEqual(theirs.keyValue);
    expect(new Set(ours.codecs)).toEqual(new Set(["SNAPPY"]));
    // hyparquet's view of the schema (types, logical types) is the same as of the fixture's.
    expect(parquetMetadata(new Uint8Array(data).buffer).schema).toEqual(
      parquetMetadata(new Uint8Array(files("ml-dense").data[0]).buffer).schema,
    );
    const meta = JSON.parse(new TextDecoder().decode(out["metadata/part-00000"]));
    expect(meta).toMatchObject({
      class: "org.apache.spark.ml.clustering.GaussianMixtureModel",
      timestamp: 1,
      sparkVersion: "3.5.1",
      uid: "GaussianMixture_abc",
      paramMap: { k: 3 },
    });
    expect(Object.keys(meta.defaultParamMap).sort()).toEqual([
      "aggregationDepth",
      "featuresCol",
      "k",
      "maxIter",
      "predictionCol",
      "probabilityCol",
      "tol",
    ]);
    expect(new TextDecoder().decode(out["metadata/part-00000"]).split("\n")).toHaveLength(2); // one line
  });

  it.each(types)("%s: read back as a full model with the same predictions", async (t) => {
    const m = model(t);
    const out = await writeSparkModel(m);
    const back = await readSparkModel({
      metadata: out["metadata/part-00000"],
      data: [out["data/part-00000-gaussmix-c000.snappy.parquet"]],
    });
    expect(back.covarianceType).toBe("full");
    expect(back.weights).toEqual(m.weights);
    expect(back.means).toEqual(m.means);
    expect(maxRelError(back.scoreSamples(sk.Y), m.scoreSamples(sk.Y))).toBeLessThan(1e-12);
    expect(maxRelError(back.predictProba(sk.Y).data, m.predictProba(sk.Y).data)).toBeLessThan(1e-12);
  });

  it("saves to a directory, refuses a non-empty one, and overwrites when asked", async () => {
    const dir = join(tmp, "model");
    await saveSparkModel(model("full"), dir);
    const back = await loadSparkModel(dir);
    expect(back.covariances).toEqual(model("full").covariances);
    const e = await rejection(saveSparkModel(model("diag"), dir));
    expect(e.code).toBe("INVALID_OPTION");
    expect(e.message).toMatch(/exists and is not empty/);
    writeFileSync(join(dir, "data", "part-00001-stale.parquet"), "stale");
    await saveSparkModel(model("diag"), dir, { overwrite: true });
    expect(readdirSync(join(dir, "data")).sort()).toEqual(["_SUCCESS", "part-00000-gaussmix-c000.snappy.parquet"]);
    expect((await loadSparkModel(dir)).covariances).toEqual(
      model("diag").covariances.map((v) =>
        (v as number[]).map((x, i) => (v as number[]).map((_, j) => (i === j ? x : 0))),
      ),
    );
  });
});

describe("malformed Spark models (INVALID_MODEL_JSON saying what was found)", () => {
  const ml = files("ml-dense");
  const mllib = files("mllib");
  const schema = parquetMetadata(new Uint8Array(ml.data[0]).buffer).schema;
  const kvMetadata = parquetMetadata(new Uint8Array(ml.data[0]).buffer).key_value_metadata;
  const dense = (v: number[]) => ({ type: 1, size: null, indices: null, values: v });
  const colMajor = (values: number[], n = 2) => ({
    type: 1,
    numRows: n,
    numCols: n,
    colPtrs: null,
    rowIndices: null,
    values,
    isTransposed: false,
  });
  const metadata = '{"class":"org.apache.spark.ml.clustering.GaussianMixtureModel","paramMap":{}}';
  const mlData = (weights: unknown[], mus: unknown[], sigmas: unknown[]) =>
    new Uint8Array(
      parquetWriteBuffer({
        schema: schema as never,
        kvMetadata,
        columnData: [
          { name: "weights", data: [weights] },
          { name: "mus", data: [mus] },
          { name: "sigmas", data: [sigmas] },
        ] as never,
      }),
    );
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      "metadata of another class",
      () => readSparkModel({ metadata: '{"class":"org.apache.spark.ml.clustering.KMeansModel"}', data: ml.data }),
      /metadata class is "org.apache.spark.ml.clustering.KMeansModel"/,
    ],
    [
      "metadata that is not JSON",
      () => readSparkModel({ metadata: "PAR1", data: ml.data }),
      /metadata is not a JSON line/,
    ],
    [
      "an mllib format version other than 1.0",
      () => readSparkModel({ metadata: mllib.metadata.replace('"1.0"', '"2.0"'), data: mllib.data }),
      /format version "2.0" is not supported/,
    ],
    [
      "a k that disagrees with the data",
      () => readSparkModel({ metadata: mllib.metadata.replace('"k":3', '"k":4'), data: mllib.data }),
      /says k = 4 but the data has 3 components/,
    ],
    ["no data files", () => readSparkModel({ metadata: ml.metadata, data: [] }), /data must be a non-empty array/],
    [
      "data that is not Parquet",
      () => readSparkModel({ metadata: ml.metadata, data: [new TextEncoder().encode("weights,mus\n1,2\n")] }),
      /data\[0\] is not a Parquet file/,
    ],
    [
      "mllib data under ml metadata",
      () => readSparkModel({ metadata: ml.metadata, data: mllib.data }),
      /the ml layout has one data row; found 3/,
    ],
    [
      "a covariance that is not positive definite",
      () =>
        readSparkModel({
          metadata,
          data: [mlData([0.5, 0.5], [dense([0, 0]), dense([1, 1])], [colMajor([1, 0, 0, 1]), colMajor([1, 2, 2, 1])])],
        }),
      /sigmas\[1\] is not positive definite/,
    ],
    [
      "a covariance of the wrong size",
      () =>
        readSparkModel({
          metadata,
          data: [
            mlData(
              [0.5, 0.5],
              [dense([0, 0]), dense([1, 1])],
              [colMajor([1, 0, 0, 1]), colMajor([1, 0, 0, 0, 1, 0, 0, 0, 1], 3)],
            ),
          ],
        }),
      /sigmas\[1\] is 3×3; expected 2×2/,
    ],
    [
      "weights that do not sum to 1",
      () =>
        readSparkModel({
          metadata,
          data: [mlData([0.5, 0.6], [dense([0, 0]), dense([1, 1])], [colMajor([1, 0, 0, 1]), colMajor([1, 0, 0, 1])])],
        }),
      /weights sum to 1.1/,
    ],
    [
      "a sparse index out of range",
      () =>
        readSparkModel({
          metadata,
          data: [mlData([1], [{ type: 0, size: 2, indices: [2], values: [1] }], [colMajor([1, 0, 0, 1])])],
        }),
      /mus\[0\]\.indices\[0\] = 2 is outside 0…1/,
    ],
    [
      "an unknown vector type",
      () =>
        readSparkModel({
          metadata,
          data: [mlData([1], [{ type: 3, size: null, indices: null, values: [0, 0] }], [colMajor([1, 0, 0, 1])])],
        }),
      /mus\[0\]\.type is 3; expected 0 \(sparse\) or 1 \(dense\)/,
    ],
    [
      "a directory without a model",
      () => loadSparkModel(join(tmp, "nothing-here")),
      /cannot read the metadata directory/,
    ],
  ];
  it.each(cases)("%s", async (_what, run, message) => {
    const e = await rejection(run());
    expect(e.code).toBe("INVALID_MODEL_JSON");
    expect(e.message).toMatch(message);
  });
});
