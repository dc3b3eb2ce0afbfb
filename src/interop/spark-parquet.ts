/**
 * The Parquet packages, loaded on first use. This module has no declarations in the package (no public function
 * names these optional packages), so the published types compile for consumers that have not installed them.
 */
import { GaussMixError } from "../index.js";

// The Parquet reader and writer are optional peer dependencies (installing gaussmix installs nothing else), loaded
// when first used, so an application that only reads (or only writes) downloads only that half (bundlers split
// dynamic imports into chunks of their own).
const missing = (pkg: string, what: string) => (e: unknown) => {
  throw new GaussMixError(
    "MISSING_DEPENDENCY",
    `${what} needs the package ${pkg}, which is not installed: npm install ${pkg} (gaussmix/spark uses hyparquet to read and hyparquet-writer to write)`,
    { cause: e },
  );
};
/** The Parquet reader. */
export const reader = (): Promise<typeof import("hyparquet")> =>
  import("hyparquet").catch(missing("hyparquet", "readSparkModel"));
/** The Parquet writer. */
export const writer = (): Promise<typeof import("hyparquet-writer")> =>
  import("hyparquet-writer").catch(missing("hyparquet-writer", "writeSparkModel"));
