/**
 * A CSV reader for numeric tables, with no dependencies (`gaussmix/csv`), shared by the command line and the demo.
 *
 * One incremental parser: `new CsvParser(options)`, `feed(text)` as often as needed, then `end()`; `parseCsv(text)`
 * is the same parser fed once. The output is one row-major Float64Array grown geometrically, never rows of arrays.
 *
 * Rules:
 * - A UTF-8 byte order mark at the start is dropped. Lines end with CRLF, LF or CR; blank lines are skipped.
 * - Fields may be quoted with `"`: delimiters and line breaks inside quotes are data, `""` is one quote.
 *   Spaces and tabs around a field, inside or outside its quotes, are ignored.
 * - The delimiter is `,` `;` or tab, detected from the first ten records unless given.
 * - A first record with a cell that is not a number (nor meant as one, see below) is the header (unless `header` says otherwise); without a
 *   header the columns are named x0, x1, ….
 * - Numbers are decimal only: `1`, `-2.5`, `1e-3`, `.5`, `+4.`. A cell meant as a number in another form (`0x10`,
 *   `0b1`, `Infinity`, `NaN`, a decimal comma `1,5`), an empty cell, or a value beyond a double is an error.
 * - Columns are typed by the first data row: a column whose first cell is text (iris's `Species`), or whose header
 *   is empty (row names written by R's `write.csv` or pandas' `to_csv`), is skipped and listed in `skipped`, unless
 *   selected by `columns`. A later cell that is not a number in a column being read is an error.
 * - Positions in error messages: `line` is the 1-based physical line of the input on which the field starts (every
 *   CRLF, LF or CR counts one, blank lines and line breaks inside quotes included; a byte order mark does not
 *   move it); `column` is the 1-based position of the field in its record, skipped columns included.
 */
import { GaussMixError } from "./errors.js";

export type CsvDelimiter = "," | ";" | "\t";

export interface CsvOptions {
  /** The field separator. Default: detected from the first ten records (tab, then `;`, then `,`). */
  delimiter?: CsvDelimiter;
  /** Whether the first record is a header. Default: detected (a first record with a non-numeric cell). */
  header?: boolean;
  /**
   * The columns to read, in this order: names from the header or 0-based indices. Default: every numeric
   * column (text and unnamed columns are skipped and reported in `skipped`).
   */
  columns?: readonly (string | number)[];
  /** Columns never read when `columns` is not given (e.g. a class label): names or 0-based indices. */
  exclude?: readonly (string | number)[];
}

/** A column of the file that was not read, with why. */
export interface SkippedColumn {
  /** 0-based position in the file. */
  index: number;
  name: string;
  /** "text": its first data cell is not a number; "unnamed": its header is empty (row names); "excluded". */
  reason: "text" | "unnamed" | "excluded";
  /** The first data cell of the column. */
  firstValue: string;
}

/** A numeric table read from CSV. */
export interface CsvTable {
  /** Row-major nSamples × nFeatures values (exactly that length). */
  data: Float64Array;
  shape: [nSamples: number, nFeatures: number];
  /** Names of the columns read, in the order of `data`'s columns. */
  columns: string[];
  /** 0-based positions in the file of the columns read. */
  indices: number[];
  /** Columns of the file that were not read. */
  skipped: SkippedColumn[];
  /** Names of every column of the file (x0, x1, … without a header). */
  names: string[];
  header: boolean;
  delimiter: CsvDelimiter;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const DELIMITERS: readonly CsvDelimiter[] = ["\t", ";", ","];
/** The delimiter is detected from this many records, or from this many characters if they come first. */
const DETECT_RECORDS = 10;
const DETECT_CHARS = 65536;

const fail = (message: string) => new GaussMixError("INVALID_DATA", message);

/** A decimal number: optional sign, digits with an optional point (at least one digit), optional exponent. */
export function isDecimal(s: string): boolean {
  let i = 0;
  const n = s.length;
  let c = s.charCodeAt(0);
  if (c === 43 || c === 45) c = s.charCodeAt(++i); // + -
  let digits = 0;
  while (c >= 48 && c <= 57) {
    digits++;
    c = s.charCodeAt(++i);
  }
  if (c === 46) {
    c = s.charCodeAt(++i);
    while (c >= 48 && c <= 57) {
      digits++;
      c = s.charCodeAt(++i);
    }
  }
  if (digits === 0) return false;
  if (c === 101 || c === 69) {
    c = s.charCodeAt(++i);
    if (c === 43 || c === 45) c = s.charCodeAt(++i);
    let exp = 0;
    while (c >= 48 && c <= 57) {
      exp++;
      c = s.charCodeAt(++i);
    }
    if (exp === 0) return false;
  }
  return i === n;
}

const DECIMAL_COMMA = /^[+-]?\d*,\d+$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/**
 * Whether a cell is meant as a number, even one this reader refuses (`0x10`, `Infinity`, `1,5`): such a cell
 * makes its row data (not a header) and its column numeric, so it is reported as an error, not skipped as text.
 */
function looksNumeric(cell: string): boolean {
  return (
    cell !== "" && (isDecimal(cell) || DECIMAL_COMMA.test(cell) || NON_FINITE.test(cell) || !Number.isNaN(Number(cell)))
  );
}

/** Why a cell is not a number, with what to do. */
function notNumber(cell: string): string {
  if (cell === "")
    return "the cell is empty; every row needs a number in every column read (fill or remove the row, or read other columns)";
  const shown = JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);
  if (DECIMAL_COMMA.test(cell))
    return `${shown} is not a decimal number: write the decimal separator as a point (1.5, not 1,5)`;
  if (isDecimal(cell)) return `${shown} is beyond the range of a double (about 1.8e308)`;
  if (NON_FINITE.test(cell)) return `${shown} is not a finite number; remove the row or replace the value`;
  if (!Number.isNaN(Number(cell)))
    return `${shown} is not a decimal number (hexadecimal, octal and binary are not read); write it in decimal`;
  return `${shown} is not a decimal number (digits with an optional sign, point and exponent, like -2.5 or 1e-3)`;
}

