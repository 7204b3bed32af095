/**
 * The store and its selectors with more than one model: a gesture-shaped model (27 classes, a 7x7
 * grid, 8 time steps), the dense baseline, switching between models, and the picker's texts.
 */
import { describe, expect, it } from 'vitest';
import shippedIndex from '../../public/models/index.json';
import { gestureMetadataJson } from '../model/gestureFixture';
import { denseGmacs } from '../model/macs';
import { parseModelMetadata } from '../model/metadata';
import { modelById } from '../model/modelsIndex';
import { parseModelsIndex } from '../model/modelsIndexParse';
import { ownModelEntry } from '../model/ownModel';
import { countsFor } from './budgetMath';
import { createAppStore } from './index';
import {
  budgetView,
  cameraFramesText,
  cameraNote,
  chartClasses,
  choiceReason,
  chosenModel,
  classColour,
  findModel,
  heatmapView,
  modelGroups,
  modelOptionText,
  probabilitySeries,
  sessionsText,
  sweepRows,
  topPredictions,
} from './selectors';
import { readyEvent, resultFor, shippedMetadata } from './testing';
import type { HistoryPoint } from './types';

const gesture = parseModelMetadata(gestureMetadataJson());
const motion = shippedMetadata();
const dense = { ...motion, name: 'vivit-dense-s', variant: 'dense' as const };
const index = parseModelsIndex(structuredClone(shippedIndex));

function readyOn(meta = gesture) {
  const store = createAppStore();
  store.getState().initRequested('wasm');
  store.getState().engineReady(readyEvent(meta));
  return store;
}

describe('a 27-class, 7x7 model through the store and selectors', () => {
  it('resolves the budget to 49 tokens per step', () => {
    const { budget } = readyOn().getState();
    expect(budget.ec).toBe(0.5);
    expect(budget.counts).toEqual(countsFor(gesture, 0.5));
    expect(budget.counts!.reduce((a, b) => a + b, 0)).toBe(49);
    const view = budgetView(gesture, budget)!;
    expect(view.fractionOfDense).toBeLessThan(1);
    expect(view.gmacs).toBeLessThan(denseGmacs(gesture));
  });

  it('shows a 7x7 heatmap of any of the 8 time steps', () => {
    const result = resultFor(gesture, 0.5);
    const latest = heatmapView(gesture, result, 'latest')!;
    expect(latest).toMatchObject({ t: 7, rows: 7, cols: 7 });
    expect(latest.cells).toHaveLength(49);
    expect(latest.counts).toEqual(countsFor(gesture, 0.5));
    expect(heatmapView(gesture, result, 3)!.t).toBe(3);
    expect(heatmapView(gesture, result, 20)!.t).toBe(7);
    // A result shaped for another model draws nothing rather than junk.
    expect(heatmapView(gesture, resultFor(motion, 0.5), 'latest')).toBeNull();
  });

  it('predicts, charts and sweeps over 27 classes', () => {
    const store = readyOn();
    const probs = gesture.labels.map((_, i) => (i === 20 ? 0.74 : 0.01));
    store.getState().clipScored(resultFor(gesture, 0.5, { probs }), 1000);
    const { results } = store.getState();
    const top = topPredictions(results.smoothed, gesture.labels);
    expect(top).toHaveLength(5);
    expect(top[0]).toMatchObject({ label: 'thumb_up', index: 20 });
    const row = probabilitySeries(results.history, gesture.labels)[0]!;
    expect(Object.keys(row)).toHaveLength(28); // run + 27 classes
    expect(row.thumb_up).toBe(0.74);
    const sweep = sweepRows(
      [0.3, 1].map((ec) => ({
        ec,
        counts: countsFor(gesture, ec),
        gmacs: ec,
        medianRunMs: 5,
        probs,
      })),
      gesture.labels,
    );
    expect(sweep.map((r) => r.top1)).toEqual(['thumb_up', 'thumb_up']);
  });

  it('draws the 10 most likely of 27 classes, each in its own colour', () => {
    const history = [5, 12, 26].map((peak, run): HistoryPoint => ({
      run,
      at: run,
      runMs: 1,
      endToEndMs: 1,
      ec: 0.5,
      gmacs: 1,
      probs: gesture.labels.map((_, i) => (i === peak ? 0.9 : i / 1000)),
    }));
    const shown = chartClasses(history, gesture.labels);
    expect(shown).toHaveLength(10);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    expect(shown).toEqual(expect.arrayContaining([5, 12, 26]));
    expect(chartClasses(history, motion.labels)).toEqual(motion.labels.map((_, i) => i));

    const colours = gesture.labels.map((_, i) => classColour(i, 27));
    expect(new Set(colours).size).toBe(27);
    expect(classColour(0, 10)).toBe('#4e79a7');
    expect(new Set(motion.labels.map((_, i) => classColour(i, 10))).size).toBe(10);
  });
});

