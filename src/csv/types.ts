/** The public types of `gaussmix/csv`: options, the table read, and the columns skipped. */

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
