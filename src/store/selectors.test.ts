import { describe, expect, it } from 'vitest';
import { countsForBudget } from '../model/budget';
import { gestureMetadataJson } from '../model/gestureFixture';
import { parseModelMetadata } from '../model/metadata';
import { denseGmacs, gmacsForCounts } from '../model/macs';
import { initialBudget } from './budgetSlice';
import { initialEngine } from './engineSlice';
import {
  budgetCostIfTheirs,
  budgetView,
  cellTooltip,
  expertColour,
  formatBytes,
  heatmapView,
  latencySeries,
  latencyStats,
  operatingPoint,
  paretoCurves,
  probabilitySeries,
  sourceDescription,
  statusText,
  sweepRows,
  topPredictions,
} from './selectors';
import { initialSource } from './sourceSlice';
import { resultFor, shippedMetadata } from './testing';
import type { AppError, HistoryPoint } from './types';

const meta = shippedMetadata();

describe('statusText', () => {
  it('walks through the engine phases', () => {
    expect(statusText(initialEngine, [])).toBe('Starting…');
    expect(statusText({ ...initialEngine, phase: 'loading' }, [])).toBe('Loading model…');
    const load = {
      file: 'm.onnx',
      loadedBytes: 3 * 1024 * 1024,
      totalBytes: 6 * 1024 * 1024,
      fromCache: false,
    };
    expect(statusText({ ...initialEngine, phase: 'loading', load }, [])).toBe(
      'Loading model… 50% (3.0 MB of 6.0 MB)',
    );
    expect(
      statusText({ ...initialEngine, phase: 'warming', warmup: { done: 2, total: 11 } }, []),
    ).toBe('Warming up… 2/11');
    expect(statusText({ ...initialEngine, phase: 'ready' }, [])).toBe('Ready');
  });

  it('names the last error when the engine failed', () => {
    const errors: AppError[] = [
      { id: 1, scope: 'model', title: 'Model not found', message: '', severity: 'error' },
      { id: 2, scope: 'engine', title: 'Switched to WASM', message: '', severity: 'warning' },
    ];
    expect(statusText({ ...initialEngine, phase: 'error' }, errors)).toBe('Error: Model not found');
  });
});

describe('formatBytes', () => {
  it('uses B, KB and MB', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(7_082_992)).toBe('6.8 MB');
  });
});

describe('budgetView', () => {
  it('gives GMACs, the share of dense compute and the slider announcement', () => {
    const counts = countsForBudget(0.5, 64, 4);
    const view = budgetView(meta, { ...initialBudget, ec: 0.5, counts })!;
    expect(view.gmacs).toBeCloseTo(gmacsForCounts(meta, counts), 12);
    expect(view.fractionOfDense).toBeCloseTo(view.gmacs / denseGmacs(meta), 12);
    expect(view.valueText).toMatch(/^\d+% compute, 0\.\d{3} GMACs$/);
  });

  it('is null before counts exist', () => {
    expect(budgetView(meta, initialBudget)).toBeNull();
  });

  it('reports full compute at e_c = 1', () => {
    const view = budgetView(meta, { ...initialBudget, ec: 1, counts: [0, 0, 0, 64] })!;
    expect(view.fractionOfDense).toBe(1);
    expect(view.effectiveEc).toBe(1);
    expect(view.valueText.startsWith('100% compute')).toBe(true);
  });
});

describe('budgetCostIfTheirs', () => {
  it("skips counts of another model's token count; costs this model's", () => {
    const meta = shippedMetadata();
    const gesture = parseModelMetadata(gestureMetadataJson()); // 49 tokens per step
    const sCounts = countsForBudget(0.5, meta.tokens.per_step, meta.experts.count); // 64 tokens
    expect(budgetCostIfTheirs(gesture, sCounts)).toBeNull();
    expect(budgetCostIfTheirs(meta, sCounts)).toEqual({
      gmacs: gmacsForCounts(meta, sCounts),
      effectiveEc: expect.any(Number) as number,
    });
    const bCounts = countsForBudget(0.5, 49, gesture.experts.count);
    expect(budgetCostIfTheirs(gesture, bCounts)?.gmacs).toBe(gmacsForCounts(gesture, bCounts));
  });
});

describe('heatmapView', () => {
  const result = resultFor(meta, 0.3);

  it('decodes the latest step with counts and router probabilities', () => {
    const view = heatmapView(meta, result, 'latest')!;
    expect(view.t).toBe(3);
    expect(view.rows).toBe(8);
    expect(view.cols).toBe(8);
    expect(view.cells).toHaveLength(64);
    expect(view.counts).toEqual(countsForBudget(0.3, 64, 4));
    expect(view.cells[0]!.prob).toBeCloseTo(0.25);
  });

  it('shows a chosen step, clamped to the clip', () => {
    expect(heatmapView(meta, result, 0)!.t).toBe(0);
    expect(heatmapView(meta, result, 9)!.t).toBe(3);
  });

  it('is null without a result or with a malformed one', () => {
    expect(heatmapView(meta, null, 'latest')).toBeNull();
    const bad = { ...result, expertIndex: new Int32Array(3) };
    expect(heatmapView(meta, bad, 'latest')).toBeNull();
  });
});

describe('cellTooltip', () => {
  it('names the patch, the expert width and the router probability', () => {
    expect(cellTooltip(0, 7, 3, [16, 32, 64, 128], 0.8123)).toBe(
      'Patch row 1, column 8: expert 4 (128-d), router p = 0.81',
    );
    expect(cellTooltip(2, 2, 0, [16], Number.NaN)).toMatch(/router p = n\/a$/);
  });
});

