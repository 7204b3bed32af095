import { describe, expect, it } from 'vitest';
import { countsForBudget, validateCounts } from '../model/budget';
import { createAppStore } from './index';
import { pageSessions } from './selectors';
import { readyEvent, resultFor, shippedMetadata } from './testing';

const STATS = {
  type: 'stats',
  sessionsCreated: 0,
  sessionsByModel: {},
  loadedModels: [],
  modelDownloads: 0,
  runs: 0,
  framesReceived: 0,
  framesDropped: 0,
  wasmMemoryBytes: null,
} as const;

function readyStore() {
  const store = createAppStore();
  store.getState().initRequested('wasm');
  store.getState().engineReady(readyEvent());
  return store;
}

describe('engine slice', () => {
  it('follows idle → loading → warming → ready', () => {
    const store = createAppStore();
    const s = () => store.getState();
    expect(s().engine.phase).toBe('idle');
    s().initRequested('wasm');
    expect(s().engine).toMatchObject({ phase: 'loading', preference: 'wasm' });
    s().loadProgressed({
      type: 'loadProgress',
      file: 'm.onnx',
      loadedBytes: 10,
      totalBytes: 100,
      fromCache: false,
    });
    expect(s().engine.load?.loadedBytes).toBe(10);
    s().warmupProgressed({ type: 'warmup', done: 1, total: 11 });
    expect(s().engine.phase).toBe('warming');
    s().engineReady(readyEvent());
    expect(s().engine.phase).toBe('ready');
    expect(s().engine.metadata?.name).toBe('mone-vivit-s');
  });

  it('uses the model default budget on ready', () => {
    const { budget } = readyStore().getState();
    expect(budget.ec).toBe(0.5);
    expect(budget.counts).toEqual(countsForBudget(0.5, 64, 4));
  });

  it('applies a budget chosen before the model was known, snapped to the grid', () => {
    const store = createAppStore();
    store.getState().budgetChanged(0.33);
    store.getState().engineReady(readyEvent());
    expect(store.getState().budget.ec).toBe(0.35);
    expect(store.getState().budget.counts).toEqual(countsForBudget(0.35, 64, 4));
  });

  it('rejects an out-of-range budget from the link with a message', () => {
    const store = createAppStore();
    store.getState().budgetChanged(5);
    store.getState().engineReady(readyEvent());
    expect(store.getState().budget.ec).toBe(1);
    expect(store.getState().errors[0]).toMatchObject({ scope: 'budget', title: 'Invalid budget' });
  });

  it('quotes a link value as written when clamping it: ec=1e-400 is not shown as 0', () => {
    const store = createAppStore();
    store.getState().budgetChanged(Number('1e-400'), 'ec=1e-400');
    store.getState().engineReady(readyEvent());
    expect(store.getState().budget.ec).toBe(0.15);
    expect(store.getState().errors[0]?.message).toBe(
      'ec=1e-400 is outside the range this model supports [0.15, 1]; using 0.15.',
    );
    store.getState().budgetChanged(99, 'ec=99');
    expect(store.getState().errors[1]?.message).toMatch(/^ec=99 is outside the range/);
  });

  it('a budget change that changes nothing leaves the state as it is', () => {
    const store = readyStore();
    store.getState().budgetChanged(0.7);
    const before = store.getState().budget;
    store.getState().budgetChanged(0.7);
    expect(store.getState().budget).toBe(before);
    expect(store.getState().budget.auto).toBe(before.auto);
  });

  it('counts the sessions of disposed and restarted engines, in all and per model', () => {
    const store = readyStore();
    const s = () => store.getState();
    s().statsReceived({ ...STATS, sessionsCreated: 2, sessionsByModel: { a: 1, b: 1 } });
    s().initRequested('webgpu');
    s().engineDisposed({ type: 'disposed', sessionsCreated: 2, sessionsByModel: { a: 1, b: 1 } });
    s().statsReceived({ ...STATS, sessionsCreated: 1, sessionsByModel: { a: 1 } });
    const all = { sessionsCreated: 3, sessionsByModel: { a: 2, b: 1 } };
    expect(pageSessions(s().engine)).toEqual(all);
    s().engineRestarted('The worker crashed.', 'wasm');
    expect(s().engine.earlierSessions).toEqual(all);
    expect(s().engine.stats).toBeNull();
    expect(pageSessions(s().engine)).toEqual(s().engine.earlierSessions);
  });

  it('a stalled download is a model error (Retry is offered)', () => {
    const store = createAppStore();
    store.getState().engineFailed({
      type: 'error',
      code: 'model-stalled',
      message: 'The model download stalled: no data for 30 s.',
      fatal: true,
    });
    expect(store.getState().errors[0]).toMatchObject({
      scope: 'model',
      title: 'Model download stalled',
    });
    expect(store.getState().engine.phase).toBe('error');
  });

  it('turns fatal model errors into a message and the error phase', () => {
    const store = createAppStore();
    store.getState().engineFailed({
      type: 'error',
      code: 'model-missing',
      message: 'The model file was not found (HTTP 404).',
      fatal: true,
    });
    const s = store.getState();
    expect(s.engine.phase).toBe('error');
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0]).toMatchObject({ scope: 'model', title: 'Model not found' });
    // Ready after a retry clears the stale error.
    s.engineReady(readyEvent());
    expect(store.getState().errors).toHaveLength(0);
  });

  it('ignores transient codes and de-duplicates repeats', () => {
    const store = createAppStore();
    const err = { type: 'error', message: 'x', fatal: false } as const;
    store.getState().engineFailed({ ...err, code: 'no-clip' });
    store.getState().engineFailed({ ...err, code: 'run-failed' });
    store.getState().engineFailed({ ...err, code: 'run-failed' });
    expect(store.getState().errors).toHaveLength(1);
  });

  it('keeps the weights the ready model runs, and which the user wants; a new engine forgets the first', () => {
    const store = createAppStore();
    const s = () => store.getState();
    expect(s().engine).toMatchObject({ weightsPreference: 'auto', weights: null });
    s().weightsPreferenceChosen('fp32');
    s().initRequested('wasm');
    const weights = {
      kind: 'fp32',
      file: 'm.onnx',
      bytes: 10,
      reason: 'fp32 weights: forced',
    } as const;
    s().engineReady({ ...readyEvent(), weights });
    expect(s().engine).toMatchObject({ weightsPreference: 'fp32', weights });
    s().initRequested('wasm');
    expect(s().engine).toMatchObject({ weightsPreference: 'fp32', weights: null });
  });

  it('int8 weights that could not be used are a warning a later ready keeps', () => {
    const store = createAppStore();
    store.getState().engineFailed({
      type: 'error',
      code: 'weights-fallback',
      message: 'm: m.int8.onnx could not be used (HTTP 404); m.onnx runs instead.',
      fatal: false,
    });
    const fp32 = { kind: 'fp32', file: 'm.onnx', bytes: 9, reason: 'fp32 weights: …' } as const;
    store.getState().engineReady({ ...readyEvent(), weights: fp32 });
    expect(store.getState().errors).toMatchObject([
      { scope: 'model', title: 'int8 weights not used', severity: 'warning' },
    ]);
    expect(store.getState().engine.phase).toBe('ready');
    // A later load that runs the int8 weights (Retry once the network is back) makes it stale.
    const int8 = { kind: 'int8-dynamic', file: 'm.int8.onnx', bytes: 5, reason: 'int8' } as const;
    store.getState().engineReady({ ...readyEvent(), weights: int8 });
    expect(store.getState().errors).toEqual([]);
  });

  it('reports a restart onto another backend as a warning', () => {
    const store = readyStore();
    store.getState().backendChosen({
      type: 'backend',
      backend: 'webgpu',
      reason: 'forced',
      adapter: null,
      threads: 1,
      crossOriginIsolated: true,
    });
    store.getState().engineRestarted('WebGPU device lost; continuing on WASM', 'wasm');
    const s = store.getState();
    expect(s.engine.phase).toBe('restarting');
    expect(s.errors.at(-1)).toMatchObject({ title: 'Switched to WASM', severity: 'warning' });
  });
});

