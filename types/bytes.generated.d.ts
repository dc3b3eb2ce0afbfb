/**
 * The shape of src/wasm/*.generated.ts, which `npm run asbuild` writes (they are not committed): lets
 * `npm run typecheck` pass on a fresh clone. Once the files exist, TypeScript reads them instead of this.
 */
declare module "*.generated.js" {
  /** One build of the engine (baseline, relaxed, shared, shared-relaxed), base64. */
  export const base64: string;
}
