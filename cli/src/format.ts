/** Text shown to a person: numbers, the selection table and a fitted model. */
import type { Criterion, SelectionRow } from "gaussmix";
import type { Mixture } from "./model-file.js";

export const fmt = (v: number): string =>
  Number.isFinite(v)
    ? Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0)
      ? v.toExponential(4)
      : v.toFixed(4)
    : String(v);

const vector = (v: readonly number[]) => `[${v.map(fmt).join(", ")}]`;
const matrix = (m: readonly (readonly number[])[]) => `[${m.map(vector).join(", ")}]`;
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function selectionTable(table: SelectionRow[], best: SelectionRow, criterion: Criterion): string {
  const head = ["k", "covariance", "log-likelihood", "params", "BIC", "AIC", "ICL", "converged", "iter"];
  const body = table.map((r) => [
    String(r.nComponents),
    r.covarianceType,
    fmt(r.logLikelihood),
    String(r.nParameters),
    fmt(r.bic),
    fmt(r.aic),
    fmt(r.icl),
    r.error ? `error: ${r.error.code}` : r.converged ? "yes" : "no",
    String(r.nIter),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const line = (cells: string[], mark = " ") =>
    `${mark} ${cells.map((c, j) => (j < 2 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ")}`;
  return [
    line(head),
    ...body.map((cells, i) => line(cells, table[i] === best ? "*" : " ")),
    `  (* lowest ${criterion.toUpperCase()})`,
  ].join("\n");
}

/** Weights, means and covariances per component, in the model's covariance type's own shape. */
export function describeModel(m: Mixture, names: readonly string[]): string {
  const out = [
    `${plural(m.nComponents, "component")}, covariance "${m.covarianceType}", ${plural(m.nFeatures, "feature")} (${names.join(", ")})`,
  ];
  const cov = m.covariances;
  m.weights.forEach((w, c) => {
    out.push(`  component ${c}: weight ${fmt(w)}, mean ${vector(m.means[c])}`);
    if (m.covarianceType === "full") out.push(`    covariance ${matrix((cov as number[][][])[c])}`);
    else if (m.covarianceType === "diag") out.push(`    variances ${vector((cov as number[][])[c])}`);
    else if (m.covarianceType === "spherical") out.push(`    variance ${fmt((cov as number[])[c])}`);
  });
  if (m.covarianceType === "tied") out.push(`  tied covariance ${matrix(cov as number[][])}`);
  out.push(
    `  converged: ${m.converged ? "yes" : "no"} after ${plural(m.nIter, "iteration")}; lower bound ${fmt(m.lowerBound)}`,
  );
  return out.join("\n");
}

/**
 * JSON for a person to read: one key per line, arrays of numbers on one line, nested arrays one row per line
 * (a component's mean, a covariance matrix's row). `JSON.parse` gives back the same values.
 */
export function readableJSON(value: unknown, indent = ""): string {
  if (Array.isArray(value)) {
    if (!value.some((v) => typeof v === "object" && v !== null)) return JSON.stringify(value);
    const inner = `${indent}  `;
    return `[\n${value.map((v) => inner + readableJSON(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (typeof value === "object" && value !== null) {
    const inner = `${indent}  `;
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${readableJSON(v, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}