describe('switching models', () => {
  it('clears what the last model showed and keeps the source and the budget', () => {
    const store = readyOn(motion);
    const s = () => store.getState();
    s().modelChosen({ id: 'mone-vivit-s', by: 'default' });
    s().samplesLoaded([{ file: 'static-0.mp4', label: 'static' }]);
    s().fileChosen('mine.mp4');
    s().budgetChanged(0.3);
    s().heatmapStepChosen(3);
    s().clipScored(resultFor(motion, 0.3), 1000);
    s().sweepRequested(7);
    s().sweepFinished({ type: 'sweepResult', requestId: 7, points: [] });

    s().modelChosen({ id: 'mone-gesture-test', by: 'user' });
    expect(s().engine.phase).toBe('loading');
    expect(s().results).toMatchObject({ latest: null, smoothed: null, history: [], runs: 1 });
    expect(s().results.sweep).toEqual({ status: 'idle', requestId: null, points: [] });
    expect(s().heatmap.step).toBe('latest');
    expect(s().source).toMatchObject({ kind: 'file', fileName: 'mine.mp4' });

    s().engineReady(readyEvent(gesture));
    expect(s().engine.metadata?.labels).toHaveLength(27);
    expect(s().budget.ec).toBe(0.3); // the user's e_c, now on this model
    expect(s().budget.counts).toEqual(countsFor(gesture, 0.3));
  });

  it('choosing the same model again only records who chose it', () => {
    const store = readyOn(motion);
    store.getState().modelChosen({ id: 'mone-vivit-s', by: 'default' });
    store.getState().clipScored(resultFor(motion, 0.5), 1);
    store.getState().modelChosen({ id: 'mone-vivit-s', by: 'user' });
    expect(store.getState().results.latest).not.toBeNull();
    expect(store.getState().engine.phase).toBe('ready');
    expect(store.getState().models.choice).toEqual({ id: 'mone-vivit-s', by: 'user' });
  });

  it('gives a dense model the full expert at every e_c and no auto budget', () => {
    expect(countsFor(dense, 0.2)).toEqual([0, 0, 0, 64]);
    const store = readyOn(dense);
    const s = () => store.getState();
    expect(budgetView(dense, s().budget)!.fractionOfDense).toBe(1);
    s().autoBudgetToggled(true);
    s().targetLatencyChanged(1);
    for (let i = 0; i < 6; i++) s().clipScored(resultFor(dense, 0.5, { runMs: 50 }), i);
    expect(s().budget.ec).toBe(0.5);
    expect(s().budget.counts).toEqual([0, 0, 0, 64]);
  });

  it('a failed model index leaves a message and the error phase (Retry)', () => {
    const store = createAppStore();
    store.getState().modelsIndexFailed('The list of models could not be loaded: HTTP 404.');
    expect(store.getState().engine.phase).toBe('error');
    expect(store.getState().errors[0]).toMatchObject({
      scope: 'model',
      title: 'Model list unavailable',
    });
  });
});

