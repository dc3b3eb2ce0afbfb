/**
 * Cancellation for long computations (fits, their initialisation, selection). The engine's kernels run to the
 * end of each call, so an AbortSignal can only take effect between calls, and only if the event loop gets a
 * turn so that whatever aborts (a timer, a click, a message) can run. Three helpers, used between kernel calls:
 *
 * - `checkAborted(signal)` throws ABORTED at once when the signal has fired (call it before any work, too);
 * - `yieldIfDue(signal)` gives the event loop a turn when more than YIELD_BUDGET_MS of work went by since the
 *   last turn (measured by the clock, not by counting iterations, so it holds however slow an iteration or a
 *   synchronous callback is), then checks the signal; without a signal it does nothing (nothing to cancel);
 * - `raceAbort(promise, signal)` waits for a promise (a user callback's, say) but rejects with ABORTED as soon
 *   as the signal fires, so a promise that never settles cannot keep a cancelled computation pending.
 */
import { GaussMixError } from "../errors.js";

/** Work between two turns of the event loop, so that an abort lands within about two of these. */
export const YIELD_BUDGET_MS = 20;

const now: () => number =
  typeof performance !== "undefined" && typeof performance.now === "function" ? () => performance.now() : Date.now;

let lastTurn = now();

/** The error of a computation cancelled by its signal (`what`: "The fit", "The model selection"). */
export function abortedError(signal: AbortSignal, what = "The fit"): GaussMixError {
  return new GaussMixError("ABORTED", `${what} was aborted by its AbortSignal.`, { cause: signal.reason });
}

/** Throws ABORTED when the signal has fired. */
export function checkAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw abortedError(signal, what);
}

/**
 * A macrotask turn: setImmediate (Node, Bun), else a MessageChannel message (browsers, workers; unlike a
 * nested setTimeout(0) it is not clamped to 4 ms), else setTimeout. Timers that are due run before it resumes.
 */
const turn: () => Promise<void> = (() => {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  if (typeof g.setImmediate === "function") {
    const setImmediate = g.setImmediate;
    return () => new Promise<void>((resolve) => void setImmediate(resolve));
  }
  if (typeof MessageChannel === "function") {
    return () =>
      new Promise<void>((resolve) => {
        const { port1, port2 } = new MessageChannel();
        port1.onmessage = () => {
          port1.close();
          resolve();
        };
        port2.postMessage(0);
      });
  }
  return () => new Promise<void>((resolve) => setTimeout(resolve, 0));
})();

/** Gives the event loop a turn when YIELD_BUDGET_MS went by since the last one, then checks the signal. */
export async function yieldIfDue(signal: AbortSignal | undefined, what?: string): Promise<void> {
  if (!signal) return;
  checkAborted(signal, what);
  if (now() - lastTurn < YIELD_BUDGET_MS) return;
  await turn();
  lastTurn = now();
  checkAborted(signal, what);
}

/** `value` once it settles, or ABORTED as soon as the signal fires, whichever comes first. */
export function raceAbort<T>(value: T | PromiseLike<T>, signal: AbortSignal | undefined, what?: string): Promise<T> {
  if (!signal) return Promise.resolve(value);
  if (signal.aborted) return Promise.reject(abortedError(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal, what));
    signal.addEventListener("abort", onAbort, { once: true });
    Promise.resolve(value).then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
