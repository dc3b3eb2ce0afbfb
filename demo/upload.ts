/** Uploaded CSV files: read with gaussmix/csv, the columns to fit, and what the page says about them. */
import { type CsvTable, parseCsv } from "../src/csv.js";
import type { DataSet } from "./data.js";

export interface Upload {
  kind: "upload";
  file: string;
  table: CsvTable;
}

export const plural = (n: number, word: string) => `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;

/** Reads a file into a table of its numeric columns; throws (with the reader's line and column) when it cannot. */
export async function readUpload(file: File): Promise<Upload> {
  const table = parseCsv(await file.text());
  if (table.shape[0] < 2)
    throw new Error(`it has ${plural(table.shape[0], "row")} of numbers; a fit needs at least two`);
  return { kind: "upload", file: file.name, table };
}

/** Columns `x` and `y` (an index into the table's columns; y −1: none, 1-D) as the demo's data. */
export function tableData(t: CsvTable, x: number, y: number): DataSet {
  const cols = y < 0 || y === x || t.shape[1] === 1 ? [x] : [x, y];
  const [n, d] = t.shape;
  const out = new Float64Array(n * cols.length);
  for (let i = 0; i < n; i++) cols.forEach((c, j) => (out[i * cols.length + j] = t.data[i * d + c]));
  return { data: out, d: cols.length as 1 | 2, n, names: cols.map((c) => t.columns[c]) };
}

export function uploadCaption(u: Upload, ds: DataSet): string {
  return `${u.file} — ${ds.names.join(" × ")}, ${plural(u.table.shape[0], "row")}, ${ds.d}-D`;
}

/** What was read and what was skipped, for the notice under the file field. */
export function uploadSummary(u: Upload): string {
  const t = u.table;
  const delim = { ",": "commas", ";": "semicolons", "\t": "tabs" }[t.delimiter];
  const skipped = t.skipped.map((s) =>
    s.reason === "unnamed" ? `column ${s.index + 1} (no name: row labels)` : `${s.name} (text, e.g. “${s.firstValue}”)`,
  );
  return (
    `Read ${u.file}: ${plural(t.shape[0], "row")}, ${plural(t.shape[1], "numeric column")} (${delim}${t.header ? ", with a header" : ""}).` +
    (skipped.length ? ` Skipped: ${skipped.join(", ")}.` : "") +
    (t.shape[1] > 2 ? " Pick the columns to fit below." : "")
  );
}

/** Fills the x and y menus with the table's numeric columns (y also offers none: 1-D); picks the first two. */
export function fillColumnPicker(t: CsvTable, colX: HTMLSelectElement, colY: HTMLSelectElement): void {
  const options = (select: HTMLSelectElement, extra: [string, string][]) => {
    select.replaceChildren(
      ...[...extra, ...t.columns.map((c, j) => [String(j), c] as [string, string])].map(
        ([v, text]) => new Option(text, v),
      ),
    );
  };
  options(colX, []);
  options(colY, [["-1", "none (1-D)"]]);
  colX.value = "0";
  colY.value = t.shape[1] > 1 ? "1" : "-1";
}
