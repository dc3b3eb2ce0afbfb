/** The characters of CSV syntax, the delimiter's detection, and the field helpers of the parser. */
import { GaussMixError } from "../errors.js";
import type { CsvDelimiter } from "./types.js";

export const QUOTE = 34;
export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const TAB = 9;
export const DELIMITERS: readonly CsvDelimiter[] = ["\t", ";", ","];
/** The delimiter is detected from this many records, or from this many characters if they come first. */
export const DETECT_RECORDS = 10;
export const DETECT_CHARS = 65536;

export const fail = (message: string) => new GaussMixError("INVALID_DATA", message);

/**
 * Picks the delimiter from the first records of `text`: the first of tab, `;`, `,` that occurs the same
 * non-zero number of times in each record (outside quotes); else the one most frequent in the first record;
 * else `,` (one column). Returns undefined while `text` holds too little to decide and more may come.
 */
export function detectDelimiter(text: string, final: boolean): CsvDelimiter | undefined {
  const counts: number[][] = [];
  let row = [0, 0, 0];
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let content = false;
  const limit = Math.min(text.length, DETECT_CHARS);
  for (; i < limit && counts.length < DETECT_RECORDS; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === QUOTE) quoted = false; // a doubled quote re-enters at the next character: same counts
    } else if (c === QUOTE) quoted = true;
    else if (c === LF || c === CR) {
      if (content) counts.push(row);
      row = [0, 0, 0];
      content = false;
    } else {
      content = true;
      const d = c === TAB ? 0 : c === 59 ? 1 : c === 44 ? 2 : -1;
      if (d >= 0) row[d]++;
    }
  }
  const decided = final || counts.length >= DETECT_RECORDS || text.length >= DETECT_CHARS;
  if (!decided) return undefined;
  if (content && counts.length < DETECT_RECORDS && (final || text.length >= DETECT_CHARS)) counts.push(row);
  if (counts.length === 0) return ",";
  for (let d = 0; d < 3; d++) if (counts[0][d] > 0 && counts.every((r) => r[d] === counts[0][d])) return DELIMITERS[d];
  let best = -1;
  for (let d = 0; d < 3; d++) if (counts[0][d] > 0 && (best < 0 || counts[0][d] > counts[0][best])) best = d;
  return best < 0 ? "," : DELIMITERS[best];
}

export const isBlank = (s: string) => /^[ \t]*$/.test(s);
export const trimBlank = (s: string) =>
  s.length && (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1))) ? s.replace(/^[ \t]+|[ \t]+$/g, "") : s;
export const isSpace = (c: number) => c === SPACE || c === TAB;
