// Compile-time checks of the public types: each covariance type has its own shapes, inferred from the literal.
import {
  type AnyFittedGaussianMixture,
  type CovarianceType,
  FittedGaussianMixture,
  GaussianMixture,
  type IterationInfo,
  type Matrix,
  selectModel,
} from "gaussmix";

declare const X: number[][];
/** Fails to compile unless A and B are the same type. */
type Equal<A, B> = (<V>() => V extends A ? 1 : 2) extends <V>() => V extends B ? 1 : 2 ? true : false;
function expectType<A, B>(ok: Equal<A, B>): void {
  void ok;
}

export async function shapes(): Promise<void> {
  const full = await new GaussianMixture({ nComponents: 3, covarianceType: "full" }).fit(X);
  const tied = await new GaussianMixture({ covarianceType: "tied" }).fit(X);
  const diag = await new GaussianMixture({ covarianceType: "diag" }).fit(X);
  const spherical = await new GaussianMixture({ covarianceType: "spherical" }).fit(X);
  const byDefault = await new GaussianMixture({ nComponents: 2 }).fit(X); // "full" is the default

  const a: number = full.covariances[0][0][0];
  const b: number = tied.covariances[0][0];
  const c: number = diag.covariances[0][0];
  const d: number = spherical.covariances[0];
  const e: number = byDefault.covariances[0][0][0];
  const f: number = full.precisions[0][0][0] + diag.precisionsCholesky[0][0] + spherical.precisions[0];
  void [a, b, c, d, e, f];

  expectType<typeof full, FittedGaussianMixture<"full">>(true);
  expectType<typeof diag.covariances, readonly (readonly number[])[]>(true);
  expectType<typeof spherical.covariances, readonly number[]>(true);
  expectType<typeof tied.covarianceType, "tied">(true);

  // @ts-expect-error spherical covariances are one number per component
  void spherical.covariances[0][0];
  // @ts-expect-error diag covariances are k × d, not k × d × d
  void diag.covariances[0][0][0];
  // @ts-expect-error a fitted model is immutable (its arrays are frozen)
  full.covariances[0][0][0] = 1;
  // @ts-expect-error a model of one covariance type is not a model of another
  const wrong: FittedGaussianMixture<"full"> = diag;
  void wrong;
  // Every model is a FittedGaussianMixture (of some covariance type).
  const any: FittedGaussianMixture = diag;
  void any;
}

export async function unions(json: string, type: CovarianceType): Promise<void> {
  // fromJSON cannot know the type: checking covarianceType narrows it.
  const m = FittedGaussianMixture.fromJSON(json);
  // @ts-expect-error not narrowed yet
  void m.covariances[0][0][0];
  if (m.covarianceType === "full") {
    const v: number = m.covariances[0][0][0];
    void v;
  } else if (m.covarianceType === "spherical") {
    const v: number = m.covariances[0];
    void v;
  }
  // A covariance type known only at run time gives the same union.
  const fitted = await new GaussianMixture({ covarianceType: type }).fit(X);
  expectType<typeof fitted, AnyFittedGaussianMixture>(true);
  const { model, labels } = await new GaussianMixture({ covarianceType: "diag" }).fitPredict(X);
  expectType<typeof model, FittedGaussianMixture<"diag">>(true);
  expectType<typeof labels, Int32Array>(true);
}

export function options(): void {
  // precisionsInit has the covariance type's shape; a fitted model's precisions fit it.
  new GaussianMixture({
    covarianceType: "diag",
    precisionsInit: [
      [1, 2],
      [3, 4],
    ],
  });
  // @ts-expect-error diag precisions are k × d
  new GaussianMixture({ covarianceType: "diag", precisionsInit: [1, 2] });
  new GaussianMixture({ covarianceType: "spherical", precisionsInit: [1, 2] });
  // onIteration's covariances have the type's shape.
  new GaussianMixture({
    covarianceType: "spherical",
    onIteration: (info) => {
      expectType<typeof info, IterationInfo<"spherical">>(true);
      const v: number = info.covariances[0];
      return v > 0;
    },
  });
  // @ts-expect-error not a covariance type
  new GaussianMixture({ covarianceType: "fulll" });
}

export async function warmStartFromAModel(): Promise<void> {
  const m = await new GaussianMixture({ nComponents: 2, covarianceType: "tied" }).fit(X);
  new GaussianMixture({
    nComponents: 2,
    covarianceType: "tied",
    weightsInit: m.weights,
    meansInit: m.means,
    precisionsInit: m.precisions,
  });
}

export async function matrices(): Promise<void> {
  const m = await new GaussianMixture({ nComponents: 2 }).fit(X);
  const proba: Matrix = m.predictProba(X);
  const first: Float64Array = proba.row(0);
  const nested: number[][] = proba.toArray();
  for (const r of proba) {
    const p: number = r[0];
    void p;
  }
  const [n, k]: readonly [number, number] = proba.shape;
  const data: Float64Array = proba.data;
  const drawn: number[][] = m.sample(10, { randomState: 1 }).X.toArray();
  void [first, nested, n, k, data, drawn];
}

export async function estimatorHabit(): Promise<void> {
  const est = new GaussianMixture({ nComponents: 2, covarianceType: "diag" });
  await est.fit(X);
  const labels: Int32Array = est.predict(X);
  const proba: Matrix = est.predictProba(X);
  const ll: Float64Array = est.scoreSamples(X);
  const s: number = est.score(X) + est.bic(X) + est.aic(X);
  const drawn: Matrix = est.sample(5).X;
  const last = est.model;
  expectType<typeof last, FittedGaussianMixture<"diag"> | undefined>(true);
  void [labels, proba, ll, s, drawn];
}

export async function selection(): Promise<void> {
  const { best } = await selectModel(X, { nComponents: [1, 2] });
  // @ts-expect-error the covariance type is known only at run time
  void best.covariances[0][0];
  if (best.covarianceType === "diag") {
    const v: number = best.covariances[0][0];
    void v;
  }
}

export function annotations(): void {
  // An estimator of any covariance type; `GaussianMixture` alone is the default "full" one.
  const some: GaussianMixture<CovarianceType> = new GaussianMixture({ covarianceType: "diag" });
  const full: GaussianMixture = new GaussianMixture({ nComponents: 2 });
  // @ts-expect-error a "diag" estimator is not a "full" one
  const wrong: GaussianMixture = new GaussianMixture({ covarianceType: "diag" });
  void [some, full, wrong];
}
