import { describe, expect, it } from 'vitest';
import { softmax, TemporalSmoother, topK } from './postprocess';

describe('softmax', () => {
  it('matches the closed form and sums to 1', () => {
    const p = softmax([0, Math.log(3)]);
    expect(p[0]).toBeCloseTo(0.25, 15);
    expect(p[1]).toBeCloseTo(0.75, 15);
  });
  it('is shift-invariant and survives huge logits', () => {
    const p = softmax(new Float32Array([1000, 1001, 1002]));
    const q = softmax([0, 1, 2]);
    for (let i = 0; i < 3; i++) expect(p[i]).toBeCloseTo(q[i]!, 6);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });
  it('handles empty input', () => {
    expect(softmax([])).toHaveLength(0);
  });
});

describe('topK', () => {
  const labels = ['a', 'b', 'c', 'd'];
  it('returns the k best, best first, ties in label order', () => {
    expect(topK([0.1, 0.4, 0.1, 0.4], labels, 3)).toEqual([
      { index: 1, label: 'b', prob: 0.4 },
      { index: 3, label: 'd', prob: 0.4 },
      { index: 0, label: 'a', prob: 0.1 },
    ]);
  });
  it('clamps k', () => {
    expect(topK([0.1, 0.2, 0.3, 0.4], labels, 10)).toHaveLength(4);
    expect(topK([0.1, 0.2, 0.3, 0.4], labels, 0)).toEqual([]);
  });
  it('rejects mismatched lengths', () => {
    expect(() => topK([1], labels, 1)).toThrow(/1 probabilities for 4 labels/);
  });
});

describe('TemporalSmoother', () => {
  it('averages the last `window` clips', () => {
    const s = new TemporalSmoother({ window: 2 });
    expect(Array.from(s.push([1, 0]))).toEqual([1, 0]);
    expect(Array.from(s.push([0, 1]))).toEqual([0.5, 0.5]);
    expect(Array.from(s.push([0, 1]))).toEqual([0, 1]); // first clip dropped out
    expect(s.size).toBe(2);
  });

  it('ema uses alpha = 2 / (window + 1)', () => {
    const s = new TemporalSmoother({ window: 3, mode: 'ema' }); // alpha = 0.5
    expect(Array.from(s.push([1, 0]))).toEqual([1, 0]);
    expect(Array.from(s.push([0, 1]))).toEqual([0.5, 0.5]);
    expect(Array.from(s.push([0, 1]))).toEqual([0.25, 0.75]);
  });

  it('reset() forgets history; a new class count restarts it', () => {
    const s = new TemporalSmoother({ window: 4 });
    s.push([1, 0]);
    s.reset();
    expect(s.size).toBe(0);
    expect(Array.from(s.push([0, 1]))).toEqual([0, 1]);
    expect(Array.from(s.push([0, 0, 1]))).toEqual([0, 0, 1]);
    expect(s.size).toBe(1);
  });

  it('returns copies, not internal state', () => {
    const s = new TemporalSmoother({ window: 2, mode: 'ema' });
    const out = s.push([1, 0]);
    out[0] = 42;
    expect(Array.from(s.push([1, 0]))).toEqual([1, 0]);
  });

  it('rejects a bad window', () => {
    expect(() => new TemporalSmoother({ window: 0 })).toThrow(/positive integer, got 0/);
  });
});
