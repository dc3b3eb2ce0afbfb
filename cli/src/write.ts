/**
 * Output: CSV rows streamed to stdout in blocks (never one string of the whole output), and the model file
 * written through a temporary file that is renamed into place or removed, never left behind.
 */
import { accessSync, constants, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "./read.js";

/** Rows per block of text written to stdout. */
const BLOCK_ROWS = 1 << 14;

/** The reader went away (e.g. `| head`): stop writing, without an error. */
export class OutputClosed extends Error {}

let closed = false;
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") closed = true;
  else throw e;
});

/** Writes text to stdout and waits while its buffer is full. */
export function write(text: string): Promise<void> {
  if (closed) return Promise.reject(new OutputClosed());
  return new Promise((res, rej) => {
    if (process.stdout.write(text)) res();
    else {
      const done = () => {
        process.stdout.off("close", done);
        process.stdout.off("drain", done);
        closed ? rej(new OutputClosed()) : res();
      };
      process.stdout.once("drain", done);
      process.stdout.once("close", done);
    }
  });
}

/** Writes a CSV header and `n` rows made by `row(i)`, in blocks. */
export async function writeRows(header: string[], n: number, row: (i: number) => string): Promise<void> {
  await write(`${header.join(",")}\n`);
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const end = Math.min(n, start + BLOCK_ROWS);
    let text = "";
    for (let i = start; i < end; i++) text += `${row(i)}\n`;
    await write(text);
  }
}

/** A header cell: quoted when it holds a delimiter, a quote, a line break or surrounding spaces. */
export function csvCell(s: string): string {
  return /[",;\t\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Checks, before any work, that `path` can be written as a file: its folder exists and is writable, and it is
 * not a folder itself. Throws InputError (exit 2) with what to do.
 */
export function checkOutFile(path: string): void {
  const full = resolve(path);
  const dir = dirname(full);
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(full);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory())
    throw new InputError(`--out ${path}: is a directory; give a file name, e.g. ${join(path, "model.json")}`);
  let parent: ReturnType<typeof statSync> | undefined;
  try {
    parent = statSync(dir);
  } catch {
    throw new InputError(`--out ${path}: the folder ${dir} does not exist; create it first or write elsewhere`);
  }
  if (!parent.isDirectory()) throw new InputError(`--out ${path}: ${dir} is a file, not a folder; write elsewhere`);
  try {
    if (st) accessSync(full, constants.W_OK);
  } catch {
    throw new InputError(`--out ${path}: the file is not writable; write elsewhere`);
  }
  // The model is written through a temporary file in the folder: try that now (a read-only folder or file system).
  const probe = tempName(full);
  try {
    writeFileSync(probe, "");
  } catch (e) {
    throw new InputError(
      `--out ${path}: cannot write in the folder ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); write elsewhere`,
    );
  } finally {
    rmSync(probe, { force: true });
  }
}

const tempName = (full: string) => join(dirname(full), `.${basename(full)}.tmp-${process.pid}`);

/** Writes `text` to `path` through a temporary file beside it, renamed into place; removed on any failure. */
export function writeOutFile(path: string, text: string): void {
  const full = resolve(path);
  const tmp = tempName(full);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, full);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InputError(`--out ${path}: cannot write the model (${(e as Error).message})`);
  }
}
