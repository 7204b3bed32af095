import { describe, expect, it } from 'vitest';
import { parseModelMetadata } from './metadata';
import { cellOfToken, cellRect, decodeRouting, latestStep, stepGrid, totalCounts } from './routing';
import { tinyMetadataJson } from './testFixtures';

// Fixture: 4 time steps, 4x4 grid (16 tokens per step), 4 experts, patch 8 -> 32x32 input.
const meta = parseModelMetadata(tinyMetadataJson());

/** Step t gives token i to expert (i + t) % 4: each expert gets 4 tokens per step. */
function cyclicIndex(): Int32Array {
  const out = new Int32Array(4 * 16);
  for (let t = 0; t < 4; t++) for (let i = 0; i < 16; i++) out[t * 16 + i] = (i + t) % 4;
  return out;
}

describe('decodeRouting', () => {
  it('splits per time step with per-expert counts', () => {
    const routing = decodeRouting(cyclicIndex(), meta);
    expect(routing.steps).toHaveLength(4);
    expect(routing.steps[2]!.experts[0]).toBe(2);
    for (const step of routing.steps) expect(step.counts).toEqual([4, 4, 4, 4]);
    expect(totalCounts(routing)).toEqual([16, 16, 16, 16]);
  });

  it('lays tokens out row-major, row 0 at the top', () => {
    const index = new Int32Array(64);
    index[16 * 3 + 1 * 4 + 2] = 3; // step 3, row 1, col 2 -> full expert
    const routing = decodeRouting(index, meta);
    const grid = stepGrid(routing, 3);
    expect(grid).toHaveLength(4);
    expect(grid[1]).toEqual([0, 0, 3, 0]);
    expect(latestStep(routing).t).toBe(3);
    expect(latestStep(routing).counts).toEqual([15, 0, 0, 1]);
    expect(cellOfToken(1 * 4 + 2, 4)).toEqual({ row: 1, col: 2 });
  });

  it('rejects wrong lengths and unknown experts', () => {
    expect(() => decodeRouting(new Int32Array(63), meta)).toThrow(
      /has 63 values, expected 64 \(4 steps x 16 tokens\)/,
    );
    const bad = cyclicIndex();
    bad[16 + 5] = 4;
    expect(() => decodeRouting(bad, meta)).toThrow(
      /expert_index\[1\]\[5\] is 4, expected an expert id in \[0, 4\)/,
    );
    expect(() => stepGrid(decodeRouting(cyclicIndex(), meta), 4)).toThrow(/time step 4 is outside/);
  });
});

describe('cellRect', () => {
  it('maps cells into the model input square by default', () => {
    expect(cellRect(0, 0, meta.tokens)).toEqual({ x: 0, y: 0, width: 8, height: 8 });
    expect(cellRect(1, 2, meta.tokens)).toEqual({ x: 16, y: 8, width: 8, height: 8 });
  });
  it('scales to an overlay size', () => {
    expect(cellRect(3, 3, meta.tokens, { width: 300, height: 300 })).toEqual({
      x: 225,
      y: 225,
      width: 75,
      height: 75,
    });
  });
  it('rejects cells outside the grid', () => {
    expect(() => cellRect(4, 0, meta.tokens)).toThrow(/outside the 4x4 grid/);
  });
});
