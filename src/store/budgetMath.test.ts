import { describe, expect, it } from 'vitest';
import { snapEc } from './budgetMath';

describe('snapEc', () => {
  it('snaps to the slider grid and clamps', () => {
    expect(snapEc(0.52, 0.15, 1, 0.05)).toBe(0.5);
    expect(snapEc(0.33, 0.15, 1, 0.05)).toBe(0.35);
    expect(snapEc(0.01, 0.15, 1, 0.05)).toBe(0.15);
    expect(snapEc(1.7, 0.15, 1, 0.05)).toBe(1);
  });
});
