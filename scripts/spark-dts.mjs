// Declarations of the Spark entries. They import the library by its package name ("gaussmix"), so their types
// must name the default entry's classes, not copies of them: each file's declarations are emitted on their own
// (TypeScript's transpileDeclaration) and the imports of the library's own modules are pointed at the package.
import { readFileSync, writeFileSync } from "node:fs";
import ts from "typescript";

process.chdir(new URL("..", import.meta.url).pathname);

const FILES = {
  "src/spark.ts": "dist/spark.d.ts",
  "src/interop/spark.ts": "dist/spark-model.d.ts",
  "src/spark-node.ts": "dist/spark-node.d.ts",
};
const IMPORTS = {
  "../index.js": "gaussmix",
  "./index.js": "gaussmix",
  "./spark.js": "gaussmix/spark",
  "./interop/spark.js": "./spark-model.js",
};

for (const [src, out] of Object.entries(FILES)) {
  const { outputText, diagnostics } = ts.transpileDeclaration(readFileSync(src, "utf8"), {
    fileName: src,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, strict: true },
  });
  if (diagnostics?.length) {
    for (const d of diagnostics) console.error(`${src}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    process.exit(1);
  }
  const text = outputText.replace(/from "(\.\.?\/[^"]+)"/g, (_m, p) => {
    if (!(p in IMPORTS)) throw new Error(`${src}: no declaration mapping for import "${p}"`);
    return `from "${IMPORTS[p]}"`;
  });
  writeFileSync(out, text);
}
