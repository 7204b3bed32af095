import { describe, expect, it } from 'vitest';
import { computeFraction, denseGmacs, fullExpertCounts, gmacsForCounts } from './macs';
import { parseModelMetadata } from './metadata';
import { tinyMetadataJson } from './testFixtures';

// Fixture: dense 1e6, per_token [1000, 2000, 4000, 8000], 4 time steps, 16 tokens per step.
const meta = parseModelMetadata(tinyMetadataJson());

describe('macs', () => {
  it('follows the contract formula', () => {
    // spatial = 4*1000 + 4*2000 + 4*4000 + 4*8000 = 60_000; * 4 steps = 240_000
    expect(gmacsForCounts(meta, [4, 4, 4, 4])).toBeCloseTo((1_000_000 + 240_000) / 1e9, 15);
  });

  it('dense puts every token on the full expert', () => {
    expect(fullExpertCounts(meta)).toEqual([0, 0, 0, 16]);
    expect(denseGmacs(meta)).toBeCloseTo((1_000_000 + 4 * 16 * 8000) / 1e9, 15);
    expect(computeFraction(meta, [0, 0, 0, 16])).toBe(1);
  });

  it('cheaper experts lower the fraction', () => {
    const smallest = computeFraction(meta, [16, 0, 0, 0]);
    expect(smallest).toBeCloseTo((1_000_000 + 4 * 16 * 1000) / (1_000_000 + 4 * 16 * 8000), 12);
    expect(smallest).toBeLessThan(computeFraction(meta, [4, 4, 4, 4]));
  });

  it('rejects counts that are not a valid split of the tokens', () => {
    expect(() => gmacsForCounts(meta, [16, 0, 0])).toThrow(/expected 4 expert counts, got 3/);
    expect(() => gmacsForCounts(meta, [1, 1, 1, 1])).toThrow(/must sum to 16/);
  });
});
