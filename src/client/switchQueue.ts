/**
 * Engine switches (backend picker, Retry, a restart after a crash) one at a time, the last request
 * winning: while a switch runs, a new request only takes the single waiting place (whatever was
 * waiting there is skipped); when the running switch ends, the waiting one starts. So flipping the
 * backend picker through five options starts at most two engines, never five at once.
 *
 * Pure: `run` does the work (the client's: dispose the old engine, start the new one).
 */
export interface SwitchQueue<T> {
  /** Run `target` now, or after the running switch; replaces any request already waiting. */
  request(target: T): void;
  /** A switch is running. */
  readonly busy: boolean;
  /** A newer request waits behind the running switch: that switch's target is already stale. */
  readonly superseded: boolean;
}

export function createSwitchQueue<T>(
  run: (target: T) => Promise<void> | void,
  onError: (err: unknown) => void = () => undefined,
): SwitchQueue<T> {
  let busy = false;
  let waiting: { readonly target: T } | null = null;

  /** Runs what waits; a switch that returns no promise is done at once (no microtask lag). */
  function drain(): void {
    busy = true;
    while (waiting !== null) {
      const { target } = waiting;
      waiting = null;
      let running: Promise<void> | void;
      try {
        running = run(target);
      } catch (err) {
        onError(err);
        continue;
      }
      if (running !== undefined) {
        running.then(drain, (err: unknown) => {
          onError(err);
          drain();
        });
        return;
      }
    }
    busy = false;
  }

  return {
    request(target) {
      waiting = { target };
      if (!busy) drain();
    },
    get busy() {
      return busy;
    },
    get superseded() {
      return busy && waiting !== null;
    },
  };
}