describe('the picker texts', () => {
  const mone = modelById(index, 'mone-vivit-s')!;
  const baseline = modelById(index, 'vivit-dense-s')!;

  it('names the model, its task and its kind; warns where it does not suit the backend', () => {
    expect(modelOptionText(mone, 'wasm')).toBe('MoNE ViViT-S — motion (10 classes, synthetic)');
    expect(modelOptionText(baseline, null)).toBe(
      'Dense ViViT-S (baseline) — motion (10 classes, synthetic)',
    );
    expect(modelGroups(index.models).map((g) => [g.label, g.models.map((m) => m.id)])).toEqual([
      ['MoNE (adjustable compute)', ['mone-vivit-s']],
      ['Dense baselines', ['vivit-dense-s']],
    ]);
    expect(modelOptionText({ ...mone, backends: ['webgpu'] }, 'wasm')).toMatch(
      /\(not meant for WASM\)$/,
    );
  });

  it('says why the model runs', () => {
    const models = (by: 'default' | 'link' | 'user', id = 'mone-vivit-s') => ({
      index,
      choice: { id, by },
      own: [],
      keepOwn: false,
    });
    expect(choiceReason(models('default'), 'wasm')).toMatch(/^Default on WASM: /);
    expect(choiceReason(models('default'), null)).toBe('Default on every backend: MoNE ViViT-S.');
    expect(choiceReason(models('link', 'vivit-dense-s'), 'wasm')).toBe(
      'Chosen by the link (?model=vivit-dense-s).',
    );
    expect(choiceReason(models('user'), 'webgpu')).toBe('Chosen by you.');
    expect(choiceReason({ index: null, choice: null, own: [], keepOwn: false }, 'wasm')).toBe('');
    expect(chosenModel(models('user', 'vivit-dense-s'))).toBe(baseline);
  });

  it('tells what the camera gives each model', () => {
    expect(cameraNote({ camera_mirrored: true })).toBe(
      'Camera frames are mirrored before the model (files never are), so direction labels name what you see on screen.',
    );
    expect(cameraNote(mone)).toMatch(/unmirrored/);
    expect(cameraFramesText(mone)).toBe(
      'unmirrored (mone-vivit-s was trained on unmirrored frames)',
    );
    expect(cameraFramesText({ id: 'g', camera_mirrored: true })).toMatch(/^mirrored before/);
    expect(cameraFramesText({ id: 'own:ab12.cd34', camera_mirrored: false })).toBe(
      'unmirrored (your model was trained on unmirrored frames)',
    );
  });

  it('counts sessions per model', () => {
    expect(sessionsText(null)).toBe('–');
    expect(sessionsText({ sessionsByModel: { 'mone-vivit-s': 1, 'vivit-dense-s': 1 } })).toBe(
      'mone-vivit-s 1 · vivit-dense-s 1',
    );
  });
});

describe('own models (from the user’s disk)', () => {
  const info = (sha: string, kept: boolean) => ({
    sha256: sha.repeat(64),
    metadataSha256: 'f'.repeat(64),
    modelFile: 'm.onnx',
    metadataFile: 'm.json',
    bytes: 4_240_000,
    kept,
  });
  const entry = (sha: string, kept = false) =>
    ownModelEntry(dense, info(sha, kept), '../samples/index.json');

  it('an opened model joins the picker as the choice; the index’s models stay', () => {
    const store = readyOn(motion);
    store.getState().modelsIndexed(index);
    store.getState().modelChosen({ id: 'mone-vivit-s', by: 'default' });
    store.getState().ownModelOpened(entry('a'));
    const { models } = store.getState();
    expect(models.choice).toEqual({ id: entry('a').id, by: 'user' });
    expect(chosenModel(models)?.name).toBe('Your model: vivit-dense-s');
    expect(findModel(models, 'vivit-dense-s')?.id).toBe('vivit-dense-s');
    expect(findModel(models, 'own:nope')).toBeNull();
    // The previous model's results went with the switch.
    expect(store.getState().results.latest).toBeNull();
    expect(modelGroups(index.models, models.own).map((g) => [g.label, g.models.length])).toEqual([
      ['MoNE (adjustable compute)', 1],
      ['Dense baselines', 1],
      ['Your models', 1],
    ]);
    expect(choiceReason(models, 'wasm')).toBe(
      'Your model, from files on this device: a link cannot carry it, so the link opens the default model.',
    );
  });

  it('the kept list replaces the kept ones and keeps models opened on the page', () => {
    const store = createAppStore();
    const s = store.getState();
    s.modelsIndexed(index);
    s.ownModelOpened(entry('a')); // opened, not kept
    s.ownModelOpened(entry('b')); // opened, then kept: the list says so
    s.keptModelsListed([entry('b', true), entry('c', true)]);
    const own = () => store.getState().models.own.map((m) => [m.id.slice(4, 5), m.own.kept]);
    expect(own()).toEqual([
      ['a', false],
      ['b', true],
      ['c', true],
    ]);
    s.ownModelForgotten(entry('b').id);
    s.keptModelsListed([entry('c', true)]);
    expect(own()).toEqual([
      ['a', false],
      ['c', true],
    ]);
    s.keepOwnToggled(true);
    expect(store.getState().models.keepOwn).toBe(true);
  });
});
