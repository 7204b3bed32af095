import { describe, expect, it } from 'vitest';
import { throttleDelay } from './throttle';

describe('throttleDelay', () => {
  it('shows the first value at once', () => {
    expect(throttleDelay(1000, Number.NEGATIVE_INFINITY, 500)).toBe(0);
  });
  it('waits out the rest of the interval after a change', () => {
    expect(throttleDelay(1100, 1000, 500)).toBe(400);
    expect(throttleDelay(1499, 1000, 500)).toBe(1);
  });
  it('never returns a negative delay once the interval has passed', () => {
    expect(throttleDelay(2000, 1000, 500)).toBe(0);
  });
});
