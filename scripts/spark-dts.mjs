// Declarations of the Spark entries. They import the library by its package name ("gaussmix"), so their types
// must name the default entry's classes, not copies of them: each file's declarations are emitted on their own
// (TypeScript's transpileDeclaration) and the imports of the library's own modules are pointed at the package.
import { readFileSync, writeFileSync } from "node:fs";
import ts from "typescript";

process.chdir(new URL("..", import.meta.url).pathname);

const FILES = {
  "src/spark.ts": "dist/spark.d.ts",
  "src/interop/spark-files.ts": "dist/spark-files.d.ts",
  "src/interop/spark-read.ts": "dist/spark-read.d.ts",
  "src/interop/spark-write.ts": "dist/spark-write.d.ts",
  "src/spark-node.ts": "dist/spark-node.d.ts",
};
const IMPORTS = {
  "../index.js": "gaussmix",
  "./index.js": "gaussmix",
  "./spark.js": "gaussmix/spark",
  "./spark-files.js": "./spark-files.js",
  "./interop/spark-files.js": "./spark-files.js",
  "./interop/spark-read.js": "./spark-read.js",
  "./interop/spark-write.js": "./spark-write.js",
};

for (const [src, out] of Object.entries(FILES)) {
  const { outputText, diagnostics } = ts.transpileDeclaration(readFileSync(src, "utf8"), {
    fileName: src,
    // stripInternal: the loaders of the optional Parquet packages are not declared, so the declarations compile
    // for consumers that have not installed them.
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      strict: true,
      stripInternal: true,
    },
  });
  if (diagnostics?.length) {
    for (const d of diagnostics) console.error(`${src}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    process.exit(1);
  }
  if (/(import\(|from )"hyparquet/.test(outputText))
    throw new Error(`${src}: the declarations must not name the optional Parquet packages`);
  const text = outputText.replace(/from "(\.\.?\/[^"]+)"/g, (_m, p) => {
    if (!(p in IMPORTS)) throw new Error(`${src}: no declaration mapping for import "${p}"`);
    return `from "${IMPORTS[p]}"`;
  });
  writeFileSync(out, text);
}