describe('budget slice', () => {
  it('budgetChanged recomputes counts with the budget rule', () => {
    const store = readyStore();
    for (const ec of [0.15, 0.3, 0.7, 1]) {
      store.getState().budgetChanged(ec);
      expect(store.getState().budget.counts).toEqual(countsForBudget(ec, 64, 4));
    }
  });

  it('ignores an invalid e_c with a warning and keeps the old one', () => {
    const store = readyStore();
    store.getState().budgetChanged(0.05);
    expect(store.getState().budget.ec).toBe(0.5);
    expect(store.getState().errors.at(-1)?.title).toBe('Invalid budget');
  });

  it('countsEdited keeps counts valid and enters custom mode', () => {
    const store = readyStore();
    store.getState().advancedToggled(true);
    expect(store.getState().budget).toMatchObject({ advanced: true, mode: 'ec' });
    store.getState().countsEdited(3, 60);
    const { budget } = store.getState();
    expect(budget.mode).toBe('custom');
    expect(budget.counts?.[3]).toBe(60);
    expect(validateCounts(budget.counts!, 64, 4)).toBeNull();
    store.getState().advancedToggled(false);
    expect(store.getState().budget).toMatchObject({ advanced: false, mode: 'ec' });
    expect(store.getState().budget.counts).toEqual(countsForBudget(0.5, 64, 4));
  });

  it('a manual change switches the auto budget off', () => {
    const store = readyStore();
    store.getState().autoBudgetToggled(true);
    store.getState().budgetChanged(0.7);
    expect(store.getState().budget.auto.enabled).toBe(false);
  });

  it('rejects a non-positive target latency', () => {
    const store = readyStore();
    store.getState().targetLatencyChanged(-3);
    expect(store.getState().budget.auto.targetMs).toBe(20);
    store.getState().targetLatencyChanged(8);
    expect(store.getState().budget.auto.targetMs).toBe(8);
  });
});

