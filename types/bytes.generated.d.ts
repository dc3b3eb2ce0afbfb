/**
 * The shape of src/wasm/bytes.generated.ts, which `npm run asbuild` writes (it is not committed): lets
 * `npm run typecheck` pass on a fresh clone. Once the file exists, TypeScript reads it instead of this.
 */
declare module "*/bytes.generated.js" {
  /** The release engine's bytes, base64. */
  export const wasmBase64: string;
  /** The shared-memory (threads) engine's bytes, base64. */
  export const wasmSharedBase64: string;
}
