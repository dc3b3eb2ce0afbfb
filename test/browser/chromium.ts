// Where the browser tests find Chromium (Debian's; never a downloaded browser), and what `npm test` says when
// there is none: the browser tests are then skipped, and the run says so at its start and at its end.
import { existsSync } from "node:fs";

/** Debian's Chromium, or the executable named by the CHROMIUM environment variable. */
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/** The notice of skipped browser tests, or undefined when Chromium is there. */
export function skipNotice(path: string = CHROMIUM): string | undefined {
  if (existsSync(path)) return undefined;
  return (
    `Browser tests (test/browser/) are SKIPPED: no Chromium at ${path}. ` +
    "Install Debian's Chromium (apt-get install chromium), or set CHROMIUM=/path/to/chromium."
  );
}
