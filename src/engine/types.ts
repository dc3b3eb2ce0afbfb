/** Parameters in engine storage order (see src/wasm/abi.ts), as a fit produces them and the fitted model keeps them. */
export interface Params {
  readonly weights: Float64Array; // k
  readonly means: Float64Array; // k·d
  readonly cov: Float64Array; // engine covariance storage
  readonly factors: Float64Array; // engine factor storage
}
