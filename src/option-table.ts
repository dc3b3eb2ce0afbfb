/**
 * The machinery of the option tables: an option's spec (doc, default, check), the resolved type a table gives,
 * the checks the tables are made of, and `resolve` (the unknown-option check with its "did you mean" hint).
 */
import { GaussMixError, invalidOption, unknownOption } from "./errors.js";
import { isArrayLike, show } from "./util.js";

/** One option: a one-line summary (the start of its doc comment in types.ts), its default, and its check. */
export interface OptionSpec<T, HasDefault extends boolean = boolean> {
  readonly doc: string;
  readonly hasDefault: HasDefault;
  readonly default: HasDefault extends true ? T : undefined;
  /** Returns the value (possibly normalised) or throws a GaussMixError naming `name`. */
  readonly check: (value: unknown, name: string) => T;
}

export type Check<T> = (value: unknown, name: string) => T;

export function withDefault<T>(doc: string, value: T, check: Check<T>): OptionSpec<T, true> {
  return { doc, hasDefault: true, default: value, check };
}

export function optional<T>(doc: string, check: Check<T>): OptionSpec<T, false> {
  return { doc, hasDefault: false, default: undefined, check };
}

export type OptionTable = Readonly<Record<string, OptionSpec<any>>>;

/** The options after resolution: an option with a default is always present, the others may be undefined. */
export type Resolved<S extends OptionTable> = {
  readonly [K in keyof S]: S[K] extends OptionSpec<infer T, true>
    ? T
    : S[K] extends OptionSpec<infer T, false>
      ? T | undefined
      : never;
};

// ---- checks ------------------------------------------------------------------------------------------------

export const positiveInt: Check<number> = (v, name) => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw invalidOption(name, "a positive integer", v);
  return v;
};

export const nonNegative: Check<number> = (v, name) => {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw invalidOption(name, "a finite number ≥ 0", v);
  return v;
};

/** The largest seed: seeds are scikit-learn's range, [0, 2^32), and each maps to its own random stream. */
export const MAX_SEED = 2 ** 32 - 1;

export const integerSeed: Check<number> = (v, name) => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > MAX_SEED) {
    throw new GaussMixError(
      "INVALID_OPTION",
      `${name} must be an integer seed, got ${show(v)} (seeds are integers from 0 to ${MAX_SEED}, each giving its own random stream)`,
    );
  }
  return v;
};

export const boolean: Check<boolean> = (v, name) => {
  if (typeof v !== "boolean") throw invalidOption(name, "true or false", v);
  return v;
};

export const quoted = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(", ");

export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (v, name) => {
    if (!values.includes(v as T)) throw invalidOption(name, `one of ${quoted(values)}`, v);
    return v as T;
  };
}

export function listOf<T>(what: string, ok: (x: unknown) => boolean): Check<readonly T[]> {
  return (v, name) => {
    if (!isArrayLike(v) || v.length === 0) throw invalidOption(name, `a non-empty array of ${what}`, v);
    const i = Array.from(v).findIndex((x) => !ok(x));
    if (i >= 0) {
      throw new GaussMixError(
        "INVALID_OPTION",
        `${name} must be a non-empty array of ${what}; index ${i} is ${show(v[i])}`,
      );
    }
    return Array.from(v) as T[];
  };
}

export function fn<F>(): Check<F> {
  return (v, name) => {
    if (typeof v !== "function") throw invalidOption(name, "a function", v);
    return v as F;
  };
}

export const abortSignal: Check<AbortSignal> = (v, name) => {
  if (typeof v !== "object" || v === null || !("aborted" in v)) throw invalidOption(name, "an AbortSignal", v);
  return v as AbortSignal;
};

/** Passed through here: its shape depends on the data or on nComponents and is checked at fit time. */
export function checkedLater<T>(): Check<T> {
  return (v) => v as T;
}

// ---- the tables --------------------------------------------------------------------------------------------

export const positive: Check<number> = (v, name) => {
  if (typeof v !== "number" || !Number.isFinite(v) || !(v > 0)) throw invalidOption(name, "a finite number > 0", v);
  return v;
};

export const finiteNumber: Check<number> = (v, name) => {
  if (typeof v !== "number" || !Number.isFinite(v)) throw invalidOption(name, "a finite number", v);
  return v;
};

export const finiteVector: Check<Float64Array> = (v, name) => {
  if (!isArrayLike(v) || !Array.from(v).every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw invalidOption(name, "an array of finite numbers (nFeatures)", v);
  }
  return Float64Array.from(v as ArrayLike<number>);
};

// ---- resolution --------------------------------------------------------------------------------------------

/** The closest known name: scikit-learn's snake_case spelling, another case, or one letter off (a typo). */
export function closestOption(key: string, known: readonly string[]): string | undefined {
  const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()).toLowerCase();
  return known.find((k) => k.toLowerCase() === camel) ?? known.find((k) => editDistance(k.toLowerCase(), camel) <= 2);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/**
 * Checks `options` against a table: an object (or undefined), no unknown key, every given value valid. Returns
 * the values with the defaults filled in. Only `undefined` means "not given".
 */
export function resolve<S extends OptionTable>(table: S, options: unknown, what: string): Resolved<S> {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null || isArrayLike(options))
    throw invalidOption(what, "an object", options);
  const known = Object.keys(table);
  for (const key of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(table, key)) {
      const hit = closestOption(key, known);
      throw unknownOption(key, hit ? `; did you mean ${hit}?` : `; known options of ${what}: ${known.join(", ")}`);
    }
  }
  const given = options as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of known) {
    const v = given[key];
    out[key] = v === undefined ? table[key].default : table[key].check(v, key);
  }
  return out as Resolved<S>;
}
