/**
 * The model maths on a gesture-shaped model (27 classes, a 7x7 grid, 16 frames of 112 px): nothing
 * here may assume the shipped motion model's 10 classes, 8x8 grid or 8 frames.
 */
import { describe, expect, it } from 'vitest';
import { countsForBudget } from './budget';
import { GESTURE_LABELS, gestureMetadataJson } from './gestureFixture';
import { denseGmacs, fullExpertCounts, gmacsForCounts } from './macs';
import { parseModelMetadata } from './metadata';
import { checkModelIO } from './modelContract';
import { softmax, topK } from './postprocess';
import { clipShape, createClip } from './preprocess';
import { cellOfToken, cellRect, decodeRouting, latestStep, stepGrid } from './routing';

const meta = parseModelMetadata(gestureMetadataJson());
const T = 8; // time steps: 16 frames, tubelet 2
const N = 49; // tokens per step: 7 x 7

/** Step t gives token i to expert (row + t) % 4: whole rows per expert, shifted per step. */
function rowIndex(): Int32Array {
  const out = new Int32Array(T * N);
  for (let t = 0; t < T; t++)
    for (let i = 0; i < N; i++) out[t * N + i] = (Math.floor(i / 7) + t) % 4;
  return out;
}

describe('a 27-class, 7x7, 16-frame model', () => {
  it('is valid metadata per the shared schema', () => {
    expect(meta.labels).toEqual(GESTURE_LABELS);
    expect(meta.labels).toHaveLength(27);
    expect(meta.tokens).toMatchObject({
      grid_height: 7,
      grid_width: 7,
      per_step: N,
      time_steps: T,
    });
  });

  it('accepts a graph with its shapes', () => {
    const inputs = [
      { name: 'video', type: 'float32', shape: [1, 16, 3, 112, 112] },
      { name: 'expert_counts', type: 'int64', shape: [4] },
    ];
    const outputs = [
      { name: 'logits', type: 'float32', shape: [1, 27] },
      { name: 'expert_index', type: 'int32', shape: [T, N] },
      { name: 'router_probs', type: 'float32', shape: [T, N, 4] },
    ];
    expect(() => checkModelIO(meta, inputs, outputs)).not.toThrow();
  });

  it('decodes routing into eight 7x7 grids, row-major', () => {
    const routing = decodeRouting(rowIndex(), meta);
    expect(routing).toMatchObject({ rows: 7, cols: 7, numExperts: 4 });
    expect(routing.steps).toHaveLength(T);
    const grid = stepGrid(routing, 1);
    expect(grid).toHaveLength(7);
    expect(grid.every((row) => row.length === 7)).toBe(true);
    expect(grid[0]).toEqual(Array(7).fill(1));
    expect(grid[6]).toEqual(Array(7).fill(3)); // (6 + 1) % 4
    expect(latestStep(routing).t).toBe(7);
    // Rows 0..6 at t = 7 go to experts 3,0,1,2,3,0,1: 14, 14, 14 and 7 tokens.
    expect(latestStep(routing).counts).toEqual([14, 14, 7, 14]);
    expect(() => decodeRouting(new Int32Array(8 * 64), meta)).toThrow(/expected 392/);
  });

  it('places cells on the 112 px input: 16 px each, the last one at 96', () => {
    expect(cellOfToken(48, 7)).toEqual({ row: 6, col: 6 });
    expect(cellOfToken(7, 7)).toEqual({ row: 1, col: 0 });
    expect(cellRect(6, 6, meta.tokens)).toEqual({ x: 96, y: 96, width: 16, height: 16 });
    expect(cellRect(0, 3, meta.tokens, { width: 350, height: 350 })).toEqual({
      x: 150,
      y: 0,
      width: 50,
      height: 50,
    });
    expect(() => cellRect(7, 0, meta.tokens)).toThrow(/outside the 7x7 grid/);
  });

  it('budgets 49 tokens per step and prices them from the metadata', () => {
    for (const ec of meta.budget.levels) {
      const counts = countsForBudget(ec, N, 4);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(N);
    }
    expect(fullExpertCounts(meta)).toEqual([0, 0, 0, N]);
    expect(denseGmacs(meta)).toBeCloseTo((60_000_000 + T * N * 4_869_120) / 1e9, 12);
    expect(gmacsForCounts(meta, countsForBudget(0.3, N, 4))).toBeLessThan(denseGmacs(meta));
  });

  it('sizes the input clip [1, 16, 3, 112, 112]', () => {
    expect(clipShape(meta)).toEqual([1, 16, 3, 112, 112]);
    expect(createClip(meta)).toHaveLength(16 * 3 * 112 * 112);
  });

  it('ranks all 27 classes', () => {
    const logits = Float32Array.from(GESTURE_LABELS, (_, i) => (i === 26 ? 5 : i / 27));
    const top = topK(Array.from(softmax(logits)), meta.labels, 5);
    expect(top[0]).toMatchObject({ label: 'doing_other_things', index: 26 });
    expect(top.map((p) => p.index)).toEqual([26, 25, 24, 23, 22]);
  });
});
