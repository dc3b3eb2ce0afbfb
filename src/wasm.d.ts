/** A `.wasm` import is a compiled module on Workers-style hosts (the workerd entry). */
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
