/**
 * The command line's argument parsers (numbers of components, covariance types, lists, delimiters, numbers) and
 * the fitting options they give.
 */
import { InvalidArgumentError } from "commander";
import type { CovarianceType } from "gaussmix";
import type { CsvDelimiter } from "gaussmix/csv";

export const COV_TYPES: readonly CovarianceType[] = ["spherical", "diag", "tied", "full"];
/** Largest number of components on the command line, and most values of k in one selection grid. */
export const MAX_COMPONENTS = 10_000;
export const MAX_GRID_K = 1_000;
export function parseComponents(value: string): number[] {
  const range = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(value);
  let list: number[];
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (a < 1 || b < a) throw new InvalidArgumentError("a range lo..hi needs 1 ≤ lo ≤ hi, like 1..8");
    if (b > MAX_COMPONENTS)
      throw new InvalidArgumentError(`at most ${MAX_COMPONENTS} components (got ${b}); choose a smaller range`);
    if (b - a + 1 > MAX_GRID_K)
      throw new InvalidArgumentError(`at most ${MAX_GRID_K} values of k in one selection (got ${b - a + 1})`);
    list = Array.from({ length: b - a + 1 }, (_, i) => a + i);
  } else {
    list = value.split(",").map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN));
    if (!list.every((k) => Number.isInteger(k) && k >= 1))
      throw new InvalidArgumentError("expected a range like 1..8 or a list like 1,2,5 of positive integers");
    const big = list.find((k) => k > MAX_COMPONENTS);
    if (big !== undefined)
      throw new InvalidArgumentError(`at most ${MAX_COMPONENTS} components (got ${big}); choose fewer`);
    if (list.length > MAX_GRID_K)
      throw new InvalidArgumentError(`at most ${MAX_GRID_K} values of k in one selection (got ${list.length})`);
  }
  return [...new Set(list)];
}

export function parseCovariance(value: string): CovarianceType[] {
  const list = value.split(",").map((s) => s.trim()) as CovarianceType[];
  const bad = list.find((t) => !COV_TYPES.includes(t));
  if (bad !== undefined)
    throw new InvalidArgumentError(`"${bad}" is not a covariance type; expected a list of ${COV_TYPES.join(", ")}`);
  return [...new Set(list)];
}

export const parseList = (value: string): string[] => value.split(",").map((s) => s.trim());

export function parseDelimiter(value: string): CsvDelimiter {
  const d = { ",": ",", comma: ",", ";": ";", semicolon: ";", "\t": "\t", tab: "\t", "\\t": "\t" }[value];
  if (d === undefined) throw new InvalidArgumentError('expected ",", ";" or tab');
  return d as CsvDelimiter;
}

export function parseInteger(value: string): number {
  const v = /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(v)) throw new InvalidArgumentError("expected an integer");
  return v;
}

export function parsePositive(value: string): number {
  const v = parseInteger(value);
  if (v < 1) throw new InvalidArgumentError("expected a positive integer");
  return v;
}

export function parseNumber(value: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v)) throw new InvalidArgumentError("expected a number");
  return v;
}

/**
 * The fitting options every `fit` mode passes from its flags to the library (`--seed` is randomState); `--init`
 * and `--tol` not given are left to the library's defaults, which differ between selectModel, fitStream and
 * BayesianGaussianMixture.
 */
export function fitOptions(o: Record<string, any>) {
  return {
    randomState: o.seed as number,
    nInit: o.nInit as number,
    initParams: o.init,
    maxIter: o.maxIter as number,
    tol: o.tol as number | undefined,
    regCovar: o.regCovar as number | undefined,
    threads: o.threads as number,
  };
}
