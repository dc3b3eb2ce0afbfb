// A small Parquet footer reader (Thrift compact protocol), independent of the Parquet library the package uses:
// the tests check the schema, codecs and key-value metadata of Spark fixtures and of our own output with it.
const TYPES = ["BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"];
const REPETITION = ["required", "optional", "repeated"];
const CODECS = ["UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"];
const CONVERTED: Record<number, string> = { 0: "UTF8", 1: "MAP", 3: "LIST", 15: "INT_8" };

type Value = number | bigint | boolean | string | Value[] | Struct;
interface Struct {
  [field: number]: Value;
}

class Reader {
  at = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    if (this.at >= this.b.length) throw new Error("parquet footer: truncated");
    return this.b[this.at++];
  }
  varint(): bigint {
    let shift = 0n;
    let v = 0n;
    for (;;) {
      const x = this.byte();
      v |= BigInt(x & 0x7f) << shift;
      if (!(x & 0x80)) return v;
      shift += 7n;
    }
  }
  zigzag(): bigint {
    const v = this.varint();
    return (v >> 1n) ^ -(v & 1n);
  }
  value(type: number): Value {
    switch (type) {
      case 1:
        return true;
      case 2:
        return false;
      case 3:
        return (this.byte() << 24) >> 24;
      case 4:
      case 5:
        return Number(this.zigzag());
      case 6:
        return this.zigzag();
      case 7: {
        const v = new DataView(this.b.buffer, this.b.byteOffset + this.at, 8).getFloat64(0, true);
        this.at += 8;
        return v;
      }
      case 8: {
        const n = Number(this.varint());
        const s = new TextDecoder().decode(this.b.subarray(this.at, this.at + n));
        this.at += n;
        return s;
      }
      case 9:
      case 10: {
        const h = this.byte();
        const n = h >> 4 === 15 ? Number(this.varint()) : h >> 4;
        const et = h & 15;
        // Booleans inside lists are one byte each.
        return Array.from({ length: n }, () => (et === 1 || et === 2 ? this.byte() === 1 : this.value(et)));
      }
      case 12:
        return this.struct();
      default:
        throw new Error(`parquet footer: unsupported compact type ${type}`);
    }
  }
  struct(): Struct {
    const out: Struct = {};
    let id = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return out;
      const delta = h >> 4;
      id = delta ? id + delta : Number(this.zigzag());
      out[id] = this.value(h & 15);
    }
  }
}

export interface FooterSchemaElement {
  name: string;
  type?: string;
  repetition?: string;
  numChildren?: number;
  converted?: string;
  logical?: string;
}

/** The schema, codecs of every column chunk and the key-value metadata of a Parquet file. */
export function parquetFooter(bytes: Uint8Array): {
  schema: FooterSchemaElement[];
  codecs: string[];
  keyValue: Record<string, string>;
  numRows: number;
} {
  const b = new Uint8Array(bytes);
  const tail = new TextDecoder().decode(b.subarray(b.length - 4));
  if (tail !== "PAR1" || new TextDecoder().decode(b.subarray(0, 4)) !== "PAR1") throw new Error("not a Parquet file");
  const len = new DataView(b.buffer, b.byteOffset + b.length - 8, 4).getUint32(0, true);
  const meta = new Reader(b.subarray(b.length - 8 - len, b.length - 8)).struct();
  const schema = (meta[2] as Struct[]).map((e): FooterSchemaElement => {
    const logical = e[10] as Struct | undefined;
    let lt: string | undefined;
    if (logical?.[3]) lt = "LIST";
    else if (logical?.[10]) {
      const it = logical[10] as Struct;
      lt = `INTEGER(${it[1]},${it[2]})`;
    } else if (logical) lt = `logical ${Object.keys(logical).join(",")}`;
    return {
      name: e[4] as string,
      type: e[1] === undefined ? undefined : TYPES[e[1] as number],
      repetition: e[3] === undefined ? undefined : REPETITION[e[3] as number],
      numChildren: e[5] as number | undefined,
      converted: e[6] === undefined ? undefined : (CONVERTED[e[6] as number] ?? `converted ${e[6]}`),
      logical: lt,
    };
  });
  const codecs = (meta[4] as Struct[]).flatMap((rg) =>
    (rg[1] as Struct[]).map((cc) => CODECS[(cc[3] as Struct)[4] as number]),
  );
  const keyValue = Object.fromEntries(
    ((meta[5] as Struct[] | undefined) ?? []).map((kv) => [kv[1] as string, kv[2] as string]),
  );
  return { schema, codecs, keyValue, numRows: Number(meta[3]) };
}

/** The schema as one line in parquet-mr's notation: `message spark_schema { optional group x (LIST) { … } … }`. */
export function schemaText(schema: FooterSchemaElement[]): string {
  let i = 0;
  const node = (): string => {
    const e = schema[i++];
    const annotation = e.logical ?? e.converted;
    const note = annotation ? ` (${annotation})` : "";
    if (e.numChildren === undefined) return `${e.repetition} ${e.type!.toLowerCase()} ${e.name}${note};`;
    const children = Array.from({ length: e.numChildren }, node).join(" ");
    return `${e.repetition} group ${e.name}${note} { ${children} }`;
  };
  const root = schema[i++];
  return `message ${root.name} { ${Array.from({ length: root.numChildren ?? 0 }, node).join(" ")} }`;
}
