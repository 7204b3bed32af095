/**
 * Many updates, one per animation frame: `push` keeps the newest value and applies it at the next
 * frame. A slider drag fires input events faster than a busy page draws (several per frame on a
 * slow machine); each would otherwise update the store and redraw everything that reads it.
 * Pure: the frame scheduler is passed in (requestAnimationFrame in the page).
 */
export interface FrameCoalescer<T> {
  /** Apply `value` at the next frame, replacing any value still waiting. */
  push(value: T): void;
  /** Drop the waiting value (unmount). */
  cancel(): void;
}

export function createFrameCoalescer<T>(
  apply: (value: T) => void,
  schedule: (callback: () => void) => number = (cb) => requestAnimationFrame(cb),
  unschedule: (handle: number) => void = (handle) => cancelAnimationFrame(handle),
): FrameCoalescer<T> {
  let waiting: { readonly value: T } | null = null;
  let handle: number | null = null;
  return {
    push(value) {
      waiting = { value };
      handle ??= schedule(() => {
        handle = null;
        const next = waiting;
        waiting = null;
        if (next !== null) apply(next.value);
      });
    },
    cancel() {
      if (handle !== null) unschedule(handle);
      handle = null;
      waiting = null;
    },
  };
}
