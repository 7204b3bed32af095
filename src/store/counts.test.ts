import { describe, expect, it } from 'vitest';
import { validateCounts } from '../model/budget';
import { rebalanceCounts } from './counts';

describe('rebalanceCounts', () => {
  const base = [20, 20, 14, 10];

  it('takes extra tokens from the smallest experts first', () => {
    expect(rebalanceCounts(base, 3, 40, 64)).toEqual([0, 10, 14, 40]);
  });

  it('gives freed tokens to the smallest expert', () => {
    expect(rebalanceCounts(base, 2, 4, 64)).toEqual([30, 20, 4, 10]);
  });

  it('editing the smallest expert rebalances from the next one', () => {
    expect(rebalanceCounts(base, 0, 10, 64)).toEqual([10, 30, 14, 10]);
    expect(rebalanceCounts(base, 0, 30, 64)).toEqual([30, 10, 14, 10]);
  });

  it('clamps negative, fractional and too-large values', () => {
    expect(rebalanceCounts(base, 1, -5, 64)).toEqual([40, 0, 14, 10]);
    expect(rebalanceCounts(base, 1, 20.6, 64)).toEqual([19, 21, 14, 10]);
    expect(rebalanceCounts(base, 3, 999, 64)).toEqual([0, 0, 0, 64]);
    expect(rebalanceCounts(base, 3, Number.NaN, 64)).toEqual([30, 20, 14, 0]);
  });

  it('always returns valid counts', () => {
    for (let expert = 0; expert < 4; expert++) {
      for (let value = -3; value <= 70; value += 7) {
        expect(validateCounts(rebalanceCounts(base, expert, value, 64), 64, 4)).toBeNull();
      }
    }
  });

  it('rejects an unknown expert', () => {
    expect(() => rebalanceCounts(base, 4, 1, 64)).toThrow(RangeError);
  });
});
