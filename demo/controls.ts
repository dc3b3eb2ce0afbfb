/**
 * The page's controls: its elements, the status line and notes, and the k field made valid. What the last fit
 * left on `window` (for tests) is declared here too.
 */
import type { Fitted } from "./protocol.js";
import { plural } from "./upload.js";

const MAX_K = 10;
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
export const el = {
  dataset: $<HTMLSelectElement>("dataset"),
  csv: $<HTMLInputElement>("csv"),
  uploadNote: $<HTMLParagraphElement>("upload-note"),
  columns: $<HTMLFieldSetElement>("columns"),
  colX: $<HTMLSelectElement>("col-x"),
  colY: $<HTMLSelectElement>("col-y"),
  k: $<HTMLInputElement>("k"),
  kMsg: $<HTMLParagraphElement>("k-msg"),
  cov: $<HTMLSelectElement>("cov"),
  init: $<HTMLSelectElement>("init"),
  seed: $<HTMLInputElement>("seed"),
  bayes: $<HTMLInputElement>("bayes"),
  bayesNote: $<HTMLParagraphElement>("bayes-note"),
  select: $<HTMLButtonElement>("select"),
  play: $<HTMLButtonElement>("play"),
  download: $<HTMLButtonElement>("download"),
  status: $<HTMLParagraphElement>("status"),
  caption: $<HTMLParagraphElement>("caption"),
  canvas: $<HTMLCanvasElement>("scatter"),
  density: $<HTMLDivElement>("density"),
  loglik: $<HTMLDivElement>("loglik"),
  criteria: $<HTMLDivElement>("criteria"),
  legend: $<HTMLOListElement>("legend"),
};

declare global {
  interface Window {
    /** The last finished fit of the data shown (undefined after any change), for tests and the curious. */
    __gaussmix?: {
      weights: number[];
      means: number[][];
      lowerBound: number;
      nIter: number;
      converged: boolean;
      fitted: Fitted;
      caption: string;
      /** Whether this is the Bayesian (Dirichlet process) fit. */
      bayesian: boolean;
    };
  }
}

export function setStatus(text: string, kind: "" | "warn" | "error" = ""): void {
  el.status.textContent = text;
  el.status.className = kind;
}

export function note(p: HTMLElement, text: string | undefined, kind: "" | "warn" | "error" = ""): void {
  p.hidden = !text;
  p.textContent = text ?? "";
  p.className = `note ${kind}`;
}

/**
 * k from its field, made valid: a whole number from 1 to 10 (and at most the number of points), shown in the field
 * with a message saying what was given. `edited`: the person just changed the field (a valid value clears the message).
 */
export function validK(n: number, edited = false): number {
  const raw = el.k.value.trim();
  const max = Math.max(1, Math.min(MAX_K, n));
  const v = Number(raw);
  const used = raw === "" || !Number.isFinite(v) ? 3 : Math.min(max, Math.max(1, Math.round(v)));
  el.k.max = String(max);
  if (String(used) !== raw) {
    el.k.value = String(used);
    const limit = max < MAX_K ? ` (the data has ${plural(n, "point")})` : "";
    note(
      el.kMsg,
      `k must be a whole number from 1 to ${max}${limit}; “${raw}” was given, so k = ${used} is used.`,
      "warn",
    );
  } else if (edited) note(el.kMsg, undefined);
  return used;
}
