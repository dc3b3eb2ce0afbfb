/** The incremental parser of `gaussmix/csv` (the rules are in index.ts). */
import { GaussMixError } from "../errors.js";
import { looksNumeric, isDecimal, notNumber } from "./numbers.js";
import {
  CR,
  DELIMITERS,
  DETECT_CHARS,
  detectDelimiter,
  fail,
  isBlank,
  LF,
  QUOTE,
  SPACE,
  TAB,
  trimBlank,
} from "./syntax.js";
import type { CsvDelimiter, CsvOptions, CsvTable, SkippedColumn } from "./types.js";

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
  /** Rows already handed out by `take()`. */
  private taken = 0;

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

  /**
   * The data rows read since the last `take()` (row-major, with the number of columns read), removed from the
   * parser: a stream of any length is read in bounded memory. `end()` then returns only the rows not taken.
   */
  take(): { data: Float64Array; shape: [nSamples: number, nFeatures: number] } {
    if (this.failed !== undefined) throw this.failed;
    const out = {
      data: this.data.slice(0, this.length),
      shape: [this.rows - this.taken, this.picked.length] as [number, number],
    };
    this.length = 0;
    this.taken = this.rows;
    return out;
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
      shape: [this.rows - this.taken, d],
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

/** Reads a whole CSV text (the incremental parser fed once). */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const parser = new CsvParser(options);
  parser.feed(text);
  return parser.end();
}
