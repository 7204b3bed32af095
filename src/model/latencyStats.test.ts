import { describe, expect, it } from 'vitest';
import { median, percentile, summarizeLatency, toLocalTime } from './latencyStats';

describe('percentile', () => {
  it('interpolates linearly between ranks like numpy', () => {
    const v = [10, 20, 30, 40];
    expect(percentile(v, 0)).toBe(10);
    expect(percentile(v, 100)).toBe(40);
    expect(percentile(v, 50)).toBe(25);
    expect(percentile(v, 95)).toBeCloseTo(38.5, 10);
  });
  it('does not reorder the input', () => {
    const v = [3, 1, 2];
    expect(median(v)).toBe(2);
    expect(v).toEqual([3, 1, 2]);
  });
  it('is NaN for no values and rejects p outside [0, 100]', () => {
    expect(median([])).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('summarizeLatency', () => {
  it('keeps the cold first run apart from p50/p95', () => {
    const s = summarizeLatency([900, 20, 22, 21, 19]);
    expect(s).toEqual({ count: 5, first: 900, p50: 21, p95: expect.closeTo(724.4, 6) as number });
  });
});

describe('toLocalTime', () => {
  it('maps a UI-thread timestamp onto the worker clock', () => {
    // UI page started at t=1000 (epoch ms), worker 250 ms later; a frame captured at UI 400 is
    // at worker 150.
    expect(toLocalTime(1000, 400, 1250)).toBe(150);
  });
});
