/** Cells as numbers: what counts as a decimal number, what is meant as one, and why a cell is not one. */

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
export function looksNumeric(cell: string): boolean {
  return (
    cell !== "" && (isDecimal(cell) || DECIMAL_COMMA.test(cell) || NON_FINITE.test(cell) || !Number.isNaN(Number(cell)))
  );
}

/** Why a cell is not a number, with what to do. */
export function notNumber(cell: string): string {
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
