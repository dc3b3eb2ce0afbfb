import { defineConfig } from "vite";

// The demo imports the library from source (../src); run `npm run asbuild` first (npm run demo does).
export default defineConfig({
  root: new URL(".", import.meta.url).pathname,
  base: "./",
  worker: { format: "es" },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
