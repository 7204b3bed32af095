import { describe, expect, it } from 'vitest';
import { createFrameCoalescer } from './frameCoalescer';

/** A hand-driven frame clock. */
function frames() {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  return {
    schedule: (cb: () => void) => {
      callbacks.set(next, cb);
      return next++;
    },
    unschedule: (handle: number) => void callbacks.delete(handle),
    tick: () => {
      const due = [...callbacks.values()];
      callbacks.clear();
      due.forEach((cb) => cb());
    },
    pending: () => callbacks.size,
  };
}

/** A coalescer on a hand-driven clock, recording what it applies. */
function coalescer() {
  const clock = frames();
  const applied: number[] = [];
  const c = createFrameCoalescer<number>((v) => applied.push(v), clock.schedule, clock.unschedule);
  return { clock, applied, c };
}

describe('createFrameCoalescer', () => {
  it('applies only the newest of the values pushed within one frame', () => {
    const { clock, applied, c } = coalescer();
    for (const v of [0.2, 0.25, 0.3, 0.35]) c.push(v);
    expect(applied).toEqual([]);
    expect(clock.pending()).toBe(1);
    clock.tick();
    expect(applied).toEqual([0.35]);
    c.push(0.4);
    clock.tick();
    clock.tick(); // nothing new: nothing applied
    expect(applied).toEqual([0.35, 0.4]);
  });

  it('drops the waiting value on cancel', () => {
    const { clock, applied, c } = coalescer();
    c.push(1);
    c.cancel();
    clock.tick();
    expect(applied).toEqual([]);
    expect(clock.pending()).toBe(0);
  });
});