describe('results slice', () => {
  it('clipScored smooths probabilities and records history', () => {
    const store = readyStore();
    const meta = shippedMetadata();
    const a = meta.labels.map((_, i) => (i === 0 ? 1 : 0));
    const b = meta.labels.map((_, i) => (i === 2 ? 1 : 0));
    store.getState().clipScored(resultFor(meta, 0.5, { probs: a }), 1000);
    store.getState().clipScored(resultFor(meta, 0.5, { probs: b }), 1100);
    const { results } = store.getState();
    expect(results.runs).toBe(2);
    expect(results.smoothed?.[0]).toBeCloseTo(0.5);
    expect(results.smoothed?.[2]).toBeCloseTo(0.5);
    expect(results.history.map((p) => p.run)).toEqual([1, 2]);
  });

  it('a new source clears the prediction but keeps the history', () => {
    const store = readyStore();
    const meta = shippedMetadata();
    store.getState().clipScored(resultFor(meta, 0.5), 1000);
    store.getState().sampleChosen('static-0.mp4');
    const { results, source } = store.getState();
    expect(results.latest).toBeNull();
    expect(results.smoothed).toBeNull();
    expect(results.history).toHaveLength(1);
    expect(source).toMatchObject({ kind: 'sample', sample: 'static-0.mp4', status: 'starting' });
  });

  it('the auto budget lowers e_c when runs are slower than the target', () => {
    const store = readyStore();
    const meta = shippedMetadata();
    store.getState().targetLatencyChanged(10);
    store.getState().autoBudgetToggled(true);
    // the controller decides on the median of five runs at one e_c
    for (let i = 0; i < 4; i++) {
      store.getState().clipScored(resultFor(meta, 0.5, { runMs: 40 }), 1000 + i);
    }
    expect(store.getState().budget.ec).toBe(0.5);
    store.getState().clipScored(resultFor(meta, 0.5, { runMs: 40 }), 1004);
    const { budget } = store.getState();
    expect(budget.ec).toBeLessThan(0.5);
    expect(budget.counts).toEqual(countsForBudget(budget.ec, 64, 4));
  });

  it('keeps only the answer to the sweep it asked for', () => {
    const store = readyStore();
    store.getState().sweepRequested(7);
    store.getState().sweepFinished({ type: 'sweepResult', requestId: 6, points: [] });
    expect(store.getState().results.sweep.status).toBe('running');
    const point = { ec: 1, counts: [0, 0, 0, 64], gmacs: 0.23, medianRunMs: 9, probs: [1] };
    store.getState().sweepFinished({ type: 'sweepResult', requestId: 7, points: [point] });
    expect(store.getState().results.sweep).toMatchObject({ status: 'done', points: [point] });
  });
});

describe('source and errors slices', () => {
  it('a source failure shows a message that the next source clears', () => {
    const store = readyStore();
    store.getState().fileChosen('broken.mp4');
    store.getState().sourceFailed('The file could not be decoded.');
    expect(store.getState().source.status).toBe('failed');
    expect(store.getState().errors[0]).toMatchObject({
      scope: 'source',
      title: 'Cannot play this video file',
    });
    store.getState().sampleChosen('static-0.mp4');
    expect(store.getState().errors).toHaveLength(0);
  });

  it('errorDismissed removes one message', () => {
    const store = createAppStore();
    store.getState().errorRaised({ scope: 'app', title: 'A', message: 'a', severity: 'error' });
    store.getState().errorRaised({ scope: 'app', title: 'B', message: 'b', severity: 'error' });
    const [first] = store.getState().errors;
    store.getState().errorDismissed(first!.id);
    expect(store.getState().errors.map((e) => e.title)).toEqual(['B']);
  });

  it('heatmap controls clamp opacity and choose a step', () => {
    const store = createAppStore();
    store.getState().heatmapOpacityChanged(3);
    store.getState().heatmapStepChosen(2);
    expect(store.getState().heatmap).toMatchObject({ opacity: 1, step: 2 });
  });
});