/**
 * Picks the delimiter from the first records of `text`: the first of tab, `;`, `,` that occurs the same
 * non-zero number of times in each record (outside quotes); else the one most frequent in the first record;
 * else `,` (one column). Returns undefined while `text` holds too little to decide and more may come.
 */
function detectDelimiter(text: string, final: boolean): CsvDelimiter | undefined {
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

/** Incremental CSV reader: `feed` text in pieces of any size, then `end()` for the table. */
export class CsvParser {
  private readonly options: CsvOptions;
  private delimiter: number;
  private delimiterChar: CsvDelimiter | undefined;
  /** Text held back until the delimiter is known. */
  private pending = "";
  private started = false;
  private ended = false;
  /** The error that stopped the parser: later calls throw it again (its state is not resumable). */
  private failed: unknown;

  // Tokeniser state, kept across chunks.
  private line = 1;
  private afterCR = false;
  /** 0: in an unquoted field; 1: in quotes; 2: a quote inside quotes (end or ""); 3: after the closing quote. */
  private state = 0;
  private field = "";
  private fieldLine = 1;
  private quoteLine = 1;
  private fields: string[] = [];
  private fieldLines: number[] = [];
  /** Fields of the current record in `fields` / `fieldLines` (reused, never shrunk). */
  private nFields = 0;
  /** The record's first field was quoted (so a lone `""` line is a record, not a blank line). */
  private firstQuoted = false;

  // Table state.
  private names: string[] | undefined;
  private header = false;
  private width = 0;
  private widthLine = 0;
  private picked: number[] = [];
  private skipped: SkippedColumn[] = [];
  private data = new Float64Array(1024);
  private length = 0;
  private rows = 0;

  constructor(options: CsvOptions = {}) {
    const { delimiter, header, columns, exclude } = options;
    if (delimiter !== undefined && !DELIMITERS.includes(delimiter)) {
      throw new GaussMixError(
        "INVALID_OPTION",
        `delimiter must be ",", ";" or a tab, got ${JSON.stringify(delimiter)}`,
      );
    }
    if (header !== undefined && typeof header !== "boolean") {
      throw new GaussMixError(
        "INVALID_OPTION",
        `header must be true, false or undefined (detect), got ${JSON.stringify(header)}`,
      );
    }
    for (const [name, list] of [
      ["columns", columns],
      ["exclude", exclude],
    ] as const) {
      if (list === undefined) continue;
      const ok = Array.isArray(list) && list.every((c) => typeof c === "string" || (Number.isInteger(c) && c >= 0));
      if (!ok || (name === "columns" && list.length === 0)) {
        throw new GaussMixError(
          "INVALID_OPTION",
          `${name} must be a non-empty array of column names or 0-based indices, got ${JSON.stringify(list)}`,
        );
      }
    }
    this.options = options;
    this.delimiterChar = delimiter;
    this.delimiter = delimiter === undefined ? -1 : delimiter.charCodeAt(0);
  }

  /** Reads the next piece of the text (any split, even inside a field, a quote pair or a CRLF). */
  feed(text: string): void {
    if (this.failed !== undefined) throw this.failed;
    if (this.ended)
      throw new GaussMixError("INVALID_OPTION", "feed() after end(): make a new CsvParser for another file");
    try {
      this.feedText(text);
    } catch (e) {
      this.failed = e;
      throw e;
    }
  }

  private feedText(text: string): void {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.delimiter < 0) {
      this.pending += text;
      // Detection needs whole records: look again only when a line break or enough text has come.
      if (!/[\r\n]/.test(text) && this.pending.length < DETECT_CHARS) return;
      const found = detectDelimiter(this.pending, false);
      if (found === undefined) return;
      this.setDelimiter(found);
      text = this.pending;
      this.pending = "";
    }
    this.scan(text);
  }

  /** Finishes the text and returns the table. */
  end(): CsvTable {
    if (this.failed !== undefined) throw this.failed;
    if (this.ended)
      throw new GaussMixError("INVALID_OPTION", "end() called twice: make a new CsvParser for another file");
    try {
      return this.finish();
    } catch (e) {
      this.failed = e;
      throw e;
    }
  }

  private finish(): CsvTable {
    if (this.delimiter < 0) {
      this.setDelimiter(detectDelimiter(this.pending, true)!);
      const text = this.pending;
      this.pending = "";
      this.scan(text);
    }
    this.ended = true;
    if (this.state === 1 || this.state === 2) {
      if (this.state === 1)
        throw fail(
          `line ${this.quoteLine}, column ${this.nFields + 1}: a quoted field is never closed (a missing " ?)`,
        );
      this.state = 3; // the text ended right after a closing quote
    }
    // The last record when the text does not end with a line break.
    if (this.state === 3 || this.field !== "" || this.nFields > 0) this.endField("", 0, 0);
    this.endRecord();
    if (this.names === undefined) throw fail("the text is empty: expected rows of numbers separated by , ; or tabs");
    if (this.rows === 0)
      throw fail(`no data rows after the header (line ${this.widthLine}: ${this.names.join(this.delimiterChar)})`);
    const d = this.picked.length;
    return {
      data: this.data.slice(0, this.length),
      shape: [this.rows, d],
      columns: this.picked.map((j) => this.names![j]),
      indices: [...this.picked],
      skipped: this.skipped,
      names: this.names,
      header: this.header,
      delimiter: this.delimiterChar!,
    };
  }

  private setDelimiter(d: CsvDelimiter): void {
    this.delimiterChar = d;
    this.delimiter = d.charCodeAt(0);
  }

  /**
   * The tokeniser: one pass over the characters with its state in locals, fields cut out as slices of the chunk
   * (joined with a carried part only when a field spans chunks).
   */
  private scan(text: string): void {
    const delim = this.delimiter;
    const n = text.length;
    let state = this.state;
    let afterCR = this.afterCR; // the previous character was a CR: a following LF belongs to it
    let start = 0; // start of the current run of the field inside this chunk
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const crlf = afterCR && c === LF;
      afterCR = c === CR;
      if (state === 0) {
        // unquoted
        if (c === delim) {
          this.endField(text, start, i);
          start = i + 1;
        } else if (c === LF || c === CR) {
          if (crlf) {
            start = i + 1; // the LF of a CRLF: the record ended and the line was counted at the CR
            continue;
          }
          this.endField(text, start, i);
          this.endRecord();
          this.line++;
          this.fieldLine = this.line;
          start = i + 1;
        } else if (c === QUOTE && isBlank(this.field + text.slice(start, i))) {
          state = 1;
          this.field = "";
          if (this.nFields === 0) this.firstQuoted = true;
          this.quoteLine = this.line;
          start = i + 1;
        }
      } else if (state === 1) {
        // inside quotes: line breaks are data, but still count as lines
        if (c === QUOTE) {
          this.field += text.slice(start, i);
          state = 2;
          start = i + 1;
        } else if ((c === LF && !crlf) || c === CR) this.line++;
      } else {
        if (state === 2) {
          // after a quote inside quotes: "" is a quote, anything else closes the field
          if (c === QUOTE) {
            this.field += '"';
            state = 1;
            start = i + 1;
            continue;
          }
          state = 3;
        }
        // after the closing quote: spaces, then a delimiter or a line break
        if (c === delim) {
          this.endField(text, i, i);
          state = 0;
          start = i + 1;
        } else if (c === LF || c === CR) {
          this.endField(text, i, i);
          this.endRecord();
          this.line++;
          this.fieldLine = this.line;
          state = 0;
          start = i + 1;
        } else if (c === SPACE || c === TAB) {
          start = i + 1;
        } else {
          throw fail(
            `line ${this.line}, column ${this.nFields + 1}: ${JSON.stringify(text[i])} after a closing quote; a quoted field ends at the next delimiter (write a quote inside quotes as "")`,
          );
        }
      }
    }
    if (state === 0 || state === 1) this.field += text.slice(start, n);
    this.state = state;
    this.afterCR = afterCR;
  }

  /** The field ends: what was carried from earlier chunks plus text[start, end), trimmed of spaces and tabs. */
  private endField(text: string, start: number, end: number): void {
    const raw = this.field === "" ? text.slice(start, end) : this.field + text.slice(start, end);
    this.field = "";
    this.fields[this.nFields] = trimBlank(raw);
    this.fieldLines[this.nFields++] = this.fieldLine;
    this.fieldLine = this.line;
  }

  /** A record is complete (at a line break outside quotes, or at the end); its last field is already pushed. */
  private endRecord(): void {
    const count = this.nFields;
    const blank = count === 0 || (count === 1 && this.fields[0] === "" && !this.firstQuoted);
    if (!blank) this.record(this.fields, this.fieldLines, count);
    // The arrays are reused for the next record (nothing keeps them: the header is copied).
    this.nFields = 0;
    this.firstQuoted = false;
  }

  /** One record of `count` fields (`fields` and `lines` are reused buffers: entries past `count` are stale). */
  private record(fields: string[], lines: number[], count: number): void {
    if (this.names === undefined) {
      const first = fields.slice(0, count);
      this.width = count;
      this.widthLine = lines[0];
      this.header = this.options.header ?? first.some((f) => !looksNumeric(f));
      if (this.header) {
        this.names = first;
        return;
      }
      this.names = first.map((_, j) => `x${j}`);
    }
    if (count !== this.width) {
      throw fail(
        `line ${lines[0]}: ${count} field${count === 1 ? "" : "s"}, but line ${this.widthLine} has ${this.width}; every row needs the same number of columns (a missing or extra delimiter?)`,
      );
    }
    if (this.rows === 0) this.chooseColumns(fields, lines);
    const picked = this.picked;
    const d = picked.length;
    if (this.length + d > this.data.length) {
      const grown = new Float64Array(Math.max(this.data.length * 2, this.length + d));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    for (let c = 0; c < d; c++) {
      const j = picked[c];
      const cell = fields[j];
      const v = isDecimal(cell) ? Number(cell) : NaN;
      if (!Number.isFinite(v)) throw fail(`line ${lines[j]}, column ${j + 1} (${this.names![j]}): ${notNumber(cell)}`);
      this.data[this.length++] = v;
    }
    this.rows++;
  }

  /** Resolves `columns` / `exclude` against the header and types the columns by the first data row. */
  private chooseColumns(first: string[], lines: number[]): void {
    const names = this.names!;
    const list = names.join(", ");
    const resolve = (c: string | number): number => {
      if (typeof c === "number") {
        if (c < this.width) return c;
        throw fail(
          `no column ${c}: the file has ${this.width} column${this.width === 1 ? "" : "s"} (0-based indices 0…${this.width - 1}: ${list})`,
        );
      }
      const j = names.indexOf(c);
      if (j >= 0) return j;
      throw fail(`no column named ${JSON.stringify(c)} (columns: ${list})`);
    };
    const { columns, exclude } = this.options;
    if (columns !== undefined) {
      this.picked = columns.map(resolve);
      const seen = new Set<number>();
      for (const j of this.picked) {
        if (seen.has(j)) throw fail(`column ${JSON.stringify(names[j])} is selected twice; select each column once`);
        seen.add(j);
        if (!isDecimal(first[j])) {
          throw fail(
            `line ${lines[j]}, column ${j + 1} (${names[j]}): ${notNumber(first[j])}; the column was selected, so it must be numeric`,
          );
        }
      }
      names.forEach((name, j) => {
        if (!seen.has(j)) this.skipped.push({ index: j, name, reason: "excluded", firstValue: first[j] });
      });
      return;
    }
    const excluded = new Set<number>();
    for (const c of exclude ?? []) {
      const j = typeof c === "number" ? c : names.indexOf(c);
      if (j >= 0 && j < this.width) excluded.add(j);
    }
    names.forEach((name, j) => {
      const firstValue = first[j];
      if (excluded.has(j)) this.skipped.push({ index: j, name, reason: "excluded", firstValue });
      else if (this.header && name === "") this.skipped.push({ index: j, name, reason: "unnamed", firstValue });
      else if (firstValue !== "" && !looksNumeric(firstValue))
        this.skipped.push({ index: j, name, reason: "text", firstValue });
      else this.picked.push(j);
    });
    if (this.picked.length === 0) {
      const why = this.skipped
        .map((s) => `${s.name || `column ${s.index + 1}`} (${s.reason}, e.g. ${JSON.stringify(s.firstValue)})`)
        .join(", ");
      throw fail(`line ${lines[0]}: no numeric columns to read; skipped: ${why}`);
    }
  }
}

const isBlank = (s: string) => /^[ \t]*$/.test(s);
const trimBlank = (s: string) =>
  s.length && (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1))) ? s.replace(/^[ \t]+|[ \t]+$/g, "") : s;
const isSpace = (c: number) => c === SPACE || c === TAB;

/** Reads a whole CSV text (the incremental parser fed once). */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const parser = new CsvParser(options);
  parser.feed(text);
  return parser.end();
}
