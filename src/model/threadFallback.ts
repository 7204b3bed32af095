/**
 * Multi-threaded WASM that cannot start (no SharedArrayBuffer, or a threaded build that fails or
 * hangs building the first session, as on WebKit under cross-origin isolation) falls back to one
 * thread instead of hanging: the engine gives the first session with threads > 1 a deadline, and a
 * failure or timeout makes the client start a fresh worker on one thread (ORT reads numThreads
 * once per worker, so the retry needs a new one). Pure: no DOM, no onnxruntime.
 */

/** How long the first session may take with threads > 1 before it counts as hung. */
export const THREADED_START_TIMEOUT_MS = 20_000;

/** The value `raceTimeout` resolves to when the deadline passed first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/** `promise`, or TIMED_OUT when it has not settled within `ms` (the timer is always cleared). */
export function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** What happened to the first session built with `threads` threads. */
export type ThreadedStart = { readonly ok: true } | { readonly ok: false; readonly why: string };

/**
 * The sentence the runtime panel shows when a retry on one thread is due, or null when it is not:
 * only the first session with more than one thread is retried (one thread has nothing to fall
 * back to, and a later session failing is not a threading problem).
 */
export function singleThreadRetry(
  threads: number,
  firstSession: boolean,
  start: ThreadedStart,
): string | null {
  if (start.ok || threads <= 1 || !firstSession) return null;
  return `Multi-threaded WASM (${threads} threads) could not start: ${start.why}. Running on 1 thread.`;
}

/** Why the hung start failed, for singleThreadRetry. */
export const timeoutWhy = (ms: number) =>
  `building the session took more than ${Math.round(ms / 1000)} s`;

/**
 * The runtime panel's WASM threads line: the count and, when it is 1 for a reason, the reason
 * (the fallback's sentence first; else a page without cross-origin isolation or SharedArrayBuffer).
 */
export function threadsText(
  info: { readonly threads: number; readonly crossOriginIsolated: boolean } | null,
  fallback: string | null,
  sharedArrayBuffer: boolean,
): string {
  if (info === null) return '–';
  if (fallback !== null && info.threads <= 1) return `1 — ${fallback}`;
  if (info.threads <= 1 && !info.crossOriginIsolated) {
    return '1 — the page is not cross-origin isolated (no COOP/COEP headers), so WASM threads are unavailable';
  }
  if (info.threads <= 1 && !sharedArrayBuffer) {
    return '1 — SharedArrayBuffer is unavailable, so WASM threads are too';
  }
  return String(info.threads);
}
