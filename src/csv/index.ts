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
 *
 * @module gaussmix/csv
 */
export { isDecimal } from "./numbers.js";
export { CsvParser, parseCsv } from "./parser.js";
export type { CsvDelimiter, CsvOptions, CsvTable, SkippedColumn } from "./types.js";
