// The CSV reader (gaussmix/csv): hand-worked tables for every rule, chunked feeding equal to one-shot at every
// split point, and errors that name the line and column.
import { describe, expect, it } from "vitest";
import { CsvParser, type CsvOptions, type CsvTable, isDecimal, parseCsv } from "../src/csv.js";
import { GaussMixError } from "../src/errors.js";

const plain = (t: CsvTable) => ({ ...t, data: Array.from(t.data) });

/** The error thrown by `f`, checked to be a GaussMixError. */
function errorOf(f: () => unknown): GaussMixError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GaussMixError);
    return e as GaussMixError;
  }
  throw new Error("expected an error");
}

/** Feeds `text` in two pieces split at `at`. */
function twoPieces(text: string, at: number, options?: CsvOptions): CsvTable {
  const p = new CsvParser(options);
  p.feed(text.slice(0, at));
  p.feed(text.slice(at));
  return p.end();
}

/** What parsing gives: the table, or the error's code and message. */
function outcome(f: () => CsvTable) {
  try {
    return plain(f());
  } catch (e) {
    return { code: (e as GaussMixError).code, message: (e as Error).message };
  }
}

describe("numbers: decimal only", () => {
  it("reads signed integers, points, leading or trailing points and exponents", () => {
    for (const s of ["1", "-2.5", "+3", "1e-3", "1E+3", ".5", "-.5", "4.", "007", "6.02e23", "0"])
      expect(isDecimal(s), s).toBe(true);
    const t = parseCsv("1,-2.5,1e-3,.5,4.\n");
    expect(Array.from(t.data)).toEqual([1, -2.5, 0.001, 0.5, 4]);
  });

  it("refuses hexadecimal, binary, Infinity, NaN, empty, lone signs, points and exponents", () => {
    for (const s of [
      "0x10",
      "0b1",
      "0o7",
      "Infinity",
      "-Infinity",
      "NaN",
      "",
      " ",
      "+",
      "-",
      ".",
      "e3",
      "1e",
      "1e+",
      "1.2.3",
      "1 2",
      "1_000",
      "١",
    ]) {
      expect(isDecimal(s), JSON.stringify(s)).toBe(false);
    }
  });

  it("each refused form is an error with its line, column and a hint (not a skipped column)", () => {
    const cases: [string, RegExp][] = [
      [
        "x,y\n1,2\n3,0x10\n",
        /^line 3, column 2 \(y\): "0x10" is not a decimal number \(hexadecimal, octal and binary are not read\)/,
      ],
      ["x,y\n1,2\n0b1,4\n", /^line 3, column 1 \(x\): "0b1" is not a decimal number \(hexadecimal/],
      ["x,y\n1,2\n3,Infinity\n", /^line 3, column 2 \(y\): "Infinity" is not a finite number/],
      ["x,y\n1,NaN\n", /^line 2, column 2 \(y\): "NaN" is not a finite number/],
      ["x,y\n1,2\n3,\n", /^line 3, column 2 \(y\): the cell is empty/],
      ["x,y\n1,2\n3,1e999\n", /^line 3, column 2 \(y\): "1e999" is beyond the range of a double/],
      [
        "x;y\n1,5;2\n",
        /^line 2, column 1 \(x\): "1,5" is not a decimal number: write the decimal separator as a point/,
      ],
      ["x,y\n1,2\n3,abc\n", /^line 3, column 2 \(y\): "abc" is not a decimal number \(digits with/],
      // Typed by a first data cell meant as a number, so the column is read (and fails) rather than skipped.
      ["x,y\n1,0x10\n", /^line 2, column 2 \(y\): "0x10"/],
    ];
    for (const [text, message] of cases) {
      const e = errorOf(() => parseCsv(text));
      expect(e.code, text).toBe("INVALID_DATA");
      expect(e.message, text).toMatch(message);
    }
  });
});

describe("lines, quotes and the byte order mark", () => {
  const expected = {
    data: [1, 2, 3, 4],
    shape: [2, 2],
    columns: ["a", "b"],
    indices: [0, 1],
    skipped: [],
    names: ["a", "b"],
    header: true,
    delimiter: ",",
  };

  it("LF, CRLF, CR and a mix, with or without a final line break, and blank lines, give the same table", () => {
    for (const text of [
      "a,b\n1,2\n3,4\n",
      "a,b\r\n1,2\r\n3,4\r\n",
      "a,b\r1,2\r3,4",
      "a,b\r\n1,2\n3,4\r",
      "\n\na,b\n\n1,2\r\n\r\n3,4\n\n",
      "a,b\n1,2\n3,4\n   \n",
    ]) {
      expect(plain(parseCsv(text)), JSON.stringify(text)).toEqual(expected);
    }
  });

  it("drops a UTF-8 byte order mark (else the first name would start with U+FEFF)", () => {
    expect(plain(parseCsv("\uFEFFa,b\n1,2\n3,4\n"))).toEqual(expected);
    // Only at the very start: elsewhere it is a character of a cell.
    expect(errorOf(() => parseCsv("a,b\n1,2\n\uFEFF3,4\n")).message).toMatch(/^line 3, column 1 \(a\)/);
  });

  it("quoted fields: delimiters, line breaks and doubled quotes inside, spaces around, quoted numbers", () => {
    const t = parseCsv('"name, with comma","say ""hi""","multi\r\nline",n\n"a,""b"";\nc"," 1 ",  "2"  ,3\n');
    expect(t.names).toEqual(["name, with comma", 'say "hi"', "multi\r\nline", "n"]);
    expect(t.columns).toEqual(['say "hi"', "multi\r\nline", "n"]);
    expect(Array.from(t.data)).toEqual([1, 2, 3]);
    expect(t.skipped).toEqual([{ index: 0, name: "name, with comma", reason: "text", firstValue: 'a,"b";\nc' }]);
  });

  it("unquoted cells are trimmed of spaces and tabs; a quote inside an unquoted cell is a character", () => {
    const t = parseCsv("a ; b\n 1 ;\t2\t\n");
    expect(t.names).toEqual(["a", "b"]);
    expect(Array.from(t.data)).toEqual([1, 2]);
    const u = parseCsv('label,x\n5"7,1\n');
    expect(u.skipped[0].firstValue).toBe('5"7');
  });

  it("a quoted field that never closes, and text after a closing quote, are errors at their line and column", () => {
    expect(errorOf(() => parseCsv('a,b\n1,2\n3,"4\n5,6\n')).message).toMatch(
      /^line 3, column 2: a quoted field is never closed/,
    );
    expect(errorOf(() => parseCsv('a,b\n1,"2"x\n')).message).toMatch(/^line 2, column 2: "x" after a closing quote/);
  });

  it("counts lines the same way everywhere: CR, CRLF, blank lines and breaks inside quotes each move the line", () => {
    // Physical lines: 1 header, 2 a quoted name over two lines ends on 3, 4 blank, 5 good, 6 bad.
    for (const nl of ["\n", "\r\n", "\r"]) {
      const text = `\uFEFFa,"b${nl}c"${nl}1,2${nl}${nl}3,4${nl}5,x${nl}`;
      expect(errorOf(() => parseCsv(text)).message, JSON.stringify(nl)).toBe(
        `line 6, column 2 (b${nl}c): "x" is not a decimal number (digits with an optional sign, point and exponent, like -2.5 or 1e-3)`,
      );
    }
    // A cell's line is where the cell starts, even when an earlier cell of its record spans lines.
    expect(errorOf(() => parseCsv('t,b,c\n"multi\nline",1,2\n"p\nq",3,x\n')).message).toMatch(
      /^line 5, column 3 \(c\): "x"/,
    );
    // The column counts skipped columns too (the position in the file).
    expect(errorOf(() => parseCsv("id,label,x\n1,a,2\n2,b,\n")).message).toMatch(
      /^line 3, column 3 \(x\): the cell is empty/,
    );
  });

  it("rows of different widths are an error naming both lines", () => {
    expect(errorOf(() => parseCsv("x,y\n1,2\n3\n4,5\n")).message).toMatch(
      /^line 3: 1 field, but line 1 has 2; every row needs the same number of columns/,
    );
    expect(errorOf(() => parseCsv("\n\n1,2\n3,4,5\n")).message).toMatch(/^line 4: 3 fields, but line 3 has 2/);
  });
});

describe("delimiter and header detection", () => {
  it("detects comma, semicolon and tab, and takes the one given", () => {
    expect(parseCsv("a,b\n1,2\n").delimiter).toBe(",");
    expect(parseCsv("a;b\n1;2\n").delimiter).toBe(";");
    expect(parseCsv("a\tb\n1\t2\n").delimiter).toBe("\t");
    expect(parseCsv("x\n1\n2\n").delimiter).toBe(","); // one column: nothing to detect
    // Delimiters inside quotes do not count: two fields per record split by ";".
    const t = parseCsv('"a,b,c";d\n1;2\n');
    expect(t.delimiter).toBe(";");
    expect(t.names).toEqual(["a,b,c", "d"]);
    // Given: a comma is then part of the cell.
    const given = parseCsv("a;b,c\n1;2,3\n", { delimiter: "," });
    expect(given.names).toEqual(["a;b", "c"]);
    expect(given.columns).toEqual(["c"]);
  });

  it("prefers the delimiter with the same count on every line (tab, then ;, then ,)", () => {
    // Commas vary (text with commas), semicolons are steady.
    expect(parseCsv("note;x\na, b;1\nc;2\n").delimiter).toBe(";");
    // Both steady: tab wins over comma.
    const t = parseCsv("name,first\tx\nSmith,J\t1\n");
    expect(t.delimiter).toBe("\t");
    expect(t.names).toEqual(["name,first", "x"]);
  });

  it("a first row with a non-numeric cell is a header; else columns are named x0, x1, …", () => {
    expect(parseCsv("x,y\n1,2\n").header).toBe(true);
    const t = parseCsv("1,2\n3,4\n");
    expect(t.header).toBe(false);
    expect(t.names).toEqual(["x0", "x1"]);
    expect(t.shape).toEqual([2, 2]);
    expect(parseCsv("1,2\n3,4\n", { header: true }).columns).toEqual(["1", "2"]);
    expect(errorOf(() => parseCsv("x,y\n")).message).toBe("no data rows after the header (line 1: x,y)");
    expect(errorOf(() => parseCsv("\n\nx;y\n\n")).message).toBe("no data rows after the header (line 3: x;y)");
    expect(errorOf(() => parseCsv("")).message).toMatch(/^the text is empty/);
    expect(errorOf(() => parseCsv("\uFEFF\r\n\n")).message).toMatch(/^the text is empty/);
  });
});

describe("columns: text and unnamed columns skipped and reported, selection by name or index", () => {
  // R: write.csv(iris) — a quoted header, an unnamed row-name column, a text Species column.
  const iris =
    '"","Sepal.Length","Sepal.Width","Petal.Length","Petal.Width","Species"\n"1",5.1,3.5,1.4,0.2,"setosa"\n"2",4.9,3,1.4,0.2,"setosa"\n"51",7,3.2,4.7,1.4,"versicolor"\n';

  it("R's iris: reads the four measurements, reports the row names and Species", () => {
    const t = parseCsv(iris);
    expect(t.columns).toEqual(["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"]);
    expect(t.indices).toEqual([1, 2, 3, 4]);
    expect(t.shape).toEqual([3, 4]);
    expect(Array.from(t.data)).toEqual([5.1, 3.5, 1.4, 0.2, 4.9, 3, 1.4, 0.2, 7, 3.2, 4.7, 1.4]);
    expect(t.skipped).toEqual([
      { index: 0, name: "", reason: "unnamed", firstValue: "1" },
      { index: 5, name: "Species", reason: "text", firstValue: "setosa" },
    ]);
  });

  it("selects by name and by 0-based index, in the order given", () => {
    const t = parseCsv(iris, { columns: ["Petal.Length", 1] });
    expect(t.columns).toEqual(["Petal.Length", "Sepal.Length"]);
    expect(t.shape).toEqual([3, 2]);
    expect(Array.from(t.data)).toEqual([1.4, 5.1, 1.4, 4.9, 4.7, 7]);
    expect(t.skipped.map((s) => [s.index, s.reason])).toEqual([
      [0, "excluded"],
      [2, "excluded"],
      [4, "excluded"],
      [5, "excluded"],
    ]);
    // The unnamed row-name column can be chosen by index.
    expect(Array.from(parseCsv(iris, { columns: [0] }).data)).toEqual([1, 2, 51]);
  });

  it("exclude leaves columns out of the default selection", () => {
    const t = parseCsv("x,y,label\n1,2,0\n3,4,1\n", { exclude: ["label"] });
    expect(t.columns).toEqual(["x", "y"]);
    expect(t.skipped).toEqual([{ index: 2, name: "label", reason: "excluded", firstValue: "0" }]);
  });

  it("selection errors: an unknown name or index, a text column, a column twice, no numeric column", () => {
    expect(errorOf(() => parseCsv(iris, { columns: ["petal.length"] })).message).toBe(
      'no column named "petal.length" (columns: , Sepal.Length, Sepal.Width, Petal.Length, Petal.Width, Species)',
    );
    expect(errorOf(() => parseCsv(iris, { columns: [6] })).message).toMatch(
      /^no column 6: the file has 6 columns \(0-based indices 0…5/,
    );
    expect(errorOf(() => parseCsv(iris, { columns: ["Species"] })).message).toMatch(
      /^line 2, column 6 \(Species\): "setosa" is not a decimal number .*the column was selected, so it must be numeric/,
    );
    expect(errorOf(() => parseCsv(iris, { columns: [1, "Sepal.Length"] })).message).toMatch(/selected twice/);
    expect(errorOf(() => parseCsv("a,b\nx,y\n")).message).toMatch(
      /^line 2: no numeric columns to read; skipped: a \(text, e.g. "x"\), b \(text, e.g. "y"\)/,
    );
    // A numeric column with text further down is an error, not a column dropped after the fact.
    expect(errorOf(() => parseCsv(iris.replace("4.9,", "setosa,"))).message).toMatch(
      /^line 3, column 2 \(Sepal.Length\): "setosa"/,
    );
  });

  it("invalid options are INVALID_OPTION", () => {
    for (const o of [
      { delimiter: "|" },
      { header: "yes" },
      { columns: [] },
      { columns: [-1] },
      { columns: "x" },
      { exclude: [1.5] },
    ]) {
      expect(errorOf(() => new CsvParser(o as CsvOptions)).code).toBe("INVALID_OPTION");
    }
  });
});

describe("incremental: feed in chunks, then end", () => {
  const texts = [
    '\uFEFF"a","b ""q""";c\r\n1;"2";3\r\n\r\n.5;-1e-3;+4.\r4;5;6\n',
    'x\ty\n"1\n"\t2\n',
    "1,2\r\n3,4", // CRLF split between its two characters at one split point
    'a,b\n1,"2"x\n',
    "a,b\n1,2\n3,0x10\n",
    'a,b\n1,"2\n',
  ];

  it("every split point into two pieces gives what one piece gives (tables and errors)", () => {
    for (const text of texts) {
      const whole = outcome(() => parseCsv(text));
      for (let at = 0; at <= text.length; at++)
        expect(
          outcome(() => twoPieces(text, at)),
          `${JSON.stringify(text)} at ${at}`,
        ).toEqual(whole);
    }
  });

  it("one character at a time, and empty pieces, change nothing", () => {
    for (const text of texts) {
      const whole = outcome(() => parseCsv(text));
      const p = new CsvParser();
      expect(
        outcome(() => {
          p.feed("");
          for (const ch of text) {
            p.feed(ch);
            p.feed("");
          }
          return p.end();
        }),
      ).toEqual(whole);
    }
  });

  it("a long file in 4 KiB pieces: delimiter detection waits for ten records, the array grows past its first size", () => {
    // 3,000 rows: data of 6,000 values, well past the first 1,024; the second column is i/8, exact in binary.
    let text = "i;v\n";
    for (let i = 0; i < 3000; i++) text += `${i};${i / 8}\n`;
    const p = new CsvParser();
    for (let at = 0; at < text.length; at += 4096) p.feed(text.slice(at, at + 4096));
    const t = p.end();
    expect(t.delimiter).toBe(";");
    expect(t.shape).toEqual([3000, 2]);
    expect(t.data.length).toBe(6000);
    for (let i = 0; i < 3000; i++) {
      expect(t.data[2 * i]).toBe(i);
      expect(t.data[2 * i + 1]).toBe(i / 8);
    }
    expect(plain(t)).toEqual(plain(parseCsv(text)));
  });

  it("detection with more than 64 KiB before the tenth record decides on the first 64 KiB, whatever the pieces", () => {
    const long = "y".repeat(70_000);
    const text = `name;x\n${long};1\n${long};2\n`;
    const whole = outcome(() => parseCsv(text));
    expect(whole).toMatchObject({ delimiter: ";", columns: ["x"] });
    for (const size of [1000, 65_536, 65_537, 100_000]) {
      const p = new CsvParser();
      for (let at = 0; at < text.length; at += size) p.feed(text.slice(at, at + size));
      expect(
        outcome(() => p.end()),
        String(size),
      ).toEqual(whole);
    }
  });

  it("after an error, feed and end throw that error again (the parser does not resume)", () => {
    const p = new CsvParser({ delimiter: "," }); // given, so rows are read as they come (not held for detection)
    p.feed("x,y\n1,2\n");
    const e = errorOf(() => p.feed("3,abc\n4,5\n"));
    expect(e.message).toMatch(/^line 3, column 2 \(y\)/);
    expect(errorOf(() => p.feed("6,7\n"))).toBe(e);
    expect(errorOf(() => p.end())).toBe(e);
  });

  it("feed after end, and end twice, are errors", () => {
    const p = new CsvParser();
    p.feed("1,2\n");
    p.end();
    expect(errorOf(() => p.feed("3,4\n")).code).toBe("INVALID_OPTION");
    expect(errorOf(() => p.end()).code).toBe("INVALID_OPTION");
  });
});
