import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  assertCounts,
  BETA,
  capacities,
  countsForBudget,
  DELTA,
  effectiveCapacityOfCounts,
  tokenCounts,
  validateCounts,
  widthFractions,
} from './budget';

// Table of capacities per e_c (E = 4, beta = 10, delta = 2), smallest expert first.
const PAPER_TABLE: [number, number[]][] = [
  [0.15, [0.816, 0.176, 0.008, 0.0]],
  [0.2, [0.601, 0.31, 0.083, 0.006]],
  [0.25, [0.488, 0.33, 0.15, 0.031]],
  [0.3, [0.414, 0.321, 0.194, 0.071]],
  [0.4, [0.307, 0.282, 0.239, 0.171]],
  [0.5, [0.227, 0.235, 0.251, 0.287]],
  [0.6, [0.161, 0.184, 0.241, 0.413]],
  [0.8, [0.059, 0.084, 0.17, 0.687]],
  [0.95, [0.008, 0.016, 0.062, 0.914]],
];

describe('widthFractions', () => {
  it('halves per expert, smallest first', () => {
    expect(widthFractions(4)).toEqual([0.125, 0.25, 0.5, 1]);
    expect(widthFractions(1)).toEqual([1]);
  });
  it('rejects a non-positive expert count', () => {
    expect(() => widthFractions(0)).toThrow(/positive integer/);
  });
});

describe('capacities', () => {
  it.each(PAPER_TABLE)('e_c = %s matches the table to 3 decimals', (ec, expected) => {
    const caps = capacities(ec);
    expect(caps.map((c) => c.toFixed(3))).toEqual(expected.map((c) => c.toFixed(3)));
  });

  it.each(PAPER_TABLE.map(([ec]) => ec))('e_c = %s: sums to 1 and hits e_c', (ec) => {
    const caps = capacities(ec);
    const a = widthFractions(4);
    expect(caps.reduce((s, c) => s + c, 0)).toBeCloseTo(1, 12);
    expect(caps.reduce((s, c, i) => s + c * a[i]!, 0)).toBeCloseTo(ec, 10);
    for (const c of caps) expect(c).toBeGreaterThanOrEqual(0);
  });

  it('is exactly one-hot at the end points', () => {
    expect(capacities(1)).toEqual([0, 0, 0, 1]);
    expect(capacities(0.125)).toEqual([1, 0, 0, 0]);
    expect(capacities(0.5, 2)).toEqual([1, 0]);
  });

  it.each([0.1, 1.01, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects e_c = %s with a clear error',
    (ec) => {
      expect(() => capacities(ec)).toThrow(/e_c must be a number in \[0\.125, 1\]/);
    },
  );
});

describe('tokenCounts / countsForBudget', () => {
  it('floors every expert but the smallest, which takes the leftovers', () => {
    // 0.3*64 = 19.2 -> 19, 0.2*64 = 12.8 -> 12, 0.1*64 = 6.4 -> 6, leftovers 27 on expert 0
    expect(tokenCounts([0.4, 0.3, 0.2, 0.1], 64)).toEqual([27, 19, 12, 6]);
  });

  it('always sums to N', () => {
    for (const [ec] of PAPER_TABLE) {
      for (const n of [1, 16, 64, 196]) {
        const counts = countsForBudget(ec, n);
        expect(validateCounts(counts, n, 4)).toBeNull();
      }
    }
  });

  it('gives every token to the full expert at e_c = 1', () => {
    expect(countsForBudget(1, 64)).toEqual([0, 0, 0, 64]);
    expect(effectiveCapacityOfCounts([0, 0, 0, 64])).toBe(1);
  });

  it('realised e_c of counts follows the width fractions', () => {
    expect(effectiveCapacityOfCounts([64, 0, 0, 0])).toBe(0.125);
    expect(effectiveCapacityOfCounts([1, 1, 1, 1])).toBeCloseTo((0.125 + 0.25 + 0.5 + 1) / 4, 15);
    expect(() => effectiveCapacityOfCounts([0, 0])).toThrow(/at least one token/);
  });
});

describe('validateCounts', () => {
  it('accepts non-negative integers summing to N', () => {
    expect(validateCounts([15, 15, 16, 18], 64)).toBeNull();
    expect(() => assertCounts([15, 15, 16, 18], 64, 4)).not.toThrow();
  });
  it.each<[number[], number, number | undefined, RegExp]>([
    [[1, 2, 3], 6, 4, /expected 4 expert counts, got 3/],
    [[], 0, undefined, /must not be empty/],
    [[1.5, 2.5], 4, undefined, /expert 0 must be an integer, got 1.5/],
    [[5, -1], 4, undefined, /expert 1 must not be negative, got -1/],
    [[1, 2], 4, undefined, /must sum to 4 tokens per step, got 3/],
    [[Number.NaN, 4], 4, undefined, /expert 0 must be an integer/],
  ])('rejects %j (N = %s)', (counts, n, e, message) => {
    expect(validateCounts(counts, n, e)).toMatch(message);
    expect(() => assertCounts(counts, n, e)).toThrow(message);
  });
});

// Shared vectors written by `python -m mone.budget_vectors`: the Python and TS implementations
// must agree exactly on counts (they are floors, so any drift moves tokens between experts).
interface BudgetVectors {
  beta: number;
  delta: number;
  num_experts: number;
  cases: { e_c: number; num_tokens: number; capacities: number[]; counts: number[] }[];
}

// Read unconditionally: a missing or renamed vectors file must fail the suite, not skip it.
const vectors = JSON.parse(
  readFileSync(new URL('../../contracts/budget-vectors.json', import.meta.url), 'utf8'),
) as BudgetVectors;

describe('contracts/budget-vectors.json', () => {
  it('has cases for the default E, beta, delta', () => {
    expect(vectors.cases.length).toBeGreaterThan(0);
    expect([vectors.num_experts, vectors.beta, vectors.delta]).toEqual([4, BETA, DELTA]);
  });

  it.each(vectors.cases)('e_c = $e_c, N = $num_tokens', (c) => {
    const caps = capacities(c.e_c, vectors.num_experts, vectors.beta, vectors.delta);
    expect(caps).toHaveLength(c.capacities.length);
    caps.forEach((value, i) => expect(Math.abs(value - c.capacities[i]!)).toBeLessThan(1e-12));
    expect(tokenCounts(caps, c.num_tokens)).toEqual(c.counts);
    expect(countsForBudget(c.e_c, c.num_tokens, vectors.num_experts)).toEqual(c.counts);
  });
});
