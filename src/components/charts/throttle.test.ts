import { describe, expect, it } from 'vitest';
import { CHART_PHASE_MS, CHART_REFRESH_MS, throttleDelay } from './throttle';

const NEVER = Number.NEGATIVE_INFINITY;

describe('throttleDelay', () => {
  it('shows the first value at once and remembers when', () => {
    expect(throttleDelay(1000, NEVER, 500)).toEqual({ delay: 0, slot: 1000 });
    expect(throttleDelay(1234, NEVER, 500, 250)).toEqual({ delay: 0, slot: 1234 });
  });

  it('shows a value at once when its slot has come', () => {
    // Shown in slot 1000 (phase 0): the next slot is 1500.
    expect(throttleDelay(1500, 1000, 500)).toEqual({ delay: 0, slot: 1500 });
    expect(throttleDelay(1620, 1000, 500)).toEqual({ delay: 0, slot: 1500 });
    // Long after: still at once, and the slot stays on the grid.
    expect(throttleDelay(9000, 1000, 500)).toEqual({ delay: 0, slot: 1500 });
  });

  it('makes an early value wait one interval past its slot (for a later value to replace it)', () => {
    expect(throttleDelay(1100, 1000, 500)).toEqual({ delay: 900, slot: 1500 });
    expect(throttleDelay(1499, 1000, 500)).toEqual({ delay: 501, slot: 1500 });
  });

  it('puts the first slot after an off-grid first value on its phase', () => {
    // First value shown at 1100: the next slot is the first of the phase at or after 1600.
    expect(throttleDelay(1200, 1100, 500, 0).slot).toBe(2000);
    expect(throttleDelay(1200, 1100, 500, 250).slot).toBe(1750);
  });

  it('keeps one redraw per interval when values come often (slots, not show times, are kept)', () => {
    // Values every 167 ms (6 clips/s) for 10 s: a redraw at the first value in each slot.
    let lastSlot = NEVER;
    const shownAt: number[] = [];
    for (let now = 0; now < 10_000; now += 167) {
      const { delay, slot } = throttleDelay(now, lastSlot, 500, 250);
      if (delay === 0) {
        lastSlot = slot;
        shownAt.push(now);
      }
    }
    expect(shownAt.length).toBeGreaterThanOrEqual(19);
    expect(shownAt.length).toBeLessThanOrEqual(21);
    // After the first (off the grid), one redraw per slot: at the first value in it.
    for (let i = 2; i < shownAt.length; i++) {
      expect(shownAt[i]! - shownAt[i - 1]!).toBeGreaterThanOrEqual(500 - 167);
      expect(shownAt[i]! - shownAt[i - 1]!).toBeLessThanOrEqual(500 + 167);
    }
  });

  it('gives the charts slots half an interval apart', () => {
    const { latency, probability } = CHART_PHASE_MS;
    for (const last of [0, 130, 499.9999999, 777]) {
      const a = throttleDelay(0, last, CHART_REFRESH_MS, latency).slot;
      const b = throttleDelay(0, last, CHART_REFRESH_MS, probability).slot;
      expect(Math.abs(a - b) % CHART_REFRESH_MS).toBeCloseTo(CHART_REFRESH_MS / 2, 6);
      expect(a).toBeGreaterThanOrEqual(last + CHART_REFRESH_MS - 1e-6);
      expect(b).toBeGreaterThanOrEqual(last + CHART_REFRESH_MS - 1e-6);
    }
  });
});
