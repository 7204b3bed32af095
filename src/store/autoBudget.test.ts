import { describe, expect, it } from 'vitest';
import { autoBudgetStep, initialAutoBudgetState } from './autoBudget';

const params = { targetMs: 10, minEc: 0.15, maxEc: 1, step: 0.05, settleRuns: 3 };

/** Feeds `runs` measurements taken at the current e_c and returns the e_c after them. */
function drive(ec: number, runs: number[]) {
  let state = initialAutoBudgetState;
  let current = ec;
  for (const ms of runs)
    ({ ec: current, state } = autoBudgetStep(state, current, current, ms, params));
  return current;
}

describe('autoBudgetStep', () => {
  it('waits for settleRuns runs before moving', () => {
    let state = initialAutoBudgetState;
    let ec = 1;
    ({ ec, state } = autoBudgetStep(state, ec, ec, 40, params));
    ({ ec, state } = autoBudgetStep(state, ec, ec, 40, params));
    expect(ec).toBe(1);
    expect(state.samples).toEqual([40, 40]);
    ({ ec, state } = autoBudgetStep(state, ec, ec, 40, params));
    expect(ec).toBeLessThan(1);
    expect(state.samples).toEqual([]);
  });

  it('lowers e_c when too slow and raises it when too fast', () => {
    expect(drive(1, [20, 20, 20])).toBeLessThan(1);
    expect(drive(0.3, [5, 5, 5])).toBeGreaterThan(0.3);
  });

  it('holds still inside the dead band', () => {
    expect(drive(0.5, [10.5, 9.6, 10.2])).toBe(0.5);
  });

  it('always moves at least one grid step outside the dead band', () => {
    // 0.2 * (10 / 11.2)^0.6 = 0.187 would snap back to 0.2; the step is forced to 0.15.
    expect(drive(0.2, [11.2, 11.2, 11.2])).toBe(0.15);
    expect(drive(0.9, [8.8, 8.8, 8.8])).toBe(0.95);
  });

  it('stays inside [minEc, maxEc]', () => {
    expect(drive(0.15, [100, 100, 100])).toBe(0.15);
    expect(drive(1, [1, 1, 1])).toBe(1);
  });

  it('ignores runs made at a stale e_c and bad inputs', () => {
    const s = autoBudgetStep(initialAutoBudgetState, 0.5, 0.8, 50, params);
    expect(s).toEqual({ ec: 0.5, state: initialAutoBudgetState });
    const t = autoBudgetStep(initialAutoBudgetState, 0.5, 0.5, 50, { ...params, targetMs: 0 });
    expect(t.ec).toBe(0.5);
  });

  it('converges on a plant whose latency is linear in e_c', () => {
    // latency = 2 ms fixed + 30 ms * e_c; target 10 ms -> e_c ~ 0.27.
    let state = initialAutoBudgetState;
    let ec = 1;
    for (let i = 0; i < 60; i++) {
      ({ ec, state } = autoBudgetStep(state, ec, ec, 2 + 30 * ec, params));
    }
    expect(2 + 30 * ec).toBeGreaterThan(8.5);
    expect(2 + 30 * ec).toBeLessThan(11.5);
  });

  it('moves at most maxStep per decision', () => {
    // 0.3 * (10 / 1)^0.6 = 1.19 unlimited; limited to 0.3 + 0.15.
    expect(drive(0.3, [1, 1, 1])).toBe(0.45);
    expect(drive(1, [100, 100, 100])).toBe(0.85);
  });

  it('defaults to the median of five runs per decision', () => {
    const { settleRuns: _unused, ...defaults } = params;
    let state = initialAutoBudgetState;
    let ec = 1;
    for (let i = 0; i < 4; i++) ({ ec, state } = autoBudgetStep(state, ec, ec, 40, defaults));
    expect(ec).toBe(1);
    expect(state.samples).toHaveLength(4);
    expect(autoBudgetStep(state, ec, ec, 40, defaults).ec).toBeLessThan(1);
  });

  it('stays near the target on a plant with heavy-tailed noise', () => {
    // latency = (2 + 30 e_c) ms, and one run in four is 45% faster or 80% slower (seeded).
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const { settleRuns: _unused, ...defaults } = params;
    let state = initialAutoBudgetState;
    let ec = 1;
    const seen: number[] = [];
    for (let i = 0; i < 300; i++) {
      const r = rand();
      const noise = r < 0.125 ? 0.55 : r < 0.25 ? 1.8 : 1 + (r - 0.625) * 0.2;
      ({ ec, state } = autoBudgetStep(state, ec, ec, (2 + 30 * ec) * noise, defaults));
      if (i >= 60) seen.push(ec);
    }
    // target 10 ms -> e_c ~ 0.27; after settling it never wanders back near e_c = 1
    expect(Math.max(...seen)).toBeLessThanOrEqual(0.5);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0.15);
  });
});
