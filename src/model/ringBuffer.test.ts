import { describe, expect, it } from 'vitest';
import { FrameRing } from './ringBuffer';

describe('FrameRing', () => {
  it('keeps the latest frames, oldest first', () => {
    const ring = new FrameRing<number>(3);
    expect(ring.items()).toEqual([]);
    expect(ring.newest()).toBeUndefined();
    ring.push(1);
    ring.push(2);
    expect(ring.items()).toEqual([1, 2]);
    expect(ring.full).toBe(false);
    ring.push(3);
    ring.push(4);
    ring.push(5);
    expect(ring.items()).toEqual([3, 4, 5]);
    expect(ring.newest()).toBe(5);
    expect(ring.size).toBe(3);
  });

  it('returns a clip only when full', () => {
    const ring = new FrameRing<string>(2);
    ring.push('a');
    expect(ring.takeClip()).toBeNull();
    ring.push('b');
    expect(ring.takeClip()).toEqual(['a', 'b']);
  });

  it('reports evicted frames and whether a run read them', () => {
    const ring = new FrameRing<number>(2);
    expect(ring.push(1)).toBeNull();
    expect(ring.push(2)).toBeNull();
    expect(ring.push(3)).toEqual({ item: 1, used: false });
    ring.takeClip(); // reads 2 and 3
    expect(ring.push(4)).toEqual({ item: 2, used: true });
    expect(ring.push(5)).toEqual({ item: 3, used: true });
    expect(ring.push(6)).toEqual({ item: 4, used: false });
  });

  it('clear empties it and counts frames that never reached the model', () => {
    const ring = new FrameRing<number>(3);
    ring.push(1);
    ring.push(2);
    ring.push(3);
    ring.takeClip();
    ring.push(4);
    expect(ring.clear()).toBe(1);
    expect(ring.size).toBe(0);
    expect(ring.items()).toEqual([]);
    ring.push(7);
    expect(ring.items()).toEqual([7]);
  });

  it('rejects a non-positive capacity', () => {
    expect(() => new FrameRing(0)).toThrow(/positive integer/);
    expect(() => new FrameRing(1.5)).toThrow(/positive integer/);
  });
});
