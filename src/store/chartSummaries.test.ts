import { describe, expect, it } from 'vitest';
import { latencySummary, paretoSummary, probabilitySummary, sweepSummary } from './chartSummaries';
import type { HistoryPoint } from './types';

const labels = ['moving_left', 'moving_right', 'static', 'zoom_in'];
const point = (run: number, runMs: number, probs: number[]): HistoryPoint => ({
  run,
  at: run * 100,
  runMs,
  endToEndMs: runMs + 10,
  ec: 0.5,
  gmacs: 0.13,
  probs,
});

describe('chart summaries', () => {
  it('say there is nothing yet before the first clip', () => {
    expect(latencySummary([])).toBe('No clips yet.');
    expect(probabilitySummary([], labels)).toBe('No clips yet.');
    expect(sweepSummary([])).toBe('No budgets explored yet.');
    expect(paretoSummary([])).toMatch(/No evaluation curves/);
  });

  it('latency: the last run, the medians and the count', () => {
    const h = [point(1, 10, [1, 0, 0, 0]), point(2, 30, [1, 0, 0, 0]), point(3, 20, [1, 0, 0, 0])];
    expect(latencySummary(h)).toBe(
      '3 clips. Model run: last 20.0 ms, median 20.0 ms; end to end median 30.0 ms.',
    );
  });

  it('probabilities: the three most likely classes after the latest clip', () => {
    const h = [point(1, 10, [0.7, 0.1, 0.1, 0.1]), point(2, 10, [0.05, 0.6, 0.3, 0.05])];
    expect(probabilitySummary(h, labels)).toBe(
      '2 clips. After the latest: moving right 60%, static 30%, moving left 5%.',
    );
  });

  it('pareto: each curve’s GMACs and top-1 ranges', () => {
    const curves = [
      {
        key: 'mone',
        name: 'MoNE',
        points: [
          { gmacs: 0.06, top1: 0.899, e_c: 0.15 },
          { gmacs: 0.2316, top1: 0.915, e_c: 1 },
        ],
      },
      { key: 'dense', name: 'Dense ViViT', points: [{ gmacs: 0.2316, top1: 0.926 }] },
    ];
    expect(paretoSummary(curves)).toBe(
      'Top-1 accuracy against GMACs per clip. MoNE: 0.060 to 0.232 GMACs, top-1 90% to 92%; ' +
        'Dense ViViT: 0.232 GMACs, top-1 93%.',
    );
  });

  it('sweep: the GMACs and latency ranges and how often the top-1 agrees', () => {
    const row = (ec: number, gmacs: number, medianRunMs: number, agrees: boolean) => ({
      ec,
      gmacs,
      medianRunMs,
      top1: 'static',
      confidence: 0.9,
      agrees,
    });
    expect(sweepSummary([row(0.15, 0.06, 8, false), row(1, 0.23, 20, true)])).toBe(
      '2 budgets from 0.060 to 0.230 GMACs; median run 8.0 ms to 20.0 ms; the top-1 matches e_c = 1 at 1 of 2.',
    );
  });
});
