import { useEffect, useRef, useState } from 'react';

/**
 * How long to wait before showing a new value, given when the shown value last changed. Streaming
 * results arrive ~10 times a second; re-rendering every chart on each one costs long tasks on a
 * busy 2-core machine (measured by `npm run bench`), so charts refresh at most every `intervalMs`.
 */
export function throttleDelay(now: number, lastShownAt: number, intervalMs: number): number {
  return Math.max(0, lastShownAt + intervalMs - now);
}

/**
 * `value`, updated at most once per `intervalMs` and always ending on the latest value (a trailing
 * update is scheduled, never dropped).
 */
export function useThrottled<T>(value: T, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const lastShownAt = useRef(Number.NEGATIVE_INFINITY);
  useEffect(() => {
    const wait = throttleDelay(performance.now(), lastShownAt.current, intervalMs);
    const id = setTimeout(() => {
      lastShownAt.current = performance.now();
      setShown(() => value);
    }, wait);
    return () => clearTimeout(id);
  }, [value, intervalMs]);
  return shown;
}

/** Streaming charts refresh at most twice a second. */
export const CHART_REFRESH_MS = 500;
