import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';

/**
 * When to show a value that arrived at `now`. Streaming charts redraw at most once per
 * `intervalMs`, in slots `phaseMs + k·intervalMs` on the page's clock, so charts with different
 * phases take turns. A value that arrives once its slot has come is shown at once (`delay` 0):
 * results arrive just after the worker finishes a clip, and until the next clip starts the
 * main thread has the cores to itself — a redraw of 10–23 ms of CPU took 25–90 ms of wall time
 * when a timer put it in the middle of a run (2 WASM threads on a 2-core machine; measured with
 * bench/traceLongTasks.ts and the bench's app phase, docs/bench/profile.md). A value that arrives before its slot waits for the next value; if none
 * comes (the stream stopped) it is shown `intervalMs` after its slot.
 *
 * `lastSlot` is the slot of the shown value (-Infinity before the first, which shows at once);
 * the returned `slot` is the one to remember when this value is shown.
 */
export function throttleDelay(
  now: number,
  lastSlot: number,
  intervalMs: number,
  phaseMs = 0,
): { delay: number; slot: number } {
  if (lastSlot === Number.NEGATIVE_INFINITY) return { delay: 0, slot: now };
  // The slack keeps a slot that lastSlot + intervalMs hits exactly (up to rounding) from moving a
  // whole interval later.
  const k = Math.ceil((lastSlot + intervalMs - phaseMs) / intervalMs - 1e-6);
  const slot = k * intervalMs + phaseMs;
  return { delay: now >= slot ? 0 : slot + intervalMs - now, slot };
}

/**
 * `value`, updated at most once per `intervalMs` as throttleDelay says, always ending on the
 * latest value (a fallback update is scheduled, never dropped). Each update renders in its own
 * task (flushSync in its timer), so two charts due at the same result never redraw as one long
 * task.
 */
export function useThrottled<T>(value: T, intervalMs: number, phaseMs = 0): T {
  const [shown, setShown] = useState(value);
  const lastSlot = useRef(Number.NEGATIVE_INFINITY);
  useEffect(() => {
    const { delay, slot } = throttleDelay(performance.now(), lastSlot.current, intervalMs, phaseMs);
    const id = setTimeout(() => {
      lastSlot.current = slot;
      flushSync(() => setShown(() => value));
    }, delay);
    return () => clearTimeout(id);
  }, [value, intervalMs, phaseMs]);
  return shown;
}

/** Streaming charts refresh at most twice a second... */
export const CHART_REFRESH_MS = 500;
/** ...each in its own slot of that interval, so they take turns. */
export const CHART_PHASE_MS = { latency: 0, probability: CHART_REFRESH_MS / 2 } as const;
