/**
 * How much the M-step adds to each feature's variance (regCovar). scikit-learn adds regCovar (default 1e-6) to
 * every variance in the data's units, so a feature measured in small units (variance ~1e-6) is regularised as
 * much as its own spread while a feature in large units is not regularised at all: the units decide the fit.
 * When the library chooses the initialisation (initParams "auto" or "hc") and regCovar is not given, the amount
 * shrinks with a feature's variance instead: 1e-6 × min(variance, 1). A feature of variance 1 or more gets
 * scikit-learn's 1e-6, never more (an amount relative to a large variance would inflate thin components: 1e-6 ×
 * a variance of 30 is 3e-5, a tenth of a component whose variance is 3e-4); a feature of smaller variance gets
 * proportionally less, so small units do not drown it, and among such features the fit of X·diag(s) is the fit
 * of X rescaled (scale equivariance). A given regCovar, explicit initial parameters and scikit-learn's
 * initialisations keep scikit-learn's absolute amount.
 */

/** scikit-learn's reg_covar: the default factor, absolute or relative to each feature's variance. */
export const DEFAULT_REG_COVAR = 1e-6;

/**
 * A feature counts as constant when its standard deviation is at most this fraction of its mean's magnitude
 * (a few hundred units in the last place): the variance computed for a constant column is rounding (below
 * (10·eps·|mean|)², possibly 0 or negative), not a scale.
 */
export const CONSTANT_FEATURE_RATIO = 1e-13;

/** Whether the default regularisation is relative to the data for these options (see the module comment). */
export function regCovarIsRelative(o: {
  readonly regCovar?: unknown;
  readonly initParams: string;
  readonly weightsInit?: unknown;
  readonly meansInit?: unknown;
  readonly precisionsInit?: unknown;
}): boolean {
  const explicitInit = o.weightsInit !== undefined || o.meansInit !== undefined || o.precisionsInit !== undefined;
  return o.regCovar === undefined && !explicitInit && (o.initParams === "auto" || o.initParams === "hc");
}

/**
 * The unit of regCovar per feature (d values) from the data's weighted feature means and variances: each
 * feature's variance, at most 1; for a constant feature (see CONSTANT_FEATURE_RATIO) the largest variance of the
 * other features (at most 1), since a constant feature takes the same value in every component and any positive
 * amount that is well above rounding keeps its variance positive; when every feature is constant, 1
 * (scikit-learn's absolute amount).
 */
export function relativeRegScale(mean: ArrayLike<number>, variance: ArrayLike<number>): Float64Array {
  const d = variance.length;
  const scale = new Float64Array(d);
  const constant = (j: number) => !(variance[j] > (CONSTANT_FEATURE_RATIO * mean[j]) ** 2);
  let largest = 0;
  for (let j = 0; j < d; j++) if (!constant(j)) largest = Math.max(largest, variance[j]);
  const floor = largest > 0 ? largest : 1;
  for (let j = 0; j < d; j++) scale[j] = Math.min(constant(j) ? floor : variance[j], 1);
  return scale;
}
