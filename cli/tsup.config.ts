import { defineConfig } from "tsup";

// The command line (Node only). Its dependencies, gaussmix included, stay imports: gaussmix is the library's
// public entry (the workspace link to the repository root, or the registry package once published).
export default defineConfig({
  entry: { cli: "src/cli.ts" },
  format: ["esm"],
  target: "node18",
  platform: "node",
  banner: { js: "#!/usr/bin/env node" },
  clean: true,
});