describe('expertColour', () => {
  it('is viridis from the smallest (dark) to the full expert (bright)', () => {
    expect([0, 1, 2, 3].map((e) => expertColour(e, 4))).toEqual([
      '#440154',
      '#31688e',
      '#35b779',
      '#fde725',
    ]);
    expect(expertColour(0, 3)).toBe('#440154');
    expect(expertColour(2, 3)).toBe('#fde725');
  });
});

describe('predictions and series', () => {
  const labels = meta.labels;
  const point = (run: number, runMs: number, at = run * 100): HistoryPoint => ({
    run,
    at,
    runMs,
    endToEndMs: runMs + 10,
    ec: 0.5,
    gmacs: 0.13,
    probs: labels.map((_, i) => (i === run % labels.length ? 0.5 : 0.5 / 9)),
  });

  it('topPredictions sorts and needs matching lengths', () => {
    const probs = labels.map((_, i) => i / 45);
    expect(topPredictions(probs, labels).map((p) => p.label)).toEqual(
      [...labels].reverse().slice(0, 5),
    );
    expect(topPredictions([1, 0], labels)).toEqual([]);
    expect(topPredictions(null, labels)).toEqual([]);
  });

  it('latencySeries and probabilitySeries shape rows for the charts', () => {
    const history = [point(1, 10.123), point(2, 20)];
    expect(latencySeries(history)).toEqual([
      { run: 1, runMs: 10.12, endToEndMs: 20.12 },
      { run: 2, runMs: 20, endToEndMs: 30 },
    ]);
    const rows = probabilitySeries(history, labels);
    expect(rows[0]).toMatchObject({ run: 1, [labels[1]!]: 0.5 });
  });

  it('latencyStats gives percentiles and clips per second', () => {
    const history = Array.from({ length: 11 }, (_, i) => point(i + 1, 10 + i, i * 100));
    const stats = latencyStats(history);
    expect(stats.p50).toBe(15);
    expect(stats.p95).toBeCloseTo(19.5);
    expect(stats.clipsPerSecond).toBeCloseTo(10);
    expect(stats.lastRunMs).toBe(20);
    expect(latencyStats([]).p50).toBeNull();
  });
});

describe('compute–accuracy curves', () => {
  const withCurves = shippedMetadata({
    mone: [
      { gmacs: 0.2, top1: 0.9, e_c: 0.8 },
      { gmacs: 0.1, top1: 0.8, e_c: 0.3 },
    ],
    dense: [{ gmacs: 0.23, top1: 0.91 }],
    random_router: [],
    something_else: [{ gmacs: 1, top1: 1 }],
  });

  it('keeps known, non-empty curves in legend order, sorted by GMACs', () => {
    const curves = paretoCurves(withCurves);
    expect(curves.map((c) => c.key)).toEqual(['mone', 'dense']);
    expect(curves[0]!.points.map((p) => p.gmacs)).toEqual([0.1, 0.2]);
    expect(paretoCurves(shippedMetadata({}))).toEqual([]);
  });

  it('places the operating point at the MoNE top-1 of the nearest e_c', () => {
    expect(operatingPoint(withCurves, 0.12, 0.35)).toEqual({
      gmacs: 0.12,
      top1: 0.8,
      nearestEc: 0.3,
    });
    expect(operatingPoint(withCurves, 0.2, 0.7)).toMatchObject({ top1: 0.9, nearestEc: 0.8 });
    // A dense model sits on the dense curve.
    expect(operatingPoint({ ...withCurves, variant: 'dense' }, 0.23, 0.7)).toEqual({
      gmacs: 0.23,
      top1: 0.91,
      nearestEc: null,
    });
    expect(operatingPoint(shippedMetadata({}), 0.12, 0.35)).toEqual({
      gmacs: 0.12,
      top1: null,
      nearestEc: null,
    });
  });
});

describe('sweepRows', () => {
  it('marks whether each level agrees with the full budget', () => {
    const labels = ['a', 'b', 'c'];
    const rows = sweepRows(
      [
        { ec: 1, counts: [0, 0, 0, 64], gmacs: 0.23, medianRunMs: 30, probs: [0.1, 0.7, 0.2] },
        {
          ec: 0.15,
          counts: [64, 0, 0, 0],
          gmacs: 0.06,
          medianRunMs: 12.345,
          probs: [0.6, 0.3, 0.1],
        },
        { ec: 0.5, counts: [15, 15, 16, 18], gmacs: 0.13, medianRunMs: 20, probs: [0.2, 0.5, 0.3] },
      ],
      labels,
    );
    expect(rows.map((r) => [r.ec, r.top1, r.agrees])).toEqual([
      [0.15, 'a', false],
      [0.5, 'b', true],
      [1, 'b', true],
    ]);
    expect(rows[0]).toMatchObject({ medianRunMs: 12.35, confidence: 0.6 });
    expect(sweepRows([], labels)).toEqual([]);
  });
});

describe('sourceDescription', () => {
  it('describes each kind of source', () => {
    const samples = [{ file: 'moving_left-0.mp4', label: 'moving_left' }];
    expect(sourceDescription(initialSource)).toBe('nothing playing');
    expect(
      sourceDescription({
        ...initialSource,
        kind: 'sample',
        samples,
        sample: 'moving_left-0.mp4',
        status: 'playing',
      }),
    ).toBe('sample “moving left”');
    expect(sourceDescription({ ...initialSource, kind: 'camera', status: 'starting' })).toBe(
      'camera (starting…)',
    );
    expect(
      sourceDescription({ ...initialSource, kind: 'file', fileName: 'a.mp4', status: 'failed' }),
    ).toBe('file “a.mp4” (failed)');
  });
});
